use std::collections::HashSet;

use time::macros::date;
use time::{Date, Duration, OffsetDateTime};

use super::draft::currency_of;
use super::*;
use crate::demo;
use crate::ledger::rules::{self, Actor, DisputeClaim, RefusalReason, Rule};
use crate::ledger::{
    DisputeReason, DisputeStatus, FeeKind, InstallmentStatus, OrderStatus, Plan, ReturnStatus,
};

/// An ordinary day, a leap day and two month ends: the world must hold on any day.
const DAYS: [Date; 4] = [
    date!(2026 - 11 - 23),
    date!(2028 - 02 - 29),
    date!(2026 - 01 - 31),
    date!(2026 - 12 - 31),
];

fn order<'a>(world: &'a DemoWorld, id: &str) -> &'a Order {
    world
        .orders
        .iter()
        .find(|o| o.id.as_str() == id)
        .unwrap_or_else(|| panic!("{id} is a demo order"))
}

fn merchant<'a>(world: &'a DemoWorld, order: &Order) -> &'a Merchant {
    world
        .merchants
        .iter()
        .find(|m| m.id == order.merchant)
        .expect("the order's merchant exists")
}

fn orders_of(world: &DemoWorld, customer: &str) -> Vec<Order> {
    world
        .orders
        .iter()
        .filter(|o| o.customer.as_str() == customer)
        .cloned()
        .collect()
}

fn refusal<T: std::fmt::Debug>(checked: Result<T, rules::Refusal>) -> rules::Refusal {
    checked.unwrap_err()
}

fn reason<T: std::fmt::Debug>(checked: Result<T, rules::Refusal>) -> RefusalReason {
    refusal(checked).reason
}

fn noon(day: Date) -> OffsetDateTime {
    day.midnight().assume_utc() + Duration::hours(12)
}

#[test]
fn every_plan_and_every_state_is_there() {
    for day in DAYS {
        let w = demo_world(day);
        let has = |f: &dyn Fn(&Order) -> bool| w.orders.iter().any(f);
        for plan in Plan::ALL {
            assert!(has(&|o| o.plan == *plan), "{day}: plan {plan}");
        }
        for status in OrderStatus::ALL {
            assert!(
                has(&|o| o.status == *status),
                "{day}: order status {status}"
            );
        }
        for status in InstallmentStatus::ALL {
            assert!(
                has(&|o| o.installments.iter().any(|i| i.status == *status)),
                "{day}: installment {status}"
            );
        }
        for kind in FeeKind::ALL {
            assert!(
                has(&|o| o.fees.iter().any(|f| f.kind == *kind)),
                "{day}: fee {kind}"
            );
        }
        for status in ReturnStatus::ALL {
            assert!(
                has(&|o| o.returns.iter().any(|r| r.status == *status)),
                "{day}: return {status}"
            );
        }
        for status in DisputeStatus::ALL {
            assert!(
                has(&|o| o.disputes.iter().any(|d| d.status == *status)),
                "{day}: dispute {status}"
            );
        }
        assert!(has(&|o| o.extended), "{day}: an extended order");
        assert!(
            has(&|o| o.delivered_at.is_none()),
            "{day}: an undelivered order"
        );
        assert!(
            has(&|o| o.fees.iter().any(|f| f.waived)),
            "{day}: a waived fee"
        );
    }
}

#[test]
fn customers_are_the_personas_then_more_in_five_markets() {
    let w = demo_world(DAYS[0]);
    assert!(w.customers.len() >= 30, "{} customers", w.customers.len());
    let personas = demo::personas();
    assert_eq!(
        w.customers[..personas.len()],
        personas[..],
        "the demo page's personas come first"
    );
    let ids: HashSet<_> = w.customers.iter().map(|c| &c.id).collect();
    let emails: HashSet<_> = w.customers.iter().map(|c| c.email.as_str()).collect();
    assert_eq!(
        (ids.len(), emails.len()),
        (w.customers.len(), w.customers.len()),
        "unique ids and emails"
    );
    let markets: HashSet<_> = w.customers.iter().map(|c| c.market.as_str()).collect();
    assert_eq!(markets, HashSet::from(["SE", "DE", "GB", "US", "NL"]));
    for c in &w.customers {
        assert!(c.email.contains('@'), "{}", c.id);
        assert!(
            ["sv", "de", "en"].contains(&c.language.as_str()),
            "{}",
            c.id
        );
        // Decision: every customer has an order; those with nothing owed have only
        // paid, refunded or cancelled ones.
        assert!(
            !orders_of(&w, c.id.as_str()).is_empty(),
            "{} has no order",
            c.id
        );
    }
    assert!(w.merchants.len() >= 12);
    let windows: HashSet<_> = w.merchants.iter().map(|m| m.return_window_days).collect();
    assert_eq!(windows, HashSet::from([14, 30, 60]));
}

#[test]
fn amounts_add_up_and_references_hold() {
    for day in DAYS {
        let w = demo_world(day);
        let mut ids = HashSet::new();
        for (n, o) in w.orders.iter().enumerate() {
            assert_eq!(o.id.as_str(), format!("ORD-{}", 10001 + n), "ids in order");
            assert!(ids.insert(&o.id));
            let customer = w
                .customers
                .iter()
                .find(|c| c.id == o.customer)
                .expect("known customer");
            merchant(&w, o);
            assert_eq!(
                o.currency,
                currency_of(customer),
                "{}: the market's currency",
                o.id
            );
            let items: i64 = o.items.iter().map(|i| i.price.minor()).sum();
            assert_eq!(
                o.total().minor(),
                items,
                "{}: installments add up to the items",
                o.id
            );
            assert!(items > 0);
            let seqs: Vec<u32> = o.installments.iter().map(|i| i.seq).collect();
            assert_eq!(
                seqs,
                (1..=o.installments.len() as u32).collect::<Vec<_>>(),
                "{}",
                o.id
            );
            assert!(
                o.installments.windows(2).all(|w| w[0].due <= w[1].due),
                "{}: dues ascend",
                o.id
            );
            let all_money = o
                .installments
                .iter()
                .map(|i| i.amount)
                .chain(o.refunds.iter().map(|r| r.amount))
                .chain(o.fees.iter().map(|f| f.amount));
            assert!(
                all_money
                    .into_iter()
                    .all(|m| m.currency() == o.currency && m.minor() > 0),
                "{}",
                o.id
            );
            assert!(
                o.refunded().minor() <= o.total().minor(),
                "{}: refunds within the total",
                o.id
            );
            assert!(
                o.created_at < day && o.delivered_at.is_none_or(|d| d >= o.created_at && d <= day),
                "{}",
                o.id
            );
        }
    }
}

#[test]
fn every_errand_can_be_tried() {
    for day in DAYS {
        let w = demo_world(day);
        let now = noon(day);

        // Extensions (P3, P4).
        assert_eq!(
            rules::check_extend(order(&w, "ORD-10001")).unwrap().to,
            order(&w, "ORD-10001").installments[0].due + Duration::days(10)
        );
        assert_eq!(
            refusal(rules::check_extend(order(&w, "ORD-10008"))).rule,
            Rule::P3
        );
        assert_eq!(
            reason(rules::check_extend(order(&w, "ORD-10002"))),
            RefusalReason::Overdue
        );
        assert_eq!(
            reason(rules::check_extend(order(&w, "ORD-10011"))),
            RefusalReason::InCollections
        );
        assert_eq!(
            reason(rules::check_extend(order(&w, "ORD-10016"))),
            RefusalReason::Disputed
        );
        assert_eq!(
            reason(rules::check_extend(order(&w, "ORD-10004"))),
            RefusalReason::PaidOff
        );

        // Returns (P6).
        let ret = |id| rules::check_return(order(&w, id), merchant(&w, order(&w, id)), now);
        assert!(ret("ORD-10001").is_ok());
        assert_eq!(
            reason(ret("ORD-10019")),
            RefusalReason::ReturnWindowClosed {
                closed_on: day - Duration::days(2)
            },
            "just outside"
        );
        assert_eq!(reason(ret("ORD-10007")), RefusalReason::NotDelivered);
        assert_eq!(
            reason(ret("ORD-10010")),
            RefusalReason::ReturnAlreadyReported
        );

        // Disputes (P7-P10).
        let faulty = DisputeClaim {
            reason: DisputeReason::FaultyItem,
            merchant_contacted: true,
            details: None,
        };
        let dispute = |id| {
            rules::check_dispute(
                order(&w, id),
                merchant(&w, order(&w, id)),
                &faulty,
                &Actor::Ai,
                now,
            )
        };
        assert!(dispute("ORD-10005").is_ok());
        assert!(
            matches!(
                reason(dispute("ORD-10003")),
                RefusalReason::DisputeOverLimit { .. }
            ),
            "over 1,000.00"
        );
        assert!(matches!(
            reason(dispute("ORD-10022")),
            RefusalReason::DisputeWindowClosed { .. }
        ));
        assert_eq!(
            reason(dispute("ORD-10016")),
            RefusalReason::DisputeAlreadyOpen
        );

        // Refunds (P11): a surplus, and a refund all applied to the balance.
        let surplus = rules::refund_report(order(&w, "ORD-10014"));
        assert_eq!(
            (
                surplus.surplus.to_string().as_str(),
                surplus.remaining.minor()
            ),
            ("210.00 GBP", 0)
        );
        let partial = rules::refund_report(order(&w, "ORD-10046"));
        assert_eq!(
            (
                partial.surplus.minor(),
                partial.remaining.to_string().as_str()
            ),
            (0, "100.00 EUR")
        );

        // Payment links (P12) and deletion (P13).
        assert_eq!(
            rules::check_payment_link(order(&w, "ORD-10002"), None)
                .unwrap()
                .installment,
            2
        );
        for zero in ["cus_sofia", "cus_mia", "cus_harry", "cus_bram", "cus_felix"] {
            assert!(
                rules::check_deletion(&orders_of(&w, zero)).is_ok(),
                "{day}: {zero} owes nothing"
            );
        }
        assert!(rules::check_deletion(&orders_of(&w, "cus_anna")).is_err());
    }
}

/// The order with every date moved by `days`.
fn shifted(order: &Order, days: i64) -> Order {
    let d = Duration::days(days);
    let mut o = order.clone();
    o.created_at += d;
    o.delivered_at = o.delivered_at.map(|x| x + d);
    o.installments.iter_mut().for_each(|i| i.due += d);
    o.returns.iter_mut().for_each(|r| {
        r.reported_at += d;
        r.paused_until += d;
    });
    o.refunds.iter_mut().for_each(|r| r.created_at += d);
    o.disputes.iter_mut().for_each(|x| x.opened_at += d);
    o
}

#[test]
fn deterministic_and_relative_to_today() {
    let day = DAYS[0];
    assert_eq!(demo_world(day), demo_world(day));
    let tomorrow = demo_world(day + Duration::days(1));
    for (a, b) in demo_world(day).orders.iter().zip(&tomorrow.orders) {
        assert_eq!(a.created_at + Duration::days(1), b.created_at);
        // Financing dues are calendar months, so only the other plans shift exactly.
        if a.plan != Plan::Financing {
            assert_eq!(&shifted(a, 1), b, "{}", a.id);
        }
    }
}
