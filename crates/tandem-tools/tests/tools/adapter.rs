//! The HTTP adapter's own promises: reads retry, writes do not, timeouts and bad answers
//! are named, stale writes become "changed meanwhile", keys make writes happen once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::{Value, json};
use tandem_domain::CustomerId;
use tandem_domain::ledger::rules::{Extension, RefusalReason, Rule};
use tandem_domain::ledger::{Merchant, MerchantId, OrderId};
use tandem_store::Store;
use tandem_store::ledger::VersionedOrder;
use tandem_tools::{
    AccountBackend, BackendError, BearerToken, BuiltinLedger, Executed, HttpBackend,
    HttpBackendConfig, LedgerOp, ToolRequest,
};
use time::OffsetDateTime;
use time::macros::date;

use crate::world::{self, NOW, Server, due, proposal, sek, yes};

fn backend(server: &Server, configure: impl FnOnce(&mut HttpBackendConfig)) -> HttpBackend {
    let mut config = HttpBackendConfig::new(&server.base);
    config.retry_backoff = Duration::from_millis(5);
    configure(&mut config);
    HttpBackend::new(config).unwrap()
}

fn zalando() -> Value {
    json!({"id": "m_zal", "name": "Zalando", "support_email": "help@m_zal.example", "return_window_days": 30})
}

fn extension_of(v: &VersionedOrder) -> LedgerOp {
    let due = v.order.installments[0].due;
    LedgerOp::ExtendDueDate {
        order: v.order.id.clone(),
        version: v.version,
        extension: Extension {
            installment: 1,
            amount: v.order.installments[0].amount,
            from: due,
            to: due + time::Duration::days(10),
        },
    }
}

/// A router whose handlers count their calls and answer from `answer(call number)`.
fn counting<F>(calls: &Arc<AtomicUsize>, answer: F) -> Router
where
    F: Fn(usize) -> (StatusCode, Value) + Clone + Send + Sync + 'static,
{
    let handler = {
        let calls = Arc::clone(calls);
        move || {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            let (status, body) = answer(n);
            async move { (status, axum::Json(body)) }
        }
    };
    Router::new()
        .route("/merchants/{id}", get(handler.clone()))
        .route("/operations/{tool}", post(handler))
}

#[tokio::test]
async fn reads_are_retried_after_a_transient_failure() {
    let calls = Arc::new(AtomicUsize::new(0));
    let server = world::spawn(counting(&calls, |n| {
        if n == 1 {
            (StatusCode::SERVICE_UNAVAILABLE, json!({}))
        } else {
            (StatusCode::OK, zalando())
        }
    }))
    .await;
    let merchant = backend(&server, |_| {})
        .merchant(&MerchantId::parse("m_zal").unwrap())
        .await
        .unwrap();
    assert_eq!(merchant.map(|m| m.name), Some("Zalando".to_owned()));
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one failure, one retry");

    let calls = Arc::new(AtomicUsize::new(0));
    let server = world::spawn(counting(&calls, |_| (StatusCode::BAD_GATEWAY, json!({})))).await;
    let err = backend(&server, |c| c.read_retries = 2)
        .merchant(&MerchantId::parse("m_zal").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, BackendError::Unavailable(_)), "{err:?}");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "the first try and two retries"
    );
}

#[tokio::test]
async fn writes_are_sent_once() {
    let calls = Arc::new(AtomicUsize::new(0));
    let server = world::spawn(counting(&calls, |_| {
        (StatusCode::SERVICE_UNAVAILABLE, json!({}))
    }))
    .await;
    let op = LedgerOp::RequestAccountDeletion {
        customer: CustomerId::parse("cus_anna").unwrap(),
    };
    let err = backend(&server, |c| c.read_retries = 5)
        .execute(&op, "key-1", NOW)
        .await
        .unwrap_err();
    assert!(matches!(err, BackendError::Unavailable(_)), "{err:?}");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "a write is never retried by the adapter"
    );
}

#[tokio::test]
async fn a_timeout_is_reported_as_unavailable() {
    let never = || async { std::future::pending::<StatusCode>().await };
    let server = world::spawn(
        Router::new()
            .route("/merchants/{id}", get(never))
            .route("/operations/{tool}", post(never)),
    )
    .await;
    let slow = backend(&server, |c| {
        c.timeout = Duration::from_millis(200);
        c.read_retries = 0;
    });
    match slow.merchant(&MerchantId::parse("m_zal").unwrap()).await {
        Err(BackendError::Unavailable(why)) => assert!(why.contains("timed out"), "{why}"),
        other => panic!("{other:?}"),
    }
    let op = LedgerOp::RequestAccountDeletion {
        customer: CustomerId::parse("cus_anna").unwrap(),
    };
    assert!(matches!(
        slow.execute(&op, "key-1", NOW).await,
        Err(BackendError::Unavailable(_))
    ));
}

#[tokio::test]
async fn bad_answers_are_protocol_errors() {
    let foreign = json!({"orders": [{
        "id": "ORD-2001", "version": 1, "merchant": "m_zal", "customer": "cus_other", "created_at": "2026-11-01",
        "currency": "SEK", "plan": "pay_in_30", "status": "active",
        "installments": [{"seq": 1, "due": "2026-12-16", "amount": "9990.00", "status": "scheduled"}]
    }]});
    let router = Router::new()
        .route(
            "/customers/{id}/orders",
            get(move || async move { axum::Json(foreign.clone()) }),
        )
        .route("/orders/{id}", get(|| async { "not json" }))
        .route(
            "/merchants/{id}",
            get(|| async {
                axum::Json(json!({"id": "m_other", "name": "Other", "support_email": "x@y"}))
            }),
        )
        .route(
            "/operations/{tool}",
            post(|| async { axum::Json(json!({"result": {"order": "ORD-1001"}})) }),
        );
    let server = world::spawn(router).await;
    let b = backend(&server, |_| {});
    let protocol = |r: Result<(), BackendError>| matches!(r, Err(BackendError::Protocol(_)));
    assert!(
        protocol(
            b.orders(&CustomerId::parse("cus_anna").unwrap())
                .await
                .map(drop)
        ),
        "another customer's order is never passed on (P2)"
    );
    assert!(protocol(
        b.order(&OrderId::parse("ORD-1001").unwrap())
            .await
            .map(drop)
    ));
    assert!(protocol(
        b.merchant(&MerchantId::parse("m_zal").unwrap())
            .await
            .map(drop)
    ));
    let v = VersionedOrder {
        order: world::order(
            "ORD-1001",
            "cus_anna",
            "m_zal",
            "1200.00",
            date!(2026 - 12 - 03),
        ),
        version: 1,
    };
    assert!(
        protocol(b.execute(&extension_of(&v), "key-1", NOW).await.map(drop)),
        "an extension result must name the new due date"
    );
}

#[tokio::test]
async fn the_bearer_token_is_sent_on_every_call() {
    let router = Router::new().route(
        "/merchants/{id}",
        get(|headers: HeaderMap| async move {
            match headers.get("authorization").and_then(|v| v.to_str().ok()) {
                Some("Bearer t0ken") => (StatusCode::OK, axum::Json(zalando())).into_response(),
                _ => StatusCode::UNAUTHORIZED.into_response(),
            }
        }),
    );
    let server = world::spawn(router).await;
    let id = MerchantId::parse("m_zal").unwrap();
    assert!(
        matches!(
            backend(&server, |_| {}).merchant(&id).await,
            Err(BackendError::Protocol(_))
        ),
        "401 is a configuration problem"
    );
    let with_token = backend(&server, |c| c.token = Some(BearerToken::new("t0ken")));
    assert!(with_token.merchant(&id).await.unwrap().is_some());
}

/// Bumps the order's version just before each write, as if someone else changed it.
struct Meddling {
    store: Arc<dyn Store>,
    inner: BuiltinLedger,
}

#[async_trait]
impl AccountBackend for Meddling {
    async fn orders(&self, customer: &CustomerId) -> Result<Vec<VersionedOrder>, BackendError> {
        self.inner.orders(customer).await
    }
    async fn order(&self, id: &OrderId) -> Result<Option<VersionedOrder>, BackendError> {
        self.inner.order(id).await
    }
    async fn merchant(&self, id: &MerchantId) -> Result<Option<Merchant>, BackendError> {
        self.inner.merchant(id).await
    }
    async fn execute(
        &self,
        op: &LedgerOp,
        key: &str,
        now: OffsetDateTime,
    ) -> Result<Value, BackendError> {
        if let LedgerOp::ExtendDueDate { order, .. } = op {
            let current = self.store.order(order).await.unwrap().unwrap().order;
            self.store.put_order(&current).await.unwrap();
        }
        self.inner.execute(op, key, now).await
    }
}

#[tokio::test]
async fn a_stale_write_answers_409_and_the_engine_says_changed_meanwhile() {
    let w = world::http_over(|store| {
        Arc::new(Meddling {
            inner: BuiltinLedger::new(Arc::clone(&store)),
            store,
        })
    })
    .await;
    let p = proposal(
        &w.tools
            .call(
                &w.ctx,
                &ToolRequest::ExtendDueDate {
                    order: "ORD-1001".into(),
                },
            )
            .await
            .unwrap(),
    );
    match w.tools.confirm(&w.ctx, &yes(&p)).await.unwrap() {
        Executed::Refused { refusal, .. } => assert_eq!(
            (refusal.rule, refusal.reason),
            (Rule::P5, RefusalReason::ChangedMeanwhile)
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        due(&w.store, "ORD-1001").await,
        date!(2026 - 12 - 03),
        "nothing changed"
    );
}

#[tokio::test]
async fn a_repeated_idempotency_key_returns_the_first_result_and_changes_the_ledger_once() {
    let w = world::http().await;
    let http = w.http.clone().unwrap();
    let before = http
        .order(&OrderId::parse("ORD-1001").unwrap())
        .await
        .unwrap()
        .unwrap();
    let op = extension_of(&before);
    let first = http.execute(&op, "proposal-7", NOW).await.unwrap();
    let again = http.execute(&op, "proposal-7", NOW).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(first["due"], "2026-12-13");
    let after = http
        .order(&OrderId::parse("ORD-1001").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (after.order.installments[0].due, after.version),
        (date!(2026 - 12 - 13), before.version + 1),
        "applied once"
    );
    // Another key with the now stale version is refused.
    assert!(
        matches!(http.execute(&op, "proposal-8", NOW).await, Err(BackendError::Stale(id)) if id == "ORD-1001")
    );
    assert_eq!(due(&w.store, "ORD-1001").await, date!(2026 - 12 - 13));
    assert_eq!(sek("1200.00"), after.order.installments[0].amount);
}
