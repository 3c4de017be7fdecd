-- Times become Unix microseconds: nanoseconds overflow an int64 outside
-- 1678..2262, and a mistyped year was stored as another year.
UPDATE customers SET created_at = created_at / 1000;
UPDATE requests SET created_at = created_at / 1000, updated_at = updated_at / 1000,
    first_response_at = first_response_at / 1000, answered_at = answered_at / 1000,
    closed_at = closed_at / 1000;
UPDATE attachments SET added_at = added_at / 1000;

-- The history stays append-only for everyone but this migration.
DROP TRIGGER events_no_update;
UPDATE events SET at = at / 1000;
-- A description is kept once, in requests: the open event repeated it.
-- The store gives it back as that event's text when it reads the history.
UPDATE events SET text = ''
    WHERE seq = 1 AND action = 'open'
      AND text = (SELECT r.description FROM requests r WHERE r.number = events.number);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
