//! The conformance checks of [`IdentityStore`](crate::IdentityStore), run by
//! [`conformance_tests!`](crate::conformance_tests) on every backend.

use std::sync::Arc;

use tandem_domain::identity::{Challenge, CheckOutcome, LockKey, Lockout, OtpPolicy};
use tandem_domain::{
    Conversation, ConversationId, ConversationState, Customer, CustomerId, Language, Market,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use crate::identity::{MarkVerified, OutboundMail};
use crate::{Store, StoreError};

const T0: OffsetDateTime = datetime!(2026-11-23 10:00:00 UTC);
const RIGHT: &str = "hash-of-the-right-code";

fn id(raw: &str) -> CustomerId {
    CustomerId::parse(raw).unwrap()
}

async fn add_customer(store: &dyn Store, raw_id: &str, email: &str) -> Customer {
    let customer = Customer {
        id: id(raw_id),
        name: format!("Name of {raw_id}"),
        email: email.into(),
        market: Market::parse("SE").unwrap(),
        language: Language::parse("sv").unwrap(),
    };
    store.upsert_customer(&customer).await.unwrap();
    customer
}

async fn conversation_linked_to(store: &dyn Store, customer: Option<&str>) -> ConversationId {
    let conversation_id = ConversationId::generate();
    store
        .create_conversation(&Conversation {
            id: conversation_id.clone(),
            token_hash: "hash".into(),
            customer_id: customer.map(id),
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
    conversation_id
}

fn challenge_for(customer: Option<&str>, issued_at: OffsetDateTime) -> Challenge {
    let key = match customer {
        Some(c) => LockKey::customer(&id(c)),
        None => LockKey::unknown_email("0123abcd"),
    };
    Challenge::issue(
        &OtpPolicy::default(),
        key,
        customer.map(id),
        RIGHT.into(),
        issued_at,
    )
}

async fn attempt(
    store: &dyn Store,
    c: &ConversationId,
    hash: &str,
    at: OffsetDateTime,
) -> CheckOutcome {
    store
        .attempt_code(c, hash, &OtpPolicy::default(), at)
        .await
        .unwrap()
}

pub async fn customer_by_email_ignores_case(store: Arc<dyn Store>) {
    let anna = add_customer(&*store, "cus_anna", "Anna.Svensson@Example.com").await;
    add_customer(&*store, "cus_bo", "bo@example.com").await;
    for email in ["anna.svensson@example.com", "ANNA.SVENSSON@EXAMPLE.COM"] {
        assert_eq!(
            store.customer_by_email(email).await.unwrap(),
            Some(anna.clone()),
            "{email}"
        );
    }
    assert_eq!(
        store.customer_by_email("nobody@example.com").await.unwrap(),
        None
    );
}

pub async fn challenges_replace_and_round_trip(store: Arc<dyn Store>) {
    add_customer(&*store, "cus_anna", "anna@example.com").await;
    let a = conversation_linked_to(&*store, None).await;
    let b = conversation_linked_to(&*store, None).await;
    assert_eq!(store.challenge(&a).await.unwrap(), None);
    let first = challenge_for(Some("cus_anna"), T0);
    store.save_challenge(&a, &first).await.unwrap();
    assert_eq!(store.challenge(&a).await.unwrap(), Some(first));
    let second = Challenge {
        code_hash: "another".into(),
        ..challenge_for(None, T0 + Duration::minutes(1))
    };
    store.save_challenge(&a, &second).await.unwrap();
    assert_eq!(store.challenge(&a).await.unwrap(), Some(second));
    assert_eq!(store.challenge(&b).await.unwrap(), None);
    assert_eq!(
        store
            .lockout(&LockKey::customer(&id("cus_anna")))
            .await
            .unwrap(),
        Lockout::default()
    );
}

pub async fn right_code_verifies_once_and_links_the_customer(store: Arc<dyn Store>) {
    add_customer(&*store, "cus_anna", "anna@example.com").await;
    let c = conversation_linked_to(&*store, None).await;
    store
        .save_challenge(&c, &challenge_for(Some("cus_anna"), T0))
        .await
        .unwrap();
    let later = T0 + Duration::minutes(1);
    assert_eq!(
        attempt(&*store, &c, "wrong", later).await,
        CheckOutcome::Wrong { attempts_left: 4 }
    );
    assert_eq!(
        attempt(&*store, &c, RIGHT, later).await,
        CheckOutcome::Verified {
            customer: id("cus_anna")
        }
    );
    let conversation = store.conversation(&c).await.unwrap().unwrap();
    assert!(conversation.verified);
    assert_eq!(conversation.customer_id, Some(id("cus_anna")));
    assert_eq!(
        store.challenge(&c).await.unwrap(),
        None,
        "a code works once"
    );
    assert_eq!(
        attempt(&*store, &c, RIGHT, later).await,
        CheckOutcome::NoChallenge
    );
    assert_eq!(
        store
            .lockout(&LockKey::customer(&id("cus_anna")))
            .await
            .unwrap(),
        Lockout::default(),
        "success forgets wrong tries"
    );
    let missing = ConversationId::generate();
    assert!(matches!(
        store
            .attempt_code(&missing, RIGHT, &OtpPolicy::default(), later)
            .await,
        Err(StoreError::ConversationNotFound(_))
    ));
}

pub async fn wrong_tries_lock_the_key_in_every_conversation(store: Arc<dyn Store>) {
    add_customer(&*store, "cus_anna", "anna@example.com").await;
    let a = conversation_linked_to(&*store, None).await;
    let b = conversation_linked_to(&*store, None).await;
    for c in [&a, &b] {
        store
            .save_challenge(c, &challenge_for(Some("cus_anna"), T0))
            .await
            .unwrap();
    }
    let at = T0 + Duration::minutes(2);
    let mut outcomes = Vec::new();
    for c in [&a, &b, &a, &b, &a] {
        outcomes.push(attempt(&*store, c, "wrong", at).await);
    }
    let until = at + Duration::minutes(15);
    assert_eq!(
        outcomes,
        [
            CheckOutcome::Wrong { attempts_left: 4 },
            CheckOutcome::Wrong { attempts_left: 3 },
            CheckOutcome::Wrong { attempts_left: 2 },
            CheckOutcome::Wrong { attempts_left: 1 },
            CheckOutcome::Locked { until },
        ]
    );
    assert_eq!(
        attempt(&*store, &b, RIGHT, at).await,
        CheckOutcome::Locked { until }
    );
    let lockout = store
        .lockout(&LockKey::customer(&id("cus_anna")))
        .await
        .unwrap();
    assert_eq!(lockout.locked_until, Some(until));
    assert_eq!(
        attempt(&*store, &a, RIGHT, until).await,
        CheckOutcome::Expired,
        "the code that locked is dead after the lock"
    );
    store
        .save_challenge(&a, &challenge_for(Some("cus_anna"), until))
        .await
        .unwrap();
    assert!(matches!(
        attempt(&*store, &a, RIGHT, until).await,
        CheckOutcome::Verified { .. }
    ));
}

pub async fn concurrent_wrong_tries_never_exceed_the_limit(store: Arc<dyn Store>) {
    add_customer(&*store, "cus_anna", "anna@example.com").await;
    let c = conversation_linked_to(&*store, None).await;
    store
        .save_challenge(&c, &challenge_for(Some("cus_anna"), T0))
        .await
        .unwrap();
    let tries = (0..20).map(|i| {
        let store = Arc::clone(&store);
        let c = c.clone();
        tokio::spawn(async move {
            attempt(
                &*store,
                &c,
                &format!("wrong-{i}"),
                T0 + Duration::minutes(1),
            )
            .await
        })
    });
    let outcomes = futures_util::future::join_all(tries).await;
    let outcomes: Vec<CheckOutcome> = outcomes.into_iter().map(Result::unwrap).collect();
    let wrong = outcomes
        .iter()
        .filter(|o| matches!(o, CheckOutcome::Wrong { .. }))
        .count();
    let locked = outcomes
        .iter()
        .filter(|o| matches!(o, CheckOutcome::Locked { .. }))
        .count();
    assert_eq!((wrong, locked), (4, 16), "{outcomes:?}");
}

pub async fn unknown_email_challenge_never_verifies(store: Arc<dyn Store>) {
    let c = conversation_linked_to(&*store, None).await;
    store
        .save_challenge(&c, &challenge_for(None, T0))
        .await
        .unwrap();
    assert_eq!(
        attempt(&*store, &c, RIGHT, T0).await,
        CheckOutcome::Wrong { attempts_left: 4 }
    );
    let conversation = store.conversation(&c).await.unwrap().unwrap();
    assert!(!conversation.verified);
    assert_eq!(conversation.customer_id, None);
    let lockout = store
        .lockout(&LockKey::unknown_email("0123abcd"))
        .await
        .unwrap();
    assert_eq!(lockout.failures, 1);
}

pub async fn mark_verified_refuses_another_customer(store: Arc<dyn Store>) {
    add_customer(&*store, "cus_anna", "anna@example.com").await;
    add_customer(&*store, "cus_erik", "erik@example.com").await;
    let c = conversation_linked_to(&*store, Some("cus_anna")).await;
    assert_eq!(
        store.mark_verified(&c, &id("cus_erik")).await.unwrap(),
        MarkVerified::OtherCustomer(id("cus_anna"))
    );
    assert!(!store.conversation(&c).await.unwrap().unwrap().verified);
    store
        .save_challenge(&c, &challenge_for(Some("cus_erik"), T0))
        .await
        .unwrap();
    assert_eq!(
        attempt(&*store, &c, RIGHT, T0).await,
        CheckOutcome::OtherCustomer
    );
    let conversation = store.conversation(&c).await.unwrap().unwrap();
    assert!(!conversation.verified);
    assert_eq!(conversation.customer_id, Some(id("cus_anna")));
    assert_eq!(
        store.mark_verified(&c, &id("cus_anna")).await.unwrap(),
        MarkVerified::Verified
    );
    assert_eq!(
        store.mark_verified(&c, &id("cus_anna")).await.unwrap(),
        MarkVerified::AlreadyVerified
    );
    assert!(store.conversation(&c).await.unwrap().unwrap().verified);
    assert!(matches!(
        store
            .mark_verified(&ConversationId::generate(), &id("cus_anna"))
            .await,
        Err(StoreError::ConversationNotFound(_))
    ));
}

pub async fn outbound_mail_is_newest_first_by_recipient(store: Arc<dyn Store>) {
    let mail = |to: &str, code: &str| OutboundMail {
        to: to.into(),
        subject: "Your code".into(),
        body: format!("Your code is {code}."),
        code: Some(code.into()),
        sent_at: T0,
    };
    for m in [
        mail("Anna@Example.com", "111111"),
        mail("bo@example.com", "222222"),
        mail("anna@example.com", "333333"),
    ] {
        store.record_outbound_mail(&m).await.unwrap();
    }
    let codes = |mails: Vec<OutboundMail>| -> Vec<String> {
        mails.into_iter().filter_map(|m| m.code).collect()
    };
    assert_eq!(
        codes(store.outbound_mail(Some("ANNA@example.com")).await.unwrap()),
        ["333333", "111111"]
    );
    let all = store.outbound_mail(None).await.unwrap();
    assert_eq!(all[0], mail("anna@example.com", "333333"));
    assert_eq!(codes(all), ["333333", "222222", "111111"]);
    assert!(
        store
            .outbound_mail(Some("x@example.com"))
            .await
            .unwrap()
            .is_empty()
    );
}
