//! Conformance checks of [`WorkforceStore`](crate::WorkforceStore) and of queueing and
//! assigning through [`Store::append`].

use std::sync::Arc;

use tandem_domain::workforce::{
    AgentAccount, AgentId, AgentSession, Presence, QueueEntry, Role, Shift, Skills,
};
use tandem_domain::{
    Author, Conversation, ConversationId, ConversationState, EventDraft, EventKind, HandoffReason,
    Priority,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use crate::{Append, Change, Store, StoreError};

const T0: OffsetDateTime = datetime!(2026-11-23 10:00:00 UTC);

fn account(name: &str, email: &str) -> AgentAccount {
    AgentAccount {
        id: AgentId::generate(),
        name: name.into(),
        email: email.into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        role: Role::Agent,
        skills: Skills::parse_list("en,sv,fraud").unwrap(),
        max_chats: 3,
        presence: Presence::Offline,
        presence_since: T0,
        created_at: T0,
    }
}

fn entry(priority: Priority) -> QueueEntry {
    QueueEntry {
        priority,
        skills: Skills::parse_list("en,fraud").unwrap(),
        reason: HandoffReason::Fraud,
        since: T0,
    }
}

async fn conversation(store: &dyn Store) -> ConversationId {
    let id = ConversationId::generate();
    store
        .create_conversation(&Conversation {
            id: id.clone(),
            token_hash: "h".into(),
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

fn system(kind: EventKind) -> EventDraft {
    EventDraft::new(T0, kind, Author::System)
}

async fn queue(store: &dyn Store, id: &ConversationId, priority: Priority) {
    store
        .append(
            id,
            Append::to_open(vec![system(EventKind::Handoff)])
                .require(&[ConversationState::Ai])
                .set_state(ConversationState::Queued)
                .queue(Change::Set(entry(priority))),
        )
        .await
        .unwrap();
}

fn claim(agent: &AgentId) -> Append {
    Append::to_open(vec![EventDraft {
        author_id: Some(agent.as_str().to_owned()),
        ..system(EventKind::Assigned)
    }])
    .require(&[ConversationState::Queued])
    .set_state(ConversationState::Assigned)
    .assignee(Change::Set(agent.clone()))
}

pub async fn agents_round_trip_and_emails_are_unique(store: Arc<dyn Store>) {
    let anna = account("Anna", "Anna@Acme.test");
    store.create_agent(&anna).await.unwrap();
    let mut stored = anna.clone();
    stored.email = "anna@acme.test".into();
    assert_eq!(store.agent(&anna.id).await.unwrap(), Some(stored.clone()));
    assert_eq!(
        store.agent_by_email(" ANNA@acme.TEST").await.unwrap(),
        Some(stored)
    );
    let again = account("Other Anna", "anna@acme.test");
    assert!(matches!(
        store.create_agent(&again).await,
        Err(StoreError::EmailTaken(e)) if e == "anna@acme.test"
    ));
    store
        .create_agent(&account("Bo", "bo@acme.test"))
        .await
        .unwrap();
    let names: Vec<String> = store
        .agents()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["Anna", "Bo"]);
    assert_eq!(
        store.agent_by_email("nobody@acme.test").await.unwrap(),
        None
    );
}

pub async fn presence_and_capacity_change(store: Arc<dyn Store>) {
    let a = account("Anna", "anna@acme.test");
    store.create_agent(&a).await.unwrap();
    let t1 = T0 + Duration::minutes(1);
    assert!(
        store
            .set_presence(&a.id, Presence::Online, t1)
            .await
            .unwrap()
    );
    // The same presence again keeps the time it began.
    assert!(
        store
            .set_presence(&a.id, Presence::Online, t1 + Duration::minutes(5))
            .await
            .unwrap()
    );
    assert!(store.set_max_chats(&a.id, 5).await.unwrap());
    let got = store.agent(&a.id).await.unwrap().unwrap();
    assert_eq!(
        (got.presence, got.presence_since, got.max_chats),
        (Presence::Online, t1, 5)
    );
    let nobody = AgentId::generate();
    assert!(
        !store
            .set_presence(&nobody, Presence::Away, t1)
            .await
            .unwrap()
    );
}

pub async fn sessions_expire_and_are_revoked(store: Arc<dyn Store>) {
    let a = account("Anna", "anna@acme.test");
    store.create_agent(&a).await.unwrap();
    let session = AgentSession {
        token_hash: "abc".into(),
        agent: a.id.clone(),
        created_at: T0,
        expires_at: T0 + Duration::hours(12),
    };
    store.save_session(&session).await.unwrap();
    assert_eq!(store.session("abc").await.unwrap(), Some(session));
    assert_eq!(store.live_sessions(&a.id, T0).await.unwrap(), 1);
    assert_eq!(
        store
            .live_sessions(&a.id, T0 + Duration::hours(13))
            .await
            .unwrap(),
        0
    );
    assert!(store.delete_session("abc").await.unwrap());
    assert!(!store.delete_session("abc").await.unwrap());
    assert_eq!(store.session("abc").await.unwrap(), None);
}

pub async fn shifts_are_replaced_and_listed(store: Arc<dyn Store>) {
    let a = account("Anna", "anna@acme.test");
    let b = account("Bo", "bo@acme.test");
    store.create_agent(&a).await.unwrap();
    store.create_agent(&b).await.unwrap();
    let shift = |h: i64| Shift::new(T0 + Duration::hours(h), T0 + Duration::hours(h + 2)).unwrap();
    store
        .set_shifts(&a.id, &[shift(-5), shift(4)])
        .await
        .unwrap();
    store.set_shifts(&b.id, &[shift(1)]).await.unwrap();
    assert_eq!(store.shifts(&a.id, T0).await.unwrap(), vec![shift(4)]);
    let all = store.all_shifts(T0).await.unwrap();
    assert_eq!(
        all,
        vec![(b.id.clone(), shift(1)), (a.id.clone(), shift(4))]
    );
    store.set_shifts(&a.id, &[]).await.unwrap();
    assert!(
        store
            .shifts(&a.id, T0 - Duration::days(1))
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn queue_entries_and_assignees_follow_the_state(store: Arc<dyn Store>) {
    let id = conversation(&*store).await;
    queue(&*store, &id, Priority::Urgent).await;
    let c = store.conversation(&id).await.unwrap().unwrap();
    assert_eq!(c.queue, Some(entry(Priority::Urgent)));
    assert_eq!(c.assignee, None);
    let queued = store
        .conversations_in_state(ConversationState::Queued)
        .await
        .unwrap();
    assert_eq!(queued.iter().map(|c| &c.id).collect::<Vec<_>>(), [&id]);

    let agent = AgentId::generate();
    store.append(&id, claim(&agent)).await.unwrap();
    let c = store.conversation(&id).await.unwrap().unwrap();
    assert_eq!(c.state, ConversationState::Assigned);
    assert_eq!(c.assignee.as_ref(), Some(&agent));
    // The queue entry stays, so a transfer back keeps the customer's place.
    assert_eq!(c.queue, Some(entry(Priority::Urgent)));

    // Only the assignee may act.
    let other = AgentId::generate();
    let by_other = Append::to_open(vec![system(EventKind::Message)]).require_assignee(&other);
    assert!(matches!(
        store.append(&id, by_other).await,
        Err(StoreError::NotAssignee { current: Some(a) }) if a == agent
    ));
    let by_agent = Append::to_open(vec![system(EventKind::Message)]).require_assignee(&agent);
    store.append(&id, by_agent).await.unwrap();

    // Closing clears both.
    store
        .append(
            &id,
            Append::to_open(vec![system(EventKind::Closed)]).set_state(ConversationState::Closed),
        )
        .await
        .unwrap();
    let c = store.conversation(&id).await.unwrap().unwrap();
    assert_eq!((c.queue, c.assignee), (None, None));
    assert!(
        store
            .conversations_in_state(ConversationState::Assigned)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn concurrent_claims_assign_once(store: Arc<dyn Store>) {
    let id = conversation(&*store).await;
    queue(&*store, &id, Priority::Normal).await;
    let agents: Vec<AgentId> = (0..16).map(|_| AgentId::generate()).collect();
    let mut tasks = Vec::new();
    for agent in &agents {
        let store = Arc::clone(&store);
        let id = id.clone();
        let agent = agent.clone();
        tasks.push(tokio::spawn(async move {
            store.append(&id, claim(&agent)).await.map(|_| agent)
        }));
    }
    let mut winners = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok(agent) => winners.push(agent),
            Err(StoreError::StateConflict {
                current: ConversationState::Assigned,
            }) => {}
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one claim wins");
    let c = store.conversation(&id).await.unwrap().unwrap();
    assert_eq!(c.assignee.as_ref(), Some(&winners[0]));
    let events = store.events_after(&id, 0, 100).await.unwrap();
    let assigned = events
        .iter()
        .filter(|e| e.kind == EventKind::Assigned)
        .count();
    assert_eq!(assigned, 1);
}

pub async fn customers_conversations_and_follow_ups(store: Arc<dyn Store>) {
    let id = conversation(&*store).await;
    store
        .set_follow_up_email(&id, "me@example.com")
        .await
        .unwrap();
    let c = store.conversation(&id).await.unwrap().unwrap();
    assert_eq!(c.follow_up_email.as_deref(), Some("me@example.com"));
    assert!(matches!(
        store
            .set_follow_up_email(&ConversationId::generate(), "x@example.com")
            .await,
        Err(StoreError::ConversationNotFound(_))
    ));

    let who = tandem_domain::Customer {
        id: tandem_domain::CustomerId::parse("cus_ada").unwrap(),
        name: "Ada".into(),
        email: "ada@example.com".into(),
        market: tandem_domain::Market::parse("SE").unwrap(),
        language: tandem_domain::Language::parse("sv").unwrap(),
    };
    store.upsert_customer(&who).await.unwrap();
    let mut ids = Vec::new();
    for minutes in [0, 10, 5] {
        let id = ConversationId::generate();
        store
            .create_conversation(&Conversation {
                id: id.clone(),
                token_hash: "h".into(),
                customer_id: Some(who.id.clone()),
                verified: true,
                language: None,
                state: ConversationState::Closed,
                last_seq: 0,
                queue: None,
                assignee: None,
                follow_up_email: None,
                created_at: T0 + Duration::minutes(minutes),
                updated_at: T0 + Duration::minutes(minutes),
            })
            .await
            .unwrap();
        ids.push(id);
    }
    let newest: Vec<ConversationId> = store
        .conversations_of_customer(&who.id, 2)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(newest, [ids[1].clone(), ids[2].clone()]);
}
