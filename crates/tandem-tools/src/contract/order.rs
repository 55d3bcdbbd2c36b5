//! Orders and merchants on the wire, converted by hand from and to the domain.

use serde::{Deserialize, Serialize};
use tandem_domain::ledger::{
    Dispute, DisputeReason, DisputeStatus, Fee, FeeKind, Installment, InstallmentStatus, Item,
    Merchant, MerchantId, Order, OrderId, OrderStatus, Plan, Refund, Return, ReturnStatus,
};
use tandem_domain::{Currency, CustomerId, Money};
use tandem_store::ledger::VersionedOrder;

use super::{WireError, amount, date};

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
            items: o
                .items
                .iter()
                .map(|i| ItemWire {
                    name: i.name.clone(),
                    price: amount(i.price),
                })
                .collect(),
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
            refunds: o
                .refunds
                .iter()
                .map(|r| RefundWire {
                    amount: amount(r.amount),
                    created_at: r.created_at.to_string(),
                })
                .collect(),
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
            fees: o
                .fees
                .iter()
                .map(|f| FeeWire {
                    kind: f.kind.as_str().to_owned(),
                    amount: amount(f.amount),
                    waived: f.waived,
                })
                .collect(),
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
            delivered_at: w
                .delivered_at
                .as_deref()
                .map(|d| date("delivered_at", d))
                .transpose()?,
            currency,
            plan: Plan::parse(&w.plan)?,
            status: OrderStatus::parse(&w.status)?,
            items: w
                .items
                .iter()
                .map(|i| {
                    Ok(Item {
                        name: i.name.clone(),
                        price: money(&i.price)?,
                    })
                })
                .collect::<Result<_, WireError>>()?,
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
                .map(|r| {
                    Ok(Refund {
                        amount: money(&r.amount)?,
                        created_at: date("refunds.created_at", &r.created_at)?,
                    })
                })
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
                .map(|f| {
                    Ok(Fee {
                        kind: FeeKind::parse(&f.kind)?,
                        amount: money(&f.amount)?,
                        waived: f.waived,
                    })
                })
                .collect::<Result<_, WireError>>()?,
        };
        Ok(VersionedOrder {
            order,
            version: w.version,
        })
    }
}
