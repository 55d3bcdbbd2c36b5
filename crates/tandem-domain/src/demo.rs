//! The Acme Pay demo personas: customers a visitor of the demo page can pretend to be.
//! The ledger (orders, installments) for them is seeded by the ledger layer.

use crate::{Customer, CustomerId, Language, Market};

/// (id, name, email, market, language)
const PERSONAS: &[(&str, &str, &str, &str, &str)] = &[
    ("cus_anna", "Anna Svensson", "anna@example.com", "SE", "sv"),
    ("cus_erik", "Erik Lindqvist", "erik@example.com", "SE", "sv"),
    ("cus_lena", "Lena Fischer", "lena@example.com", "DE", "de"),
    ("cus_jonas", "Jonas Weber", "jonas@example.com", "DE", "de"),
    (
        "cus_oliver",
        "Oliver Bennett",
        "oliver@example.com",
        "GB",
        "en",
    ),
    ("cus_maya", "Maya Johnson", "maya@example.com", "US", "en"),
    ("cus_daan", "Daan de Vries", "daan@example.com", "NL", "en"),
];

/// The demo customers, in the order the demo page lists them.
pub fn personas() -> Vec<Customer> {
    PERSONAS.iter().map(customer).collect()
}

/// A demo customer from its (id, name, email, market, language) row.
pub(crate) fn customer(row: &(&str, &str, &str, &str, &str)) -> Customer {
    let (id, name, email, market, language) = *row;
    Customer {
        id: CustomerId::parse(id).expect("demo ids are valid"),
        name: name.to_owned(),
        email: email.to_owned(),
        market: Market::parse(market).expect("demo markets are valid"),
        language: Language::parse(language).expect("demo languages are valid"),
    }
}

/// A demo person of the support team: (name, email, role, skills, max chats). All log
/// in with the password `demo`, in demo mode only.
pub const DEMO_AGENTS: &[(&str, &str, &str, &str, u32)] = &[
    (
        "Sara Holm",
        "agent1@acme.test",
        "agent",
        "en,sv,vulnerable",
        3,
    ),
    (
        "Jonas Keller",
        "agent2@acme.test",
        "agent",
        "en,de,disputes",
        3,
    ),
    (
        "Priya Shah",
        "agent3@acme.test",
        "agent",
        "en,fraud,disputes",
        3,
    ),
    (
        "Mikael Berg",
        "agent4@acme.test",
        "supervisor",
        "en,sv,de,fraud,vulnerable,disputes",
        2,
    ),
];

/// The demo team's shared password.
pub const DEMO_AGENT_PASSWORD: &str = "demo";

#[cfg(test)]
mod tests {
    #[test]
    fn personas_are_distinct() {
        let all = super::personas();
        let mut ids: Vec<_> = all.iter().map(|c| c.id.clone()).collect();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
        let markets: std::collections::BTreeSet<_> =
            all.iter().map(|c| c.market.as_str()).collect();
        assert_eq!(markets.len(), 5, "SE, DE, GB, US and NL");
    }
}
