//! Loading what the agent needs: the sentence encoder (or lexical-only mode, loudly), the
//! contact-reason model and the help centre.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tandem_nlu::{Locate, Quiet};

use crate::kb::{self, HelpCentre, KbError};
use crate::understanding::{Understanding, default_cache_dir};

/// Where things are.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The encoder's directory; `None`: the default (fetched there if missing).
    pub encoder_dir: Option<PathBuf>,
    /// A help centre directory instead of the built-in Acme Pay one.
    pub kb_dir: Option<PathBuf>,
    /// Where trained models are cached; `None`: `$XDG_CACHE_HOME/tandem`.
    pub cache_dir: Option<PathBuf>,
    /// Skip the encoder on purpose (TF-IDF and BM25 only).
    pub lexical_only: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("the contact-reason model: {0}")]
    Understanding(#[from] tandem_nlu::NluError),
    #[error("the help centre: {0}")]
    Kb(#[from] KbError),
}

/// The models and the help centre. CPU-heavy on the first start (training, embedding),
/// so call it off the async runtime.
pub fn load(options: &Options) -> Result<(Arc<Understanding>, Arc<HelpCentre>), SetupError> {
    let encoder = if options.lexical_only {
        tracing::warn!("LEXICAL-ONLY MODE chosen: the agent understands with TF-IDF and BM25 only");
        None
    } else {
        tandem_nlu::encoder_or_warn(&Locate::new(options.encoder_dir.clone())).map(Arc::new)
    };
    let cache = options.cache_dir.clone().unwrap_or_else(default_cache_dir);
    let nlu = Understanding::load(encoder, &cache)?;
    let articles = match &options.kb_dir {
        Some(dir) => kb::read_dir(dir)?,
        None => kb::builtin(),
    };
    let kb = HelpCentre::build(articles, nlu.encoder(), &Quiet)?;
    // The first pass through the encoder, the classifier and the search index allocates
    // buffers and fills caches; let no customer wait for that.
    for (text, lang) in [
        (
            "how long do refunds take after a return?",
            crate::language::Lang::En,
        ),
        (
            "hur lång tid tar en återbetalning?",
            crate::language::Lang::Sv,
        ),
        (
            "wie lange dauert eine Erstattung?",
            crate::language::Lang::De,
        ),
    ] {
        let embedding = nlu.embed(text);
        let _ = nlu.classify(text, embedding.as_deref());
        let _ = kb.search(text, embedding.as_deref(), lang, 3);
        // The rules' patterns compile on first use.
        let _ = crate::signals::detect(text);
        let _ = crate::language::detect(text);
        let _ = tandem_domain::card::mask_card_data(text);
        let _ = (
            crate::entities::order_ids(text),
            crate::entities::email(text),
            crate::entities::one_time_code(text),
            crate::entities::yes_no(text),
            crate::entities::amounts(text),
            crate::entities::dispute_reason(text),
            crate::entities::merchants(text, &["Zalando"]),
        );
    }
    Ok((Arc::new(nlu), Arc::new(kb)))
}

/// Checks a help-centre directory and reports what it holds: the work `tandem kb import`
/// does before copying it into place.
pub fn check_kb(dir: &Path) -> Result<Vec<kb::Article>, KbError> {
    kb::read_dir(dir)
}
