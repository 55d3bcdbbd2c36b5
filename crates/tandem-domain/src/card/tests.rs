use proptest::prelude::*;

use super::*;

/// Masks `input` and expects `expected`; something is found exactly when it changed.
fn check(input: &str, expected: &str) {
    let masked = mask_card_data(input);
    assert_eq!(masked.text, expected, "input: {input:?}");
    assert_eq!(
        masked.found.is_empty(),
        input == expected,
        "found {:?} in {input:?}",
        masked.found
    );
}

#[test]
fn card_numbers_are_masked() {
    let cases = [
        ("4111111111111111", "[card •••• 1111]"),
        (
            "my card is 4111 1111 1111 1111, thanks",
            "my card is [card •••• 1111], thanks",
        ),
        ("4111-1111-1111-1111.", "[card •••• 1111]."),
        ("(5555555555554444)", "([card •••• 4444])"),
        ("kort: 6011 1111 1111 1117!", "kort: [card •••• 1117]!"),
        ("amex 3782 822463 10005", "amex [card •••• 0005]"),
        (
            "old visa 4222 2222 2222 2 ok",
            "old visa [card •••• 2222] ok",
        ),
        (
            "19 digits 4111111111111111110",
            "19 digits [card •••• 1110]",
        ),
        ("4111\u{a0}1111\u{a0}1111\u{a0}1111", "[card •••• 1111]"),
        ("ORD-1001 4111111111111111", "ORD-1001 [card •••• 1111]"),
        ("card_4111111111111111", "card_[card •••• 1111]"),
        // Numbers around the card: the 18 digits fail Luhn, so the 16 are masked.
        (
            "4111 1111 1111 1111 12/27 123",
            "[card •••• 1111] 12/27 123",
        ),
        ("1234 5678 4111111111111111", "1234 5678 [card •••• 1111]"),
        (
            "4111111111111111 and 5555 5555 5555 4444",
            "[card •••• 1111] and [card •••• 4444]",
        ),
    ];
    for (input, expected) in cases {
        check(input, expected);
    }
}

#[test]
fn ibans_are_masked() {
    let cases = [
        ("SE45 5000 0000 0583 9825 7466", "[IBAN •••• 7466]"),
        ("iban: se4550000000058398257466.", "iban: [IBAN •••• 7466]."),
        (
            "DE89 3704 0044 0532 0130 00 thanks",
            "[IBAN •••• 3000] thanks",
        ),
        ("GB82 WEST 1234 5698 7654 32", "[IBAN •••• 5432]"),
        ("Norway: NO93 8601 1117 947", "Norway: [IBAN •••• 7947]"),
        ("FR1420041010050500013M02606", "[IBAN •••• 2606]"),
        // A word after an IBAN joins it only if mod-97 still passes.
        ("SE45 5000 0000 0583 9825 7466 ok", "[IBAN •••• 7466] ok"),
        (
            "SE45 5000 0000 0583 9825 7466 4111 1111 1111 1111",
            "[IBAN •••• 7466] [card •••• 1111]",
        ),
        // A mistyped IBAN fails mod-97, but 16 of its digits pass Luhn: masked anyway.
        (
            "SE45 5000 0000 0583 9825 7467",
            "SE45 5000 [card •••• 7467]",
        ),
    ];
    for (input, expected) in cases {
        check(input, expected);
    }
}

#[test]
fn everyday_numbers_are_kept() {
    let cases = [
        "Order ORD-1001 and ORD-20391 please",
        "Call me on +46 70 123 45 67 or 070-123 45 67",
        "I paid 1 200,00 kr, 1200.00 and €1,299.99",
        "due 2026-11-23, code 482913",
        "short runs 12 345 6789 and 411111111111",
        "not Luhn: 4111111111111112 or 1234 5678 1234 5678",
        "20 digits 00370712345678901234",
        "mod-97 fails: GB82 WEST 1234 5698 7654 33",
        "SE12 is not an IBAN",
    ];
    for input in cases {
        check(input, input);
    }
}

/// Decision: digits glued to letters (directly or through a hyphen) or following `+`
/// are identifiers or phone numbers, not card numbers, even when Luhn-valid.
#[test]
fn identifiers_and_phone_numbers_are_kept() {
    let cases = [
        "A4111111111111111",
        "4111111111111111kr",
        "ORD-4111111111111111",
        "tracking JJD0004111111111111111",
        "+4111111111111111",
    ];
    for input in cases {
        check(input, input);
    }
}

#[test]
fn found_lists_kinds_in_order_of_appearance() {
    let masked = mask_card_data("5555555555554444 or DE89370400440532013000");
    assert_eq!(
        masked.found,
        [SensitiveKind::CardNumber, SensitiveKind::Iban]
    );
    assert!(contains_card_data("pay with 4111 1111 1111 1111"));
    assert!(!contains_card_data("ORD-20391"));
}

// ---- properties ----

/// A Luhn-valid number of 13-19 digits.
fn card_number() -> impl Strategy<Value = String> {
    proptest::collection::vec(0u32..10, 12..=18).prop_map(|payload| {
        let sum: u32 = payload
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &d)| match (i % 2, d * 2) {
                (0, doubled) if doubled > 9 => doubled - 9,
                (0, doubled) => doubled,
                _ => d,
            })
            .sum();
        let check = (10 - sum % 10) % 10;
        payload
            .iter()
            .chain([check].iter())
            .map(|&d| char::from_digit(d, 10).unwrap())
            .collect()
    })
}

/// The number as people type it: compact, in 4s with spaces, dashes or no-break
/// spaces, or 4-6-5 for 15 digits.
fn typed(number: &str, style: usize) -> String {
    let groups: Vec<&str> = if style == 3 && number.len() == 15 {
        vec![&number[..4], &number[4..10], &number[10..]]
    } else {
        (0..number.len())
            .step_by(4)
            .map(|i| &number[i..(i + 4).min(number.len())])
            .collect()
    };
    match style {
        0 => number.to_owned(),
        1 => groups.join(" "),
        2 => groups.join("-"),
        _ => groups.join("\u{a0}"),
    }
}

/// A valid IBAN: random country and BBAN, check digits computed digit by digit.
fn iban() -> impl Strategy<Value = String> {
    ("[A-Z]{2}", "[A-Z0-9]{11,30}").prop_map(|(country, bban)| {
        let digits: String = format!("{bban}{country}00")
            .chars()
            .map(|c| c.to_digit(36).unwrap().to_string())
            .collect();
        let remainder = digits
            .bytes()
            .fold(0u32, |r, b| (r * 10 + u32::from(b - b'0')) % 97);
        format!("{country}{:02}{bban}", 98 - remainder)
    })
}

fn words() -> impl Strategy<Value = String> {
    proptest::collection::vec("[a-zA-Zåäö]{1,8}", 0..4).prop_map(|w| w.join(" "))
}

/// Words, then something that is neither a letter nor a digit.
fn before() -> impl Strategy<Value = String> {
    let leads = prop::sample::select(vec![" ", ": ", " (", "\n", ", ", " \""]);
    (words(), leads).prop_map(|(words, lead)| format!("{words}{lead}"))
}

/// Something that is neither a letter nor a digit nor a space, then words. (A short
/// word after a grouped IBAN and one space would be tried as its last group.)
fn after() -> impl Strategy<Value = String> {
    let tails = prop::sample::select(vec![".", ")", "!", "\n", ", ", "? "]);
    (tails, words()).prop_map(|(tail, words)| format!("{tail}{words}"))
}

fn card_in_text() -> impl Strategy<Value = (String, String, String, String)> {
    (before(), card_number(), 0usize..4, after()).prop_map(|(b, number, style, a)| {
        let typed = typed(&number, style);
        (format!("{b}{typed}{a}"), number, b, a)
    })
}

fn iban_in_text() -> impl Strategy<Value = (String, String, String, String)> {
    (before(), iban(), 0usize..4, after()).prop_map(|(b, iban, style, a)| {
        let grouped = (0..iban.len())
            .step_by(4)
            .map(|i| &iban[i..(i + 4).min(iban.len())])
            .collect::<Vec<_>>()
            .join(" ");
        let typed = match style {
            0 => iban.clone(),
            1 => grouped,
            2 => iban.to_lowercase(),
            _ => grouped.to_lowercase(),
        };
        (format!("{b}{typed}{a}"), iban, b, a)
    })
}

/// Order ids, phone numbers, amounts, dates, codes and words, joined by words or
/// punctuation. (Two bare numbers with one space between are one grouped number.)
fn everyday_text() -> impl Strategy<Value = String> {
    let item = prop_oneof![
        "ORD-[0-9]{4,6}",
        r"\+46 7[0-9] [0-9]{3} [0-9]{2} [0-9]{2}",
        "07[0-9]-[0-9]{3} [0-9]{2} [0-9]{2}",
        "[1-9][0-9]{0,2} [0-9]{3},[0-9]{2} kr",
        r"[1-9][0-9]{0,4}\.[0-9]{2}",
        r"€[1-9][0-9]{0,2},[0-9]{3}\.[0-9]{2}",
        "20[0-9]{2}-[01][0-9]-[0-3][0-9]",
        "[0-9]{6}",
        "[0-9]{1,4}",
        "[a-zA-Zåäö]{1,10}",
    ];
    let joins = prop::sample::select(vec![", ", " and ", "; ", ". ", "\n", " / ", " on "]);
    proptest::collection::vec((item, joins), 1..12).prop_map(|parts| {
        parts
            .into_iter()
            .map(|(item, join)| format!("{item}{join}"))
            .collect()
    })
}

proptest! {
    #[test]
    fn every_card_number_is_masked((text, number, b, a) in card_in_text()) {
        let masked = mask_card_data(&text);
        let last4 = &number[number.len() - 4..];
        prop_assert_eq!(&masked.text, &format!("{b}[card •••• {last4}]{a}"));
        prop_assert_eq!(masked.found, vec![SensitiveKind::CardNumber]);
        let digits: String = masked.text.chars().filter(char::is_ascii_digit).collect();
        prop_assert_eq!(digits, last4);
    }

    #[test]
    fn every_iban_is_masked((text, iban, b, a) in iban_in_text()) {
        let masked = mask_card_data(&text);
        let last4 = &iban[iban.len() - 4..];
        prop_assert_eq!(&masked.text, &format!("{b}[IBAN •••• {last4}]{a}"));
        prop_assert_eq!(masked.found, vec![SensitiveKind::Iban]);
    }

    #[test]
    fn everyday_text_is_kept(text in everyday_text()) {
        let masked = mask_card_data(&text);
        prop_assert_eq!(&masked.text, &text);
        prop_assert!(masked.found.is_empty());
    }

    #[test]
    fn masking_is_idempotent(text in prop_oneof![
        card_in_text().prop_map(|t| t.0),
        iban_in_text().prop_map(|t| t.0),
        everyday_text(),
        r"[0-9 \-]{0,60}",
        r"[0-9A-Za-z +\-.,]{0,60}",
    ]) {
        let once = mask_card_data(&text);
        let twice = mask_card_data(&once.text);
        prop_assert_eq!(&twice.text, &once.text);
        prop_assert!(twice.found.is_empty(), "{:?}", twice.found);
    }
}
