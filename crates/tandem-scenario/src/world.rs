//! A scenario's world in a store: [`build_world`] writes it into a fresh store through the
//! [`Store`] trait (so it works on every backend), [`final_state`] reads the speaker's
//! orders back in the `final_state` shape of FORMAT.md's JSON report.

use std::collections::HashSet;

use serde_json::{Value, json};
use tandem_domain::ledger::Order;
use tandem_store::{Store, StoreError};

use crate::Scenario;

#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    #[error(
        "scenario {scenario}: order {order} names merchant {merchant}, which the scenario does not list"
    )]
    UnknownMerchant {
        scenario: String,
        order: String,
        merchant: String,
    },
    #[error("scenario {scenario}: order {order} is missing from the store")]
    MissingOrder { scenario: String, order: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Writes the scenario's customers (the speaker and the other customers), merchants and
/// every order into `store`, which should be fresh: existing rows with the same ids are
/// replaced. Checks every order's merchant before writing anything.
pub async fn build_world(scenario: &Scenario, store: &dyn Store) -> Result<(), WorldError> {
    let merchants: HashSet<_> = scenario.merchants.iter().map(|m| &m.id).collect();
    if let Some(order) = scenario
        .all_orders()
        .find(|o| !merchants.contains(&o.merchant))
    {
        return Err(WorldError::UnknownMerchant {
            scenario: scenario.id.clone(),
            order: order.id.to_string(),
            merchant: order.merchant.to_string(),
        });
    }
    store.upsert_customer(&scenario.customer).await?;
    for other in &scenario.other_customers {
        store.upsert_customer(&other.customer).await?;
    }
    for merchant in &scenario.merchants {
        store.upsert_merchant(merchant).await?;
    }
    for order in scenario.all_orders() {
        store.put_order(order).await?;
    }
    Ok(())
}

/// The speaker's orders as they are now in `store`, in scenario order:
/// `{"orders": [{"id", "status", "installments": [{"seq", "due", "status"}]}]}`.
pub async fn final_state(store: &dyn Store, scenario: &Scenario) -> Result<Value, WorldError> {
    let mut orders = Vec::with_capacity(scenario.orders.len());
    for order in &scenario.orders {
        let stored = store
            .order(&order.id)
            .await?
            .ok_or_else(|| WorldError::MissingOrder {
                scenario: scenario.id.clone(),
                order: order.id.to_string(),
            })?;
        orders.push(stored.order);
    }
    Ok(state_of(&orders))
}

/// Orders in the `final_state` shape; dates as `YYYY-MM-DD`.
pub fn state_of(orders: &[Order]) -> Value {
    let orders: Vec<Value> = orders
        .iter()
        .map(|o| {
            let installments: Vec<Value> = o
                .installments
                .iter()
                .map(|i| {
                    json!({
                        "seq": i.seq,
                        "due": tandem_store::ledger::format_date(i.due),
                        "status": i.status.as_str(),
                    })
                })
                .collect();
            json!({"id": o.id.as_str(), "status": o.status.as_str(), "installments": installments})
        })
        .collect();
    json!({ "orders": orders })
}
