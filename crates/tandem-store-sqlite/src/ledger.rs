//! The built-in ledger on SQLite.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use tandem_domain::ledger::{Merchant, MerchantId, Order, OrderId};
use tandem_domain::{ConversationId, CustomerId};
use tandem_store::ledger::{
    AuditRecord, Columns, LedgerStore, LedgerWrite, Proposal, ProposalState, VersionedOrder,
    WriteOutcome, audit_from, format_date, json_from_text, merchant_from, order_to_json,
    proposal_from, versioned_from,
};
use tandem_store::{Result, StoreError, to_millis};

use crate::{SqliteStore, backend};

/// Column access for the shared row mapping of `tandem_store::ledger`.
struct Cols<'a>(&'a SqliteRow);

impl Columns for Cols<'_> {
    fn text(&self, column: &str) -> Result<String> {
        self.0.try_get(column).map_err(backend)
    }

    fn opt_text(&self, column: &str) -> Result<Option<String>> {
        self.0.try_get(column).map_err(backend)
    }

    fn int(&self, column: &str) -> Result<i64> {
        self.0.try_get(column).map_err(backend)
    }

    fn opt_int(&self, column: &str) -> Result<Option<i64>> {
        self.0.try_get(column).map_err(backend)
    }
}

#[async_trait]
impl LedgerStore for SqliteStore {
    async fn upsert_merchant(&self, m: &Merchant) -> Result<()> {
        sqlx::query(
            "INSERT INTO merchants (id, name, support_email, return_window_days) VALUES (?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, support_email = excluded.support_email,
               return_window_days = excluded.return_window_days",
        )
        .bind(m.id.as_str())
        .bind(&m.name)
        .bind(&m.support_email)
        .bind(i64::from(m.return_window_days))
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn merchant(&self, id: &MerchantId) -> Result<Option<Merchant>> {
        let rows = sqlx::query(
            "SELECT id, name, support_email, return_window_days FROM merchants WHERE id = ?",
        )
        .bind(id.as_str())
        .fetch_all(&self.readers)
        .await
        .map_err(backend)?;
        rows.first().map(|r| merchant_from(&Cols(r))).transpose()
    }

    async fn put_order(&self, order: &Order) -> Result<()> {
        sqlx::query(
            "INSERT INTO orders (id, customer_id, merchant_id, status, created_at, version, doc) VALUES (?, ?, ?, ?, ?, 1, ?)
             ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, merchant_id = excluded.merchant_id,
               status = excluded.status, created_at = excluded.created_at, version = orders.version + 1, doc = excluded.doc",
        )
        .bind(order.id.as_str())
        .bind(order.customer.as_str())
        .bind(order.merchant.as_str())
        .bind(order.status.as_str())
        .bind(format_date(order.created_at))
        .bind(order_to_json(order))
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn order(&self, id: &OrderId) -> Result<Option<VersionedOrder>> {
        let rows = sqlx::query("SELECT version, doc FROM orders WHERE id = ?")
            .bind(id.as_str())
            .fetch_all(&self.readers)
            .await
            .map_err(backend)?;
        rows.first().map(|r| versioned_from(&Cols(r))).transpose()
    }

    async fn orders_of(&self, customer: &CustomerId) -> Result<Vec<VersionedOrder>> {
        let rows = sqlx::query("SELECT version, doc FROM orders WHERE customer_id = ? ORDER BY created_at DESC, id DESC")
            .bind(customer.as_str())
            .fetch_all(&self.readers)
            .await
            .map_err(backend)?;
        rows.iter().map(|r| versioned_from(&Cols(r))).collect()
    }

    async fn all_orders(&self) -> Result<Vec<Order>> {
        let rows = sqlx::query("SELECT version, doc FROM orders ORDER BY id")
            .fetch_all(&self.readers)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|r| versioned_from(&Cols(r)).map(|v| v.order))
            .collect()
    }

    async fn commit_write(&self, write: &LedgerWrite) -> Result<WriteOutcome> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let earlier = sqlx::query("SELECT result FROM ledger_writes WHERE key = ?")
            .bind(&write.key)
            .fetch_all(&mut *tx)
            .await
            .map_err(backend)?;
        if let Some(row) = earlier.first() {
            return Ok(WriteOutcome::Replayed(json_from_text(
                &row.try_get::<String, _>("result").map_err(backend)?,
            )?));
        }
        if let Some((order, expected)) = &write.order {
            let updated = sqlx::query("UPDATE orders SET status = ?, version = version + 1, doc = ? WHERE id = ? AND version = ?")
                .bind(order.status.as_str())
                .bind(order_to_json(order))
                .bind(order.id.as_str())
                .bind(expected)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
            if updated.rows_affected() != 1 {
                return Err(StoreError::StaleOrder(order.id.to_string()));
            }
        }
        sqlx::query("INSERT INTO ledger_writes (key, kind, customer_id, order_id, result, at) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(&write.key)
            .bind(&write.kind)
            .bind(write.customer.as_str())
            .bind(write.order.as_ref().map(|(o, _)| o.id.as_str().to_owned()))
            .bind(write.result.to_string())
            .bind(to_millis(write.at))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(WriteOutcome::Committed(write.result.clone()))
    }

    async fn writes_of(&self, customer: &CustomerId) -> Result<Vec<(String, serde_json::Value)>> {
        let rows =
            sqlx::query("SELECT kind, result FROM ledger_writes WHERE customer_id = ? ORDER BY id")
                .bind(customer.as_str())
                .fetch_all(&self.readers)
                .await
                .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("kind").map_err(backend)?,
                    json_from_text(&r.try_get::<String, _>("result").map_err(backend)?)?,
                ))
            })
            .collect()
    }

    async fn write_result(&self, key: &str) -> Result<Option<serde_json::Value>> {
        let rows = sqlx::query("SELECT result FROM ledger_writes WHERE key = ?")
            .bind(key)
            .fetch_all(&self.readers)
            .await
            .map_err(backend)?;
        rows.first()
            .map(|r| json_from_text(&r.try_get::<String, _>("result").map_err(backend)?))
            .transpose()
    }

    async fn put_proposal(&self, p: &Proposal) -> Result<()> {
        sqlx::query(
            "INSERT INTO proposals (id, conversation_id, customer_id, actor, tool, args, words, order_id, order_version, created_at, state)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&p.id)
        .bind(p.conversation.as_str())
        .bind(p.customer.as_str())
        .bind(&p.actor)
        .bind(&p.tool)
        .bind(p.args.to_string())
        .bind(&p.words)
        .bind(p.order.as_ref().map(|o| o.as_str().to_owned()))
        .bind(p.order_version)
        .bind(to_millis(p.created_at))
        .bind(p.state.as_str())
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn proposal(&self, id: &str) -> Result<Option<Proposal>> {
        let rows = sqlx::query("SELECT * FROM proposals WHERE id = ?")
            .bind(id)
            .fetch_all(&self.readers)
            .await
            .map_err(backend)?;
        rows.first().map(|r| proposal_from(&Cols(r))).transpose()
    }

    async fn set_proposal_state(
        &self,
        id: &str,
        from: ProposalState,
        to: ProposalState,
    ) -> Result<bool> {
        let done = sqlx::query("UPDATE proposals SET state = ? WHERE id = ? AND state = ?")
            .bind(to.as_str())
            .bind(id)
            .bind(from.as_str())
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn supersede_proposals(&self, conversation: &ConversationId) -> Result<()> {
        sqlx::query("UPDATE proposals SET state = 'superseded' WHERE conversation_id = ? AND state = 'pending'")
            .bind(conversation.as_str())
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn append_audit(&self, r: &AuditRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_kind, actor_id, customer_id, conversation_id, event_seq, tool, args, outcome, rule, proposal_id, confirmation_seq, result)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(to_millis(r.at))
        .bind(&r.actor_kind)
        .bind(&r.actor_id)
        .bind(r.customer.as_ref().map(|c| c.as_str().to_owned()))
        .bind(r.conversation.as_ref().map(|c| c.as_str().to_owned()))
        .bind(r.event_seq.map(|s| s as i64))
        .bind(&r.tool)
        .bind(r.args.to_string())
        .bind(&r.outcome)
        .bind(&r.rule)
        .bind(&r.proposal)
        .bind(r.confirmation_seq.map(|s| s as i64))
        .bind(r.result.to_string())
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn audit(
        &self,
        conversation: Option<&ConversationId>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM audit_log WHERE (?1 IS NULL OR conversation_id = ?1) ORDER BY id LIMIT ?2",
        )
        .bind(conversation.map(|c| c.as_str().to_owned()))
        .bind(i64::from(limit.min(tandem_store::MAX_PAGE)))
        .fetch_all(&self.readers)
        .await
        .map_err(backend)?;
        rows.iter().map(|r| audit_from(&Cols(r))).collect()
    }
}
