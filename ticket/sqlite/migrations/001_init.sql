-- The first schema: customers, requests with registration numbers, their
-- append-only history, linked tasks, assignees and attachments.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE customers (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    emails          TEXT NOT NULL,            -- JSON array
    responsible     TEXT NOT NULL,            -- JSON array of {name, email}
    contract_start  TEXT,                     -- YYYY-MM-DD
    contract_end    TEXT,
    project_address TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL          -- Unix nanoseconds
);

CREATE TABLE requests (
    number            INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,   -- registration number, PREFIX-N
    customer          TEXT NOT NULL REFERENCES customers(code),
    subject           TEXT NOT NULL,
    description       TEXT NOT NULL,
    channel           TEXT NOT NULL,
    sender            TEXT NOT NULL,
    project_address   TEXT NOT NULL,
    params            TEXT NOT NULL,          -- JSON array of {key, value}
    priority          TEXT NOT NULL,
    priority_rank     INTEGER NOT NULL,       -- 1 = critical
    status            TEXT NOT NULL,
    related           TEXT NOT NULL,
    closure           TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    first_response_at INTEGER,
    answered_at       INTEGER,
    closed_at         INTEGER
);
CREATE INDEX requests_customer_status ON requests(customer, status);
-- Covers the queue's ORDER BY, so the head of the queue is found in the index.
CREATE INDEX requests_status_queue ON requests(status, priority_rank, created_at, customer);

CREATE TABLE request_assignees (
    number INTEGER NOT NULL REFERENCES requests(number),
    name   TEXT NOT NULL,
    PRIMARY KEY (number, name)
) WITHOUT ROWID;
CREATE INDEX request_assignees_name ON request_assignees(name);

CREATE TABLE request_tasks (
    number INTEGER NOT NULL REFERENCES requests(number),
    task   TEXT NOT NULL,
    PRIMARY KEY (number, task)
) WITHOUT ROWID;
CREATE INDEX request_tasks_task ON request_tasks(task);

CREATE TABLE events (
    number      INTEGER NOT NULL REFERENCES requests(number),
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    text        TEXT NOT NULL,
    detail      TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    PRIMARY KEY (number, seq)
) WITHOUT ROWID;
-- The history is append-only (A9, A10).
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;

CREATE TABLE attachments (
    number   INTEGER NOT NULL REFERENCES requests(number),
    name     TEXT NOT NULL,
    size     INTEGER NOT NULL,
    sha256   TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    content  BLOB NOT NULL,
    PRIMARY KEY (number, name)
);
