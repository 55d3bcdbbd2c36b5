//! The agent's models with the real sentence encoder (fetched by `scripts/test`):
//! contact reasons in three languages and hybrid help-centre retrieval.

use std::sync::{Arc, OnceLock};

use tandem_agent::kb::HelpCentre;
use tandem_agent::language::Lang;
use tandem_agent::understanding::{Intent, Understanding};

fn loaded() -> &'static (Arc<Understanding>, Arc<HelpCentre>) {
    static LOADED: OnceLock<(Arc<Understanding>, Arc<HelpCentre>)> = OnceLock::new();
    LOADED.get_or_init(|| {
        let (nlu, kb) = tandem_agent::setup::load(&tandem_agent::setup::Options::default())
            .expect("the agent loads");
        assert!(
            nlu.encoder().is_some(),
            "the sentence encoder is missing: run `cargo run -- nlu fetch`"
        );
        (nlu, kb)
    })
}

#[test]
fn contact_reasons_in_english_swedish_and_german() {
    let (nlu, _) = loaded();
    let cases = [
        (
            "could I get a few more days to pay my invoice?",
            Intent::Extension,
        ),
        (
            "kan jag få lite mer tid att betala fakturan?",
            Intent::Extension,
        ),
        (
            "Kann ich die Zahlung ein paar Tage später machen?",
            Intent::Extension,
        ),
        (
            "I sent the shoes back to the shop last week",
            Intent::Return,
        ),
        ("jag har returnerat skorna till butiken", Intent::Return),
        ("Ich habe die Schuhe zurückgeschickt", Intent::Return),
        (
            "the parcel never arrived and the shop doesn't answer",
            Intent::Dispute,
        ),
        (
            "has the refund from the shop come through yet?",
            Intent::RefundStatus,
        ),
        (
            "har butiken betalat tillbaka pengarna än?",
            Intent::RefundStatus,
        ),
        (
            "why was my card declined at checkout",
            Intent::PaymentDeclined,
        ),
        ("please close my account", Intent::AccountDeletion),
        ("jag vill avsluta mitt konto", Intent::AccountDeletion),
        ("warum habe ich eine Mahngebühr bekommen?", Intent::Fees),
        ("thank you so much!", Intent::Thanks),
        ("tack så mycket", Intent::Thanks),
    ];
    let mut wrong = Vec::new();
    for (text, want) in cases {
        let embedding = nlu.embed(text);
        let got = nlu.classify(text, embedding.as_deref())[0];
        if got.0 != want {
            wrong.push((text, want, got));
        }
    }
    // A model, not a lookup table: at most one miss in fifteen.
    assert!(wrong.len() <= 1, "{wrong:#?}");
}

#[test]
fn confidences_are_probabilities_ranked_high_to_low() {
    let (nlu, _) = loaded();
    let text = "I want to talk to a real person";
    let ranked = nlu.classify(text, nlu.embed(text).as_deref());
    assert_eq!(ranked[0].0, Intent::HumanRequest);
    assert!(ranked.windows(2).all(|w| w[0].1 >= w[1].1));
    assert!(ranked.iter().all(|(_, c)| (0.0..=1.0).contains(c)));
}

#[test]
fn hybrid_retrieval_finds_the_article_in_each_language() {
    let (nlu, kb) = loaded();
    assert!(kb.is_hybrid());
    let cases = [
        (
            Lang::En,
            "how long until the money is back on my card after a refund",
            "refund-status",
        ),
        (
            Lang::En,
            "is it possible to delay my payment",
            "extend-due-date",
        ),
        (
            Lang::Sv,
            "hur lång tid tar det innan jag får tillbaka pengarna",
            "refund-status",
        ),
        (
            Lang::Sv,
            "hur gör jag för att ta bort mitt konto",
            "delete-account",
        ),
        (
            Lang::De,
            "Wie lange dauert die Rückerstattung?",
            "refund-status",
        ),
        (
            Lang::De,
            "Wie lange ist der Einmalcode gültig?",
            "verify-identity",
        ),
    ];
    for (lang, query, want) in cases {
        let hits = kb.search(query, nlu.embed(query).as_deref(), lang, 3);
        let found: Vec<&str> = hits.iter().map(|h| h.article.id.as_str()).collect();
        assert!(found.contains(&want), "{query}: {found:?}");
        assert!(hits[0].similarity.is_some());
    }
}
