//! Entities in a customer message: order ids, merchants, yes/no answers, email addresses,
//! one-time codes, money amounts, dates and dispute reasons.
//!
//! Every extractor is a pure function of the text (and, for dates, of "today"). They read
//! what customers type in English, Swedish and German chat: lower case, no punctuation,
//! typos in merchant names, "1 200 kr" and "1.200,50 €", "den 3 december" and
//! "3. Dezember".
//!
//! Extractors of digits know about each other where digits are ambiguous: the digits of
//! an order id are never a one-time code or an amount, and the digits of a date or of a
//! one-time code are never an amount.
//!
//! Layout, in the order of the public functions:
//! - [`order_ids`], [`merchants`]: what the customer's question is about.
//! - [`yes_no`]: the answer to a confirmation question.
//! - [`email`], [`one_time_code`]: identification.
//! - [`amounts`], [`dates`]: money and time.
//! - [`dispute_reason`]: why a customer disputes an order.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use tandem_domain::ledger::DisputeReason;
use time::{Date, Duration, Month};

// ---------------------------------------------------------------------------------------
// Order ids and merchants
// ---------------------------------------------------------------------------------------

/// "ORD-1001", "ord1001", "ORD 1001", "#ORD-1001". "order 1001" is not one: "ord" must
/// be followed by the digits, which keeps "order" and the Swedish word "ord" out.
static ORDER_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bord\s*[-–_#:.]?\s*(\d{3,10})\b").expect("valid order id regex")
});

/// Order ids in `text`, normalised to "ORD-<digits>", in order of appearance, without
/// duplicates.
pub fn order_ids(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for caps in ORDER_ID.captures_iter(text) {
        let id = format!("ORD-{}", &caps[1]);
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// Where order ids are written in `text`.
fn order_id_spans(text: &str) -> Vec<Range<usize>> {
    ORDER_ID.find_iter(text).map(|m| m.range()).collect()
}

/// A word of a text: lowercased, with where it starts and ends in the text.
#[derive(Debug)]
struct Word {
    text: String,
    start: usize,
    end: usize,
}

/// The words of `text`: runs of characters for which `is_word_char` holds.
fn words(text: &str, is_word_char: fn(char) -> bool) -> Vec<Word> {
    let mut out = Vec::new();
    let mut current: Option<Word> = None;
    for (i, c) in text.char_indices() {
        if is_word_char(c) {
            let word = current.get_or_insert_with(|| Word {
                text: String::new(),
                start: i,
                end: i,
            });
            word.text.extend(c.to_lowercase());
            word.end = i + c.len_utf8();
        } else if let Some(word) = current.take() {
            out.push(word);
        }
    }
    out.extend(current);
    out
}

/// Indexes of `candidates` (merchant names such as "Zalando", "H&M", "MediaMarkt") that
/// `text` mentions, sorted by the position of the first mention, without duplicates.
///
/// Names are compared on their lowercased letters and digits, so "hm", "h & m" and "H&M"
/// are the same name, as are "Media Markt" and "MediaMarkt". A name of four letters or
/// more also matches its genitive and compounds it starts ("zalandos", "IKEAs",
/// "zalandoordern", with at least four more letters, so not "ottoman"); a
/// name of five letters or more also matches a word one typo away ("zalndo"; two typos
/// from nine letters on, "elgigantn"), counting a swap of two letters as one typo and
/// keeping the first letter, which customers rarely get wrong and which keeps ordinary
/// words such as "index" from matching "Lindex". Names of three letters or fewer match
/// whole words only.
pub fn merchants(text: &str, candidates: &[&str]) -> Vec<usize> {
    let words = words(text, char::is_alphanumeric);
    let mut found: Vec<(usize, usize)> = candidates
        .iter()
        .enumerate()
        .filter_map(|(index, name)| {
            let key: String = name
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            if key.is_empty() {
                return None;
            }
            first_mention(text, &words, &key).map(|position| (position, index))
        })
        .collect();
    found.sort_unstable();
    found.into_iter().map(|(_, index)| index).collect()
}

/// Where `text` first mentions the merchant whose name reads `key`.
fn first_mention(text: &str, words: &[Word], key: &str) -> Option<usize> {
    let genitive = format!("{key}s");
    for (i, word) in words.iter().enumerate() {
        if word_matches_name(&word.text, key) {
            return Some(word.start);
        }
        // A name typed in pieces: "h & m", "Media Markt", "H&M:s".
        let mut joined = word.text.clone();
        let mut end = word.end;
        for next in &words[i + 1..] {
            if joined.len() >= key.len() || text[end..next.start].chars().count() > 3 {
                break;
            }
            joined.push_str(&next.text);
            end = next.end;
            if joined == key || joined == genitive {
                return Some(word.start);
            }
        }
    }
    None
}

/// Whether one word of the text is the merchant name `key`, allowing for genitives,
/// compounds and typos as [`merchants`] describes.
fn word_matches_name(word: &str, key: &str) -> bool {
    let key_len = key.chars().count();
    if word == key {
        return true;
    }
    if key_len < 4 {
        return false;
    }
    // A genitive ("zalandos") or a compound ("zalandoordern", "Otto-Bestellung" is two
    // words anyway), but not a longer word that merely starts alike ("ottoman").
    if let Some(rest) = word.strip_prefix(key) {
        return rest == "s" || rest.chars().count() >= 4;
    }
    if key_len < 5 || word.chars().next() != key.chars().next() {
        return false;
    }
    let max_typos = if key_len >= 9 { 2 } else { 1 };
    let stem = word.strip_suffix('s').unwrap_or(word);
    strsim::osa_distance(word, key) <= max_typos || strsim::osa_distance(stem, key) <= max_typos
}

// ---------------------------------------------------------------------------------------
// Yes and no
// ---------------------------------------------------------------------------------------

/// Clear yes answers, strong enough to contradict a "no" said before them.
#[rustfmt::skip]
const YES_STRONG: &[&str] = &[
    "yes", "yep", "yup", "yeah", "yes please", "confirm", "confirmed", "go ahead",
    "please do", "do it", "absolutely", "of course", "ja", "jaa", "japp", "jajamän",
    "ja tack", "ja gärna", "gärna", "kör", "kör på", "gör det", "absolut", "självklart",
    "visst", "jo", "ja bitte", "ja gerne", "ja klar", "gerne", "genau", "einverstanden",
    "mach das", "mach es", "natürlich", "selbstverständlich", "auf jeden fall",
];

/// Yes answers that, later in a message, may just be part of a sentence ("no, I'm ok").
#[rustfmt::skip]
const YES_WEAK: &[&str] = &[
    "sure", "ok", "okay", "okej", "okey", "alright", "all right", "correct", "fine",
    "sounds good", "no problem", "no worries", "stämmer", "det stämmer", "låter bra",
    "inga problem", "klar", "na klar", "alles klar", "passt", "das passt", "stimmt",
    "richtig", "kein problem", "klingt gut", "y",
];

/// Clear no answers.
#[rustfmt::skip]
const NO_STRONG: &[&str] = &[
    "no", "nope", "nah", "no thanks", "no thank you", "never mind", "nevermind",
    "absolutely not", "of course not", "not now", "nej", "nä", "nej tack", "strunta i det",
    "absolut inte", "inte nu", "nein", "nö", "nee", "nein danke", "lieber nicht",
    "doch nicht", "auf keinen fall", "absolut nicht", "nicht jetzt",
];

/// No answers that, later in a message, may name the action ("yes, cancel it").
#[rustfmt::skip]
const NO_WEAK: &[&str] = &[
    "don't", "dont", "cancel", "stop", "avbryt", "abbrechen", "n",
];

/// Words that make any answer unclear.
#[rustfmt::skip]
const UNSURE: &[&str] = &[
    "maybe", "perhaps", "not sure", "unsure", "don't know", "dont know", "idk", "wait",
    "hold on", "kanske", "vet inte", "inte säker", "vänta", "vielleicht", "eventuell",
    "weiß nicht", "weiss nicht", "nicht sicher", "keine ahnung", "warte",
];

/// Words that turn the yes after them into a no ("not correct", "don't do it").
#[rustfmt::skip]
const NEGATORS: &[&str] = &[
    "not", "don't", "dont", "never", "isn't", "inte", "ej", "nicht", "kein",
];

/// Messages without a yes or no word first are answers only up to this many words
/// ("I confirm", "das passt", "please cancel").
const SHORT_ANSWER_WORDS: usize = 4;

/// A yes/no phrase of [`yes_no`], split into words.
struct Phrase {
    words: Vec<&'static str>,
    yes: bool,
    strong: bool,
}

/// Every yes/no phrase, longest first so that "no thanks" wins over "no".
static PHRASES: LazyLock<Vec<Phrase>> = LazyLock::new(|| {
    let groups = [
        (YES_STRONG, true, true),
        (YES_WEAK, true, false),
        (NO_STRONG, false, true),
        (NO_WEAK, false, false),
    ];
    let mut phrases: Vec<Phrase> = groups
        .iter()
        .flat_map(|&(list, yes, strong)| {
            list.iter().map(move |p| Phrase {
                words: p.split(' ').collect(),
                yes,
                strong,
            })
        })
        .collect();
    phrases.sort_by_key(|p| std::cmp::Reverse(p.words.len()));
    phrases
});

/// Whether the words from `at` on start with `phrase`.
fn starts_with_phrase(words: &[Word], at: usize, phrase: &[&str]) -> bool {
    words.len() >= at + phrase.len()
        && words[at..at + phrase.len()]
            .iter()
            .zip(phrase)
            .all(|(w, p)| w.text == *p)
}

/// The longest yes/no phrase at word `at`; one-letter answers ("y", "n") only when they
/// are the whole message.
fn phrase_at(words: &[Word], at: usize) -> Option<&'static Phrase> {
    PHRASES.iter().find(|p| {
        starts_with_phrase(words, at, &p.words) && (p.words[0].len() > 1 || words.len() == 1)
    })
}

/// Lowercases, unifies apostrophes and shortens stretched words ("yesss", "jaaa", "nooo").
fn normalise_answer(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run: (Option<char>, usize) = (None, 0);
    for c in text
        .to_lowercase()
        .replace(['’', '‘', '´', '`'], "'")
        .chars()
    {
        run = if run.0 == Some(c) {
            (run.0, run.1 + 1)
        } else {
            (Some(c), 1)
        };
        if run.1 < 3 {
            out.push(c);
        } else if run.1 == 3 && c.is_alphabetic() {
            // "yesss": drop the two copies already written and keep a single one.
            out.pop();
        } else if !c.is_alphabetic() {
            out.push(c);
        }
    }
    out
}

/// The customer's answer to a yes/no question, in English, Swedish or German.
///
/// A message that starts with a clear answer counts whatever follows ("yes please do
/// that", "no, I changed my mind", "Ja, gerne!") unless a later clear answer contradicts
/// it ("yes no", "nej, ja"). A message without an answer word first counts only when it
/// is short and no question ("I confirm", "das passt"). `None` when unclear: words of
/// doubt ("maybe", "wait", "vet inte"), contradictions, a question ("ok?", "ok, but
/// when is it due?"), or a longer
/// message that does not start with an answer ("I want to extend my order").
pub fn yes_no(text: &str) -> Option<bool> {
    let normalised = normalise_answer(text);
    let words = words(&normalised, |c| c.is_alphanumeric() || c == '\'');
    if words.is_empty()
        || (0..words.len()).any(|i| {
            UNSURE
                .iter()
                .any(|u| starts_with_phrase(&words, i, &u.split(' ').collect::<Vec<_>>()))
        })
    {
        return None;
    }
    let mut verdict = None;
    let mut i = 0;
    let lead = phrase_at(&words, 0);
    match lead {
        Some(phrase) => {
            let end = words[phrase.words.len() - 1].end;
            // "ok?" asks; "ok, but can you check the date?" is no clear yes.
            if normalised[end..].trim_start().starts_with('?')
                || (!phrase.strong && normalised.contains('?'))
            {
                return None;
            }
            verdict = Some(phrase.yes);
            i = phrase.words.len();
        }
        None if words.len() > SHORT_ANSWER_WORDS || normalised.contains('?') => return None,
        None => {}
    }
    while i < words.len() {
        let Some(phrase) = phrase_at(&words, i) else {
            i += 1;
            continue;
        };
        let negated = i > 0 && NEGATORS.contains(&words[i - 1].text.as_str());
        let yes = phrase.yes && !negated;
        // After a leading answer only clear answers count: "no, I'm ok with it" is a no.
        if lead.is_none() || phrase.strong {
            if verdict.is_some_and(|v| v != yes) {
                return None;
            }
            verdict = Some(yes);
        }
        i += phrase.words.len();
    }
    verdict
}

// ---------------------------------------------------------------------------------------
// Email and one-time codes
// ---------------------------------------------------------------------------------------

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\w.+%-]+@(?:[\w-]+\.)+[a-zA-Z]{2,}").expect("valid email regex")
});

/// The first email address in `text`, lowercased.
pub fn email(text: &str) -> Option<String> {
    EMAIL
        .find_iter(text)
        .map(|m| m.as_str().trim_start_matches('.'))
        .find(|address| !address.starts_with('@'))
        .map(str::to_lowercase)
}

/// Six digits, possibly written as two groups of three.
static CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{3}[ -]?\d{3}").expect("valid code regex"));

/// A currency right before a number: "€", "SEK ".
static CURRENCY_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:[€$£]|\b(?:sek|eur|usd|gbp))\s?$").expect("valid currency regex")
});

/// A currency right after a number: " kr", ":-", "€".
static CURRENCY_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s?(?:kronor\b|kr\b|:-|sek\b|€|euros?\b|eur\b|£|gbp\b|pounds?\b|\$|usd\b)")
        .expect("valid currency regex")
});

/// One-time codes in `text` with where they are written: six digits, or three and three
/// joined by a space or a hyphen, that are not part of a longer run of digits (a phone
/// number, "123 456 789", "1234567"), of an order id or of an amount of money.
fn one_time_codes(text: &str) -> Vec<(Range<usize>, String)> {
    let order_ids = order_id_spans(text);
    CODE.find_iter(text)
        .filter(|m| {
            // "123 456" may not continue with " 789"; "123456" may continue with " 7".
            let joiners = if m.as_str().len() == 7 {
                " -.,/:"
            } else {
                "-.,/:"
            };
            !digits_continue(text, m.range(), joiners)
                && !order_ids.iter().any(|o| overlaps(o, &m.range()))
                && !CURRENCY_BEFORE.is_match(&text[..m.start()])
                && !CURRENCY_AFTER.is_match(&text[m.end()..])
        })
        .map(|m| (m.range(), m.as_str().replace([' ', '-'], "")))
        .collect()
}

/// The first one-time code in `text` ("123456", "123 456", "123-456", "koden är
/// 123456"), without separators; `None` for the digits of an order id ("ORD-123456"),
/// longer digit runs, amounts and anything else.
pub fn one_time_code(text: &str) -> Option<String> {
    one_time_codes(text)
        .into_iter()
        .next()
        .map(|(_, code)| code)
}

/// Whether the digits at `span` continue on either side, directly or across one of
/// `joiners` ("1234567", "070-123456", "123 456 789").
fn digits_continue(text: &str, span: Range<usize>, joiners: &str) -> bool {
    fn continues(mut side: impl Iterator<Item = char>, joiners: &str) -> bool {
        match side.next() {
            Some(c) if c.is_ascii_digit() => true,
            Some(c) if joiners.contains(c) => side.next().is_some_and(|c| c.is_ascii_digit()),
            _ => false,
        }
    }
    continues(text[..span.start].chars().rev(), joiners)
        || continues(text[span.end..].chars(), joiners)
}

/// Whether two spans of a text share a byte.
fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

// ---------------------------------------------------------------------------------------
// Amounts
// ---------------------------------------------------------------------------------------

/// A number with an optional currency before or after it.
static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?: (?P<symbol>[€$£]) \s? | \b(?P<code>sek|eur|usd|gbp) \s? )?
        (?P<number>
            \d{1,3} (?: [\x20\u{a0}\u{202f}.,] \d{3} )+ (?: [.,] \d{1,2} )?
          | \d+ (?: [.,] \d{1,2} )?
        )
        (?P<unit> \s? (?: kronor\b | kr\b | :- | sek\b | € | euros?\b | eur\b | £ | gbp\b
                        | pounds?\b | \$ | usd\b | dollars?\b ) )?",
    )
    .expect("valid amount regex")
});

/// Phone numbers, whose digits are no amounts: "070-123 45 67", "+46 70 123 45 67".
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+|\b0)\d{1,4}(?:[\x20-]?\d{2,4}){2,}").expect("valid phone regex")
});

/// Clock times, whose digits are no amounts: "14:30".
static CLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d{1,2}:\d{2}\b").expect("valid clock regex"));

/// Words after a bare number that make it a count rather than money: "3 installments".
#[rustfmt::skip]
const COUNTED: &[&str] = &[
    "installment", "installments", "payment", "payments", "item", "items", "order", "orders",
    "time", "times", "day", "days", "week", "weeks", "month", "months", "year", "years",
    "piece", "pieces", "pairs", "delbetalning", "delbetalningar", "betalningar", "gånger",
    "dag", "dagar", "vecka", "veckor", "månad", "månader", "år", "st", "stycken", "par",
    "rate", "raten", "zahlungen", "mal", "tag", "tage", "tagen", "woche", "wochen", "monat",
    "monate", "monaten", "jahr", "jahre", "stück", "artikel", "paar",
];

/// The ISO currency of a currency word or symbol.
fn currency(word: &str) -> Option<&'static str> {
    match word.trim().to_lowercase().as_str() {
        "kr" | "kronor" | ":-" | "sek" => Some("SEK"),
        "€" | "euro" | "euros" | "eur" => Some("EUR"),
        "£" | "gbp" | "pound" | "pounds" => Some("GBP"),
        "$" | "usd" | "dollar" | "dollars" => Some("USD"),
        _ => None,
    }
}

/// A written number in minor units: two decimals when a final "." or "," is followed by
/// one or two digits, and thousands groups otherwise ("1.200" is 1200).
fn minor_units(number: &str) -> Option<i64> {
    let (whole, fraction) = match number.rfind(['.', ',']) {
        Some(i) if number.len() - i - 1 <= 2 => (&number[..i], &number[i + 1..]),
        _ => (number, ""),
    };
    let digits: String = whole.chars().filter(char::is_ascii_digit).collect();
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    digits
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents)
}

/// Money amounts in `text` as minor units (two decimals assumed) and, when written, the
/// ISO currency: "1 200 kr" is (120000, Some("SEK")), "1.200,50 €" (120050, Some("EUR")),
/// "£12.99" (1299, Some("GBP")), "499:-" (49900, Some("SEK")), "1200" (120000, None).
///
/// Digits of order ids, dates, clock times, one-time codes, percentages, phone numbers
/// and words ("3rd", "10kg", "v2") are not amounts, nor are counts ("3 installments",
/// "2 gånger", "14 Tage").
pub fn amounts(text: &str) -> Vec<(i64, Option<&'static str>)> {
    let reference = Date::from_calendar_date(2024, Month::January, 1).expect("valid date");
    let blocked: Vec<Range<usize>> = order_id_spans(text)
        .into_iter()
        .chain(
            date_mentions(text, reference)
                .into_iter()
                .map(|(span, _)| span),
        )
        .chain(CLOCK.find_iter(text).map(|m| m.range()))
        .chain(PHONE.find_iter(text).map(|m| m.range()))
        .chain(one_time_codes(text).into_iter().map(|(span, _)| span))
        .collect();
    let mut found = Vec::new();
    for caps in AMOUNT.captures_iter(text) {
        let (Some(whole), Some(number)) = (caps.get(0), caps.name("number")) else {
            continue;
        };
        let symbol = caps.name("symbol").or(caps.name("code"));
        let unit = caps.name("unit");
        let before = text[..whole.start()].chars().next_back();
        let after = text[whole.end()..].chars().next();
        let after_next = text[whole.end()..].chars().nth(1);
        let glued_before = before.is_some_and(char::is_alphanumeric)
            || (before.is_some_and(|c| "-/:.".contains(c))
                && text[..whole.start() - 1].ends_with(|c: char| c.is_ascii_digit()));
        let glued_after = unit.is_none()
            && (after.is_some_and(|c| c.is_alphanumeric() || c == '%')
                || (after.is_some_and(|c| "-/:.,".contains(c))
                    && after_next.is_some_and(|c| c.is_ascii_digit())));
        let counted = symbol.is_none()
            && unit.is_none()
            && text[whole.end()..]
                .split_whitespace()
                .next()
                .map(|w| {
                    w.trim_end_matches(|c: char| !c.is_alphanumeric())
                        .to_lowercase()
                })
                .is_some_and(|w| COUNTED.contains(&w.as_str()));
        let leading_zero = number.as_str().len() > 1
            && number.as_str().starts_with('0')
            && !number.as_str()[1..].starts_with(['.', ',']);
        if glued_before
            || glued_after
            || counted
            || leading_zero
            || blocked.iter().any(|b| overlaps(b, &number.range()))
        {
            continue;
        }
        if let Some(minor) = minor_units(number.as_str()) {
            let iso = symbol.or(unit).and_then(|m| currency(m.as_str()));
            found.push((minor, iso));
        }
    }
    found
}

// ---------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------

/// Month names and abbreviations in English, Swedish and German.
#[rustfmt::skip]
const MONTHS: &[(&str, u8)] = &[
    ("january", 1), ("januari", 1), ("januar", 1), ("jänner", 1), ("jan", 1),
    ("february", 2), ("februari", 2), ("februar", 2), ("feb", 2), ("march", 3), ("mars", 3),
    ("märz", 3), ("maerz", 3), ("mar", 3), ("mär", 3), ("april", 4), ("apr", 4), ("may", 5),
    ("maj", 5), ("mai", 5), ("june", 6), ("juni", 6), ("jun", 6), ("july", 7), ("juli", 7),
    ("jul", 7), ("august", 8), ("augusti", 8), ("aug", 8), ("september", 9), ("sept", 9),
    ("sep", 9), ("october", 10), ("oktober", 10), ("oct", 10), ("okt", 10),
    ("november", 11), ("nov", 11), ("december", 12), ("dezember", 12), ("dec", 12),
    ("dez", 12),
];

/// Month names as a regex alternation, longest first.
fn month_alternation() -> String {
    let mut names: Vec<&str> = MONTHS.iter().map(|(name, _)| *name).collect();
    names.sort_by_key(|name| std::cmp::Reverse(name.len()));
    names.join("|")
}

fn month_number(name: &str) -> Option<u8> {
    let name = name.to_lowercase();
    MONTHS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, number)| *number)
}

static ISO_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})\b").expect("valid date regex")
});

/// "3/12", "3/12/2026" (day first).
static SLASH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?\b")
        .expect("valid date regex")
});

/// "3.12.", "3.12.2026"; without the second dot "3.12" is a price.
static DOT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?:(?P<y>\d{4}|\d{2})\b)?")
        .expect("valid date regex")
});

/// "3 December", "3rd of December", "3:e december", "3. Dezember 2026", "3 dec".
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|:e|:a)?\.?\s*(?:of\s+)?(?P<m>{})\b\.?(?:,?\s*(?P<y>\d{{4}})\b)?",
        month_alternation()
    ))
    .expect("valid date regex")
});

/// "December 3rd", "dec 3", "December 3, 2026".
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?P<m>{})\b\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}})\b)?",
        month_alternation()
    ))
    .expect("valid date regex")
});

/// Days named relative to today, longest phrases first.
static RELATIVE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(?P<plus2>day after tomorrow|i övermorgon|übermorgen)|(?P<minus2>day before yesterday|i förrgår|vorgestern)|(?P<plus1>tomorrow|imorgon|i morgon|morgen)|(?P<zero>today|idag|i dag|heute)|(?P<minus1>yesterday|igår|i går|gestern))\b",
    )
    .expect("valid date regex")
});

/// German words before "Morgen" that make it "morning" rather than "tomorrow".
#[rustfmt::skip]
const MORNING_BEFORE: &[&str] = &[
    "guten", "heute", "gestern", "morgen", "am", "jeden", "diesen",
];

/// The date a day, month and optional year stand for. Without a year, the year that puts
/// the date closest to `today`; two-digit years are in this century.
fn resolve(day: &str, month: u8, year: Option<&str>, today: Date) -> Option<Date> {
    let day: u8 = day.parse().ok()?;
    let month = Month::try_from(month).ok()?;
    match year {
        Some(y) => {
            let y: i32 = y.parse().ok()?;
            let y = if y < 100 { 2000 + y } else { y };
            Date::from_calendar_date(y, month, day).ok()
        }
        None => (today.year() - 4..=today.year() + 4)
            .filter_map(|y| Date::from_calendar_date(y, month, day).ok())
            .min_by_key(|date| (*date - today).abs()),
    }
}

/// Every date mention in `text` with where it is written, in order, overlaps removed.
fn date_mentions(text: &str, today: Date) -> Vec<(Range<usize>, Date)> {
    let mut found: Vec<(Range<usize>, Date)> = Vec::new();
    for (regex, named_month) in [
        (&*ISO_DATE, false),
        (&*SLASH_DATE, false),
        (&*DOT_DATE, false),
        (&*DAY_MONTH, true),
        (&*MONTH_DAY, true),
    ] {
        for caps in regex.captures_iter(text) {
            let month = if named_month {
                month_number(&caps["m"])
            } else {
                caps["m"].parse().ok()
            };
            let year = caps.name("y").map(|y| y.as_str());
            if let Some(date) = month.and_then(|m| resolve(&caps["d"], m, year, today)) {
                found.push((caps.get(0).expect("whole match").range(), date));
            }
        }
    }
    for caps in RELATIVE_DATE.captures_iter(text) {
        let whole = caps.get(0).expect("whole match");
        let days = [
            ("plus2", 2),
            ("minus2", -2),
            ("plus1", 1),
            ("zero", 0),
            ("minus1", -1),
        ]
        .into_iter()
        .find(|(name, _)| caps.name(name).is_some())
        .map_or(0, |(_, days)| days);
        let word_before = text[..whole.start()]
            .split_whitespace()
            .next_back()
            .map(str::to_lowercase);
        if whole.as_str().eq_ignore_ascii_case("morgen")
            && word_before.is_some_and(|w| MORNING_BEFORE.contains(&w.as_str()))
        {
            continue;
        }
        if let Some(date) = today.checked_add(Duration::days(days)) {
            found.push((whole.range(), date));
        }
    }
    found.sort_by_key(|(span, _)| (span.start, std::cmp::Reverse(span.end)));
    let mut kept: Vec<(Range<usize>, Date)> = Vec::new();
    for (span, date) in found {
        if kept.last().is_none_or(|(last, _)| last.end <= span.start) {
            kept.push((span, date));
        }
    }
    kept
}

/// Dates mentioned in `text`, in order of appearance and without duplicates, resolved
/// against `today`: ISO dates ("2026-12-03"), day first with numbers ("3/12", "3.12."),
/// named months in English, Swedish and German ("3 December", "december 3rd", "den 3
/// december", "3. Dezember", "3 dec") and relative days ("today", "imorgon", "gestern").
/// Without a year, the year that puts the date closest to today.
pub fn dates(text: &str, today: Date) -> Vec<Date> {
    let mut out = Vec::new();
    for (_, date) in date_mentions(text, today) {
        if !out.contains(&date) {
            out.push(date);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Dispute reasons
// ---------------------------------------------------------------------------------------

/// How customers describe each dispute reason, one regex per way of saying it, matched on
/// lowercased text with plain apostrophes. The order of the reasons breaks ties between
/// descriptions that start at the same place ("didn't get what I ordered" is a wrong item
/// before it is a parcel not received).
const REASON_PATTERNS: &[(DisputeReason, &[&str])] = &[
    (
        DisputeReason::WrongItem,
        &[
            r"\bwrong_item\b",
            r"\bwrong (?:\w+ )?(?:item|size|colou?r|product|article|model|thing|one|version|order|parcel|package|book|shoe)s?\b",
            r"\bincorrect (?:item|size|colou?r|product)",
            r"\bnot (?:what|the (?:one|thing|item)) (?:i|we) (?:ordered|bought|paid for)",
            r"\b(?:didn't|did not|never) (?:get|receive|got) what i (?:ordered|bought|paid for)",
            r"\b(?:got|received|sent|delivered|shipped)(?: me| us)? (?:a |an |the )?(?:wrong|incorrect)\b",
            r"\b(?:got|received|sent me|came with|contained) (?:\w+ ){0,3}(?:that )?i (?:didn't|did not|never) order",
            r"\bnot as described\b",
            r"\bfel (?:\w*storlek|\w*färg|varan?|varor|produkt(?:en)?|artikel|modell|sak(?:er)?|grej|paket|skor|tröja)\b",
            r"\bfelaktig (?:vara|storlek|produkt)",
            r"\binte (?:det|vad|den|de) (?:som )?jag (?:beställde|beställt|köpte|köpt|ville ha)\b",
            r"\b(?:fick|skickade|skickat|levererade|levererat|kom) fel\b",
            r"\bannan (?:storlek|färg|modell|vara|produkt) än\b",
            r"\b(?:fick|fått) (?:\w+ ){0,3}(?:som )?jag (?:inte|aldrig) (?:har )?beställ",
            r"\bfalsche[nrms]? (?:\w+ )?(?:artikel|größe|grösse|farbe|produkt|ware|modell|sache|paket|schuhe|teil|lieferung|bestellung)\b",
            r"\bfalsch geliefert\b",
            r"\bnicht (?:das|dem),? (?:was|wie) (?:ich|wir) bestellt",
            r"\bandere[nrms]? (?:größe|farbe|artikel|produkt|modell) als\b",
        ],
    ),
    (
        DisputeReason::FaultyItem,
        &[
            r"\bfaulty_item\b",
            r"\b(?:broken|damaged|defective|faulty|cracked|shattered|dead on arrival)\b",
            r"\b(?:it|they|this|that|which|and) (?:\w+ )?broke\b",
            r"\bbroke (?:down|after|within)\b",
            r"\bmalfunction",
            r"\b(?:doesn't|does not|don't|do not|didn't|did not|won't|will not|isn't|is not|not|no longer|stopped|never) (?:\w+ )?(?:work|works|working|turn on|switch on|start|starts|charge|charges|charging|function|functioning)\b",
            r"\b(?:trasig[at]?|skadad[et]?|söndrig[at]?|sönder|defekta?)\b",
            r"\b(?:fungerar|funkar|startar|laddar) (?:\w+ )?inte\b",
            r"\b(?:slutat|slutade) (?:att )?(?:fungera|funka)",
            r"\bfel på\b",
            r"\bkaputt",
            r"\b(?:defekt(?:e[nrms]?)?|beschädigt(?:e[nrms]?)?|zerbrochen|mangelhaft|fehlerhaft)\b",
            r"\b(?:funktioniert|läuft|startet|lädt|geht) (?:\w+ )?nicht\b",
        ],
    ),
    (
        DisputeReason::ChargedTwice,
        &[
            r"\bcharged_twice\b",
            r"\b(?:charged|billed|debited|paid|taken|deducted|withdrawn|charging)(?: \S+){0,3} (?:twice|two times|2 times|double)\b",
            r"\bdouble[- ]?(?:charged|charge|charging|billed|payment|debit)",
            r"\bduplicate (?:charge|payment|transaction|debit)",
            r"\b(?:two|2) (?:charges|payments|debits|transactions) for (?:the same|one)\b",
            r"\b(?:dragit|drog|dragits|debiterat|debiterats|debiterade|betalat|betalt|betalade|tagit)(?: \S+){0,3} (?:två gånger|2 gånger|dubbelt)",
            r"\bdubbel ?(?:dragning|debitering|betalning)",
            r"\bdubbeldrag",
            r"\b(?:doppelt|zweimal|2 ?mal|zwei mal) (?:\w+ ){0,2}(?:abgebucht|bezahlt|belastet|berechnet|abgezogen|eingezogen|gezahlt)",
            r"\b(?:abgebucht|bezahlt|belastet|berechnet|abgezogen)(?: \w+){0,2} (?:doppelt|zweimal)\b",
            r"\bdoppel(?:abbuchung|buchung|zahlung|belastung)",
            r"\bdoppelte (?:abbuchung|zahlung|belastung|buchung)",
        ],
    ),
    (
        DisputeReason::Unauthorized,
        &[
            r"\bunauthori[sz]ed\b",
            r"\b(?:didn't|did not|didnt|never) (?:\w+ )?(?:order|ordered|buy|bought|purchase|purchased|authori[sz]e|authori[sz]ed)\b",
            r"\b(?:didn't|did not|never) (?:make|made|place|placed) (?:this|that|the|a|an|any) (?:order|purchase|payment|transaction)",
            r"\bnever made\b",
            r"\b(?:not|wasn't) me\b",
            r"\bfraudulent\b",
            r"\bsomeone (?:else )?(?:has )?(?:used|ordered|made|bought|stole)\b",
            r"\bidentity theft\b",
            r"\b(?:don't|do not) recogni[sz]e\b",
            r"\binte (?:\w+ )?(?:beställt|beställde|handlat|handlade|köpt|köpte)\b",
            r"\baldrig (?:beställt|beställde|handlat|köpt|köpte)\b",
            r"\binte jag\b",
            r"\bokänd (?:betalning|beställning|köp)",
            r"\bnågon (?:annan )?har (?:beställt|handlat|använt)",
            r"\b(?:bedrägeri|id-?stöld|identitetsstöld)",
            r"\bnicht (?:\w+ ){0,2}(?:bestellt|gekauft|getätigt|autorisiert)\b",
            r"\bnie (?:\w+ ){0,2}(?:bestellt|gekauft)\b",
            r"\bwar(?:en)? (?:ich|wir) nicht\b",
            r"\bnicht ich\b",
            r"\b(?:betrug|betrügerisch|identitätsdiebstahl)",
            r"\bjemand (?:anderes )?hat (?:\w+ ){0,3}(?:bestellt|gekauft)\b",
        ],
    ),
    (
        DisputeReason::NotReceived,
        &[
            r"\bnot_received\b",
            r"\bnever (?:\w+ )?(?:arrived|came|come|received|delivered|showed up|turned up|got)\b",
            r"\b(?:didn't|did not|didnt|haven't|have not|havent|hasn't|has not|hasnt|not yet|still not|still haven't|still hasn't|not) (?:yet |even )?(?:receive|received|arrive|arrived|come|came|gotten|got|get|been delivered|delivered|shown up|showed up|turned up)\b",
            r"\b(?:package|parcel|order|delivery|shipment|item)s? (?:is |was |has been |got |seems )?(?:lost|missing|stolen)\b",
            r"\b(?:lost|missing|stolen) (?:package|parcel|order|delivery|shipment)",
            r"\blost in (?:the )?(?:post|mail|transit)\b",
            r"\bnothing (?:has )?(?:arrived|came|come)\b",
            r"\bkom (?:aldrig|inte)(?: fram)?\b",
            r"\b(?:aldrig|inte) (?:\w+ )?(?:fått|kommit|levererats|mottagit|anlänt)\b",
            r"\bpaket(?:et)? (?:har )?(?:försvunnit|kommit bort|tappats bort)",
            r"\bpaketet är borta\b",
            r"\b(?:nicht|nie|niemals|nichts) (?:\w+ ){0,2}(?:angekommen|erhalten|bekommen|geliefert|zugestellt|eingetroffen)\b",
            r"\bkam (?:nie|nicht) an\b",
            r"\b(?:paket|sendung|lieferung|bestellung) (?:ist )?(?:verloren|verschwunden)",
        ],
    ),
];

/// [`REASON_PATTERNS`] compiled, one regex per reason.
static REASONS: LazyLock<Vec<(DisputeReason, Regex)>> = LazyLock::new(|| {
    REASON_PATTERNS
        .iter()
        .map(|(reason, patterns)| {
            let regex = Regex::new(&patterns.join("|")).expect("valid reason regex");
            (*reason, regex)
        })
        .collect()
});

/// Words before a description that deny it ("not damaged", "inte trasig").
#[rustfmt::skip]
const DENIALS: &[&str] = &[
    "not", "isn't", "wasn't", "inte", "ej", "nicht", "kein", "keine",
];

/// Words near "didn't receive" that make it about something other than the goods: a
/// refund, an email, a code.
#[rustfmt::skip]
const NOT_GOODS: &[&str] = &[
    "refund", "money", "reply", "answer", "response", "email", "mail", "e-mail", "code",
    "confirmation", "invoice", "back", "credit", "återbetal", "pengar", "tillbaka", "svar",
    "bekräftelse", "faktura", "kod", "sms", "mejl", "geld", "erstatt", "rückerstatt",
    "gutschrift", "antwort", "bestätigung", "rechnung", "zurück",
];

/// Things that are not the goods but can "not work": the app, a link, a card.
#[rustfmt::skip]
const NOT_PRODUCTS: &[&str] = &[
    "app", "appen", "link", "länken", "website", "site", "page", "sidan", "card", "kortet",
    "code", "koden", "payment", "betalningen", "login", "inloggningen", "password",
    "lösenordet", "button", "knappen", "bankid", "seite", "webseite", "karte", "zahlung",
    "passwort", "anmeldung", "checkout", "kassan",
];

/// Whether the description `found` of `reason` in `text` is one that holds: not denied
/// and, for goods not received or not working, about the goods.
fn reason_holds(text: &str, reason: DisputeReason, found: Range<usize>) -> bool {
    let before: Vec<&str> = text[..found.start]
        .split_whitespace()
        .rev()
        .take(3)
        .collect();
    if before.first().is_some_and(|w| DENIALS.contains(w)) {
        return false;
    }
    let near = || {
        before
            .iter()
            .copied()
            .chain(text[found.clone()].split_whitespace())
            .chain(text[found.end..].split_whitespace().take(3))
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
    };
    match reason {
        DisputeReason::NotReceived => {
            !near().any(|w| NOT_GOODS.iter().any(|stem| w.starts_with(stem)))
        }
        DisputeReason::FaultyItem => !near().any(|w| NOT_PRODUCTS.contains(&w)),
        _ => true,
    }
}

/// The dispute reason a customer describes in English, Swedish or German, or names by
/// its code ("faulty_item"); when several are described, the one mentioned first. `None`
/// when none fits.
pub fn dispute_reason(text: &str) -> Option<DisputeReason> {
    let text = text.to_lowercase().replace(['’', '‘', '´', '`'], "'");
    REASONS
        .iter()
        .filter_map(|(reason, regex)| {
            regex
                .find_iter(&text)
                .find(|m| reason_holds(&text, *reason, m.range()))
                .map(|m| (m.start(), *reason))
        })
        .min_by_key(|(start, _)| *start)
        .map(|(_, reason)| reason)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    const TODAY: Date = date!(2026 - 06 - 15);

    /// Checks `f` on every `(input, expected)` pair and reports all failures at once.
    fn check<T, E>(f: impl Fn(&str) -> T, cases: &[(&str, E)])
    where
        T: PartialEq<E> + std::fmt::Debug,
        E: std::fmt::Debug,
    {
        let wrong: Vec<String> = cases
            .iter()
            .filter_map(|(input, expected)| {
                let got = f(input);
                (got != *expected).then(|| format!("{input:?}: expected {expected:?}, got {got:?}"))
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn order_ids_in_every_spelling() {
        check(
            order_ids,
            &[
                ("ord-1001", vec!["ORD-1001"]),
                ("ORD 1001", vec!["ORD-1001"]),
                ("ord1001", vec!["ORD-1001"]),
                ("my order ORD-1001 has not arrived", vec!["ORD-1001"]),
                ("#ORD-1001?", vec!["ORD-1001"]),
                ("Var är ORD-1002 och ord1003?", vec!["ORD-1002", "ORD-1003"]),
                ("Bestellung ORD–1004, nochmal: ord 1004", vec!["ORD-1004"]),
                (
                    "ORD-1005, ORD-1001 and ORD-1005 again",
                    vec!["ORD-1005", "ORD-1001"],
                ),
                ("ORD-123456", vec!["ORD-123456"]),
            ],
        );
        let none: &[&str] = &[
            "my order 1001",
            "order #1001",
            "ordet 123 betyder",
            "ORD-12",
            "coordinate 1001",
            "",
        ];
        for text in none {
            assert!(order_ids(text).is_empty(), "{text:?}");
        }
    }

    const SHOPS: &[&str] = &[
        "Zalando",
        "H&M",
        "Elgiganten",
        "IKEA",
        "MediaMarkt",
        "Otto",
        "ASOS",
        "Nike",
    ];

    #[test]
    fn merchants_fuzzily_and_in_order() {
        check(
            |text| merchants(text, SHOPS),
            &[
                ("my zalando order", vec![0]),
                ("Zalando's package", vec![0]),
                ("zalandos paket", vec![0]),
                ("min zalandoordern kom aldrig", vec![0]),
                ("ordered from zalndo", vec![0]),
                ("zlaando never arrived", vec![0]),
                ("the elgigantn order", vec![2]),
                ("elgignten", vec![2]),
                ("hm", vec![1]),
                ("h & m", vec![1]),
                ("H&M", vec![1]),
                ("H&M:s jacka", vec![1]),
                ("IKEAs lampa", vec![3]),
                ("Media Markt", vec![4]),
                ("mediamarkts Lieferung", vec![4]),
                ("Otto-Bestellung", vec![5]),
                ("asos and zalando", vec![6, 0]),
                ("Nike shoes from H&M? No, from nike!", vec![7, 1]),
                ("zalando, ikea, zalando", vec![0, 3]),
            ],
        );
        let none: &[&str] = &[
            "I bought shoes",
            "hmm, let me think",
            "the ottoman",
            "bought a phone with HMS",
            "zebra",
            "a motto",
            "index",
            "",
        ];
        for text in none {
            assert_eq!(merchants(text, SHOPS), Vec::<usize>::new(), "{text:?}");
        }
        assert_eq!(
            merchants("I bought shoes", &["Zalando"]),
            Vec::<usize>::new()
        );
        assert_eq!(merchants("zalando", &[]), Vec::<usize>::new());
        assert_eq!(merchants("zalando", &["", "Zalando"]), vec![1]);
        // A short name is never matched fuzzily.
        assert_eq!(merchants("ottos paket och nke", &["Otto", "Nike"]), vec![0]);
        assert_eq!(merchants("the lindex order", &["Lindex"]), vec![0]);
    }

    #[test]
    fn yes_in_three_languages() {
        let yes: &[&str] = &[
            "yes",
            "Yes!",
            "yep",
            "yeah",
            "sure",
            "ok",
            "OK",
            "okay",
            "confirm",
            "go ahead",
            "please do",
            "do it",
            "correct",
            "y",
            "Y",
            "yes please",
            "yes please do that",
            "Yesss",
            "Sure, go ahead",
            "ok thanks",
            "I confirm",
            "that's correct",
            "yes, no problem",
            "Yes, I'm sure",
            "Yes, cancel it",
            "ja",
            "Ja!",
            "japp",
            "jajamän",
            "absolut",
            "gärna",
            "kör",
            "stämmer",
            "det stämmer",
            "jo",
            "ja tack",
            "Jaaa",
            "ja bitte",
            "genau",
            "klar",
            "mach das",
            "einverstanden",
            "passt",
            "das passt",
            "gerne",
            "Ja, gerne!",
            "Ja, mach das bitte",
            "Okej, kör på",
        ];
        for text in yes {
            assert_eq!(yes_no(text), Some(true), "{text:?}");
        }
    }

    #[test]
    fn no_in_three_languages() {
        let no: &[&str] = &[
            "no",
            "No.",
            "nope",
            "don't",
            "Don't do it",
            "cancel",
            "stop",
            "n",
            "no thanks",
            "never mind",
            "nevermind",
            "no, I changed my mind",
            "No, it's ok",
            "not correct",
            "please cancel",
            "Nooo",
            "no don't do it",
            "nej",
            "Nej!",
            "nä",
            "nej tack",
            "avbryt",
            "strunta i det",
            "Nej, jag har ändrat mig",
            "nein",
            "nö",
            "lieber nicht",
            "abbrechen",
            "doch nicht",
            "Nein, danke",
            "bitte abbrechen",
            "absolut inte",
            "absolut nicht",
            "auf keinen fall",
        ];
        for text in no {
            assert_eq!(yes_no(text), Some(false), "{text:?}");
        }
    }

    #[test]
    fn unclear_answers() {
        let unclear: &[&str] = &[
            "I want to extend my order",
            "yes no wait",
            "yes no",
            "no yes",
            "nej, ja",
            "ja nein",
            "maybe",
            "yes, maybe",
            "ok?",
            "ok, but can you also check ORD-1002?",
            "yes?",
            "I'm not sure",
            "vet inte",
            "weiß nicht",
            "hello",
            "thanks",
            "can you cancel?",
            "Kann ich die Rate verschieben?",
            "Hur mycket är kvar att betala på ordern?",
            "I think the yes button is broken",
            "",
            "   ",
            "?!",
            "ORD-1001",
        ];
        for text in unclear {
            assert_eq!(yes_no(text), None, "{text:?}");
        }
    }

    #[test]
    fn emails() {
        check(
            email,
            &[
                ("anna@example.com", Some("anna@example.com".to_owned())),
                (
                    "Min mejl är Anna.Svensson@Exempel.SE.",
                    Some("anna.svensson@exempel.se".to_owned()),
                ),
                (
                    "mail: (erik+shop@mail.co.uk), or a@b.de",
                    Some("erik+shop@mail.co.uk".to_owned()),
                ),
                (
                    "Meine E-Mail: jürgen.müller@web.de",
                    Some("jürgen.müller@web.de".to_owned()),
                ),
                ("no email here", None),
                ("anna@", None),
                ("@home", None),
                ("anna at example dot com", None),
            ],
        );
    }

    #[test]
    fn one_time_codes_and_what_is_not_one() {
        check(
            one_time_code,
            &[
                ("123456", Some("123456".to_owned())),
                ("123 456", Some("123456".to_owned())),
                ("123-456", Some("123456".to_owned())),
                ("code: 123456", Some("123456".to_owned())),
                ("koden är 654321", Some("654321".to_owned())),
                ("Der Code lautet 111 222.", Some("111222".to_owned())),
                ("ORD-1001 code 987654", Some("987654".to_owned())),
                ("ORD-123456 and then 222333", Some("222333".to_owned())),
                ("ORD-123456", None),
                ("ord 123456", None),
                ("1234567", None),
                ("12345", None),
                ("123 456 789", None),
                ("070-123 456", None),
                ("my number is 0701234567", None),
                ("123456 kr", None),
                ("€123 456", None),
                ("2026-12-03", None),
                ("no code", None),
            ],
        );
    }

    #[test]
    fn amounts_with_and_without_currency() {
        check(
            amounts,
            &[
                ("1200", vec![(120_000, None)]),
                ("1 200 kr", vec![(120_000, Some("SEK"))]),
                ("1,200.50", vec![(120_050, None)]),
                ("1.200,50 €", vec![(120_050, Some("EUR"))]),
                ("€40", vec![(4000, Some("EUR"))]),
                ("40 euro", vec![(4000, Some("EUR"))]),
                ("40 Euro", vec![(4000, Some("EUR"))]),
                ("£12.99", vec![(1299, Some("GBP"))]),
                ("12.99 pounds", vec![(1299, Some("GBP"))]),
                ("SEK 499", vec![(49_900, Some("SEK"))]),
                ("SEK499", vec![(49_900, Some("SEK"))]),
                ("499:-", vec![(49_900, Some("SEK"))]),
                ("499kr", vec![(49_900, Some("SEK"))]),
                ("500 kronor", vec![(50_000, Some("SEK"))]),
                ("$15", vec![(1500, Some("USD"))]),
                ("15 USD", vec![(1500, Some("USD"))]),
                ("0,50 €", vec![(50, Some("EUR"))]),
                ("1.200 €", vec![(120_000, Some("EUR"))]),
                (
                    "jag betalade 1 499 kr men skulle bara betala 999:-",
                    vec![(149_900, Some("SEK")), (99_900, Some("SEK"))],
                ),
                (
                    "Ich habe 49,99 € statt 29,99 EUR bezahlt",
                    vec![(4999, Some("EUR")), (2999, Some("EUR"))],
                ),
                (
                    "ORD-1001 cost 499 kr on 3 December",
                    vec![(49_900, Some("SEK"))],
                ),
                ("ORD-1001 cost 250", vec![(25_000, None)]),
                ("code 123456, amount 300 kr", vec![(30_000, Some("SEK"))]),
                ("123 456 kr", vec![(12_345_600, Some("SEK"))]),
                ("I paid 3 installments of 333.33", vec![(33_333, None)]),
                (
                    "Ich wurde doppelt belastet, 2x 49,99€",
                    vec![(4999, Some("EUR"))],
                ),
                ("extend by 14 days, 14 kr fee", vec![(1400, Some("SEK"))]),
            ],
        );
        let none: &[&str] = &[
            "ORD-1001",
            "ord1001",
            "2026-12-03",
            "3/12",
            "3.12.",
            "den 3 december",
            "3. Dezember",
            "december 3rd",
            "123456",
            "at 14:30",
            "20% off",
            "the 3rd one",
            "10kg",
            "070-123 45 67",
            "+46 70 123 45 67",
            "dragit 2 gånger",
            "in 14 Tagen",
            "no numbers",
        ];
        for text in none {
            assert_eq!(amounts(text), Vec::new(), "{text:?}");
        }
    }

    #[test]
    fn dates_in_every_form() {
        check(
            |text| dates(text, TODAY),
            &[
                ("2026-12-03", vec![date!(2026 - 12 - 03)]),
                ("3 December", vec![date!(2026 - 12 - 03)]),
                ("december 3rd", vec![date!(2026 - 12 - 03)]),
                ("December 3, 2027", vec![date!(2027 - 12 - 03)]),
                ("the 3rd of December", vec![date!(2026 - 12 - 03)]),
                ("3/12", vec![date!(2026 - 12 - 03)]),
                ("3/12/2026", vec![date!(2026 - 12 - 03)]),
                ("3.12.", vec![date!(2026 - 12 - 03)]),
                ("03.12.2026", vec![date!(2026 - 12 - 03)]),
                ("3 dec", vec![date!(2026 - 12 - 03)]),
                (
                    "kan jag betala den 3 december?",
                    vec![date!(2026 - 12 - 03)],
                ),
                ("den 3:e december", vec![date!(2026 - 12 - 03)]),
                ("am 3. Dezember", vec![date!(2026 - 12 - 03)]),
                ("am 1. März", vec![date!(2026 - 03 - 01)]),
                ("den 1 maj", vec![date!(2026 - 05 - 01)]),
                ("1 mars", vec![date!(2026 - 03 - 01)]),
                ("15 okt.", vec![date!(2026 - 10 - 15)]),
                ("today", vec![TODAY]),
                ("idag", vec![TODAY]),
                ("i dag", vec![TODAY]),
                ("heute", vec![TODAY]),
                ("tomorrow", vec![date!(2026 - 06 - 16)]),
                ("imorgon", vec![date!(2026 - 06 - 16)]),
                ("i morgon", vec![date!(2026 - 06 - 16)]),
                ("Kann ich morgen zahlen?", vec![date!(2026 - 06 - 16)]),
                ("übermorgen", vec![date!(2026 - 06 - 17)]),
                ("yesterday", vec![date!(2026 - 06 - 14)]),
                ("igår", vec![date!(2026 - 06 - 14)]),
                ("gestern", vec![date!(2026 - 06 - 14)]),
                (
                    "delivered yesterday, due 2026-07-01",
                    vec![date!(2026 - 06 - 14), date!(2026 - 07 - 01)],
                ),
                ("today, so 15 June", vec![TODAY]),
                ("Guten Morgen, heute morgen", vec![TODAY]),
                ("29 feb", vec![date!(2028 - 02 - 29)]),
            ],
        );
        // Closest year: late December seen from early January is last year.
        assert_eq!(
            dates("28 dec", date!(2027 - 01 - 05)),
            vec![date!(2026 - 12 - 28)]
        );
        assert_eq!(
            dates("5 jan", date!(2026 - 12 - 20)),
            vec![date!(2027 - 01 - 05)]
        );
        let none: &[&str] = &[
            "ORD-1001",
            "499 kr",
            "12.99",
            "31/2",
            "32 december",
            "Guten Morgen",
            "god morgon",
            "december",
            "no date",
        ];
        for text in none {
            assert_eq!(dates(text, TODAY), Vec::new(), "{text:?}");
        }
    }

    #[test]
    fn dispute_reasons_in_three_languages() {
        use DisputeReason::*;
        check(
            dispute_reason,
            &[
                ("It never arrived", Some(NotReceived)),
                ("I didn't receive my package", Some(NotReceived)),
                ("my order hasn't come", Some(NotReceived)),
                ("The package was lost", Some(NotReceived)),
                ("package lost", Some(NotReceived)),
                ("jag har inte fått mitt paket", Some(NotReceived)),
                ("paketet kom aldrig", Some(NotReceived)),
                ("Mein Paket ist nicht angekommen", Some(NotReceived)),
                ("Ich habe die Ware nie erhalten", Some(NotReceived)),
                ("not_received", Some(NotReceived)),
                ("wrong item", Some(WrongItem)),
                ("They sent the wrong size", Some(WrongItem)),
                ("wrong colour", Some(WrongItem)),
                ("This is not what I ordered", Some(WrongItem)),
                ("I didn't get what I ordered", Some(WrongItem)),
                ("I got something I didn't order", Some(WrongItem)),
                ("fel vara", Some(WrongItem)),
                ("fel storlek på skorna", Some(WrongItem)),
                ("falscher Artikel", Some(WrongItem)),
                ("Falsche Größe geliefert", Some(WrongItem)),
                ("wrong_item", Some(WrongItem)),
                ("It's broken", Some(FaultyItem)),
                ("arrived damaged", Some(FaultyItem)),
                ("the blender doesn't work", Some(FaultyItem)),
                ("it stopped working after a week", Some(FaultyItem)),
                ("defective", Some(FaultyItem)),
                ("faulty charger", Some(FaultyItem)),
                ("lampan är trasig", Some(FaultyItem)),
                ("den fungerar inte", Some(FaultyItem)),
                ("mobilen har slutat fungera", Some(FaultyItem)),
                ("Der Toaster ist kaputt", Some(FaultyItem)),
                ("defekt", Some(FaultyItem)),
                ("Karton beschädigt", Some(FaultyItem)),
                ("Das Gerät funktioniert nicht", Some(FaultyItem)),
                ("faulty_item", Some(FaultyItem)),
                ("I was charged twice", Some(ChargedTwice)),
                ("you double charged me", Some(ChargedTwice)),
                ("I paid twice for the same order", Some(ChargedTwice)),
                ("ni har dragit två gånger", Some(ChargedTwice)),
                ("dubbeldragning på kortet", Some(ChargedTwice)),
                ("Es wurde doppelt abgebucht", Some(ChargedTwice)),
                ("Ich habe zweimal bezahlt", Some(ChargedTwice)),
                ("charged_twice", Some(ChargedTwice)),
                ("I didn't order this", Some(Unauthorized)),
                ("that was not me", Some(Unauthorized)),
                ("I never made this purchase", Some(Unauthorized)),
                ("jag har inte beställt det här", Some(Unauthorized)),
                ("Ich habe das nicht bestellt", Some(Unauthorized)),
                ("unauthorized", Some(Unauthorized)),
                (
                    "The package never arrived and I was charged twice",
                    Some(NotReceived),
                ),
                (
                    "Charged twice, and the package never arrived",
                    Some(ChargedTwice),
                ),
                ("I didn't order this and it is broken", Some(Unauthorized)),
            ],
        );
        let none: &[&str] = &[
            "I want to extend my order",
            "Hur mycket är kvar?",
            "I haven't received my refund",
            "I didn't receive the code",
            "jag har inte fått pengarna tillbaka",
            "Ich habe meine Rückerstattung nicht erhalten",
            "the app doesn't work",
            "the link doesn't work",
            "it's not broken",
            "Thanks, all good",
            "",
        ];
        for text in none {
            assert_eq!(dispute_reason(text), None, "{text:?}");
        }
    }
}
