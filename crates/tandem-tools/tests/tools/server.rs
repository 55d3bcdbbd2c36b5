//! `tandem ledger serve`'s router as a company's developer sees it: raw HTTP and JSON.

use std::sync::Arc;

use serde_json::{Value, json};
use tandem_domain::FixedClock;
use tandem_tools::{BuiltinLedger, ledger_server};

use crate::world::{self, NOW};

async fn served() -> (world::Server, world::World) {
    let w = world::builtin().await;
    let router = ledger_server::router(
        Arc::new(BuiltinLedger::new(Arc::clone(&w.store))),
        Arc::new(FixedClock::new(NOW)),
    );
    (world::spawn(router).await, w)
}

#[tokio::test]
async fn reads_answer_the_documented_json() {
    let (server, _w) = served().await;
    let order: Value = reqwest::get(format!("{}/orders/ORD-1001", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(order["version"], 1);
    assert_eq!(order["merchant"], "m_zal");
    assert_eq!(order["delivered_at"], "2026-11-03");
    assert_eq!(
        order["items"],
        json!([{"name": "Winter boots", "price": "1200.00"}])
    );
    assert_eq!(
        order["installments"],
        json!([{"seq": 1, "due": "2026-12-03", "amount": "1200.00", "status": "scheduled"}])
    );
    let list: Value = reqwest::get(format!("{}/customers/cus_anna/orders", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["orders"].as_array().unwrap().len(), 2);
    let none: Value = reqwest::get(format!("{}/customers/cus_nobody/orders", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(none, json!({"orders": []}));
    let merchant: Value = reqwest::get(format!("{}/merchants/m_elg", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        merchant,
        json!({"id": "m_elg", "name": "Elgiganten", "support_email": "help@m_elg.example", "return_window_days": 30})
    );
}

/// Method, path, idempotency key, body, expected status and error code.
type Case<'a> = (&'a str, &'a str, Option<&'a str>, Value, u16, &'a str);

#[tokio::test]
async fn bad_requests_get_json_errors_with_fitting_statuses() {
    let (server, _w) = served().await;
    let extend = json!({"order": "ORD-1001", "version": 1, "installment": 1, "currency": "SEK", "amount": "1200.00", "from": "2026-12-03", "to": "2026-12-13"});
    let mut stale = extend.clone();
    stale["version"] = json!(7);
    let cases: &[Case] = &[
        (
            "GET",
            "/orders/ORD-9999",
            None,
            Value::Null,
            404,
            "not_found",
        ),
        (
            "GET",
            "/orders/not%20an%20id",
            None,
            Value::Null,
            400,
            "invalid_id",
        ),
        (
            "GET",
            "/merchants/m_nope",
            None,
            Value::Null,
            404,
            "not_found",
        ),
        ("GET", "/nowhere", None, Value::Null, 404, "not_found"),
        (
            "DELETE",
            "/orders/ORD-1001",
            None,
            Value::Null,
            405,
            "method_not_allowed",
        ),
        (
            "POST",
            "/operations/waive_fee",
            Some("k1"),
            json!({}),
            404,
            "unknown_operation",
        ),
        (
            "POST",
            "/operations/extend_due_date",
            None,
            extend.clone(),
            400,
            "missing_idempotency_key",
        ),
        (
            "POST",
            "/operations/extend_due_date",
            Some("k1"),
            json!({"order": "ORD-1001"}),
            400,
            "invalid_body",
        ),
        (
            "POST",
            "/operations/extend_due_date",
            Some("k1"),
            stale,
            409,
            "stale",
        ),
    ];
    let client = reqwest::Client::new();
    for (method, path, key, body, status, code) in cases {
        let mut request = client.request(method.parse().unwrap(), format!("{}{path}", server.base));
        if let Some(key) = key {
            request = request.header("Idempotency-Key", *key);
        }
        if !body.is_null() {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), *status, "{method} {path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], *code, "{method} {path}: {body}");
        assert!(body["error"]["message"].is_string());
    }
}

#[tokio::test]
async fn a_repeated_post_answers_the_first_result() {
    let (server, w) = served().await;
    let client = reqwest::Client::new();
    let extend = json!({"order": "ORD-1001", "version": 1, "installment": 1, "currency": "SEK", "amount": "1200.00", "from": "2026-12-03", "to": "2026-12-13"});
    let post = || {
        client
            .post(format!("{}/operations/extend_due_date", server.base))
            .header("Idempotency-Key", "abc-1")
            .json(&extend)
            .send()
    };
    let first = post().await.unwrap();
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["result"]["due"], "2026-12-13");
    let again: Value = post().await.unwrap().json().await.unwrap();
    assert_eq!(first, again);
    assert_eq!(
        world::due(&w.store, "ORD-1001").await,
        time::macros::date!(2026 - 12 - 13)
    );
}
