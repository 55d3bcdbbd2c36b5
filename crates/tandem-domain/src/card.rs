//! Card numbers and IBANs typed into chat, found and masked before anything keeps them
//! (DOMAIN.md P12).
//!
//! Architecture Invariant: a customer's chat message reaches the store, the logs and any
//! model only after [`mask_card_data`] has run on it (in the server's
//! `post_customer_message`).
//!
//! What counts as a card number:
//! - Digits are ASCII `0-9`; a *group* is a maximal run of them.
//! - A group that touches a letter belongs to an identifier and is never part of a card
//!   number: directly (`A4111…`, `…1111kr`) or through a hyphen (`ORD-1001`). A group
//!   right after `+` is a phone number. This is the word boundary DLP scanners use.
//! - Groups separated by exactly one space (also no-break) or hyphen form a *chain* when
//!   the earlier group has at least 3 digits. Cards are typed in groups of 4 (or 4-6-5);
//!   phone numbers and dates use groups of 1 or 2 (`+46 70 123 45 67`, `2026-11-23`),
//!   which ends a chain. Two bare numbers with one space between them are one grouped
//!   number, as a person typing a card in groups would produce.
//! - Within a chain, from the left, the longest run of consecutive groups that has 13-19
//!   digits and passes the Luhn check is a card number. Surrounding digits may belong to
//!   it, so `4111 1111 1111 1111 123` (a CVC after the number) is masked as a whole when
//!   the 19 digits happen to pass Luhn, and as the 16 otherwise.
//!
//! What counts as an IBAN: a word of 2 letters and 2 digits followed by 11-30 letters or
//! digits, compact or in space-separated groups of 4 (the last one shorter), any case,
//! that passes the ISO 13616 mod-97 check. IBANs are found first; digits inside one are
//! not looked at again as a card number.
//!
//! Each is replaced by a mask keeping the last four characters, `[card •••• 1111]` and
//! `[IBAN •••• 7466]`; everything around it is kept byte for byte. Masking is idempotent.
//! Not found: numbers split by dots, double spaces or line breaks, and non-ASCII digits.

/// A kind of payment data that must not stay in a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensitiveKind {
    CardNumber,
    Iban,
}

/// Text with its card numbers and IBANs masked, and what was found in order of
/// appearance (empty when the text came through unchanged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    pub text: String,
    pub found: Vec<SensitiveKind>,
}

/// Masks every card number and IBAN in `text`, keeping their last four characters.
pub fn mask_card_data(text: &str) -> Masked {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut spans = iban_spans(&chars);
    let cards = card_spans(&chars, &spans);
    spans.extend(cards);
    spans.sort_by_key(|span| span.start);

    let byte_at = |i: usize| chars.get(i).map_or(text.len(), |&(byte, _)| byte);
    let mut masked = String::with_capacity(text.len());
    let mut copied = 0;
    for span in &spans {
        masked.push_str(&text[copied..byte_at(span.start)]);
        let label = match span.kind {
            SensitiveKind::CardNumber => "card",
            SensitiveKind::Iban => "IBAN",
        };
        masked.push_str(&format!("[{label} •••• {}]", span.last4));
        copied = byte_at(span.end);
    }
    masked.push_str(&text[copied..]);
    Masked {
        text: masked,
        found: spans.iter().map(|span| span.kind).collect(),
    }
}

/// Whether `text` holds a card number or IBAN.
pub fn contains_card_data(text: &str) -> bool {
    !mask_card_data(text).found.is_empty()
}

/// A found item, in char indices (`end` exclusive).
struct Span {
    start: usize,
    end: usize,
    kind: SensitiveKind,
    last4: String,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{2007}' | '\u{202f}')
}

/// The end of the run of alphanumeric chars starting at `i`.
fn alnum_run_end(chars: &[(usize, char)], i: usize) -> usize {
    i + chars[i..]
        .iter()
        .take_while(|(_, c)| c.is_alphanumeric())
        .count()
}

fn last4(s: &str) -> String {
    s[s.len() - 4..].to_owned()
}

// ---- IBAN ----

fn iban_spans(chars: &[(usize, char)]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        // Whole words are skipped below, so `i` is at a word start here.
        let word_end = alnum_run_end(chars, i);
        if word_end == i {
            i += 1;
        } else if let Some(span) = iban_at(chars, i, word_end) {
            i = span.end;
            spans.push(span);
        } else {
            i = word_end;
        }
    }
    spans
}

/// The IBAN starting with the word `start..word_end`, if there is one.
fn iban_at(chars: &[(usize, char)], start: usize, word_end: usize) -> Option<Span> {
    let word = &chars[start..word_end];
    let shape = word.len() >= 4
        && word.iter().all(|(_, c)| c.is_ascii_alphanumeric())
        && word[..2].iter().all(|(_, c)| c.is_ascii_alphabetic())
        && word[2..4].iter().all(|(_, c)| c.is_ascii_digit());
    if !shape {
        return None;
    }
    let mut compact: String = word.iter().map(|(_, c)| c.to_ascii_uppercase()).collect();
    // (end, compact text) of each way the IBAN could end, shortest first.
    let mut endings = vec![(word_end, compact.clone())];
    if word.len() == 4 {
        let mut pos = word_end;
        while chars.get(pos).is_some_and(|(_, c)| is_space(*c)) && pos + 1 < chars.len() {
            let group_end = alnum_run_end(chars, pos + 1);
            let group = &chars[pos + 1..group_end];
            if group.is_empty()
                || group.len() > 4
                || !group.iter().all(|(_, c)| c.is_ascii_alphanumeric())
            {
                break;
            }
            compact.extend(group.iter().map(|(_, c)| c.to_ascii_uppercase()));
            endings.push((group_end, compact.clone()));
            if group.len() < 4 {
                break;
            }
            pos = group_end;
        }
    }
    let (end, iban) = endings
        .into_iter()
        .rev()
        .find(|(_, iban)| (15..=34).contains(&iban.len()) && iban_check_passes(iban))?;
    Some(Span {
        start,
        end,
        kind: SensitiveKind::Iban,
        last4: last4(&iban),
    })
}

/// ISO 13616: move the first four characters to the end, read letters as 10-35, and the
/// number is 1 modulo 97.
fn iban_check_passes(iban: &str) -> bool {
    let (head, tail) = iban.split_at(4);
    let mut remainder = 0u32;
    for c in tail.chars().chain(head.chars()) {
        let Some(value) = c.to_digit(36) else {
            return false;
        };
        let scale = if value < 10 { 10 } else { 100 };
        remainder = (remainder * scale + value) % 97;
    }
    remainder == 1
}

// ---- card numbers ----

/// A maximal run of ASCII digits, in char indices.
#[derive(Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
}

impl Group {
    fn len(self) -> usize {
        self.end - self.start
    }
}

fn card_spans(chars: &[(usize, char)], taken: &[Span]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut chain: Vec<Group> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_ascii_digit() {
            i += 1;
            continue;
        }
        let group = Group {
            start: i,
            end: i + chars[i..]
                .iter()
                .take_while(|(_, c)| c.is_ascii_digit())
                .count(),
        };
        i = group.end;
        if taken
            .iter()
            .any(|span| (span.start..span.end).contains(&group.start))
        {
            continue;
        }
        if touches_identifier(chars, group) {
            cards_in_chain(chars, &chain, &mut spans);
            chain.clear();
            continue;
        }
        let links = chain.last().is_some_and(|previous| {
            previous.len() >= 3
                && group.start == previous.end + 1
                && (is_space(chars[previous.end].1) || chars[previous.end].1 == '-')
        });
        if !links {
            cards_in_chain(chars, &chain, &mut spans);
            chain.clear();
        }
        chain.push(group);
    }
    cards_in_chain(chars, &chain, &mut spans);
    spans
}

/// Whether the group is glued to a letter (directly or by a hyphen) or follows `+`.
fn touches_identifier(chars: &[(usize, char)], group: Group) -> bool {
    let at = |i: Option<usize>| i.and_then(|i| chars.get(i)).map(|&(_, c)| c);
    let before = at(group.start.checked_sub(1));
    let before_hyphen = at(group.start.checked_sub(2));
    let after = at(Some(group.end));
    let after_hyphen = at(Some(group.end + 1));
    let left = match before {
        Some(c) if c.is_alphanumeric() || c == '+' => true,
        Some('-') => before_hyphen.is_some_and(char::is_alphabetic),
        _ => false,
    };
    let right = match after {
        Some(c) if c.is_alphanumeric() => true,
        Some('-') => after_hyphen.is_some_and(char::is_alphabetic),
        _ => false,
    };
    left || right
}

fn cards_in_chain(chars: &[(usize, char)], chain: &[Group], spans: &mut Vec<Span>) {
    let digits_of = |groups: &[Group]| -> String {
        groups
            .iter()
            .flat_map(|g| chars[g.start..g.end].iter().map(|&(_, c)| c))
            .collect()
    };
    let mut first = 0;
    'from: while first < chain.len() {
        for last in (first..chain.len()).rev() {
            let digits = digits_of(&chain[first..=last]);
            if (13..=19).contains(&digits.len()) && luhn_check_passes(&digits) {
                spans.push(Span {
                    start: chain[first].start,
                    end: chain[last].end,
                    kind: SensitiveKind::CardNumber,
                    last4: last4(&digits),
                });
                first = last + 1;
                continue 'from;
            }
        }
        first += 1;
    }
}

/// The Luhn (mod 10) check of card numbers; `digits` are ASCII digits.
fn luhn_check_passes(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match i % 2 {
                0 => d,
                _ if d * 2 > 9 => d * 2 - 9,
                _ => d * 2,
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests;
