//! Storage for the people who answer customers: accounts, sessions, presence, planned
//! shifts, and the conversations the router and the console look at.
//!
//! Assigning a conversation is not here: it is an [`Append`](crate::Append) with
//! `require` and `assignee`, so a claim and its `assigned` event commit together and two
//! claims of one conversation cannot both win.

use async_trait::async_trait;
use tandem_domain::workforce::{AgentAccount, AgentId, AgentSession, Presence, Shift};
use tandem_domain::{Conversation, ConversationId, ConversationState, CustomerId};
use time::OffsetDateTime;

use crate::Result;

/// The most conversations one listing returns.
pub const MAX_LISTING: u32 = 1000;

#[async_trait]
pub trait WorkforceStore: Send + Sync {
    /// Creates an account; [`StoreError::EmailTaken`](crate::StoreError::EmailTaken) when
    /// the (lower-case) email is in use.
    async fn create_agent(&self, agent: &AgentAccount) -> Result<()>;
    async fn agent(&self, id: &AgentId) -> Result<Option<AgentAccount>>;
    /// Compared case-insensitively.
    async fn agent_by_email(&self, email: &str) -> Result<Option<AgentAccount>>;
    /// Every account, by name.
    async fn agents(&self) -> Result<Vec<AgentAccount>>;
    /// Sets presence; `since` is kept only when the presence changes. False for an
    /// unknown agent.
    async fn set_presence(
        &self,
        id: &AgentId,
        presence: Presence,
        since: OffsetDateTime,
    ) -> Result<bool>;
    async fn set_max_chats(&self, id: &AgentId, max_chats: u32) -> Result<bool>;

    async fn save_session(&self, session: &AgentSession) -> Result<()>;
    async fn session(&self, token_hash: &str) -> Result<Option<AgentSession>>;
    /// True when there was such a session.
    async fn delete_session(&self, token_hash: &str) -> Result<bool>;
    /// Sessions of this agent that have not expired at `now`.
    async fn live_sessions(&self, id: &AgentId, now: OffsetDateTime) -> Result<u32>;

    /// Replaces the agent's planned shifts.
    async fn set_shifts(&self, id: &AgentId, shifts: &[Shift]) -> Result<()>;
    /// The agent's shifts that end after `after`, earliest first.
    async fn shifts(&self, id: &AgentId, after: OffsetDateTime) -> Result<Vec<Shift>>;
    /// Everybody's shifts that end after `after`, earliest first.
    async fn all_shifts(&self, after: OffsetDateTime) -> Result<Vec<(AgentId, Shift)>>;

    /// Conversations in `state`, oldest first, at most [`MAX_LISTING`].
    async fn conversations_in_state(&self, state: ConversationState) -> Result<Vec<Conversation>>;
    /// The customer's conversations, newest first, at most `limit`.
    async fn conversations_of_customer(
        &self,
        customer: &CustomerId,
        limit: u32,
    ) -> Result<Vec<Conversation>>;
    /// Keeps the email a waiting customer left for a follow-up.
    async fn set_follow_up_email(&self, id: &ConversationId, email: &str) -> Result<()>;
}
