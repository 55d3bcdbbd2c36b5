//! [`HttpBackend`]: the [`AccountBackend`] that calls a company's own backend over the
//! ledger contract ([`crate::contract`], `docs/ledger-contract.md`).
//!
//! Reads are retried after a network failure, a timeout, a 429 or a 5xx, with a short
//! growing pause. Writes are sent once: a failed write is reported as
//! [`BackendError::Unavailable`] and the proposal stays pending; repeating it later sends
//! the same `Idempotency-Key`, so the backend applies it at most once.
//!
//! Every answer is checked before the engine sees it: an order must be the one asked
//! for, and a customer's order list must hold only that customer's orders (P2).
//!
//! Layout:
//! - this file: the backend.
//! - `config`: its settings.

mod config;

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use reqwest::{Response, StatusCode};
use tandem_domain::CustomerId;
use tandem_domain::ledger::{Merchant, MerchantId, OrderId};
use tandem_store::ledger::VersionedOrder;
use time::OffsetDateTime;

pub use config::{BearerToken, ContractPaths, HttpBackendConfig, HttpConfigError};

use crate::contract::{self, ErrorBody, MerchantWire, OrderWire, OrdersBody, ResultBody};
use crate::{AccountBackend, BackendError, LedgerOp};

/// The header that makes a write safe to repeat.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

pub struct HttpBackend {
    client: reqwest::Client,
    base: String,
    paths: ContractPaths,
    read_retries: u32,
    retry_backoff: Duration,
    auth: Option<HeaderValue>,
}

impl fmt::Debug for HttpBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpBackend")
            .field("base", &self.base)
            .field("read_retries", &self.read_retries)
            .finish_non_exhaustive()
    }
}

/// Why one attempt failed: worth another try (reads only) or not.
enum Failure {
    Transient(String),
    Fatal(BackendError),
}

impl HttpBackend {
    pub fn new(config: HttpBackendConfig) -> Result<Self, HttpConfigError> {
        let base = config.base_url.trim().trim_end_matches('/').to_owned();
        let scheme_ok = base.starts_with("http://") || base.starts_with("https://");
        if !scheme_ok
            || base.contains(['?', '#', ' '])
            || base.split("://").nth(1).is_none_or(str::is_empty)
        {
            return Err(HttpConfigError::BaseUrl(config.base_url));
        }
        let auth = match &config.token {
            Some(token) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                    .map_err(|_| {
                        HttpConfigError::Token("holds characters not allowed in a header".into())
                    })?;
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .user_agent(concat!("tandem/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HttpConfigError::Client(e.to_string()))?;
        Ok(Self {
            client,
            base,
            paths: config.paths,
            read_retries: config.read_retries,
            retry_backoff: config.retry_backoff,
            auth,
        })
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header(ACCEPT, "application/json");
        if let Some(auth) = &self.auth {
            request = request.header(AUTHORIZATION, auth.clone());
        }
        request
    }

    /// GETs `path`, retrying transient failures; `None` for a 404.
    async fn read<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<Option<T>, BackendError> {
        let mut attempt = 0;
        loop {
            match self.read_once(path).await {
                Ok(None) => return Ok(None),
                Ok(Some(bytes)) => {
                    return serde_json::from_slice(&bytes)
                        .map(Some)
                        .map_err(|e| BackendError::Protocol(format!("GET {path}: {e}")));
                }
                Err(Failure::Fatal(e)) => return Err(e),
                Err(Failure::Transient(why)) if attempt < self.read_retries => {
                    let pause = self.retry_backoff.saturating_mul(1 << attempt.min(10));
                    tracing::warn!(path, attempt, error = %why, ?pause, "ledger read failed; retrying");
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                Err(Failure::Transient(why)) => return Err(BackendError::Unavailable(why)),
            }
        }
    }

    async fn read_once(&self, path: &str) -> Result<Option<Vec<u8>>, Failure> {
        let what = format!("GET {path}");
        let response = self
            .request(reqwest::Method::GET, path)
            .send()
            .await
            .map_err(|e| Failure::Transient(describe(&what, &e)))?;
        let status = response.status();
        if status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if is_transient(status) {
            return Err(Failure::Transient(format!("{what} answered {status}")));
        }
        if !status.is_success() {
            return Err(Failure::Fatal(unexpected(&what, response).await));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Failure::Transient(describe(&what, &e)))?;
        Ok(Some(bytes.to_vec()))
    }
}

fn is_transient(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
}

fn describe(what: &str, e: &reqwest::Error) -> String {
    if e.is_timeout() {
        format!("{what} timed out")
    } else if e.is_connect() {
        format!("{what}: cannot connect ({e})")
    } else {
        format!("{what}: {e}")
    }
}

/// A status the contract does not allow here, with the backend's error code if any.
async fn unexpected(what: &str, response: Response) -> BackendError {
    let status = response.status();
    let detail = match response.json::<ErrorBody>().await {
        Ok(body) => format!(": {} {}", body.error.code, body.error.message),
        Err(_) => String::new(),
    };
    BackendError::Protocol(format!("{what} answered {status}{detail}"))
}

fn protocol(what: &str, e: impl fmt::Display) -> BackendError {
    BackendError::Protocol(format!("{what}: {e}"))
}

#[async_trait]
impl AccountBackend for HttpBackend {
    #[tracing::instrument(skip_all, fields(customer = %customer))]
    async fn orders(&self, customer: &CustomerId) -> Result<Vec<VersionedOrder>, BackendError> {
        let path = self
            .paths
            .with_id("customer_orders", "{customer}", customer.as_str());
        let Some(body) = self.read::<OrdersBody>(&path).await? else {
            return Ok(vec![]);
        };
        body.orders
            .into_iter()
            .map(|wire| {
                let v = VersionedOrder::try_from(wire).map_err(|e| protocol(&path, e))?;
                if &v.order.customer != customer {
                    return Err(protocol(
                        &path,
                        format!("order {} belongs to another customer", v.order.id),
                    ));
                }
                Ok(v)
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(order = %id))]
    async fn order(&self, id: &OrderId) -> Result<Option<VersionedOrder>, BackendError> {
        let path = self.paths.with_id("order", "{order}", id.as_str());
        let Some(wire) = self.read::<OrderWire>(&path).await? else {
            return Ok(None);
        };
        let v = VersionedOrder::try_from(wire).map_err(|e| protocol(&path, e))?;
        if &v.order.id != id {
            return Err(protocol(&path, format!("answered order {}", v.order.id)));
        }
        Ok(Some(v))
    }

    #[tracing::instrument(skip_all, fields(merchant = %id))]
    async fn merchant(&self, id: &MerchantId) -> Result<Option<Merchant>, BackendError> {
        let path = self.paths.with_id("merchant", "{merchant}", id.as_str());
        let Some(wire) = self.read::<MerchantWire>(&path).await? else {
            return Ok(None);
        };
        let m = Merchant::try_from(wire).map_err(|e| protocol(&path, e))?;
        if &m.id != id {
            return Err(protocol(&path, format!("answered merchant {}", m.id)));
        }
        Ok(Some(m))
    }

    /// Sent once, never retried here: the caller repeats it with the same key.
    #[tracing::instrument(skip_all, fields(tool = op.tool(), key = %key))]
    async fn execute(
        &self,
        op: &LedgerOp,
        key: &str,
        _now: OffsetDateTime,
    ) -> Result<serde_json::Value, BackendError> {
        let path = self.paths.get(op.tool()).to_owned();
        let what = format!("POST {path}");
        let key_value = HeaderValue::from_str(key)
            .map_err(|_| protocol(&what, "the idempotency key is not a valid header value"))?;
        let response = self
            .request(reqwest::Method::POST, &path)
            .header(IDEMPOTENCY_KEY, key_value)
            .json(&contract::operation_body(op))
            .send()
            .await
            .map_err(|e| BackendError::Unavailable(describe(&what, &e)))?;
        let status = response.status();
        if status == StatusCode::CONFLICT {
            let body = response
                .json::<ErrorBody>()
                .await
                .map_err(|e| protocol(&what, e))?;
            return match body.error.code.as_str() {
                "stale" => Err(BackendError::Stale(op_order(op))),
                other => Err(protocol(&what, format!("409 with code {other:?}"))),
            };
        }
        if is_transient(status) {
            return Err(BackendError::Unavailable(format!(
                "{what} answered {status}"
            )));
        }
        if !status.is_success() {
            return Err(unexpected(&what, response).await);
        }
        let body: ResultBody = response.json().await.map_err(|e| {
            if e.is_decode() {
                protocol(&what, e)
            } else {
                BackendError::Unavailable(describe(&what, &e))
            }
        })?;
        check_result(op, &body.result).map_err(|why| protocol(&what, why))?;
        Ok(body.result)
    }
}

fn op_order(op: &LedgerOp) -> String {
    match op {
        LedgerOp::ExtendDueDate { order, .. }
        | LedgerOp::ReportReturn { order, .. }
        | LedgerOp::OpenDispute { order, .. }
        | LedgerOp::SendPaymentLink { order, .. } => order.to_string(),
        LedgerOp::RequestAccountDeletion { customer } => customer.to_string(),
    }
}

/// The result fields the customer is told about must be there.
fn check_result(op: &LedgerOp, result: &serde_json::Value) -> Result<(), String> {
    if !result.is_object() {
        return Err("result is not a JSON object".into());
    }
    let required: &[&str] = match op {
        LedgerOp::ExtendDueDate { .. } => &["due"],
        LedgerOp::ReportReturn { .. } => &["paused_until"],
        LedgerOp::SendPaymentLink { .. } => &["url"],
        LedgerOp::OpenDispute { .. } | LedgerOp::RequestAccountDeletion { .. } => &[],
    };
    match required.iter().find(|field| !result[**field].is_string()) {
        Some(field) => Err(format!("result lacks the string field {field:?}")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_default_and_override() {
        let mut paths = ContractPaths::default();
        assert_eq!(paths.with_id("order", "{order}", "ORD-1"), "/orders/ORD-1");
        assert_eq!(
            paths.with_id("customer_orders", "{customer}", "a b"),
            "/customers/a%20b/orders"
        );
        paths.set("order", "/v2/order/{order}/details").unwrap();
        assert_eq!(
            paths.with_id("order", "{order}", "ORD-1"),
            "/v2/order/ORD-1/details"
        );
        paths.set("extend_due_date", "/ops/extend").unwrap();
        assert_eq!(paths.get("extend_due_date"), "/ops/extend");
        assert!(paths.set("order", "/v2/order").is_err(), "needs {{order}}");
        assert!(paths.set("refund", "/x").is_err());
        assert!(paths.set("merchant", "merchants/{merchant}").is_err());
    }

    #[test]
    fn configs_are_checked_and_tokens_never_print() {
        for bad in ["ledger.example", "ftp://x", "https://", "https://x?y=1"] {
            assert!(
                HttpBackend::new(HttpBackendConfig::new(bad)).is_err(),
                "{bad}"
            );
        }
        let mut config = HttpBackendConfig::new("https://ledger.example/tandem/");
        config.token = Some(BearerToken::new("s3cret-token"));
        assert!(!format!("{config:?}").contains("s3cret"));
        let backend = HttpBackend::new(config).unwrap();
        assert_eq!(backend.base, "https://ledger.example/tandem");
        assert!(!format!("{backend:?}").contains("s3cret"));
    }
}
