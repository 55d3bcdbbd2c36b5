//! The PostgreSQL backend of tandem's store: the shared store for several nodes.
//!
//! Appends lock the conversation row (`SELECT ... FOR UPDATE`) for the length of the
//! transaction, so concurrent writers to one conversation, on any node, take turns and
//! seqs stay gapless; writers to different conversations do not wait for each other.
//!
//! Layout: everything is in this file; the schema is in `migrations/`.

#![forbid(unsafe_code)]

use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgPoolOptions, PgRow};
use sqlx::{PgPool, Row};
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
        "seq, at, kind, author, author_id, text, language, awaiting, extras::text AS extras, client_msg_id, in_reply_to"
    };
}

#[derive(Debug, Clone)]
pub struct PostgresStore {
    pub(crate) pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://...`) and runs migrations.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(backend)?;
        MIGRATOR.run(&pool).await.map_err(StoreError::backend)?;
        Ok(Self { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    StoreError::backend(e)
}

fn event_from_row(row: &PgRow) -> Result<Event> {
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

pub(crate) fn conversation_from_row(row: &PgRow) -> Result<Conversation> {
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

fn queue_columns(row: &PgRow) -> sqlx::Result<QueueColumns> {
    Ok(QueueColumns {
        priority: row.try_get("queue_priority")?,
        skills: row.try_get("queue_skills")?,
        reason: row.try_get("queue_reason")?,
        since: row.try_get("queued_at")?,
    })
}

fn head_from_row(row: &PgRow) -> Result<Head> {
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

fn customer_from_pg(row: &PgRow) -> Result<Customer> {
    let get = |c: &str| row.try_get::<String, _>(c).map_err(backend);
    customer_from_row(
        &get("id")?,
        get("name")?,
        get("email")?,
        &get("market")?,
        &get("language")?,
    )
}

#[async_trait]
impl Store for PostgresStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn upsert_customer(&self, c: &Customer) -> Result<()> {
        sqlx::query(
            "INSERT INTO customers (id, name, email, market, language) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email,
               market = excluded.market, language = excluded.language",
        )
        .bind(c.id.as_str())
        .bind(&c.name)
        .bind(&c.email)
        .bind(c.market.as_str())
        .bind(c.language.as_str())
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn customer(&self, id: &CustomerId) -> Result<Option<Customer>> {
        let row =
            sqlx::query("SELECT id, name, email, market, language FROM customers WHERE id = $1")
                .bind(id.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(backend)?;
        row.as_ref().map(customer_from_pg).transpose()
    }

    async fn customers(&self) -> Result<Vec<Customer>> {
        let rows =
            sqlx::query("SELECT id, name, email, market, language FROM customers ORDER BY id")
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?;
        rows.iter().map(customer_from_pg).collect()
    }

    async fn create_conversation(&self, c: &Conversation) -> Result<()> {
        let r = ConversationRow::from_conversation(c);
        let sql = concat!(
            "INSERT INTO conversations (",
            tandem_store::conversation_columns!(),
            ")
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
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
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn conversation(&self, id: &ConversationId) -> Result<Option<Conversation>> {
        let sql = concat!(
            "SELECT ",
            tandem_store::conversation_columns!(),
            " FROM conversations WHERE id = $1"
        );
        let row = sqlx::query(sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref().map(conversation_from_row).transpose()
    }

    async fn append(&self, id: &ConversationId, append: Append) -> Result<Vec<Event>> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let head = sqlx::query(
            "SELECT state, last_seq, queue_priority, queue_skills, queue_reason, queued_at, assignee
             FROM conversations WHERE id = $1 FOR UPDATE",
        )
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        let Some(head) = head else {
            return Err(StoreError::ConversationNotFound(id.clone()));
        };
        let head = head_from_row(&head)?;

        for draft in &append.drafts {
            if let Some(client_id) = &draft.client_msg_id {
                let existing: Option<i64> = sqlx::query_scalar(
                    "SELECT seq FROM events WHERE conversation_id = $1 AND author = $2 AND client_msg_id = $3",
                )
                .bind(id.as_str())
                .bind(draft.author.as_str())
                .bind(client_id.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?;
                if let Some(seq) = existing {
                    return Err(StoreError::DuplicateMessage { seq: seq as u64 });
                }
            }
            if draft.kind == EventKind::Csat {
                let rated: Option<i64> = sqlx::query_scalar(
                    "SELECT seq FROM events WHERE conversation_id = $1 AND kind = 'csat'",
                )
                .bind(id.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?;
                if rated.is_some() {
                    return Err(StoreError::AlreadyRated);
                }
            }
        }

        let (events, new_head) = plan_append(&head, append)?;
        let mut updated_at = None;
        for event in &events {
            let r = EventRow::from_event(event);
            updated_at = Some(r.at);
            sqlx::query(
                "INSERT INTO events (conversation_id, seq, at, kind, author, author_id, text, language, awaiting, extras, client_msg_id, in_reply_to)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12)",
            )
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
            "UPDATE conversations SET last_seq = $1, state = $2, updated_at = COALESCE($3, updated_at),
               queue_priority = $4, queue_skills = $5, queue_reason = $6, queued_at = $7, assignee = $8
             WHERE id = $9",
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
            " FROM events WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
        );
        let rows = sqlx::query(sql)
            .bind(id.as_str())
            .bind(after as i64)
            .bind(i64::from(limit.min(MAX_PAGE)))
            .fetch_all(&self.pool)
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
        let sql = concat!("SELECT ", event_columns!(), " FROM events WHERE conversation_id = $1 AND (
                 (author = $2 AND client_msg_id = $3)
                 OR in_reply_to = (SELECT seq FROM events WHERE conversation_id = $1 AND author = $2 AND client_msg_id = $3))
             ORDER BY seq");
        let rows = sqlx::query(sql)
            .bind(id.as_str())
            .bind(author.as_str())
            .bind(client_msg_id.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter().map(event_from_row).collect()
    }
}

/// Test support: creates a fresh, uniquely named database on the server of `admin_url`
/// and returns its URL. Used by the test suites of this and other crates.
pub async fn create_test_database(admin_url: &str) -> Result<String> {
    use sqlx::Connection;
    let name = format!("tandem_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .map_err(backend)?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .map_err(backend)?;
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url, |(base, _)| base);
    Ok(format!("{base}/{name}"))
}
