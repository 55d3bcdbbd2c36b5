//! The JSON shapes of the agent side (docs/agent-api.md).

use serde::{Deserialize, Serialize};
use tandem_domain::workforce::{AgentAccount, Shift};
use utoipa::ToSchema;

use super::{CustomerRef, EventView, HandoffView, timestamp};

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer TOKEN`. Shown once; tandem keeps only its hash.
    pub token: String,
    pub expires_at: String,
    pub agent: AgentView,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Clone)]
pub struct ShiftView {
    /// RFC 3339, e.g. `2026-12-07T08:00:00Z`.
    pub starts_at: String,
    pub ends_at: String,
}

impl From<&Shift> for ShiftView {
    fn from(s: &Shift) -> Self {
        Self {
            starts_at: timestamp(s.starts_at),
            ends_at: timestamp(s.ends_at),
        }
    }
}

/// A person's account as they (and supervisors) see it.
#[derive(Debug, Serialize, ToSchema, Clone)]
pub struct AgentView {
    pub id: String,
    pub name: String,
    /// Left out in team listings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `agent`, `supervisor` or `admin`.
    pub role: String,
    pub skills: Vec<String>,
    pub max_chats: u32,
    /// `online`, `away` or `offline`.
    pub status: String,
    pub status_since: String,
    /// Conversations the person holds now.
    pub active_chats: u32,
    pub shifts: Vec<ShiftView>,
}

impl AgentView {
    pub fn new(a: &AgentAccount, active_chats: u32, shifts: &[Shift], with_email: bool) -> Self {
        Self {
            id: a.id.as_str().to_owned(),
            name: a.name.clone(),
            email: with_email.then(|| a.email.clone()),
            role: a.role.as_str().to_owned(),
            skills: a.skills.iter().map(|s| s.as_str().to_owned()).collect(),
            max_chats: a.max_chats,
            status: a.presence.as_str().to_owned(),
            status_since: timestamp(a.presence_since),
            active_chats,
            shifts: shifts.iter().map(ShiftView::from).collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusRequest {
    /// `online`, `away` or `offline`.
    pub status: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CapacityRequest {
    /// 1 to 10 conversations at once.
    pub max_chats: u32,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ShiftsRequest {
    pub shifts: Vec<ShiftView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Team {
    pub agents: Vec<AgentView>,
}

#[derive(Debug, Serialize, ToSchema, Clone, PartialEq)]
pub struct AgentRef {
    pub id: String,
    pub name: String,
}

/// A conversation in a list of the console.
#[derive(Debug, Serialize, ToSchema, Clone, PartialEq)]
pub struct Summary {
    pub id: String,
    /// `queued` or `assigned`.
    pub state: String,
    pub language: Option<String>,
    pub verified: bool,
    pub customer: Option<CustomerRef>,
    /// `urgent`, `high` or `normal`.
    pub priority: Option<String>,
    /// The handoff reason.
    pub reason: Option<String>,
    pub skills: Vec<String>,
    pub queued_at: Option<String>,
    pub waiting_secs: Option<i64>,
    pub assignee: Option<AgentRef>,
    pub offered_to_me: bool,
    pub offer_expires_in_secs: Option<i64>,
    pub follow_up_email: Option<String>,
    /// The handoff summary (H8).
    pub summary: Option<String>,
    pub last_seq: u64,
}

#[derive(Debug, Serialize, ToSchema, Clone, PartialEq)]
pub struct ConversationLists {
    pub assigned: Vec<Summary>,
    pub queued: Vec<Summary>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerCard {
    pub id: String,
    pub name: String,
    pub email: String,
    pub market: String,
    pub language: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderCard {
    pub id: String,
    pub merchant: String,
    /// Minor units.
    pub amount: i64,
    pub currency: String,
    pub plan: String,
    pub status: String,
    /// The next unpaid installment's due date, if any.
    pub next_due: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EarlierConversation {
    pub id: String,
    pub state: String,
    pub created_at: String,
}

/// Everything a person needs before the first reply (H8).
#[derive(Debug, Serialize, ToSchema)]
pub struct Detail {
    pub conversation: Summary,
    pub handoff: Option<HandoffView>,
    pub verified: bool,
    pub customer: Option<CustomerCard>,
    pub orders: Vec<OrderCard>,
    pub earlier: Vec<EarlierConversation>,
    /// The whole transcript, internal notes included.
    pub events: Vec<EventView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Claimed {
    pub conversation: Summary,
    pub events: Vec<EventView>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NoteRequest {
    pub text: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TransferRequest {
    /// Hand it to this person (online, with room).
    pub agent_id: Option<String>,
    /// Or put it back in the queue for this skill (e.g. `fraud`, `de`).
    pub skill: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResolveRequest {
    /// `extension`, `return`, `dispute`, `refund_status`, `pay_now`, `payment_declined`,
    /// `account_deletion`, `fees`, `fraud`, `vulnerability`, `complaint`,
    /// `general_question` or `other`.
    pub contact_reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleRef {
    pub id: String,
    pub title: String,
    pub url: String,
    pub snippet: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Copilot {
    /// A reply the person may send or edit, in the customer's language.
    pub suggested_reply: Option<String>,
    pub articles: Vec<ArticleRef>,
    /// The contact reason the AI made out, if any.
    pub contact_reason: Option<String>,
    /// The tool that usually settles this contact reason, e.g. `extend_due_date`.
    pub next_action: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ToolRequestBody {
    pub tool: String,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub args: serde_json::Value,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmRequest {
    pub proposal: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ToolResult {
    /// `orders`, `order`, `refunds`, `proposed`, `choose`, `refused`, `executed`.
    pub outcome: String,
    /// What the tool answered or the words the customer was sent.
    pub words: Option<String>,
    /// The rule behind a refusal (P1-P14).
    pub rule: Option<String>,
    pub proposal: Option<String>,
    pub orders: Vec<OrderCard>,
    #[schema(value_type = Object)]
    pub result: serde_json::Value,
    /// Events sent to the conversation (the proposal's words, the result).
    pub events: Vec<EventView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CannedReply {
    pub id: String,
    pub title: String,
    pub language: String,
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CannedList {
    pub replies: Vec<CannedReply>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FollowUpRequest {
    pub email: String,
}

/// What the customer sees of the queue while waiting.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueView {
    pub position: usize,
    /// Absent when nobody who can help is online (then see `next_opening`).
    pub estimated_wait_secs: Option<i64>,
    pub agents_available: usize,
    pub next_opening: Option<String>,
    pub follow_up_email: Option<String>,
}

/// A frame of the agent WebSocket.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AgentFrame<'a> {
    Hello {
        agent: &'a AgentView,
    },
    Queue {
        #[serde(flatten)]
        lists: &'a ConversationLists,
    },
    Offer {
        conversation: &'a Summary,
        expires_in_secs: i64,
    },
    Event {
        conversation: &'a str,
        event: &'a EventView,
    },
    Agent {
        agent: &'a AgentView,
    },
}
