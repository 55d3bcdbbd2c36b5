//! What a person does with conversations, independent of HTTP: see the lists, open one,
//! take it, reply, write notes, use the tools, transfer, hand back to the AI, resolve.
//! Every step commits through `conversations::commit` (store, then bus) and wakes the
//! router.
//!
//! Who may see what: a person sees the conversations they hold and the queued ones that
//! fit their skills (or that waited past the skill wait, or that are offered to them);
//! supervisors and admins see every open one. A conversation someone may not see is
//! "not found", so ids do not leak.

use std::collections::HashMap;

use serde_json::json;
use tandem_domain::event::EventExtras;
use tandem_domain::ledger::rules::Actor;
use tandem_domain::routing;
use tandem_domain::workforce::{AgentAccount, AgentId, Presence, QueueEntry, Skill, Skills};
use tandem_domain::{
    Author, ClientMsgId, Conversation, ConversationId, ConversationState, Event, EventDraft,
    EventKind, Language, MessageText, QuickReply, ToolCall,
};
use tandem_store::{Append, Change, StoreError};
use tandem_tools::{CallContext, Confirmation, Executed, OrderView, ToolOutcome, ToolRequest};

use crate::AppState;
use crate::error::{ApiError, ErrorCode};
use crate::wire::agent::{
    AgentRef, ArticleRef, CannedReply, ConversationLists, Copilot, CustomerCard, Detail,
    EarlierConversation, OrderCard, Summary, ToolResult,
};
use crate::wire::{CustomerRef, EventView, HandoffView, timestamp};
use crate::workforce::Staff;

/// Contact reasons a person can resolve with.
pub const CONTACT_REASONS: &[&str] = &[
    "extension",
    "return",
    "dispute",
    "refund_status",
    "pay_now",
    "payment_declined",
    "account_deletion",
    "fees",
    "fraud",
    "vulnerability",
    "complaint",
    "general_question",
    "other",
];

/// Whether `staff` may see `c`.
pub fn can_see(state: &AppState, staff: &AgentAccount, c: &Conversation) -> bool {
    match c.state {
        ConversationState::Assigned => {
            staff.role.oversees() || c.assignee.as_ref() == Some(&staff.id)
        }
        ConversationState::Queued => {
            let offered = state
                .router
                .offer(&c.id)
                .is_some_and(|o| o.agent == staff.id);
            offered
                || c.queue.as_ref().is_none_or(|entry| {
                    routing::visible(
                        staff.role,
                        &staff.skills,
                        entry,
                        state.clock.now(),
                        &state.router.settings.policy,
                    )
                })
        }
        ConversationState::Ai | ConversationState::Closed => staff.role.oversees(),
    }
}

/// Loads a conversation the person may see; "not found" otherwise.
pub async fn visible_conversation(
    state: &AppState,
    staff: &Staff,
    raw_id: &str,
) -> Result<Conversation, ApiError> {
    let id = ConversationId::parse(raw_id).map_err(|_| ApiError::not_found("conversation"))?;
    let c = state
        .store
        .conversation(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("conversation"))?;
    if can_see(state, &staff.account, &c) {
        Ok(c)
    } else {
        Err(ApiError::not_found("conversation"))
    }
}

/// The latest handoff of a conversation.
async fn latest_handoff(
    state: &AppState,
    id: &ConversationId,
) -> Result<Option<Event>, StoreError> {
    crate::conversations::latest_of_kind(state, id, EventKind::Handoff).await
}

/// The whole log of a conversation.
async fn all_events(state: &AppState, id: &ConversationId) -> Result<Vec<Event>, StoreError> {
    crate::conversations::scan(state, id, |_| true).await
}

/// A conversation as a row of the console's lists.
pub async fn summary(
    state: &AppState,
    viewer: &AgentId,
    c: &Conversation,
    names: &HashMap<AgentId, String>,
) -> Result<Summary, ApiError> {
    let now = state.clock.now();
    let customer = match &c.customer_id {
        Some(id) => state.store.customer(id).await?,
        None => None,
    };
    let offer = state.router.offer(&c.id);
    let handoff_summary = match state.router.cached_summary(c) {
        Some(known) => known,
        None => {
            let summary = latest_handoff(state, &c.id)
                .await?
                .and_then(|e| e.extras.handoff.map(|h| h.summary));
            state.router.cache_summary(c, summary.clone());
            summary
        }
    };
    Ok(Summary {
        id: c.id.as_str().to_owned(),
        state: c.state.as_str().to_owned(),
        language: c.language.as_ref().map(|l| l.as_str().to_owned()),
        verified: c.verified,
        customer: customer.as_ref().map(CustomerRef::from),
        priority: c.queue.as_ref().map(|q| q.priority.as_str().to_owned()),
        reason: c.queue.as_ref().map(|q| q.reason.as_str().to_owned()),
        skills: c.queue.as_ref().map_or_else(Vec::new, |q| {
            q.skills.iter().map(|s| s.as_str().to_owned()).collect()
        }),
        queued_at: c.queue.as_ref().map(|q| timestamp(q.since)),
        waiting_secs: c.queue.as_ref().map(|q| (now - q.since).whole_seconds()),
        assignee: c.assignee.as_ref().map(|a| AgentRef {
            id: a.as_str().to_owned(),
            name: names.get(a).cloned().unwrap_or_default(),
        }),
        offered_to_me: offer.as_ref().is_some_and(|o| &o.agent == viewer),
        offer_expires_in_secs: offer
            .as_ref()
            .filter(|o| &o.agent == viewer)
            .map(|o| (o.expires_at - now).whole_seconds().max(0)),
        follow_up_email: c.follow_up_email.clone(),
        summary: handoff_summary,
        last_seq: c.last_seq,
    })
}

async fn names(state: &AppState) -> Result<HashMap<AgentId, String>, StoreError> {
    Ok(state
        .store
        .agents()
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

/// The conversations a person holds and the queued ones they may take, queue first by
/// priority and wait.
pub async fn lists(state: &AppState, staff: &AgentAccount) -> Result<ConversationLists, ApiError> {
    let names = names(state).await?;
    let mut assigned = Vec::new();
    for c in state
        .store
        .conversations_in_state(ConversationState::Assigned)
        .await?
    {
        if can_see(state, staff, &c) {
            assigned.push(summary(state, &staff.id, &c, &names).await?);
        }
    }
    let mut queued_convs: Vec<Conversation> = state
        .store
        .conversations_in_state(ConversationState::Queued)
        .await?
        .into_iter()
        .filter(|c| can_see(state, staff, c))
        .collect();
    queued_convs.sort_by(|a, b| match (&a.queue, &b.queue) {
        (Some(x), Some(y)) => routing::queue_order(x, y),
        _ => a.created_at.cmp(&b.created_at),
    });
    let mut queued = Vec::new();
    for c in &queued_convs {
        queued.push(summary(state, &staff.id, c, &names).await?);
    }
    Ok(ConversationLists { assigned, queued })
}

/// Conversations a person holds now.
pub async fn held_by(state: &AppState, agent: &AgentId) -> Result<u32, StoreError> {
    Ok(state
        .store
        .conversations_in_state(ConversationState::Assigned)
        .await?
        .iter()
        .filter(|c| c.assignee.as_ref() == Some(agent))
        .count() as u32)
}

fn joined_words(language: Option<&Language>, name: &str) -> String {
    match language.map(Language::primary) {
        Some("sv") => format!("{name} från vårt team har anslutit till chatten."),
        Some("de") => format!("{name} aus unserem Team ist dem Chat beigetreten."),
        _ => format!("{name} from our team has joined the chat."),
    }
}

fn assigned_draft(state: &AppState, c: &Conversation, to: &AgentAccount) -> EventDraft {
    EventDraft {
        text: Some(joined_words(c.language.as_ref(), first_name(&to.name))),
        author_id: Some(to.id.as_str().to_owned()),
        ..EventDraft::new(state.clock.now(), EventKind::Assigned, Author::System)
    }
}

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

/// Takes a queued conversation. Two people claiming at once: one wins, the other is told
/// it is taken.
pub async fn claim(
    state: &AppState,
    staff: &Staff,
    c: &Conversation,
) -> Result<Vec<Event>, ApiError> {
    if c.state == ConversationState::Assigned {
        return Err(taken());
    }
    if c.state != ConversationState::Queued {
        return Err(ApiError::new(
            ErrorCode::ConversationOpen,
            format!(
                "this conversation is {}, not waiting for a person",
                c.state.as_str()
            ),
        ));
    }
    if held_by(state, staff.id()).await? >= staff.account.max_chats {
        return Err(ApiError::new(
            ErrorCode::AtCapacity,
            format!(
                "you hold {} conversations already, your maximum; resolve one or raise your capacity",
                staff.account.max_chats
            ),
        ));
    }
    if staff.account.presence == Presence::Offline {
        // Taking a conversation is working: an offline person's conversations would go
        // straight back to the queue.
        state
            .store
            .set_presence(staff.id(), Presence::Online, state.clock.now())
            .await?;
        tracing::info!(agent = %staff.id(), "online: took a conversation");
    }
    let append = Append::to_open(vec![assigned_draft(state, c, &staff.account)])
        .require(&[ConversationState::Queued])
        .set_state(ConversationState::Assigned)
        .assignee(Change::Set(staff.id().clone()));
    match crate::conversations::commit(state, &c.id, append).await {
        Ok(events) => {
            state.router.settled(&c.id);
            state.router.kick();
            tracing::info!(conversation = %c.id, agent = %staff.id(), "claimed");
            Ok(events)
        }
        Err(StoreError::StateConflict {
            current: ConversationState::Assigned,
        }) => Err(taken()),
        Err(e) => Err(e.into()),
    }
}

fn taken() -> ApiError {
    ApiError::new(
        ErrorCode::AlreadyAssigned,
        "someone else has taken this conversation",
    )
}

/// Appends as the person holding the conversation.
async fn commit_as_holder(
    state: &AppState,
    staff: &Staff,
    c: &Conversation,
    append: Append,
) -> Result<Vec<Event>, ApiError> {
    let events = crate::conversations::commit(state, &c.id, as_holder(staff, append))
        .await
        .map_err(holder_error)?;
    state.router.kick();
    Ok(events)
}

fn as_holder(staff: &Staff, append: Append) -> Append {
    append
        .require(&[ConversationState::Assigned])
        .require_assignee(staff.id())
}

fn holder_error(e: StoreError) -> ApiError {
    match e {
        StoreError::StateConflict { current } if current != ConversationState::Closed => {
            ApiError::new(
                ErrorCode::NotAssignee,
                "take the conversation before acting on it",
            )
        }
        other => other.into(),
    }
}

fn agent_draft(state: &AppState, staff: &Staff, kind: EventKind, text: String) -> EventDraft {
    EventDraft {
        text: Some(text),
        author_id: Some(staff.id().as_str().to_owned()),
        ..EventDraft::new(state.clock.now(), kind, Author::Agent)
    }
}

/// A reply to the customer (idempotent by `client_msg_id`).
pub async fn reply(
    state: &AppState,
    staff: &Staff,
    c: &Conversation,
    text: MessageText,
    client_msg_id: ClientMsgId,
) -> Result<Vec<Event>, ApiError> {
    let masked = tandem_domain::card::mask_card_data(text.as_str()).text;
    let draft = EventDraft {
        client_msg_id: Some(client_msg_id.clone()),
        ..agent_draft(state, staff, EventKind::Message, masked)
    };
    let append = as_holder(staff, Append::to_open(vec![draft]));
    match crate::conversations::commit(state, &c.id, append).await {
        Ok(events) => Ok(events),
        // The same message again: the original, nothing new stored.
        Err(StoreError::DuplicateMessage { .. }) => Ok(state
            .store
            .message_with_replies(&c.id, Author::Agent, &client_msg_id)
            .await?),
        Err(e) => Err(holder_error(e)),
    }
}

/// An internal note: for people only, never shown to the customer. Anyone who may see
/// the conversation may leave one.
pub async fn note(
    state: &AppState,
    staff: &Staff,
    c: &Conversation,
    text: MessageText,
) -> Result<Vec<Event>, ApiError> {
    let draft = agent_draft(state, staff, EventKind::Note, text.into_string());
    let events = crate::conversations::commit(state, &c.id, Append::to_open(vec![draft])).await?;
    Ok(events)
}

fn transfer_words(language: Option<&Language>) -> &'static str {
    match language.map(Language::primary) {
        Some("sv") => {
            "Jag lämnar över dig till en kollega som kan hjälpa dig vidare. Du behåller din plats i kön."
        }
        Some("de") => {
            "Ich übergebe Sie an eine Kollegin oder einen Kollegen, die Ihnen weiterhelfen. Sie behalten Ihren Platz in der Warteschlange."
        }
        _ => {
            "I'm passing you to a colleague who can help further. You keep your place in the queue."
        }
    }
}

/// Hands the conversation to another person (online, with room) directly.
pub async fn transfer_to_agent(
    state: &AppState,
    staff: &Staff,
    c: &Conversation,
    to: &AgentId,
) -> Result<Vec<Event>, ApiError> {
    let target = state
        .store
        .agent(to)
        .await?
        .ok_or_else(|| ApiError::not_found("agent"))?;
    if target.presence != Presence::Online {
        return Err(ApiError::new(
            ErrorCode::AgentUnavailable,
            format!(
                "{} is {}, not online",
                target.name,
                target.presence.as_str()
            ),
        ));
    }
    if held_by(state, &target.id).await? >= target.max_chats {
        return Err(ApiError::new(
            ErrorCode::AgentUnavailable,
            format!("{} has no room for another conversation", target.name),
        ));
    }
    let note = agent_draft(
        state,
        staff,
        EventKind::Note,
        format!("Transferred to {}.", target.name),
    );
    let append = Append::to_open(vec![note, assigned_draft(state, c, &target)])
        .assignee(Change::Set(target.id.clone()));
    let events = commit_as_holder(state, staff, c, append).await?;
    tracing::info!(conversation = %c.id, from = %staff.id(), to = %target.id, "transferred");
    Ok(events)
}

/// Puts the conversation back in the queue for a skill, keeping the customer's place.
pub async fn transfer_to_skill(
    state: &AppState,
    staff: &Staff,
    c: &Conversation,
    skill: Skill,
) -> Result<Vec<Event>, ApiError> {
    let now = state.clock.now();
    let mut skills = Skills::default();
    skills.insert(skill.clone());
    let languages = ["en", "sv", "de"];
    if !languages.contains(&skill.as_str()) {
        let lang = c.language.as_ref().map_or("en", Language::primary);
        skills.insert(Skill::parse(lang)?);
    }
    let entry = match &c.queue {
        Some(q) => QueueEntry {
            skills,
            ..q.clone()
        },
        None => QueueEntry {
            priority: tandem_domain::Priority::Normal,
            skills,
            reason: tandem_domain::HandoffReason::HumanRequest,
            since: now,
        },
    };
    let note = agent_draft(
        state,
        staff,
        EventKind::Note,
        format!("Transferred to the {} queue.", skill.as_str()),
    );
    let words = EventDraft {
        text: Some(transfer_words(c.language.as_ref()).to_owned()),
        ..EventDraft::new(now, EventKind::Message, Author::System)
    };
    let append = Append::to_open(vec![note, words])
        .set_state(ConversationState::Queued)
        .assignee(Change::Clear)
        .queue(Change::Set(entry));
    commit_as_holder(state, staff, c, append).await
}

fn handback_words(language: Option<&Language>) -> &'static str {
    match language.map(Language::primary) {
        Some("sv") => {
            "Du chattar nu med vår AI-assistent igen. Skriv \"prata med en person\" när du vill, så kommer någon från teamet."
        }
        Some("de") => {
            "Sie schreiben jetzt wieder mit unserem KI-Assistenten. Schreiben Sie jederzeit \"mit einem Menschen sprechen\", dann kommt jemand aus dem Team."
        }
        _ => {
            "You're chatting with our AI assistant again. Say \"talk to a person\" any time and someone from the team will come."
        }
    }
}

/// Gives the conversation back to the AI.
pub async fn hand_back(
    state: &AppState,
    staff: &Staff,
    c: &Conversation,
) -> Result<Vec<Event>, ApiError> {
    let words = EventDraft {
        text: Some(handback_words(c.language.as_ref()).to_owned()),
        author_id: Some(staff.id().as_str().to_owned()),
        ..EventDraft::new(state.clock.now(), EventKind::Message, Author::System)
    };
    let append = Append::to_open(vec![words]).set_state(ConversationState::Ai);
    commit_as_holder(state, staff, c, append).await
}

/// Closes the conversation with a contact reason; the customer is asked for CSAT.
pub async fn resolve(
    state: &AppState,
    staff: &Staff,
    c: &Conversation,
    contact_reason: &str,
) -> Result<Vec<Event>, ApiError> {
    if !CONTACT_REASONS.contains(&contact_reason) {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("contact_reason: use one of {}", CONTACT_REASONS.join(", ")),
        ));
    }
    let assigned_at = all_events(state, &c.id)
        .await?
        .into_iter()
        .rev()
        .find(|e| {
            e.kind == EventKind::Assigned && e.author_id.as_deref() == Some(staff.id().as_str())
        })
        .map(|e| e.at);
    let closed = EventDraft {
        author_id: Some(staff.id().as_str().to_owned()),
        extras: EventExtras {
            contact_reason: Some(contact_reason.to_owned()),
            ..EventExtras::default()
        },
        ..EventDraft::closed(
            state.clock.now(),
            Author::Agent,
            crate::conversations::closed_notice(c.language.as_ref()).to_owned(),
        )
    };
    let append = Append::to_open(vec![closed]).set_state(ConversationState::Closed);
    let events = commit_as_holder(state, staff, c, append).await?;
    if let Some(at) = assigned_at {
        state.router.record_handle_time(state.clock.now() - at);
    }
    tracing::info!(conversation = %c.id, agent = %staff.id(), contact_reason, "resolved");
    Ok(events)
}

fn call_context(state: &AppState, staff: &Staff, c: &Conversation) -> CallContext {
    CallContext {
        actor: Actor::Agent {
            id: staff.id().as_str().to_owned(),
            skills: staff
                .account
                .skills
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
        },
        conversation: c.id.clone(),
        customer: c.customer_id.clone().filter(|_| c.verified),
        event_seq: Some(c.last_seq),
        now: state.clock.now(),
        language: c
            .language
            .as_ref()
            .map_or("en", Language::primary)
            .to_owned(),
    }
}

fn order_card(v: &OrderView) -> OrderCard {
    let o = &v.order;
    let total = o.total();
    OrderCard {
        id: o.id.as_str().to_owned(),
        merchant: v.merchant.name.clone(),
        amount: total.minor(),
        currency: total.currency().code().to_owned(),
        plan: o.plan.as_str().to_owned(),
        status: o.status.as_str().to_owned(),
        next_due: o
            .installments
            .iter()
            .find(|i| i.status != tandem_domain::ledger::InstallmentStatus::Paid)
            .map(|i| i.due.to_string()),
    }
}

/// Everything a person needs before the first reply: the handoff summary, the customer
/// (verified or not), their orders, earlier conversations, the whole transcript.
pub async fn detail(state: &AppState, staff: &Staff, c: &Conversation) -> Result<Detail, ApiError> {
    let names = names(state).await?;
    let conversation = summary(state, staff.id(), c, &names).await?;
    let handoff = latest_handoff(state, &c.id).await?.and_then(|e| {
        e.extras.handoff.map(|h| HandoffView {
            reason: h.reason.as_str().to_owned(),
            priority: h.priority.as_str().to_owned(),
            summary: h.summary,
        })
    });
    let customer = match &c.customer_id {
        Some(id) => state.store.customer(id).await?,
        None => None,
    };
    let mut orders = Vec::new();
    if c.verified && customer.is_some() {
        let ctx = call_context(state, staff, c);
        match state.tools.call(&ctx, &ToolRequest::LookupOrders).await {
            Ok(ToolOutcome::Orders(list)) => orders = list.iter().map(order_card).collect(),
            Ok(_) => {}
            Err(e) => tracing::warn!(conversation = %c.id, error = %e, "orders unavailable"),
        }
    }
    let earlier = match &c.customer_id {
        Some(id) => state
            .store
            .conversations_of_customer(id, 20)
            .await?
            .into_iter()
            .filter(|o| o.id != c.id)
            .map(|o| EarlierConversation {
                id: o.id.as_str().to_owned(),
                state: o.state.as_str().to_owned(),
                created_at: timestamp(o.created_at),
            })
            .collect(),
        None => Vec::new(),
    };
    let events = all_events(state, &c.id)
        .await?
        .iter()
        .map(EventView::from)
        .collect();
    Ok(Detail {
        conversation,
        handoff,
        verified: c.verified,
        customer: customer.map(|k| CustomerCard {
            id: k.id.as_str().to_owned(),
            name: k.name,
            email: k.email,
            market: k.market.as_str().to_owned(),
            language: k.language.as_str().to_owned(),
        }),
        orders,
        earlier,
        events,
    })
}

/// The copilot: help-centre passages for what the customer wrote last, the best one as
/// a suggested reply in the customer's language, and the AI's contact reason.
pub async fn copilot(state: &AppState, c: &Conversation) -> Result<Copilot, ApiError> {
    let mut said = Vec::new();
    let mut contact_reason = None;
    for e in all_events(state, &c.id).await? {
        if e.author == Author::Customer && e.kind == EventKind::Message {
            said.extend(e.text.clone());
        }
        if let Some(remembered) = &e.extras.agent_state
            && let Some(reason) = remembered.get("reason").and_then(|r| r.as_str())
        {
            contact_reason = Some(reason.to_owned());
        }
    }
    let next_action = contact_reason
        .as_deref()
        .and_then(next_action)
        .map(str::to_owned);
    let Some(brain) = &state.brain else {
        return Ok(Copilot {
            suggested_reply: None,
            articles: Vec::new(),
            contact_reason,
            next_action,
        });
    };
    let query = said
        .iter()
        .rev()
        .take(2)
        .rev()
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let lang = c
        .language
        .as_ref()
        .and_then(|l| tandem_agent::language::Lang::parse(l.primary()))
        .unwrap_or(tandem_agent::language::Lang::En);
    if query.trim().is_empty() {
        return Ok(Copilot {
            suggested_reply: None,
            articles: Vec::new(),
            contact_reason,
            next_action,
        });
    }
    let embedding = brain.nlu.embed(&query);
    let hits = brain.kb.search(&query, embedding.as_deref(), lang, 3);
    let articles: Vec<ArticleRef> = hits
        .iter()
        .map(|h| ArticleRef {
            id: h.article.id.clone(),
            title: h.article.title.clone(),
            url: h.article.url.clone(),
            snippet: h.passage.text.chars().take(280).collect(),
        })
        .collect();
    let suggested_reply = hits.first().map(|h| {
        let read_more = match lang {
            tandem_agent::language::Lang::Sv => "Läs mer",
            tandem_agent::language::Lang::De => "Mehr dazu",
            tandem_agent::language::Lang::En => "More here",
        };
        format!("{} {read_more}: {}", h.passage.text.trim(), h.article.url)
    });
    Ok(Copilot {
        suggested_reply,
        articles,
        contact_reason,
        next_action,
    })
}

/// The tool that usually settles a contact reason.
fn next_action(contact_reason: &str) -> Option<&'static str> {
    Some(match contact_reason {
        "extension" => "extend_due_date",
        "return" => "report_return",
        "dispute" | "fraud" => "open_dispute",
        "refund_status" => "refund_status",
        "pay_now" | "payment_declined" => "send_payment_link",
        "account_deletion" => "request_account_deletion",
        "fees" => "lookup_orders",
        _ => return None,
    })
}

fn tool_result(outcome: &ToolOutcome) -> ToolResult {
    let base = ToolResult {
        outcome: String::new(),
        words: None,
        rule: None,
        proposal: None,
        orders: Vec::new(),
        result: json!({}),
        events: Vec::new(),
    };
    match outcome {
        ToolOutcome::Orders(list) => ToolResult {
            outcome: "orders".into(),
            orders: list.iter().map(order_card).collect(),
            ..base
        },
        ToolOutcome::Choose(list) => ToolResult {
            outcome: "choose".into(),
            orders: list.iter().map(order_card).collect(),
            ..base
        },
        ToolOutcome::Order(v) => ToolResult {
            outcome: "order".into(),
            orders: vec![order_card(v)],
            ..base
        },
        ToolOutcome::Refunds { order, report } => ToolResult {
            outcome: "refunds".into(),
            orders: vec![order_card(order)],
            result: json!({"report": format!("{report:?}")}),
            ..base
        },
        ToolOutcome::Proposed(p) => ToolResult {
            outcome: "proposed".into(),
            words: Some(p.words.clone()),
            proposal: Some(p.proposal.clone()),
            orders: p.order.iter().map(order_card).collect(),
            ..base
        },
        ToolOutcome::Refused { refusal, words } => ToolResult {
            outcome: "refused".into(),
            words: Some(words.clone()),
            rule: Some(refusal.rule.as_str().to_owned()),
            ..base
        },
    }
}

fn yes_no(language: Option<&Language>) -> Vec<QuickReply> {
    let (yes, no) = match language.map(Language::primary) {
        Some("sv") => ("Ja", "Nej"),
        Some("de") => ("Ja", "Nein"),
        _ => ("Yes", "No"),
    };
    vec![
        QuickReply {
            label: yes.into(),
            value: yes.into(),
        },
        QuickReply {
            label: no.into(),
            value: no.into(),
        },
    ]
}

/// Runs a tool for the person through the policy engine. A write's proposal is sent to
/// the customer as the person's message with Yes/No buttons.
pub async fn run_tool(
    state: &AppState,
    staff: &Staff,
    c: &Conversation,
    tool: &str,
    args: &serde_json::Value,
) -> Result<ToolResult, ApiError> {
    if c.state != ConversationState::Assigned || c.assignee.as_ref() != Some(staff.id()) {
        return Err(ApiError::new(
            ErrorCode::NotAssignee,
            "take the conversation before using tools in it",
        ));
    }
    let request = ToolRequest::from_json(tool, args)
        .map_err(|m| ApiError::new(ErrorCode::InvalidInput, m))?;
    let ctx = call_context(state, staff, c);
    let outcome = state
        .tools
        .call(&ctx, &request)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let mut result = tool_result(&outcome);
    if let ToolOutcome::Proposed(p) = &outcome {
        let draft = EventDraft {
            awaiting: Some(tandem_domain::Awaiting::Confirm),
            extras: EventExtras {
                quick_replies: yes_no(c.language.as_ref()),
                tool_calls: vec![ToolCall {
                    tool: p.tool.as_str().to_owned(),
                    args: json!({"proposal": p.proposal, "request": request.args()}),
                    ok: true,
                }],
                ..EventExtras::default()
            },
            ..agent_draft(state, staff, EventKind::Message, p.words.clone())
        };
        let events = commit_as_holder(state, staff, c, Append::to_open(vec![draft])).await?;
        result.events = events.iter().map(EventView::from).collect();
    }
    Ok(result)
}

/// Executes a proposal after the customer's yes, found in the conversation after the
/// proposal's words; the result is sent to the customer.
pub async fn confirm_tool(
    state: &AppState,
    staff: &Staff,
    c: &Conversation,
    proposal: &str,
) -> Result<ToolResult, ApiError> {
    if c.state != ConversationState::Assigned || c.assignee.as_ref() != Some(staff.id()) {
        return Err(ApiError::new(
            ErrorCode::NotAssignee,
            "take the conversation before using tools in it",
        ));
    }
    let mut shown = None;
    let mut yes = None;
    for e in all_events(state, &c.id).await? {
        let shows = e
            .extras
            .tool_calls
            .iter()
            .any(|t| t.args.get("proposal").and_then(|p| p.as_str()) == Some(proposal));
        if shows {
            shown = Some(e.seq);
            yes = None;
        } else if shown.is_some() && e.author == Author::Customer && e.kind == EventKind::Message {
            let said = e.text.as_deref().unwrap_or("");
            yes = match tandem_agent::entities::yes_no(said) {
                Some(true) => Some(e.seq),
                Some(false) => None,
                None => yes,
            };
        }
    }
    let Some(shown_seq) = shown else {
        return Err(ApiError::not_found("proposal in this conversation"));
    };
    let Some(yes_seq) = yes else {
        return Err(ApiError::new(
            ErrorCode::ConversationOpen,
            "the customer has not said yes to this proposal yet",
        ));
    };
    let ctx = call_context(state, staff, c);
    let executed = state
        .tools
        .confirm(
            &ctx,
            &Confirmation {
                proposal: proposal.to_owned(),
                shown_seq,
                yes_seq,
            },
        )
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let (outcome, words, rule, result) = match &executed {
        Executed::Done { words, result, .. } => ("executed", words.clone(), None, result.clone()),
        Executed::Refused { refusal, words } => (
            "refused",
            words.clone(),
            Some(refusal.rule.as_str().to_owned()),
            json!({}),
        ),
    };
    let draft = agent_draft(state, staff, EventKind::Message, words.clone());
    let events = commit_as_holder(state, staff, c, Append::to_open(vec![draft])).await?;
    Ok(ToolResult {
        outcome: outcome.into(),
        words: Some(words),
        rule,
        proposal: Some(proposal.to_owned()),
        orders: Vec::new(),
        result,
        events: events.iter().map(EventView::from).collect(),
    })
}

/// Canned replies in en, sv and de.
pub fn canned() -> Vec<CannedReply> {
    let rows: &[(&str, &str, &str, &str)] = &[
        (
            "greeting",
            "Greeting",
            "en",
            "Hi, I'm here to help. I've read what you told our assistant, so you don't need to repeat it.",
        ),
        (
            "greeting",
            "Hälsning",
            "sv",
            "Hej, jag hjälper dig gärna. Jag har läst vad du berättade för vår assistent, så du behöver inte upprepa det.",
        ),
        (
            "greeting",
            "Begrüßung",
            "de",
            "Hallo, ich helfe Ihnen gern. Ich habe gelesen, was Sie unserem Assistenten geschrieben haben; Sie müssen nichts wiederholen.",
        ),
        (
            "checking",
            "Checking",
            "en",
            "Thanks, give me a moment while I look into your account.",
        ),
        (
            "checking",
            "Kollar",
            "sv",
            "Tack, ge mig en stund medan jag tittar på ditt konto.",
        ),
        (
            "checking",
            "Prüfe",
            "de",
            "Danke, einen Moment bitte, ich sehe mir Ihr Konto an.",
        ),
        (
            "verify",
            "Verification",
            "en",
            "To keep your account safe I need to verify you first: I'll send a one-time code to the email on file.",
        ),
        (
            "verify",
            "Verifiering",
            "sv",
            "För att skydda ditt konto behöver jag först verifiera dig: jag skickar en engångskod till din e-postadress.",
        ),
        (
            "verify",
            "Verifizierung",
            "de",
            "Zum Schutz Ihres Kontos muss ich Sie zuerst verifizieren: Ich sende einen Einmalcode an Ihre hinterlegte E-Mail-Adresse.",
        ),
        (
            "anything-else",
            "Anything else",
            "en",
            "Is there anything else I can help you with today?",
        ),
        (
            "anything-else",
            "Något mer",
            "sv",
            "Finns det något mer jag kan hjälpa dig med i dag?",
        ),
        (
            "anything-else",
            "Sonst noch etwas",
            "de",
            "Kann ich Ihnen heute sonst noch helfen?",
        ),
        (
            "closing",
            "Closing",
            "en",
            "Thanks for contacting Acme Pay. Take care!",
        ),
        (
            "closing",
            "Avslut",
            "sv",
            "Tack för att du kontaktade Acme Pay. Ha det bra!",
        ),
        (
            "closing",
            "Abschluss",
            "de",
            "Danke, dass Sie Acme Pay kontaktiert haben. Alles Gute!",
        ),
    ];
    rows.iter()
        .map(|(id, title, language, text)| CannedReply {
            id: format!("{id}-{language}"),
            title: (*title).to_owned(),
            language: (*language).to_owned(),
            text: (*text).to_owned(),
        })
        .collect()
}
