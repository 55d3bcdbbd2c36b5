//! The conformance suite every [`Store`] backend must pass.
//!
//! A backend's test file calls [`conformance_tests!`](crate::conformance_tests) with an
//! async expression that makes a fresh, empty store; one `#[tokio::test]` is generated
//! per check.

use std::sync::Arc;

use tandem_domain::{
    Author, Awaiting, ClientMsgId, Conversation, ConversationId, ConversationState, Csat,
    CsatScore, Customer, CustomerId, EventDraft, EventKind, Handoff, HandoffReason, Language,
    Market, MessageText, Priority, QuickReply, ToolCall,
};
use time::OffsetDateTime;
use time::macros::datetime;

use crate::{Append, Store, StoreError};

/// Generates one test per conformance check. `$make` is an async expression returning
/// `Arc<dyn Store>` (or something that derefs to a `Store`) for a fresh, empty database.
#[macro_export]
macro_rules! conformance_tests {
    ($make:expr) => {
        $crate::conformance_tests!(@each $make; conformance;
            customers_round_trip, conversation_round_trip, seqs_are_gapless_from_one,
            events_after_pages, duplicate_client_msg_id_is_refused_and_stores_nothing,
            client_msg_ids_are_per_author, state_rules_are_checked_atomically,
            one_rating_per_conversation, concurrent_appends_never_gap_or_repeat,
            unknown_conversation_is_reported, event_fields_round_trip);
        $crate::conformance_tests!(@each $make; conformance_identity;
            customer_by_email_ignores_case, challenges_replace_and_round_trip,
            right_code_verifies_once_and_links_the_customer, wrong_tries_lock_the_key_in_every_conversation,
            concurrent_wrong_tries_never_exceed_the_limit, unknown_email_challenge_never_verifies,
            mark_verified_refuses_another_customer, outbound_mail_is_newest_first_by_recipient);
        $crate::conformance_tests!(@each $make; conformance_ledger;
            merchants_and_orders_round_trip, ledger_writes_are_idempotent_and_versioned,
            proposals_move_between_states_once, audit_is_append_only_and_filtered);
        $crate::conformance_tests!(@each $make; conformance_workforce;
            agents_round_trip_and_emails_are_unique, presence_and_capacity_change,
            sessions_expire_and_are_revoked, shifts_are_replaced_and_listed,
            queue_entries_and_assignees_follow_the_state, concurrent_claims_assign_once,
            customers_conversations_and_follow_ups);
    };
    (@each $make:expr; $module:ident; $($name:ident),+) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let store = $make.await;
                $crate::$module::$name(store).await;
            }
        )+
    };
}

const T0: OffsetDateTime = datetime!(2026-11-23 10:00:00 UTC);

fn customer(id: &str) -> Customer {
    Customer {
        id: CustomerId::parse(id).unwrap(),
        name: format!("Name of {id}"),
        email: format!("{id}@example.com"),
        market: Market::parse("SE").unwrap(),
        language: Language::parse("sv").unwrap(),
    }
}

async fn new_conversation(store: &dyn Store) -> ConversationId {
    let id = ConversationId::generate();
    store
        .create_conversation(&Conversation {
            id: id.clone(),
            token_hash: "hash".into(),
            customer_id: None,
            verified: false,
            language: None,
            state: ConversationState::Ai,
            last_seq: 0,
            queue: None,
            assignee: None,
            follow_up_email: None,
            created_at: T0,
            updated_at: T0,
        })
        .await
        .unwrap();
    id
}

fn message(text: &str, client_id: &str) -> EventDraft {
    EventDraft::customer_message(
        T0,
        MessageText::parse(text).unwrap(),
        ClientMsgId::parse(client_id).unwrap(),
    )
}

fn ai_reply(text: &str) -> EventDraft {
    EventDraft {
        text: Some(text.into()),
        ..EventDraft::new(T0, EventKind::Message, Author::Ai)
    }
}

pub async fn customers_round_trip(store: Arc<dyn Store>) {
    let mut anna = customer("cus_anna");
    store.upsert_customer(&anna).await.unwrap();
    store.upsert_customer(&customer("cus_bo")).await.unwrap();
    anna.name = "Anna Renamed".into();
    store.upsert_customer(&anna).await.unwrap();
    assert_eq!(store.customer(&anna.id).await.unwrap(), Some(anna.clone()));
    assert_eq!(
        store
            .customer(&CustomerId::parse("cus_nobody").unwrap())
            .await
            .unwrap(),
        None
    );
    let all = store.customers().await.unwrap();
    assert_eq!(
        all.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["cus_anna", "cus_bo"]
    );
}

pub async fn conversation_round_trip(store: Arc<dyn Store>) {
    store.upsert_customer(&customer("cus_anna")).await.unwrap();
    let conversation = Conversation {
        id: ConversationId::generate(),
        token_hash: "abc123".into(),
        customer_id: Some(CustomerId::parse("cus_anna").unwrap()),
        verified: true,
        language: Some(Language::parse("de-AT").unwrap()),
        state: ConversationState::Ai,
        last_seq: 0,
        queue: None,
        assignee: None,
        follow_up_email: None,
        created_at: datetime!(2026-11-23 10:00:00.123 UTC),
        updated_at: datetime!(2026-11-23 10:00:00.123 UTC),
    };
    store.create_conversation(&conversation).await.unwrap();
    assert_eq!(
        store.conversation(&conversation.id).await.unwrap(),
        Some(conversation.clone())
    );
    assert_eq!(
        store
            .conversation(&ConversationId::generate())
            .await
            .unwrap(),
        None
    );
}

pub async fn seqs_are_gapless_from_one(store: Arc<dyn Store>) {
    let id = new_conversation(&*store).await;
    let first = store
        .append(&id, Append::to_open(vec![message("hi", "m1")]))
        .await
        .unwrap();
    assert_eq!(first.iter().map(|e| e.seq).collect::<Vec<_>>(), [1]);
    let batch = Append::to_open(vec![message("two", "m2"), ai_reply("a"), ai_reply("b")])
        .replies_follow_first();
    let more = store.append(&id, batch).await.unwrap();
    assert_eq!(more.iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 3, 4]);
    assert_eq!(
        more.iter().map(|e| e.in_reply_to).collect::<Vec<_>>(),
        [None, Some(2), Some(2)]
    );
    let conversation = store.conversation(&id).await.unwrap().unwrap();
    assert_eq!(conversation.last_seq, 4);
}

pub async fn events_after_pages(store: Arc<dyn Store>) {
    let id = new_conversation(&*store).await;
    for i in 0..25 {
        store
            .append(
                &id,
                Append::to_open(vec![message(&format!("m{i}"), &format!("c{i}"))]),
            )
            .await
            .unwrap();
    }
    let page = store.events_after(&id, 0, 10).await.unwrap();
    assert_eq!(
        page.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    let rest = store.events_after(&id, 20, 100).await.unwrap();
    assert_eq!(
        rest.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [21, 22, 23, 24, 25]
    );
    assert!(store.events_after(&id, 25, 100).await.unwrap().is_empty());
    assert_eq!(rest[0].text.as_deref(), Some("m20"));
}

pub async fn duplicate_client_msg_id_is_refused_and_stores_nothing(store: Arc<dyn Store>) {
    let id = new_conversation(&*store).await;
    let batch = Append::to_open(vec![message("hello", "same"), ai_reply("hi there")])
        .replies_follow_first();
    store.append(&id, batch).await.unwrap();
    let again = store
        .append(&id, Append::to_open(vec![message("hello", "same")]))
        .await;
    assert!(
        matches!(again, Err(StoreError::DuplicateMessage { seq: 1 })),
        "{again:?}"
    );
    assert_eq!(store.events_after(&id, 0, 100).await.unwrap().len(), 2);
    assert_eq!(store.conversation(&id).await.unwrap().unwrap().last_seq, 2);
    let original = store
        .message_with_replies(&id, Author::Customer, &ClientMsgId::parse("same").unwrap())
        .await
        .unwrap();
    assert_eq!(
        original
            .iter()
            .map(|e| (e.seq, e.text.clone().unwrap()))
            .collect::<Vec<_>>(),
        [(1, "hello".to_string()), (2, "hi there".to_string())]
    );
    let missing = store
        .message_with_replies(&id, Author::Customer, &ClientMsgId::parse("other").unwrap())
        .await
        .unwrap();
    assert!(missing.is_empty());
}

pub async fn client_msg_ids_are_per_author(store: Arc<dyn Store>) {
    let id = new_conversation(&*store).await;
    store
        .append(&id, Append::to_open(vec![message("from customer", "x1")]))
        .await
        .unwrap();
    let agent = EventDraft {
        client_msg_id: Some(ClientMsgId::parse("x1").unwrap()),
        author_id: Some("agent-1".into()),
        ..ai_reply("from agent")
    };
    let agent = EventDraft {
        author: Author::Agent,
        ..agent
    };
    store
        .append(&id, Append::to_open(vec![agent]))
        .await
        .unwrap();
    // The same id in another conversation is independent too.
    let other = new_conversation(&*store).await;
    store
        .append(&other, Append::to_open(vec![message("elsewhere", "x1")]))
        .await
        .unwrap();
}

pub async fn state_rules_are_checked_atomically(store: Arc<dyn Store>) {
    let id = new_conversation(&*store).await;
    let handoff = EventDraft::handoff(
        T0,
        Handoff {
            reason: HandoffReason::HumanRequest,
            priority: Priority::Normal,
            summary: "s".into(),
        },
        "queued".into(),
    );
    let queued = store
        .append(
            &id,
            Append::to_open(vec![handoff.clone()])
                .require(&[ConversationState::Ai])
                .set_state(ConversationState::Queued),
        )
        .await
        .unwrap();
    assert_eq!(queued[0].seq, 1);
    assert_eq!(
        store.conversation(&id).await.unwrap().unwrap().state,
        ConversationState::Queued
    );
    let twice = store
        .append(
            &id,
            Append::to_open(vec![handoff])
                .require(&[ConversationState::Ai])
                .set_state(ConversationState::Queued),
        )
        .await;
    assert!(
        matches!(
            twice,
            Err(StoreError::StateConflict {
                current: ConversationState::Queued
            })
        ),
        "{twice:?}"
    );
    store
        .append(
            &id,
            Append::to_open(vec![EventDraft::closed(T0, Author::Customer, "bye".into())])
                .set_state(ConversationState::Closed),
        )
        .await
        .unwrap();
    let after_close = store
        .append(&id, Append::to_open(vec![message("late", "late")]))
        .await;
    assert!(
        matches!(
            after_close,
            Err(StoreError::StateConflict {
                current: ConversationState::Closed
            })
        ),
        "{after_close:?}"
    );
    assert_eq!(store.events_after(&id, 0, 100).await.unwrap().len(), 2);
}

pub async fn one_rating_per_conversation(store: Arc<dyn Store>) {
    let id = new_conversation(&*store).await;
    let closed = ConversationState::Closed;
    store
        .append(
            &id,
            Append::to_open(vec![EventDraft::closed(T0, Author::Customer, "bye".into())])
                .set_state(closed),
        )
        .await
        .unwrap();
    let rate = |score| {
        Append::to_open(vec![EventDraft::csat(
            T0,
            Csat {
                score: CsatScore::parse(score).unwrap(),
                comment: Some("ok".into()),
            },
        )])
        .require(&[closed])
    };
    let first = store.append(&id, rate(5)).await.unwrap();
    assert_eq!(first[0].extras.csat.as_ref().unwrap().score.get(), 5);
    let second = store.append(&id, rate(1)).await;
    assert!(
        matches!(second, Err(StoreError::AlreadyRated)),
        "{second:?}"
    );
}

pub async fn concurrent_appends_never_gap_or_repeat(store: Arc<dyn Store>) {
    let id = new_conversation(&*store).await;
    let tasks = (0..8).map(|t| {
        let store = Arc::clone(&store);
        let id = id.clone();
        tokio::spawn(async move {
            for i in 0..25 {
                let batch =
                    Append::to_open(vec![message("x", &format!("t{t}-{i}")), ai_reply("y")])
                        .replies_follow_first();
                let events = store.append(&id, batch).await.unwrap();
                assert_eq!(events[1].seq, events[0].seq + 1);
                assert_eq!(events[1].in_reply_to, Some(events[0].seq));
            }
        })
    });
    for task in futures_util::future::join_all(tasks).await {
        task.unwrap();
    }
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = store.events_after(&id, after, 150).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.seq;
        all.extend(page);
    }
    assert_eq!(
        all.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=400).collect::<Vec<_>>()
    );
    assert_eq!(
        store.conversation(&id).await.unwrap().unwrap().last_seq,
        400
    );
}

pub async fn unknown_conversation_is_reported(store: Arc<dyn Store>) {
    let nobody = ConversationId::generate();
    let result = store
        .append(&nobody, Append::to_open(vec![message("hi", "m1")]))
        .await;
    assert!(
        matches!(result, Err(StoreError::ConversationNotFound(_))),
        "{result:?}"
    );
    assert!(store.events_after(&nobody, 0, 10).await.unwrap().is_empty());
}

pub async fn event_fields_round_trip(store: Arc<dyn Store>) {
    let id = new_conversation(&*store).await;
    let draft = EventDraft {
        author_id: Some("agent-7".into()),
        text: Some("Ska jag flytta förfallodagen? 🙂".into()),
        language: Some(Language::parse("sv").unwrap()),
        awaiting: Some(Awaiting::Confirm),
        extras: tandem_domain::event::EventExtras {
            quick_replies: vec![QuickReply {
                label: "Ja".into(),
                value: "ja".into(),
            }],
            tool_calls: vec![ToolCall {
                tool: "lookup_orders".into(),
                args: serde_json::json!({"order": "ORD-1"}),
                ok: true,
            }],
            ..Default::default()
        },
        ..EventDraft::new(
            datetime!(2026-11-23 10:00:01.5 UTC),
            EventKind::Message,
            Author::Ai,
        )
    };
    let stored = store
        .append(&id, Append::to_open(vec![draft.clone()]))
        .await
        .unwrap();
    let read = store.events_after(&id, 0, 10).await.unwrap();
    assert_eq!(read, stored);
    assert_eq!(read[0], tandem_domain::Event::from_draft(1, draft));
}
