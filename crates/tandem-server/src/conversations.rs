//! What happens to a conversation, independent of HTTP: open it, add a customer message,
//! ask for a person, close, rate. Each step commits to the store first, then publishes
//! the committed events on the bus.
//!
//! The AI agent (a later layer) answers inside [`post_customer_message`]: its reply
//! events go into the same atomic append as the message they answer.

use tandem_domain::card::{SensitiveKind, mask_card_data};
use tandem_domain::identity::EmailAddress;
use tandem_domain::routing::QueueStanding;
use tandem_domain::workforce::QueueEntry;
use tandem_domain::{
    Author, ClientMsgId, Conversation, ConversationId, ConversationState, Csat, CsatScore,
    Customer, Event, EventDraft, EventKind, Handoff, HandoffReason, Language, MessageText,
    Priority,
};
use tandem_store::{Append, Change, StoreError};

use crate::AppState;
use crate::error::{ApiError, ErrorCode};
use crate::tokens::{hash_token, new_conversation_token};

/// The longest CSAT comment kept, in characters.
pub const MAX_CSAT_COMMENT: usize = 2000;

pub struct Opened {
    pub conversation: Conversation,
    pub token: String,
    pub customer: Option<Customer>,
}

/// Opens a conversation; `customer_token` (from the host app) links it to a verified
/// customer.
pub async fn open(
    state: &AppState,
    customer_token: Option<&str>,
    language: Option<Language>,
) -> Result<Opened, ApiError> {
    let now = state.clock.now();
    let customer = match customer_token {
        None => None,
        Some(token) => {
            let key = state.customer_tokens.as_ref().ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidCustomerToken,
                    "this server does not accept customer tokens",
                )
            })?;
            let id = key
                .verify(token, now)
                .map_err(|e| ApiError::new(ErrorCode::InvalidCustomerToken, e.to_string()))?;
            let customer = state.store.customer(&id).await?.ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidCustomerToken,
                    "the customer token names an unknown customer",
                )
            })?;
            Some(customer)
        }
    };
    let token = new_conversation_token();
    let conversation = Conversation {
        id: ConversationId::generate(),
        token_hash: hash_token(&token),
        customer_id: customer.as_ref().map(|c| c.id.clone()),
        verified: customer.is_some(),
        language: language.or_else(|| customer.as_ref().map(|c| c.language.clone())),
        state: ConversationState::Ai,
        last_seq: 0,
        queue: None,
        assignee: None,
        follow_up_email: None,
        created_at: tandem_store::truncate_to_millis(now),
        updated_at: tandem_store::truncate_to_millis(now),
    };
    state.store.create_conversation(&conversation).await?;
    tracing::info!(conversation = %conversation.id, verified = conversation.verified, "conversation opened");
    Ok(Opened {
        conversation,
        token,
        customer,
    })
}

/// Commits an append and publishes what was committed.
pub(crate) async fn commit(
    state: &AppState,
    id: &ConversationId,
    append: Append,
) -> Result<Vec<Event>, StoreError> {
    let events = state.store.append(id, append).await?;
    for event in &events {
        metrics::counter!(crate::metrics::EVENTS_APPENDED, "kind" => event.kind.as_str())
            .increment(1);
    }
    state.bus.publish(id, &events).await;
    // Who holds what changed: route now rather than on the next tick.
    if events.iter().any(|e| {
        matches!(
            e.kind,
            EventKind::Handoff | EventKind::Assigned | EventKind::Closed
        )
    }) {
        state.router.kick();
    }
    Ok(events)
}

/// Stores a customer message (idempotent by `client_msg_id`) and returns it with the
/// events that answered it. A repeated `client_msg_id` returns the original result and
/// stores nothing. Card numbers and IBANs are masked before anything keeps the text, and
/// a system notice answers such a message (P12).
pub async fn post_customer_message(
    state: &AppState,
    conversation: &Conversation,
    text: MessageText,
    client_msg_id: ClientMsgId,
) -> Result<Vec<Event>, ApiError> {
    let now = state.clock.now();
    // P12: the raw text goes no further than this line.
    let masked = mask_card_data(text.as_str());
    let text = if masked.found.is_empty() {
        text
    } else {
        MessageText::parse(&masked.text)?
    };
    let mut drafts = vec![EventDraft::customer_message(
        now,
        text,
        client_msg_id.clone(),
    )];
    if let Some(notice) = card_data_notice(conversation.language.as_ref(), &masked.found) {
        tracing::info!(conversation = %conversation.id, found = ?masked.found, "card data masked");
        drafts.push(EventDraft {
            text: Some(notice.to_owned()),
            ..EventDraft::new(now, EventKind::Message, Author::System)
        });
    }
    let append = Append::to_open(drafts).replies_follow_first();
    match commit(state, &conversation.id, append).await {
        Ok(mut events) => {
            // The AI answers once the message is safely stored: a failing answer loses
            // nothing the customer wrote.
            match crate::agent::answer(state, conversation, &events[0]).await {
                Ok(reply) => events.extend(reply),
                Err(e) => {
                    tracing::error!(conversation = %conversation.id, error = %e.message, "the AI could not answer")
                }
            }
            Ok(events)
        }
        Err(StoreError::DuplicateMessage { .. }) => Ok(state
            .store
            .message_with_replies(&conversation.id, Author::Customer, &client_msg_id)
            .await?),
        Err(e) => Err(e.into()),
    }
}

/// The handoff event and the queue entry of a move to the human queue. The notice tells
/// the customer where they stand: their place and an honest wait from the people online,
/// or (H7) that nobody who can help is online, when the team is back, that they keep
/// their place, can leave an email for a follow-up and can keep chatting with the AI.
pub(crate) async fn handoff_draft(
    state: &AppState,
    conversation: &Conversation,
    handoff: Handoff,
    dispute: bool,
) -> Result<(EventDraft, QueueEntry), ApiError> {
    let now = state.clock.now();
    let entry = QueueEntry {
        priority: handoff.priority,
        skills: QueueEntry::skills_for(handoff.reason, conversation.language.as_ref(), dispute),
        reason: handoff.reason,
        // A conversation that was queued before keeps its place.
        since: conversation.queue.as_ref().map_or(now, |q| q.since),
    };
    let mut waiting = conversation.clone();
    waiting.queue = Some(entry.clone());
    let standing = crate::router::standing(state, &waiting).await?;
    let notice = queue_words(conversation.language.as_ref(), standing.as_ref(), true);
    Ok((
        EventDraft::handoff(tandem_store::truncate_to_millis(now), handoff, notice),
        entry,
    ))
}

/// Tells a waiting customer where they stand (and keeps an email they gave for a
/// follow-up), answering `message`.
pub(crate) async fn queue_status_reply(
    state: &AppState,
    conversation: &Conversation,
    message: &Event,
    text: &str,
) -> Result<Vec<Event>, ApiError> {
    let language = conversation.language.as_ref();
    let words = match tandem_agent::entities::email(text).and_then(|e| EmailAddress::parse(&e).ok())
    {
        Some(email) => {
            state
                .store
                .set_follow_up_email(&conversation.id, email.as_str())
                .await?;
            state.router.touch();
            follow_up_words(language, email.as_str())
        }
        None => {
            let standing = crate::router::standing(state, conversation).await?;
            queue_words(language, standing.as_ref(), false)
        }
    };
    let append = Append::to_open(vec![EventDraft {
        text: Some(words),
        in_reply_to: Some(message.seq),
        ..EventDraft::new(state.clock.now(), EventKind::Message, Author::System)
    }])
    .require(&[ConversationState::Queued]);
    match commit(state, &conversation.id, append).await {
        Ok(events) => Ok(events),
        Err(StoreError::StateConflict { .. }) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// Keeps the email a waiting customer left for a follow-up (H7).
pub async fn leave_follow_up_email(
    state: &AppState,
    conversation: &Conversation,
    email: &EmailAddress,
) -> Result<(), ApiError> {
    if conversation.state != ConversationState::Queued {
        return Err(ApiError::new(
            ErrorCode::ConversationOpen,
            "a follow-up email can be left while waiting for a person",
        ));
    }
    state
        .store
        .set_follow_up_email(&conversation.id, email.as_str())
        .await?;
    state.router.touch();
    Ok(())
}

/// Puts the conversation in the human queue (H1: on this same request, no retention).
/// Asking again while queued or assigned returns the existing handoff.
pub async fn request_handoff(
    state: &AppState,
    conversation: &Conversation,
) -> Result<Vec<Event>, ApiError> {
    let history = recent_customer_words(state, &conversation.id).await?;
    let handoff = Handoff {
        reason: HandoffReason::HumanRequest,
        priority: Priority::Normal,
        summary: summary(conversation, &history),
    };
    let (draft, entry) = handoff_draft(state, conversation, handoff, false).await?;
    let append = Append::to_open(vec![draft])
        .require(&[ConversationState::Ai])
        .set_state(ConversationState::Queued)
        .queue(Change::Set(entry));
    match commit(state, &conversation.id, append).await {
        Ok(events) => Ok(events),
        Err(StoreError::StateConflict {
            current: ConversationState::Queued | ConversationState::Assigned,
        }) => Ok(latest_of_kind(state, &conversation.id, EventKind::Handoff)
            .await?
            .into_iter()
            .collect()),
        Err(e) => Err(e.into()),
    }
}

/// The customer ends the conversation. Ending an ended one is refused.
pub async fn close_by_customer(
    state: &AppState,
    conversation: &Conversation,
) -> Result<Vec<Event>, ApiError> {
    let notice = notices(conversation.language.as_ref()).closed.to_owned();
    let append = Append::to_open(vec![EventDraft::closed(
        state.clock.now(),
        Author::Customer,
        notice,
    )])
    .set_state(ConversationState::Closed);
    Ok(commit(state, &conversation.id, append).await?)
}

/// The notice that a chat ended, asking for a rating.
pub(crate) fn closed_notice(language: Option<&Language>) -> &'static str {
    notices(language).closed
}

/// Rates a closed conversation, once.
pub async fn rate(
    state: &AppState,
    conversation: &Conversation,
    score: CsatScore,
    comment: Option<String>,
) -> Result<Vec<Event>, ApiError> {
    // P12 applies to every text a customer types, comments included.
    let comment = comment
        .map(|c| tandem_domain::card::mask_card_data(c.trim()).text)
        .filter(|c| !c.is_empty());
    if let Some(c) = &comment
        && c.chars().count() > MAX_CSAT_COMMENT
    {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("comment: the limit is {MAX_CSAT_COMMENT} characters"),
        ));
    }
    let append = Append::to_open(vec![EventDraft::csat(
        state.clock.now(),
        Csat { score, comment },
    )])
    .require(&[ConversationState::Closed]);
    match commit(state, &conversation.id, append).await {
        Err(StoreError::StateConflict { .. }) => Err(ApiError::new(
            ErrorCode::ConversationOpen,
            "a conversation can be rated once it has ended",
        )),
        other => Ok(other?),
    }
}

/// Reads the whole log (in pages) and keeps what matches.
pub(crate) async fn scan(
    state: &AppState,
    id: &ConversationId,
    mut keep: impl FnMut(&Event) -> bool,
) -> Result<Vec<Event>, StoreError> {
    let mut kept = Vec::new();
    let mut after = 0;
    loop {
        let page = state
            .store
            .events_after(id, after, tandem_store::MAX_PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        kept.extend(page.into_iter().filter(|e| keep(e)));
    }
    Ok(kept)
}

pub(crate) async fn latest_of_kind(
    state: &AppState,
    id: &ConversationId,
    kind: EventKind,
) -> Result<Option<Event>, StoreError> {
    Ok(scan(state, id, |e| e.kind == kind).await?.pop())
}

/// The customer's last few messages, for the handoff summary.
async fn recent_customer_words(
    state: &AppState,
    id: &ConversationId,
) -> Result<Vec<String>, StoreError> {
    let said = scan(state, id, |e| {
        e.author == Author::Customer && e.kind == EventKind::Message
    })
    .await?;
    let skip = said.len().saturating_sub(5);
    Ok(said.into_iter().skip(skip).filter_map(|e| e.text).collect())
}

/// The handoff summary a person reads first (H8).
fn summary(conversation: &Conversation, words: &[String]) -> String {
    let verification = match &conversation.customer_id {
        Some(id) if conversation.verified => format!("verified customer {id}"),
        Some(id) => format!("customer {id}, not verified"),
        None => "customer not verified".to_owned(),
    };
    let mut summary = format!(
        "Customer asked for a person. Contact reason: human request. Verification: {verification}."
    );
    if words.is_empty() {
        summary.push_str(" The customer has not written anything yet.");
    } else {
        summary.push_str(" Customer's words: ");
        let quoted: Vec<String> = words
            .iter()
            .map(|w| format!("\"{}\"", w.replace('\n', " ")))
            .collect();
        summary.push_str(&quoted.join(" / "));
    }
    summary
}

/// Minutes, rounded up, at least one.
fn minutes(wait: time::Duration) -> i64 {
    ((wait.whole_seconds() + 59) / 60).max(1)
}

fn opening(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:02}:{:02} UTC, {}-{:02}-{:02}",
        at.hour(),
        at.minute(),
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

/// The customer's standing in words: just queued (`fresh`) or asking how it goes.
pub(crate) fn queue_words(
    language: Option<&Language>,
    standing: Option<&QueueStanding>,
    fresh: bool,
) -> String {
    let lang = language.map_or("en", Language::primary);
    let Some(s) = standing else {
        return notices(language).queued.to_owned();
    };
    match (lang, s.estimated_wait, s.next_opening) {
        ("sv", Some(wait), _) => {
            let m = minutes(wait);
            let head = if fresh {
                "Du står nu i kö till en person i vårt team"
            } else {
                "Du står kvar i kön"
            };
            let wait = if m == 1 {
                "ungefär en minut".to_owned()
            } else {
                format!("ungefär {m} minuter")
            };
            format!(
                "{head}: du är nummer {} och väntetiden är {wait}. Du behåller din plats, och du kan fortsätta skriva till mig under tiden.",
                s.position
            )
        }
        ("sv", None, back) => {
            let back = back.map_or(String::new(), |at| {
                format!(" Vi är tillbaka {}.", opening(at))
            });
            format!(
                "Just nu är ingen i vårt team som kan hjälpa dig med det här inloggad.{back} Du behåller din plats i kön (nummer {}). Lämna gärna din e-postadress så hör vi av oss, eller fortsätt chatta med mig under tiden.",
                s.position
            )
        }
        ("de", Some(wait), _) => {
            let m = minutes(wait);
            let head = if fresh {
                "Sie warten jetzt auf eine Person aus unserem Team"
            } else {
                "Sie warten weiterhin"
            };
            let wait = if m == 1 {
                "etwa eine Minute".to_owned()
            } else {
                format!("etwa {m} Minuten")
            };
            format!(
                "{head}: Sie sind Nummer {} und die Wartezeit beträgt {wait}. Sie behalten Ihren Platz und können mir inzwischen weiter schreiben.",
                s.position
            )
        }
        ("de", None, back) => {
            let back = back.map_or(String::new(), |at| {
                format!(" Wir sind ab {} wieder da.", opening(at))
            });
            format!(
                "Gerade ist niemand aus unserem Team online, der Ihnen dabei helfen kann.{back} Sie behalten Ihren Platz in der Warteschlange (Nummer {}). Hinterlassen Sie gern Ihre E-Mail-Adresse, dann melden wir uns, oder chatten Sie inzwischen mit mir weiter.",
                s.position
            )
        }
        (_, Some(wait), _) => {
            let m = minutes(wait);
            let head = if fresh {
                "You're now in the queue for a person from our team"
            } else {
                "You're still in the queue"
            };
            let wait = if m == 1 {
                "about a minute".to_owned()
            } else {
                format!("about {m} minutes")
            };
            format!(
                "{head}: you're number {} and the wait is {wait}. You keep your place, and you can keep writing to me meanwhile.",
                s.position
            )
        }
        (_, None, back) => {
            let back = back.map_or(String::new(), |at| {
                format!(" We're back at {}.", opening(at))
            });
            format!(
                "Nobody from our team who can help with this is online right now.{back} You keep your place in the queue (number {}). Leave your email and we'll follow up, or keep chatting with me meanwhile.",
                s.position
            )
        }
    }
}

fn follow_up_words(language: Option<&Language>, email: &str) -> String {
    match language.map(Language::primary) {
        Some("sv") => format!(
            "Tack! Om ingen hinner svara dig här hör vi av oss till {email}. Du behåller din plats i kön."
        ),
        Some("de") => format!(
            "Danke! Falls Ihnen hier niemand rechtzeitig antwortet, melden wir uns unter {email}. Sie behalten Ihren Platz in der Warteschlange."
        ),
        _ => format!(
            "Thanks! If nobody gets to you here, we'll follow up at {email}. You keep your place in the queue."
        ),
    }
}

struct Notices {
    queued: &'static str,
    closed: &'static str,
    /// P12, after masking a card number, an IBAN, or both.
    hid_card: &'static str,
    hid_iban: &'static str,
    hid_card_and_iban: &'static str,
}

/// The notice telling the customer that card data was hidden, if any was found.
fn card_data_notice(language: Option<&Language>, found: &[SensitiveKind]) -> Option<&'static str> {
    let card = found.contains(&SensitiveKind::CardNumber);
    let iban = found.contains(&SensitiveKind::Iban);
    let notices = notices(language);
    match (card, iban) {
        (false, false) => None,
        (true, false) => Some(notices.hid_card),
        (false, true) => Some(notices.hid_iban),
        (true, true) => Some(notices.hid_card_and_iban),
    }
}

/// System notices in the conversation's language (English for others).
fn notices(language: Option<&Language>) -> Notices {
    match language.map(Language::primary) {
        Some("sv") => Notices {
            queued: "Du står nu i kö till en person i vårt team och behåller din plats. Du kan fortsätta skriva här under tiden.",
            closed: "Chatten är avslutad. Hur tyckte du att det gick?",
            hid_card: "För din säkerhet har jag dolt kortnumret du skrev. Dela aldrig kortnummer, CVC-koder eller bankuppgifter i chatten; vi kommer aldrig att be om dem.",
            hid_iban: "För din säkerhet har jag dolt bankkontonumret (IBAN) du skrev. Dela aldrig bankuppgifter, kortnummer eller CVC-koder i chatten; vi kommer aldrig att be om dem.",
            hid_card_and_iban: "För din säkerhet har jag dolt kortnumret och bankkontonumret (IBAN) du skrev. Dela aldrig kortnummer, CVC-koder eller bankuppgifter i chatten; vi kommer aldrig att be om dem.",
        },
        Some("de") => Notices {
            queued: "Sie warten jetzt auf eine Person aus unserem Team und behalten Ihren Platz in der Warteschlange. Sie können hier inzwischen weiterschreiben.",
            closed: "Der Chat ist beendet. Wie zufrieden waren Sie?",
            hid_card: "Zu Ihrer Sicherheit habe ich die eingegebene Kartennummer ausgeblendet. Bitte teilen Sie im Chat niemals Kartennummern, CVC-Codes oder Bankdaten; wir werden Sie nie danach fragen.",
            hid_iban: "Zu Ihrer Sicherheit habe ich die eingegebene Kontonummer (IBAN) ausgeblendet. Bitte teilen Sie im Chat niemals Bankdaten, Kartennummern oder CVC-Codes; wir werden Sie nie danach fragen.",
            hid_card_and_iban: "Zu Ihrer Sicherheit habe ich die eingegebene Kartennummer und Kontonummer (IBAN) ausgeblendet. Bitte teilen Sie im Chat niemals Kartennummern, CVC-Codes oder Bankdaten; wir werden Sie nie danach fragen.",
        },
        _ => Notices {
            queued: "You're now in the queue for a person from our team, and you keep your place. You can keep writing here meanwhile.",
            closed: "The chat has ended. How did we do?",
            hid_card: "For your safety I've hidden the card number you typed. Please never share card numbers, CVC codes or bank details in chat; we will never ask for them.",
            hid_iban: "For your safety I've hidden the bank account number (IBAN) you typed. Please never share bank details, card numbers or CVC codes in chat; we will never ask for them.",
            hid_card_and_iban: "For your safety I've hidden the card number and bank account number (IBAN) you typed. Please never share card numbers, CVC codes or bank details in chat; we will never ask for them.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conversation(customer: Option<&str>, verified: bool) -> Conversation {
        Conversation {
            id: ConversationId::generate(),
            token_hash: String::new(),
            customer_id: customer.map(|c| tandem_domain::CustomerId::parse(c).unwrap()),
            verified,
            language: None,
            state: ConversationState::Ai,
            last_seq: 0,
            queue: None,
            assignee: None,
            follow_up_email: None,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            updated_at: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn summary_names_verification_and_quotes_the_customer() {
        let s = summary(
            &conversation(Some("cus_anna"), true),
            &["my order\nis late".into(), "hello?".into()],
        );
        assert!(s.contains("verified customer cus_anna"), "{s}");
        assert!(s.contains("\"my order is late\" / \"hello?\""), "{s}");
        let s = summary(&conversation(None, false), &[]);
        assert!(
            s.contains("customer not verified") && s.contains("not written anything"),
            "{s}"
        );
    }

    #[test]
    fn notices_follow_the_language() {
        let sv = Language::parse("sv-SE").unwrap();
        assert!(notices(Some(&sv)).queued.starts_with("Du står"));
        let fr = Language::parse("fr").unwrap();
        assert!(notices(Some(&fr)).queued.starts_with("You're"));
    }

    #[test]
    fn card_data_notice_names_what_was_hidden() {
        let de = Language::parse("de").unwrap();
        let cases = [
            (None, vec![], None),
            (
                None,
                vec![SensitiveKind::CardNumber],
                Some("card number you typed"),
            ),
            (None, vec![SensitiveKind::Iban], Some("(IBAN) you typed")),
            (
                None,
                vec![
                    SensitiveKind::Iban,
                    SensitiveKind::CardNumber,
                    SensitiveKind::Iban,
                ],
                Some("card number and bank account number (IBAN)"),
            ),
            (
                Some(&de),
                vec![SensitiveKind::CardNumber],
                Some("Kartennummer ausgeblendet"),
            ),
        ];
        for (language, found, expected) in cases {
            let notice = card_data_notice(language, &found);
            match expected {
                None => assert_eq!(notice, None, "{found:?}"),
                Some(part) => assert!(notice.is_some_and(|n| n.contains(part)), "{notice:?}"),
            }
        }
    }
}
