//! The audit trail over HTTP, for supervisors.

use std::sync::Arc;

use serde_json::Value;
use tandem_domain::ledger::rules::Actor;
use tandem_domain::{ConversationId, CustomerId};
use tandem_tools::{BuiltinLedger, CallContext, ToolRequest, Tools};

use crate::helpers::{error_code, spawn_app};

#[tokio::test]
async fn supervisors_read_every_tool_call_of_a_conversation() {
    let app = spawn_app().await;
    let store = Arc::clone(&app.state.store);
    let tools = Tools::new(Arc::new(BuiltinLedger::new(Arc::clone(&store))), store);
    let conversation = ConversationId::generate();
    let ctx = CallContext {
        actor: Actor::Ai,
        conversation: conversation.clone(),
        customer: None,
        event_seq: Some(1),
        now: time::OffsetDateTime::now_utc(),
        language: "en".into(),
    };
    tools.call(&ctx, &ToolRequest::LookupOrders).await.unwrap();
    let verified = CallContext {
        customer: Some(CustomerId::parse("cus_anna").unwrap()),
        event_seq: Some(3),
        ..ctx.clone()
    };
    tools
        .call(
            &verified,
            &ToolRequest::GetOrder {
                order: "ORD-404".into(),
            },
        )
        .await
        .unwrap();
    let elsewhere = CallContext {
        conversation: ConversationId::generate(),
        ..verified
    };
    tools
        .call(&elsewhere, &ToolRequest::LookupOrders)
        .await
        .unwrap();

    let path = format!("/api/v1/audit?conversation={conversation}");
    let body: Value = app
        .get(&path, Some("supervisor-secret"))
        .await
        .json()
        .await
        .unwrap();
    let records = body["records"].as_array().unwrap();
    assert_eq!(records.len(), 2, "{body}");
    assert_eq!(
        (
            records[0]["tool"].as_str(),
            records[0]["outcome"].as_str(),
            records[0]["rule"].as_str()
        ),
        (Some("lookup_orders"), Some("refused"), Some("P1"))
    );
    assert_eq!(
        (
            records[1]["rule"].as_str(),
            records[1]["customer"].as_str(),
            records[1]["event_seq"].as_u64()
        ),
        (Some("P2"), Some("cus_anna"), Some(3))
    );
    assert_eq!(records[1]["args"]["order"], "ORD-404");
    assert_eq!(records[0]["actor_kind"], "ai");
    let all: Value = app
        .get("/api/v1/audit", Some("supervisor-secret"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["records"].as_array().unwrap().len(), 3);

    assert_eq!(
        error_code(app.get(&path, None).await).await,
        (401, "unauthorized".into())
    );
    assert_eq!(
        error_code(app.get(&path, Some("wrong")).await).await,
        (401, "unauthorized".into())
    );
    let conversation_token = app.open().await.token;
    assert_eq!(
        error_code(app.get(&path, Some(&conversation_token)).await)
            .await
            .0,
        401,
        "customers cannot read the audit"
    );
    assert_eq!(
        error_code(
            app.get("/api/v1/audit?conversation=nope", Some("supervisor-secret"))
                .await
        )
        .await
        .0,
        422
    );
}
