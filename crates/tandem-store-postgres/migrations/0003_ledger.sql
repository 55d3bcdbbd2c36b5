CREATE TABLE merchants (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    support_email      TEXT NOT NULL,
    return_window_days BIGINT NOT NULL
);

-- One JSON document per order (see tandem-store's OrderDoc), with the columns queries need.
CREATE TABLE orders (
    id          TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    version     BIGINT NOT NULL,
    doc         JSONB NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id, created_at);

-- Every state-changing ledger operation, by idempotency key.
CREATE TABLE ledger_writes (
    id          BIGSERIAL PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    order_id    TEXT,
    result      JSONB NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX ledger_writes_customer ON ledger_writes (customer_id, at);

CREATE TABLE proposals (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    customer_id     TEXT NOT NULL,
    actor           TEXT NOT NULL,
    tool            TEXT NOT NULL,
    args            JSONB NOT NULL,
    words           TEXT NOT NULL,
    order_id        TEXT,
    order_version   BIGINT,
    created_at      BIGINT NOT NULL,
    state           TEXT NOT NULL
);
CREATE INDEX proposals_conversation ON proposals (conversation_id, state);

CREATE TABLE audit_log (
    id               BIGSERIAL PRIMARY KEY,
    at               BIGINT NOT NULL,
    actor_kind       TEXT NOT NULL,
    actor_id         TEXT,
    customer_id      TEXT,
    conversation_id  TEXT,
    event_seq        BIGINT,
    tool             TEXT NOT NULL,
    args             JSONB NOT NULL,
    outcome          TEXT NOT NULL,
    rule             TEXT,
    proposal_id      TEXT,
    confirmation_seq BIGINT,
    result           JSONB NOT NULL
);
CREATE INDEX audit_conversation ON audit_log (conversation_id, id);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

