//! A BERT encoder (the all-MiniLM-L6-v2 shape) built from candle tensors.
//!
//! Written here rather than taken from candle-transformers so the query, key and value
//! projections can be fused into one matmul (three small matmuls cost more than one at
//! the 10-50 tokens of a chat message) and so single texts skip the attention mask.

use candle_core::{D, DType, Device, Module, Tensor};
use candle_nn::{Embedding, LayerNorm, Linear, VarBuilder};
use serde::Deserialize;

/// The fields of a Hugging Face `config.json` this encoder reads.
#[derive(Debug, Clone, Deserialize)]
pub struct BertConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub max_position_embeddings: usize,
    #[serde(default = "two")]
    pub type_vocab_size: usize,
    #[serde(default = "bert_eps")]
    pub layer_norm_eps: f64,
    #[serde(default = "gelu")]
    pub hidden_act: String,
}

fn two() -> usize {
    2
}
fn bert_eps() -> f64 {
    1e-12
}
fn gelu() -> String {
    "gelu".to_owned()
}

/// Up to this many rows (tokens in a batch) a dense layer multiplies with its `f16`
/// weights: a short sentence is bound by reading the weights (42 MB in `f32`, more than
/// this machine's 32 MB L3; 21 MB in `f16`), a long one by arithmetic, where `f32` is
/// faster. Measured with `cargo run --release -p tandem-nlu --example latency`.
const F16_ROWS: usize = 24;

/// A dense layer with its weight stored transposed (`[inputs, outputs]`, contiguous) in
/// `f32` and in `f16`; activations stay `f32`.
struct Dense {
    weight_t: Tensor,
    weight_t16: Tensor,
    bias: Tensor,
}

impl Dense {
    fn new(linear: &Linear) -> candle_core::Result<Self> {
        let weight_t = linear.weight().t()?.contiguous()?;
        Ok(Self {
            weight_t16: weight_t.to_dtype(DType::F16)?,
            weight_t,
            bias: linear.bias().expect("loaded with bias").clone(),
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (batch, tokens, inputs) = x.dims3()?;
        let rows = x.reshape((batch * tokens, inputs))?;
        let out = if batch * tokens <= F16_ROWS {
            rows.to_dtype(DType::F16)?
                .matmul(&self.weight_t16)?
                .to_dtype(DType::F32)?
        } else {
            rows.matmul(&self.weight_t)?
        };
        out.broadcast_add(&self.bias)?
            .reshape((batch, tokens, self.weight_t.dim(1)?))
    }
}

struct Layer {
    qkv: Dense,
    attention_out: Dense,
    attention_norm: LayerNorm,
    intermediate: Dense,
    output: Dense,
    output_norm: LayerNorm,
}

/// The encoder: token ids in, last hidden states out.
pub struct Bert {
    words: Embedding,
    positions: Tensor,
    token_type: Tensor,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
    heads: usize,
    head_dim: usize,
    pub config: BertConfig,
}

fn linear(vb: &VarBuilder, inputs: usize, outputs: usize) -> candle_core::Result<Linear> {
    let weight = vb.get((outputs, inputs), "weight")?;
    let bias = vb.get(outputs, "bias")?;
    Ok(Linear::new(weight, Some(bias)))
}

fn layer_norm(vb: &VarBuilder, size: usize, eps: f64) -> candle_core::Result<LayerNorm> {
    let weight = vb.get(size, "weight")?;
    let bias = vb.get(size, "bias")?;
    Ok(LayerNorm::new(weight, bias, eps))
}

impl Bert {
    /// Loads the weights; accepts both the bare sentence-transformers names and the
    /// `bert.`-prefixed names of a `BertModel` checkpoint.
    pub fn load(vb: VarBuilder, config: BertConfig) -> candle_core::Result<Self> {
        if config.hidden_act != "gelu" {
            candle_core::bail!(
                "unsupported hidden_act {:?} (only \"gelu\")",
                config.hidden_act
            );
        }
        if !config
            .hidden_size
            .is_multiple_of(config.num_attention_heads)
        {
            candle_core::bail!("hidden_size is not a multiple of num_attention_heads");
        }
        let vb = if vb.contains_tensor("embeddings.word_embeddings.weight") {
            vb
        } else {
            vb.pp("bert")
        };
        let h = config.hidden_size;
        let eps = config.layer_norm_eps;
        let emb = vb.pp("embeddings");
        let words = Embedding::new(
            emb.get((config.vocab_size, h), "word_embeddings.weight")?,
            h,
        );
        let positions = emb.get(
            (config.max_position_embeddings, h),
            "position_embeddings.weight",
        )?;
        let token_type = emb
            .get((config.type_vocab_size, h), "token_type_embeddings.weight")?
            .get(0)?;
        let embedding_norm = layer_norm(&emb.pp("LayerNorm"), h, eps)?;
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for index in 0..config.num_hidden_layers {
            let vb = vb.pp(format!("encoder.layer.{index}"));
            let att = vb.pp("attention");
            let parts =
                ["query", "key", "value"].map(|name| linear(&att.pp("self").pp(name), h, h));
            let [q, k, v] = parts;
            let (q, k, v) = (q?, k?, v?);
            let weight = Tensor::cat(&[q.weight(), k.weight(), v.weight()], 0)?;
            let bias = Tensor::cat(
                &[
                    q.bias().expect("loaded with bias"),
                    k.bias().expect("loaded with bias"),
                    v.bias().expect("loaded with bias"),
                ],
                0,
            )?;
            let dense = |l: Linear| Dense::new(&l);
            layers.push(Layer {
                qkv: dense(Linear::new(weight, Some(bias)))?,
                attention_out: dense(linear(&att.pp("output.dense"), h, h)?)?,
                attention_norm: layer_norm(&att.pp("output.LayerNorm"), h, eps)?,
                intermediate: dense(linear(
                    &vb.pp("intermediate.dense"),
                    h,
                    config.intermediate_size,
                )?)?,
                output: dense(linear(&vb.pp("output.dense"), config.intermediate_size, h)?)?,
                output_norm: layer_norm(&vb.pp("output.LayerNorm"), h, eps)?,
            });
        }
        Ok(Self {
            words,
            positions,
            token_type,
            embedding_norm,
            layers,
            heads: config.num_attention_heads,
            head_dim: h / config.num_attention_heads,
            config,
        })
    }

    /// Hidden states `[batch, tokens, hidden]` for `ids` `[batch, tokens]`. `mask`
    /// (`[batch, tokens]`, 1 for tokens, 0 for padding) is needed only when padded.
    pub fn forward(&self, ids: &Tensor, mask: Option<&Tensor>) -> candle_core::Result<Tensor> {
        let (batch, tokens) = ids.dims2()?;
        let positions = self.positions.narrow(0, 0, tokens)?;
        let x = self
            .words
            .forward(ids)?
            .broadcast_add(&positions)?
            .broadcast_add(&self.token_type)?;
        let mut x = self.embedding_norm.forward(&x)?;
        // Padding gets a large negative score so softmax gives it no weight.
        let bias = match mask {
            Some(mask) => Some(
                ((mask.to_dtype(DType::F32)? - 1.0)? * 10_000.0)?.reshape((batch, 1, 1, tokens))?,
            ),
            None => None,
        };
        let scale = 1.0 / (self.head_dim as f64).sqrt();
        let hidden = self.heads * self.head_dim;
        for layer in &self.layers {
            let qkv = layer.qkv.forward(&x)?;
            let split = |part: usize| -> candle_core::Result<Tensor> {
                qkv.narrow(D::Minus1, part * hidden, hidden)?
                    .reshape((batch, tokens, self.heads, self.head_dim))?
                    .transpose(1, 2)?
                    .contiguous()
            };
            let (q, k, v) = (split(0)?, split(1)?, split(2)?);
            let mut scores = (q.matmul(&k.t()?)? * scale)?;
            if let Some(bias) = &bias {
                scores = scores.broadcast_add(bias)?;
            }
            let weights = candle_nn::ops::softmax_last_dim(&scores)?;
            let context = weights
                .matmul(&v)?
                .transpose(1, 2)?
                .reshape((batch, tokens, hidden))?;
            let attended = layer
                .attention_norm
                .forward(&(layer.attention_out.forward(&context)? + &x)?)?;
            let inner = layer.intermediate.forward(&attended)?.gelu_erf()?;
            x = layer
                .output_norm
                .forward(&(layer.output.forward(&inner)? + &attended)?)?;
        }
        Ok(x)
    }
}

/// Loads a model from safetensors bytes on the CPU.
pub fn load_from_bytes(bytes: Vec<u8>, config: BertConfig) -> candle_core::Result<Bert> {
    let vb = VarBuilder::from_buffered_safetensors(bytes, DType::F32, &Device::Cpu)?;
    Bert::load(vb, config)
}
