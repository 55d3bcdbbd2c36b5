CREATE TABLE customers (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    email    TEXT NOT NULL,
    market   TEXT NOT NULL,
    language TEXT NOT NULL
);

CREATE TABLE conversations (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL,
    customer_id TEXT REFERENCES customers (id),
    verified    INTEGER NOT NULL,
    language    TEXT,
    state       TEXT NOT NULL CHECK (state IN ('ai', 'queued', 'assigned', 'closed')),
    last_seq    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX conversations_customer ON conversations (customer_id, created_at);

CREATE TABLE events (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    seq             INTEGER NOT NULL,
    at              INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    author          TEXT NOT NULL,
    author_id       TEXT,
    text            TEXT,
    language        TEXT,
    awaiting        TEXT,
    extras          TEXT NOT NULL DEFAULT '{}',
    client_msg_id   TEXT,
    in_reply_to     INTEGER,
    PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
-- Idempotent sends: one message per (conversation, author, client_msg_id).
CREATE UNIQUE INDEX events_client_msg ON events (conversation_id, author, client_msg_id)
    WHERE client_msg_id IS NOT NULL;
-- One CSAT rating per conversation.
CREATE UNIQUE INDEX events_one_csat ON events (conversation_id) WHERE kind = 'csat';
CREATE INDEX events_replies ON events (conversation_id, in_reply_to) WHERE in_reply_to IS NOT NULL;
