//! The AI agent through the API: customers complete errands, ask questions and reach a
//! person, on the demo world.

use serde_json::Value;

use crate::helpers::{Chat, TestApp, spawn_agent_app};

fn ai(events: &[Value]) -> Vec<&Value> {
    events.iter().filter(|e| e["author"] == "ai").collect()
}

fn last_ai(events: &[Value]) -> &Value {
    ai(events)
        .pop()
        .unwrap_or_else(|| panic!("no AI reply in {events:#?}"))
}

fn tool_ok(events: &[Value], tool: &str) -> bool {
    ai(events).iter().any(|e| {
        e["tool_calls"]
            .as_array()
            .is_some_and(|calls| calls.iter().any(|c| c["tool"] == tool && c["ok"] == true))
    })
}

/// Says `text` and returns the events of the answer.
async fn turn(app: &TestApp, chat: &Chat, n: &mut u32, text: &str) -> Vec<Value> {
    *n += 1;
    app.say(chat, text, &format!("m{n}")).await
}

async fn order_json(app: &TestApp, id: &str) -> tandem_domain::ledger::Order {
    app.state
        .store
        .order(&tandem_domain::ledger::OrderId::parse(id).unwrap())
        .await
        .unwrap()
        .unwrap()
        .order
}

#[tokio::test]
async fn a_customer_extends_a_due_date_with_a_yes() {
    let app = spawn_agent_app().await;
    let chat = app.open_as("cus_anna").await;
    let before = order_json(&app, "ORD-10001").await.installments[0].due;
    let mut n = 0;
    let events = turn(
        &app,
        &chat,
        &mut n,
        "hi, can I get more time to pay for my Zalando order?",
    )
    .await;
    let proposal = last_ai(&events);
    assert_eq!(proposal["awaiting"], "confirm", "{proposal:#?}");
    assert!(proposal["text"].as_str().unwrap().contains("ORD-10001"));
    let buttons: Vec<&str> = proposal["quick_replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["label"].as_str().unwrap())
        .collect();
    assert_eq!(buttons, ["Yes", "No"]);
    // P5: nothing changed before the yes.
    assert_eq!(
        order_json(&app, "ORD-10001").await.installments[0].due,
        before
    );

    let events = turn(&app, &chat, &mut n, "yes").await;
    assert!(tool_ok(&events, "extend_due_date"), "{events:#?}");
    assert!(
        last_ai(&events)["text"]
            .as_str()
            .unwrap()
            .starts_with("Done")
    );
    assert_eq!(
        order_json(&app, "ORD-10001").await.installments[0].due,
        before + time::Duration::days(10)
    );
}

#[tokio::test]
async fn a_customer_reports_a_return_in_swedish() {
    let app = spawn_agent_app().await;
    let chat = app.open_as("cus_anna").await;
    let mut n = 0;
    let events = turn(
        &app,
        &chat,
        &mut n,
        "Hej, jag har skickat tillbaka jackan från Zalando, kan ni pausa betalningen?",
    )
    .await;
    let proposal = last_ai(&events);
    assert_eq!(proposal["awaiting"], "confirm");
    assert_eq!(proposal["language"], "sv");
    let events = turn(&app, &chat, &mut n, "ja tack").await;
    assert!(tool_ok(&events, "report_return"), "{events:#?}");
    assert_eq!(last_ai(&events)["language"], "sv");
    let order = order_json(&app, "ORD-10001").await;
    assert!(
        order
            .installments
            .iter()
            .all(|i| i.status.as_str() == "paused"),
        "{order:?}"
    );
}

#[tokio::test]
async fn a_customer_opens_a_dispute_for_a_faulty_item() {
    let app = spawn_agent_app().await;
    let chat = app.open_as("cus_erik").await;
    let mut n = 0;
    let events = turn(
        &app,
        &chat,
        &mut n,
        "My headphones from Elgiganten are broken",
    )
    .await;
    assert_eq!(
        last_ai(&events)["awaiting"],
        "merchant_contacted",
        "{events:#?}"
    );
    let events = turn(&app, &chat, &mut n, "yes").await;
    assert_eq!(last_ai(&events)["awaiting"], "details", "{events:#?}");
    let events = turn(
        &app,
        &chat,
        &mut n,
        "The left earbud has had no sound since last week.",
    )
    .await;
    assert_eq!(last_ai(&events)["awaiting"], "confirm", "{events:#?}");
    let events = turn(&app, &chat, &mut n, "yes please").await;
    assert!(tool_ok(&events, "open_dispute"), "{events:#?}");
    assert_eq!(
        order_json(&app, "ORD-10005").await.status.as_str(),
        "disputed"
    );
}

#[tokio::test]
async fn a_dispute_over_the_limit_goes_to_a_person_with_the_order_in_the_summary() {
    let app = spawn_agent_app().await;
    let chat = app.open_as("cus_anna").await;
    let mut n = 0;
    let mut events = turn(
        &app,
        &chat,
        &mut n,
        "The TV from Elgiganten arrived broken and I want to dispute it",
    )
    .await;
    for answer in ["yes", "The screen is cracked."] {
        if events.iter().any(|e| e["kind"] == "handoff") {
            break;
        }
        events = turn(&app, &chat, &mut n, answer).await;
    }
    let handoff = events
        .iter()
        .find(|e| e["kind"] == "handoff")
        .unwrap_or_else(|| panic!("{events:#?}"));
    assert_eq!(handoff["handoff"]["reason"], "policy_exception");
    assert!(
        handoff["handoff"]["summary"]
            .as_str()
            .unwrap()
            .contains("ORD-10003")
    );
    assert_ne!(
        order_json(&app, "ORD-10003").await.status.as_str(),
        "disputed"
    );
}

#[tokio::test]
async fn refund_status_after_verifying_by_email_code() {
    let app = spawn_agent_app().await;
    let chat = app.open().await;
    let mut n = 0;
    let events = turn(
        &app,
        &chat,
        &mut n,
        "Has Argos refunded my garden chairs yet?",
    )
    .await;
    assert_eq!(last_ai(&events)["awaiting"], "email", "{events:#?}");
    let events = turn(&app, &chat, &mut n, "oliver@example.com").await;
    assert_eq!(last_ai(&events)["awaiting"], "otp", "{events:#?}");
    let response = app
        .get("/demo/mailbox?email=oliver@example.com", None)
        .await;
    let mail: Value = response.json().await.unwrap();
    let code = mail[0]["code"]
        .as_str()
        .expect("a code in the demo mailbox")
        .to_owned();
    let events = turn(&app, &chat, &mut n, &code).await;
    assert!(tool_ok(&events, "refund_status"), "{events:#?}");
    let text = last_ai(&events)["text"].as_str().unwrap();
    assert!(
        text.contains("ORD-10014") && text.contains("business days"),
        "{text}"
    );
}

#[tokio::test]
async fn a_help_centre_question_needs_no_verification() {
    let app = spawn_agent_app().await;
    let chat = app.open().await;
    let mut n = 0;
    let events = turn(
        &app,
        &chat,
        &mut n,
        "How long does it take to get my money back after a shop refunds me?",
    )
    .await;
    let answer = last_ai(&events)["text"].as_str().unwrap();
    assert!(
        answer.contains("business days") && answer.contains("help.acmepay.example"),
        "{answer}"
    );
    assert!(last_ai(&events)["awaiting"].is_null());
}

#[tokio::test]
async fn asking_for_a_person_hands_off_at_once_and_the_ai_then_stays_silent() {
    let app = spawn_agent_app().await;
    let chat = app.open_as("cus_lena").await;
    let mut n = 0;
    let events = turn(
        &app,
        &chat,
        &mut n,
        "Ich möchte bitte mit einem Menschen sprechen",
    )
    .await;
    let handoff = events
        .iter()
        .find(|e| e["kind"] == "handoff")
        .unwrap_or_else(|| panic!("{events:#?}"));
    assert_eq!(handoff["handoff"]["reason"], "human_request");
    assert_eq!(last_ai(&events)["language"], "de");
    let conversation: Value = app
        .get(
            &format!("/api/v1/conversations/{}", chat.id),
            Some(&chat.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(conversation["state"], "queued");
    let events = turn(&app, &chat, &mut n, "hallo?").await;
    assert!(ai(&events).is_empty(), "{events:#?}");
}

#[tokio::test]
async fn fraud_is_an_urgent_handoff() {
    let app = spawn_agent_app().await;
    let chat = app.open_as("cus_oliver").await;
    let mut n = 0;
    let events = turn(
        &app,
        &chat,
        &mut n,
        "There's an ASOS order on my account that I never made, someone used my details",
    )
    .await;
    let handoff = events
        .iter()
        .find(|e| e["kind"] == "handoff")
        .unwrap_or_else(|| panic!("{events:#?}"));
    assert_eq!(handoff["handoff"]["reason"], "fraud");
    assert_eq!(handoff["handoff"]["priority"], "urgent");
}

#[tokio::test]
async fn deletion_with_a_balance_is_refused_with_the_reason() {
    let app = spawn_agent_app().await;
    let chat = app.open_as("cus_anna").await;
    let mut n = 0;
    let events = turn(&app, &chat, &mut n, "Please delete my account").await;
    assert!(!tool_ok(&events, "request_account_deletion"), "{events:#?}");
    let text = last_ai(&events)["text"].as_str().unwrap().to_lowercase();
    assert!(text.contains("balance") || text.contains("owe"), "{text}");
    assert!(events.iter().all(|e| e["kind"] != "handoff"));
}

#[tokio::test]
async fn a_repeated_message_returns_the_same_answer_without_a_second_reply() {
    let app = spawn_agent_app().await;
    let chat = app.open_as("cus_anna").await;
    let first = app
        .say(&chat, "can I extend my Zalando payment?", "same")
        .await;
    let again = app
        .say(&chat, "can I extend my Zalando payment?", "same")
        .await;
    assert_eq!(first, again);
    let all = app.events(&chat, 0).await;
    assert_eq!(ai(&all).len(), ai(&first).len());
}

#[tokio::test]
async fn a_customer_gets_a_payment_link_after_a_yes() {
    let app = spawn_agent_app().await;
    let chat = app.open_as("cus_oliver").await;
    let mut n = 0;
    let events = turn(
        &app,
        &chat,
        &mut n,
        "I'd like to pay my ASOS instalment now, can you send me a link?",
    )
    .await;
    let proposal = last_ai(&events);
    assert_eq!(proposal["awaiting"], "confirm", "{events:#?}");
    assert!(
        proposal["text"].as_str().unwrap().contains("ORD-10013"),
        "{proposal:#?}"
    );
    let events = turn(&app, &chat, &mut n, "yes").await;
    assert!(tool_ok(&events, "send_payment_link"), "{events:#?}");
    assert!(
        last_ai(&events)["text"].as_str().unwrap().contains("http"),
        "{events:#?}"
    );
}

#[tokio::test]
async fn no_to_a_proposal_changes_nothing() {
    let app = spawn_agent_app().await;
    let chat = app.open_as("cus_anna").await;
    let before = order_json(&app, "ORD-10001").await;
    let mut n = 0;
    let events = turn(
        &app,
        &chat,
        &mut n,
        "can you push back the due date on my Zalando purchase?",
    )
    .await;
    assert_eq!(last_ai(&events)["awaiting"], "confirm");
    let events = turn(&app, &chat, &mut n, "no").await;
    assert!(!tool_ok(&events, "extend_due_date"));
    assert!(last_ai(&events)["awaiting"].is_null());
    assert_eq!(order_json(&app, "ORD-10001").await, before);
}
