//! Every public scenario file parses, and the parsed values are the ones written.

use tandem_scenario::HandoffExpectation;

use crate::public_scenarios;

#[test]
fn every_public_scenario_parses() {
    let Some(scenarios) = public_scenarios() else {
        return;
    };
    for s in &scenarios {
        assert!(
            s.file.file_stem().is_some_and(|stem| stem == s.id.as_str()),
            "{}: id {} differs from the file name",
            s.file.display(),
            s.id
        );
        assert!(!s.customer_says.is_empty());
        assert_eq!(s.customer.language, s.language, "{}", s.id);
        for order in s.all_orders() {
            assert!(!order.installments.is_empty(), "{}: {}", s.id, order.id);
        }
    }
    eprintln!("parsed {} public scenarios", scenarios.len());
}

#[test]
fn public_values_are_read_as_written() {
    let Some(scenarios) = public_scenarios() else {
        return;
    };
    let Some(extend) = scenarios.iter().find(|s| s.id == "extend-basic-en") else {
        panic!("extend-basic-en is one of the public scenarios");
    };
    assert_eq!(extend.orders[0].total().to_string(), "1200.00 SEK");
    assert_eq!(extend.expect.handoff, HandoffExpectation::No);
    assert_eq!(
        extend.expect.state[0].due.map(|d| d.to_string()).as_deref(),
        Some("2026-12-13")
    );
    let foreign = scenarios
        .iter()
        .find(|s| s.id == "foreign-order-en")
        .expect("foreign-order-en");
    assert_eq!(
        foreign.other_customers[0].orders[0].customer.as_str(),
        "cus_other"
    );
}
