//! Storage of the built-in ledger: merchants, orders (one document per order with a
//! version for optimistic concurrency), the record of ledger writes (idempotency keys),
//! proposals awaiting the customer's yes (P5), and the audit trail of tool calls.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tandem_domain::ledger::{
    Dispute, DisputeReason, DisputeStatus, Fee, FeeKind, Installment, InstallmentStatus, Item,
    Merchant, MerchantId, Order, OrderId, OrderStatus, Plan, Refund, Return, ReturnStatus,
};
use tandem_domain::{ConversationId, Currency, CustomerId, Money};
use time::{Date, OffsetDateTime};

use crate::{Result, StoreError};

/// An order as stored, with the version its next write must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionedOrder {
    pub order: Order,
    pub version: i64,
}

/// One state-changing ledger operation, committed atomically with its idempotency key.
#[derive(Debug, Clone)]
pub struct LedgerWrite {
    /// Repeating a key returns the first result and changes nothing.
    pub key: String,
    /// What was done, e.g. `extend_due_date`.
    pub kind: String,
    pub customer: CustomerId,
    /// The order's new state, stored only if its version is still the expected one.
    pub order: Option<(Order, i64)>,
    pub result: serde_json::Value,
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WriteOutcome {
    Committed(serde_json::Value),
    /// The key was used before: this is the earlier result.
    Replayed(serde_json::Value),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalState {
    Pending,
    Executed,
    Declined,
    Superseded,
}

impl ProposalState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Executed => "executed",
            Self::Declined => "declined",
            Self::Superseded => "superseded",
        }
    }

    pub fn parse(raw: &str) -> Result<Self> {
        Ok(match raw {
            "pending" => Self::Pending,
            "executed" => Self::Executed,
            "declined" => Self::Declined,
            "superseded" => Self::Superseded,
            other => return Err(StoreError::Corrupt(format!("proposal state {other:?}"))),
        })
    }
}

/// A state-changing tool call waiting for the customer's explicit yes (P5).
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub id: String,
    pub conversation: ConversationId,
    pub customer: CustomerId,
    /// `ai` or `agent:<id>`.
    pub actor: String,
    pub tool: String,
    pub args: serde_json::Value,
    /// The exact words shown to the customer.
    pub words: String,
    pub order: Option<OrderId>,
    /// The order version the proposal was made against.
    pub order_version: Option<i64>,
    pub created_at: OffsetDateTime,
    pub state: ProposalState,
}

/// One tool call, allowed or refused.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub at: OffsetDateTime,
    /// `ai` or `agent`.
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub customer: Option<CustomerId>,
    pub conversation: Option<ConversationId>,
    /// The seq of the event that led to the call (the customer's message or yes).
    pub event_seq: Option<u64>,
    pub tool: String,
    pub args: serde_json::Value,
    /// `read`, `proposed`, `executed`, `refused`, `declined` or `failed`.
    pub outcome: String,
    /// The rule that refused the call.
    pub rule: Option<String>,
    pub proposal: Option<String>,
    pub confirmation_seq: Option<u64>,
    pub result: serde_json::Value,
}

#[async_trait]
pub trait LedgerStore: Send + Sync {
    async fn upsert_merchant(&self, merchant: &Merchant) -> Result<()>;
    async fn merchant(&self, id: &MerchantId) -> Result<Option<Merchant>>;
    /// Inserts an order or replaces it outright (seeding, scenario worlds), bumping its
    /// version.
    async fn put_order(&self, order: &Order) -> Result<()>;
    async fn order(&self, id: &OrderId) -> Result<Option<VersionedOrder>>;
    /// A customer's orders, newest first.
    async fn orders_of(&self, customer: &CustomerId) -> Result<Vec<VersionedOrder>>;
    /// Every order (export of a scenario world), by id.
    async fn all_orders(&self) -> Result<Vec<Order>>;
    /// Commits a write; [`StoreError::StaleOrder`] when the order changed since it was
    /// read.
    async fn commit_write(&self, write: &LedgerWrite) -> Result<WriteOutcome>;
    async fn writes_of(&self, customer: &CustomerId) -> Result<Vec<(String, serde_json::Value)>>;
    /// The result recorded under an idempotency key, if that key was used.
    async fn write_result(&self, key: &str) -> Result<Option<serde_json::Value>>;

    async fn put_proposal(&self, proposal: &Proposal) -> Result<()>;
    async fn proposal(&self, id: &str) -> Result<Option<Proposal>>;
    /// Moves a proposal from `from` to `to`; false when it was not in `from`.
    async fn set_proposal_state(
        &self,
        id: &str,
        from: ProposalState,
        to: ProposalState,
    ) -> Result<bool>;
    /// The conversation's pending proposals are superseded (a newer one replaces them).
    async fn supersede_proposals(&self, conversation: &ConversationId) -> Result<()>;

    async fn append_audit(&self, record: &AuditRecord) -> Result<()>;
    /// Audit records, oldest first, of one conversation or of all.
    async fn audit(
        &self,
        conversation: Option<&ConversationId>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>>;
}

// ---------------------------------------------------------------------------------------
// The stored document of an order. Explicit and versioned so the format does not follow
// every change of the domain types.

#[derive(Debug, Serialize, Deserialize)]
pub struct OrderDoc {
    pub v: u8,
    pub id: String,
    pub merchant: String,
    pub customer: String,
    pub created_at: String,
    pub delivered_at: Option<String>,
    pub currency: String,
    pub plan: String,
    pub status: String,
    #[serde(default)]
    pub items: Vec<(String, i64)>,
    pub installments: Vec<InstallmentDoc>,
    #[serde(default)]
    pub extended: bool,
    #[serde(default)]
    pub returns: Vec<(String, String, String)>,
    #[serde(default)]
    pub refunds: Vec<(i64, String)>,
    #[serde(default)]
    pub disputes: Vec<DisputeDoc>,
    #[serde(default)]
    pub fees: Vec<(String, i64, bool)>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct InstallmentDoc {
    pub seq: u32,
    pub due: String,
    pub amount: i64,
    pub status: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DisputeDoc {
    pub reason: String,
    pub status: String,
    pub opened_at: String,
    pub details: Option<String>,
}

const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

pub fn format_date(d: Date) -> String {
    d.format(DATE).expect("dates format")
}

pub fn parse_date(raw: &str) -> Result<Date> {
    Date::parse(raw, DATE).map_err(|e| StoreError::Corrupt(format!("date {raw:?}: {e}")))
}

fn corrupt<E: std::fmt::Display>(e: E) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

impl OrderDoc {
    pub fn from_order(o: &Order) -> Self {
        Self {
            v: 1,
            id: o.id.as_str().to_owned(),
            merchant: o.merchant.as_str().to_owned(),
            customer: o.customer.as_str().to_owned(),
            created_at: format_date(o.created_at),
            delivered_at: o.delivered_at.map(format_date),
            currency: o.currency.code().to_owned(),
            plan: o.plan.as_str().to_owned(),
            status: o.status.as_str().to_owned(),
            items: o
                .items
                .iter()
                .map(|i| (i.name.clone(), i.price.minor()))
                .collect(),
            installments: o
                .installments
                .iter()
                .map(|i| InstallmentDoc {
                    seq: i.seq,
                    due: format_date(i.due),
                    amount: i.amount.minor(),
                    status: i.status.as_str().to_owned(),
                })
                .collect(),
            extended: o.extended,
            returns: o
                .returns
                .iter()
                .map(|r| {
                    (
                        format_date(r.reported_at),
                        format_date(r.paused_until),
                        r.status.as_str().to_owned(),
                    )
                })
                .collect(),
            refunds: o
                .refunds
                .iter()
                .map(|r| (r.amount.minor(), format_date(r.created_at)))
                .collect(),
            disputes: o
                .disputes
                .iter()
                .map(|d| DisputeDoc {
                    reason: d.reason.as_str().to_owned(),
                    status: d.status.as_str().to_owned(),
                    opened_at: format_date(d.opened_at),
                    details: d.details.clone(),
                })
                .collect(),
            fees: o
                .fees
                .iter()
                .map(|f| (f.kind.as_str().to_owned(), f.amount.minor(), f.waived))
                .collect(),
        }
    }

    pub fn into_order(self) -> Result<Order> {
        let currency = Currency::parse(&self.currency).map_err(corrupt)?;
        let money = |minor: i64| Money::from_minor(minor, currency);
        Ok(Order {
            id: OrderId::parse(&self.id).map_err(corrupt)?,
            merchant: MerchantId::parse(&self.merchant).map_err(corrupt)?,
            customer: CustomerId::parse(&self.customer).map_err(corrupt)?,
            created_at: parse_date(&self.created_at)?,
            delivered_at: self.delivered_at.as_deref().map(parse_date).transpose()?,
            currency,
            plan: Plan::parse(&self.plan).map_err(corrupt)?,
            status: OrderStatus::parse(&self.status).map_err(corrupt)?,
            items: self
                .items
                .into_iter()
                .map(|(name, price)| Item {
                    name,
                    price: money(price),
                })
                .collect(),
            installments: self
                .installments
                .into_iter()
                .map(|i| {
                    Ok(Installment {
                        seq: i.seq,
                        due: parse_date(&i.due)?,
                        amount: money(i.amount),
                        status: InstallmentStatus::parse(&i.status).map_err(corrupt)?,
                    })
                })
                .collect::<Result<_>>()?,
            extended: self.extended,
            returns: self
                .returns
                .into_iter()
                .map(|(reported, until, status)| {
                    Ok(Return {
                        reported_at: parse_date(&reported)?,
                        paused_until: parse_date(&until)?,
                        status: ReturnStatus::parse(&status).map_err(corrupt)?,
                    })
                })
                .collect::<Result<_>>()?,
            refunds: self
                .refunds
                .into_iter()
                .map(|(amount, at)| {
                    Ok(Refund {
                        amount: money(amount),
                        created_at: parse_date(&at)?,
                    })
                })
                .collect::<Result<_>>()?,
            disputes: self
                .disputes
                .into_iter()
                .map(|d| {
                    Ok(Dispute {
                        reason: DisputeReason::parse(&d.reason).map_err(corrupt)?,
                        status: DisputeStatus::parse(&d.status).map_err(corrupt)?,
                        opened_at: parse_date(&d.opened_at)?,
                        details: d.details,
                    })
                })
                .collect::<Result<_>>()?,
            fees: self
                .fees
                .into_iter()
                .map(|(kind, amount, waived)| {
                    Ok(Fee {
                        kind: FeeKind::parse(&kind).map_err(corrupt)?,
                        amount: money(amount),
                        waived,
                    })
                })
                .collect::<Result<_>>()?,
        })
    }
}

pub fn order_to_json(order: &Order) -> String {
    serde_json::to_string(&OrderDoc::from_order(order)).expect("order documents serialise")
}

pub fn order_from_json(json: &str) -> Result<Order> {
    serde_json::from_str::<OrderDoc>(json)
        .map_err(corrupt)?
        .into_order()
}

/// Column access a backend gives its rows, so that turning rows into ledger records is
/// written once here rather than once per backend.
pub trait Columns {
    fn text(&self, column: &str) -> Result<String>;
    fn opt_text(&self, column: &str) -> Result<Option<String>>;
    fn int(&self, column: &str) -> Result<i64>;
    fn opt_int(&self, column: &str) -> Result<Option<i64>>;
}

fn json_column(row: &impl Columns, column: &str) -> Result<serde_json::Value> {
    serde_json::from_str(&row.text(column)?).map_err(corrupt)
}

/// A row of `version, doc`.
pub fn versioned_from(row: &impl Columns) -> Result<VersionedOrder> {
    Ok(VersionedOrder {
        order: order_from_json(&row.text("doc")?)?,
        version: row.int("version")?,
    })
}

pub fn merchant_from(row: &impl Columns) -> Result<Merchant> {
    Ok(Merchant {
        id: crate::parse_stored(&row.text("id")?, MerchantId::parse)?,
        name: row.text("name")?,
        support_email: row.text("support_email")?,
        return_window_days: u16::try_from(row.int("return_window_days")?).map_err(corrupt)?,
    })
}

pub fn proposal_from(row: &impl Columns) -> Result<Proposal> {
    Ok(Proposal {
        id: row.text("id")?,
        conversation: crate::parse_stored(&row.text("conversation_id")?, ConversationId::parse)?,
        customer: crate::parse_stored(&row.text("customer_id")?, CustomerId::parse)?,
        actor: row.text("actor")?,
        tool: row.text("tool")?,
        args: json_column(row, "args")?,
        words: row.text("words")?,
        order: row
            .opt_text("order_id")?
            .as_deref()
            .map(|o| crate::parse_stored(o, OrderId::parse))
            .transpose()?,
        order_version: row.opt_int("order_version")?,
        created_at: crate::from_millis(row.int("created_at")?)?,
        state: ProposalState::parse(&row.text("state")?)?,
    })
}

pub fn audit_from(row: &impl Columns) -> Result<AuditRecord> {
    let seq = |c: &str| row.opt_int(c).map(|v| v.map(|s| s as u64));
    Ok(AuditRecord {
        at: crate::from_millis(row.int("at")?)?,
        actor_kind: row.text("actor_kind")?,
        actor_id: row.opt_text("actor_id")?,
        customer: row
            .opt_text("customer_id")?
            .as_deref()
            .map(|c| crate::parse_stored(c, CustomerId::parse))
            .transpose()?,
        conversation: row
            .opt_text("conversation_id")?
            .as_deref()
            .map(|c| crate::parse_stored(c, ConversationId::parse))
            .transpose()?,
        event_seq: seq("event_seq")?,
        tool: row.text("tool")?,
        args: json_column(row, "args")?,
        outcome: row.text("outcome")?,
        rule: row.opt_text("rule")?,
        proposal: row.opt_text("proposal_id")?,
        confirmation_seq: seq("confirmation_seq")?,
        result: json_column(row, "result")?,
    })
}

/// A JSON column read as text.
pub fn json_from_text(raw: &str) -> Result<serde_json::Value> {
    serde_json::from_str(raw).map_err(corrupt)
}
