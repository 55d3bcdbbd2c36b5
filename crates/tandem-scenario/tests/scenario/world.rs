//! Worlds round-trip: what `build_world` writes, the store gives back unchanged, and
//! `final_state` exports it in FORMAT.md's shape.

use serde_json::json;
use tandem_scenario::{Scenario, WorldError, build_world, final_state, state_of};
use tandem_store::{LedgerStore, Store};
use tandem_store_postgres::{PostgresStore, create_test_database};
use tandem_store_sqlite::SqliteStore;

use crate::public_scenarios;

async fn fresh_sqlite() -> (SqliteStore, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "tandem-scenario-world-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let store = SqliteStore::open(&dir.join("world.db")).await.unwrap();
    (store, dir)
}

async fn fresh_postgres() -> PostgresStore {
    let admin = std::env::var("TANDEM_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let url = create_test_database(&admin)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL is needed for this test ({admin}): {e}"));
    PostgresStore::connect(&url, 2).await.unwrap()
}

/// Builds the world and checks every customer and order reads back as written.
async fn round_trip(scenario: &Scenario, store: &dyn Store) {
    build_world(scenario, store)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", scenario.id));
    let id = &scenario.id;
    assert_eq!(
        store
            .customer(&scenario.customer.id)
            .await
            .unwrap()
            .as_ref(),
        Some(&scenario.customer),
        "{id}"
    );
    for other in &scenario.other_customers {
        assert_eq!(
            store.customer(&other.customer.id).await.unwrap().as_ref(),
            Some(&other.customer),
            "{id}"
        );
    }
    for merchant in &scenario.merchants {
        assert_eq!(
            store.merchant(&merchant.id).await.unwrap().as_ref(),
            Some(merchant),
            "{id}"
        );
    }
    for order in scenario.all_orders() {
        let stored = store
            .order(&order.id)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{id}: {} missing", order.id));
        assert_eq!(&stored.order, order, "{id}");
    }
    assert_eq!(
        store.all_orders().await.unwrap().len(),
        scenario.all_orders().count(),
        "{id}: nothing else in the store"
    );

    let state = final_state(store, scenario).await.unwrap();
    assert_eq!(state, state_of(&scenario.orders), "{id}");
    let ids: Vec<&str> = state["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = scenario.orders.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids, want,
        "{id}: the speaker's orders only, in scenario order"
    );
}

#[tokio::test]
async fn every_public_world_round_trips_on_sqlite() {
    let Some(scenarios) = public_scenarios() else {
        return;
    };
    for scenario in &scenarios {
        let (store, dir) = fresh_sqlite().await;
        round_trip(scenario, &store).await;
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[tokio::test]
async fn a_world_round_trips_on_postgres() {
    let Some(scenarios) = public_scenarios() else {
        return;
    };
    let scenario = scenarios
        .iter()
        .find(|s| s.id == "foreign-order-en")
        .expect("foreign-order-en has other customers");
    let store = fresh_postgres().await;
    round_trip(scenario, &store).await;
    store.close().await;
}

const WORLD: &str = r#"
id: shape
about: The final_state shape.
language: en
now: 2026-11-23T10:00:00Z
customer: {id: cus_a, name: A, email: a@example.com, market: US}
merchants: [{id: m_n, name: Nike}]
orders:
  - {id: ORD-1, merchant: m_n, created_at: 2026-11-10, currency: USD, plan: pay_in_4, status: active,
     installments: [{due: 2026-11-10, amount: "30.00", status: paid}, {due: 2026-11-24, amount: "30.00"}]}
customer_says: [hi]
expect: {handoff: any}
"#;

#[tokio::test]
async fn final_state_has_the_report_shape_and_sees_changes() {
    let scenario = tandem_scenario::parse_scenario("shape.yaml".as_ref(), WORLD).unwrap();
    let (store, dir) = fresh_sqlite().await;
    build_world(&scenario, &store).await.unwrap();
    let mut changed = scenario.orders[0].clone();
    changed.installments[1].due += time::Duration::days(10);
    store.put_order(&changed).await.unwrap();
    assert_eq!(
        final_state(&store, &scenario).await.unwrap(),
        json!({"orders": [{"id": "ORD-1", "status": "active", "installments": [
            {"seq": 1, "due": "2026-11-10", "status": "paid"},
            {"seq": 2, "due": "2026-12-04", "status": "scheduled"}]}]})
    );
    store.close().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn unknown_merchants_and_missing_orders_are_errors() {
    let scenario = tandem_scenario::parse_scenario("shape.yaml".as_ref(), WORLD).unwrap();
    let (store, dir) = fresh_sqlite().await;
    let err = final_state(&store, &scenario).await.unwrap_err();
    assert!(matches!(err, WorldError::MissingOrder { .. }), "{err}");

    let mut bad = scenario.clone();
    bad.merchants.clear();
    let err = build_world(&bad, &store).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "scenario shape: order ORD-1 names merchant m_n, which the scenario does not list"
    );
    assert!(
        store
            .customer(&scenario.customer.id)
            .await
            .unwrap()
            .is_none(),
        "nothing written"
    );
    store.close().await;
    std::fs::remove_dir_all(dir).unwrap();
}
