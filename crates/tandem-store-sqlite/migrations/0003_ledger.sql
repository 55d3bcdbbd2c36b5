CREATE TABLE merchants (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    support_email      TEXT NOT NULL,
    return_window_days INTEGER NOT NULL
);

-- One JSON document per order (see tandem-store's OrderDoc), with the columns queries need.
CREATE TABLE orders (
    id          TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    version     INTEGER NOT NULL,
    doc         TEXT NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id, created_at);

-- Every state-changing ledger operation, by idempotency key.
CREATE TABLE ledger_writes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    key         TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    order_id    TEXT,
    result      TEXT NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX ledger_writes_customer ON ledger_writes (customer_id, at);

CREATE TABLE proposals (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    customer_id     TEXT NOT NULL,
    actor           TEXT NOT NULL,
    tool            TEXT NOT NULL,
    args            TEXT NOT NULL,
    words           TEXT NOT NULL,
    order_id        TEXT,
    order_version   INTEGER,
    created_at      INTEGER NOT NULL,
    state           TEXT NOT NULL
);
CREATE INDEX proposals_conversation ON proposals (conversation_id, state);

CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    at               INTEGER NOT NULL,
    actor_kind       TEXT NOT NULL,
    actor_id         TEXT,
    customer_id      TEXT,
    conversation_id  TEXT,
    event_seq        INTEGER,
    tool             TEXT NOT NULL,
    args             TEXT NOT NULL,
    outcome          TEXT NOT NULL,
    rule             TEXT,
    proposal_id      TEXT,
    confirmation_seq INTEGER,
    result           TEXT NOT NULL
);
CREATE INDEX audit_conversation ON audit_log (conversation_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
