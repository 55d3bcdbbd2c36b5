//! The policy rules of DOMAIN.md (P1-P14) as pure functions. Each `check_*` either
//! returns the exact change it allows (so the words shown to the customer and the write
//! that follows are the same thing) or a [`Refusal`] naming the rule. Each `apply_*`
//! performs an allowed change on an order.
//!
//! Architecture Invariant: every rule reads "now" from its argument, never the clock.

use std::fmt;

use time::{Date, Duration, OffsetDateTime};

use super::{
    Dispute, DisputeReason, DisputeStatus, InstallmentStatus, Merchant, Order, OrderStatus, Return,
    ReturnStatus, today,
};
use crate::{HandoffReason, Money, Priority};

/// Days an extension adds to the next unpaid installment (P3).
pub const EXTENSION_DAYS: i64 = 10;
/// Days a reported return pauses unpaid installments (P6).
pub const RETURN_PAUSE_DAYS: i64 = 21;
/// Days after purchase a dispute can be opened (P7).
pub const DISPUTE_WINDOW_DAYS: i64 = 180;
/// Disputes above this many major units of the order's currency go to a specialist (P9).
pub const DISPUTE_AI_LIMIT_MAJOR: i64 = 1000;

/// A rule of DOMAIN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    P1,
    P2,
    P3,
    P4,
    P5,
    P6,
    P7,
    P8,
    P9,
    P10,
    P11,
    P12,
    P13,
    P14,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::P1 => "P1",
            Rule::P2 => "P2",
            Rule::P3 => "P3",
            Rule::P4 => "P4",
            Rule::P5 => "P5",
            Rule::P6 => "P6",
            Rule::P7 => "P7",
            Rule::P8 => "P8",
            Rule::P9 => "P9",
            Rule::P10 => "P10",
            Rule::P11 => "P11",
            Rule::P12 => "P12",
            Rule::P13 => "P13",
            Rule::P14 => "P14",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who acts: the AI, or a person with their skills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Ai,
    Agent { id: String, skills: Vec<String> },
}

impl Actor {
    pub fn has_skill(&self, skill: &str) -> bool {
        matches!(self, Actor::Agent { skills, .. } if skills.iter().any(|s| s == skill))
    }
}

/// Why a rule says no, with the facts the customer should hear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefusalReason {
    NotVerified,
    OrderNotFound,
    AlreadyExtended,
    Overdue,
    InCollections,
    Disputed,
    PaidOff,
    NotActive(OrderStatus),
    ReturnAlreadyReported,
    NotDelivered,
    ReturnWindowClosed {
        closed_on: Date,
    },
    DisputeWindowClosed {
        closed_on: Date,
    },
    ContactMerchantFirst {
        merchant: String,
        support_email: String,
    },
    DisputeAlreadyOpen,
    DisputeOverLimit {
        limit: Money,
    },
    FraudNeedsSpecialist,
    NothingToPay,
    OutstandingBalance {
        amount: Money,
    },
    FeeWaiverNeedsPerson,
    /// P5: no valid yes to this exact proposal in this conversation.
    NotConfirmed,
    /// P5: the order changed since the proposal; it has to be proposed again.
    ChangedMeanwhile,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub rule: Rule,
    pub reason: RefusalReason,
}

impl Refusal {
    pub fn new(rule: Rule, reason: RefusalReason) -> Self {
        Self { rule, reason }
    }

    /// The handoff a refusal calls for (H2, H6), if any. Other refusals are explained
    /// and the AI carries on.
    pub fn handoff(&self) -> Option<(HandoffReason, Priority)> {
        match self.reason {
            RefusalReason::FraudNeedsSpecialist => Some((HandoffReason::Fraud, Priority::Urgent)),
            RefusalReason::DisputeOverLimit { .. } | RefusalReason::FeeWaiverNeedsPerson => {
                Some((HandoffReason::PolicyException, Priority::Normal))
            }
            _ => None,
        }
    }
}

type Checked<T> = Result<T, Refusal>;

fn refuse<T>(rule: Rule, reason: RefusalReason) -> Checked<T> {
    Err(Refusal::new(rule, reason))
}

/// P4's common part: an order that is overdue, in collections, disputed or paid (or not
/// active at all) takes no new payment changes.
fn check_payable(order: &Order, rule: Rule) -> Checked<()> {
    match order.status {
        OrderStatus::InCollections => return refuse(rule, RefusalReason::InCollections),
        OrderStatus::Disputed => return refuse(rule, RefusalReason::Disputed),
        OrderStatus::Paid => return refuse(rule, RefusalReason::PaidOff),
        OrderStatus::Cancelled | OrderStatus::Refunded => {
            return refuse(rule, RefusalReason::NotActive(order.status));
        }
        OrderStatus::Active => {}
    }
    if order.open_dispute().is_some() {
        return refuse(rule, RefusalReason::Disputed);
    }
    if order.is_overdue() {
        return refuse(rule, RefusalReason::Overdue);
    }
    if order.next_unpaid().is_none() || order.outstanding().minor() == 0 {
        return refuse(rule, RefusalReason::PaidOff);
    }
    Ok(())
}

/// An allowed extension: installment `seq` moves from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub installment: u32,
    pub amount: Money,
    pub from: Date,
    pub to: Date,
}

/// P3, P4: one free extension per order, +10 days on the next unpaid installment.
pub fn check_extend(order: &Order) -> Checked<Extension> {
    check_payable(order, Rule::P4)?;
    if order.extended {
        return refuse(Rule::P3, RefusalReason::AlreadyExtended);
    }
    let next = order
        .next_unpaid()
        .expect("check_payable found an unpaid installment");
    Ok(Extension {
        installment: next.seq,
        amount: next.amount,
        from: next.due,
        to: next.due + Duration::days(EXTENSION_DAYS),
    })
}

pub fn apply_extension(order: &mut Order, extension: &Extension) {
    if let Some(i) = order
        .installments
        .iter_mut()
        .find(|i| i.seq == extension.installment)
    {
        i.due = extension.to;
    }
    order.extended = true;
}

/// An allowed return report: unpaid installments paused until `paused_until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnReport {
    pub reported_at: Date,
    pub paused_until: Date,
    pub installments: Vec<u32>,
}

/// P6: once per order, while active, within the merchant's window from delivery.
pub fn check_return(
    order: &Order,
    merchant: &Merchant,
    now: OffsetDateTime,
) -> Checked<ReturnReport> {
    if !order.returns.is_empty() {
        return refuse(Rule::P6, RefusalReason::ReturnAlreadyReported);
    }
    if order.status != OrderStatus::Active {
        return refuse(Rule::P6, RefusalReason::NotActive(order.status));
    }
    let Some(delivered) = order.delivered_at else {
        return refuse(Rule::P6, RefusalReason::NotDelivered);
    };
    let closed_on = delivered + Duration::days(i64::from(merchant.return_window_days));
    let day = today(now);
    if day > closed_on {
        return refuse(Rule::P6, RefusalReason::ReturnWindowClosed { closed_on });
    }
    let installments: Vec<u32> = order
        .installments
        .iter()
        .filter(|i| i.status.is_unpaid())
        .map(|i| i.seq)
        .collect();
    if installments.is_empty() {
        return refuse(Rule::P6, RefusalReason::NothingToPay);
    }
    Ok(ReturnReport {
        reported_at: day,
        paused_until: day + Duration::days(RETURN_PAUSE_DAYS),
        installments,
    })
}

pub fn apply_return(order: &mut Order, report: &ReturnReport) {
    pause(order, &report.installments);
    order.returns.push(Return {
        reported_at: report.reported_at,
        paused_until: report.paused_until,
        status: ReturnStatus::Reported,
    });
}

fn pause(order: &mut Order, seqs: &[u32]) {
    for i in order
        .installments
        .iter_mut()
        .filter(|i| seqs.contains(&i.seq))
    {
        i.status = InstallmentStatus::Paused;
    }
}

/// An allowed dispute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeOpening {
    pub reason: DisputeReason,
    pub opened_at: Date,
    pub amount: Money,
    /// Unpaid installments paused while the dispute is open (P8).
    pub paused: Vec<u32>,
    pub details: Option<String>,
}

/// What the customer said about the dispute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeClaim {
    pub reason: DisputeReason,
    /// For `wrong_item` and `faulty_item`: has the customer contacted the merchant (P7)?
    pub merchant_contacted: bool,
    pub details: Option<String>,
}

/// P7-P10 for opening a dispute.
pub fn check_dispute(
    order: &Order,
    merchant: &Merchant,
    claim: &DisputeClaim,
    actor: &Actor,
    now: OffsetDateTime,
) -> Checked<DisputeOpening> {
    if claim.reason == DisputeReason::Unauthorized && !actor.has_skill("fraud") {
        return refuse(Rule::P10, RefusalReason::FraudNeedsSpecialist);
    }
    if order.open_dispute().is_some() || order.status == OrderStatus::Disputed {
        return refuse(Rule::P7, RefusalReason::DisputeAlreadyOpen);
    }
    if matches!(order.status, OrderStatus::Cancelled | OrderStatus::Refunded) {
        return refuse(Rule::P7, RefusalReason::NotActive(order.status));
    }
    let closed_on = order.created_at + Duration::days(DISPUTE_WINDOW_DAYS);
    if today(now) > closed_on {
        return refuse(Rule::P7, RefusalReason::DisputeWindowClosed { closed_on });
    }
    if matches!(
        claim.reason,
        DisputeReason::WrongItem | DisputeReason::FaultyItem
    ) && !claim.merchant_contacted
    {
        return refuse(
            Rule::P7,
            RefusalReason::ContactMerchantFirst {
                merchant: merchant.name.clone(),
                support_email: merchant.support_email.clone(),
            },
        );
    }
    let amount = order.total();
    let limit = dispute_limit(order);
    if amount.minor() > limit.minor() && !actor.has_skill("disputes") {
        return refuse(Rule::P9, RefusalReason::DisputeOverLimit { limit });
    }
    let paused = order
        .installments
        .iter()
        .filter(|i| i.status.is_unpaid())
        .map(|i| i.seq)
        .collect();
    Ok(DisputeOpening {
        reason: claim.reason,
        opened_at: today(now),
        amount,
        paused,
        details: claim.details.clone(),
    })
}

/// 1,000.00 in the order's currency (1,000 for currencies without minor units).
pub fn dispute_limit(order: &Order) -> Money {
    let scale = 10_i64.pow(u32::from(order.currency.exponent()));
    Money::from_minor(DISPUTE_AI_LIMIT_MAJOR * scale, order.currency)
}

pub fn apply_dispute(order: &mut Order, opening: &DisputeOpening) {
    pause(order, &opening.paused);
    order.status = OrderStatus::Disputed;
    order.disputes.push(Dispute {
        reason: opening.reason,
        status: DisputeStatus::Open,
        opened_at: opening.opened_at,
        details: opening.details.clone(),
    });
}

/// An allowed payment link for one installment (P12: paid outside the chat).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLink {
    pub installment: u32,
    pub amount: Money,
    pub due: Date,
}

pub fn check_payment_link(order: &Order, installment: Option<u32>) -> Checked<PaymentLink> {
    if matches!(
        order.status,
        OrderStatus::Cancelled | OrderStatus::Refunded | OrderStatus::Paid
    ) || order.outstanding().minor() == 0
    {
        return refuse(Rule::P12, RefusalReason::NothingToPay);
    }
    let target = match installment {
        Some(seq) => order
            .installments
            .iter()
            .find(|i| i.seq == seq && i.status.is_unpaid()),
        None => order.next_unpaid(),
    };
    match target {
        Some(i) => Ok(PaymentLink {
            installment: i.seq,
            amount: i.amount,
            due: i.due,
        }),
        None => refuse(Rule::P12, RefusalReason::NothingToPay),
    }
}

/// P13: an account can be deleted only without outstanding balance. With several
/// currencies the first non-zero balance is named.
pub fn check_deletion(orders: &[Order]) -> Checked<()> {
    match orders
        .iter()
        .map(Order::outstanding)
        .find(|m| m.minor() > 0)
    {
        Some(amount) => refuse(Rule::P13, RefusalReason::OutstandingBalance { amount }),
        None => Ok(()),
    }
}

/// P11: how the registered refunds of an order were applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundReport {
    pub refunds: Vec<super::Refund>,
    pub refunded: Money,
    /// The part that reduced the remaining balance.
    pub applied_to_balance: Money,
    /// The part paid back to the original payment method within 5-7 business days.
    pub surplus: Money,
    pub remaining: Money,
}

/// Business days within which a refund surplus reaches the customer (P11).
pub const SURPLUS_BUSINESS_DAYS: (u8, u8) = (5, 7);

pub fn refund_report(order: &Order) -> RefundReport {
    let refunded = order.refunded();
    let before = Order {
        refunds: vec![],
        ..order.clone()
    }
    .outstanding();
    let applied = refunded.minor().min(before.minor());
    RefundReport {
        refunds: order.refunds.clone(),
        refunded,
        applied_to_balance: Money::from_minor(applied, order.currency),
        surplus: Money::from_minor(refunded.minor() - applied, order.currency),
        remaining: order.outstanding(),
    }
}

/// P14: fees are never waived by the AI.
pub fn check_fee_waiver(actor: &Actor) -> Checked<()> {
    match actor {
        Actor::Ai => refuse(Rule::P14, RefusalReason::FeeWaiverNeedsPerson),
        Actor::Agent { .. } => Ok(()),
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
