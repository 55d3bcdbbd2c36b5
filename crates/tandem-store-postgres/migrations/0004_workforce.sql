-- The people who answer customers, and the queue state of conversations.
ALTER TABLE conversations ADD COLUMN queue_priority TEXT;
ALTER TABLE conversations ADD COLUMN queue_skills TEXT;
ALTER TABLE conversations ADD COLUMN queue_reason TEXT;
ALTER TABLE conversations ADD COLUMN queued_at BIGINT;
ALTER TABLE conversations ADD COLUMN assignee TEXT;
ALTER TABLE conversations ADD COLUMN follow_up_email TEXT;
CREATE INDEX conversations_state ON conversations (state, created_at);

CREATE TABLE agents (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    email          TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
    skills         TEXT NOT NULL,
    max_chats      BIGINT NOT NULL CHECK (max_chats BETWEEN 1 AND 10),
    presence       TEXT NOT NULL CHECK (presence IN ('online', 'away', 'offline')),
    presence_since BIGINT NOT NULL,
    created_at     BIGINT NOT NULL
);

CREATE TABLE agent_sessions (
    token_hash TEXT PRIMARY KEY,
    agent_id   TEXT NOT NULL REFERENCES agents (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX agent_sessions_agent ON agent_sessions (agent_id, expires_at);

CREATE TABLE agent_shifts (
    agent_id  TEXT NOT NULL REFERENCES agents (id),
    starts_at BIGINT NOT NULL,
    ends_at   BIGINT NOT NULL,
    PRIMARY KEY (agent_id, starts_at)
);
CREATE INDEX agent_shifts_end ON agent_shifts (ends_at);
