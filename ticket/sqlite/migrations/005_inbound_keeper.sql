-- Which process kept a message and when (by the wall clock, Unix µs): a
-- run resuming pending messages leaves a live run's own messages to it.
ALTER TABLE inbound ADD COLUMN kept_by TEXT NOT NULL DEFAULT '';
ALTER TABLE inbound ADD COLUMN kept_at INTEGER;
