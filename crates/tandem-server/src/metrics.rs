//! Prometheus metrics: requests by route, WebSocket connections, appended events.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

pub const HTTP_REQUESTS: &str = "tandem_http_requests_total";
pub const HTTP_DURATION: &str = "tandem_http_request_duration_seconds";
pub const WS_CONNECTIONS: &str = "tandem_websocket_connections";
pub const EVENTS_APPENDED: &str = "tandem_events_appended_total";
pub const AGENT_TURN_SECONDS: &str = "tandem_agent_turn_seconds";

/// Installs the process-wide recorder once and returns its handle.
pub fn recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full(HTTP_DURATION.to_owned()),
                    &[
                        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                    ],
                )
                .expect("buckets are not empty")
                .install_recorder()
                .expect("the metrics recorder is installed once")
        })
        .clone()
}

/// Middleware: counts and times every request, labelled by route pattern (not raw path,
/// so ids do not explode the label set).
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(HTTP_REQUESTS, "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(HTTP_DURATION, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
