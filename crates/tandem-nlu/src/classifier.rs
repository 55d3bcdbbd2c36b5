//! The contact-reason classifier: one linear model over frozen MiniLM embeddings joined
//! with TF-IDF features (measured on Banking77 to beat either alone; see
//! docs/benchmarks.md), plus a TF-IDF-only model for lexical-only mode. Confidences are
//! temperature-scaled on held-out data so they can drive answer / clarify / hand off.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::dataset::{Example, stratified_split};
use crate::encoder::{EmbeddingSpec, Encoder};
use crate::linear::{Features, Sgd, Softmax, fit_temperature, softmax};
use crate::metrics::{accuracy, macro_f1};
use crate::tfidf::Tfidf;
use crate::tune::{TuneOptions, Tuned, fine_tune};
use crate::{NluError, Progress};

/// Format 2 records which encoder features a model reads; format 1 files (the sentence
/// embedding alone) load as that. Format 3 carries its own fine-tuned encoder; models
/// without one are still written as format 2, so older readers keep reading them.
const FORMAT: u32 = 3;
const FORMAT_FROZEN: u32 = 2;
const META: &str = "classifier.json";
const WEIGHTS: &str = "weights.safetensors";
/// The fine-tuned encoder's model directory, inside the classifier's.
const TUNED: &str = "encoder";
/// The shares of the TF-IDF model's scores tried on top of a fine-tuned head's.
const LEXICAL_SHARES: [f32; 6] = [0.125, 0.25, 0.5, 1.0, 2.0, 4.0];

/// One label with its calibrated probability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    pub label: String,
    pub confidence: f32,
}

/// Training settings; the defaults are the ones measured on Banking77.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Share of each label held out to measure accuracy and calibrate confidences.
    pub holdout: f64,
    pub seed: u64,
    pub epochs: usize,
    /// Terms must occur in this many training texts to become features.
    pub min_df: usize,
    /// Weight of the standardised embedding block against the unit-length TF-IDF row.
    pub dense_weight: f32,
    /// What the encoder contributes.
    pub embedding: EmbeddingSpec,
    /// Fine-tune the encoder's layers on the training part first (the classifier then
    /// carries its own encoder); `None` keeps the encoder frozen.
    pub tune: Option<TuneOptions>,
    /// With fine-tuning: once the held-out part has chosen the blend and calibrated the
    /// confidences, tune again on every example (twice the time; a frozen encoder's
    /// model is always refitted, which costs little).
    pub refit_tuned: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            holdout: 0.1,
            seed: 42,
            epochs: 60,
            min_df: 2,
            dense_weight: 0.1,
            embedding: EmbeddingSpec::default(),
            tune: None,
            refit_tuned: false,
        }
    }
}

/// What training measured on the held-out part.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    pub examples: usize,
    pub labels: usize,
    pub holdout_examples: usize,
    /// Accuracy of the model that will answer (joint when an encoder was given).
    pub holdout_accuracy: Option<f64>,
    pub holdout_macro_f1: Option<f64>,
    /// Accuracy of the TF-IDF-only model (lexical-only mode).
    pub lexical_holdout_accuracy: Option<f64>,
    pub uses_encoder: bool,
    /// Seconds spent fine-tuning the encoder (0 when it stayed frozen).
    pub tune_seconds: f64,
    /// With fine-tuning: how much the TF-IDF model's scores add to the head's, as chosen
    /// on the held-out part.
    pub lexical_share: Option<f32>,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Dense {
    /// How the features were made (absent in models from before it could be chosen).
    #[serde(default)]
    spec: EmbeddingSpec,
    mean: Vec<f32>,
    std: Vec<f32>,
    weight: f32,
    temperature: f32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Meta {
    format: u32,
    labels: Vec<String>,
    tfidf: Tfidf,
    lexical_temperature: f32,
    /// Present when trained with an encoder.
    dense: Option<Dense>,
    /// True when the model carries its own fine-tuned encoder in `encoder/`.
    #[serde(default)]
    tuned: bool,
}

/// A trained classifier.
#[derive(Debug, Clone)]
pub struct Classifier {
    meta: Meta,
    lexical: Softmax,
    joint: Option<Softmax>,
    /// The fine-tuned encoder the joint model reads, when it was trained with one.
    tuned: Option<Arc<Encoder>>,
}

struct Fitted {
    tfidf: Tfidf,
    lexical: Softmax,
    joint: Option<(Softmax, Vec<f32>, Vec<f32>)>,
}

fn standardise(vectors: &[&[f32]]) -> (Vec<f32>, Vec<f32>) {
    let dim = vectors.first().map_or(0, |v| v.len());
    let n = vectors.len().max(1) as f32;
    let mut mean = vec![0.0; dim];
    for v in vectors {
        mean.iter_mut().zip(*v).for_each(|(m, x)| *m += x / n);
    }
    let mut var = vec![0.0; dim];
    for v in vectors {
        var.iter_mut()
            .zip(*v)
            .zip(&mean)
            .for_each(|((s, x), m)| *s += (x - m) * (x - m) / n);
    }
    (mean, var.into_iter().map(|v| v.sqrt().max(1e-6)).collect())
}

fn dense_features(embedding: &[f32], mean: &[f32], std: &[f32], weight: f32) -> Vec<f32> {
    embedding
        .iter()
        .zip(mean)
        .zip(std)
        .map(|((x, m), s)| weight * (x - m) / s)
        .collect()
}

fn fit(
    texts: &[&str],
    embeddings: Option<&[&[f32]]>,
    labels: &[usize],
    classes: usize,
    options: &TrainOptions,
    progress: &dyn Progress,
) -> Fitted {
    let tfidf = Tfidf::fit(texts, options.min_df);
    let rows: Vec<Features> = texts
        .iter()
        .map(|t| Features {
            dense: Vec::new(),
            sparse: tfidf.transform(t),
        })
        .collect();
    let lexical_sgd = Sgd {
        epochs: options.epochs,
        learning_rate: 20.0,
        batch: 32,
        seed: options.seed,
    };
    progress.start("training the lexical model", options.epochs as u64);
    let lexical = Softmax::train(
        &rows,
        labels,
        classes,
        (0, tfidf.len()),
        &lexical_sgd,
        &mut || progress.advance(1),
    );
    progress.finish();
    let joint = embeddings.map(|embeddings| {
        let (mean, std) = standardise(embeddings);
        let joined: Vec<Features> = rows
            .into_iter()
            .zip(embeddings)
            .map(|(row, e)| Features {
                dense: dense_features(e, &mean, &std, options.dense_weight),
                sparse: row.sparse,
            })
            .collect();
        let sgd = Sgd {
            learning_rate: 10.0,
            ..lexical_sgd.clone()
        };
        progress.start("training the joint model", options.epochs as u64);
        let model = Softmax::train(
            &joined,
            labels,
            classes,
            (mean.len(), tfidf.len()),
            &sgd,
            &mut || progress.advance(1),
        );
        progress.finish();
        (model, mean, std)
    });
    Fitted {
        tfidf,
        lexical,
        joint,
    }
}

/// The features `spec` describes for each of `texts`, computed in chunks so the progress
/// bar moves (documents: `EmbeddingSpec::sentence(MAX_TOKENS)`).
pub fn features_all(
    encoder: &Encoder,
    texts: &[&str],
    spec: &EmbeddingSpec,
    progress: &dyn Progress,
) -> Result<Vec<Vec<f32>>, NluError> {
    // Sorting by length first keeps the padding in each batch small.
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by_key(|&i| texts[i].len());
    let mut out = vec![Vec::new(); texts.len()];
    progress.start("embedding", texts.len() as u64);
    for chunk in order.chunks(256) {
        let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
        for (&i, vector) in chunk.iter().zip(encoder.features(&batch, spec)?) {
            out[i] = vector;
        }
        progress.advance(chunk.len() as u64);
    }
    progress.finish();
    Ok(out)
}

impl Classifier {
    /// Trains on `examples`: measures on a stratified held-out part and calibrates there,
    /// then refits on everything. Without an encoder only the lexical model is trained.
    pub fn train(
        examples: &[Example],
        encoder: Option<&Encoder>,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<(Self, TrainReport), NluError> {
        let started = Instant::now();
        let mut labels: Vec<String> = examples.iter().map(|e| e.label.clone()).collect();
        labels.sort();
        labels.dedup();
        if labels.len() < 2 {
            return Err(NluError::Training(
                "a classifier needs at least two labels".into(),
            ));
        }
        let index: HashMap<&str, usize> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_str(), i))
            .collect();
        let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
        let (train, held) = stratified_split(examples, options.holdout, options.seed);
        fn part<'a>(
            set: &'a [Example],
            index: &HashMap<&str, usize>,
        ) -> (Vec<&'a str>, Vec<usize>) {
            set.iter()
                .map(|e| (e.text.as_str(), index[e.label.as_str()]))
                .unzip()
        }
        let (train_texts, train_labels) = part(&train, &index);
        if let (Some(encoder), Some(tune)) = (encoder, &options.tune) {
            let held = part(&held, &index);
            return Self::train_tuned(
                encoder,
                labels,
                (&train_texts, &train_labels),
                (&held.0, &held.1),
                (options, tune),
                progress,
                started,
            );
        }
        let embeddings = encoder
            .map(|encoder| features_all(encoder, &texts, &options.embedding, progress))
            .transpose()?;
        let embedding_of: HashMap<&str, &[f32]> = embeddings
            .iter()
            .flat_map(|all| texts.iter().zip(all).map(|(t, e)| (*t, e.as_slice())))
            .collect();

        let mut report = TrainReport {
            examples: examples.len(),
            labels: labels.len(),
            holdout_examples: held.len(),
            holdout_accuracy: None,
            holdout_macro_f1: None,
            lexical_holdout_accuracy: None,
            uses_encoder: encoder.is_some(),
            tune_seconds: 0.0,
            lexical_share: None,
            seconds: 0.0,
        };
        let mut lexical_temperature = 1.0;
        let mut joint_temperature = 1.0;
        if !held.is_empty() {
            let (held_texts, held_labels) = part(&held, &index);
            let train_embeddings: Option<Vec<&[f32]>> = embeddings
                .as_ref()
                .map(|_| train_texts.iter().map(|t| embedding_of[t]).collect());
            let fitted = fit(
                &train_texts,
                train_embeddings.as_deref(),
                &train_labels,
                labels.len(),
                options,
                progress,
            );
            let expected: Vec<&str> = held_labels.iter().map(|&y| labels[y].as_str()).collect();
            let score = |logits: &[Vec<f32>]| score(&labels, &expected, logits);
            let lexical_logits: Vec<Vec<f32>> = held_texts
                .iter()
                .map(|t| {
                    fitted.lexical.logits(&Features {
                        dense: Vec::new(),
                        sparse: fitted.tfidf.transform(t),
                    })
                })
                .collect();
            lexical_temperature = fit_temperature(&lexical_logits, &held_labels);
            let (lexical_accuracy, lexical_f1) = score(&lexical_logits);
            report.lexical_holdout_accuracy = Some(lexical_accuracy);
            (report.holdout_accuracy, report.holdout_macro_f1) =
                (Some(lexical_accuracy), Some(lexical_f1));
            if let Some((model, mean, std)) = &fitted.joint {
                let logits: Vec<Vec<f32>> = held_texts
                    .iter()
                    .map(|t| {
                        let dense =
                            dense_features(embedding_of[t], mean, std, options.dense_weight);
                        model.logits(&Features {
                            dense,
                            sparse: fitted.tfidf.transform(t),
                        })
                    })
                    .collect();
                joint_temperature = fit_temperature(&logits, &held_labels);
                let (joint_accuracy, joint_f1) = score(&logits);
                (report.holdout_accuracy, report.holdout_macro_f1) =
                    (Some(joint_accuracy), Some(joint_f1));
            }
        }

        let all_labels: Vec<usize> = examples.iter().map(|e| index[e.label.as_str()]).collect();
        let all_embeddings: Option<Vec<&[f32]>> = embeddings
            .as_ref()
            .map(|e| e.iter().map(Vec::as_slice).collect());
        let fitted = fit(
            &texts,
            all_embeddings.as_deref(),
            &all_labels,
            labels.len(),
            options,
            progress,
        );
        let (joint, dense) = match fitted.joint {
            Some((model, mean, std)) => (
                Some(model),
                Some(Dense {
                    spec: options.embedding.clone(),
                    mean,
                    std,
                    weight: options.dense_weight,
                    temperature: joint_temperature,
                }),
            ),
            None => (None, None),
        };
        report.seconds = started.elapsed().as_secs_f64();
        let meta = Meta {
            format: FORMAT_FROZEN,
            labels,
            tfidf: fitted.tfidf,
            lexical_temperature,
            dense,
            tuned: false,
        };
        Ok((
            Self {
                meta,
                lexical: fitted.lexical,
                joint,
                tuned: None,
            },
            report,
        ))
    }

    /// [`Classifier::train`] with fine-tuning: the encoder and a head are tuned on the
    /// training part; a TF-IDF model is fitted on the same part; the held-out part
    /// chooses how much the TF-IDF model's scores add to the head's and calibrates. With
    /// [`TrainOptions::refit_tuned`] all of it is then trained again on every example,
    /// keeping the blend and the calibration.
    #[allow(clippy::too_many_arguments)]
    fn train_tuned(
        base: &Encoder,
        labels: Vec<String>,
        (train_texts, train_labels): (&[&str], &[usize]),
        (held_texts, held_labels): (&[&str], &[usize]),
        (options, tune): (&TrainOptions, &TuneOptions),
        progress: &dyn Progress,
        started: Instant,
    ) -> Result<(Self, TrainReport), NluError> {
        let classes = labels.len();
        // The tuned encoder, its head and a TF-IDF model, all trained on `texts`, and
        // the seconds fine-tuning took.
        let train = |texts: &[&str], labels: &[usize]| -> Result<_, NluError> {
            let tuning = Instant::now();
            let Tuned { weights, head } = fine_tune(base, texts, labels, classes, tune, progress)?;
            let seconds = tuning.elapsed().as_secs_f64();
            let encoder = base.with_weights(weights)?;
            let fitted = fit(texts, None, labels, classes, options, progress);
            Ok((encoder, head, fitted, seconds))
        };
        let (mut encoder, mut head, mut fitted, tune_seconds) = train(train_texts, train_labels)?;
        let spec = EmbeddingSpec::sentence(tune.tokens);

        let held_embeddings = features_all(&encoder, held_texts, &spec, progress)?;
        let lexical_logits: Vec<Vec<f32>> = held_texts
            .iter()
            .map(|t| {
                fitted.lexical.logits(&Features {
                    dense: Vec::new(),
                    sparse: fitted.tfidf.transform(t),
                })
            })
            .collect();
        let head_logits: Vec<Vec<f32>> = held_embeddings
            .into_iter()
            .map(|dense| {
                head.logits(&Features {
                    dense,
                    sparse: Vec::new(),
                })
            })
            .collect();
        let blend = |share: f32| -> Vec<Vec<f32>> {
            head_logits
                .iter()
                .zip(&lexical_logits)
                .map(|(h, l)| h.iter().zip(l).map(|(h, l)| h + share * l).collect())
                .collect()
        };
        let expected: Vec<&str> = held_labels.iter().map(|&y| labels[y].as_str()).collect();
        let score = |logits: &[Vec<f32>]| score(&labels, &expected, logits);
        // The share of the TF-IDF scores, chosen on the held-out part (none without one).
        let mut share = 0.0;
        let mut best = score(&head_logits);
        for candidate in LEXICAL_SHARES {
            let scored = score(&blend(candidate));
            if scored.0 > best.0 {
                (share, best) = (candidate, scored);
            }
        }
        let held_out = !held_texts.is_empty();
        let mut report = TrainReport {
            examples: train_texts.len() + held_texts.len(),
            labels: classes,
            holdout_examples: held_texts.len(),
            holdout_accuracy: held_out.then_some(best.0),
            holdout_macro_f1: held_out.then_some(best.1),
            lexical_holdout_accuracy: held_out.then(|| score(&lexical_logits).0),
            uses_encoder: true,
            tune_seconds,
            lexical_share: Some(share),
            seconds: 0.0,
        };
        let (lexical_temperature, temperature) = if held_out {
            (
                fit_temperature(&lexical_logits, held_labels),
                fit_temperature(&blend(share), held_labels),
            )
        } else {
            (1.0, 1.0)
        };
        if options.refit_tuned && held_out {
            let texts: Vec<&str> = train_texts.iter().chain(held_texts).copied().collect();
            let labels: Vec<usize> = train_labels.iter().chain(held_labels).copied().collect();
            let seconds;
            (encoder, head, fitted, seconds) = train(&texts, &labels)?;
            report.tune_seconds += seconds;
        }

        // One linear model: the head's rows, then the TF-IDF model's scaled by the share.
        let hidden = head.dense;
        let mut weights = head.weights[..hidden * classes].to_vec();
        let lexical_rows = &fitted.lexical.weights;
        weights.extend(
            lexical_rows[..lexical_rows.len() - classes]
                .iter()
                .map(|w| share * w),
        );
        let bias = &lexical_rows[lexical_rows.len() - classes..];
        weights.extend(
            head.weights[hidden * classes..]
                .iter()
                .zip(bias)
                .map(|(h, l)| h + share * l),
        );
        let joint = Softmax {
            classes,
            dense: hidden,
            sparse: fitted.tfidf.len(),
            weights,
        };
        report.seconds = started.elapsed().as_secs_f64();
        let meta = Meta {
            format: FORMAT,
            labels,
            tfidf: fitted.tfidf,
            lexical_temperature,
            dense: Some(Dense {
                spec,
                mean: vec![0.0; hidden],
                std: vec![1.0; hidden],
                weight: 1.0,
                temperature,
            }),
            tuned: true,
        };
        Ok((
            Self {
                meta,
                lexical: fitted.lexical,
                joint: Some(joint),
                tuned: Some(Arc::new(encoder)),
            },
            report,
        ))
    }

    /// The labels, sorted.
    pub fn labels(&self) -> &[String] {
        &self.meta.labels
    }

    /// True when the model uses sentence embeddings (an encoder must be loaded to get
    /// its full accuracy; without one the lexical model answers).
    pub fn uses_encoder(&self) -> bool {
        self.joint.is_some()
    }

    /// What the model reads from the encoder (`None` for a lexical model). Callers that
    /// already hold a message's sentence embedding can pass it to [`Classifier::predict`]
    /// when [`EmbeddingSpec::is_sentence_embedding`] says it is the same thing and the
    /// model has no [`Classifier::tuned_encoder`].
    pub fn embedding_spec(&self) -> Option<&EmbeddingSpec> {
        self.meta.dense.as_ref().map(|d| &d.spec)
    }

    /// The fine-tuned encoder this model carries, if it was trained with one: its
    /// features must come from it, not from the shared encoder.
    pub fn tuned_encoder(&self) -> Option<&Encoder> {
        self.tuned.as_deref()
    }

    /// The `k` most likely labels for `text`, most likely first, computing the features
    /// the model was trained with (with its own fine-tuned encoder when it has one, else
    /// with `encoder`); the lexical model answers without an encoder.
    pub fn classify(
        &self,
        encoder: Option<&Encoder>,
        text: &str,
        k: usize,
    ) -> Result<Vec<Prediction>, NluError> {
        let encoder = self.tuned_encoder().or(encoder);
        let features = match (encoder, self.embedding_spec()) {
            (Some(encoder), Some(spec)) => encoder.features(&[text], spec)?.pop(),
            _ => None,
        };
        Ok(self.predict(text, features.as_deref(), k))
    }

    /// The `k` most likely labels, most likely first. Pass the text's features as
    /// [`Classifier::embedding_spec`] describes them, or `None` for the lexical model.
    pub fn predict(&self, text: &str, embedding: Option<&[f32]>, k: usize) -> Vec<Prediction> {
        let sparse = self.meta.tfidf.transform(text);
        let (logits, temperature) = match (&self.joint, &self.meta.dense, embedding) {
            (Some(model), Some(dense), Some(embedding)) if embedding.len() == dense.mean.len() => {
                let dense_row = dense_features(embedding, &dense.mean, &dense.std, dense.weight);
                (
                    model.logits(&Features {
                        dense: dense_row,
                        sparse,
                    }),
                    dense.temperature,
                )
            }
            _ => (
                self.lexical.logits(&Features {
                    dense: Vec::new(),
                    sparse,
                }),
                self.meta.lexical_temperature,
            ),
        };
        let probabilities = softmax(&logits, temperature);
        let mut ranked: Vec<(usize, f32)> = probabilities.into_iter().enumerate().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        ranked
            .into_iter()
            .take(k.max(1))
            .map(|(i, confidence)| Prediction {
                label: self.meta.labels[i].clone(),
                confidence,
            })
            .collect()
    }

    /// Writes `classifier.json`, `weights.safetensors` and, for a fine-tuned model, its
    /// encoder (`encoder/`) into `dir` (created if needed).
    pub fn save(&self, dir: &Path) -> Result<(), NluError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| NluError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let meta = serde_json::to_vec(&self.meta).map_err(|e| NluError::Training(e.to_string()))?;
        std::fs::write(dir.join(META), meta).map_err(io(&dir.join(META)))?;
        let mut tensors = HashMap::new();
        let mut put = |name: &str, model: &Softmax| -> candle_core::Result<()> {
            let rows = model.weights.len() / model.classes;
            tensors.insert(
                name.to_owned(),
                Tensor::from_slice(&model.weights, (rows, model.classes), &Device::Cpu)?,
            );
            Ok(())
        };
        let saved = put("lexical", &self.lexical)
            .and_then(|()| {
                self.joint
                    .as_ref()
                    .map_or(Ok(()), |joint| put("joint", joint))
            })
            .and_then(|()| candle_core::safetensors::save(&tensors, dir.join(WEIGHTS)));
        saved.map_err(|e| NluError::Training(format!("{}: {e}", dir.join(WEIGHTS).display())))?;
        match &self.tuned {
            Some(encoder) => encoder.save(&dir.join(TUNED)),
            None => Ok(()),
        }
    }

    /// Loads what [`Classifier::save`] wrote.
    pub fn load(dir: &Path) -> Result<Self, NluError> {
        let bad = |why: String| NluError::BadClassifier {
            dir: dir.to_owned(),
            why,
        };
        let meta_path = dir.join(META);
        let bytes = std::fs::read(&meta_path).map_err(|source| NluError::Io {
            path: meta_path,
            source,
        })?;
        let meta: Meta = serde_json::from_slice(&bytes).map_err(|e| bad(format!("{META}: {e}")))?;
        if !(1..=FORMAT).contains(&meta.format) {
            return Err(bad(format!(
                "{META} has format {}, this tandem reads {FORMAT}",
                meta.format
            )));
        }
        let tensors = candle_core::safetensors::load(dir.join(WEIGHTS), &Device::Cpu)
            .map_err(|e| bad(format!("{WEIGHTS}: {e}")))?;
        let classes = meta.labels.len();
        let take = |name: &str, dense: usize| -> Result<Softmax, NluError> {
            let tensor = tensors
                .get(name)
                .ok_or_else(|| bad(format!("{WEIGHTS} has no `{name}`")))?;
            let weights: Vec<f32> = tensor
                .flatten_all()
                .and_then(|t| t.to_vec1())
                .map_err(|e| bad(format!("{WEIGHTS} `{name}`: {e}")))?;
            let model = Softmax {
                classes,
                dense,
                sparse: meta.tfidf.len(),
                weights,
            };
            if model.weights.len() != (dense + meta.tfidf.len() + 1) * classes {
                return Err(bad(format!("{WEIGHTS} `{name}` does not match {META}")));
            }
            Ok(model)
        };
        let tuned = if meta.tuned {
            let encoder = Encoder::load(&dir.join(TUNED))
                .map_err(|e| bad(format!("its fine-tuned encoder: {e}")))?;
            Some(Arc::new(encoder))
        } else {
            None
        };
        let lexical = take("lexical", 0)?;
        let joint = meta
            .dense
            .as_ref()
            .map(|d| take("joint", d.mean.len()))
            .transpose()?;
        Ok(Self {
            meta,
            lexical,
            joint,
            tuned,
        })
    }
}

/// Accuracy and macro-F1 of the labels `logits` rank first against `expected`.
fn score(labels: &[String], expected: &[&str], logits: &[Vec<f32>]) -> (f64, f64) {
    let predicted: Vec<&str> = logits.iter().map(|l| labels[argmax(l)].as_str()).collect();
    (
        accuracy(expected, &predicted),
        macro_f1(expected, &predicted),
    )
}

fn argmax(values: &[f32]) -> usize {
    values
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i)
}
