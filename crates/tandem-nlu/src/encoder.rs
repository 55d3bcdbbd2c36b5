//! Sentence embeddings: tokenizer + [`Bert`] + masked mean pooling + L2 norm, the
//! recipe all-MiniLM-L6-v2 was trained with.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use serde::{Deserialize, Serialize};
use tokenizers::{Tokenizer, TruncationParams};

use crate::NluError;
use crate::bert::{Bert, BertConfig, Precision, attention_bias, load_from_bytes};
use crate::quant::Kernel;

/// Texts longer than this many word pieces are cut (sentence-transformers uses 256 for
/// this model too).
pub const MAX_TOKENS: usize = 256;
/// Customer messages (what is classified, and help-centre questions) are cut to this many
/// word pieces: the cost of a sentence grows with its length, and on our Banking77 dev
/// split the classifier was as accurate or better with the cut (docs/benchmarks.md).
pub const QUERY_TOKENS: usize = 32;
/// At most this many texts run through the encoder together.
const BATCH: usize = 32;

/// The files a model directory must hold.
pub const MODEL_FILES: [&str; 3] = ["config.json", "tokenizer.json", "model.safetensors"];

/// A loaded sentence encoder. Cheap to share behind an `Arc`; `embed` takes `&self`.
pub struct Encoder {
    bert: Bert,
    tokenizer: Tokenizer,
    dir: PathBuf,
    /// The checkpoint's weights when they did not come from `dir` (a fine-tuned encoder).
    tuned: Option<HashMap<String, Tensor>>,
    lanes: Lanes,
}

/// One-thread rayon pools that single texts run in. candle hands some kernels (softmax,
/// layer norm) to rayon; called from a thread outside rayon, each hand-off wakes a
/// worker and sleeps until it is done, dozens of times a sentence. Inside a pool of one
/// thread the work runs in place: 20-25% faster at batch 1 (docs/benchmarks.md). One
/// pool per concurrent caller, kept for the next.
#[derive(Default)]
struct Lanes(std::sync::Mutex<Vec<rayon::ThreadPool>>);

impl Lanes {
    fn run<T: Send>(&self, work: impl FnOnce() -> T + Send) -> T {
        let idle = self.0.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let pool = idle.or_else(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .thread_name(|_| "tandem-encoder".into())
                .build()
                .ok()
        });
        let Some(pool) = pool else {
            // No thread to be had: run here, only slower.
            return work();
        };
        let out = pool.install(work);
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(pool);
        out
    }
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

fn read(dir: &Path, name: &str) -> Result<Vec<u8>, NluError> {
    let path = dir.join(name);
    std::fs::read(&path).map_err(|source| NluError::Io { path, source })
}

impl Encoder {
    /// Loads `config.json`, `tokenizer.json` and `model.safetensors` from `dir`, with the
    /// precision `TANDEM_NLU_PRECISION` asks for (see [`Precision::from_env`]) and the
    /// integer kernel `TANDEM_NLU_KERNEL` allows (see [`Kernel::from_env`]).
    pub fn load(dir: &Path) -> Result<Self, NluError> {
        Self::load_with(dir, Precision::from_env()?)
    }

    /// Loads the encoder in `dir` with dense layers in `precision`: in integers with the
    /// widest kernel this CPU runs up to the cap `TANDEM_NLU_KERNEL` sets.
    pub fn load_with(dir: &Path, precision: Precision) -> Result<Self, NluError> {
        let kernel = match precision {
            Precision::Int8 => Kernel::widest(Kernel::from_env()?),
            Precision::F32 => None,
        };
        Self::load_with_kernel(dir, kernel)
    }

    /// Loads the encoder in `dir` with dense layers in integers with `kernel` where it
    /// is given and this CPU runs it, else in floats.
    pub fn load_with_kernel(dir: &Path, kernel: Option<Kernel>) -> Result<Self, NluError> {
        let bad = |why: String| NluError::BadModel {
            dir: dir.to_owned(),
            why,
        };
        let config: BertConfig = serde_json::from_slice(&read(dir, "config.json")?)
            .map_err(|e| bad(format!("config.json: {e}")))?;
        let mut tokenizer = Tokenizer::from_bytes(read(dir, "tokenizer.json")?)
            .map_err(|e| bad(format!("tokenizer.json: {e}")))?;
        // The shipped tokenizer pads every text to 128 tokens; batches pad themselves.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS.min(config.max_position_embeddings),
                ..TruncationParams::default()
            }))
            .map_err(|e| bad(format!("tokenizer.json: {e}")))?;
        let bert = load_from_bytes(read(dir, "model.safetensors")?, config, kernel)
            .map_err(|e| bad(format!("model.safetensors: {e}")))?;
        Ok(Self {
            bert,
            tokenizer,
            dir: dir.to_owned(),
            tuned: None,
            lanes: Lanes::default(),
        })
    }

    /// This encoder's tokenizer and configuration with other weights (a fine-tuned copy,
    /// see [`crate::tune`]), given under the checkpoint's names. The encoder is as deep
    /// as the layers `weights` holds (`encoder.layer.0.` up).
    pub fn with_weights(&self, weights: HashMap<String, Tensor>) -> Result<Self, NluError> {
        let depth = (0..)
            .take_while(|layer| {
                weights.contains_key(&format!(
                    "encoder.layer.{layer}.attention.self.query.weight"
                ))
            })
            .count();
        if depth == 0 {
            return Err(NluError::BadModel {
                dir: self.dir.clone(),
                why: "tuned weights: no encoder.layer.0".into(),
            });
        }
        let config = BertConfig {
            num_hidden_layers: depth,
            ..self.bert.config.clone()
        };
        let vb = VarBuilder::from_tensors(weights.clone(), DType::F32, &Device::Cpu);
        let bert = Bert::load(vb, config, self.bert.asked).map_err(|e| NluError::BadModel {
            dir: self.dir.clone(),
            why: format!("tuned weights: {e}"),
        })?;
        Ok(Self {
            bert,
            tokenizer: self.tokenizer.clone(),
            dir: self.dir.clone(),
            tuned: Some(weights),
            lanes: Lanes::default(),
        })
    }

    /// The weights under the checkpoint's names (without a `bert.` prefix).
    pub fn weights(&self) -> Result<HashMap<String, Tensor>, NluError> {
        if let Some(weights) = &self.tuned {
            return Ok(weights.clone());
        }
        let path = self.dir.join("model.safetensors");
        let loaded = candle_core::safetensors::load(&path, &Device::Cpu).map_err(|e| {
            NluError::BadModel {
                dir: self.dir.clone(),
                why: format!("model.safetensors: {e}"),
            }
        })?;
        Ok(loaded
            .into_iter()
            .map(|(name, t)| {
                (
                    name.strip_prefix("bert.")
                        .map_or(name.clone(), str::to_owned),
                    t,
                )
            })
            .collect())
    }

    /// Writes a model directory [`Encoder::load`] reads: this encoder's weights, the
    /// tokenizer of the directory it was loaded from, and that directory's configuration
    /// with this encoder's depth.
    pub fn save(&self, dir: &Path) -> Result<(), NluError> {
        let io = |path: PathBuf| move |source| NluError::Io { path, source };
        std::fs::create_dir_all(dir).map_err(io(dir.to_owned()))?;
        let tokenizer = dir.join("tokenizer.json");
        std::fs::copy(self.dir.join("tokenizer.json"), &tokenizer).map_err(io(tokenizer))?;
        let bad = |why: String| NluError::BadModel {
            dir: self.dir.clone(),
            why: format!("config.json: {why}"),
        };
        let mut config: serde_json::Value =
            serde_json::from_slice(&read(&self.dir, "config.json")?)
                .map_err(|e| bad(e.to_string()))?;
        config
            .as_object_mut()
            .ok_or_else(|| bad("not a JSON object".into()))?
            .insert("num_hidden_layers".into(), self.depth().into());
        let path = dir.join("config.json");
        let text = serde_json::to_vec_pretty(&config).expect("a JSON value serialises");
        std::fs::write(&path, text).map_err(io(path))?;
        let path = dir.join("model.safetensors");
        candle_core::safetensors::save(&self.weights()?, &path)
            .map_err(|e| NluError::Training(format!("{}: {e}", path.display())))
    }

    pub(crate) fn config(&self) -> &BertConfig {
        &self.bert.config
    }

    /// The directory the model was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// How the dense layers multiply: `Int8` where it was asked for and this CPU has an
    /// integer kernel (SSE 4.2 at least), `F32` otherwise.
    pub fn precision(&self) -> Precision {
        self.bert.effective_precision()
    }

    /// The integer kernel the dense layers multiply with; `None` in floats.
    pub fn kernel(&self) -> Option<Kernel> {
        self.bert.kernel()
    }

    /// The number of transformer layers (6 for MiniLM-L6).
    pub fn depth(&self) -> usize {
        self.bert.depth()
    }

    /// The embedding width (384 for MiniLM-L6).
    pub fn dimension(&self) -> usize {
        self.bert.config.hidden_size
    }

    /// Word-piece ids of `text`, with the `[CLS]` and `[SEP]` markers.
    pub fn token_ids(&self, text: &str) -> Result<Vec<u32>, NluError> {
        let encoding = self
            .tokenizer
            .encode(text, true)
            .map_err(|e| NluError::Inference(format!("tokenizer: {e}")))?;
        Ok(encoding.get_ids().to_vec())
    }

    /// One L2-normalised vector per text, in input order. Texts are grouped by length
    /// so a batch carries little padding.
    pub fn embed<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>, NluError> {
        self.embed_cut(texts, MAX_TOKENS)
    }

    /// As [`Encoder::embed`] for customer messages: cut to [`QUERY_TOKENS`] word pieces.
    pub fn embed_queries<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>, NluError> {
        self.embed_cut(texts, QUERY_TOKENS)
    }

    /// Word-piece ids of `text` cut to at most `max_tokens` (the last one stays the
    /// closing `[SEP]`).
    pub fn cut_ids(&self, text: &str, max_tokens: usize) -> Result<Vec<u32>, NluError> {
        let mut ids = self.token_ids(text)?;
        if ids.len() > max_tokens.max(2)
            && let Some(&sep) = ids.last()
        {
            ids.truncate(max_tokens.max(2) - 1);
            ids.push(sep);
        }
        Ok(ids)
    }

    /// Embeds with at most `max_tokens` word pieces per text.
    pub fn embed_cut<S: AsRef<str>>(
        &self,
        texts: &[S],
        max_tokens: usize,
    ) -> Result<Vec<Vec<f32>>, NluError> {
        self.features(texts, &EmbeddingSpec::sentence(max_tokens))
    }

    /// The dense features `spec` asks for, one vector per text in input order. Texts are
    /// grouped by length so a batch carries little padding.
    pub fn features<S: AsRef<str>>(
        &self,
        texts: &[S],
        spec: &EmbeddingSpec,
    ) -> Result<Vec<Vec<f32>>, NluError> {
        let depth = self.bert.depth();
        let layers = spec.layers_of(depth)?;
        let ids = texts
            .iter()
            .map(|text| self.cut_ids(text.as_ref(), spec.tokens))
            .collect::<Result<Vec<_>, NluError>>()?;
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| ids[i].len());
        let mut out = vec![Vec::new(); ids.len()];
        for chunk in order.chunks(BATCH) {
            let batch: Vec<&[u32]> = chunk.iter().map(|&i| ids[i].as_slice()).collect();
            let vectors = if batch.len() == 1 {
                self.lanes.run(|| self.pooled(&batch, &layers))
            } else {
                // Batches use every core.
                self.pooled(&batch, &layers)
            };
            let vectors = vectors.map_err(|e| NluError::Inference(e.to_string()))?;
            for (&i, vector) in chunk.iter().zip(vectors) {
                out[i] = vector;
            }
        }
        Ok(out)
    }

    /// Runs `batch` up to the highest of `layers` (sorted, 1-based) and joins the
    /// unit-length mean of each one's output.
    fn pooled(&self, batch: &[&[u32]], layers: &[usize]) -> candle_core::Result<Vec<Vec<f32>>> {
        let (mut hidden, mask, bias) = self.prepare(batch)?;
        let mut parts = Vec::with_capacity(layers.len());
        let mut done = 0;
        for &layer in layers {
            hidden = self.bert.run_layers(hidden, bias.as_ref(), done..layer)?;
            done = layer;
            parts.push(mean_pool(&hidden, &mask)?);
        }
        Tensor::cat(&parts, 1)?.to_vec2()
    }
    /// Pads `batch`: the embedding layer's output `[batch, tokens, hidden]`, the mask
    /// `[batch, tokens]` (1 for tokens, 0 for padding) and, when padded, the attention
    /// bias that hides the padding.
    pub(crate) fn prepare(
        &self,
        batch: &[&[u32]],
    ) -> candle_core::Result<(Tensor, Tensor, Option<Tensor>)> {
        let longest = batch.iter().map(|ids| ids.len()).max().unwrap_or(0).max(1);
        let padded = batch.iter().any(|ids| ids.len() != longest);
        let mut flat = Vec::with_capacity(batch.len() * longest);
        let mut mask = Vec::with_capacity(batch.len() * longest);
        for ids in batch {
            flat.extend_from_slice(ids);
            flat.extend(std::iter::repeat_n(0, longest - ids.len()));
            mask.extend(std::iter::repeat_n(1u32, ids.len()));
            mask.extend(std::iter::repeat_n(0u32, longest - ids.len()));
        }
        let shape = (batch.len(), longest);
        let ids = Tensor::from_vec(flat, shape, &Device::Cpu)?;
        let mask = Tensor::from_vec(mask, shape, &Device::Cpu)?.to_dtype(DType::F32)?;
        let bias = padded.then(|| attention_bias(&mask)).transpose()?;
        Ok((self.bert.embed(&ids)?, mask, bias))
    }
}

/// Which dense features a classifier reads from the encoder for a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbeddingSpec {
    /// Word pieces kept per message.
    pub tokens: usize,
    /// The layers (1 = the lowest) whose outputs are mean-pooled, scaled to unit length
    /// and joined, lowest first; empty means the top layer alone, the sentence embedding
    /// the model was trained to give.
    #[serde(default)]
    pub layers: Vec<usize>,
}

impl Default for EmbeddingSpec {
    /// The sentence embedding of a customer message.
    fn default() -> Self {
        Self::sentence(QUERY_TOKENS)
    }
}

impl EmbeddingSpec {
    /// The sentence embedding (the top layer's mean) of texts cut to `tokens` pieces.
    pub fn sentence(tokens: usize) -> Self {
        Self {
            tokens,
            layers: Vec::new(),
        }
    }

    /// True when this is the plain sentence embedding of [`Encoder::embed_queries`].
    pub fn is_sentence_embedding(&self, depth: usize) -> bool {
        self.tokens == QUERY_TOKENS && self.layers_of(depth).is_ok_and(|l| l == [depth])
    }

    /// The layers to pool for an encoder `depth` layers deep, sorted and checked.
    pub fn layers_of(&self, depth: usize) -> Result<Vec<usize>, NluError> {
        if self.tokens < 2 {
            return Err(NluError::Inference(format!(
                "an embedding needs at least 2 word pieces, not {}",
                self.tokens
            )));
        }
        let mut layers = if self.layers.is_empty() {
            vec![depth]
        } else {
            self.layers.clone()
        };
        layers.sort_unstable();
        layers.dedup();
        match layers.iter().find(|&&l| l == 0 || l > depth) {
            Some(bad) => Err(NluError::Inference(format!(
                "layer {bad} does not exist: the encoder has layers 1 to {depth}"
            ))),
            None => Ok(layers),
        }
    }
}

/// The unit-length mean of `hidden` `[batch, tokens, width]` over the tokens `mask`
/// marks.
fn mean_pool(hidden: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
    let summed = hidden.broadcast_mul(&mask.unsqueeze(2)?)?.sum(1)?;
    let mean = summed.broadcast_div(&mask.sum_keepdim(1)?)?;
    let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
    mean.broadcast_div(&norm)
}

/// Cosine similarity of two vectors (the dot product for unit vectors).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}
