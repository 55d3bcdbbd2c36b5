//! Fixtures: a small ledger in a fresh SQLite store, and the engine over it through
//! either backend.

use std::hash::BuildHasher;
use std::sync::Arc;

use tandem_domain::ledger::rules::{Actor, RefusalReason, Rule};
use tandem_domain::ledger::{
    Installment, InstallmentStatus, Item, Merchant, MerchantId, Order, OrderId, OrderStatus, Plan,
};
use tandem_domain::{ConversationId, Currency, CustomerId, FixedClock, Money};
use tandem_store::Store;
use tandem_store_sqlite::SqliteStore;
use tandem_tools::{
    AccountBackend, BuiltinLedger, CallContext, Confirmation, HttpBackend, HttpBackendConfig,
    ToolOutcome, Tools, ledger_server,
};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use tokio::net::TcpListener;

pub const NOW: OffsetDateTime = datetime!(2026-11-23 10:00 UTC);

pub fn sek(amount: &str) -> Money {
    Money::parse(amount, Currency::parse("SEK").unwrap()).unwrap()
}

pub fn merchant(id: &str, name: &str) -> Merchant {
    Merchant {
        id: MerchantId::parse(id).unwrap(),
        name: name.into(),
        support_email: format!("help@{id}.example"),
        return_window_days: 30,
    }
}

pub fn order(id: &str, customer: &str, merchant: &str, amount: &str, due: Date) -> Order {
    Order {
        id: OrderId::parse(id).unwrap(),
        merchant: MerchantId::parse(merchant).unwrap(),
        customer: CustomerId::parse(customer).unwrap(),
        created_at: date!(2026 - 11 - 01),
        delivered_at: Some(date!(2026 - 11 - 03)),
        currency: Currency::parse("SEK").unwrap(),
        plan: Plan::PayIn30,
        status: OrderStatus::Active,
        items: vec![Item {
            name: "Winter boots".into(),
            price: sek(amount),
        }],
        installments: vec![Installment {
            seq: 1,
            due,
            amount: sek(amount),
            status: InstallmentStatus::Scheduled,
        }],
        extended: false,
        returns: vec![],
        refunds: vec![],
        disputes: vec![],
        fees: vec![],
    }
}

pub struct World {
    pub store: Arc<dyn Store>,
    pub tools: Tools,
    pub ctx: CallContext,
    /// The HTTP backend, when the engine goes through the contract.
    pub http: Option<Arc<HttpBackend>>,
    _server: Option<Server>,
    _dir: TempDir,
}

pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A server task, stopped when dropped.
pub struct Server {
    pub base: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A listener on a random free loopback port in 10000-30000.
pub async fn loopback_listener() -> TcpListener {
    for _ in 0..500 {
        let port =
            10_000 + (std::collections::hash_map::RandomState::new().hash_one(0u8) % 20_000) as u16;
        if let Ok(listener) = TcpListener::bind(("127.0.0.1", port)).await {
            return listener;
        }
    }
    panic!("no free loopback port in 10000-30000");
}

/// Serves `router` on a loopback port.
pub async fn spawn(router: axum::Router) -> Server {
    let listener = loopback_listener().await;
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    Server { base, task }
}

/// A fresh store holding two orders of Anna's and one of another customer's.
async fn seeded_store() -> (Arc<dyn Store>, TempDir) {
    let dir = TempDir(std::env::temp_dir().join(format!(
        "tandem-tools-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4()
    )));
    std::fs::create_dir_all(&dir.0).unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.0.join("t.db")).await.unwrap());
    store
        .upsert_merchant(&merchant("m_zal", "Zalando"))
        .await
        .unwrap();
    store
        .upsert_merchant(&merchant("m_elg", "Elgiganten"))
        .await
        .unwrap();
    store
        .put_order(&order(
            "ORD-1001",
            "cus_anna",
            "m_zal",
            "1200.00",
            date!(2026 - 12 - 03),
        ))
        .await
        .unwrap();
    store
        .put_order(&order(
            "ORD-1004",
            "cus_anna",
            "m_elg",
            "899.00",
            date!(2026 - 12 - 05),
        ))
        .await
        .unwrap();
    store
        .put_order(&order(
            "ORD-2001",
            "cus_other",
            "m_zal",
            "9990.00",
            date!(2026 - 12 - 16),
        ))
        .await
        .unwrap();
    (store, dir)
}

fn anna() -> CallContext {
    CallContext {
        actor: Actor::Ai,
        conversation: ConversationId::generate(),
        customer: Some(CustomerId::parse("cus_anna").unwrap()),
        event_seq: Some(1),
        now: NOW,
        language: "en".into(),
    }
}

/// The engine on the built-in ledger, in-process.
pub async fn builtin() -> World {
    let (store, dir) = seeded_store().await;
    let tools = Tools::new(
        Arc::new(BuiltinLedger::new(Arc::clone(&store))),
        Arc::clone(&store),
    );
    World {
        store,
        tools,
        ctx: anna(),
        http: None,
        _server: None,
        _dir: dir,
    }
}

/// The engine on an [`HttpBackend`] talking to `tandem ledger serve`'s router over the
/// built-in ledger, on a loopback port.
pub async fn http() -> World {
    http_over(|store| Arc::new(BuiltinLedger::new(store))).await
}

/// Like [`http`], with the served backend built by `backend` from the store.
pub async fn http_over(backend: impl FnOnce(Arc<dyn Store>) -> Arc<dyn AccountBackend>) -> World {
    let (store, dir) = seeded_store().await;
    let router = ledger_server::router(backend(Arc::clone(&store)), Arc::new(FixedClock::new(NOW)));
    let server = spawn(router).await;
    let http = Arc::new(HttpBackend::new(HttpBackendConfig::new(&server.base)).unwrap());
    let tools = Tools::new(
        Arc::clone(&http) as Arc<dyn AccountBackend>,
        Arc::clone(&store),
    );
    World {
        store,
        tools,
        ctx: anna(),
        http: Some(http),
        _server: Some(server),
        _dir: dir,
    }
}

pub async fn due(store: &Arc<dyn Store>, id: &str) -> Date {
    store
        .order(&OrderId::parse(id).unwrap())
        .await
        .unwrap()
        .unwrap()
        .order
        .installments[0]
        .due
}

pub fn proposal(outcome: &ToolOutcome) -> String {
    match outcome {
        ToolOutcome::Proposed(p) => p.proposal.clone(),
        other => panic!("expected a proposal, got {other:?}"),
    }
}

pub fn refusal(outcome: &ToolOutcome) -> (Rule, RefusalReason) {
    match outcome {
        ToolOutcome::Refused { refusal, .. } => (refusal.rule, refusal.reason.clone()),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

pub fn yes(proposal: &str) -> Confirmation {
    Confirmation {
        proposal: proposal.into(),
        shown_seq: 2,
        yes_seq: 3,
    }
}
