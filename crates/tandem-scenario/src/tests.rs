//! Parsing: a complete inline scenario, defaults, and a table of bad inputs with the error
//! each must give. The public scenario files are parsed by `tests/scenario`.

use std::path::Path;

use tandem_domain::Awaiting;
use tandem_domain::ledger::{DisputeStatus, InstallmentStatus, OrderStatus, Plan, ReturnStatus};
use time::macros::{date, datetime};

use super::*;

/// Every optional part of FORMAT.md used once, amounts and dates left unquoted.
const FULL: &str = r#"
id: full-en
about: Everything once.
tags: [extension, en]
language: en
now: 2026-11-23T10:00:00Z
customer: {id: cus_anna, name: Anna Svensson, email: anna@example.com, market: SE, verified: true}
merchants:
  - {id: m_zal, name: Zalando, return_window_days: 30}
  - {id: m_elg, name: Elgiganten}
orders:
  - id: ORD-1001
    merchant: m_zal
    created_at: 2026-11-01
    delivered_at: 2026-11-03
    currency: SEK
    plan: pay_in_3
    status: active
    extended: true
    installments:
      - {due: 2026-11-01, amount: 400.00, status: paid}
      - {due: 2026-12-01, amount: "400.00", status: overdue}
      - {due: 2026-12-31, amount: "400"}
    items: [{name: Jacket, price: "1200.00"}]
    refunds: [{amount: "100.50", created_at: 2026-11-20}]
    returns: [{reported_at: 2026-11-10}]
    disputes: [{reason: faulty_item, opened_at: 2026-11-12}]
    fees: [{kind: late_fee, amount: "5.00"}, {kind: reminder_fee, amount: "60", waived: true}]
  - id: ORD-1002
    merchant: m_elg
    created_at: 2026-11-05
    delivered_at: null
    currency: SEK
    plan: financing
    status: disputed
    installments: [{due: 2026-12-05, amount: "100.00", status: paused}]
    returns: [{reported_at: 2026-11-06, paused_until: 2026-12-01, status: registered_by_merchant}]
    disputes: [{reason: not_received, status: waiting_merchant, opened_at: 2026-11-07, details: never came}]
other_customers:
  - customer: {id: cus_other, name: Olle Other, email: olle@example.com, market: DE, language: de}
    orders:
      - {id: ORD-2001, merchant: m_zal, created_at: 2026-11-15, currency: EUR, plan: pay_in_30,
         status: active, installments: [{due: 2026-12-16, amount: "99.90", status: scheduled}]}
customer_says: ["hi", "ok"]
knows: {confirm: yes, otp: auto, order: ORD-1001, email: anna@example.com}
expect:
  handoff: no
  actions: [{tool: extend_due_date, order: ORD-1001}, {tool: request_account_deletion}]
  not_actions: [open_dispute]
  state:
    - {order: ORD-1001, installment: 3, due: 2027-01-10, status: scheduled}
    - {order: ORD-1002, installment: 1}
  reply_contains: [thanks]
"#;

fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    parse_scenario(Path::new("inline.yaml"), text)
}

#[test]
fn parses_every_part_of_the_format() {
    let s = parse(FULL).unwrap();
    assert_eq!(
        (s.id.as_str(), s.group(), s.language.as_str()),
        ("full-en", "extension", "en")
    );
    assert_eq!(s.now, datetime!(2026-11-23 10:00:00 UTC));
    assert!(s.verified);
    assert_eq!(
        s.customer.language.as_str(),
        "en",
        "the speaker speaks the scenario's language"
    );
    assert_eq!(s.merchants[1].return_window_days, 30, "default window");
    assert_eq!(s.merchants[1].support_email, "support@m_elg.example");

    let o = &s.orders[0];
    assert_eq!(
        (o.plan, o.status, o.extended),
        (Plan::PayIn3, OrderStatus::Active, true)
    );
    assert_eq!(o.customer, s.customer.id);
    let amounts: Vec<i64> = o.installments.iter().map(|i| i.amount.minor()).collect();
    assert_eq!(
        amounts,
        [40_000, 40_000, 40_000],
        "unquoted 400.00 is the text, not a float"
    );
    let seqs: Vec<u32> = o.installments.iter().map(|i| i.seq).collect();
    assert_eq!(seqs, [1, 2, 3]);
    assert_eq!(
        o.installments[2].status,
        InstallmentStatus::Scheduled,
        "default status"
    );
    assert_eq!(o.refunds[0].amount.minor(), 10_050);
    assert_eq!(
        o.returns[0].paused_until,
        date!(2026 - 12 - 01),
        "21 days after the report"
    );
    assert_eq!(o.returns[0].status, ReturnStatus::Reported);
    assert_eq!(o.disputes[0].status, DisputeStatus::Open);
    assert!(!o.fees[0].waived && o.fees[1].waived);
    assert_eq!(o.items[0].price.minor(), 120_000);
    assert_eq!(s.orders[1].delivered_at, None);
    assert_eq!(
        s.orders[1].disputes[0].details.as_deref(),
        Some("never came")
    );

    let other = &s.other_customers[0];
    assert_eq!(other.customer.language.as_str(), "de");
    assert_eq!(other.orders[0].customer, other.customer.id);
    assert_eq!(other.orders[0].currency.code(), "EUR");
    assert_eq!(s.all_orders().count(), 3);

    assert_eq!(s.knows.get(Awaiting::Otp), Some(&Answer::OtpFromMailbox));
    assert_eq!(
        s.knows.get(Awaiting::Confirm),
        Some(&Answer::Text("yes".into()))
    );
    assert_eq!(s.knows.get(Awaiting::Reason), None);

    let e = &s.expect;
    assert_eq!(
        e.handoff,
        HandoffExpectation::No,
        "unquoted no is the word, not a bool"
    );
    assert_eq!(e.max_turns, DEFAULT_MAX_TURNS);
    assert_eq!(e.actions[1].order, None);
    assert_eq!(e.state[0].due, Some(date!(2027 - 01 - 10)));
    assert_eq!((e.state[1].due, e.state[1].status), (None, None));
}

/// (what to replace in FULL, with what, the error's end).
const BAD: &[(&str, &str, &str)] = &[
    (
        r#"amount: "400.00", status: overdue"#,
        r#"amount: "12,00""#,
        r#"inline.yaml: orders[0].installments[1].amount: "12,00" is not a decimal amount"#,
    ),
    (
        "amount: \"100.00\", status: paused",
        "amount: \"1.005\"",
        r#"orders[1].installments[0].amount: "1.005" has more than 2 decimals for SEK"#,
    ),
    (
        "created_at: 2026-11-05",
        "created_at: 5 Nov 2026",
        r#"orders[1].created_at: "5 Nov 2026" is not a date like 2026-11-23"#,
    ),
    (
        "plan: financing",
        "plan: pay_in_5",
        r#"orders[1].plan: "pay_in_5" is not one of pay_in_30, pay_in_3, pay_in_4, financing"#,
    ),
    (
        "merchant: m_elg",
        "merchant: m_nope",
        "orders[1].merchant: m_nope is not one of the scenario's merchants",
    ),
    (
        "id: ORD-1002",
        "id: ORD-1001",
        "orders[1].id: ORD-1001 is used twice",
    ),
    (
        "id: ORD-2001",
        "id: ORD-1001",
        "other_customers[0].orders[0].id: ORD-1001 is used twice",
    ),
    (
        "id: cus_other",
        "id: cus_anna",
        "other_customers[0].customer.id: cus_anna is used twice",
    ),
    (
        "{id: m_elg, name: Elgiganten}",
        "{id: m_zal, name: Z2}",
        "merchants[1].id: m_zal is listed twice",
    ),
    (
        "currency: EUR",
        "currency: EURO",
        r#"other_customers[0].orders[0].currency: "EURO" is not an ISO 4217 code"#,
    ),
    (
        "market: SE",
        "market: Sweden",
        r#"customer.market: "Sweden" is not a two-letter country code"#,
    ),
    (
        "email: anna@example.com, market",
        "email: anna, market",
        r#"customer.email: "anna" is not an email address"#,
    ),
    (
        "language: en\n",
        "language: english\n",
        r#"language: "english" is not a language tag"#,
    ),
    (
        "now: 2026-11-23T10:00:00Z",
        "now: 2026-11-23",
        r#"now: "2026-11-23" is not an RFC 3339 time"#,
    ),
    (
        "id: full-en",
        "id: full en",
        r#"id: "full en" must not contain spaces"#,
    ),
    (
        "handoff: no",
        "handoff: maybe",
        r#"expect.handoff: "maybe" is not one of no, yes, any"#,
    ),
    (
        "handoff: no",
        "handoff: no\n  handoff_reason: fraud",
        "expect.handoff_reason: must be null when expect.handoff is no",
    ),
    (
        "handoff: no",
        "handoff: yes\n  handoff_reason: boredom",
        r#"expect.handoff_reason: "boredom" is not one of human_request"#,
    ),
    (
        "tool: extend_due_date",
        "tool: extend",
        r#"expect.actions[0].tool: "extend" is not one of lookup_orders"#,
    ),
    (
        "[open_dispute]",
        "[open_disput]",
        r#"expect.not_actions[0]: "open_disput" is not one of"#,
    ),
    (
        "order: ORD-1001, installment: 3",
        "order: ORD-2001, installment: 3",
        "expect.state[0].order: ORD-2001 is not one of the customer's orders",
    ),
    (
        "installment: 3",
        "installment: 4",
        "expect.state[0].installment: ORD-1001 has no installment 4",
    ),
    (
        "status: scheduled}\n    - {order",
        "status: done}\n    - {order",
        r#"expect.state[0].status: "done" is not one of scheduled, paid, overdue, paused"#,
    ),
    (
        "otp: auto",
        "pin: 1234",
        r#"knows.pin: "pin" is not one of confirm, order, email"#,
    ),
    (
        "kind: late_fee",
        "kind: fine",
        r#"orders[0].fees[0].kind: "fine" is not one of late_fee, reminder_fee"#,
    ),
    (
        "reason: faulty_item",
        "reason: meh",
        r#"orders[0].disputes[0].reason: "meh" is not one of"#,
    ),
    (
        r#"customer_says: ["hi", "ok"]"#,
        "customer_says: []",
        "customer_says: needs at least the opening line",
    ),
    (
        "installments: [{due: 2026-12-05, amount: \"100.00\", status: paused}]",
        "installments: []",
        "orders[1].installments: an order needs at least one installment",
    ),
    // Shape errors come from the YAML reader, with the path and the position.
    ("extended: true", "extendd: true", "unknown field `extendd`"),
    (
        "    plan: financing\n",
        "",
        "orders[1]: missing field `plan`",
    ),
    (
        "return_window_days: 30",
        "return_window_days: thirty",
        "merchants[0].return_window_days: invalid type",
    ),
];

#[test]
fn bad_inputs_name_the_file_and_the_field() {
    for (from, to, want) in BAD {
        assert!(FULL.contains(from), "case {from:?} does not apply to FULL");
        let text = FULL.replacen(from, to, 1);
        let err = parse(&text).expect_err(want).to_string();
        assert!(err.starts_with("inline.yaml: "), "{err}");
        assert!(err.contains(want), "want {want:?}\n got {err:?}");
    }
}

#[test]
fn load_dir_reads_yaml_recursively_in_path_order_and_refuses_duplicate_ids() {
    let dir = std::env::temp_dir().join(format!("tandem-scenario-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("b/nested")).unwrap();
    let write = |path: &str, id: &str| {
        std::fs::write(
            dir.join(path),
            FULL.replacen("id: full-en", &format!("id: {id}"), 1),
        )
        .unwrap()
    };
    write("b/nested/z.yaml", "three");
    write("a.yaml", "one");
    write("b/c.yaml", "two");
    std::fs::write(dir.join("notes.txt"), "not a scenario").unwrap();
    std::fs::write(dir.join("b/skip.yml"), "only .yaml counts").unwrap();
    let ids: Vec<String> = load_dir(&dir).unwrap().into_iter().map(|s| s.id).collect();
    assert_eq!(ids, ["one", "two", "three"]);

    write("b/nested/dup.yaml", "two");
    let err = load_dir(&dir).unwrap_err().to_string();
    assert!(
        err.contains("scenario id \"two\" is used by") && err.contains("c.yaml"),
        "{err}"
    );

    let missing = load_dir(&dir.join("nope")).unwrap_err().to_string();
    assert!(missing.contains("nope: cannot read"), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}
