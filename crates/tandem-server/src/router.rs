//! The router: offers queued conversations to people, takes offers back when they run
//! out, puts the conversations of people who left back in the queue, tracks who has a
//! console open, and tells consoles when their lists changed.
//!
//! The decisions are `tandem_domain::routing`'s; this is the loop around them. It runs
//! on a tick (every second) and whenever something happened (`kick`): a handoff, a
//! claim, a status change. The queue itself lives in the store (a queued conversation
//! and its entry), so nothing is lost when a node stops; offers and console counts are
//! this node's memory and are rebuilt by the next pass.
//!
//! Architecture Invariant: assigning is an atomic store append (`require` queued), so an
//! offer is only ever a suggestion and two claims never both win, whatever the routers
//! of several nodes offered.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use tandem_domain::routing::{self, QueueStanding, RoutingPolicy, Seat, Waiting};
use tandem_domain::workforce::{AgentAccount, AgentId, Presence, Skills};
use tandem_domain::{
    Author, Conversation, ConversationId, ConversationState, EventDraft, EventKind, Language,
};
use tandem_store::{Append, Change, StoreError};
use time::{Duration, OffsetDateTime};
use tokio::sync::{Notify, broadcast, watch};

use crate::AppState;

/// The router's settings (config `[routing]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutingSettings {
    pub policy: RoutingPolicy,
    /// After the last console of a person closes, they are set away after this.
    pub presence_grace: Duration,
    /// The conversations of a person away for longer than this go back to the queue.
    pub away_requeue: Duration,
}

impl Default for RoutingSettings {
    fn default() -> Self {
        Self {
            policy: RoutingPolicy::default(),
            presence_grace: Duration::seconds(30),
            away_requeue: Duration::seconds(120),
        }
    }
}

/// A conversation offered to a person, until it runs out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub agent: AgentId,
    pub expires_at: OffsetDateTime,
}

/// Something a person's console should hear about at once.
#[derive(Debug, Clone)]
pub enum Notice {
    Offered {
        conversation: ConversationId,
        expires_at: OffsetDateTime,
    },
    /// The person's own account changed (e.g. set away).
    Account,
}

#[derive(Default)]
struct Memory {
    offers: HashMap<ConversationId, Offer>,
    passed: HashMap<ConversationId, Vec<AgentId>>,
    consoles: HashMap<AgentId, usize>,
    last_given: HashMap<AgentId, OffsetDateTime>,
    /// Measured handle time (seconds), smoothed.
    handle_secs: Option<f64>,
    /// What the last pass saw.
    seen: Fingerprint,
    /// Handoff summaries by conversation and the time it was queued (a new handoff
    /// queues it anew), so the consoles' lists do not re-read logs.
    summaries: HashMap<(ConversationId, i64), Option<String>>,
}

pub struct Router {
    pub settings: RoutingSettings,
    memory: Mutex<Memory>,
    wake: Notify,
    changed: watch::Sender<u64>,
    notices: Mutex<HashMap<AgentId, broadcast::Sender<Notice>>>,
}

impl Router {
    pub fn new(settings: RoutingSettings) -> Self {
        Self {
            settings,
            memory: Mutex::default(),
            wake: Notify::new(),
            changed: watch::channel(0).0,
            notices: Mutex::default(),
        }
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.memory.lock().expect("router memory")
    }

    /// Asks for a routing pass now.
    pub fn kick(&self) {
        self.wake.notify_one();
    }

    /// Tells every console that the lists changed.
    pub fn touch(&self) {
        self.changed.send_modify(|n| *n += 1);
    }

    /// A receiver that sees each change of the lists.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// The notices for one person's consoles.
    pub fn notices(&self, agent: &AgentId) -> broadcast::Receiver<Notice> {
        self.notices
            .lock()
            .expect("router notices")
            .entry(agent.clone())
            .or_insert_with(|| broadcast::channel(64).0)
            .subscribe()
    }

    fn notify(&self, agent: &AgentId, notice: Notice) {
        if let Some(tx) = self.notices.lock().expect("router notices").get(agent) {
            let _ = tx.send(notice);
        }
    }

    /// The open offer of a conversation.
    pub fn offer(&self, conversation: &ConversationId) -> Option<Offer> {
        self.memory().offers.get(conversation).cloned()
    }

    /// Open offers per person.
    fn offers_per_agent(&self) -> HashMap<AgentId, u32> {
        let mut per = HashMap::new();
        for offer in self.memory().offers.values() {
            *per.entry(offer.agent.clone()).or_default() += 1;
        }
        per
    }

    /// The cached handoff summary of a queued or assigned conversation; `None` when it
    /// is not cached.
    pub fn cached_summary(&self, c: &Conversation) -> Option<Option<String>> {
        let since = c.queue.as_ref()?.since.unix_timestamp_nanos() as i64;
        self.memory().summaries.get(&(c.id.clone(), since)).cloned()
    }

    pub fn cache_summary(&self, c: &Conversation, summary: Option<String>) {
        if let Some(q) = &c.queue {
            let since = q.since.unix_timestamp_nanos() as i64;
            self.memory()
                .summaries
                .insert((c.id.clone(), since), summary);
        }
    }

    /// A conversation was taken (or left the queue): its offer is over.
    pub fn settled(&self, conversation: &ConversationId) {
        let mut memory = self.memory();
        memory.offers.remove(conversation);
        memory.passed.remove(conversation);
    }

    /// A person finished a conversation they held for `handled`.
    pub fn record_handle_time(&self, handled: Duration) {
        let secs = handled.as_seconds_f64().clamp(10.0, 4.0 * 3600.0);
        let mut memory = self.memory();
        memory.handle_secs = Some(match memory.handle_secs {
            None => secs,
            Some(old) => 0.8 * old + 0.2 * secs,
        });
    }

    pub fn handle_time(&self) -> Duration {
        self.memory()
            .handle_secs
            .map_or(self.settings.policy.default_handle_time, |s| {
                Duration::seconds(s.round() as i64)
            })
    }

    /// A console of `agent` opened.
    pub fn console_opened(&self, agent: &AgentId) {
        *self.memory().consoles.entry(agent.clone()).or_default() += 1;
    }

    /// A console of `agent` closed; returns whether it was their last one.
    pub fn console_closed(&self, agent: &AgentId) -> bool {
        let mut memory = self.memory();
        let n = memory.consoles.entry(agent.clone()).or_default();
        *n = n.saturating_sub(1);
        let last = *n == 0;
        if last {
            memory.consoles.remove(agent);
        }
        last
    }

    pub fn consoles_open(&self, agent: &AgentId) -> usize {
        self.memory().consoles.get(agent).copied().unwrap_or(0)
    }
}

/// Runs routing passes until shutdown.
pub async fn run(state: AppState) {
    let router = Arc::clone(&state.router);
    let mut tick = tokio::time::interval(StdDuration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = state.shutdown.cancelled() => return,
            () = router.wake.notified() => {}
            _ = tick.tick() => {}
        }
        if let Err(e) = pass(&state).await {
            tracing::warn!(error = %e, "routing pass failed; retrying on the next tick");
        }
    }
}

/// What one pass looked at, to tell consoles whether anything changed.
#[derive(PartialEq, Eq, Default)]
struct Fingerprint(Vec<(ConversationId, u64, Option<AgentId>, Option<AgentId>)>);

/// One routing pass: re-queue, expire offers, make new offers.
pub async fn pass(state: &AppState) -> Result<(), StoreError> {
    let router = &state.router;
    let now = state.clock.now();
    // Conversations of people who left go back to the queue. The conversations are read
    // before the people: taking a conversation brings its taker online first, so a
    // presence read after the assignment is never older than it. Read the other way
    // round, a claim landing between the two reads met its taker still offline, and
    // the conversation went straight back to the queue.
    let assigned = state
        .store
        .conversations_in_state(ConversationState::Assigned)
        .await?;
    let agents = state.store.agents().await?;
    let by_id: HashMap<&AgentId, &AgentAccount> = agents.iter().map(|a| (&a.id, a)).collect();
    let mut requeued = false;
    for c in &assigned {
        let gone = match c.assignee.as_ref().and_then(|a| by_id.get(a)) {
            None => true,
            Some(a) => match a.presence {
                Presence::Online => false,
                Presence::Offline => true,
                Presence::Away => now - a.presence_since > router.settings.away_requeue,
            },
        };
        if gone && let Some(agent) = &c.assignee {
            requeued |= requeue(state, c, agent).await?;
        }
    }
    let assigned = if requeued {
        state
            .store
            .conversations_in_state(ConversationState::Assigned)
            .await?
    } else {
        assigned
    };
    let queued = state
        .store
        .conversations_in_state(ConversationState::Queued)
        .await?;

    // Offers run out, or end with the conversation leaving the queue.
    let mut expired = Vec::new();
    {
        let mut memory = router.memory();
        let still: std::collections::HashSet<&ConversationId> =
            queued.iter().map(|c| &c.id).collect();
        let Memory { offers, passed, .. } = &mut *memory;
        offers.retain(|id, offer| {
            if !still.contains(id) {
                return false;
            }
            if offer.expires_at <= now {
                passed
                    .entry(id.clone())
                    .or_default()
                    .push(offer.agent.clone());
                expired.push(id.clone());
                return false;
            }
            true
        });
        passed.retain(|id, _| still.contains(id));
        let held: std::collections::HashSet<&ConversationId> =
            assigned.iter().map(|c| &c.id).collect();
        memory
            .summaries
            .retain(|(id, _), _| still.contains(id) || held.contains(id));
    }
    if !expired.is_empty() {
        tracing::info!(
            count = expired.len(),
            "offers ran out; offering to the next person"
        );
    }

    // New offers.
    let offers_open = router.offers_per_agent();
    let mut held: HashMap<&AgentId, u32> = HashMap::new();
    for c in &assigned {
        if let Some(a) = &c.assignee {
            *held.entry(a).or_default() += 1;
        }
    }
    let mut seats: Vec<Seat> = {
        let memory = router.memory();
        agents
            .iter()
            .map(|a| Seat {
                id: a.id.clone(),
                skills: a.skills.clone(),
                presence: a.presence,
                max_chats: a.max_chats,
                active: held.get(&a.id).copied().unwrap_or(0)
                    + offers_open.get(&a.id).copied().unwrap_or(0),
                last_given: memory
                    .last_given
                    .get(&a.id)
                    .copied()
                    .unwrap_or(a.presence_since),
            })
            .collect()
    };
    let waiting: Vec<Waiting<ConversationId>> = {
        let memory = router.memory();
        queued
            .iter()
            .filter_map(|c| {
                Some(Waiting {
                    key: c.id.clone(),
                    entry: c.queue.clone()?,
                    offered_to: memory.offers.get(&c.id).map(|o| o.agent.clone()),
                    passed: memory.passed.get(&c.id).cloned().unwrap_or_default(),
                })
            })
            .collect()
    };
    let planned = routing::plan_offers(&waiting, &mut seats, now, &router.settings.policy);
    let expires_at = now + router.settings.policy.offer_timeout;
    {
        let mut memory = router.memory();
        for (conversation, agent) in &planned {
            memory.offers.insert(
                conversation.clone(),
                Offer {
                    agent: agent.clone(),
                    expires_at,
                },
            );
            memory.last_given.insert(agent.clone(), now);
        }
    }
    for (conversation, agent) in planned {
        tracing::info!(%conversation, %agent, "offered");
        router.notify(
            &agent,
            Notice::Offered {
                conversation,
                expires_at,
            },
        );
    }

    // Consoles hear when the lists changed.
    let print = {
        let memory = router.memory();
        let mut rows: Vec<_> = queued
            .iter()
            .chain(assigned.iter())
            .map(|c| {
                (
                    c.id.clone(),
                    c.last_seq,
                    c.assignee.clone(),
                    memory.offers.get(&c.id).map(|o| o.agent.clone()),
                )
            })
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        Fingerprint(rows)
    };
    let changed = {
        let mut memory = router.memory();
        let changed = memory.seen != print;
        memory.seen = print;
        changed
    };
    if changed {
        router.touch();
    }
    Ok(())
}

/// Puts a conversation held by `agent` back in the queue, keeping the customer's place.
/// False when it was no longer theirs.
pub async fn requeue(
    state: &AppState,
    conversation: &Conversation,
    agent: &AgentId,
) -> Result<bool, StoreError> {
    let now = state.clock.now();
    let text = back_in_queue_notice(conversation.language.as_ref());
    let append = Append::to_open(vec![EventDraft {
        text: Some(text.to_owned()),
        ..EventDraft::new(now, EventKind::Message, Author::System)
    }])
    .require(&[ConversationState::Assigned])
    .require_assignee(agent)
    .set_state(ConversationState::Queued)
    .assignee(Change::Clear);
    match crate::conversations::commit(state, &conversation.id, append).await {
        Ok(_) => {
            tracing::info!(conversation = %conversation.id, %agent, "back in the queue: the person left");
            Ok(true)
        }
        Err(StoreError::StateConflict { .. } | StoreError::NotAssignee { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

fn back_in_queue_notice(language: Option<&Language>) -> &'static str {
    match language.map(Language::primary) {
        Some("sv") => {
            "Personen som hjälpte dig var tvungen att gå. Du står kvar på din plats i kön och nästa lediga person tar över."
        }
        Some("de") => {
            "Die Person, die Ihnen geholfen hat, musste gehen. Sie behalten Ihren Platz in der Warteschlange; die nächste freie Person übernimmt."
        }
        _ => {
            "The person helping you had to leave. You keep your place in the queue and the next free person will take over."
        }
    }
}

/// Where a queued conversation stands and how long the wait honestly is.
pub async fn standing(
    state: &AppState,
    conversation: &Conversation,
) -> Result<Option<QueueStanding>, StoreError> {
    let Some(entry) = &conversation.queue else {
        return Ok(None);
    };
    let now = state.clock.now();
    let queued = state
        .store
        .conversations_in_state(ConversationState::Queued)
        .await?;
    let entries: Vec<_> = queued.iter().filter_map(|c| c.queue.as_ref()).collect();
    let agents = state.store.agents().await?;
    let assigned = state
        .store
        .conversations_in_state(ConversationState::Assigned)
        .await?;
    // Open offers are not counted: those conversations are still in the queue ahead.
    let seats: Vec<Seat> = agents
        .iter()
        .map(|a| Seat {
            id: a.id.clone(),
            skills: a.skills.clone(),
            presence: a.presence,
            max_chats: a.max_chats,
            active: assigned
                .iter()
                .filter(|c| c.assignee.as_ref() == Some(&a.id))
                .count() as u32,
            last_given: now,
        })
        .collect();
    let skills_of: HashMap<&AgentId, &Skills> = agents.iter().map(|a| (&a.id, &a.skills)).collect();
    let shifts: Vec<(Skills, tandem_domain::workforce::Shift)> = state
        .store
        .all_shifts(now)
        .await?
        .into_iter()
        .filter_map(|(id, s)| skills_of.get(&id).map(|k| ((*k).clone(), s)))
        .collect();
    // The entry itself is in `entries` when it was read from the store; a conversation
    // being queued right now is not yet.
    let mut all = entries;
    if !queued.iter().any(|c| c.id == conversation.id) {
        all.push(entry);
    }
    Ok(Some(routing::standing(
        entry,
        &all,
        &seats,
        &shifts,
        state.router.handle_time(),
        now,
        &state.router.settings.policy,
    )))
}

/// Marks people whose consoles all closed as away after the grace period.
pub fn console_closed(state: &AppState, agent: AgentId) {
    if !state.router.console_closed(&agent) {
        return;
    }
    let state = state.clone();
    let grace = state.router.settings.presence_grace;
    tokio::spawn(async move {
        let wait = StdDuration::try_from(grace).unwrap_or_default();
        tokio::select! {
            () = state.shutdown.cancelled() => return,
            () = tokio::time::sleep(wait) => {}
        }
        if state.router.consoles_open(&agent) > 0 {
            return;
        }
        let Ok(Some(account)) = state.store.agent(&agent).await else {
            return;
        };
        if account.presence == Presence::Online {
            let now = state.clock.now();
            if state
                .store
                .set_presence(&agent, Presence::Away, now)
                .await
                .is_ok()
            {
                tracing::info!(%agent, "console gone: set away");
                state.router.notify(&agent, Notice::Account);
                state.router.kick();
            }
        }
    });
}
