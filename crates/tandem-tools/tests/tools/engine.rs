//! The policy engine end to end, on the built-in ledger and on the HTTP adapter over
//! `tandem ledger serve`'s router: every tool, its rules, the proposal/confirmation
//! protocol (P5) and the audit trail. Each test body runs once per backend.

use tandem_domain::ledger::rules::{Actor, DisputeClaim, RefusalReason, Rule};
use tandem_domain::ledger::{DisputeReason, InstallmentStatus, OrderId, OrderStatus, Refund};
use tandem_domain::{ConversationId, HandoffReason};
use tandem_tools::{CallContext, Confirmation, Executed, ToolOutcome, ToolRequest};
use time::macros::date;

use crate::world::{NOW, World, due, order, proposal, refusal, sek, yes};

/// Runs each named test body on a world of each backend.
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {
        mod builtin {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test(crate::world::builtin().await).await;
                }
            )+
        }
        mod http {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test(crate::world::http().await).await;
                }
            )+
        }
    };
}

on_both_backends!(
    an_extension_needs_a_yes_and_then_happens_once,
    stale_foreign_early_and_superseded_confirmations_are_refused,
    unverified_customers_and_foreign_orders_get_nothing,
    returns_disputes_links_refunds_and_deletion,
    several_matching_orders_ask_which_one,
    a_dispute_specialist_may_open_what_the_ai_may_not,
);

async fn an_extension_needs_a_yes_and_then_happens_once(w: World) {
    let outcome = w
        .tools
        .call(
            &w.ctx,
            &ToolRequest::ExtendDueDate {
                order: "my zalando order".into(),
            },
        )
        .await
        .unwrap();
    let ToolOutcome::Proposed(p) = &outcome else {
        panic!("{outcome:?}")
    };
    assert!(
        p.words.contains("ORD-1001")
            && p.words.contains("3 December 2026")
            && p.words.contains("13 December 2026")
            && p.words.contains("1200.00 SEK"),
        "{}",
        p.words
    );
    assert_eq!(
        due(&w.store, "ORD-1001").await,
        date!(2026 - 12 - 03),
        "nothing happens before the yes"
    );

    let done = w.tools.confirm(&w.ctx, &yes(&p.proposal)).await.unwrap();
    let Executed::Done { words, .. } = &done else {
        panic!("{done:?}")
    };
    assert!(words.contains("13 December 2026"), "{words}");
    assert_eq!(due(&w.store, "ORD-1001").await, date!(2026 - 12 - 13));
    // The same yes again changes nothing.
    assert!(matches!(
        w.tools.confirm(&w.ctx, &yes(&p.proposal)).await.unwrap(),
        Executed::Refused { .. }
    ));
    assert_eq!(due(&w.store, "ORD-1001").await, date!(2026 - 12 - 13));
    // A second extension is refused by P3.
    let again = w
        .tools
        .call(
            &w.ctx,
            &ToolRequest::ExtendDueDate {
                order: "ORD-1001".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(refusal(&again), (Rule::P3, RefusalReason::AlreadyExtended));

    let audit = w.store.audit(Some(&w.ctx.conversation), 100).await.unwrap();
    let trail: Vec<_> = audit
        .iter()
        .map(|r| (r.tool.as_str(), r.outcome.as_str(), r.rule.as_deref()))
        .collect();
    assert_eq!(
        trail,
        [
            ("extend_due_date", "proposed", None),
            ("extend_due_date", "executed", None),
            ("extend_due_date", "refused", Some("P5")),
            ("extend_due_date", "refused", Some("P3")),
        ]
    );
    assert_eq!(audit[1].proposal.as_deref(), Some(p.proposal.as_str()));
    assert_eq!(audit[1].confirmation_seq, Some(3));
    assert_eq!(audit[1].args["order"], "my zalando order");
}

async fn stale_foreign_early_and_superseded_confirmations_are_refused(w: World) {
    let extend = ToolRequest::ExtendDueDate {
        order: "ORD-1001".into(),
    };
    let first = proposal(&w.tools.call(&w.ctx, &extend).await.unwrap());
    // A yes that came before the proposal was shown is no yes.
    let early = Confirmation {
        proposal: first.clone(),
        shown_seq: 4,
        yes_seq: 4,
    };
    assert!(matches!(
        w.tools.confirm(&w.ctx, &early).await.unwrap(),
        Executed::Refused { .. }
    ));
    // Another conversation cannot confirm it.
    let other = CallContext {
        conversation: ConversationId::generate(),
        ..w.ctx.clone()
    };
    assert!(matches!(
        w.tools.confirm(&other, &yes(&first)).await.unwrap(),
        Executed::Refused { .. }
    ));
    // A newer proposal replaces it.
    let second = proposal(&w.tools.call(&w.ctx, &extend).await.unwrap());
    assert!(matches!(
        w.tools.confirm(&w.ctx, &yes(&first)).await.unwrap(),
        Executed::Refused { .. }
    ));
    // The order changed after the proposal: refused, to be proposed again.
    let mut changed = w
        .store
        .order(&OrderId::parse("ORD-1001").unwrap())
        .await
        .unwrap()
        .unwrap()
        .order;
    changed.installments[0].due = date!(2026 - 12 - 04);
    w.store.put_order(&changed).await.unwrap();
    match w.tools.confirm(&w.ctx, &yes(&second)).await.unwrap() {
        Executed::Refused { refusal, .. } => assert_eq!(
            (refusal.rule, refusal.reason),
            (Rule::P5, RefusalReason::ChangedMeanwhile)
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(due(&w.store, "ORD-1001").await, date!(2026 - 12 - 04));
    // Too late: proposals expire after 30 minutes.
    let third = proposal(&w.tools.call(&w.ctx, &extend).await.unwrap());
    let later = CallContext {
        now: NOW + time::Duration::minutes(31),
        ..w.ctx.clone()
    };
    assert!(matches!(
        w.tools.confirm(&later, &yes(&third)).await.unwrap(),
        Executed::Refused { .. }
    ));
    // A no closes it.
    let fourth = proposal(&w.tools.call(&w.ctx, &extend).await.unwrap());
    assert!(w.tools.decline(&w.ctx, &fourth).await.unwrap());
    assert!(matches!(
        w.tools.confirm(&w.ctx, &yes(&fourth)).await.unwrap(),
        Executed::Refused { .. }
    ));
    assert_eq!(due(&w.store, "ORD-1001").await, date!(2026 - 12 - 04));
}

async fn unverified_customers_and_foreign_orders_get_nothing(w: World) {
    let anonymous = CallContext {
        customer: None,
        ..w.ctx.clone()
    };
    for request in [
        ToolRequest::LookupOrders,
        ToolRequest::GetOrder {
            order: "ORD-1001".into(),
        },
        ToolRequest::RequestAccountDeletion,
    ] {
        assert_eq!(
            refusal(&w.tools.call(&anonymous, &request).await.unwrap()).0,
            Rule::P1
        );
    }
    let foreign = w
        .tools
        .call(
            &w.ctx,
            &ToolRequest::GetOrder {
                order: "ORD-2001".into(),
            },
        )
        .await
        .unwrap();
    let unknown = w
        .tools
        .call(
            &w.ctx,
            &ToolRequest::GetOrder {
                order: "ORD-9999".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(refusal(&foreign), (Rule::P2, RefusalReason::OrderNotFound));
    let words = |o: &ToolOutcome| match o {
        ToolOutcome::Refused { words, .. } => words.clone(),
        _ => unreachable!(),
    };
    assert_eq!(
        words(&foreign),
        words(&unknown),
        "the same answer for foreign and unknown ids"
    );
    assert!(!words(&foreign).contains("9990"));
    let ToolOutcome::Orders(mine) = w
        .tools
        .call(&w.ctx, &ToolRequest::LookupOrders)
        .await
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(
        mine.iter()
            .map(|v| v.order.id.as_str())
            .collect::<Vec<_>>()
            .len(),
        2
    );
    assert!(mine.iter().all(|v| v.order.customer.as_str() == "cus_anna"));
}

async fn returns_disputes_links_refunds_and_deletion(w: World) {
    // P6: a return pauses the payment for 21 days.
    let p = proposal(
        &w.tools
            .call(
                &w.ctx,
                &ToolRequest::ReportReturn {
                    order: "Zalando".into(),
                },
            )
            .await
            .unwrap(),
    );
    assert!(matches!(
        w.tools.confirm(&w.ctx, &yes(&p)).await.unwrap(),
        Executed::Done { .. }
    ));
    let zal = w
        .store
        .order(&OrderId::parse("ORD-1001").unwrap())
        .await
        .unwrap()
        .unwrap()
        .order;
    assert_eq!(
        (zal.installments[0].status, zal.returns[0].paused_until),
        (InstallmentStatus::Paused, date!(2026 - 12 - 14))
    );

    // P7: faulty item needs the merchant contacted first; then the dispute pauses payments (P8).
    let claim = |contacted| DisputeClaim {
        reason: DisputeReason::FaultyItem,
        merchant_contacted: contacted,
        details: Some("stopped working".into()),
    };
    let refused = w
        .tools
        .call(
            &w.ctx,
            &ToolRequest::OpenDispute {
                order: "ORD-1004".into(),
                claim: claim(false),
            },
        )
        .await
        .unwrap();
    assert_eq!(refusal(&refused).0, Rule::P7);
    let p = proposal(
        &w.tools
            .call(
                &w.ctx,
                &ToolRequest::OpenDispute {
                    order: "elgiganten".into(),
                    claim: claim(true),
                },
            )
            .await
            .unwrap(),
    );
    assert!(matches!(
        w.tools.confirm(&w.ctx, &yes(&p)).await.unwrap(),
        Executed::Done { .. }
    ));
    let elg = w
        .store
        .order(&OrderId::parse("ORD-1004").unwrap())
        .await
        .unwrap()
        .unwrap()
        .order;
    assert_eq!(
        (elg.status, elg.installments[0].status),
        (OrderStatus::Disputed, InstallmentStatus::Paused)
    );

    // P10: an unauthorized purchase is never the AI's.
    let fraud = DisputeClaim {
        reason: DisputeReason::Unauthorized,
        merchant_contacted: false,
        details: None,
    };
    let ToolOutcome::Refused { refusal: r, .. } = w
        .tools
        .call(
            &w.ctx,
            &ToolRequest::OpenDispute {
                order: "ORD-1001".into(),
                claim: fraud,
            },
        )
        .await
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(r.handoff().map(|h| h.0), Some(HandoffReason::Fraud));

    // P12: a payment link, never card data.
    let mut fresh = order(
        "ORD-1010",
        "cus_anna",
        "m_zal",
        "300.00",
        date!(2026 - 12 - 20),
    );
    fresh.created_at = date!(2026 - 11 - 20);
    w.store.put_order(&fresh).await.unwrap();
    let p = proposal(
        &w.tools
            .call(
                &w.ctx,
                &ToolRequest::SendPaymentLink {
                    order: "ORD-1010".into(),
                    installment: None,
                },
            )
            .await
            .unwrap(),
    );
    let Executed::Done { result, words, .. } = w.tools.confirm(&w.ctx, &yes(&p)).await.unwrap()
    else {
        panic!()
    };
    assert!(
        result["url"]
            .as_str()
            .unwrap()
            .starts_with("https://pay.acme.example/l/")
    );
    assert!(words.contains(result["url"].as_str().unwrap()));

    // P11: refunds reduce the balance first.
    let mut refunded = w
        .store
        .order(&OrderId::parse("ORD-1010").unwrap())
        .await
        .unwrap()
        .unwrap()
        .order;
    refunded.refunds.push(Refund {
        amount: sek("500.00"),
        created_at: date!(2026 - 11 - 21),
    });
    w.store.put_order(&refunded).await.unwrap();
    let ToolOutcome::Refunds { report, .. } = w
        .tools
        .call(
            &w.ctx,
            &ToolRequest::RefundStatus {
                order: "ORD-1010".into(),
            },
        )
        .await
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(
        (report.applied_to_balance, report.surplus),
        (sek("300.00"), sek("200.00"))
    );

    // P13: no deletion with a balance.
    let deletion = w
        .tools
        .call(&w.ctx, &ToolRequest::RequestAccountDeletion)
        .await
        .unwrap();
    assert_eq!(refusal(&deletion).0, Rule::P13);
}

async fn several_matching_orders_ask_which_one(w: World) {
    w.store
        .put_order(&order(
            "ORD-1002",
            "cus_anna",
            "m_zal",
            "400.00",
            date!(2026 - 12 - 10),
        ))
        .await
        .unwrap();
    let ToolOutcome::Choose(options) = w
        .tools
        .call(
            &w.ctx,
            &ToolRequest::ExtendDueDate {
                order: "zalando".into(),
            },
        )
        .await
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(options.len(), 2);
    assert!(matches!(
        w.tools
            .call(
                &w.ctx,
                &ToolRequest::ExtendDueDate {
                    order: "ord-1002".into()
                }
            )
            .await
            .unwrap(),
        ToolOutcome::Proposed(_)
    ));
}

async fn a_dispute_specialist_may_open_what_the_ai_may_not(w: World) {
    let claim = DisputeClaim {
        reason: DisputeReason::NotReceived,
        merchant_contacted: false,
        details: None,
    };
    let ai = w
        .tools
        .call(
            &w.ctx,
            &ToolRequest::OpenDispute {
                order: "ORD-1001".into(),
                claim: claim.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(refusal(&ai).0, Rule::P9);
    let agent = CallContext {
        actor: Actor::Agent {
            id: "agent-7".into(),
            skills: vec!["disputes".into()],
        },
        ..w.ctx.clone()
    };
    let p = proposal(
        &w.tools
            .call(
                &agent,
                &ToolRequest::OpenDispute {
                    order: "ORD-1001".into(),
                    claim,
                },
            )
            .await
            .unwrap(),
    );
    assert!(matches!(
        w.tools.confirm(&agent, &yes(&p)).await.unwrap(),
        Executed::Done { .. }
    ));
    let audit = w.store.audit(Some(&w.ctx.conversation), 10).await.unwrap();
    assert_eq!(
        (
            audit[2].actor_kind.as_str(),
            audit[2].actor_id.as_deref(),
            audit[2].outcome.as_str()
        ),
        ("agent", Some("agent-7"), "executed")
    );
}
