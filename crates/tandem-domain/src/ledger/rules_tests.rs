use proptest::prelude::*;
use time::macros::{date, datetime};

use super::*;
use crate::ledger::fixtures::{merchant, order, sek};
use crate::ledger::{Fee, FeeKind, Installment, Plan, Refund};

const NOW: OffsetDateTime = datetime!(2026-11-23 10:00 UTC);

fn at(day: Date) -> OffsetDateTime {
    day.with_hms(12, 0, 0).unwrap().assume_utc()
}

fn pay_in_3() -> Order {
    let mut o = order();
    o.plan = Plan::PayIn3;
    o.installments = vec![
        Installment {
            seq: 1,
            due: date!(2026 - 10 - 20),
            amount: sek("1000.00"),
            status: InstallmentStatus::Paid,
        },
        Installment {
            seq: 2,
            due: date!(2026 - 11 - 19),
            amount: sek("1000.00"),
            status: InstallmentStatus::Scheduled,
        },
        Installment {
            seq: 3,
            due: date!(2026 - 12 - 19),
            amount: sek("1000.00"),
            status: InstallmentStatus::Scheduled,
        },
    ];
    o
}

#[test]
fn extension_moves_the_next_unpaid_installment_ten_days_once() {
    let mut o = pay_in_3();
    let ext = check_extend(&o).unwrap();
    assert_eq!(
        (ext.installment, ext.from, ext.to),
        (2, date!(2026 - 11 - 19), date!(2026 - 11 - 29))
    );
    apply_extension(&mut o, &ext);
    assert_eq!(o.installments[1].due, date!(2026 - 11 - 29));
    assert_eq!(
        o.installments[2].due,
        date!(2026 - 12 - 19),
        "only the next one moves"
    );
    assert_eq!(
        check_extend(&o).unwrap_err(),
        Refusal::new(Rule::P3, RefusalReason::AlreadyExtended)
    );
}

#[test]
fn no_extension_for_overdue_collections_disputed_or_paid_orders() {
    let check = |edit: &dyn Fn(&mut Order), want: RefusalReason| {
        let mut o = pay_in_3();
        edit(&mut o);
        assert_eq!(check_extend(&o).unwrap_err(), Refusal::new(Rule::P4, want));
    };
    check(
        &|o| o.installments[1].status = InstallmentStatus::Overdue,
        RefusalReason::Overdue,
    );
    check(
        &|o| o.status = OrderStatus::InCollections,
        RefusalReason::InCollections,
    );
    check(
        &|o| o.status = OrderStatus::Disputed,
        RefusalReason::Disputed,
    );
    check(
        &|o| {
            o.disputes.push(Dispute {
                reason: DisputeReason::NotReceived,
                status: DisputeStatus::WaitingMerchant,
                opened_at: date!(2026 - 11 - 01),
                details: None,
            })
        },
        RefusalReason::Disputed,
    );
    check(&|o| o.status = OrderStatus::Paid, RefusalReason::PaidOff);
    check(
        &|o| {
            o.installments
                .iter_mut()
                .for_each(|i| i.status = InstallmentStatus::Paid)
        },
        RefusalReason::PaidOff,
    );
    check(
        &|o| o.status = OrderStatus::Cancelled,
        RefusalReason::NotActive(OrderStatus::Cancelled),
    );
    check(
        &|o| {
            o.refunds.push(Refund {
                amount: sek("2000.00"),
                created_at: date!(2026 - 11 - 20),
            })
        },
        RefusalReason::PaidOff,
    );
    // An extension is still possible with an unpaid fee and a resolved dispute.
    let mut o = pay_in_3();
    o.fees.push(Fee {
        kind: FeeKind::ReminderFee,
        amount: sek("60.00"),
        waived: false,
    });
    o.disputes.push(Dispute {
        reason: DisputeReason::NotReceived,
        status: DisputeStatus::ResolvedMerchant,
        opened_at: date!(2026 - 11 - 01),
        details: None,
    });
    assert!(check_extend(&o).is_ok());
}

#[test]
fn returns_are_reported_once_within_the_window_from_delivery() {
    let m = merchant(); // 30 days; delivered 2026-11-03, so the last day is 2026-12-03
    let mut o = order();
    let report = check_return(&o, &m, at(date!(2026 - 12 - 03))).unwrap();
    assert_eq!(
        (
            report.reported_at,
            report.paused_until,
            report.installments.clone()
        ),
        (date!(2026 - 12 - 03), date!(2026 - 12 - 24), vec![1])
    );
    assert_eq!(
        check_return(&o, &m, at(date!(2026 - 12 - 04))).unwrap_err(),
        Refusal::new(
            Rule::P6,
            RefusalReason::ReturnWindowClosed {
                closed_on: date!(2026 - 12 - 03)
            }
        )
    );
    let report = check_return(&o, &m, NOW).unwrap();
    apply_return(&mut o, &report);
    assert_eq!(o.installments[0].status, InstallmentStatus::Paused);
    assert_eq!(
        o.installments[0].due,
        date!(2026 - 12 - 03),
        "pausing keeps the due date"
    );
    assert_eq!(o.returns[0].paused_until, date!(2026 - 12 - 14));
    assert_eq!(
        check_return(&o, &m, NOW).unwrap_err().reason,
        RefusalReason::ReturnAlreadyReported
    );
    let mut undelivered = order();
    undelivered.delivered_at = None;
    assert_eq!(
        check_return(&undelivered, &m, NOW).unwrap_err().reason,
        RefusalReason::NotDelivered
    );
    let mut paid = order();
    paid.status = OrderStatus::Paid;
    assert_eq!(
        check_return(&paid, &m, NOW).unwrap_err().reason,
        RefusalReason::NotActive(OrderStatus::Paid)
    );
}

fn claim(reason: DisputeReason, contacted: bool) -> DisputeClaim {
    DisputeClaim {
        reason,
        merchant_contacted: contacted,
        details: None,
    }
}

#[test]
fn disputes_follow_p7_to_p10() {
    let m = merchant();
    let o = order(); // created 2026-11-01, 1200.00 SEK: over the 1,000.00 limit
    let small = {
        let mut o = order();
        o.installments[0].amount = sek("899.00");
        o
    };
    let opening = check_dispute(
        &small,
        &m,
        &claim(DisputeReason::FaultyItem, true),
        &Actor::Ai,
        NOW,
    )
    .unwrap();
    assert_eq!(
        (opening.amount, opening.paused.clone()),
        (sek("899.00"), vec![1])
    );
    let refused = |o: &Order, c: DisputeClaim, actor: &Actor, now| {
        check_dispute(o, &m, &c, actor, now).unwrap_err()
    };
    assert_eq!(
        refused(
            &small,
            claim(DisputeReason::WrongItem, false),
            &Actor::Ai,
            NOW
        )
        .rule,
        Rule::P7
    );
    assert!(
        check_dispute(
            &small,
            &m,
            &claim(DisputeReason::NotReceived, false),
            &Actor::Ai,
            NOW
        )
        .is_ok(),
        "no merchant contact needed"
    );
    assert_eq!(
        refused(
            &o,
            claim(DisputeReason::NotReceived, false),
            &Actor::Ai,
            NOW
        ),
        Refusal::new(
            Rule::P9,
            RefusalReason::DisputeOverLimit {
                limit: sek("1000.00")
            }
        )
    );
    let specialist = Actor::Agent {
        id: "a1".into(),
        skills: vec!["disputes".into()],
    };
    assert!(
        check_dispute(
            &o,
            &m,
            &claim(DisputeReason::NotReceived, false),
            &specialist,
            NOW
        )
        .is_ok()
    );
    let fraud = refused(
        &small,
        claim(DisputeReason::Unauthorized, false),
        &Actor::Ai,
        NOW,
    );
    assert_eq!(
        (fraud.rule, fraud.handoff()),
        (Rule::P10, Some((HandoffReason::Fraud, Priority::Urgent)))
    );
    // The window: 180 days after purchase is the last day.
    let last_day = at(date!(2026 - 11 - 01) + Duration::days(180));
    assert!(
        check_dispute(
            &small,
            &m,
            &claim(DisputeReason::NotReceived, false),
            &Actor::Ai,
            last_day
        )
        .is_ok()
    );
    assert_eq!(
        refused(
            &small,
            claim(DisputeReason::NotReceived, false),
            &Actor::Ai,
            last_day + Duration::days(1)
        )
        .rule,
        Rule::P7
    );
    // P8: opening pauses every unpaid installment; a second dispute is refused.
    let mut small = small;
    apply_dispute(&mut small, &opening);
    assert_eq!(
        (small.status, small.installments[0].status),
        (OrderStatus::Disputed, InstallmentStatus::Paused)
    );
    assert_eq!(
        refused(
            &small,
            claim(DisputeReason::NotReceived, false),
            &Actor::Ai,
            NOW
        )
        .reason,
        RefusalReason::DisputeAlreadyOpen
    );
}

#[test]
fn the_dispute_limit_follows_the_currency() {
    let mut o = order();
    o.currency = crate::Currency::parse("JPY").unwrap();
    assert_eq!(dispute_limit(&o).minor(), 1000);
    o.currency = crate::Currency::parse("EUR").unwrap();
    assert_eq!(dispute_limit(&o).minor(), 100_000);
}

#[test]
fn deletion_needs_a_zero_balance() {
    let mut paid = order();
    paid.installments[0].status = InstallmentStatus::Paid;
    assert!(check_deletion(&[paid.clone()]).is_ok());
    assert!(check_deletion(&[]).is_ok());
    assert_eq!(
        check_deletion(&[paid, order()]).unwrap_err(),
        Refusal::new(
            Rule::P13,
            RefusalReason::OutstandingBalance {
                amount: sek("1200.00")
            }
        )
    );
}

#[test]
fn refunds_reduce_the_balance_first_and_the_rest_goes_back() {
    let mut o = order();
    o.refunds.push(Refund {
        amount: sek("1500.00"),
        created_at: date!(2026 - 11 - 20),
    });
    let report = refund_report(&o);
    assert_eq!(
        (report.applied_to_balance, report.surplus, report.remaining),
        (sek("1200.00"), sek("300.00"), sek("0.00"))
    );
    o.refunds[0].amount = sek("200.00");
    let report = refund_report(&o);
    assert_eq!(
        (report.applied_to_balance, report.surplus, report.remaining),
        (sek("200.00"), sek("0.00"), sek("1000.00"))
    );
}

#[test]
fn payment_links_and_fee_waivers() {
    let o = pay_in_3();
    assert_eq!(check_payment_link(&o, None).unwrap().installment, 2);
    assert_eq!(check_payment_link(&o, Some(3)).unwrap().installment, 3);
    assert_eq!(
        check_payment_link(&o, Some(1)).unwrap_err().rule,
        Rule::P12,
        "already paid"
    );
    assert_eq!(
        check_fee_waiver(&Actor::Ai).unwrap_err().handoff(),
        Some((HandoffReason::PolicyException, Priority::Normal))
    );
    assert!(
        check_fee_waiver(&Actor::Agent {
            id: "a".into(),
            skills: vec![]
        })
        .is_ok()
    );
}

proptest! {
    /// Around the return window edge, exactly the days up to delivery + window pass.
    #[test]
    fn return_window_edges(window in 0u16..120, offset in -5i64..5) {
        let mut m = merchant();
        m.return_window_days = window;
        let o = order();
        let last = o.delivered_at.unwrap() + Duration::days(i64::from(window));
        let result = check_return(&o, &m, at(last + Duration::days(offset)));
        prop_assert_eq!(result.is_ok(), offset <= 0);
    }

    /// The dispute limit: amounts up to 1,000.00 inclusive are the AI's, above are not.
    #[test]
    fn dispute_limit_edges(minor in 90_000i64..110_000) {
        let mut o = order();
        o.installments[0].amount = Money::from_minor(minor, o.currency);
        let result = check_dispute(&o, &merchant(), &claim(DisputeReason::NotReceived, false), &Actor::Ai, NOW);
        prop_assert_eq!(result.is_ok(), minor <= 100_000);
    }

    /// Whatever the state of an order, an allowed extension moves exactly one unpaid
    /// installment by exactly 10 days and nothing else.
    #[test]
    fn extension_changes_one_due_date(statuses in proptest::collection::vec(0u8..4, 1..5), extended: bool, status in 0usize..6) {
        let mut o = pay_in_3();
        o.installments = statuses.iter().enumerate().map(|(i, s)| Installment {
            seq: i as u32 + 1,
            due: date!(2026 - 12 - 01) + Duration::days(14 * i as i64),
            amount: sek("100.00"),
            status: InstallmentStatus::ALL[usize::from(*s)],
        }).collect();
        o.extended = extended;
        o.status = OrderStatus::ALL[status];
        let before = o.clone();
        if let Ok(ext) = check_extend(&o) {
            prop_assert!(!extended && o.status == OrderStatus::Active && !o.is_overdue());
            apply_extension(&mut o, &ext);
            let changed: Vec<_> = before.installments.iter().zip(&o.installments).filter(|(a, b)| a != b).collect();
            prop_assert_eq!(changed.len(), 1);
            prop_assert_eq!(changed[0].1.due - changed[0].0.due, Duration::days(10));
            prop_assert!(changed[0].0.status.is_unpaid());
        }
    }
}
