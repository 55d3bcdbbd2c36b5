-- Identity verification by email one-time code (DOMAIN.md P1).

-- Emails are looked up case-insensitively.
CREATE INDEX customers_email ON customers (lower(email));

-- The code a conversation waits for. Only a SHA-256 hash of the code is kept.
CREATE TABLE verification_challenges (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations (id),
    -- Whose wrong tries count together: 'customer:<id>' or 'email:<sha-256>'.
    lock_key        TEXT NOT NULL,
    -- NULL for an email that belongs to no customer (no code was sent).
    customer_id     TEXT REFERENCES customers (id),
    code_hash       TEXT NOT NULL,
    issued_at       INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL
) WITHOUT ROWID;

-- Wrong tries per lock key, shared by all conversations.
CREATE TABLE verification_lockouts (
    lock_key        TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL DEFAULT 0,
    last_failure_at INTEGER,
    locked_until    INTEGER
) WITHOUT ROWID;

-- The demo mailbox: mails the demo mailer "sent", with the code in clear. Written only
-- in demo mode (and tests); a real deployment sends mail over SMTP and keeps nothing here.
CREATE TABLE outbound_mail (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body    TEXT NOT NULL,
    code    TEXT,
    sent_at INTEGER NOT NULL
);
CREATE INDEX outbound_mail_to ON outbound_mail (lower(to_addr), id);
