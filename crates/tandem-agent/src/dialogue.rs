//! The dialogue manager: one customer message in, the AI's reply out.
//!
//! Order of decisions on every turn:
//! 1. The H rules that must win at once: a person asked for (H1), fraud (H2),
//!    vulnerability (H3), a formal complaint or a request outside policy (H6).
//! 2. The answer to what the last reply asked (`awaiting`): yes/no to a proposal, an
//!    order, an email, a one-time code, a dispute reason, whether the merchant was
//!    contacted, details.
//! 3. A new request: an errand (a flow with slots that ends in a tool call, proposal
//!    and confirmation, P5), a help-centre answer, small talk, or not understood (H4).
//!
//! The state between turns is a [`DialogueState`]; the caller keeps it with the reply
//! (the server stores it on the AI's last event) and hands it back next turn.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tandem_domain::ledger::DisputeReason;
use tandem_domain::ledger::rules::{Actor, DisputeClaim, Refusal, RefusalReason};
use tandem_domain::{
    Awaiting, ConversationId, CustomerId, HandoffReason, Priority, QuickReply, ToolCall,
};
use tandem_tools::words::{self, Lang as WordsLang};
use tandem_tools::{
    CallContext, Confirmation, Executed, OrderView, ToolOutcome, ToolRequest, Tools,
};
use time::OffsetDateTime;

use crate::entities;
use crate::kb::HelpCentre;
use crate::language::{self, Detected, Lang};
use crate::replies::{self as say, pick};
use crate::signals::{self, Signals};
use crate::understanding::{Intent, Understanding};

/// Below this calibrated confidence a contact reason is not acted on by itself.
const INTENT_CONFIDENCE: f32 = 0.45;
/// Customer messages kept for the handoff summary.
const WORDS_KEPT: usize = 6;

/// What the agent can ask the server to do about verification (P1).
#[async_trait::async_trait]
pub trait Verifier: Send + Sync {
    /// Sends a one-time code to `email` if it is a customer's (answers alike either way).
    async fn send_code(&self, email: &str) -> Result<(), VerifyError>;
    /// Checks a code; on success the conversation is verified as the returned customer.
    async fn check_code(&self, code: &str) -> Result<CustomerId, VerifyError>;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    Wrong {
        attempts_left: u32,
    },
    Expired,
    Locked {
        minutes: i64,
    },
    /// A code was sent moments ago.
    TooSoon,
    NoCodeRequested,
    Unavailable(String),
}

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error(transparent)]
    Tool(#[from] tandem_tools::ToolError),
}

/// An errand in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrandKind {
    Extension,
    Return,
    Dispute,
    RefundStatus,
    PayNow,
    Deletion,
    OrderStatus,
}

impl ErrandKind {
    fn from_intent(intent: Intent) -> Option<Self> {
        Some(match intent {
            Intent::Extension => Self::Extension,
            Intent::Return => Self::Return,
            Intent::Dispute => Self::Dispute,
            Intent::RefundStatus => Self::RefundStatus,
            Intent::PayNow => Self::PayNow,
            Intent::AccountDeletion => Self::Deletion,
            _ => return None,
        })
    }

    fn needs_order(self) -> bool {
        self != Self::Deletion
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Errand {
    pub kind: ErrandKind,
    #[serde(default)]
    pub order: Option<String>,
    /// The customer's words that started it (order hints before verification).
    #[serde(default)]
    pub said: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub merchant_contacted: Option<bool>,
    #[serde(default)]
    pub details: Option<String>,
    #[serde(default)]
    pub asked_details: bool,
}

/// A proposal shown to the customer, waiting for yes or no (P5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub proposal: String,
    pub tool: String,
    pub order: Option<String>,
}

/// What the agent remembers between turns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DialogueState {
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub awaiting: Option<String>,
    #[serde(default)]
    pub errand: Option<Errand>,
    #[serde(default)]
    pub pending: Option<Pending>,
    /// Consecutive turns not understood (H4).
    #[serde(default)]
    pub misunderstood: u8,
    /// The last refused errand and order: asking again goes to a person (H6).
    #[serde(default)]
    pub refused: Option<(ErrandKind, Option<String>)>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub orders: Vec<String>,
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default)]
    pub words: Vec<String>,
    #[serde(default)]
    pub frustrated: bool,
    #[serde(default)]
    pub apologised_language: bool,
}

impl DialogueState {
    fn awaiting(&self) -> Option<Awaiting> {
        self.awaiting
            .as_deref()
            .and_then(|a| Awaiting::parse(a).ok())
    }

    fn involve(&mut self, order: &str) {
        if !self.orders.iter().any(|o| o == order) {
            self.orders.push(order.to_owned());
        }
    }
}

/// One message the AI says.
#[derive(Debug, Clone, PartialEq)]
pub struct Said {
    pub text: String,
    pub awaiting: Option<Awaiting>,
    pub quick_replies: Vec<QuickReply>,
    pub tool_calls: Vec<ToolCall>,
}

/// A handoff the AI decided on.
#[derive(Debug, Clone, PartialEq)]
pub struct HandoffDecision {
    pub reason: HandoffReason,
    pub priority: Priority,
    pub summary: String,
}

/// The AI's answer to one customer message.
#[derive(Debug, Clone)]
pub struct Reply {
    pub lang: Lang,
    pub messages: Vec<Said>,
    pub handoff: Option<HandoffDecision>,
    pub state: DialogueState,
    /// The customer verified during this turn.
    pub verified: Option<CustomerId>,
}

/// One customer message and its context.
pub struct Turn<'a> {
    pub conversation: ConversationId,
    /// The verified customer, if any (P1).
    pub customer: Option<CustomerId>,
    /// The message as stored (card data already masked, P12).
    pub text: &'a str,
    /// The seq of that message.
    pub seq: u64,
    /// The seq of the AI event that carried `state` (where a pending proposal was shown).
    pub state_seq: u64,
    pub now: OffsetDateTime,
    /// The conversation's language, if known.
    pub language: Option<Lang>,
    pub verifier: &'a dyn Verifier,
}

/// The AI agent.
pub struct Agent {
    nlu: Arc<Understanding>,
    kb: Arc<HelpCentre>,
    tools: Arc<Tools>,
}

/// Work in progress on one reply.
struct Draft {
    lang: Lang,
    messages: Vec<Said>,
    calls: Vec<ToolCall>,
    handoff: Option<HandoffDecision>,
    state: DialogueState,
    verified: Option<CustomerId>,
    customer: Option<CustomerId>,
}

impl Draft {
    fn say(&mut self, text: String) {
        self.ask(text, None, Vec::new());
    }

    fn ask(&mut self, text: String, awaiting: Option<Awaiting>, quick_replies: Vec<QuickReply>) {
        let tool_calls = std::mem::take(&mut self.calls);
        self.messages.push(Said {
            text,
            awaiting,
            quick_replies,
            tool_calls,
        });
        self.state.awaiting = awaiting.map(|a| a.as_str().to_owned());
    }

    fn yes_no(&self) -> Vec<QuickReply> {
        vec![
            QuickReply {
                label: say::yes(self.lang),
                value: say::yes(self.lang).to_lowercase(),
            },
            QuickReply {
                label: say::no(self.lang),
                value: say::no(self.lang).to_lowercase(),
            },
        ]
    }

    fn person_button(&self) -> QuickReply {
        QuickReply {
            label: say::talk_to_person(self.lang),
            value: say::talk_to_person(self.lang),
        }
    }
}

fn record(outcome: &ToolOutcome, request: &ToolRequest) -> ToolCall {
    ToolCall {
        tool: request.tool().as_str().to_owned(),
        args: request.args(),
        ok: outcome.ok(),
    }
}

fn words_lang(lang: Lang) -> WordsLang {
    WordsLang::from_tag(lang.code())
}

/// Question-shaped messages about how things work, rather than a request to act.
fn is_general_question(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("");
    const STARTS: [&str; 22] = [
        "how", "what", "when", "why", "which", "does", "is", "are", "do", "hur", "vad", "när",
        "varför", "vilka", "gäller", "wie", "was", "wann", "warum", "welche", "gilt", "kann",
    ];
    STARTS.contains(&first)
        && [
            "how long",
            "how do",
            "how does",
            "what happens",
            "hur lång",
            "hur fungerar",
            "wie lange",
            "wie funktioniert",
            "what is",
            "vad är",
            "was ist",
            "how many",
            "hur många",
            "wie viele",
            "when do",
            "när får",
            "wann bekomme",
            "why",
            "varför",
            "warum",
        ]
        .iter()
        .any(|p| lower.contains(p))
}

impl Agent {
    pub fn new(nlu: Arc<Understanding>, kb: Arc<HelpCentre>, tools: Arc<Tools>) -> Self {
        Self { nlu, kb, tools }
    }

    pub fn understanding(&self) -> &Understanding {
        &self.nlu
    }

    pub fn help_centre(&self) -> &HelpCentre {
        &self.kb
    }

    fn context(&self, turn: &Turn<'_>, draft: &Draft) -> CallContext {
        CallContext {
            actor: Actor::Ai,
            conversation: turn.conversation.clone(),
            customer: draft.customer.clone(),
            event_seq: Some(turn.seq),
            now: turn.now,
            language: draft.lang.code().to_owned(),
        }
    }

    /// Answers one customer message.
    pub async fn respond(
        &self,
        turn: Turn<'_>,
        mut state: DialogueState,
    ) -> Result<Reply, AgentError> {
        let text = turn.text.trim();
        let previous = state
            .lang
            .as_deref()
            .and_then(Lang::parse)
            .or(turn.language);
        let detected = language::detect(text);
        let lang = match detected {
            Detected::Lang(lang) => lang,
            Detected::Other => Lang::En,
            Detected::Unknown => previous.unwrap_or(Lang::En),
        };
        state.lang = Some(lang.code().to_owned());
        state.words.push(text.to_owned());
        if state.words.len() > WORDS_KEPT {
            state.words.remove(0);
        }
        let mut draft = Draft {
            lang,
            messages: Vec::new(),
            calls: Vec::new(),
            handoff: None,
            state,
            verified: None,
            customer: turn.customer.clone(),
        };
        if detected == Detected::Other && !draft.state.apologised_language {
            draft.state.apologised_language = true;
            draft.messages.push(Said {
                text: say::apology_other_language().to_owned(),
                awaiting: None,
                quick_replies: Vec::new(),
                tool_calls: Vec::new(),
            });
        }
        self.decide(&turn, &mut draft, text).await?;
        if draft.messages.is_empty() && draft.handoff.is_none() {
            draft.say(say::anything_else(lang));
        }
        Ok(Reply {
            lang: draft.lang,
            messages: draft.messages,
            handoff: draft.handoff,
            state: draft.state,
            verified: draft.verified,
        })
    }

    async fn decide(
        &self,
        turn: &Turn<'_>,
        draft: &mut Draft,
        text: &str,
    ) -> Result<(), AgentError> {
        let signals = signals::detect(text);
        let awaiting = draft.state.awaiting();
        // A one-time code or an email is never read for intent.
        let answers_slot = matches!(awaiting, Some(Awaiting::Otp | Awaiting::Email))
            && (entities::one_time_code(text).is_some() || entities::email(text).is_some());
        let embedding = if answers_slot {
            None
        } else {
            self.nlu.embed(text)
        };
        let intents = if answers_slot {
            Vec::new()
        } else {
            self.nlu.classify(text, embedding.as_deref())
        };
        let (intent, confidence) = intents.first().copied().unwrap_or((Intent::Other, 0.0));
        if signals.frustration {
            draft.state.frustrated = true;
        }

        // 1. The handoffs that win at once.
        if !answers_slot
            && let Some((reason, priority)) = self.must_hand_off(&signals, intent, confidence)
        {
            if reason == HandoffReason::PolicyException && !signals.complaint {
                draft
                    .state
                    .reason
                    .get_or_insert_with(|| Intent::Fees.as_str().to_owned());
            } else {
                draft.state.reason = Some(intent_for(reason).as_str().to_owned());
            }
            self.hand_off(turn, draft, reason, priority);
            return Ok(());
        }
        if signals.injection {
            draft.say(say::injection_notice(draft.lang));
        }

        // 2. The answer to what was asked.
        if let Some(awaiting) = awaiting
            && self
                .answer_slot(turn, draft, awaiting, text, intent, confidence)
                .await?
        {
            draft.state.misunderstood = 0;
            return Ok(());
        }
        draft.state.pending = None;
        draft.state.awaiting = None;

        // 3. A new request.
        self.new_request(
            turn,
            draft,
            text,
            intent,
            confidence,
            embedding.as_deref(),
            &signals,
        )
        .await
    }

    fn must_hand_off(
        &self,
        s: &Signals,
        intent: Intent,
        confidence: f32,
    ) -> Option<(HandoffReason, Priority)> {
        // The model backs the rules up: a missed person, fraud or hardship costs more
        // than a handoff too many, so it needs less certainty than a complaint.
        let likely = |i: Intent, at: f32| intent == i && confidence >= at;
        if s.fraud || likely(Intent::Fraud, 0.55) {
            Some((HandoffReason::Fraud, Priority::Urgent))
        } else if s.vulnerability || likely(Intent::Vulnerability, 0.55) {
            Some((HandoffReason::Vulnerable, Priority::High))
        } else if s.human_request || likely(Intent::HumanRequest, 0.55) {
            Some((HandoffReason::HumanRequest, Priority::Normal))
        } else if s.complaint || s.fee_waiver || likely(Intent::Complaint, 0.75) {
            Some((HandoffReason::PolicyException, Priority::Normal))
        } else {
            None
        }
    }

    fn hand_off(
        &self,
        turn: &Turn<'_>,
        draft: &mut Draft,
        reason: HandoffReason,
        priority: Priority,
    ) {
        let lang = draft.lang;
        let words = match reason {
            HandoffReason::Fraud => say::handoff_fraud(lang),
            HandoffReason::Vulnerable => say::handoff_vulnerable(lang),
            HandoffReason::HumanRequest | HandoffReason::Frustration => say::handoff_human(lang),
            HandoffReason::PolicyException => say::handoff_policy(lang),
            HandoffReason::NotUnderstood => say::handoff_not_understood(lang),
        };
        draft.say(words);
        draft.state.awaiting = None;
        draft.state.pending = None;
        let summary = summary(
            &draft.state,
            reason,
            draft.customer.as_ref().or(turn.customer.as_ref()),
        );
        draft.handoff = Some(HandoffDecision {
            reason,
            priority,
            summary,
        });
    }

    /// Handles the answer to `awaiting`; false when the message is something else.
    async fn answer_slot(
        &self,
        turn: &Turn<'_>,
        draft: &mut Draft,
        awaiting: Awaiting,
        text: &str,
        intent: Intent,
        confidence: f32,
    ) -> Result<bool, AgentError> {
        let lang = draft.lang;
        let new_errand = confidence >= 0.7 && ErrandKind::from_intent(intent).is_some();
        match awaiting {
            Awaiting::Confirm => {
                let Some(pending) = draft.state.pending.clone() else {
                    return Ok(false);
                };
                match entities::yes_no(text) {
                    Some(true) => {
                        let ctx = self.context(turn, draft);
                        let confirmation = Confirmation {
                            proposal: pending.proposal.clone(),
                            shown_seq: turn.state_seq,
                            yes_seq: turn.seq,
                        };
                        let executed = self.tools.confirm(&ctx, &confirmation).await?;
                        draft.state.pending = None;
                        draft.state.errand = None;
                        let args = serde_json::json!({"order": pending.order});
                        match executed {
                            Executed::Done { words, .. } => {
                                draft.calls.push(ToolCall {
                                    tool: pending.tool.clone(),
                                    args,
                                    ok: true,
                                });
                                draft.state.actions.push(format!(
                                    "{} {} (done)",
                                    pending.tool,
                                    pending.order.unwrap_or_default()
                                ));
                                draft.say(format!("{words} {}", say::anything_else(lang)));
                            }
                            Executed::Refused { words, .. } => {
                                draft.calls.push(ToolCall {
                                    tool: pending.tool.clone(),
                                    args,
                                    ok: false,
                                });
                                draft.say(words);
                            }
                        }
                        Ok(true)
                    }
                    Some(false) => {
                        let ctx = self.context(turn, draft);
                        self.tools.decline(&ctx, &pending.proposal).await?;
                        draft.state.pending = None;
                        draft.state.errand = None;
                        draft.state.actions.push(format!(
                            "{} {} (declined by the customer)",
                            pending.tool,
                            pending.order.unwrap_or_default()
                        ));
                        draft.say(format!(
                            "{} {}",
                            say::declined(lang),
                            say::anything_else(lang)
                        ));
                        Ok(true)
                    }
                    None if new_errand || intent == Intent::Goodbye || intent == Intent::Thanks => {
                        let ctx = self.context(turn, draft);
                        self.tools.decline(&ctx, &pending.proposal).await?;
                        Ok(false)
                    }
                    None => {
                        draft.ask(
                            say::confirm_again(lang),
                            Some(Awaiting::Confirm),
                            draft.yes_no(),
                        );
                        Ok(true)
                    }
                }
            }
            Awaiting::Email => {
                let Some(email) = entities::email(text) else {
                    if new_errand || text.split_whitespace().count() > 4 {
                        return Ok(false);
                    }
                    draft.ask(say::email_again(lang), Some(Awaiting::Email), Vec::new());
                    return Ok(true);
                };
                match turn.verifier.send_code(&email).await {
                    Ok(()) | Err(VerifyError::TooSoon) => {
                        draft.ask(say::code_sent(lang), Some(Awaiting::Otp), Vec::new())
                    }
                    Err(VerifyError::Locked { minutes }) => {
                        let button = vec![draft.person_button()];
                        draft.ask(say::verification_locked(lang, minutes), None, button);
                    }
                    Err(_) => draft.say(say::verification_unavailable(lang)),
                }
                Ok(true)
            }
            Awaiting::Otp => {
                let Some(code) = entities::one_time_code(text) else {
                    if new_errand || text.split_whitespace().count() > 4 {
                        return Ok(false);
                    }
                    draft.ask(say::code_again(lang), Some(Awaiting::Otp), Vec::new());
                    return Ok(true);
                };
                match turn.verifier.check_code(&code).await {
                    Ok(customer) => {
                        draft.customer = Some(customer.clone());
                        draft.verified = Some(customer);
                        draft.state.awaiting = None;
                        if draft.state.errand.is_some() {
                            self.advance(turn, draft).await?;
                        } else {
                            draft.say(say::anything_else(lang));
                        }
                    }
                    Err(VerifyError::Wrong { attempts_left }) => draft.ask(
                        say::code_wrong(lang, attempts_left),
                        Some(Awaiting::Otp),
                        Vec::new(),
                    ),
                    Err(VerifyError::Expired | VerifyError::NoCodeRequested) => {
                        draft.ask(say::code_expired(lang), Some(Awaiting::Email), Vec::new())
                    }
                    Err(VerifyError::Locked { minutes }) => {
                        let button = vec![draft.person_button()];
                        draft.ask(say::verification_locked(lang, minutes), None, button);
                    }
                    Err(_) => draft.say(say::verification_unavailable(lang)),
                }
                Ok(true)
            }
            Awaiting::Order => {
                let Some(errand) = draft.state.errand.as_mut() else {
                    return Ok(false);
                };
                if new_errand && ErrandKind::from_intent(intent) != Some(errand.kind) {
                    return Ok(false);
                }
                errand.said = text.to_owned();
                errand.order = None;
                self.advance(turn, draft).await?;
                Ok(true)
            }
            Awaiting::Reason => {
                let Some(errand) = draft.state.errand.as_mut() else {
                    return Ok(false);
                };
                match entities::dispute_reason(text) {
                    Some(reason) => {
                        errand.reason = Some(reason.as_str().to_owned());
                        self.advance(turn, draft).await?;
                    }
                    None if new_errand => return Ok(false),
                    None => {
                        let replies = reason_buttons(lang);
                        draft.ask(say::ask_reason(lang), Some(Awaiting::Reason), replies);
                    }
                }
                Ok(true)
            }
            Awaiting::MerchantContacted => {
                let Some(errand) = draft.state.errand.as_mut() else {
                    return Ok(false);
                };
                match entities::yes_no(text) {
                    Some(answer) => {
                        errand.merchant_contacted = Some(answer);
                        self.advance(turn, draft).await?;
                    }
                    None if new_errand => return Ok(false),
                    None => {
                        // "they ignore my emails" is a yes in other words.
                        errand.merchant_contacted = Some(true);
                        errand.details.get_or_insert_with(|| text.to_owned());
                        self.advance(turn, draft).await?;
                    }
                }
                Ok(true)
            }
            Awaiting::Details => {
                let Some(errand) = draft.state.errand.as_mut() else {
                    return Ok(false);
                };
                errand.details = Some(text.to_owned());
                self.advance(turn, draft).await?;
                Ok(true)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn new_request(
        &self,
        turn: &Turn<'_>,
        draft: &mut Draft,
        text: &str,
        intent: Intent,
        confidence: f32,
        embedding: Option<&[f32]>,
        signals: &Signals,
    ) -> Result<(), AgentError> {
        let lang = draft.lang;
        let order_ids = entities::order_ids(text);
        let confident = confidence >= INTENT_CONFIDENCE;
        let errand = ErrandKind::from_intent(intent)
            .filter(|_| confident)
            .or_else(|| {
                (!order_ids.is_empty() && matches!(intent, Intent::GeneralQuestion | Intent::Other))
                    .then_some(ErrandKind::OrderStatus)
            });
        if let Some(kind) = errand {
            if kind != ErrandKind::OrderStatus
                && order_ids.is_empty()
                && is_general_question(text)
                && draft.customer.is_none()
            {
                // "How long does a refund take?" needs the help centre, not an account.
                if self.answer_from_help_centre(draft, text, embedding) {
                    return Ok(());
                }
            }
            // Asking again for what was just refused is a request outside policy (H6).
            if let Some((refused_kind, _)) = &draft.state.refused
                && *refused_kind == kind
            {
                self.hand_off(
                    turn,
                    draft,
                    HandoffReason::PolicyException,
                    Priority::Normal,
                );
                return Ok(());
            }
            draft.state.reason = Some(intent.as_str().to_owned());
            draft.state.errand = Some(Errand {
                kind,
                order: order_ids.first().cloned(),
                said: text.to_owned(),
                reason: entities::dispute_reason(text).map(|r| r.as_str().to_owned()),
                merchant_contacted: None,
                details: (text.split_whitespace().count() >= 12).then(|| text.to_owned()),
                asked_details: false,
            });
            draft.state.misunderstood = 0;
            return self.advance(turn, draft).await;
        }
        match intent {
            Intent::Greeting if confident => {
                draft.state.misunderstood = 0;
                draft.say(say::greeting(lang));
                return Ok(());
            }
            Intent::Thanks if confident => {
                draft.state.misunderstood = 0;
                draft.say(say::welcome(lang));
                return Ok(());
            }
            Intent::Goodbye if confident => {
                draft.state.misunderstood = 0;
                draft.say(say::goodbye(lang));
                return Ok(());
            }
            _ => {}
        }
        // Short acknowledgements ("ok", "ok I understand") after an answer.
        if entities::yes_no(text).is_some() && text.split_whitespace().count() <= 4 {
            draft.say(say::anything_else(lang));
            return Ok(());
        }
        if self.answer_from_help_centre(draft, text, embedding) {
            draft.state.misunderstood = 0;
            if signals.frustration || draft.state.frustrated {
                let button = vec![draft.person_button()];
                draft.ask(say::frustration_offer(lang), None, button);
            }
            return Ok(());
        }
        // H4: rephrase, then offer a person, then hand off.
        draft.state.misunderstood += 1;
        match draft.state.misunderstood {
            1 => draft.say(say::not_understood(lang)),
            2 => {
                let button = vec![draft.person_button()];
                draft.ask(say::not_understood_offer(lang), None, button);
            }
            _ => self.hand_off(turn, draft, HandoffReason::NotUnderstood, Priority::Normal),
        }
        Ok(())
    }

    /// Quotes the best help-centre passage if retrieval is confident.
    fn answer_from_help_centre(
        &self,
        draft: &mut Draft,
        text: &str,
        embedding: Option<&[f32]>,
    ) -> bool {
        let lang = draft.lang;
        let hits = self.kb.search(text, embedding, lang, 3);
        let Some(best) = hits.first() else {
            return false;
        };
        if text.split_whitespace().count() < 2 {
            return false;
        }
        // MiniLM was trained on English: Swedish and German similarities run lower.
        let agree = if lang == Lang::En { 0.4 } else { 0.3 };
        let confident = match (best.similarity, best.bm25_rank) {
            (Some(sim), Some(rank)) => sim >= agree && rank < 3 || sim >= 0.55,
            (Some(sim), None) => sim >= 0.55,
            (None, Some(rank)) => rank == 0 && hits.len() > 1 && best.score > hits[1].score,
            (None, None) => false,
        };
        if !confident {
            return false;
        }
        draft.say(format!(
            "{}\n\n{}",
            best.passage.text,
            say::read_more(lang, &best.article.url)
        ));
        true
    }

    /// Moves the errand on: verification, then the order, then the slots, then the tool.
    async fn advance(&self, turn: &Turn<'_>, draft: &mut Draft) -> Result<(), AgentError> {
        let lang = draft.lang;
        let Some(mut errand) = draft.state.errand.clone() else {
            return Ok(());
        };
        if draft.customer.is_none() {
            draft.ask(say::ask_email(lang), Some(Awaiting::Email), Vec::new());
            return Ok(());
        }
        let ctx = self.context(turn, draft);
        let mut view: Option<OrderView> = None;
        if errand.kind.needs_order() {
            if errand.order.is_none() {
                errand.order = entities::order_ids(&errand.said).into_iter().next();
            }
            let orders = match self.tools.call(&ctx, &ToolRequest::LookupOrders).await? {
                ToolOutcome::Orders(list) => list,
                _ => Vec::new(),
            };
            if errand.order.is_none() {
                let names: Vec<&str> = orders.iter().map(|v| v.merchant.name.as_str()).collect();
                let named: Vec<&OrderView> = entities::merchants(&errand.said, &names)
                    .into_iter()
                    .map(|i| &orders[i])
                    .collect();
                let mentioned_item: Vec<&OrderView> = orders
                    .iter()
                    .filter(|v| {
                        v.order
                            .items
                            .iter()
                            .any(|i| errand.said.to_lowercase().contains(&i.name.to_lowercase()))
                    })
                    .collect();
                let all_matching: Vec<&OrderView> = orders
                    .iter()
                    .filter(|v| named.iter().any(|n| n.merchant.id == v.merchant.id))
                    .collect();
                let candidates = if !all_matching.is_empty() {
                    all_matching
                } else if !mentioned_item.is_empty() {
                    mentioned_item
                } else {
                    orders.iter().collect()
                };
                match candidates.as_slice() {
                    [] => {
                        draft.state.errand = None;
                        draft.say(say::no_orders(lang));
                        return Ok(());
                    }
                    [one] => errand.order = Some(one.order.id.as_str().to_owned()),
                    several => {
                        let replies = order_buttons(lang, several);
                        draft.state.errand = Some(errand);
                        draft.ask(say::ask_order(lang), Some(Awaiting::Order), replies);
                        return Ok(());
                    }
                }
            }
            let order = errand.order.clone().unwrap_or_default();
            view = orders.iter().find(|v| v.order.id.matches(&order)).cloned();
            if view.is_none() {
                // P2: unknown and other customers' orders get the same answer.
                let request = ToolRequest::GetOrder {
                    order: order.clone(),
                };
                let outcome = self.tools.call(&ctx, &request).await?;
                draft.calls.push(record(&outcome, &request));
                errand.order = None;
                let replies = order_buttons(lang, &orders.iter().collect::<Vec<_>>());
                draft.state.errand = Some(errand);
                draft.ask(say::order_not_found(lang), Some(Awaiting::Order), replies);
                return Ok(());
            }
            draft.state.involve(&order);
        }
        let order = errand.order.clone().unwrap_or_default();
        let merchant = view
            .as_ref()
            .map(|v| v.merchant.name.clone())
            .unwrap_or_default();
        let request = match errand.kind {
            ErrandKind::Extension => ToolRequest::ExtendDueDate { order },
            ErrandKind::Return => ToolRequest::ReportReturn { order },
            ErrandKind::RefundStatus => ToolRequest::RefundStatus { order },
            ErrandKind::PayNow => ToolRequest::SendPaymentLink {
                order,
                installment: None,
            },
            ErrandKind::Deletion => ToolRequest::RequestAccountDeletion,
            ErrandKind::OrderStatus => ToolRequest::GetOrder { order },
            ErrandKind::Dispute => {
                let Some(reason) = errand
                    .reason
                    .as_deref()
                    .and_then(|r| DisputeReason::parse(r).ok())
                else {
                    draft.state.errand = Some(errand);
                    draft.ask(
                        say::ask_reason(lang),
                        Some(Awaiting::Reason),
                        reason_buttons(lang),
                    );
                    return Ok(());
                };
                if reason == DisputeReason::Unauthorized {
                    draft.state.errand = Some(errand);
                    self.hand_off(turn, draft, HandoffReason::Fraud, Priority::Urgent);
                    return Ok(());
                }
                let needs_contact =
                    matches!(reason, DisputeReason::WrongItem | DisputeReason::FaultyItem);
                if needs_contact && errand.merchant_contacted.is_none() {
                    draft.state.errand = Some(errand);
                    let replies = draft.yes_no();
                    draft.ask(
                        say::ask_merchant_contacted(lang, &merchant),
                        Some(Awaiting::MerchantContacted),
                        replies,
                    );
                    return Ok(());
                }
                if needs_contact && errand.merchant_contacted == Some(false) {
                    draft.state.errand = None;
                    draft.say(say::contact_merchant_first(lang, &merchant));
                    return Ok(());
                }
                if errand.details.is_none() && !errand.asked_details {
                    errand.asked_details = true;
                    draft.state.errand = Some(errand);
                    draft.ask(say::ask_details(lang), Some(Awaiting::Details), Vec::new());
                    return Ok(());
                }
                ToolRequest::OpenDispute {
                    order,
                    claim: DisputeClaim {
                        reason,
                        merchant_contacted: errand.merchant_contacted.unwrap_or(false),
                        details: errand.details.clone(),
                    },
                }
            }
        };
        let outcome = self.tools.call(&ctx, &request).await?;
        draft.calls.push(record(&outcome, &request));
        let wl = words_lang(lang);
        match outcome {
            ToolOutcome::Proposed(proposed) => {
                draft.state.pending = Some(Pending {
                    proposal: proposed.proposal,
                    tool: proposed.tool.as_str().to_owned(),
                    order: proposed
                        .order
                        .as_ref()
                        .map(|v| v.order.id.as_str().to_owned()),
                });
                draft.state.errand = Some(errand);
                let replies = draft.yes_no();
                draft.ask(proposed.words, Some(Awaiting::Confirm), replies);
            }
            ToolOutcome::Refunds { order, report } => {
                draft.state.errand = None;
                draft.state.actions.push(format!(
                    "refund_status {} (answered)",
                    order.order.id.as_str()
                ));
                draft.say(words::refund_status(wl, &order, &report));
            }
            ToolOutcome::Order(v) => {
                draft.state.errand = None;
                draft.say(order_status(lang, &v));
            }
            ToolOutcome::Orders(list) | ToolOutcome::Choose(list) => {
                let replies = order_buttons(lang, &list.iter().collect::<Vec<_>>());
                errand.order = None;
                draft.state.errand = Some(errand);
                draft.ask(say::ask_order(lang), Some(Awaiting::Order), replies);
            }
            ToolOutcome::Refused { refusal, words } => {
                self.refused(turn, draft, errand, &refusal, words)
            }
        }
        Ok(())
    }

    fn refused(
        &self,
        turn: &Turn<'_>,
        draft: &mut Draft,
        errand: Errand,
        refusal: &Refusal,
        words: String,
    ) {
        draft.state.errand = None;
        draft.state.actions.push(format!(
            "{:?} {} refused ({})",
            errand.kind,
            errand.order.clone().unwrap_or_default(),
            refusal.rule.as_str()
        ));
        if let Some((reason, priority)) = refusal.handoff() {
            // P9, P10, P14: a person takes it from here (H2, H6).
            draft.say(words);
            self.hand_off(turn, draft, reason, priority);
            return;
        }
        if matches!(
            refusal.reason,
            RefusalReason::OrderNotFound | RefusalReason::NotVerified
        ) {
            draft.say(words);
            return;
        }
        draft.state.refused = Some((errand.kind, errand.order));
        let button = vec![draft.person_button()];
        draft.ask(
            format!("{words} {}", say::offer_person_after_refusal(draft.lang)),
            None,
            button,
        );
    }
}

fn intent_for(reason: HandoffReason) -> Intent {
    match reason {
        HandoffReason::Fraud => Intent::Fraud,
        HandoffReason::Vulnerable => Intent::Vulnerability,
        HandoffReason::HumanRequest => Intent::HumanRequest,
        HandoffReason::PolicyException => Intent::Complaint,
        _ => Intent::Other,
    }
}

fn order_buttons(lang: Lang, orders: &[&OrderView]) -> Vec<QuickReply> {
    let _ = lang;
    orders
        .iter()
        .take(6)
        .map(|v| QuickReply {
            label: format!("{} {}", v.merchant.name, v.order.id.as_str()),
            value: v.order.id.as_str().to_owned(),
        })
        .collect()
}

fn reason_buttons(lang: Lang) -> Vec<QuickReply> {
    ["not_received", "wrong_item", "faulty_item", "charged_twice"]
        .into_iter()
        .map(|code| QuickReply {
            label: say::reason_label(lang, code),
            value: code.to_owned(),
        })
        .collect()
}

/// An order's state in plain words: status and the next unpaid installment.
fn order_status(lang: Lang, v: &OrderView) -> String {
    let wl = words_lang(lang);
    let name = words::order_name(wl, v);
    let next = v
        .order
        .installments
        .iter()
        .find(|i| !matches!(i.status, tandem_domain::ledger::InstallmentStatus::Paid));
    match next {
        Some(i) => {
            let (amount, due, status) = (
                words::money(i.amount),
                words::date(wl, i.due),
                i.status.as_str(),
            );
            match lang {
                Lang::En => format!(
                    "{name} is {}. The next payment, {amount}, is due on {due} ({status}).",
                    v.order.status.as_str()
                ),
                Lang::Sv => format!(
                    "Status för {name}: {}. Nästa betalning, {amount}, förfaller {due} ({status}).",
                    v.order.status.as_str()
                ),
                Lang::De => format!(
                    "Status von {name}: {}. Die nächste Zahlung, {amount}, ist am {due} fällig ({status}).",
                    v.order.status.as_str()
                ),
            }
        }
        None => {
            pick(
                lang,
                "That order is fully paid.",
                "Den beställningen är helt betald.",
                "Diese Bestellung ist vollständig bezahlt.",
            ) + &format!(" ({name})")
        }
    }
}

/// The summary a person reads before answering (H8).
pub fn summary(
    state: &DialogueState,
    reason: HandoffReason,
    customer: Option<&CustomerId>,
) -> String {
    let contact = state
        .reason
        .as_deref()
        .and_then(Intent::parse)
        .map(Intent::describe)
        .unwrap_or("not yet clear");
    let verification = match customer {
        Some(id) => format!("verified customer {id}"),
        None => "not verified".to_owned(),
    };
    let orders = if state.orders.is_empty() {
        "none named".to_owned()
    } else {
        state.orders.join(", ")
    };
    let actions = if state.actions.is_empty() {
        "none".to_owned()
    } else {
        state.actions.join("; ")
    };
    let sentiment = if state.frustrated {
        "frustrated"
    } else {
        "calm"
    };
    let words: Vec<String> = state
        .words
        .iter()
        .map(|w| format!("\"{}\"", w.replace('\n', " ")))
        .collect();
    format!(
        "Handoff reason: {}. Contact reason: {contact}. Verification: {verification}. Orders: {orders}. \
         Actions taken: {actions}. Sentiment: {sentiment}. Customer's words: {}",
        reason.as_str(),
        words.join(" / ")
    )
}
