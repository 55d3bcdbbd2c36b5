//! Operation bodies: each states the exact change the policy engine approved.

use serde::{Deserialize, Serialize};
use tandem_domain::ledger::rules::{DisputeOpening, Extension, PaymentLink, ReturnReport};
use tandem_domain::ledger::{DisputeReason, OrderId};
use tandem_domain::{Currency, CustomerId, Money};

use super::{WireError, amount, date};
use crate::LedgerOp;

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

/// The operations of the contract, as named in their paths.
pub const OPERATIONS: &[&str] = &[
    "extend_due_date",
    "report_return",
    "open_dispute",
    "send_payment_link",
    "request_account_deletion",
];

/// The body of `op`, to be sent to `POST /operations/{op.tool()}`.
pub fn operation_body(op: &LedgerOp) -> serde_json::Value {
    let value = match op {
        LedgerOp::ExtendDueDate {
            order,
            version,
            extension: e,
        } => serde_json::to_value(ExtendDueDateBody {
            order: order.to_string(),
            version: *version,
            installment: e.installment,
            currency: e.amount.currency().code().to_owned(),
            amount: amount(e.amount),
            from: e.from.to_string(),
            to: e.to.to_string(),
        }),
        LedgerOp::ReportReturn {
            order,
            version,
            report: r,
        } => serde_json::to_value(ReportReturnBody {
            order: order.to_string(),
            version: *version,
            reported_at: r.reported_at.to_string(),
            paused_until: r.paused_until.to_string(),
            installments: r.installments.clone(),
        }),
        LedgerOp::OpenDispute {
            order,
            version,
            opening: o,
        } => serde_json::to_value(OpenDisputeBody {
            order: order.to_string(),
            version: *version,
            reason: o.reason.as_str().to_owned(),
            opened_at: o.opened_at.to_string(),
            currency: o.amount.currency().code().to_owned(),
            amount: amount(o.amount),
            paused: o.paused.clone(),
            details: o.details.clone(),
        }),
        LedgerOp::SendPaymentLink {
            order,
            customer,
            link: l,
        } => serde_json::to_value(SendPaymentLinkBody {
            order: order.to_string(),
            customer: customer.to_string(),
            installment: l.installment,
            currency: l.amount.currency().code().to_owned(),
            amount: amount(l.amount),
            due: l.due.to_string(),
        }),
        LedgerOp::RequestAccountDeletion { customer } => {
            serde_json::to_value(RequestAccountDeletionBody {
                customer: customer.to_string(),
            })
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
            LedgerOp::RequestAccountDeletion {
                customer: CustomerId::parse(&b.customer)?,
            }
        }
        other => return Err(WireError::UnknownOperation(other.to_owned())),
    })
}
