//! Where account data lives: the [`AccountBackend`] interface and the built-in ledger.
//!
//! The policy engine reads orders through a backend, decides with the pure rules, and
//! asks the backend to carry out exactly the change it approved ([`LedgerOp`]). A backend
//! refuses an operation whose order changed since it was read (version mismatch), so a
//! decision is never applied to a state it was not made on.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::json;
use tandem_domain::CustomerId;
use tandem_domain::ledger::rules::{self, DisputeOpening, Extension, PaymentLink, ReturnReport};
use tandem_domain::ledger::{Merchant, MerchantId, OrderId};
use tandem_store::ledger::{LedgerWrite, VersionedOrder, WriteOutcome};
use tandem_store::{Store, StoreError};
use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The order changed since it was read.
    #[error("order {0} changed meanwhile")]
    Stale(String),
    #[error("the account backend is unavailable: {0}")]
    Unavailable(String),
    #[error("the account backend answered something unexpected: {0}")]
    Protocol(String),
}

impl From<StoreError> for BackendError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::StaleOrder(id) => Self::Stale(id),
            other => Self::Unavailable(other.to_string()),
        }
    }
}

/// A state change the policy engine approved, applied by a backend exactly as approved.
#[derive(Debug, Clone, PartialEq)]
pub enum LedgerOp {
    ExtendDueDate {
        order: OrderId,
        version: i64,
        extension: Extension,
    },
    ReportReturn {
        order: OrderId,
        version: i64,
        report: ReturnReport,
    },
    OpenDispute {
        order: OrderId,
        version: i64,
        opening: DisputeOpening,
    },
    SendPaymentLink {
        order: OrderId,
        customer: CustomerId,
        link: PaymentLink,
    },
    RequestAccountDeletion {
        customer: CustomerId,
    },
}

impl LedgerOp {
    pub fn tool(&self) -> &'static str {
        match self {
            Self::ExtendDueDate { .. } => "extend_due_date",
            Self::ReportReturn { .. } => "report_return",
            Self::OpenDispute { .. } => "open_dispute",
            Self::SendPaymentLink { .. } => "send_payment_link",
            Self::RequestAccountDeletion { .. } => "request_account_deletion",
        }
    }
}

#[async_trait]
pub trait AccountBackend: Send + Sync {
    /// The customer's orders, newest first.
    async fn orders(&self, customer: &CustomerId) -> Result<Vec<VersionedOrder>, BackendError>;
    async fn order(&self, id: &OrderId) -> Result<Option<VersionedOrder>, BackendError>;
    async fn merchant(&self, id: &MerchantId) -> Result<Option<Merchant>, BackendError>;
    /// Applies `op` once per `key`: a repeated key returns the first result unchanged.
    async fn execute(
        &self,
        op: &LedgerOp,
        key: &str,
        now: OffsetDateTime,
    ) -> Result<serde_json::Value, BackendError>;
}

/// The built-in ledger, kept in tandem's own store (SQLite or PostgreSQL).
pub struct BuiltinLedger {
    store: Arc<dyn Store>,
}

impl BuiltinLedger {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    async fn versioned(&self, id: &OrderId, version: i64) -> Result<VersionedOrder, BackendError> {
        match self.store.order(id).await? {
            Some(v) if v.version == version => Ok(v),
            _ => Err(BackendError::Stale(id.to_string())),
        }
    }
}

/// A payment link a customer opens to pay outside the chat (P12).
fn payment_url(key: &str) -> String {
    format!(
        "https://pay.acme.example/l/{}",
        key.replace(|c: char| !c.is_ascii_alphanumeric(), "")
    )
}

#[async_trait]
impl AccountBackend for BuiltinLedger {
    async fn orders(&self, customer: &CustomerId) -> Result<Vec<VersionedOrder>, BackendError> {
        Ok(self.store.orders_of(customer).await?)
    }

    async fn order(&self, id: &OrderId) -> Result<Option<VersionedOrder>, BackendError> {
        Ok(self.store.order(id).await?)
    }

    async fn merchant(&self, id: &MerchantId) -> Result<Option<Merchant>, BackendError> {
        Ok(self.store.merchant(id).await?)
    }

    async fn execute(
        &self,
        op: &LedgerOp,
        key: &str,
        now: OffsetDateTime,
    ) -> Result<serde_json::Value, BackendError> {
        if let Some(earlier) = self.store.write_result(key).await? {
            return Ok(earlier);
        }
        let (customer, order, result) = match op {
            LedgerOp::ExtendDueDate {
                order,
                version,
                extension,
            } => {
                let mut current = self.versioned(order, *version).await?.order;
                rules::apply_extension(&mut current, extension);
                let result = json!({"order": order.as_str(), "installment": extension.installment, "due": extension.to.to_string()});
                (current.customer.clone(), Some((current, *version)), result)
            }
            LedgerOp::ReportReturn {
                order,
                version,
                report,
            } => {
                let mut current = self.versioned(order, *version).await?.order;
                rules::apply_return(&mut current, report);
                let result = json!({"order": order.as_str(), "paused_until": report.paused_until.to_string(), "installments": report.installments});
                (current.customer.clone(), Some((current, *version)), result)
            }
            LedgerOp::OpenDispute {
                order,
                version,
                opening,
            } => {
                let mut current = self.versioned(order, *version).await?.order;
                rules::apply_dispute(&mut current, opening);
                let result = json!({"order": order.as_str(), "reason": opening.reason.as_str(), "status": "open", "paused": opening.paused});
                (current.customer.clone(), Some((current, *version)), result)
            }
            LedgerOp::SendPaymentLink {
                order,
                customer,
                link,
            } => {
                let result = json!({"order": order.as_str(), "installment": link.installment, "amount": link.amount.to_string(), "url": payment_url(key)});
                (customer.clone(), None, result)
            }
            LedgerOp::RequestAccountDeletion { customer } => {
                let result = json!({"request": key, "status": "pending_review"});
                (customer.clone(), None, result)
            }
        };
        let write = LedgerWrite {
            key: key.to_owned(),
            kind: op.tool().to_owned(),
            customer,
            order,
            result,
            at: now,
        };
        match self.store.commit_write(&write).await? {
            WriteOutcome::Committed(result) | WriteOutcome::Replayed(result) => Ok(result),
        }
    }
}
