//! The ledger contract: the JSON a company's backend speaks with tandem over HTTP
//! (`docs/ledger-contract.md`). [`crate::HttpBackend`] is its client,
//! [`crate::ledger_server`] serves any [`crate::AccountBackend`] over it.
//!
//! The wire types here are converted by hand from and to the domain types, so the
//! contract does not follow every change of the domain. Amounts are decimal strings in
//! the order's currency (`"1200.00"`), dates are `YYYY-MM-DD`, never floats. Readers are
//! tolerant: unknown fields are ignored.

use serde::{Deserialize, Serialize};
use tandem_domain::ledger::rules::{DisputeOpening, Extension, PaymentLink, ReturnReport};
use tandem_domain::ledger::{
    Dispute, DisputeReason, DisputeStatus, Fee, FeeKind, Installment, InstallmentStatus, Item,
    Merchant, MerchantId, Order, OrderId, OrderStatus, Plan, Refund, Return, ReturnStatus,
};
use tandem_domain::{Currency, CustomerId, Money, ParseError};
use tandem_store::ledger::VersionedOrder;
use time::Date;

use crate::LedgerOp;

/// A body that does not follow the contract.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("unknown operation {0:?}")]
    UnknownOperation(String),
    #[error("the body is not valid JSON of the expected shape: {0}")]
    Json(String),
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
}

impl From<ParseError> for WireError {
    fn from(e: ParseError) -> Self {
        Self::Invalid { field: e.field.to_owned(), message: e.message }
    }
}

impl From<serde_json::Error> for WireError {
    fn from(e: serde_json::Error) -> Self {
        Self::Json(e.to_string())
    }
}

/// The error codes of the contract with their HTTP statuses: one table for server and
/// client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// No order, merchant or route by that name.
    NotFound,
    /// The order changed since it was read (its version differs) or no longer exists.
    Stale,
    /// A malformed id in the path.
    InvalidId,
    /// The body is not JSON of the operation's shape.
    InvalidBody,
    MissingIdempotencyKey,
    UnknownOperation,
    MethodNotAllowed,
    /// The backend cannot answer now; try again later.
    Unavailable,
    Internal,
}

impl ErrorCode {
    pub const ALL: &'static [ErrorCode] = &[
        Self::NotFound,
        Self::Stale,
        Self::InvalidId,
        Self::InvalidBody,
        Self::MissingIdempotencyKey,
        Self::UnknownOperation,
        Self::MethodNotAllowed,
        Self::Unavailable,
        Self::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        self.row().0
    }

    pub fn status(self) -> u16 {
        self.row().1
    }

    fn row(self) -> (&'static str, u16) {
        match self {
            Self::NotFound => ("not_found", 404),
            Self::Stale => ("stale", 409),
            Self::InvalidId => ("invalid_id", 400),
            Self::InvalidBody => ("invalid_body", 400),
            Self::MissingIdempotencyKey => ("missing_idempotency_key", 400),
            Self::UnknownOperation => ("unknown_operation", 404),
            Self::MethodNotAllowed => ("method_not_allowed", 405),
            Self::Unavailable => ("unavailable", 503),
            Self::Internal => ("internal", 500),
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == raw)
    }
}

/// `{"error": {"code": "stale", "message": "..."}}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// `{"result": {...}}`: what an operation did, as the backend words it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultBody {
    pub result: serde_json::Value,
}

/// `{"orders": [...]}`, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrdersBody {
    pub orders: Vec<OrderWire>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MerchantWire {
    pub id: String,
    pub name: String,
    pub support_email: String,
    #[serde(default = "default_return_window")]
    pub return_window_days: u16,
}

fn default_return_window() -> u16 {
    tandem_domain::ledger::DEFAULT_RETURN_WINDOW_DAYS
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderWire {
    pub id: String,
    /// Changes whenever the order changes; operations name the version they were
    /// decided on.
    pub version: i64,
    pub merchant: String,
    pub customer: String,
    pub created_at: String,
    #[serde(default)]
    pub delivered_at: Option<String>,
    pub currency: String,
    pub plan: String,
    pub status: String,
    #[serde(default)]
    pub items: Vec<ItemWire>,
    pub installments: Vec<InstallmentWire>,
    #[serde(default)]
    pub extended: bool,
    #[serde(default)]
    pub returns: Vec<ReturnWire>,
    #[serde(default)]
    pub refunds: Vec<RefundWire>,
    #[serde(default)]
    pub disputes: Vec<DisputeWire>,
    #[serde(default)]
    pub fees: Vec<FeeWire>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemWire {
    pub name: String,
    pub price: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstallmentWire {
    pub seq: u32,
    pub due: String,
    pub amount: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnWire {
    pub reported_at: String,
    pub paused_until: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundWire {
    pub amount: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisputeWire {
    pub reason: String,
    pub status: String,
    pub opened_at: String,
    #[serde(default)]
    pub details: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeeWire {
    pub kind: String,
    pub amount: String,
    #[serde(default)]
    pub waived: bool,
}

// ---------------------------------------------------------------------------------------
// Operation bodies: each states the exact change the policy engine approved.

/// `POST /operations/extend_due_date`: installment `installment` moves from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtendDueDateBody {
    pub order: String,
    pub version: i64,
    pub installment: u32,
    pub currency: String,
    pub amount: String,
    pub from: String,
    pub to: String,
}

/// `POST /operations/report_return`: the installments are paused until `paused_until`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportReturnBody {
    pub order: String,
    pub version: i64,
    pub reported_at: String,
    pub paused_until: String,
    pub installments: Vec<u32>,
}

/// `POST /operations/open_dispute`: a dispute opens and `paused` installments pause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenDisputeBody {
    pub order: String,
    pub version: i64,
    pub reason: String,
    pub opened_at: String,
    pub currency: String,
    pub amount: String,
    pub paused: Vec<u32>,
    #[serde(default)]
    pub details: Option<String>,
}

/// `POST /operations/send_payment_link`: a link to pay one installment outside the chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendPaymentLinkBody {
    pub order: String,
    pub customer: String,
    pub installment: u32,
    pub currency: String,
    pub amount: String,
    pub due: String,
}

/// `POST /operations/request_account_deletion`: a deletion request for human review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestAccountDeletionBody {
    pub customer: String,
}

/// The body of `op`, to be sent to `POST /operations/{op.tool()}`.
pub fn operation_body(op: &LedgerOp) -> serde_json::Value {
    let value = match op {
        LedgerOp::ExtendDueDate { order, version, extension: e } => serde_json::to_value(ExtendDueDateBody {
            order: order.to_string(),
            version: *version,
            installment: e.installment,
            currency: e.amount.currency().code().to_owned(),
            amount: amount(e.amount),
            from: e.from.to_string(),
            to: e.to.to_string(),
        }),
        LedgerOp::ReportReturn { order, version, report: r } => serde_json::to_value(ReportReturnBody {
            order: order.to_string(),
            version: *version,
            reported_at: r.reported_at.to_string(),
            paused_until: r.paused_until.to_string(),
            installments: r.installments.clone(),
        }),
        LedgerOp::OpenDispute { order, version, opening: o } => serde_json::to_value(OpenDisputeBody {
            order: order.to_string(),
            version: *version,
            reason: o.reason.as_str().to_owned(),
            opened_at: o.opened_at.to_string(),
            currency: o.amount.currency().code().to_owned(),
            amount: amount(o.amount),
            paused: o.paused.clone(),
            details: o.details.clone(),
        }),
        LedgerOp::SendPaymentLink { order, customer, link: l } => serde_json::to_value(SendPaymentLinkBody {
            order: order.to_string(),
            customer: customer.to_string(),
            installment: l.installment,
            currency: l.amount.currency().code().to_owned(),
            amount: amount(l.amount),
            due: l.due.to_string(),
        }),
        LedgerOp::RequestAccountDeletion { customer } => {
            serde_json::to_value(RequestAccountDeletionBody { customer: customer.to_string() })
        }
    };
    value.expect("operation bodies serialise")
}

/// The operation a `POST /operations/{tool}` body asks for.
pub fn parse_operation(tool: &str, body: &[u8]) -> Result<LedgerOp, WireError> {
    Ok(match tool {
        "extend_due_date" => {
            let b: ExtendDueDateBody = serde_json::from_slice(body)?;
            let currency = Currency::parse(&b.currency)?;
            LedgerOp::ExtendDueDate {
                order: OrderId::parse(&b.order)?,
                version: b.version,
                extension: Extension {
                    installment: b.installment,
                    amount: Money::parse(&b.amount, currency)?,
                    from: date("from", &b.from)?,
                    to: date("to", &b.to)?,
                },
            }
        }
        "report_return" => {
            let b: ReportReturnBody = serde_json::from_slice(body)?;
            LedgerOp::ReportReturn {
                order: OrderId::parse(&b.order)?,
                version: b.version,
                report: ReturnReport {
                    reported_at: date("reported_at", &b.reported_at)?,
                    paused_until: date("paused_until", &b.paused_until)?,
                    installments: b.installments,
                },
            }
        }
        "open_dispute" => {
            let b: OpenDisputeBody = serde_json::from_slice(body)?;
            let currency = Currency::parse(&b.currency)?;
            LedgerOp::OpenDispute {
                order: OrderId::parse(&b.order)?,
                version: b.version,
                opening: DisputeOpening {
                    reason: DisputeReason::parse(&b.reason)?,
                    opened_at: date("opened_at", &b.opened_at)?,
                    amount: Money::parse(&b.amount, currency)?,
                    paused: b.paused,
                    details: b.details,
                },
            }
        }
        "send_payment_link" => {
            let b: SendPaymentLinkBody = serde_json::from_slice(body)?;
            let currency = Currency::parse(&b.currency)?;
            LedgerOp::SendPaymentLink {
                order: OrderId::parse(&b.order)?,
                customer: CustomerId::parse(&b.customer)?,
                link: PaymentLink {
                    installment: b.installment,
                    amount: Money::parse(&b.amount, currency)?,
                    due: date("due", &b.due)?,
                },
            }
        }
        "request_account_deletion" => {
            let b: RequestAccountDeletionBody = serde_json::from_slice(body)?;
            LedgerOp::RequestAccountDeletion { customer: CustomerId::parse(&b.customer)? }
        }
        other => return Err(WireError::UnknownOperation(other.to_owned())),
    })
}

// ---------------------------------------------------------------------------------------
// Orders and merchants.

impl From<&Merchant> for MerchantWire {
    fn from(m: &Merchant) -> Self {
        Self {
            id: m.id.to_string(),
            name: m.name.clone(),
            support_email: m.support_email.clone(),
            return_window_days: m.return_window_days,
        }
    }
}

impl TryFrom<MerchantWire> for Merchant {
    type Error = WireError;

    fn try_from(m: MerchantWire) -> Result<Self, WireError> {
        Ok(Merchant {
            id: MerchantId::parse(&m.id)?,
            name: m.name,
            support_email: m.support_email,
            return_window_days: m.return_window_days,
        })
    }
}

impl From<&VersionedOrder> for OrderWire {
    fn from(v: &VersionedOrder) -> Self {
        let o = &v.order;
        Self {
            id: o.id.to_string(),
            version: v.version,
            merchant: o.merchant.to_string(),
            customer: o.customer.to_string(),
            created_at: o.created_at.to_string(),
            delivered_at: o.delivered_at.map(|d| d.to_string()),
            currency: o.currency.code().to_owned(),
            plan: o.plan.as_str().to_owned(),
            status: o.status.as_str().to_owned(),
            items: o.items.iter().map(|i| ItemWire { name: i.name.clone(), price: amount(i.price) }).collect(),
            installments: o
                .installments
                .iter()
                .map(|i| InstallmentWire {
                    seq: i.seq,
                    due: i.due.to_string(),
                    amount: amount(i.amount),
                    status: i.status.as_str().to_owned(),
                })
                .collect(),
            extended: o.extended,
            returns: o
                .returns
                .iter()
                .map(|r| ReturnWire {
                    reported_at: r.reported_at.to_string(),
                    paused_until: r.paused_until.to_string(),
                    status: r.status.as_str().to_owned(),
                })
                .collect(),
            refunds: o.refunds.iter().map(|r| RefundWire { amount: amount(r.amount), created_at: r.created_at.to_string() }).collect(),
            disputes: o
                .disputes
                .iter()
                .map(|d| DisputeWire {
                    reason: d.reason.as_str().to_owned(),
                    status: d.status.as_str().to_owned(),
                    opened_at: d.opened_at.to_string(),
                    details: d.details.clone(),
                })
                .collect(),
            fees: o.fees.iter().map(|f| FeeWire { kind: f.kind.as_str().to_owned(), amount: amount(f.amount), waived: f.waived }).collect(),
        }
    }
}

impl TryFrom<OrderWire> for VersionedOrder {
    type Error = WireError;

    fn try_from(w: OrderWire) -> Result<Self, WireError> {
        let currency = Currency::parse(&w.currency)?;
        let money = |raw: &str| Money::parse(raw, currency);
        let order = Order {
            id: OrderId::parse(&w.id)?,
            merchant: MerchantId::parse(&w.merchant)?,
            customer: CustomerId::parse(&w.customer)?,
            created_at: date("created_at", &w.created_at)?,
            delivered_at: w.delivered_at.as_deref().map(|d| date("delivered_at", d)).transpose()?,
            currency,
            plan: Plan::parse(&w.plan)?,
            status: OrderStatus::parse(&w.status)?,
            items: w.items.iter().map(|i| Ok(Item { name: i.name.clone(), price: money(&i.price)? })).collect::<Result<_, WireError>>()?,
            installments: w
                .installments
                .iter()
                .map(|i| {
                    Ok(Installment {
                        seq: i.seq,
                        due: date("installments.due", &i.due)?,
                        amount: money(&i.amount)?,
                        status: InstallmentStatus::parse(&i.status)?,
                    })
                })
                .collect::<Result<_, WireError>>()?,
            extended: w.extended,
            returns: w
                .returns
                .iter()
                .map(|r| {
                    Ok(Return {
                        reported_at: date("returns.reported_at", &r.reported_at)?,
                        paused_until: date("returns.paused_until", &r.paused_until)?,
                        status: ReturnStatus::parse(&r.status)?,
                    })
                })
                .collect::<Result<_, WireError>>()?,
            refunds: w
                .refunds
                .iter()
                .map(|r| Ok(Refund { amount: money(&r.amount)?, created_at: date("refunds.created_at", &r.created_at)? }))
                .collect::<Result<_, WireError>>()?,
            disputes: w
                .disputes
                .into_iter()
                .map(|d| {
                    Ok(Dispute {
                        reason: DisputeReason::parse(&d.reason)?,
                        status: DisputeStatus::parse(&d.status)?,
                        opened_at: date("disputes.opened_at", &d.opened_at)?,
                        details: d.details,
                    })
                })
                .collect::<Result<_, WireError>>()?,
            fees: w
                .fees
                .iter()
                .map(|f| Ok(Fee { kind: FeeKind::parse(&f.kind)?, amount: money(&f.amount)?, waived: f.waived }))
                .collect::<Result<_, WireError>>()?,
        };
        Ok(VersionedOrder { order, version: w.version })
    }
}

/// `1200.00`, `-5.50`, `300` (JPY): the amount in its currency's minor-unit digits.
pub fn amount(m: Money) -> String {
    let exp = u32::from(m.currency().exponent());
    let sign = if m.minor() < 0 { "-" } else { "" };
    let abs = m.minor().unsigned_abs();
    if exp == 0 {
        return format!("{sign}{abs}");
    }
    let scale = 10_u64.pow(exp);
    format!("{sign}{}.{:0width$}", abs / scale, abs % scale, width = exp as usize)
}

const DATE: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!("[year]-[month]-[day]");

/// A `YYYY-MM-DD` date.
pub fn date(field: &str, raw: &str) -> Result<Date, WireError> {
    Date::parse(raw, DATE).map_err(|e| WireError::Invalid { field: field.to_owned(), message: format!("{raw:?} is not a YYYY-MM-DD date: {e}") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn sek(raw: &str) -> Money {
        Money::parse(raw, Currency::parse("SEK").unwrap()).unwrap()
    }

    #[test]
    fn amounts_are_decimal_strings_in_the_currency() {
        assert_eq!(amount(sek("1200")), "1200.00");
        assert_eq!(amount(sek("-5.5")), "-5.50");
        assert_eq!(amount(Money::from_minor(300, Currency::parse("JPY").unwrap())), "300");
        assert_eq!(amount(Money::from_minor(1_005, Currency::parse("KWD").unwrap())), "1.005");
    }

    #[test]
    fn every_operation_round_trips() {
        let order = OrderId::parse("ORD-1001").unwrap();
        let customer = CustomerId::parse("cus_anna").unwrap();
        let ops = [
            LedgerOp::ExtendDueDate {
                order: order.clone(),
                version: 3,
                extension: Extension { installment: 1, amount: sek("1200.00"), from: date!(2026 - 12 - 03), to: date!(2026 - 12 - 13) },
            },
            LedgerOp::ReportReturn {
                order: order.clone(),
                version: 4,
                report: ReturnReport { reported_at: date!(2026 - 11 - 23), paused_until: date!(2026 - 12 - 14), installments: vec![1, 2] },
            },
            LedgerOp::OpenDispute {
                order: order.clone(),
                version: 5,
                opening: DisputeOpening {
                    reason: DisputeReason::FaultyItem,
                    opened_at: date!(2026 - 11 - 23),
                    amount: sek("899.00"),
                    paused: vec![2],
                    details: Some("broken".into()),
                },
            },
            LedgerOp::SendPaymentLink { order, customer: customer.clone(), link: PaymentLink { installment: 2, amount: sek("300.00"), due: date!(2026 - 12 - 20) } },
            LedgerOp::RequestAccountDeletion { customer },
        ];
        for op in ops {
            let body = operation_body(&op);
            assert_eq!(parse_operation(op.tool(), body.to_string().as_bytes()), Ok(op.clone()), "{body}");
        }
        let extend = operation_body(&LedgerOp::RequestAccountDeletion { customer: CustomerId::parse("c").unwrap() });
        assert_eq!(extend, serde_json::json!({"customer": "c"}));
    }

    #[test]
    fn bad_bodies_name_what_is_wrong() {
        assert_eq!(parse_operation("waive_fee", b"{}"), Err(WireError::UnknownOperation("waive_fee".into())));
        assert!(matches!(parse_operation("request_account_deletion", b"not json"), Err(WireError::Json(_))));
        let body = br#"{"order":"ORD-1","customer":"c","installment":1,"currency":"SEK","amount":"1.005","due":"2026-12-20"}"#;
        assert!(matches!(parse_operation("send_payment_link", body), Err(WireError::Invalid { field, .. }) if field == "amount"));
        let body = br#"{"order":"ORD-1","customer":"c","installment":1,"currency":"SEK","amount":"1.00","due":"20.12.2026"}"#;
        assert!(matches!(parse_operation("send_payment_link", body), Err(WireError::Invalid { field, .. }) if field == "due"));
    }

    #[test]
    fn error_codes_map_to_statuses_and_back() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
            assert!(code.status() >= 400);
        }
        assert_eq!(ErrorCode::Stale.status(), 409);
    }
}
