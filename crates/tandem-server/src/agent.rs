//! The AI agent in the live product: after a customer message is stored, the agent
//! answers it, and its reply events (and a handoff, if it decides on one) are appended
//! in one step, only while the AI is in charge of the conversation.

use std::sync::Arc;
use std::time::Instant;

use tandem_agent::kb::HelpCentre;
use tandem_agent::language::Lang;
use tandem_agent::understanding::{Intent, Understanding};
use tandem_agent::{Agent, DialogueState, Turn, Verifier, VerifyError};
use tandem_domain::event::EventExtras;
use tandem_domain::identity::{EmailAddress, OtpCode};
use tandem_domain::{
    Author, Conversation, ConversationState, CustomerId, Event, EventDraft, EventKind, Handoff,
    Language,
};
use tandem_store::{Append, Change, StoreError};

use crate::AppState;
use crate::error::{ApiError, ErrorCode};

/// What the agent knows: the language models and the help centre, shared by all turns.
#[derive(Clone)]
pub struct Brain {
    pub nlu: Arc<Understanding>,
    pub kb: Arc<HelpCentre>,
}

/// Verification inside the chat, through the same rules as the verification API.
struct ChatVerifier<'a> {
    state: &'a AppState,
    conversation: &'a Conversation,
}

fn verify_error(e: ApiError) -> VerifyError {
    match e.code {
        ErrorCode::WrongCode => VerifyError::Wrong {
            attempts_left: e
                .message
                .split(|c: char| !c.is_ascii_digit())
                .find_map(|n| n.parse().ok())
                .unwrap_or(0),
        },
        ErrorCode::CodeExpired => VerifyError::Expired,
        ErrorCode::NoCodeRequested => VerifyError::NoCodeRequested,
        ErrorCode::VerificationLocked => VerifyError::Locked {
            minutes: e.retry_after.map_or(15, |s| (s as i64 + 59) / 60),
        },
        ErrorCode::RateLimited => VerifyError::TooSoon,
        _ => VerifyError::Unavailable(e.message),
    }
}

#[async_trait::async_trait]
impl Verifier for ChatVerifier<'_> {
    async fn send_code(&self, email: &str) -> Result<(), VerifyError> {
        let email =
            EmailAddress::parse(email).map_err(|e| VerifyError::Unavailable(e.to_string()))?;
        crate::identity::request_code(self.state, self.conversation, &email)
            .await
            .map_err(verify_error)
    }

    async fn check_code(&self, code: &str) -> Result<CustomerId, VerifyError> {
        let code = OtpCode::parse(code).map_err(|_| VerifyError::Wrong { attempts_left: 0 })?;
        crate::identity::verify_code(self.state, self.conversation, &code)
            .await
            .map(|c| c.id)
            .map_err(verify_error)
    }
}

/// The dialogue state the AI left on its last message, and that message's seq.
async fn last_state(
    state: &AppState,
    conversation: &Conversation,
) -> Result<(DialogueState, u64), StoreError> {
    let mut found = (DialogueState::default(), 0);
    let mut after = 0;
    loop {
        let page = state
            .store
            .events_after(&conversation.id, after, tandem_store::MAX_PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for event in page.iter().filter(|e| e.author == Author::Ai) {
            if let Some(value) = &event.extras.agent_state {
                let remembered = serde_json::from_value(value.clone()).unwrap_or_else(|e| {
                    tracing::warn!(conversation = %conversation.id, error = %e, "unreadable agent state; starting afresh");
                    DialogueState::default()
                });
                found = (remembered, event.seq);
            }
        }
    }
    Ok(found)
}

/// Contact reasons the AI can serve while the customer waits for a person.
fn serviceable(intent: Intent) -> bool {
    !matches!(
        intent,
        Intent::HumanRequest
            | Intent::Fraud
            | Intent::Vulnerability
            | Intent::Complaint
            | Intent::Greeting
            | Intent::Thanks
            | Intent::Goodbye
            | Intent::Other
    )
}

/// The AI's answer to `message`, committed; empty when the AI is not in charge.
///
/// While the conversation waits in the queue the AI still answers errands and questions
/// it can serve (H7: the customer keeps their place and may keep using the AI); anything
/// else (hello?, asking for a person again, an email to be contacted at) gets the
/// customer's standing in the queue instead. Once a person has it, the AI is silent.
pub async fn answer(
    state: &AppState,
    conversation: &Conversation,
    message: &Event,
) -> Result<Vec<Event>, ApiError> {
    let Some(brain) = &state.brain else {
        return Ok(Vec::new());
    };
    let Some(text) = message.text.as_deref() else {
        return Ok(Vec::new());
    };
    let queued = match conversation.state {
        ConversationState::Ai => false,
        ConversationState::Queued => true,
        ConversationState::Assigned | ConversationState::Closed => return Ok(Vec::new()),
    };
    let started = Instant::now();
    let (remembered, state_seq) = last_state(state, conversation).await?;
    if queued {
        let mid_errand = remembered.errand.is_some() || remembered.awaiting.is_some();
        let embedding = brain.nlu.embed(text);
        let servable: f32 = brain
            .nlu
            .classify(text, embedding.as_deref())
            .into_iter()
            .filter(|(intent, _)| serviceable(*intent))
            .map(|(_, p)| p)
            .sum();
        let serve = mid_errand || servable >= 0.5;
        if !serve || tandem_agent::entities::email(text).is_some() {
            return crate::conversations::queue_status_reply(state, conversation, message, text)
                .await;
        }
    }
    let verifier = ChatVerifier {
        state,
        conversation,
    };
    let turn = Turn {
        conversation: conversation.id.clone(),
        customer: conversation
            .customer_id
            .clone()
            .filter(|_| conversation.verified),
        text,
        seq: message.seq,
        state_seq,
        now: state.clock.now(),
        language: conversation
            .language
            .as_ref()
            .and_then(|l| Lang::parse(l.as_str())),
        verifier: &verifier,
    };
    let agent = Agent::new(
        Arc::clone(&brain.nlu),
        Arc::clone(&brain.kb),
        Arc::clone(&state.tools),
    );
    let reply = agent
        .respond(turn, remembered)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    metrics::histogram!(crate::metrics::AGENT_TURN_SECONDS).record(started.elapsed().as_secs_f64());
    if queued && reply.handoff.is_some() {
        // Already waiting for a person: tell where they stand rather than queue again.
        return crate::conversations::queue_status_reply(state, conversation, message, text).await;
    }

    let now = state.clock.now();
    let language = Language::parse(reply.lang.code()).ok();
    let remembered = serde_json::to_value(&reply.state).ok();
    let last = reply.messages.len().saturating_sub(1);
    let mut drafts: Vec<EventDraft> = reply
        .messages
        .into_iter()
        .enumerate()
        .map(|(i, said)| EventDraft {
            text: Some(said.text),
            language: language.clone(),
            awaiting: said.awaiting,
            extras: EventExtras {
                quick_replies: said.quick_replies,
                tool_calls: said.tool_calls,
                agent_state: if i == last { remembered.clone() } else { None },
                ..EventExtras::default()
            },
            in_reply_to: Some(message.seq),
            ..EventDraft::new(now, EventKind::Message, Author::Ai)
        })
        .collect();
    let in_charge = if queued {
        ConversationState::Queued
    } else {
        ConversationState::Ai
    };
    let mut append = match reply.handoff {
        Some(handoff) => {
            let dispute = reply.state.reason.as_deref() == Some("dispute");
            let handoff = Handoff {
                reason: handoff.reason,
                priority: handoff.priority,
                summary: handoff.summary,
            };
            let mut talking = conversation.clone();
            talking.language = language.clone().or(talking.language);
            let (draft, entry) =
                crate::conversations::handoff_draft(state, &talking, handoff, dispute).await?;
            drafts.push(EventDraft {
                in_reply_to: Some(message.seq),
                ..draft
            });
            Append::to_open(drafts)
                .set_state(ConversationState::Queued)
                .queue(Change::Set(entry))
        }
        None => Append::to_open(drafts),
    };
    append = append.require(&[in_charge]);
    match crate::conversations::commit(state, &conversation.id, append).await {
        Ok(events) => Ok(events),
        // A person took over while the AI was thinking: the person's word counts.
        Err(StoreError::StateConflict { .. }) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}
