//! Fine-tuning the encoder's transformer layers for a classifier: the unit-length mean
//! of the top layer (the sentence embedding the encoder gives at inference), a linear
//! head and cross-entropy, trained with AdamW on a warm-up then linear-decay schedule.
//!
//! The inference [`Bert`](crate::bert::Bert) cannot learn (candle's fused layer norm and
//! softmax have no backward pass), so training runs its own forward pass from
//! differentiable operations over [`Var`]s that start as the encoder's weights. The
//! embedding layer stays frozen: its output is computed once per batch by the encoder
//! itself, which spares the optimiser the 11.7 million word-embedding weights. Batches
//! group texts of similar length so little time goes to padding.

use std::collections::HashMap;

use candle_core::{D, DType, Device, Tensor, Var};
use candle_nn::optim::{AdamW, Optimizer, ParamsAdamW};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::encoder::Encoder;
use crate::linear::Softmax;
use crate::{NluError, Progress};

/// The sentence embedding has unit length; the head reads it scaled by the square root
/// of its width, so each feature is of the order of one as the head starts learning.
fn pool_scale(hidden: usize) -> f64 {
    (hidden as f64).sqrt()
}

/// What fine-tuning learned.
#[derive(Debug)]
pub struct Tuned {
    /// The encoder's weights with the tuned layers, under the checkpoint's names (load
    /// them with [`Encoder::with_weights`]).
    pub weights: HashMap<String, Tensor>,
    /// The classification head over the tuned encoder's sentence embedding (as
    /// [`Encoder::embed`] gives it), one class per label index.
    pub head: Softmax,
}

/// Fine-tuning settings; the defaults are the ones measured on Banking77
/// (docs/benchmarks.md).
#[derive(Debug, Clone, PartialEq)]
pub struct TuneOptions {
    /// Passes over the training texts.
    pub epochs: usize,
    /// Peak learning rate of the encoder's layers.
    pub learning_rate: f64,
    /// Peak learning rate of the classification head (it starts from zero).
    pub head_learning_rate: f64,
    /// Texts per step.
    pub batch: usize,
    /// Word pieces kept per text.
    pub tokens: usize,
    /// Share of the pooled features dropped in training.
    pub dropout: f32,
    /// Share of each layer's attention and feed-forward outputs dropped in training.
    pub hidden_dropout: f32,
    /// Keep only this many of the encoder's layers, the lowest ones, and tune those:
    /// each layer dropped makes the encoder cheaper by a sixth for MiniLM-L6. `None`
    /// keeps them all.
    pub layers: Option<usize>,
    pub seed: u64,
}

impl Default for TuneOptions {
    fn default() -> Self {
        Self {
            epochs: 3,
            learning_rate: 1e-4,
            head_learning_rate: 2e-3,
            batch: 32,
            tokens: crate::encoder::QUERY_TOKENS,
            dropout: 0.1,
            hidden_dropout: 0.0,
            layers: None,
            seed: 42,
        }
    }
}

/// The names, under `encoder.layer.N.`, of one layer's weights in a Hugging Face BERT
/// checkpoint.
const LAYER_WEIGHTS: [&str; 16] = [
    "attention.self.query.weight",
    "attention.self.query.bias",
    "attention.self.key.weight",
    "attention.self.key.bias",
    "attention.self.value.weight",
    "attention.self.value.bias",
    "attention.output.dense.weight",
    "attention.output.dense.bias",
    "attention.output.LayerNorm.weight",
    "attention.output.LayerNorm.bias",
    "intermediate.dense.weight",
    "intermediate.dense.bias",
    "output.dense.weight",
    "output.dense.bias",
    "output.LayerNorm.weight",
    "output.LayerNorm.bias",
];

/// One layer's trainable weights, in [`LAYER_WEIGHTS`] order.
struct TrainLayer([Var; 16]);

impl TrainLayer {
    fn w(&self, index: usize) -> &Tensor {
        self.0[index].as_tensor()
    }

    /// `x` `[batch * tokens, hidden]`; `bias` `[batch, 1, 1, tokens]` hides padding;
    /// `drop` is applied to the attention's and the feed-forward block's outputs before
    /// each joins the residual stream (BERT's hidden dropout).
    fn forward(
        &self,
        x: &Tensor,
        bias: &Tensor,
        shape: (usize, usize),
        (heads, eps): (usize, f64),
        drop: &mut dyn FnMut(Tensor) -> candle_core::Result<Tensor>,
    ) -> candle_core::Result<Tensor> {
        let (batch, tokens) = shape;
        let hidden = x.dim(1)?;
        let head_dim = hidden / heads;
        let project = |index: usize| -> candle_core::Result<Tensor> {
            linear(x, self.w(index), self.w(index + 1))?
                .reshape((batch, tokens, heads, head_dim))?
                .transpose(1, 2)?
                .contiguous()
        };
        let (q, k, v) = (project(0)?, project(2)?, project(4)?);
        let scores =
            (q.matmul(&k.t()?)? * (1.0 / (head_dim as f64).sqrt()))?.broadcast_add(bias)?;
        let context = softmax(&scores)?
            .matmul(&v)?
            .transpose(1, 2)?
            .contiguous()?
            .reshape((batch * tokens, hidden))?;
        let attended = layer_norm(
            &(drop(linear(&context, self.w(6), self.w(7))?)? + x)?,
            self.w(8),
            self.w(9),
            eps,
        )?;
        let inner = linear(&attended, self.w(10), self.w(11))?.gelu_erf()?;
        layer_norm(
            &(drop(linear(&inner, self.w(12), self.w(13))?)? + &attended)?,
            self.w(14),
            self.w(15),
            eps,
        )
    }
}

fn linear(x: &Tensor, weight: &Tensor, bias: &Tensor) -> candle_core::Result<Tensor> {
    x.matmul(&weight.t()?)?.broadcast_add(bias)
}

fn layer_norm(x: &Tensor, weight: &Tensor, bias: &Tensor, eps: f64) -> candle_core::Result<Tensor> {
    let centred = x.broadcast_sub(&x.mean_keepdim(D::Minus1)?)?;
    let std = (centred.sqr()?.mean_keepdim(D::Minus1)? + eps)?.sqrt()?;
    centred
        .broadcast_div(&std)?
        .broadcast_mul(weight)?
        .broadcast_add(bias)
}

/// Softmax over the last dimension; the row maximum only keeps `exp` in range, so it is
/// held out of the gradient.
fn softmax(x: &Tensor) -> candle_core::Result<Tensor> {
    let shifted = x.broadcast_sub(&x.max_keepdim(D::Minus1)?.detach())?;
    let exp = shifted.exp()?;
    exp.broadcast_div(&exp.sum_keepdim(D::Minus1)?)
}

/// Fine-tunes `encoder`'s layers and a classification head to tell `classes` labels
/// apart from `texts`.
pub fn fine_tune(
    encoder: &Encoder,
    texts: &[&str],
    labels: &[usize],
    classes: usize,
    options: &TuneOptions,
    progress: &dyn Progress,
) -> Result<Tuned, NluError> {
    let failed = |e: candle_core::Error| NluError::Training(format!("fine-tuning: {e}"));
    if texts.len() != labels.len() || texts.is_empty() {
        return Err(NluError::Training(
            "fine-tuning needs one label per text and at least one text".into(),
        ));
    }
    if labels.iter().any(|&label| label >= classes) {
        return Err(NluError::Training(format!(
            "fine-tuning: a label index is not below the {classes} classes"
        )));
    }
    if options.epochs == 0 || options.batch == 0 {
        return Err(NluError::Training(
            "fine-tuning needs at least one epoch and one text per batch".into(),
        ));
    }
    let config = encoder.config();
    let depth = options.layers.unwrap_or(config.num_hidden_layers);
    if !(1..=config.num_hidden_layers).contains(&depth) {
        return Err(NluError::Training(format!(
            "fine-tuning can keep 1 to {} layers, not {depth}",
            config.num_hidden_layers
        )));
    }
    let mut weights = encoder.weights()?;
    // The layers above those kept leave the model.
    weights.retain(|name, _| {
        name.strip_prefix("encoder.layer.")
            .and_then(|rest| rest.split('.').next())
            .and_then(|index| index.parse::<usize>().ok())
            .is_none_or(|index| index < depth)
    });
    let layers: Vec<TrainLayer> = (0..depth)
        .map(|layer| {
            let vars = LAYER_WEIGHTS.map(|name| {
                let name = format!("encoder.layer.{layer}.{name}");
                let tensor = weights.get(&name).ok_or_else(|| {
                    NluError::Training(format!("the encoder's weights have no {name}"))
                })?;
                Var::from_tensor(&tensor.to_dtype(DType::F32).map_err(failed)?).map_err(failed)
            });
            let mut out = Vec::with_capacity(vars.len());
            for var in vars {
                out.push(var?);
            }
            let array: [Var; 16] = out.try_into().map_err(|_| {
                NluError::Training("a layer has the wrong number of weights".into())
            })?;
            Ok(TrainLayer(array))
        })
        .collect::<Result<_, NluError>>()?;
    let hidden = config.hidden_size;
    let head_weight = Var::zeros((classes, hidden), DType::F32, &Device::Cpu).map_err(failed)?;
    let head_bias = Var::zeros(classes, DType::F32, &Device::Cpu).map_err(failed)?;

    let adamw = |vars: Vec<Var>, lr: f64| {
        AdamW::new(
            vars,
            ParamsAdamW {
                lr,
                weight_decay: 0.01,
                ..ParamsAdamW::default()
            },
        )
        .map_err(failed)
    };
    let mut body = adamw(
        layers.iter().flat_map(|l| l.0.iter().cloned()).collect(),
        options.learning_rate,
    )?;
    let mut head = adamw(
        vec![head_weight.clone(), head_bias.clone()],
        options.head_learning_rate,
    )?;

    let ids = texts
        .iter()
        .map(|t| encoder.cut_ids(t, options.tokens))
        .collect::<Result<Vec<_>, NluError>>()?;
    let mut rng = StdRng::seed_from_u64(options.seed);
    let steps_per_epoch = texts.len().div_ceil(options.batch);
    let steps = steps_per_epoch * options.epochs;
    let warmup = (steps / 16).max(1);
    progress.start("fine-tuning the encoder", steps as u64);
    let mut step = 0;
    for epoch in 1..=options.epochs {
        let (mut loss_sum, mut right) = (0.0f64, 0usize);
        for batch in length_grouped_batches(&ids, options.batch, &mut rng) {
            let scale = if step < warmup {
                (step + 1) as f64 / warmup as f64
            } else {
                (steps - step) as f64 / (steps - warmup).max(1) as f64
            };
            body.set_learning_rate(options.learning_rate * scale);
            head.set_learning_rate(options.head_learning_rate * scale);
            let rows: Vec<&[u32]> = batch.iter().map(|&i| ids[i].as_slice()).collect();
            let targets: Vec<u32> = batch.iter().map(|&i| labels[i] as u32).collect();
            let (loss, logits) = (|| {
                let (embedded, mask, _) = encoder.prepare(&rows)?;
                let (n, tokens, _) = embedded.dims3()?;
                let bias = crate::bert::attention_bias(&mask)?;
                let mut x = embedded.reshape((n * tokens, hidden))?;
                let mut drop = |t: Tensor| dropout(&t, options.hidden_dropout, &mut rng);
                for layer in &layers {
                    x = layer.forward(
                        &x,
                        &bias,
                        (n, tokens),
                        (config.num_attention_heads, config.layer_norm_eps),
                        &mut drop,
                    )?;
                }
                let x = x.reshape((n, tokens, hidden))?;
                let pooled = x
                    .broadcast_mul(&mask.unsqueeze(2)?)?
                    .sum(1)?
                    .broadcast_div(&mask.sum_keepdim(1)?)?;
                let length = pooled.sqr()?.sum_keepdim(1)?.sqrt()?;
                let pooled = (pooled.broadcast_div(&length)? * pool_scale(hidden))?;
                let pooled = dropout(&pooled, options.dropout, &mut rng)?;
                let logits = linear(&pooled, head_weight.as_tensor(), head_bias.as_tensor())?;
                let targets = Tensor::from_vec(targets, n, &Device::Cpu)?;
                Ok((candle_nn::loss::cross_entropy(&logits, &targets)?, logits))
            })()
            .map_err(failed)?;
            loss_sum += f64::from(loss.to_scalar::<f32>().map_err(failed)?) * batch.len() as f64;
            let guesses = logits
                .argmax(1)
                .and_then(|t| t.to_vec1::<u32>())
                .map_err(failed)?;
            right += guesses
                .iter()
                .zip(&batch)
                .filter(|&(&guess, &i)| guess as usize == labels[i])
                .count();
            let grads = loss.backward().map_err(failed)?;
            body.step(&grads).map_err(failed)?;
            head.step(&grads).map_err(failed)?;
            step += 1;
            progress.advance(1);
        }
        progress.note(&format!(
            "fine-tuning epoch {epoch}/{}: loss {:.4}, accuracy {:.2}% on the training texts \
             (with dropout)",
            options.epochs,
            loss_sum / texts.len() as f64,
            100.0 * right as f64 / texts.len() as f64
        ));
    }
    progress.finish();

    for (layer, trained) in layers.iter().enumerate() {
        for (name, var) in LAYER_WEIGHTS.iter().zip(&trained.0) {
            weights.insert(
                format!("encoder.layer.{layer}.{name}"),
                var.as_tensor().detach(),
            );
        }
    }
    let head = head_softmax(&head_weight, &head_bias, pool_scale(hidden)).map_err(failed)?;
    Ok(Tuned { weights, head })
}

/// The head `logits = W (scale e) + b` as a [`Softmax`] over the embedding `e`.
fn head_softmax(weight: &Tensor, bias: &Tensor, scale: f64) -> candle_core::Result<Softmax> {
    let (classes, dense) = weight.dims2()?;
    let mut weights = (weight.t()? * scale)?.flatten_all()?.to_vec1::<f32>()?;
    weights.extend(bias.to_vec1::<f32>()?);
    Ok(Softmax {
        classes,
        dense,
        sparse: 0,
        weights,
    })
}

/// Zeroes a `p` share of `x` and scales the rest up, with a mask from `rng` (so training
/// is repeatable for a seed).
fn dropout(x: &Tensor, p: f32, rng: &mut StdRng) -> candle_core::Result<Tensor> {
    if p <= 0.0 {
        return Ok(x.clone());
    }
    let keep = 1.0 / (1.0 - p);
    let mask: Vec<f32> = (0..x.elem_count())
        .map(|_| if rng.random::<f32>() < p { 0.0 } else { keep })
        .collect();
    x.mul(&Tensor::from_vec(mask, x.shape(), x.device())?)
}

/// One epoch's batches: shuffled, then in runs of 16 batches sorted by length and cut,
/// so each batch holds texts of similar length; the batches come in random order.
fn length_grouped_batches(ids: &[Vec<u32>], batch: usize, rng: &mut StdRng) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.shuffle(rng);
    let mut batches = Vec::with_capacity(ids.len().div_ceil(batch));
    for run in order.chunks_mut(batch * 16) {
        run.sort_by_key(|&i| ids[i].len());
        batches.extend(run.chunks(batch).map(<[usize]>::to_vec));
    }
    batches.shuffle(rng);
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_cover_every_text_once_and_group_lengths() {
        let ids: Vec<Vec<u32>> = (0..100).map(|i| vec![0; 2 + (i * 7) % 30]).collect();
        let mut rng = StdRng::seed_from_u64(1);
        let batches = length_grouped_batches(&ids, 8, &mut rng);
        let mut seen: Vec<usize> = batches.iter().flatten().copied().collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..100).collect::<Vec<_>>());
        assert!(batches.iter().all(|b| !b.is_empty() && b.len() <= 8));
        // Sorted runs: within a batch lengths are non-decreasing.
        for b in &batches {
            assert!(b.windows(2).all(|w| ids[w[0]].len() <= ids[w[1]].len()));
        }
    }

    #[test]
    fn the_training_forward_pass_matches_inference_ops() {
        let x = Tensor::new(
            &[[1.0f32, -2.0, 3.0, 0.5], [0.0, 0.1, -0.1, 4.0]],
            &Device::Cpu,
        )
        .unwrap();
        let w = Tensor::new(&[1.0f32, 2.0, 0.5, 1.0], &Device::Cpu).unwrap();
        let b = Tensor::new(&[0.0f32, 1.0, -1.0, 0.0], &Device::Cpu).unwrap();
        let ours = layer_norm(&x, &w, &b, 1e-12)
            .unwrap()
            .to_vec2::<f32>()
            .unwrap();
        let candle = candle_nn::ops::layer_norm(&x, &w, &b, 1e-12)
            .unwrap()
            .to_vec2::<f32>()
            .unwrap();
        for (a, c) in ours.iter().flatten().zip(candle.iter().flatten()) {
            assert!((a - c).abs() < 1e-5, "layer norm {a} vs {c}");
        }
        let ours = softmax(&x).unwrap().to_vec2::<f32>().unwrap();
        let candle = candle_nn::ops::softmax_last_dim(&x)
            .unwrap()
            .to_vec2::<f32>()
            .unwrap();
        for (a, c) in ours.iter().flatten().zip(candle.iter().flatten()) {
            assert!((a - c).abs() < 1e-6, "softmax {a} vs {c}");
        }
    }
}
