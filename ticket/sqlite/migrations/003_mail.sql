-- The e-mail channel: the customer's language for notices, the intake log
-- (raw messages kept before they are parsed), the outbox of notices, the
-- Message-ID index that threads replies, and IMAP positions.
ALTER TABLE customers ADD COLUMN lang TEXT NOT NULL DEFAULT '';

CREATE TABLE inbound (
    id          INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL,
    source      TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    message_id  TEXT NOT NULL DEFAULT '',
    sender      TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT '',
    decision    TEXT NOT NULL DEFAULT '',  -- '' while pending
    request     TEXT NOT NULL DEFAULT '',
    as_kind     TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    handled_at  INTEGER,
    handled_by  TEXT NOT NULL DEFAULT ''
);
-- The raw message, byte for byte, in pieces of 1 MiB: SQLite copies every
-- bound BLOB, so one 34 MB message written whole costs over 100 MB.
CREATE TABLE inbound_raw (
    inbound INTEGER NOT NULL REFERENCES inbound(id),
    seq     INTEGER NOT NULL,
    data    BLOB NOT NULL,
    PRIMARY KEY (inbound, seq)
);
CREATE INDEX inbound_decision ON inbound(decision, id);
CREATE INDEX inbound_sha256 ON inbound(sha256);
CREATE INDEX inbound_message_id ON inbound(message_id);
CREATE INDEX inbound_request ON inbound(request);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    request         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    recipients      TEXT NOT NULL,         -- JSON array
    subject         TEXT NOT NULL,
    message_id      TEXT NOT NULL UNIQUE,
    raw             BLOB NOT NULL,         -- exactly what is sent
    queued_at       INTEGER NOT NULL,
    status          TEXT NOT NULL,         -- queued, sent, failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    claimed_until   INTEGER,               -- a sender's lease
    sent_at         INTEGER,
    server_reply    TEXT NOT NULL DEFAULT '',
    error           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_request ON outbox(request);
CREATE INDEX outbox_refusal ON outbox(kind, recipients, queued_at);

-- Every Message-ID we received on or sent for a request, for threading.
CREATE TABLE message_ids (
    message_id TEXT PRIMARY KEY,
    request    TEXT NOT NULL,
    direction  TEXT NOT NULL               -- in, out
) WITHOUT ROWID;

CREATE TABLE imap_positions (
    mailbox      TEXT PRIMARY KEY,
    uid_validity INTEGER NOT NULL,
    last_uid     INTEGER NOT NULL
);
