//! Acme Pay's contact-reason model: trained from the project's own labelled examples in
//! en, sv and de (`data/intents/*.csv`), on the shared sentence encoder when it is there,
//! TF-IDF only otherwise. Training takes seconds; the result is cached on disk by a hash
//! of the data, so later starts load it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use tandem_nlu::{Classifier, Encoder, Example, NluError, Quiet, TrainOptions};

const DATA: [&str; 3] = [
    include_str!("../data/intents/en.csv"),
    include_str!("../data/intents/sv.csv"),
    include_str!("../data/intents/de.csv"),
];

/// Why a customer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Intent {
    Extension,
    Return,
    Dispute,
    RefundStatus,
    PayNow,
    PaymentDeclined,
    AccountDeletion,
    Fees,
    HumanRequest,
    Fraud,
    Vulnerability,
    Complaint,
    GeneralQuestion,
    Greeting,
    Thanks,
    Goodbye,
    Other,
}

impl Intent {
    pub const ALL: [Intent; 17] = [
        Intent::Extension,
        Intent::Return,
        Intent::Dispute,
        Intent::RefundStatus,
        Intent::PayNow,
        Intent::PaymentDeclined,
        Intent::AccountDeletion,
        Intent::Fees,
        Intent::HumanRequest,
        Intent::Fraud,
        Intent::Vulnerability,
        Intent::Complaint,
        Intent::GeneralQuestion,
        Intent::Greeting,
        Intent::Thanks,
        Intent::Goodbye,
        Intent::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Extension => "extension",
            Intent::Return => "return",
            Intent::Dispute => "dispute",
            Intent::RefundStatus => "refund_status",
            Intent::PayNow => "pay_now",
            Intent::PaymentDeclined => "payment_declined",
            Intent::AccountDeletion => "account_deletion",
            Intent::Fees => "fees",
            Intent::HumanRequest => "human_request",
            Intent::Fraud => "fraud",
            Intent::Vulnerability => "vulnerability",
            Intent::Complaint => "complaint",
            Intent::GeneralQuestion => "general_question",
            Intent::Greeting => "greeting",
            Intent::Thanks => "thanks",
            Intent::Goodbye => "goodbye",
            Intent::Other => "other",
        }
    }

    pub fn parse(label: &str) -> Option<Intent> {
        Intent::ALL.into_iter().find(|i| i.as_str() == label)
    }

    /// Words for the handoff summary.
    pub fn describe(self) -> &'static str {
        match self {
            Intent::Extension => "more time to pay (extension)",
            Intent::Return => "a return",
            Intent::Dispute => "a dispute with a merchant",
            Intent::RefundStatus => "refund status",
            Intent::PayNow => "paying now",
            Intent::PaymentDeclined => "a declined payment",
            Intent::AccountDeletion => "account deletion",
            Intent::Fees => "fees",
            Intent::HumanRequest => "asked for a person",
            Intent::Fraud => "fraud or an unauthorized purchase",
            Intent::Vulnerability => "financial or personal hardship",
            Intent::Complaint => "a complaint",
            Intent::GeneralQuestion => "a general question",
            Intent::Greeting | Intent::Thanks | Intent::Goodbye | Intent::Other => "not yet clear",
        }
    }
}

/// The labelled examples the model is trained on.
pub fn training_examples() -> Result<Vec<Example>, String> {
    let mut all = Vec::new();
    for (i, data) in DATA.iter().enumerate() {
        let rows = tandem_nlu::dataset::parse_csv(data.as_bytes())
            .map_err(|e| format!("intents file {i}: {e}"))?;
        for row in &rows {
            if Intent::parse(&row.label).is_none() {
                return Err(format!("intents file {i}: unknown label `{}`", row.label));
            }
        }
        all.extend(rows);
    }
    Ok(all)
}

/// The encoder (if any) and the contact-reason model.
pub struct Understanding {
    encoder: Option<Arc<Encoder>>,
    intents: Classifier,
}

impl std::fmt::Debug for Understanding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Understanding")
            .field("encoder", &self.encoder.is_some())
            .finish_non_exhaustive()
    }
}

/// `$XDG_CACHE_HOME/tandem`, else `~/.cache/tandem`.
pub fn default_cache_dir() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("tandem")
}

impl Understanding {
    /// Loads the cached model for this data and encoder, or trains and caches it.
    pub fn load(encoder: Option<Arc<Encoder>>, cache_dir: &Path) -> Result<Self, NluError> {
        let mut hash = Sha256::new();
        for data in DATA {
            hash.update(data.as_bytes());
        }
        // v2: messages embedded cut to QUERY_TOKENS with the mixed-precision encoder.
        hash.update(if encoder.is_some() {
            b"joint-v2"
        } else {
            b"lexic-v1"
        });
        if let Some(e) = &encoder {
            hash.update(e.dir().to_string_lossy().as_bytes());
        }
        let dir = cache_dir.join(format!("intents-{}", &hex::encode(hash.finalize())[..16]));
        if let Ok(intents) = Classifier::load(&dir) {
            return Ok(Self { encoder, intents });
        }
        let examples = training_examples().map_err(NluError::Training)?;
        let options = TrainOptions {
            holdout: 0.1,
            ..TrainOptions::default()
        };
        let started = std::time::Instant::now();
        let (intents, report) = Classifier::train(&examples, encoder.as_deref(), &options, &Quiet)?;
        tracing::info!(
            examples = report.examples,
            holdout_accuracy = report.holdout_accuracy,
            seconds = started.elapsed().as_secs_f64(),
            "contact-reason model trained"
        );
        // A cache that cannot be written only costs the next start a few seconds.
        if let Err(e) = save_atomically(&intents, &dir) {
            tracing::warn!(error = %e, dir = %dir.display(), "could not cache the contact-reason model");
        }
        Ok(Self { encoder, intents })
    }

    pub fn encoder(&self) -> Option<&Encoder> {
        self.encoder.as_deref()
    }

    /// The message's sentence embedding, cut like the classifier's training messages
    /// (`None` in lexical-only mode or on failure).
    pub fn embed(&self, text: &str) -> Option<Vec<f32>> {
        let encoder = self.encoder.as_ref()?;
        match encoder.embed_queries(&[text]) {
            Ok(mut v) => v.pop(),
            Err(e) => {
                tracing::warn!(error = %e, "embedding failed; using lexical features");
                None
            }
        }
    }

    /// Contact reasons with calibrated confidences, most likely first.
    pub fn classify(&self, text: &str, embedding: Option<&[f32]>) -> Vec<(Intent, f32)> {
        self.intents
            .predict(text, embedding, 3)
            .into_iter()
            .filter_map(|p| Some((Intent::parse(&p.label)?, p.confidence)))
            .collect()
    }
}

fn save_atomically(classifier: &Classifier, dir: &Path) -> Result<(), NluError> {
    let staging = dir.with_extension(format!("tmp-{}", std::process::id()));
    classifier.save(&staging)?;
    match std::fs::rename(&staging, dir) {
        Ok(()) => Ok(()),
        // Another process cached the same model first.
        Err(_) if dir.exists() => {
            let _ = std::fs::remove_dir_all(&staging);
            Ok(())
        }
        Err(source) => Err(NluError::Io {
            path: dir.to_owned(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_training_data_covers_every_intent_in_every_language() {
        for (i, data) in DATA.iter().enumerate() {
            let rows = tandem_nlu::dataset::parse_csv(data.as_bytes()).unwrap();
            assert!(rows.len() >= 300, "file {i}: {}", rows.len());
            for intent in Intent::ALL {
                let n = rows.iter().filter(|r| r.label == intent.as_str()).count();
                assert!(n >= 15, "file {i}: {} has {n}", intent.as_str());
            }
        }
        assert!(training_examples().is_ok());
    }

    #[test]
    fn the_lexical_model_learns_the_contact_reasons() {
        let dir = tempfile::tempdir().unwrap();
        let nlu = Understanding::load(None, dir.path()).unwrap();
        let cases = [
            ("can I get more time to pay my order", Intent::Extension),
            ("where is my refund", Intent::RefundStatus),
            ("jag vill skjuta upp min betalning", Intent::Extension),
            ("Ich möchte mein Konto löschen", Intent::AccountDeletion),
            ("hej", Intent::Greeting),
        ];
        for (text, want) in cases {
            assert_eq!(nlu.classify(text, None)[0].0, want, "{text}");
        }
        // The second load comes from the cache.
        assert!(std::fs::read_dir(dir.path()).unwrap().count() == 1);
        let again = Understanding::load(None, dir.path()).unwrap();
        assert_eq!(
            again.classify("where is my refund", None)[0].0,
            Intent::RefundStatus
        );
    }
}
