//! The SQLite backend of tandem's store: the embedded default, one file in WAL mode.
//!
//! Writes go through a pool of exactly one connection, so SQLite never sees two writers
//! and a transaction never fails to upgrade its lock; reads use a separate pool and see
//! the last committed state (WAL readers do not block the writer).
//!
//! Layout: conversations in this file, [`ledger`] and `identity` (email verification)
//! beside it; the schema in `migrations/`.

#![forbid(unsafe_code)]

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, SqlitePool};
use tandem_domain::{
    Author, ClientMsgId, Conversation, ConversationId, Customer, CustomerId, Event, EventKind,
};
use tandem_store::{
    Append, ConversationRow, EventRow, Head, MAX_PAGE, QueueColumns, Result, Store, StoreError,
    customer_from_row, head_from_columns, plan_append,
};

mod identity;
mod ledger;
mod workforce;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

macro_rules! event_columns {
    () => {
        "seq, at, kind, author, author_id, text, language, awaiting, extras, client_msg_id, in_reply_to"
    };
}

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub(crate) writer: SqlitePool,
    pub(crate) readers: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and runs migrations.
    pub async fn open(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL in WAL mode: a commit survives a killed process; only a power cut
            // can lose the last transactions.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        Self::connect(options).await
    }

    /// Opens a database from a `sqlite://` URL.
    pub async fn open_url(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(StoreError::backend)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        Self::connect(options).await
    }

    async fn connect(options: SqliteConnectOptions) -> Result<Self> {
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(StoreError::backend)?;
        MIGRATOR.run(&writer).await.map_err(StoreError::backend)?;
        let readers = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await
            .map_err(StoreError::backend)?;
        Ok(Self { writer, readers })
    }

    /// Closes both pools, waiting for in-flight statements.
    pub async fn close(&self) {
        self.readers.close().await;
        self.writer.close().await;
    }
}

pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    StoreError::backend(e)
}

fn event_from_row(row: &SqliteRow) -> Result<Event> {
    let raw = || -> sqlx::Result<EventRow> {
        Ok(EventRow {
            seq: row.try_get("seq")?,
            at: row.try_get("at")?,
            kind: row.try_get("kind")?,
            author: row.try_get("author")?,
            author_id: row.try_get("author_id")?,
            text: row.try_get("text")?,
            language: row.try_get("language")?,
            awaiting: row.try_get("awaiting")?,
            extras: row.try_get("extras")?,
            client_msg_id: row.try_get("client_msg_id")?,
            in_reply_to: row.try_get("in_reply_to")?,
        })
    };
    raw().map_err(backend)?.into_event()
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .fetch_all(&self.readers)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn upsert_customer(&self, c: &Customer) -> Result<()> {
        sqlx::query(
            "INSERT INTO customers (id, name, email, market, language) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email,
               market = excluded.market, language = excluded.language",
        )
        .bind(c.id.as_str())
        .bind(&c.name)
        .bind(&c.email)
        .bind(c.market.as_str())
        .bind(c.language.as_str())
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn customer(&self, id: &CustomerId) -> Result<Option<Customer>> {
        let rows =
            sqlx::query("SELECT id, name, email, market, language FROM customers WHERE id = ?")
                .bind(id.as_str())
                .fetch_all(&self.readers)
                .await
                .map_err(backend)?;
        rows.first().map(customer_from_sqlite).transpose()
    }

    async fn customers(&self) -> Result<Vec<Customer>> {
        let rows =
            sqlx::query("SELECT id, name, email, market, language FROM customers ORDER BY id")
                .fetch_all(&self.readers)
                .await
                .map_err(backend)?;
        rows.iter().map(customer_from_sqlite).collect()
    }

    async fn create_conversation(&self, c: &Conversation) -> Result<()> {
        let r = ConversationRow::from_conversation(c);
        let sql = concat!(
            "INSERT INTO conversations (",
            tandem_store::conversation_columns!(),
            ")
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        );
        sqlx::query(sql)
            .bind(r.id)
            .bind(r.token_hash)
            .bind(r.customer_id)
            .bind(r.verified)
            .bind(r.language)
            .bind(r.state)
            .bind(r.last_seq)
            .bind(r.created_at)
            .bind(r.updated_at)
            .bind(r.queue.priority)
            .bind(r.queue.skills)
            .bind(r.queue.reason)
            .bind(r.queue.since)
            .bind(r.assignee)
            .bind(r.follow_up_email)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn conversation(&self, id: &ConversationId) -> Result<Option<Conversation>> {
        let sql = concat!(
            "SELECT ",
            tandem_store::conversation_columns!(),
            " FROM conversations WHERE id = ?"
        );
        let rows = sqlx::query(sql)
            .bind(id.as_str())
            .fetch_all(&self.readers)
            .await
            .map_err(backend)?;
        rows.first().map(conversation_from_row).transpose()
    }

    async fn append(&self, id: &ConversationId, append: Append) -> Result<Vec<Event>> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let head = sqlx::query(
            "SELECT state, last_seq, queue_priority, queue_skills, queue_reason, queued_at, assignee
             FROM conversations WHERE id = ?",
        )
        .bind(id.as_str())
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        let Some(head) = head.first() else {
            return Err(StoreError::ConversationNotFound(id.clone()));
        };
        let head = head_from_row(head)?;

        for draft in &append.drafts {
            if let Some(client_id) = &draft.client_msg_id {
                let existing = sqlx::query(
                    "SELECT seq FROM events WHERE conversation_id = ? AND author = ? AND client_msg_id = ?",
                )
                .bind(id.as_str())
                .bind(draft.author.as_str())
                .bind(client_id.as_str())
                .fetch_all(&mut *tx)
                .await
                .map_err(backend)?;
                if let Some(row) = existing.first() {
                    let seq: i64 = row.try_get("seq").map_err(backend)?;
                    return Err(StoreError::DuplicateMessage { seq: seq as u64 });
                }
            }
            if draft.kind == EventKind::Csat {
                let rated = sqlx::query(
                    "SELECT seq FROM events WHERE conversation_id = ? AND kind = 'csat'",
                )
                .bind(id.as_str())
                .fetch_all(&mut *tx)
                .await
                .map_err(backend)?;
                if !rated.is_empty() {
                    return Err(StoreError::AlreadyRated);
                }
            }
        }

        let (events, new_head) = plan_append(&head, append)?;
        let insert = concat!(
            "INSERT INTO events (conversation_id, ",
            event_columns!(),
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        );
        let mut updated_at = None;
        for event in &events {
            let r = EventRow::from_event(event);
            updated_at = Some(r.at);
            sqlx::query(insert)
                .bind(id.as_str())
                .bind(r.seq)
                .bind(r.at)
                .bind(r.kind)
                .bind(r.author)
                .bind(r.author_id)
                .bind(r.text)
                .bind(r.language)
                .bind(r.awaiting)
                .bind(r.extras)
                .bind(r.client_msg_id)
                .bind(r.in_reply_to)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        let queue = QueueColumns::from_entry(new_head.queue.as_ref());
        sqlx::query(
            "UPDATE conversations SET last_seq = ?, state = ?, updated_at = COALESCE(?, updated_at),
               queue_priority = ?, queue_skills = ?, queue_reason = ?, queued_at = ?, assignee = ?
             WHERE id = ?",
        )
        .bind(new_head.last_seq as i64)
        .bind(new_head.state.as_str())
        .bind(updated_at)
        .bind(queue.priority)
        .bind(queue.skills)
        .bind(queue.reason)
        .bind(queue.since)
        .bind(new_head.assignee.as_ref().map(|a| a.as_str().to_owned()))
        .bind(id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(events)
    }

    async fn events_after(
        &self,
        id: &ConversationId,
        after: u64,
        limit: u32,
    ) -> Result<Vec<Event>> {
        let sql = concat!(
            "SELECT ",
            event_columns!(),
            " FROM events WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?"
        );
        let rows = sqlx::query(sql)
            .bind(id.as_str())
            .bind(after as i64)
            .bind(i64::from(limit.min(MAX_PAGE)))
            .fetch_all(&self.readers)
            .await
            .map_err(backend)?;
        rows.iter().map(event_from_row).collect()
    }

    async fn message_with_replies(
        &self,
        id: &ConversationId,
        author: Author,
        client_msg_id: &ClientMsgId,
    ) -> Result<Vec<Event>> {
        let sql = concat!("SELECT ", event_columns!(), " FROM events WHERE conversation_id = ?1 AND (
                 (author = ?2 AND client_msg_id = ?3)
                 OR in_reply_to = (SELECT seq FROM events WHERE conversation_id = ?1 AND author = ?2 AND client_msg_id = ?3))
             ORDER BY seq");
        let rows = sqlx::query(sql)
            .bind(id.as_str())
            .bind(author.as_str())
            .bind(client_msg_id.as_str())
            .fetch_all(&self.readers)
            .await
            .map_err(backend)?;
        rows.iter().map(event_from_row).collect()
    }
}

pub(crate) fn conversation_from_row(row: &SqliteRow) -> Result<Conversation> {
    let raw = || -> sqlx::Result<ConversationRow> {
        Ok(ConversationRow {
            id: row.try_get("id")?,
            token_hash: row.try_get("token_hash")?,
            customer_id: row.try_get("customer_id")?,
            verified: row.try_get("verified")?,
            language: row.try_get("language")?,
            state: row.try_get("state")?,
            last_seq: row.try_get("last_seq")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            queue: queue_columns(row)?,
            assignee: row.try_get("assignee")?,
            follow_up_email: row.try_get("follow_up_email")?,
        })
    };
    raw().map_err(backend)?.into_conversation()
}

fn queue_columns(row: &SqliteRow) -> sqlx::Result<QueueColumns> {
    Ok(QueueColumns {
        priority: row.try_get("queue_priority")?,
        skills: row.try_get("queue_skills")?,
        reason: row.try_get("queue_reason")?,
        since: row.try_get("queued_at")?,
    })
}

fn head_from_row(row: &SqliteRow) -> Result<Head> {
    let state: String = row.try_get("state").map_err(backend)?;
    let last_seq: i64 = row.try_get("last_seq").map_err(backend)?;
    let assignee: Option<String> = row.try_get("assignee").map_err(backend)?;
    head_from_columns(
        &state,
        last_seq,
        queue_columns(row).map_err(backend)?,
        assignee.as_deref(),
    )
}

fn customer_from_sqlite(row: &SqliteRow) -> Result<Customer> {
    let get = |c: &str| row.try_get::<String, _>(c).map_err(backend);
    customer_from_row(
        &get("id")?,
        get("name")?,
        get("email")?,
        &get("market")?,
        &get("language")?,
    )
}
