//! A small builder for demo orders: an order starts as its plan's schedule
//! ([`schedule::schedule`]) settled up to "today" (everything due before today, and
//! whatever was charged at checkout, is paid), then one method per story ("missed the
//! second payment", "reported a return three days ago") adjusts it the way the tools
//! and rules would have.

use time::{Date, Duration};

use crate::ledger::rules::{EXTENSION_DAYS, RETURN_PAUSE_DAYS};
use crate::ledger::{
    Dispute, DisputeReason, DisputeStatus, Fee, FeeKind, InstallmentStatus, Item, MerchantId,
    Order, OrderId, OrderStatus, Plan, Refund, Return, ReturnStatus, schedule,
};
use crate::{Currency, Customer, Money};

pub(super) struct Draft {
    order: Order,
    today: Date,
}

impl Draft {
    /// `ORD-<number>` bought `bought_ago` days before `today`, delivered
    /// `delivered_after` days after purchase (never when `None`), paid in the customer's
    /// currency.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        today: Date,
        number: u32,
        customer: &Customer,
        merchant: &str,
        plan: Plan,
        bought_ago: i64,
        delivered_after: Option<i64>,
        items: &[(&str, &str)],
    ) -> Self {
        let currency = currency_of(customer);
        let created_at = today - Duration::days(bought_ago);
        let items: Vec<Item> = items
            .iter()
            .map(|(name, price)| Item {
                name: (*name).to_owned(),
                price: Money::parse(price, currency).expect("demo prices are valid amounts"),
            })
            .collect();
        let mut draft = Self {
            order: Order {
                id: OrderId::parse(&format!("ORD-{number}")).expect("demo order ids are valid"),
                merchant: MerchantId::parse(merchant).expect("demo merchant ids are valid"),
                customer: customer.id.clone(),
                created_at,
                delivered_at: delivered_after.map(|d| created_at + Duration::days(d)),
                currency,
                plan,
                status: OrderStatus::Active,
                items,
                installments: vec![],
                extended: false,
                returns: vec![],
                refunds: vec![],
                disputes: vec![],
                fees: vec![],
            },
            today,
        };
        draft.reschedule(schedule::DEFAULT_FINANCING_MONTHS);
        draft
    }

    /// A financing plan over `months` instead of the default term.
    pub fn months(mut self, months: u32) -> Self {
        self.reschedule(months);
        self
    }

    fn reschedule(&mut self, months: u32) {
        let o = &mut self.order;
        let total = o
            .items
            .iter()
            .fold(Money::from_minor(0, o.currency), |sum, i| {
                sum.checked_add(i.price).expect("demo totals fit")
            });
        o.installments = schedule::schedule(o.plan, total, o.created_at, o.delivered_at, months);
        for i in &mut o.installments {
            if i.due < self.today || i.due == o.created_at {
                i.status = InstallmentStatus::Paid;
            }
        }
    }

    fn money(&self, amount: &str) -> Money {
        Money::parse(amount, self.order.currency).expect("demo amounts are valid")
    }

    fn days_ago(&self, days: i64) -> Date {
        self.today - Duration::days(days)
    }

    /// Installment `seq` was not paid when due.
    pub fn missed(mut self, seq: u32) -> Self {
        let today = self.today;
        let i = self
            .order
            .installments
            .iter_mut()
            .find(|i| i.seq == seq)
            .expect("the installment exists");
        assert!(
            i.due < today,
            "{}: only a past installment can be missed",
            self.order.id
        );
        i.status = InstallmentStatus::Overdue;
        self
    }

    pub fn fee(mut self, kind: FeeKind, amount: &str) -> Self {
        let amount = self.money(amount);
        self.order.fees.push(Fee {
            kind,
            amount,
            waived: false,
        });
        self
    }

    /// A fee a person waived earlier (P14: never the AI).
    pub fn waived_fee(mut self, kind: FeeKind, amount: &str) -> Self {
        let amount = self.money(amount);
        self.order.fees.push(Fee {
            kind,
            amount,
            waived: true,
        });
        self
    }

    /// The free extension (P3) was used: the next unpaid installment moved 10 days.
    pub fn extended(mut self) -> Self {
        let next = self
            .order
            .next_unpaid()
            .map(|i| i.seq)
            .expect("something to extend");
        let i = self
            .order
            .installments
            .iter_mut()
            .find(|i| i.seq == next)
            .expect("it exists");
        i.due += Duration::days(EXTENSION_DAYS);
        self.order.extended = true;
        self
    }

    /// Unpaid installments no longer charged for now.
    fn pause_unpaid(&mut self) {
        for i in self
            .order
            .installments
            .iter_mut()
            .filter(|i| i.status.is_unpaid())
        {
            i.status = InstallmentStatus::Paused;
        }
    }

    /// A return reported `days_ago` (P6): unpaid installments paused for 21 days.
    pub fn returned(self, days_ago: i64) -> Self {
        self.returned_with(days_ago, ReturnStatus::Reported)
    }

    /// A return reported `days_ago`, since moved on to `status`.
    pub fn returned_with(mut self, days_ago: i64, status: ReturnStatus) -> Self {
        let reported_at = self.days_ago(days_ago);
        self.order.returns.push(Return {
            reported_at,
            paused_until: reported_at + Duration::days(RETURN_PAUSE_DAYS),
            status,
        });
        self.pause_unpaid();
        self
    }

    /// An open dispute (P8: unpaid installments paused, the order disputed).
    pub fn disputed(mut self, reason: DisputeReason, days_ago: i64, status: DisputeStatus) -> Self {
        assert!(status.is_open(), "use dispute_resolved for closed disputes");
        self.order.disputes.push(Dispute {
            reason,
            status,
            opened_at: self.days_ago(days_ago),
            details: None,
        });
        self.order.status = OrderStatus::Disputed;
        self.pause_unpaid();
        self
    }

    /// A dispute opened `days_ago` and resolved since; the order's status is the caller's.
    pub fn dispute_resolved(
        mut self,
        reason: DisputeReason,
        days_ago: i64,
        status: DisputeStatus,
    ) -> Self {
        assert!(!status.is_open(), "use disputed for open disputes");
        let opened_at = self.days_ago(days_ago);
        self.order.disputes.push(Dispute {
            reason,
            status,
            opened_at,
            details: None,
        });
        self
    }

    /// A refund registered by the merchant `days_ago` (P11).
    pub fn refund(mut self, amount: &str, days_ago: i64) -> Self {
        let amount = self.money(amount);
        let created_at = self.days_ago(days_ago);
        self.order.refunds.push(Refund { amount, created_at });
        self
    }

    /// Paid in full, early if need be.
    pub fn paid(mut self) -> Self {
        for i in &mut self.order.installments {
            i.status = InstallmentStatus::Paid;
        }
        self.order.status = OrderStatus::Paid;
        self
    }

    /// Cancelled by the merchant `days_ago`: the whole total is refunded, so nothing is
    /// owed and whatever was paid goes back.
    pub fn cancelled(self, days_ago: i64) -> Self {
        self.refunded_in_full(days_ago, OrderStatus::Cancelled)
    }

    /// Refunded in full by the merchant `days_ago`.
    pub fn refunded(self, days_ago: i64) -> Self {
        self.refunded_in_full(days_ago, OrderStatus::Refunded)
    }

    fn refunded_in_full(mut self, days_ago: i64, status: OrderStatus) -> Self {
        let total = self.order.total();
        let created_at = self.days_ago(days_ago);
        self.order.refunds.push(Refund {
            amount: total,
            created_at,
        });
        self.order.status = status;
        self
    }

    /// Handed to collections after the installments `missed` went unpaid.
    pub fn in_collections(mut self, missed: &[u32]) -> Self {
        for seq in missed {
            self = self.missed(*seq);
        }
        self.order.status = OrderStatus::InCollections;
        self
    }

    pub fn build(self) -> Order {
        self.order
    }
}

/// The currency of a customer's market: SEK, EUR, GBP or USD.
pub(super) fn currency_of(customer: &Customer) -> Currency {
    let code = match customer.market.as_str() {
        "SE" => "SEK",
        "GB" => "GBP",
        "US" => "USD",
        _ => "EUR",
    };
    Currency::parse(code).expect("demo currencies are valid")
}
