//! The demo's customers (the personas of [`crate::demo`] first) and merchants.

use crate::ledger::{Merchant, MerchantId};
use crate::{Customer, demo};

/// (id, name, email, market, language): customers beyond the personas.
const MORE_CUSTOMERS: &[(&str, &str, &str, &str, &str)] = &[
    ("cus_sofia", "Sofia Berg", "sofia@example.com", "SE", "sv"),
    (
        "cus_johan",
        "Johan Nilsson",
        "johan@example.com",
        "SE",
        "sv",
    ),
    ("cus_elin", "Elin Karlsson", "elin@example.com", "SE", "sv"),
    ("cus_oskar", "Oskar Holm", "oskar@example.com", "SE", "sv"),
    ("cus_maja", "Maja Ek", "maja@example.com", "SE", "sv"),
    ("cus_lars", "Lars Nyström", "lars@example.com", "SE", "sv"),
    ("cus_lukas", "Lukas Becker", "lukas@example.com", "DE", "de"),
    ("cus_mia", "Mia Schneider", "mia@example.com", "DE", "de"),
    ("cus_felix", "Felix Wagner", "felix@example.com", "DE", "de"),
    (
        "cus_hannah",
        "Hannah Schulz",
        "hannah@example.com",
        "DE",
        "de",
    ),
    ("cus_paul", "Paul Hoffmann", "paul@example.com", "DE", "de"),
    ("cus_emma", "Emma Clarke", "emma@example.com", "GB", "en"),
    ("cus_harry", "Harry Patel", "harry@example.com", "GB", "en"),
    (
        "cus_amelia",
        "Amelia Wright",
        "amelia@example.com",
        "GB",
        "en",
    ),
    (
        "cus_george",
        "George Evans",
        "george@example.com",
        "GB",
        "en",
    ),
    ("cus_isla", "Isla Murphy", "isla@example.com", "GB", "en"),
    ("cus_mike", "Mike Ortiz", "mike@example.com", "US", "en"),
    ("cus_ava", "Ava Martinez", "ava@example.com", "US", "en"),
    ("cus_ethan", "Ethan Brooks", "ethan@example.com", "US", "en"),
    ("cus_chloe", "Chloe Nguyen", "chloe@example.com", "US", "en"),
    ("cus_noah", "Noah Kim", "noah@example.com", "US", "en"),
    ("cus_sanne", "Sanne Jansen", "sanne@example.com", "NL", "en"),
    ("cus_lotte", "Lotte Bakker", "lotte@example.com", "NL", "en"),
    ("cus_bram", "Bram Visser", "bram@example.com", "NL", "en"),
    ("cus_fleur", "Fleur Smit", "fleur@example.com", "NL", "en"),
];

/// The personas (in the demo page's order), then the other demo customers.
pub(super) fn customers() -> Vec<Customer> {
    let more = MORE_CUSTOMERS.iter().map(demo::customer);
    demo::personas().into_iter().chain(more).collect()
}

/// (id, name, return window in days). Support addresses are `support@<name>.example`
/// with the name's letters and digits only (`support@hm.example` for H&M).
const MERCHANTS: &[(&str, &str, u16)] = &[
    ("m_zal", "Zalando", 30),
    ("m_hm", "H&M", 30),
    ("m_ikea", "IKEA", 60),
    ("m_elg", "Elgiganten", 30),
    ("m_apple", "Apple", 14),
    ("m_nike", "Nike", 60),
    ("m_otto", "Otto", 30),
    ("m_mm", "MediaMarkt", 30),
    ("m_asos", "ASOS", 30),
    ("m_argos", "Argos", 30),
    ("m_bestbuy", "Best Buy", 14),
    ("m_bol", "bol.com", 30),
    ("m_coolblue", "Coolblue", 30),
    ("m_nordic", "Nordic Outdoor", 60),
    ("m_stadtrad", "Stadtrad Berlin", 14),
];

pub(super) fn merchants() -> Vec<Merchant> {
    MERCHANTS
        .iter()
        .map(|(id, name, window)| Merchant {
            id: MerchantId::parse(id).expect("demo merchant ids are valid"),
            name: (*name).to_owned(),
            support_email: format!("support@{}.example", slug(name)),
            return_window_days: *window,
        })
        .collect()
}

fn slug(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
