//! Rate limits per client IP (all API routes) and per conversation token.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::AppState;
use crate::error::ApiError;

/// Requests per minute and burst sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    pub ip_per_minute: u32,
    pub ip_burst: u32,
    pub conversation_per_minute: u32,
    pub conversation_burst: u32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            ip_per_minute: 1200,
            ip_burst: 200,
            conversation_per_minute: 120,
            conversation_burst: 30,
        }
    }
}

pub struct RateLimits {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_conversation: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

fn quota(per_minute: u32, burst: u32) -> Quota {
    let per_minute = NonZeroU32::new(per_minute.max(1)).expect("at least 1");
    let burst = NonZeroU32::new(burst.max(1)).expect("at least 1");
    Quota::per_minute(per_minute).allow_burst(burst)
}

impl RateLimits {
    pub fn new(settings: RateLimitSettings) -> Self {
        Self {
            per_ip: RateLimiter::keyed(quota(settings.ip_per_minute, settings.ip_burst)),
            per_conversation: RateLimiter::keyed(quota(
                settings.conversation_per_minute,
                settings.conversation_burst,
            )),
            clock: DefaultClock::default(),
        }
    }

    pub fn check_ip(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.per_ip.check_key(&ip).map_err(|not_until| {
            ApiError::rate_limited(not_until.wait_time_from(self.clock.now()).as_secs())
        })
    }

    pub fn check_conversation(&self, conversation: &str) -> Result<(), ApiError> {
        self.per_conversation
            .check_key(&conversation.to_owned())
            .map_err(|not_until| {
                ApiError::rate_limited(not_until.wait_time_from(self.clock.now()).as_secs())
            })
    }

    /// Forgets keys whose limits have fully recovered, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_conversation.retain_recent();
        self.per_ip.shrink_to_fit();
        self.per_conversation.shrink_to_fit();
    }
}

/// Middleware: the per-IP limit. Requests without a peer address (in-process calls)
/// pass.
pub async fn limit_by_ip(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(ip) = peer
        && let Err(e) = state.limits.check_ip(ip)
    {
        return e.into_response();
    }
    next.run(request).await
}
