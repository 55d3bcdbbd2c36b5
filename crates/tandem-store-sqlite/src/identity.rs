//! [`IdentityStore`] on SQLite. Every write goes through the single writer connection, so
//! a code try (read challenge and lockout, decide, write) is one transaction that no other
//! try interleaves with.

use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, SqliteExecutor, Transaction};
use tandem_domain::identity::{
    self, Attempt, Challenge, CheckOutcome, LockKey, Lockout, OtpPolicy,
};
use tandem_domain::{ConversationId, Customer, CustomerId};
use tandem_store::identity::{
    ChallengeRow, LockoutRow, MAX_OUTBOUND_MAIL, MarkVerified, OutboundMail,
};
use tandem_store::{IdentityStore, Result, StoreError, from_millis, parse_stored, to_millis};
use time::OffsetDateTime;

use crate::{SqliteStore, backend, customer_from_sqlite};

const CHALLENGE_BY_CONVERSATION: &str =
    "SELECT lock_key, customer_id, code_hash, issued_at, expires_at
     FROM verification_challenges WHERE conversation_id = ?";

fn challenge_from_row(row: &SqliteRow) -> Result<Challenge> {
    let raw = || -> sqlx::Result<ChallengeRow> {
        Ok(ChallengeRow {
            lock_key: row.try_get("lock_key")?,
            customer_id: row.try_get("customer_id")?,
            code_hash: row.try_get("code_hash")?,
            issued_at: row.try_get("issued_at")?,
            expires_at: row.try_get("expires_at")?,
        })
    };
    raw().map_err(backend)?.into_challenge()
}

async fn lockout_in<'e>(db: impl SqliteExecutor<'e>, key: &LockKey) -> Result<Lockout> {
    let row = sqlx::query(
        "SELECT failures, last_failure_at, locked_until FROM verification_lockouts WHERE lock_key = ?",
    )
    .bind(key.as_str())
    .fetch_optional(db)
    .await
    .map_err(backend)?;
    let Some(row) = row else {
        return Ok(Lockout::default());
    };
    LockoutRow {
        failures: row.try_get("failures").map_err(backend)?,
        last_failure_at: row.try_get("last_failure_at").map_err(backend)?,
        locked_until: row.try_get("locked_until").map_err(backend)?,
    }
    .into_lockout()
}

async fn save_lockout(tx: &mut Transaction<'_, Sqlite>, key: &LockKey, l: &Lockout) -> Result<()> {
    let r = LockoutRow::from_lockout(l);
    sqlx::query(
        "INSERT INTO verification_lockouts (lock_key, failures, last_failure_at, locked_until)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (lock_key) DO UPDATE SET failures = excluded.failures,
           last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until",
    )
    .bind(key.as_str())
    .bind(r.failures)
    .bind(r.last_failure_at)
    .bind(r.locked_until)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    Ok(())
}

async fn save_challenge_in(
    tx: &mut Transaction<'_, Sqlite>,
    conversation: &ConversationId,
    challenge: Option<&Challenge>,
) -> Result<()> {
    let Some(challenge) = challenge else {
        sqlx::query("DELETE FROM verification_challenges WHERE conversation_id = ?")
            .bind(conversation.as_str())
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        return Ok(());
    };
    let r = ChallengeRow::from_challenge(challenge);
    sqlx::query(
        "INSERT INTO verification_challenges (conversation_id, lock_key, customer_id, code_hash, issued_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (conversation_id) DO UPDATE SET lock_key = excluded.lock_key,
           customer_id = excluded.customer_id, code_hash = excluded.code_hash,
           issued_at = excluded.issued_at, expires_at = excluded.expires_at",
    )
    .bind(conversation.as_str())
    .bind(r.lock_key)
    .bind(r.customer_id)
    .bind(r.code_hash)
    .bind(r.issued_at)
    .bind(r.expires_at)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    Ok(())
}

/// The conversation's linked customer and whether it is verified; `None` when the
/// conversation does not exist.
async fn link_in(
    tx: &mut Transaction<'_, Sqlite>,
    conversation: &ConversationId,
) -> Result<Option<(Option<CustomerId>, bool)>> {
    let row = sqlx::query("SELECT customer_id, verified FROM conversations WHERE id = ?")
        .bind(conversation.as_str())
        .fetch_optional(&mut **tx)
        .await
        .map_err(backend)?;
    let Some(row) = row else { return Ok(None) };
    let customer: Option<String> = row.try_get("customer_id").map_err(backend)?;
    let verified: bool = row.try_get("verified").map_err(backend)?;
    let customer = customer
        .as_deref()
        .map(|c| parse_stored(c, CustomerId::parse))
        .transpose()?;
    Ok(Some((customer, verified)))
}

async fn mark_verified_in(
    tx: &mut Transaction<'_, Sqlite>,
    conversation: &ConversationId,
    customer: &CustomerId,
) -> Result<MarkVerified> {
    let (linked, verified) = link_in(tx, conversation)
        .await?
        .ok_or_else(|| StoreError::ConversationNotFound(conversation.clone()))?;
    match linked {
        Some(other) if other != *customer => return Ok(MarkVerified::OtherCustomer(other)),
        Some(_) if verified => return Ok(MarkVerified::AlreadyVerified),
        _ => {}
    }
    sqlx::query("UPDATE conversations SET verified = 1, customer_id = ? WHERE id = ?")
        .bind(customer.as_str())
        .bind(conversation.as_str())
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    Ok(MarkVerified::Verified)
}

#[async_trait]
impl IdentityStore for SqliteStore {
    async fn customer_by_email(&self, email: &str) -> Result<Option<Customer>> {
        let row = sqlx::query(
            "SELECT id, name, email, market, language FROM customers
             WHERE lower(email) = lower(?) ORDER BY id LIMIT 1",
        )
        .bind(email.trim())
        .fetch_optional(&self.readers)
        .await
        .map_err(backend)?;
        row.as_ref().map(customer_from_sqlite).transpose()
    }

    async fn save_challenge(
        &self,
        conversation: &ConversationId,
        challenge: &Challenge,
    ) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        if link_in(&mut tx, conversation).await?.is_none() {
            return Err(StoreError::ConversationNotFound(conversation.clone()));
        }
        save_challenge_in(&mut tx, conversation, Some(challenge)).await?;
        tx.commit().await.map_err(backend)
    }

    async fn challenge(&self, conversation: &ConversationId) -> Result<Option<Challenge>> {
        let row = sqlx::query(CHALLENGE_BY_CONVERSATION)
            .bind(conversation.as_str())
            .fetch_optional(&self.readers)
            .await
            .map_err(backend)?;
        row.as_ref().map(challenge_from_row).transpose()
    }

    async fn lockout(&self, key: &LockKey) -> Result<Lockout> {
        lockout_in(&self.readers, key).await
    }

    async fn attempt_code(
        &self,
        conversation: &ConversationId,
        presented_hash: &str,
        policy: &OtpPolicy,
        now: OffsetDateTime,
    ) -> Result<CheckOutcome> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let (linked, _) = link_in(&mut tx, conversation)
            .await?
            .ok_or_else(|| StoreError::ConversationNotFound(conversation.clone()))?;
        let row = sqlx::query(CHALLENGE_BY_CONVERSATION)
            .bind(conversation.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        let Some(challenge) = row.as_ref().map(challenge_from_row).transpose()? else {
            return Ok(CheckOutcome::NoChallenge);
        };
        let stored = lockout_in(&mut *tx, &challenge.lock_key).await?;
        let attempt = Attempt {
            challenge: Some(&challenge),
            lockout: stored,
            presented_hash,
            linked_customer: linked.as_ref(),
        };
        let checked = identity::check(policy, attempt, now);
        if checked.lockout != stored {
            save_lockout(&mut tx, &challenge.lock_key, &checked.lockout).await?;
        }
        if checked.challenge.as_ref() != Some(&challenge) {
            save_challenge_in(&mut tx, conversation, checked.challenge.as_ref()).await?;
        }
        if let CheckOutcome::Verified { customer } = &checked.outcome {
            mark_verified_in(&mut tx, conversation, customer).await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(checked.outcome)
    }

    async fn mark_verified(
        &self,
        conversation: &ConversationId,
        customer: &CustomerId,
    ) -> Result<MarkVerified> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let done = mark_verified_in(&mut tx, conversation, customer).await?;
        tx.commit().await.map_err(backend)?;
        Ok(done)
    }

    async fn record_outbound_mail(&self, mail: &OutboundMail) -> Result<()> {
        sqlx::query(
            "INSERT INTO outbound_mail (to_addr, subject, body, code, sent_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&mail.to)
        .bind(&mail.subject)
        .bind(&mail.body)
        .bind(&mail.code)
        .bind(to_millis(mail.sent_at))
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn outbound_mail(&self, to: Option<&str>) -> Result<Vec<OutboundMail>> {
        let rows = sqlx::query(
            "SELECT to_addr, subject, body, code, sent_at FROM outbound_mail
             WHERE ?1 IS NULL OR lower(to_addr) = lower(?1) ORDER BY id DESC LIMIT ?2",
        )
        .bind(to.map(str::trim))
        .bind(i64::from(MAX_OUTBOUND_MAIL))
        .fetch_all(&self.readers)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|row| {
                Ok(OutboundMail {
                    to: row.try_get("to_addr").map_err(backend)?,
                    subject: row.try_get("subject").map_err(backend)?,
                    body: row.try_get("body").map_err(backend)?,
                    code: row.try_get("code").map_err(backend)?,
                    sent_at: from_millis(row.try_get("sent_at").map_err(backend)?)?,
                })
            })
            .collect()
    }
}
