//! A BERT encoder (the all-MiniLM-L6-v2 shape) built from candle tensors.
//!
//! Written here rather than taken from candle-transformers so the query, key and value
//! projections can be fused into one matmul (three small matmuls cost more than one at
//! the 10-50 tokens of a chat message) and so single texts skip the attention mask.

use candle_core::{D, DType, Device, Module, Tensor};
use candle_nn::{Embedding, Linear, VarBuilder};
use serde::Deserialize;

use crate::NluError;
use crate::quant::{Kernel, QuantDense};

/// How the encoder's dense layers multiply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// Products of small integers summed in `i32` ([`QuantDense`]: 7-bit weights and
    /// 7- or 8-bit activations, with the widest [`Kernel`] the CPU runs up to the cap
    /// `TANDEM_NLU_KERNEL` sets); `f32` on CPUs without SSE 4.2.
    Int8,
    /// `f32` throughout (`f16` weights for the shortest texts).
    F32,
}

impl Precision {
    /// The variable that chooses: `int8` (the default) or `f32`.
    pub const VARIABLE: &str = "TANDEM_NLU_PRECISION";

    /// The precision [`Self::VARIABLE`] asks for; `Int8` when it is unset.
    pub fn from_env() -> Result<Self, NluError> {
        match std::env::var(Self::VARIABLE) {
            Err(std::env::VarError::NotPresent) => Ok(Self::Int8),
            Ok(value) => value.parse(),
            Err(e) => Err(NluError::Setting(format!("{}: {e}", Self::VARIABLE))),
        }
    }
}

impl std::str::FromStr for Precision {
    type Err = NluError;

    fn from_str(value: &str) -> Result<Self, NluError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "int8" => Ok(Self::Int8),
            "f32" => Ok(Self::F32),
            _ => Err(NluError::Setting(format!(
                "{} must be int8 or f32, not {value:?}",
                Self::VARIABLE
            ))),
        }
    }
}

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
/// this machine's 32 MB L3; 21 MB in `f16`), a longer one by arithmetic, where `f32` is
/// faster. Measured over our Banking77 dev split with
/// `cargo run --release -p tandem-nlu --example slowest` (docs/benchmarks.md).
const F16_ROWS: usize = 11;
/// Up to this many rows the `f32` product is taken transposed (see [`Dense::forward`]).
const TRANSPOSED_ROWS: usize = 64;

/// A dense layer: in small integers where asked for and the CPU allows ([`QuantDense`]),
/// else with its weight stored transposed (`[inputs, outputs]`, contiguous) in `f32`
/// and in `f16`. Activations stay `f32` between layers.
enum Dense {
    Int8(QuantDense),
    Float {
        weight_t: Tensor,
        weight_t16: Tensor,
        bias: Tensor,
    },
}

impl Dense {
    /// In integers with `kernel` where it is given and fits the layer, else in floats.
    fn new(linear: &Linear, kernel: Option<Kernel>) -> candle_core::Result<Self> {
        let bias = linear.bias().expect("loaded with bias");
        if let Some(kernel) = kernel {
            let (outputs, inputs) = linear.weight().dims2()?;
            let quantized = QuantDense::for_kernel(
                kernel,
                &linear.weight().flatten_all()?.to_vec1::<f32>()?,
                &bias.to_vec1::<f32>()?,
                outputs,
                inputs,
            );
            if let Some(quantized) = quantized {
                return Ok(Self::Int8(quantized));
            }
        }
        let weight_t = linear.weight().t()?.contiguous()?;
        Ok(Self::Float {
            weight_t16: weight_t.to_dtype(DType::F16)?,
            weight_t,
            bias: bias.clone(),
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (batch, tokens, inputs) = x.dims3()?;
        let (weight_t, weight_t16, bias) = match self {
            Self::Int8(layer) => {
                let out = layer.forward(&x.flatten_all()?.to_vec1::<f32>()?);
                return Tensor::from_vec(out, (batch, tokens, layer.outputs()), x.device());
            }
            Self::Float {
                weight_t,
                weight_t16,
                bias,
            } => (weight_t, weight_t16, bias),
        };
        let rows = x.reshape((batch * tokens, inputs))?;
        let out = if batch * tokens <= F16_ROWS {
            rows.to_dtype(DType::F16)?
                .matmul(weight_t16)?
                .to_dtype(DType::F32)?
        } else if batch * tokens <= TRANSPOSED_ROWS {
            // (W x^T)^T rather than x W^T: `weight_t` read as `[outputs, inputs]` is
            // column-major, the layout gemm's kernel reads without repacking it, so the
            // weights are not copied on every call (11% faster at 32 tokens).
            weight_t.t()?.matmul(&rows.t()?)?.t()?.contiguous()?
        } else {
            // Batches: repacking pays for itself over many rows.
            rows.matmul(weight_t)?
        };
        out.broadcast_add(bias)?
            .reshape((batch, tokens, weight_t.dim(1)?))
    }
}

/// Layer normalisation over the last dimension.
struct Norm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl Norm {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        candle_nn::ops::layer_norm(&x.contiguous()?, &self.weight, &self.bias, self.eps as f32)
    }
}

/// GELU (the exact, erf-based form BERT was trained with) on a contiguous `f32` tensor.
/// candle calls libm's scalar `erff` per element, which took a tenth of a forward
/// pass; this loop has no calls or branches, so the compiler vectorises it, for the
/// widest vectors this CPU has (`pulp` picks at run time among AVX-512, AVX2 and its
/// baseline; on x86-64 CPUs with AVX but not AVX2, the AVX level the integer kernels
/// declare, for 256-bit floats).
fn fast_gelu(x: &Tensor) -> candle_core::Result<Tensor> {
    let mut values = x.flatten_all()?.to_vec1::<f32>()?;
    gelu_in_place(&mut values);
    Tensor::from_vec(values, x.shape(), x.device())
}

fn gelu_in_place(values: &mut [f32]) {
    let arch = pulp::Arch::new();
    #[cfg(target_arch = "x86_64")]
    if matches!(arch, pulp::Arch::Scalar)
        && let Some(avx) = crate::quant::Avx::try_new()
    {
        avx.vectorize(Gelu(values));
        return;
    }
    arch.dispatch(Gelu(values));
}

/// [`gelu_one`] over a slice, compiled once per instruction set (`pulp` dispatches any
/// `NullaryFnOnce`, its body inlined into each level's target features).
struct Gelu<'a>(&'a mut [f32]);

impl pulp::NullaryFnOnce for Gelu<'_> {
    type Output = ();

    #[inline(always)]
    fn call(self) {
        for v in self.0 {
            *v = gelu_one(*v);
        }
    }
}

/// `0.5 x (1 + erf(x / sqrt 2))`, with erf after Abramowitz and Stegun 7.1.26 (absolute
/// error below 1.5e-7).
#[inline(always)]
fn gelu_one(x: f32) -> f32 {
    let a = (x * std::f32::consts::FRAC_1_SQRT_2).abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = ((((1.061_405_4 * t - 1.453_152) * t + 1.421_413_8) * t - 0.284_496_74) * t
        + 0.254_829_6)
        * t;
    let erf = (1.0 - poly * exp_neg(a * a)).copysign(x);
    0.5 * x * (1.0 + erf)
}

/// `e^-y` for `y >= 0`: 2^n times a Taylor polynomial of the remainder (relative error
/// about 1e-7 near zero, below 5e-6 down to e^-87), in plain arithmetic the compiler
/// can vectorise.
#[inline(always)]
fn exp_neg(y: f32) -> f32 {
    let x = (-y).max(-87.0);
    // Round to nearest by the 1.5 * 2^23 trick: a plain add, unlike `round`.
    const SHIFT: f32 = 12_582_912.0;
    let shifted = x * std::f32::consts::LOG2_E + SHIFT;
    let n = shifted - SHIFT;
    let r = x - n * std::f32::consts::LN_2;
    let p = 1.0
        + r * (1.0
            + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r / 720.0)))));
    // `shifted`'s bits are SHIFT's plus `n` (-126..=0), so 2^n's exponent field comes by
    // integer arithmetic on them: `n as i32` would be a saturating conversion, which
    // the compiler does one lane at a time.
    let exponent = shifted
        .to_bits()
        .wrapping_sub(SHIFT.to_bits())
        .wrapping_add(127);
    p * f32::from_bits(exponent << 23)
}

/// One transformer layer.
struct Layer {
    qkv: Dense,
    attention_out: Dense,
    attention_norm: Norm,
    intermediate: Dense,
    output: Dense,
    output_norm: Norm,
}

impl Layer {
    /// `x` `[batch, tokens, hidden]`; `bias` `[batch, 1, 1, tokens]` masks padding.
    fn forward(
        &self,
        x: &Tensor,
        bias: Option<&Tensor>,
        heads: usize,
    ) -> candle_core::Result<Tensor> {
        let (batch, tokens, hidden) = x.dims3()?;
        let head_dim = hidden / heads;
        let qkv = self.qkv.forward(x)?;
        let split = |part: usize| -> candle_core::Result<Tensor> {
            qkv.narrow(D::Minus1, part * hidden, hidden)?
                .reshape((batch, tokens, heads, head_dim))?
                .transpose(1, 2)?
                .contiguous()
        };
        let (q, k, v) = (split(0)?, split(1)?, split(2)?);
        let mut scores = (q.matmul(&k.t()?)? * (1.0 / (head_dim as f64).sqrt()))?;
        if let Some(bias) = bias {
            scores = scores.broadcast_add(bias)?;
        }
        let weights = candle_nn::ops::softmax_last_dim(&scores)?;
        let context = weights
            .matmul(&v)?
            .transpose(1, 2)?
            .reshape((batch, tokens, hidden))?;
        let attended = self
            .attention_norm
            .forward(&(self.attention_out.forward(&context)? + x)?)?;
        let inner = fast_gelu(&self.intermediate.forward(&attended)?)?;
        self.output_norm
            .forward(&(self.output.forward(&inner)? + &attended)?)
    }
}

/// The encoder: token ids in, last hidden states out.
pub struct Bert {
    words: Embedding,
    positions: Tensor,
    token_type: Tensor,
    embedding_norm: Norm,
    layers: Vec<Layer>,
    heads: usize,
    pub config: BertConfig,
    /// The integer kernel the dense layers were asked to use; `None` for floats.
    pub asked: Option<Kernel>,
}

fn linear(vb: &VarBuilder, inputs: usize, outputs: usize) -> candle_core::Result<Linear> {
    let weight = vb.get((outputs, inputs), "weight")?;
    let bias = vb.get(outputs, "bias")?;
    Ok(Linear::new(weight, Some(bias)))
}

fn layer_norm(vb: &VarBuilder, size: usize, eps: f64) -> candle_core::Result<Norm> {
    Ok(Norm {
        weight: vb.get(size, "weight")?,
        bias: vb.get(size, "bias")?,
        eps,
    })
}

/// `[batch, 1, 1, tokens]`: 0 for tokens, a large negative score for padding so softmax
/// gives it no weight. `mask` is `[batch, tokens]`, 1 for tokens and 0 for padding.
pub(crate) fn attention_bias(mask: &Tensor) -> candle_core::Result<Tensor> {
    let (batch, tokens) = mask.dims2()?;
    ((mask.to_dtype(DType::F32)? - 1.0)? * 10_000.0)?.reshape((batch, 1, 1, tokens))
}

impl Bert {
    /// Loads the weights; accepts both the bare sentence-transformers names and the
    /// `bert.`-prefixed names of a `BertModel` checkpoint. Dense layers multiply in
    /// integers with `kernel` where it is given and the CPU runs it, else in floats.
    pub fn load(
        vb: VarBuilder,
        config: BertConfig,
        kernel: Option<Kernel>,
    ) -> candle_core::Result<Self> {
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
            layers.push(Layer {
                qkv: Dense::new(&Linear::new(weight, Some(bias)), kernel)?,
                attention_out: Dense::new(&linear(&att.pp("output.dense"), h, h)?, kernel)?,
                attention_norm: layer_norm(&att.pp("output.LayerNorm"), h, eps)?,
                intermediate: Dense::new(
                    &linear(&vb.pp("intermediate.dense"), h, config.intermediate_size)?,
                    kernel,
                )?,
                output: Dense::new(
                    &linear(&vb.pp("output.dense"), config.intermediate_size, h)?,
                    kernel,
                )?,
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
            config,
            asked: kernel,
        })
    }

    /// How the dense layers multiply: `Int8` only where every one of them does.
    pub fn effective_precision(&self) -> Precision {
        if self.kernel().is_some() {
            Precision::Int8
        } else {
            Precision::F32
        }
    }

    /// The narrowest integer kernel among the dense layers; `None` where one of them
    /// multiplies in floats.
    pub fn kernel(&self) -> Option<Kernel> {
        self.layers
            .iter()
            .flat_map(|layer| {
                [
                    &layer.qkv,
                    &layer.attention_out,
                    &layer.intermediate,
                    &layer.output,
                ]
            })
            .map(|dense| match dense {
                Dense::Int8(layer) => Some(layer.kernel()),
                Dense::Float { .. } => None,
            })
            .min()
            .flatten()
    }

    /// The number of layers.
    pub fn depth(&self) -> usize {
        self.layers.len()
    }

    /// The embedding layer's output for `ids` `[batch, tokens]`.
    pub(crate) fn embed(&self, ids: &Tensor) -> candle_core::Result<Tensor> {
        let (_, tokens) = ids.dims2()?;
        let positions = self.positions.narrow(0, 0, tokens)?;
        let x = self
            .words
            .forward(ids)?
            .broadcast_add(&positions)?
            .broadcast_add(&self.token_type)?;
        self.embedding_norm.forward(&x)
    }

    /// Runs `x` through the layers in `range` (inference).
    pub(crate) fn run_layers(
        &self,
        mut x: Tensor,
        bias: Option<&Tensor>,
        range: std::ops::Range<usize>,
    ) -> candle_core::Result<Tensor> {
        for layer in &self.layers[range] {
            x = layer.forward(&x, bias, self.heads)?;
        }
        Ok(x)
    }
}

/// Loads a model from safetensors bytes on the CPU, as [`Bert::load`].
pub fn load_from_bytes(
    bytes: Vec<u8>,
    config: BertConfig,
    kernel: Option<Kernel>,
) -> candle_core::Result<Bert> {
    let vb = VarBuilder::from_buffered_safetensors(bytes, DType::F32, &Device::Cpu)?;
    Bert::load(vb, config, kernel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_gelu_matches_the_exact_one() {
        let xs: Vec<f32> = (-2000..=2000).map(|i| i as f32 / 200.0).collect();
        let exact = Tensor::new(xs.as_slice(), &Device::Cpu)
            .unwrap()
            .gelu_erf()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        let fast = fast_gelu(&Tensor::new(xs.as_slice(), &Device::Cpu).unwrap())
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        for ((x, e), f) in xs.iter().zip(&exact).zip(&fast) {
            assert!((e - f).abs() < 1e-5, "gelu({x}): exact {e}, fast {f}");
        }
        assert!((exp_neg(0.0) - 1.0).abs() < 1e-6);
        assert!((exp_neg(3.5) - (-3.5f32).exp()).abs() < 1e-7);
        // Every power of two it builds, 2^0 down to 2^-126.
        for i in 0..=870 {
            let y = i as f32 / 10.0;
            let (e, f) = ((-y).exp(), exp_neg(y));
            assert!((e - f).abs() <= 5e-6 * e, "e^-{y}: exact {e}, fast {f}");
        }
        let tiny = exp_neg(200.0);
        assert!((0.0..1e-37).contains(&tiny), "e^-200 came out {tiny}");
    }

    #[test]
    fn gelu_gives_the_same_values_on_every_level() {
        let xs: Vec<f32> = (-2000..=2000).map(|i| i as f32 / 200.0).collect();
        let one_by_one: Vec<f32> = xs.iter().map(|&x| gelu_one(x)).collect();
        let mut dispatched = xs.clone();
        gelu_in_place(&mut dispatched);
        assert_eq!(dispatched, one_by_one);
        // The level CPUs with AVX but not AVX2 take, run here wherever AVX is.
        #[cfg(target_arch = "x86_64")]
        if let Some(avx) = crate::quant::Avx::try_new() {
            let mut values = xs.clone();
            avx.vectorize(Gelu(&mut values));
            assert_eq!(values, one_by_one);
        }
    }
}
