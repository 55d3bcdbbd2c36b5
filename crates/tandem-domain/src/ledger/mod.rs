//! The ledger of a buy-now-pay-later company (DOMAIN.md): merchants, orders, installment
//! plans, returns, refunds, disputes and fees, and the policy rules (P1-P14) over them.
//!
//! Layout:
//! - this file: the entities.
//! - [`schedule`]: installment schedules computed from a plan.
//! - [`rules`]: the policy rules as pure functions of an order, an actor and "now".

pub mod rules;
pub mod schedule;

use std::fmt;

use time::{Date, OffsetDateTime};

use crate::{Currency, CustomerId, Money, ParseError};

string_enum!(
    /// How an order is paid.
    Plan { PayIn30 = "pay_in_30", PayIn3 = "pay_in_3", PayIn4 = "pay_in_4", Financing = "financing" }
);

string_enum!(
    OrderStatus {
        Active = "active",
        Paid = "paid",
        Cancelled = "cancelled",
        Refunded = "refunded",
        Disputed = "disputed",
        InCollections = "in_collections",
    }
);

string_enum!(
    InstallmentStatus { Scheduled = "scheduled", Paid = "paid", Overdue = "overdue", Paused = "paused" }
);

string_enum!(
    ReturnStatus { Reported = "reported", RegisteredByMerchant = "registered_by_merchant", Refunded = "refunded" }
);

string_enum!(
    DisputeReason {
        NotReceived = "not_received",
        WrongItem = "wrong_item",
        FaultyItem = "faulty_item",
        ChargedTwice = "charged_twice",
        Unauthorized = "unauthorized",
    }
);

string_enum!(
    DisputeStatus {
        Open = "open",
        WaitingMerchant = "waiting_merchant",
        ResolvedCustomer = "resolved_customer",
        ResolvedMerchant = "resolved_merchant",
    }
);

string_enum!(
    FeeKind { LateFee = "late_fee", ReminderFee = "reminder_fee" }
);

impl DisputeStatus {
    pub fn is_open(self) -> bool {
        matches!(self, Self::Open | Self::WaitingMerchant)
    }
}

impl InstallmentStatus {
    /// Still to be paid.
    pub fn is_unpaid(self) -> bool {
        self != Self::Paid
    }
}

/// An id of the ledger (order ids such as `ORD-1001`, merchant ids such as `m_zal`):
/// 1-64 ASCII letters, digits, `_` and `-`.
fn parse_ledger_id(field: &'static str, raw: &str) -> Result<String, ParseError> {
    let ok = !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(ParseError::new(field, format!("{raw:?} is not a valid id")))
    }
}

macro_rules! ledger_id {
    ($name:ident, $field:literal) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, ParseError> {
                parse_ledger_id($field, raw).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

ledger_id!(OrderId, "order");
ledger_id!(MerchantId, "merchant");

/// Order ids are matched case-insensitively as customers type them (`ord-1001`).
impl OrderId {
    pub fn matches(&self, typed: &str) -> bool {
        self.0.eq_ignore_ascii_case(typed.trim())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merchant {
    pub id: MerchantId,
    pub name: String,
    pub support_email: String,
    pub return_window_days: u16,
}

/// The default return window when a merchant sets none.
pub const DEFAULT_RETURN_WINDOW_DAYS: u16 = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub name: String,
    pub price: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installment {
    /// 1-based.
    pub seq: u32,
    pub due: Date,
    pub amount: Money,
    pub status: InstallmentStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Return {
    pub reported_at: Date,
    pub paused_until: Date,
    pub status: ReturnStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub amount: Money,
    pub created_at: Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispute {
    pub reason: DisputeReason,
    pub status: DisputeStatus,
    pub opened_at: Date,
    pub details: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    pub kind: FeeKind,
    pub amount: Money,
    pub waived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: OrderId,
    pub merchant: MerchantId,
    pub customer: CustomerId,
    pub created_at: Date,
    pub delivered_at: Option<Date>,
    pub currency: Currency,
    pub plan: Plan,
    pub status: OrderStatus,
    pub items: Vec<Item>,
    pub installments: Vec<Installment>,
    /// True once the one free extension (P3) was used.
    pub extended: bool,
    pub returns: Vec<Return>,
    pub refunds: Vec<Refund>,
    pub disputes: Vec<Dispute>,
    pub fees: Vec<Fee>,
}

impl Order {
    /// The order total: the sum of its installments.
    pub fn total(&self) -> Money {
        self.sum(self.installments.iter().map(|i| i.amount))
    }

    fn sum(&self, amounts: impl Iterator<Item = Money>) -> Money {
        amounts.fold(Money::from_minor(0, self.currency), |acc, m| {
            acc.checked_add(m).unwrap_or(acc)
        })
    }

    /// Unpaid installments plus unwaived fees, less refunds (P11: refunds reduce the
    /// remaining balance first). Never negative.
    pub fn outstanding(&self) -> Money {
        let unpaid = self.sum(
            self.installments
                .iter()
                .filter(|i| i.status.is_unpaid())
                .map(|i| i.amount),
        );
        let fees = self.sum(self.fees.iter().filter(|f| !f.waived).map(|f| f.amount));
        let refunded = self.refunded();
        let minor = unpaid.minor() + fees.minor() - refunded.minor();
        Money::from_minor(minor.max(0), self.currency)
    }

    pub fn refunded(&self) -> Money {
        self.sum(self.refunds.iter().map(|r| r.amount))
    }

    /// The first installment not yet paid.
    pub fn next_unpaid(&self) -> Option<&Installment> {
        self.installments
            .iter()
            .filter(|i| i.status.is_unpaid())
            .min_by_key(|i| (i.due, i.seq))
    }

    pub fn is_overdue(&self) -> bool {
        self.installments
            .iter()
            .any(|i| i.status == InstallmentStatus::Overdue)
    }

    pub fn open_dispute(&self) -> Option<&Dispute> {
        self.disputes.iter().find(|d| d.status.is_open())
    }
}

/// When something happened, as the ledger records it: the date of "now" in UTC.
pub fn today(now: OffsetDateTime) -> Date {
    now.to_offset(time::UtcOffset::UTC).date()
}

#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use time::macros::date;

    pub fn sek(amount: &str) -> Money {
        Money::parse(amount, Currency::parse("SEK").unwrap()).unwrap()
    }

    /// An active pay_in_30 order of 1200.00 SEK from Zalando, delivered 2026-11-03.
    pub fn order() -> Order {
        Order {
            id: OrderId::parse("ORD-1001").unwrap(),
            merchant: MerchantId::parse("m_zal").unwrap(),
            customer: CustomerId::parse("cus_anna").unwrap(),
            created_at: date!(2026 - 11 - 01),
            delivered_at: Some(date!(2026 - 11 - 03)),
            currency: Currency::parse("SEK").unwrap(),
            plan: Plan::PayIn30,
            status: OrderStatus::Active,
            items: vec![],
            installments: vec![Installment {
                seq: 1,
                due: date!(2026 - 12 - 03),
                amount: sek("1200.00"),
                status: InstallmentStatus::Scheduled,
            }],
            extended: false,
            returns: vec![],
            refunds: vec![],
            disputes: vec![],
            fees: vec![],
        }
    }

    pub fn merchant() -> Merchant {
        Merchant {
            id: MerchantId::parse("m_zal").unwrap(),
            name: "Zalando".into(),
            support_email: "support@zalando.example".into(),
            return_window_days: 30,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use time::macros::date;

    #[test]
    fn outstanding_counts_unpaid_and_fees_less_refunds() {
        let mut o = order();
        assert_eq!(o.outstanding(), sek("1200.00"));
        o.fees.push(Fee {
            kind: FeeKind::LateFee,
            amount: sek("5.00"),
            waived: false,
        });
        o.fees.push(Fee {
            kind: FeeKind::ReminderFee,
            amount: sek("60.00"),
            waived: true,
        });
        assert_eq!(o.outstanding(), sek("1205.00"));
        o.refunds.push(Refund {
            amount: sek("2000.00"),
            created_at: date!(2026 - 11 - 20),
        });
        assert_eq!(o.outstanding(), sek("0.00"), "never negative");
        o.installments[0].status = InstallmentStatus::Paid;
        o.refunds.clear();
        assert_eq!(o.outstanding(), sek("5.00"));
    }

    #[test]
    fn enums_round_trip() {
        for p in Plan::ALL {
            assert_eq!(Plan::parse(p.as_str()), Ok(*p));
        }
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Ok(*s));
        }
        assert!(DisputeReason::parse("because").is_err());
        assert!(OrderId::parse("ORD 1").is_err());
        assert!(OrderId::parse("ORD-1001").unwrap().matches(" ord-1001 "));
    }
}
