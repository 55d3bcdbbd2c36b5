//! The storage interface of tandem. One trait, [`Store`], implemented once per backend
//! (`tandem-store-sqlite`, `tandem-store-postgres`); the [`conformance`] suite (feature
//! `conformance`) is run by each backend's tests so both behave the same.
//!
//! Architecture Invariant: an event is visible to readers only after its transaction
//! committed, and seqs within a conversation are gapless (1, 2, 3, ...). Callers may
//! acknowledge an event to a client as soon as [`Store::append`] returns.
//!
//! Layout:
//! - [`Store`], [`Append`] and [`StoreError`]: the interface.
//! - [`ledger`]: the built-in ledger's storage, proposals and audit ([`LedgerStore`]).
//! - [`conformance`]: the shared test suite (feature `conformance`).
//! - [`identity`]: [`IdentityStore`], the storage of email verification (P1), a supertrait
//!   of [`Store`].

#![forbid(unsafe_code)]

#[cfg(feature = "conformance")]
pub mod conformance;
pub mod ledger;

pub use ledger::LedgerStore;
#[cfg(feature = "conformance")]
pub mod conformance_identity;
#[cfg(feature = "conformance")]
pub mod conformance_ledger;
#[cfg(feature = "conformance")]
pub mod conformance_workforce;
pub mod identity;

pub use identity::IdentityStore;
pub mod workforce;
pub use workforce::WorkforceStore;

use async_trait::async_trait;
use tandem_domain::workforce::{AgentId, QueueEntry};
use tandem_domain::{
    Author, ClientMsgId, Conversation, ConversationId, ConversationState, Customer, CustomerId,
    Event, EventDraft,
};

/// The most events one read returns.
pub const MAX_PAGE: u32 = 1000;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("conversation {0} not found")]
    ConversationNotFound(ConversationId),
    /// The conversation is not in a state that allows the change.
    #[error("conversation is {current:?}, which does not allow this")]
    StateConflict { current: ConversationState },
    /// A message with this client message id exists already; `seq` is the original.
    #[error("a message with this client_msg_id exists already (seq {seq})")]
    DuplicateMessage { seq: u64 },
    /// The conversation is someone else's (or nobody's) to act on.
    #[error("the conversation is not assigned to you")]
    NotAssignee { current: Option<AgentId> },
    /// An account with this email exists already.
    #[error("an account with the email {0} exists already")]
    EmailTaken(String),
    /// The conversation has been rated already.
    #[error("this conversation has been rated already")]
    AlreadyRated,
    /// The order changed since it was read; re-read and decide again.
    #[error("order {0} changed meanwhile")]
    StaleOrder(String),
    /// A stored value no longer parses; the data was changed outside tandem.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("storage backend failed: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn backend(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Backend(Box::new(e))
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// One atomic write to a conversation: events appended with consecutive seqs and,
/// optionally, a state change, all or nothing.
#[derive(Debug, Clone)]
pub struct Append {
    pub drafts: Vec<EventDraft>,
    /// The write happens only if the conversation is in one of these states.
    pub require: Vec<ConversationState>,
    pub set_state: Option<ConversationState>,
    /// When the first draft is a message, the following drafts answer it: the store sets
    /// their `in_reply_to` to its seq.
    pub replies_follow_first: bool,
    /// The queue entry after the write. Leaving the queued and assigned states (back to
    /// the AI, or closed) clears it unless this sets one.
    pub queue: Change<QueueEntry>,
    /// The person who has the conversation after the write; cleared like `queue`.
    pub assignee: Change<AgentId>,
    /// The write happens only if the conversation is assigned to this person.
    pub require_assignee: Option<AgentId>,
}

/// A column an append may change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Change<T> {
    #[default]
    Keep,
    Set(T),
    Clear,
}

impl<T: Clone> Change<T> {
    /// The value after the change; `Keep` keeps `current` unless `clears`.
    fn apply(self, current: &Option<T>, clears: bool) -> Option<T> {
        match self {
            Change::Set(v) => Some(v),
            Change::Clear => None,
            Change::Keep if clears => None,
            Change::Keep => current.clone(),
        }
    }
}

impl Append {
    /// Appends events to an open conversation, keeping its state.
    pub fn to_open(drafts: Vec<EventDraft>) -> Self {
        Self {
            drafts,
            require: ConversationState::OPEN.to_vec(),
            set_state: None,
            replies_follow_first: false,
            queue: Change::Keep,
            assignee: Change::Keep,
            require_assignee: None,
        }
    }

    pub fn require(mut self, states: &[ConversationState]) -> Self {
        self.require = states.to_vec();
        self
    }

    pub fn set_state(mut self, state: ConversationState) -> Self {
        self.set_state = Some(state);
        self
    }

    pub fn replies_follow_first(mut self) -> Self {
        self.replies_follow_first = true;
        self
    }

    pub fn queue(mut self, entry: Change<QueueEntry>) -> Self {
        self.queue = entry;
        self
    }

    pub fn assignee(mut self, agent: Change<AgentId>) -> Self {
        self.assignee = agent;
        self
    }

    pub fn require_assignee(mut self, agent: &AgentId) -> Self {
        self.require_assignee = Some(agent.clone());
        self
    }
}

/// The parts of a conversation an append reads and writes, under the write lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub state: ConversationState,
    pub last_seq: u64,
    pub queue: Option<QueueEntry>,
    pub assignee: Option<AgentId>,
}

#[async_trait]
pub trait Store: LedgerStore + IdentityStore + WorkforceStore + Send + Sync + 'static {
    /// Checks the backend answers (for `/readyz`).
    async fn ping(&self) -> Result<()>;

    async fn upsert_customer(&self, customer: &Customer) -> Result<()>;
    async fn customer(&self, id: &CustomerId) -> Result<Option<Customer>>;
    async fn customers(&self) -> Result<Vec<Customer>>;

    async fn create_conversation(&self, conversation: &Conversation) -> Result<()>;
    async fn conversation(&self, id: &ConversationId) -> Result<Option<Conversation>>;

    /// Appends atomically. Refuses with [`StoreError::DuplicateMessage`] when a draft's
    /// `(author, client_msg_id)` was used before in this conversation, with
    /// [`StoreError::AlreadyRated`] for a second CSAT event, and with
    /// [`StoreError::StateConflict`] when the state is not in `append.require`.
    /// Returns the committed events.
    async fn append(&self, id: &ConversationId, append: Append) -> Result<Vec<Event>>;

    /// Events with `seq > after`, oldest first, at most `limit` (capped at [`MAX_PAGE`]).
    async fn events_after(&self, id: &ConversationId, after: u64, limit: u32)
    -> Result<Vec<Event>>;

    /// The message a client sent with this id, and the events that answered it.
    async fn message_with_replies(
        &self,
        id: &ConversationId,
        author: Author,
        client_msg_id: &ClientMsgId,
    ) -> Result<Vec<Event>>;
}

/// The pure part of [`Store::append`], shared by the backends: given the conversation's
/// head (read under the write lock), checks `append.require` and `require_assignee`,
/// numbers the drafts and works out the new head. Returns the events to insert and the
/// head to store.
pub fn plan_append(head: &Head, append: Append) -> Result<(Vec<Event>, Head)> {
    if !append.require.contains(&head.state) {
        return Err(StoreError::StateConflict {
            current: head.state,
        });
    }
    if let Some(required) = &append.require_assignee
        && head.assignee.as_ref() != Some(required)
    {
        return Err(StoreError::NotAssignee {
            current: head.assignee.clone(),
        });
    }
    let state = append.set_state.unwrap_or(head.state);
    let leaves_people = matches!(state, ConversationState::Ai | ConversationState::Closed);
    let queue = append.queue.apply(&head.queue, leaves_people);
    let assignee = append.assignee.apply(&head.assignee, leaves_people);
    let mut first_seq = None;
    let events: Vec<Event> = append
        .drafts
        .into_iter()
        .enumerate()
        .map(|(i, mut draft)| {
            let seq = head.last_seq + 1 + i as u64;
            if append.replies_follow_first {
                match first_seq {
                    None => first_seq = Some(seq),
                    Some(first) => draft.in_reply_to = Some(first),
                }
            }
            draft.at = truncate_to_millis(draft.at);
            Event::from_draft(seq, draft)
        })
        .collect();
    let last_seq = events.last().map_or(head.last_seq, |e| e.seq);
    Ok((
        events,
        Head {
            state,
            last_seq,
            queue,
            assignee,
        },
    ))
}

/// Stores keep times to the millisecond; events are truncated before they are returned
/// so that what a writer sees equals what a reader sees later.
pub fn truncate_to_millis(at: time::OffsetDateTime) -> time::OffsetDateTime {
    let millis = at.nanosecond() / 1_000_000;
    at.replace_nanosecond(millis * 1_000_000)
        .expect("a truncated nanosecond is valid")
}

/// Milliseconds since the Unix epoch, the stores' time format.
pub fn to_millis(at: time::OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

pub fn from_millis(millis: i64) -> Result<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .map_err(|e| StoreError::Corrupt(format!("time {millis}: {e}")))
}

/// Turns a stored text back into a domain value, reporting corruption.
pub fn parse_stored<T>(
    raw: &str,
    parse: impl FnOnce(&str) -> std::result::Result<T, tandem_domain::ParseError>,
) -> Result<T> {
    parse(raw).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// The columns every backend stores for an event, as plain values.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub seq: i64,
    pub at: i64,
    pub kind: String,
    pub author: String,
    pub author_id: Option<String>,
    pub text: Option<String>,
    pub language: Option<String>,
    pub awaiting: Option<String>,
    pub extras: String,
    pub client_msg_id: Option<String>,
    pub in_reply_to: Option<i64>,
}

impl EventRow {
    pub fn from_event(e: &Event) -> Self {
        Self {
            seq: e.seq as i64,
            at: to_millis(e.at),
            kind: e.kind.as_str().to_owned(),
            author: e.author.as_str().to_owned(),
            author_id: e.author_id.clone(),
            text: e.text.clone(),
            language: e.language.as_ref().map(|l| l.as_str().to_owned()),
            awaiting: e.awaiting.map(|a| a.as_str().to_owned()),
            extras: serde_json::to_string(&e.extras).expect("extras serialise"),
            client_msg_id: e.client_msg_id.as_ref().map(|c| c.as_str().to_owned()),
            in_reply_to: e.in_reply_to.map(|s| s as i64),
        }
    }

    pub fn into_event(self) -> Result<Event> {
        use tandem_domain::{Awaiting, EventKind, Language};
        Ok(Event {
            seq: self.seq as u64,
            at: from_millis(self.at)?,
            kind: parse_stored(&self.kind, EventKind::parse)?,
            author: parse_stored(&self.author, Author::parse)?,
            author_id: self.author_id,
            text: self.text,
            language: self
                .language
                .as_deref()
                .map(|l| parse_stored(l, Language::parse))
                .transpose()?,
            awaiting: self
                .awaiting
                .as_deref()
                .map(|a| parse_stored(a, Awaiting::parse))
                .transpose()?,
            extras: serde_json::from_str(&self.extras)
                .map_err(|e| StoreError::Corrupt(format!("event extras: {e}")))?,
            client_msg_id: self
                .client_msg_id
                .as_deref()
                .map(|c| parse_stored(c, ClientMsgId::parse))
                .transpose()?,
            in_reply_to: self.in_reply_to.map(|s| s as u64),
        })
    }
}

/// The columns of a conversation, in the order [`ConversationRow`] lists them (a macro,
/// so that queries built with `concat!` stay static strings).
#[macro_export]
macro_rules! conversation_columns {
    () => {
        "id, token_hash, customer_id, verified, language, state, last_seq, created_at, updated_at, \
         queue_priority, queue_skills, queue_reason, queued_at, assignee, follow_up_email"
    };
}

/// The queue columns of a conversation.
#[derive(Debug, Clone, Default)]
pub struct QueueColumns {
    pub priority: Option<String>,
    pub skills: Option<String>,
    pub reason: Option<String>,
    pub since: Option<i64>,
}

impl QueueColumns {
    pub fn from_entry(entry: Option<&QueueEntry>) -> Self {
        match entry {
            None => Self::default(),
            Some(e) => Self {
                priority: Some(e.priority.as_str().to_owned()),
                skills: Some(e.skills.to_list()),
                reason: Some(e.reason.as_str().to_owned()),
                since: Some(to_millis(e.since)),
            },
        }
    }

    pub fn into_entry(self) -> Result<Option<QueueEntry>> {
        use tandem_domain::workforce::Skills;
        use tandem_domain::{HandoffReason, Priority};
        let (Some(priority), Some(skills), Some(reason), Some(since)) =
            (self.priority, self.skills, self.reason, self.since)
        else {
            return Ok(None);
        };
        Ok(Some(QueueEntry {
            priority: parse_stored(&priority, Priority::parse)?,
            skills: parse_stored(&skills, Skills::parse_list)?,
            reason: parse_stored(&reason, HandoffReason::parse)?,
            since: from_millis(since)?,
        }))
    }
}

/// The columns every backend stores for a conversation.
#[derive(Debug, Clone)]
pub struct ConversationRow {
    pub id: String,
    pub token_hash: String,
    pub customer_id: Option<String>,
    pub verified: bool,
    pub language: Option<String>,
    pub state: String,
    pub last_seq: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub queue: QueueColumns,
    pub assignee: Option<String>,
    pub follow_up_email: Option<String>,
}

impl ConversationRow {
    pub fn from_conversation(c: &Conversation) -> Self {
        Self {
            id: c.id.as_str().to_owned(),
            token_hash: c.token_hash.clone(),
            customer_id: c.customer_id.as_ref().map(|c| c.as_str().to_owned()),
            verified: c.verified,
            language: c.language.as_ref().map(|l| l.as_str().to_owned()),
            state: c.state.as_str().to_owned(),
            last_seq: c.last_seq as i64,
            created_at: to_millis(c.created_at),
            updated_at: to_millis(c.updated_at),
            queue: QueueColumns::from_entry(c.queue.as_ref()),
            assignee: c.assignee.as_ref().map(|a| a.as_str().to_owned()),
            follow_up_email: c.follow_up_email.clone(),
        }
    }

    pub fn into_conversation(self) -> Result<Conversation> {
        use tandem_domain::Language;
        Ok(Conversation {
            id: parse_stored(&self.id, ConversationId::parse)?,
            token_hash: self.token_hash,
            customer_id: self
                .customer_id
                .as_deref()
                .map(|c| parse_stored(c, CustomerId::parse))
                .transpose()?,
            verified: self.verified,
            language: self
                .language
                .as_deref()
                .map(|l| parse_stored(l, Language::parse))
                .transpose()?,
            state: parse_stored(&self.state, ConversationState::parse)?,
            last_seq: self.last_seq as u64,
            created_at: from_millis(self.created_at)?,
            updated_at: from_millis(self.updated_at)?,
            queue: self.queue.into_entry()?,
            assignee: self
                .assignee
                .as_deref()
                .map(|a| parse_stored(a, AgentId::parse))
                .transpose()?,
            follow_up_email: self.follow_up_email,
        })
    }
}

/// Reads a conversation's head from its stored columns.
pub fn head_from_columns(
    state: &str,
    last_seq: i64,
    queue: QueueColumns,
    assignee: Option<&str>,
) -> Result<Head> {
    Ok(Head {
        state: parse_stored(state, ConversationState::parse)?,
        last_seq: last_seq as u64,
        queue: queue.into_entry()?,
        assignee: assignee
            .map(|a| parse_stored(a, AgentId::parse))
            .transpose()?,
    })
}

/// The columns every backend stores for a customer.
pub fn customer_from_row(
    id: &str,
    name: String,
    email: String,
    market: &str,
    language: &str,
) -> Result<Customer> {
    use tandem_domain::{Language, Market};
    Ok(Customer {
        id: parse_stored(id, CustomerId::parse)?,
        name,
        email,
        market: parse_stored(market, Market::parse)?,
        language: parse_stored(language, Language::parse)?,
    })
}

/// The columns every backend stores for an agent account.
#[derive(Debug, Clone)]
pub struct AgentColumns {
    pub id: String,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub skills: String,
    pub max_chats: i64,
    pub presence: String,
    pub presence_since: i64,
    pub created_at: i64,
}

impl AgentColumns {
    pub fn from_agent(a: &tandem_domain::workforce::AgentAccount) -> Self {
        Self {
            id: a.id.as_str().to_owned(),
            name: a.name.clone(),
            email: a.email.to_ascii_lowercase(),
            password_hash: a.password_hash.clone(),
            role: a.role.as_str().to_owned(),
            skills: a.skills.to_list(),
            max_chats: i64::from(a.max_chats),
            presence: a.presence.as_str().to_owned(),
            presence_since: to_millis(a.presence_since),
            created_at: to_millis(a.created_at),
        }
    }

    pub fn into_agent(self) -> Result<tandem_domain::workforce::AgentAccount> {
        use tandem_domain::workforce::{AgentAccount, Presence, Role, Skills};
        Ok(AgentAccount {
            id: parse_stored(&self.id, AgentId::parse)?,
            name: self.name,
            email: self.email,
            password_hash: self.password_hash,
            role: parse_stored(&self.role, Role::parse)?,
            skills: parse_stored(&self.skills, Skills::parse_list)?,
            max_chats: u32::try_from(self.max_chats)
                .map_err(|_| StoreError::Corrupt(format!("max_chats {}", self.max_chats)))?,
            presence: parse_stored(&self.presence, Presence::parse)?,
            presence_since: from_millis(self.presence_since)?,
            created_at: from_millis(self.created_at)?,
        })
    }
}
