//! Demo-mode helpers: the personas a visitor can pick, and minting the signed customer
//! token a host app would mint after its own login. Mounted only in demo mode.

use axum::Json;
use axum::extract::State;
use tandem_domain::CustomerId;

use crate::AppState;
use crate::error::{ApiError, ErrorCode};
use crate::extract::ApiQuery;
use crate::wire::{DemoCustomer, DemoToken, DemoTokenQuery, ErrorBody};

/// How long a demo customer token is valid.
const DEMO_TOKEN_TTL: time::Duration = time::Duration::hours(12);

/// The demo customers, the personas first.
#[utoipa::path(get, path = "/demo/customers", tag = "demo", responses((status = 200, body = Vec<DemoCustomer>)))]
pub async fn list_customers(
    State(state): State<AppState>,
) -> Result<Json<Vec<DemoCustomer>>, ApiError> {
    let mut customers = state.store.customers().await?;
    // The demo personas first, in their order; then everyone else by id.
    let personas: Vec<_> = tandem_domain::demo::personas()
        .into_iter()
        .map(|c| c.id)
        .collect();
    customers.sort_by_key(|c| {
        personas
            .iter()
            .position(|p| *p == c.id)
            .unwrap_or(personas.len())
    });
    Ok(Json(
        customers
            .into_iter()
            .map(|c| DemoCustomer {
                id: c.id.as_str().to_owned(),
                name: c.name,
                market: c.market.as_str().to_owned(),
                language: c.language.as_str().to_owned(),
            })
            .collect(),
    ))
}

/// Mints a signed customer token for a demo customer.
#[utoipa::path(get, path = "/demo/customer-token", tag = "demo", params(DemoTokenQuery),
    responses((status = 200, body = DemoToken), (status = 404, body = ErrorBody)))]
pub async fn customer_token(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<DemoTokenQuery>,
) -> Result<Json<DemoToken>, ApiError> {
    let id = CustomerId::parse(&query.customer)?;
    let customer = state
        .store
        .customer(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    let key = state
        .customer_tokens
        .as_ref()
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "customer tokens are not configured"))?;
    Ok(Json(DemoToken {
        token: key.mint(&customer.id, state.clock.now(), DEMO_TOKEN_TTL),
    }))
}
