//! The JSON shapes of the HTTP API. Domain types are converted here, by hand, at the edge.

pub mod agent;
pub mod identity;

use serde::{Deserialize, Serialize};
use tandem_domain::{Conversation, Customer, Event};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use utoipa::ToSchema;

const TIMESTAMP: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// UTC timestamp with milliseconds, e.g. `2026-11-23T10:00:00.123Z`.
pub fn timestamp(at: time::OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(TIMESTAMP)
        .expect("UTC times format")
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateConversationRequest {
    /// A signed customer token from the host app (HS256 JWT, `sub` = customer id); links
    /// the conversation to that customer as verified.
    pub customer_token: Option<String>,
    /// The customer's language, e.g. `en`, `sv`, `de`.
    pub language: Option<String>,
}

#[derive(Debug, Serialize, ToSchema, Clone, PartialEq)]
pub struct CustomerRef {
    pub id: String,
    pub name: String,
}

impl From<&Customer> for CustomerRef {
    fn from(c: &Customer) -> Self {
        Self {
            id: c.id.as_str().to_owned(),
            name: c.name.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedConversation {
    pub id: String,
    /// Authorises this conversation only. Shown once; tandem keeps only its hash.
    pub token: String,
    pub state: String,
    pub verified: bool,
    pub customer: Option<CustomerRef>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationView {
    pub id: String,
    /// `ai`, `queued`, `assigned` or `closed`.
    pub state: String,
    pub verified: bool,
    pub language: Option<String>,
    pub last_seq: u64,
    pub customer: Option<CustomerRef>,
    pub created_at: String,
    /// While waiting for a person: the place in the queue and the honest wait.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<agent::QueueView>,
    /// While a person has the conversation: who.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentName>,
}

/// The name a customer sees of the person helping them.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentName {
    pub name: String,
}

impl ConversationView {
    pub fn new(c: &Conversation, customer: Option<&Customer>) -> Self {
        Self {
            id: c.id.as_str().to_owned(),
            state: c.state.as_str().to_owned(),
            verified: c.verified,
            language: c.language.as_ref().map(|l| l.as_str().to_owned()),
            last_seq: c.last_seq,
            customer: customer.map(CustomerRef::from),
            created_at: timestamp(c.created_at),
            queue: None,
            agent: None,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PostMessageRequest {
    /// 1 to 4,000 characters.
    pub text: String,
    /// The client's id for this message; a repeat returns the original result.
    pub client_msg_id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CsatRequest {
    /// 1 (very unhappy) to 5 (very happy).
    pub score: i64,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EventsQuery {
    /// Return events with `seq` greater than this (default 0: from the start).
    #[serde(default)]
    pub after: u64,
    /// At most this many events (default and maximum 1000).
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct StreamQuery {
    #[serde(default)]
    pub after: u64,
    /// The conversation token, for clients (browsers) that cannot set headers on a
    /// WebSocket request.
    pub token: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuickReplyView {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ToolCallView {
    pub tool: String,
    #[schema(value_type = Object)]
    pub args: serde_json::Value,
    pub ok: bool,
}

#[derive(Debug, Serialize, ToSchema, Clone, PartialEq)]
pub struct HandoffView {
    /// `human_request`, `fraud`, `vulnerable`, `policy_exception`, `not_understood`, `frustration`.
    pub reason: String,
    /// `urgent`, `high` or `normal`.
    pub priority: String,
    pub summary: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CsatView {
    pub score: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// One event of a conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub seq: u64,
    pub at: String,
    /// `message`, `handoff`, `assigned`, `typing`, `note`, `closed` or `csat`.
    pub kind: String,
    /// `customer`, `ai`, `agent` or `system`.
    pub author: String,
    /// The person's id on agent events (and on `assigned` events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// What the reply waits for: `confirm`, `order`, `email`, `otp`, `reason`,
    /// `merchant_contacted`, `details`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awaiting: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quick_replies: Option<Vec<QuickReplyView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<ToolCallView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handoff: Option<HandoffView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csat: Option<CsatView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_msg_id: Option<String>,
}

fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

impl From<&Event> for EventView {
    fn from(e: &Event) -> Self {
        Self {
            seq: e.seq,
            at: timestamp(e.at),
            kind: e.kind.as_str().to_owned(),
            author: e.author.as_str().to_owned(),
            author_id: e.author_id.clone(),
            text: e.text.clone(),
            language: e.language.as_ref().map(|l| l.as_str().to_owned()),
            awaiting: e.awaiting.map(|a| a.as_str().to_owned()),
            quick_replies: non_empty(
                e.extras
                    .quick_replies
                    .iter()
                    .map(|q| QuickReplyView {
                        label: q.label.clone(),
                        value: q.value.clone(),
                    })
                    .collect(),
            ),
            tool_calls: non_empty(
                e.extras
                    .tool_calls
                    .iter()
                    .map(|t| ToolCallView {
                        tool: t.tool.clone(),
                        args: t.args.clone(),
                        ok: t.ok,
                    })
                    .collect(),
            ),
            handoff: e.extras.handoff.as_ref().map(|h| HandoffView {
                reason: h.reason.as_str().to_owned(),
                priority: h.priority.as_str().to_owned(),
                summary: h.summary.clone(),
            }),
            csat: e.extras.csat.as_ref().map(|c| CsatView {
                score: c.score.get(),
                comment: c.comment.clone(),
            }),
            client_msg_id: e.client_msg_id.as_ref().map(|c| c.as_str().to_owned()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    pub events: Vec<EventView>,
}

impl EventList {
    /// The events a customer may see (internal notes left out).
    pub fn for_customer(events: &[Event]) -> Self {
        Self {
            events: events
                .iter()
                .filter(|e| e.visible_to_customer())
                .map(EventView::from)
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `invalid_input`, `rate_limited`.
    pub code: String,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Status {
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DemoCustomer {
    pub id: String,
    pub name: String,
    pub market: String,
    pub language: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DemoToken {
    pub token: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DemoTokenQuery {
    pub customer: String,
}
