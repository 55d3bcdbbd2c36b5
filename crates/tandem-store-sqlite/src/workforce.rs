//! [`WorkforceStore`] on SQLite.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use tandem_domain::workforce::{AgentAccount, AgentId, AgentSession, Presence, Shift};
use tandem_domain::{Conversation, ConversationId, ConversationState, CustomerId};
use tandem_store::workforce::{MAX_LISTING, WorkforceStore};
use tandem_store::{AgentColumns, Result, StoreError, from_millis, to_millis};
use time::OffsetDateTime;

use crate::{SqliteStore, backend, conversation_from_row};

macro_rules! agent_columns {
    () => {
        "id, name, email, password_hash, role, skills, max_chats, presence, presence_since, created_at"
    };
}

fn agent_from_row(row: &SqliteRow) -> Result<AgentAccount> {
    let raw = || -> sqlx::Result<AgentColumns> {
        Ok(AgentColumns {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            email: row.try_get("email")?,
            password_hash: row.try_get("password_hash")?,
            role: row.try_get("role")?,
            skills: row.try_get("skills")?,
            max_chats: row.try_get("max_chats")?,
            presence: row.try_get("presence")?,
            presence_since: row.try_get("presence_since")?,
            created_at: row.try_get("created_at")?,
        })
    };
    raw().map_err(backend)?.into_agent()
}

fn shift_from_row(row: &SqliteRow) -> Result<Shift> {
    let starts: i64 = row.try_get("starts_at").map_err(backend)?;
    let ends: i64 = row.try_get("ends_at").map_err(backend)?;
    Ok(Shift {
        starts_at: from_millis(starts)?,
        ends_at: from_millis(ends)?,
    })
}

#[async_trait]
impl WorkforceStore for SqliteStore {
    async fn create_agent(&self, a: &AgentAccount) -> Result<()> {
        let c = AgentColumns::from_agent(a);
        let sql = concat!(
            "INSERT INTO agents (",
            agent_columns!(),
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        );
        let done = sqlx::query(sql)
            .bind(c.id)
            .bind(c.name)
            .bind(&c.email)
            .bind(c.password_hash)
            .bind(c.role)
            .bind(c.skills)
            .bind(c.max_chats)
            .bind(c.presence)
            .bind(c.presence_since)
            .bind(c.created_at)
            .execute(&self.writer)
            .await;
        match done {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(StoreError::EmailTaken(c.email))
            }
            Err(e) => Err(backend(e)),
        }
    }

    async fn agent(&self, id: &AgentId) -> Result<Option<AgentAccount>> {
        let sql = concat!("SELECT ", agent_columns!(), " FROM agents WHERE id = ?");
        let rows = sqlx::query(sql)
            .bind(id.as_str())
            .fetch_all(&self.readers)
            .await
            .map_err(backend)?;
        rows.first().map(agent_from_row).transpose()
    }

    async fn agent_by_email(&self, email: &str) -> Result<Option<AgentAccount>> {
        let sql = concat!("SELECT ", agent_columns!(), " FROM agents WHERE email = ?");
        let rows = sqlx::query(sql)
            .bind(email.trim().to_ascii_lowercase())
            .fetch_all(&self.readers)
            .await
            .map_err(backend)?;
        rows.first().map(agent_from_row).transpose()
    }

    async fn agents(&self) -> Result<Vec<AgentAccount>> {
        let sql = concat!(
            "SELECT ",
            agent_columns!(),
            " FROM agents ORDER BY name, id"
        );
        let rows = sqlx::query(sql)
            .fetch_all(&self.readers)
            .await
            .map_err(backend)?;
        rows.iter().map(agent_from_row).collect()
    }

    async fn set_presence(
        &self,
        id: &AgentId,
        presence: Presence,
        since: OffsetDateTime,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE agents SET presence_since = CASE WHEN presence = ?1 THEN presence_since ELSE ?2 END,
               presence = ?1
             WHERE id = ?3",
        )
        .bind(presence.as_str())
        .bind(to_millis(since))
        .bind(id.as_str())
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_max_chats(&self, id: &AgentId, max_chats: u32) -> Result<bool> {
        let done = sqlx::query("UPDATE agents SET max_chats = ? WHERE id = ?")
            .bind(i64::from(max_chats))
            .bind(id.as_str())
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn save_session(&self, s: &AgentSession) -> Result<()> {
        sqlx::query(
            "INSERT INTO agent_sessions (token_hash, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        )
        .bind(&s.token_hash)
        .bind(s.agent.as_str())
        .bind(to_millis(s.created_at))
        .bind(to_millis(s.expires_at))
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Option<AgentSession>> {
        let rows = sqlx::query(
            "SELECT token_hash, agent_id, created_at, expires_at FROM agent_sessions WHERE token_hash = ?",
        )
        .bind(token_hash)
        .fetch_all(&self.readers)
        .await
        .map_err(backend)?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let get = |c: &str| row.try_get::<i64, _>(c).map_err(backend);
        let agent: String = row.try_get("agent_id").map_err(backend)?;
        Ok(Some(AgentSession {
            token_hash: row.try_get("token_hash").map_err(backend)?,
            agent: tandem_store::parse_stored(&agent, AgentId::parse)?,
            created_at: from_millis(get("created_at")?)?,
            expires_at: from_millis(get("expires_at")?)?,
        }))
    }

    async fn delete_session(&self, token_hash: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM agent_sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn live_sessions(&self, id: &AgentId, now: OffsetDateTime) -> Result<u32> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM agent_sessions WHERE agent_id = ? AND expires_at > ?",
        )
        .bind(id.as_str())
        .bind(to_millis(now))
        .fetch_one(&self.readers)
        .await
        .map_err(backend)?;
        Ok(n as u32)
    }

    async fn set_shifts(&self, id: &AgentId, shifts: &[Shift]) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        sqlx::query("DELETE FROM agent_shifts WHERE agent_id = ?")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        for s in shifts {
            sqlx::query("INSERT INTO agent_shifts (agent_id, starts_at, ends_at) VALUES (?, ?, ?)")
                .bind(id.as_str())
                .bind(to_millis(s.starts_at))
                .bind(to_millis(s.ends_at))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    async fn shifts(&self, id: &AgentId, after: OffsetDateTime) -> Result<Vec<Shift>> {
        let rows = sqlx::query(
            "SELECT starts_at, ends_at FROM agent_shifts WHERE agent_id = ? AND ends_at > ? ORDER BY starts_at",
        )
        .bind(id.as_str())
        .bind(to_millis(after))
        .fetch_all(&self.readers)
        .await
        .map_err(backend)?;
        rows.iter().map(shift_from_row).collect()
    }

    async fn all_shifts(&self, after: OffsetDateTime) -> Result<Vec<(AgentId, Shift)>> {
        let rows = sqlx::query(
            "SELECT agent_id, starts_at, ends_at FROM agent_shifts WHERE ends_at > ? ORDER BY starts_at",
        )
        .bind(to_millis(after))
        .fetch_all(&self.readers)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|row| {
                let agent: String = row.try_get("agent_id").map_err(backend)?;
                Ok((
                    tandem_store::parse_stored(&agent, AgentId::parse)?,
                    shift_from_row(row)?,
                ))
            })
            .collect()
    }

    async fn conversations_in_state(&self, state: ConversationState) -> Result<Vec<Conversation>> {
        let sql = concat!(
            "SELECT ",
            tandem_store::conversation_columns!(),
            " FROM conversations WHERE state = ? ORDER BY created_at LIMIT ?"
        );
        let rows = sqlx::query(sql)
            .bind(state.as_str())
            .bind(i64::from(MAX_LISTING))
            .fetch_all(&self.readers)
            .await
            .map_err(backend)?;
        rows.iter().map(conversation_from_row).collect()
    }

    async fn conversations_of_customer(
        &self,
        customer: &CustomerId,
        limit: u32,
    ) -> Result<Vec<Conversation>> {
        let sql = concat!(
            "SELECT ",
            tandem_store::conversation_columns!(),
            " FROM conversations WHERE customer_id = ?
             ORDER BY created_at DESC LIMIT ?"
        );
        let rows = sqlx::query(sql)
            .bind(customer.as_str())
            .bind(i64::from(limit.min(MAX_LISTING)))
            .fetch_all(&self.readers)
            .await
            .map_err(backend)?;
        rows.iter().map(conversation_from_row).collect()
    }

    async fn set_follow_up_email(&self, id: &ConversationId, email: &str) -> Result<()> {
        let done = sqlx::query("UPDATE conversations SET follow_up_email = ? WHERE id = ?")
            .bind(email)
            .bind(id.as_str())
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::ConversationNotFound(id.clone()));
        }
        Ok(())
    }
}
