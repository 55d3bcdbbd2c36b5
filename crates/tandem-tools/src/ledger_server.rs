//! The ledger contract served over HTTP for any [`AccountBackend`], normally the
//! [`crate::BuiltinLedger`] (`tandem ledger serve`). It is the reference implementation
//! of `docs/ledger-contract.md`, and what [`crate::HttpBackend`] is tested against.
//!
//! Every error answers `{"error": {"code", "message"}}` with the status of
//! [`ErrorCode`]; backend failures are logged in full and answered opaquely.

use std::future::Future;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tandem_domain::ledger::{MerchantId, OrderId};
use tandem_domain::{Clock, CustomerId};
use tokio::net::TcpListener;

use crate::contract::{
    self, ErrorBody, ErrorCode, ErrorDetail, MerchantWire, OrderWire, OrdersBody, ResultBody,
    WireError,
};
use crate::http_adapter::IDEMPOTENCY_KEY;
use crate::{AccountBackend, BackendError};

/// The longest idempotency key accepted.
pub const MAX_KEY_LEN: usize = 255;

#[derive(Clone)]
struct LedgerState {
    backend: Arc<dyn AccountBackend>,
    clock: Arc<dyn Clock>,
}

/// The contract's routes over `backend`; `clock` dates the writes.
pub fn router(backend: Arc<dyn AccountBackend>, clock: Arc<dyn Clock>) -> Router {
    Router::new()
        .route("/customers/{customer}/orders", get(get_customer_orders))
        .route("/orders/{order}", get(get_order))
        .route("/merchants/{merchant}", get(get_merchant))
        .route("/operations/{tool}", post(post_operation))
        .fallback(|| async { ContractError::new(ErrorCode::NotFound, "no such route") })
        .method_not_allowed_fallback(|| async {
            ContractError::new(
                ErrorCode::MethodNotAllowed,
                "method not allowed on this route",
            )
        })
        .with_state(LedgerState { backend, clock })
}

/// Serves [`router`] on `listener` until `shutdown` completes, then finishes the
/// requests in flight.
pub async fn serve(
    listener: TcpListener,
    backend: Arc<dyn AccountBackend>,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(backend, clock))
        .with_graceful_shutdown(shutdown)
        .await
}

/// An error as the contract renders it.
#[derive(Debug)]
pub struct ContractError {
    code: ErrorCode,
    message: String,
}

impl ContractError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl IntoResponse for ContractError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.as_str().to_owned(),
                message: self.message,
            },
        };
        (status, Json(body)).into_response()
    }
}

impl From<BackendError> for ContractError {
    fn from(e: BackendError) -> Self {
        match e {
            BackendError::Stale(order) => Self::new(
                ErrorCode::Stale,
                format!("order {order} changed since it was read; read it again"),
            ),
            BackendError::Unavailable(why) => {
                tracing::warn!(error = %why, "ledger unavailable");
                Self::new(
                    ErrorCode::Unavailable,
                    "the ledger is unavailable; try again later",
                )
            }
            BackendError::Protocol(why) => {
                tracing::error!(error = %why, "ledger failed");
                Self::new(ErrorCode::Internal, "internal error")
            }
        }
    }
}

impl From<WireError> for ContractError {
    fn from(e: WireError) -> Self {
        match e {
            WireError::UnknownOperation(_) => Self::new(ErrorCode::UnknownOperation, e.to_string()),
            WireError::Json(_) | WireError::Invalid { .. } => {
                Self::new(ErrorCode::InvalidBody, e.to_string())
            }
        }
    }
}

fn invalid_id(e: tandem_domain::ParseError) -> ContractError {
    ContractError::new(ErrorCode::InvalidId, e.to_string())
}

#[tracing::instrument(skip_all, fields(customer = %raw))]
async fn get_customer_orders(
    State(s): State<LedgerState>,
    Path(raw): Path<String>,
) -> Result<Json<OrdersBody>, ContractError> {
    let customer = CustomerId::parse(&raw).map_err(invalid_id)?;
    let orders = s.backend.orders(&customer).await?;
    Ok(Json(OrdersBody {
        orders: orders.iter().map(OrderWire::from).collect(),
    }))
}

#[tracing::instrument(skip_all, fields(order = %raw))]
async fn get_order(
    State(s): State<LedgerState>,
    Path(raw): Path<String>,
) -> Result<Json<OrderWire>, ContractError> {
    let id = OrderId::parse(&raw).map_err(invalid_id)?;
    match s.backend.order(&id).await? {
        Some(v) => Ok(Json(OrderWire::from(&v))),
        None => Err(ContractError::new(
            ErrorCode::NotFound,
            format!("no order {raw}"),
        )),
    }
}

#[tracing::instrument(skip_all, fields(merchant = %raw))]
async fn get_merchant(
    State(s): State<LedgerState>,
    Path(raw): Path<String>,
) -> Result<Json<MerchantWire>, ContractError> {
    let id = MerchantId::parse(&raw).map_err(invalid_id)?;
    match s.backend.merchant(&id).await? {
        Some(m) => Ok(Json(MerchantWire::from(&m))),
        None => Err(ContractError::new(
            ErrorCode::NotFound,
            format!("no merchant {raw}"),
        )),
    }
}

#[tracing::instrument(skip_all, fields(tool = %tool))]
async fn post_operation(
    State(s): State<LedgerState>,
    Path(tool): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ResultBody>, ContractError> {
    // An unknown operation is named as such before its body is looked at.
    if !contract::OPERATIONS.contains(&tool.as_str()) {
        return Err(WireError::UnknownOperation(tool).into());
    }
    let key = idempotency_key(&headers)?;
    let op = contract::parse_operation(&tool, &body)?;
    let result = s.backend.execute(&op, key, s.clock.now()).await?;
    tracing::info!(key, "ledger operation applied");
    Ok(Json(ResultBody { result }))
}

/// 1-255 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<&str, ContractError> {
    let missing = || {
        ContractError::new(
            ErrorCode::MissingIdempotencyKey,
            format!(
                "every operation needs an {IDEMPOTENCY_KEY} header of 1-{MAX_KEY_LEN} visible ASCII characters"
            ),
        )
    };
    let key = headers
        .get(IDEMPOTENCY_KEY)
        .ok_or_else(missing)?
        .to_str()
        .map_err(|_| missing())?;
    let ok =
        !key.is_empty() && key.len() <= MAX_KEY_LEN && key.bytes().all(|b| b.is_ascii_graphic());
    if ok { Ok(key) } else { Err(missing()) }
}
