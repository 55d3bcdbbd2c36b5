//! Conformance checks of [`LedgerStore`](crate::LedgerStore).

use std::sync::Arc;

use serde_json::json;
use tandem_domain::ledger::{
    Dispute, DisputeReason, DisputeStatus, Fee, FeeKind, Installment, InstallmentStatus, Item,
    Merchant, MerchantId, Order, OrderId, OrderStatus, Plan, Refund, Return, ReturnStatus,
};
use tandem_domain::{ConversationId, Currency, CustomerId, Money};
use time::macros::{date, datetime};

use crate::ledger::{AuditRecord, LedgerWrite, Proposal, ProposalState, WriteOutcome};
use crate::{Store, StoreError};

fn sek(minor: i64) -> Money {
    Money::from_minor(minor, Currency::parse("SEK").unwrap())
}

fn order(id: &str, customer: &str) -> Order {
    Order {
        id: OrderId::parse(id).unwrap(),
        merchant: MerchantId::parse("m_zal").unwrap(),
        customer: CustomerId::parse(customer).unwrap(),
        created_at: date!(2026 - 11 - 01),
        delivered_at: Some(date!(2026 - 11 - 03)),
        currency: Currency::parse("SEK").unwrap(),
        plan: Plan::PayIn3,
        status: OrderStatus::Active,
        items: vec![Item {
            name: "Boots".into(),
            price: sek(300_000),
        }],
        installments: (1..=3)
            .map(|seq| Installment {
                seq,
                due: date!(2026 - 11 - 01),
                amount: sek(100_000),
                status: InstallmentStatus::Scheduled,
            })
            .collect(),
        extended: true,
        returns: vec![Return {
            reported_at: date!(2026 - 11 - 05),
            paused_until: date!(2026 - 11 - 26),
            status: ReturnStatus::Reported,
        }],
        refunds: vec![Refund {
            amount: sek(5_000),
            created_at: date!(2026 - 11 - 06),
        }],
        disputes: vec![Dispute {
            reason: DisputeReason::FaultyItem,
            status: DisputeStatus::Open,
            opened_at: date!(2026 - 11 - 07),
            details: Some("broken".into()),
        }],
        fees: vec![Fee {
            kind: FeeKind::LateFee,
            amount: sek(500),
            waived: false,
        }],
    }
}

pub async fn merchants_and_orders_round_trip(store: Arc<dyn Store>) {
    let zalando = Merchant {
        id: MerchantId::parse("m_zal").unwrap(),
        name: "Zalando".into(),
        support_email: "help@zalando.example".into(),
        return_window_days: 30,
    };
    store.upsert_merchant(&zalando).await.unwrap();
    assert_eq!(
        store.merchant(&zalando.id).await.unwrap(),
        Some(zalando.clone())
    );
    assert_eq!(
        store
            .merchant(&MerchantId::parse("m_none").unwrap())
            .await
            .unwrap(),
        None
    );

    let mut first = order("ORD-1", "cus_a");
    let mut second = order("ORD-2", "cus_a");
    second.created_at = date!(2026 - 11 - 10);
    store.put_order(&first).await.unwrap();
    store.put_order(&second).await.unwrap();
    store.put_order(&order("ORD-3", "cus_b")).await.unwrap();
    let stored = store.order(&first.id).await.unwrap().unwrap();
    assert_eq!((stored.order.clone(), stored.version), (first.clone(), 1));
    let mine: Vec<_> = store
        .orders_of(&first.customer)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.order.id)
        .collect();
    assert_eq!(
        mine,
        [second.id.clone(), first.id.clone()],
        "newest first, only the customer's"
    );
    first.status = OrderStatus::Paid;
    store.put_order(&first).await.unwrap();
    assert_eq!(store.order(&first.id).await.unwrap().unwrap().version, 2);
    assert_eq!(store.all_orders().await.unwrap().len(), 3);
}

pub async fn ledger_writes_are_idempotent_and_versioned(store: Arc<dyn Store>) {
    let mut o = order("ORD-9", "cus_a");
    store.put_order(&o).await.unwrap();
    o.installments[0].due = date!(2026 - 11 - 11);
    let write = LedgerWrite {
        key: "proposal-1".into(),
        kind: "extend_due_date".into(),
        customer: o.customer.clone(),
        order: Some((o.clone(), 1)),
        result: json!({"due": "2026-11-11"}),
        at: datetime!(2026-11-23 10:00 UTC),
    };
    assert_eq!(
        store.commit_write(&write).await.unwrap(),
        WriteOutcome::Committed(json!({"due": "2026-11-11"}))
    );
    let again = LedgerWrite {
        result: json!({"due": "other"}),
        ..write.clone()
    };
    assert_eq!(
        store.commit_write(&again).await.unwrap(),
        WriteOutcome::Replayed(json!({"due": "2026-11-11"}))
    );
    let stored = store.order(&o.id).await.unwrap().unwrap();
    assert_eq!(
        (stored.version, stored.order.installments[0].due),
        (2, date!(2026 - 11 - 11))
    );
    // A write against the old version is refused and records nothing.
    let stale = LedgerWrite {
        key: "proposal-2".into(),
        ..write.clone()
    };
    assert!(matches!(
        store.commit_write(&stale).await,
        Err(StoreError::StaleOrder(_))
    ));
    // Writes without an order change (payment links, deletion requests) are recorded too.
    let link = LedgerWrite {
        key: "link-1".into(),
        kind: "send_payment_link".into(),
        order: None,
        result: json!({"url": "u"}),
        ..write
    };
    store.commit_write(&link).await.unwrap();
    let writes = store.writes_of(&o.customer).await.unwrap();
    assert_eq!(
        writes.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        ["extend_due_date", "send_payment_link"]
    );
}

pub async fn proposals_move_between_states_once(store: Arc<dyn Store>) {
    let conversation = ConversationId::generate();
    let proposal = Proposal {
        id: "p1".into(),
        conversation: conversation.clone(),
        customer: CustomerId::parse("cus_a").unwrap(),
        actor: "ai".into(),
        tool: "extend_due_date".into(),
        args: json!({"order": "ORD-1"}),
        words: "Move the payment of 1,000.00 SEK for ORD-1 from 1 Nov to 11 Nov?".into(),
        order: Some(OrderId::parse("ORD-1").unwrap()),
        order_version: Some(3),
        created_at: datetime!(2026-11-23 10:00:00.250 UTC),
        state: ProposalState::Pending,
    };
    store.put_proposal(&proposal).await.unwrap();
    assert_eq!(store.proposal("p1").await.unwrap(), Some(proposal.clone()));
    assert!(
        store
            .set_proposal_state("p1", ProposalState::Pending, ProposalState::Executed)
            .await
            .unwrap()
    );
    assert!(
        !store
            .set_proposal_state("p1", ProposalState::Pending, ProposalState::Executed)
            .await
            .unwrap(),
        "only once"
    );
    store
        .put_proposal(&Proposal {
            id: "p2".into(),
            ..proposal.clone()
        })
        .await
        .unwrap();
    store.supersede_proposals(&conversation).await.unwrap();
    assert_eq!(
        store.proposal("p2").await.unwrap().unwrap().state,
        ProposalState::Superseded
    );
    assert_eq!(
        store.proposal("p1").await.unwrap().unwrap().state,
        ProposalState::Executed
    );
    assert_eq!(store.proposal("nope").await.unwrap(), None);
}

pub async fn audit_is_append_only_and_filtered(store: Arc<dyn Store>) {
    let a = ConversationId::generate();
    let record = |conversation: &ConversationId, tool: &str| AuditRecord {
        at: datetime!(2026-11-23 10:00 UTC),
        actor_kind: "ai".into(),
        actor_id: None,
        customer: Some(CustomerId::parse("cus_a").unwrap()),
        conversation: Some(conversation.clone()),
        event_seq: Some(3),
        tool: tool.into(),
        args: json!({"order": "ORD-1"}),
        outcome: "refused".into(),
        rule: Some("P4".into()),
        proposal: None,
        confirmation_seq: None,
        result: json!({"reason": "overdue"}),
    };
    store
        .append_audit(&record(&a, "extend_due_date"))
        .await
        .unwrap();
    store
        .append_audit(&record(&ConversationId::generate(), "lookup_orders"))
        .await
        .unwrap();
    store.append_audit(&record(&a, "get_order")).await.unwrap();
    let mine = store.audit(Some(&a), 100).await.unwrap();
    assert_eq!(
        mine.iter().map(|r| r.tool.as_str()).collect::<Vec<_>>(),
        ["extend_due_date", "get_order"]
    );
    assert_eq!(mine[0], record(&a, "extend_due_date"));
    assert_eq!(store.audit(None, 100).await.unwrap().len(), 3);
}
