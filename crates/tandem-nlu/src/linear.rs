//! Multinomial logistic regression over a dense block and a sparse block of features,
//! trained with minibatch SGD and a cosine learning-rate schedule.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::tfidf::Sparse;

/// One example's features.
#[derive(Debug, Clone, Default)]
pub struct Features {
    pub dense: Vec<f32>,
    pub sparse: Sparse,
}

/// Weights, row-major: `dense` rows, then `sparse` rows, then the bias row; one column
/// per class.
#[derive(Debug, Clone)]
pub struct Softmax {
    pub classes: usize,
    pub dense: usize,
    pub sparse: usize,
    pub weights: Vec<f32>,
}

/// Training settings.
#[derive(Debug, Clone)]
pub struct Sgd {
    pub epochs: usize,
    pub learning_rate: f32,
    pub batch: usize,
    pub seed: u64,
}

impl Softmax {
    fn rows(&self) -> usize {
        self.dense + self.sparse + 1
    }

    /// Raw scores, one per class.
    pub fn logits(&self, x: &Features) -> Vec<f32> {
        let c = self.classes;
        let bias = (self.dense + self.sparse) * c;
        let mut out = self.weights[bias..bias + c].to_vec();
        let mut add = |row: usize, value: f32| {
            let w = &self.weights[row * c..(row + 1) * c];
            out.iter_mut().zip(w).for_each(|(o, w)| *o += value * w);
        };
        for (row, &value) in x.dense.iter().enumerate() {
            add(row, value);
        }
        for &(index, value) in &x.sparse {
            add(self.dense + index as usize, value);
        }
        out
    }

    /// Trains from zero weights. `epoch_done` is called after each epoch.
    pub fn train(
        examples: &[Features],
        labels: &[usize],
        classes: usize,
        dims: (usize, usize),
        sgd: &Sgd,
        epoch_done: &mut dyn FnMut(),
    ) -> Self {
        let (dense, sparse) = dims;
        let mut model = Self {
            classes,
            dense,
            sparse,
            weights: vec![0.0; (dense + sparse + 1) * classes],
        };
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut rng = StdRng::seed_from_u64(sgd.seed);
        let batch = sgd.batch.max(1);
        let steps = (sgd.epochs * examples.len().div_ceil(batch)).max(1);
        let mut step = 0;
        let mut residuals = vec![0.0f32; batch * classes];
        for _ in 0..sgd.epochs {
            order.shuffle(&mut rng);
            for chunk in order.chunks(batch) {
                let progress = step as f32 / steps as f32;
                let rate =
                    sgd.learning_rate * 0.5 * (1.0 + (std::f32::consts::PI * progress).cos());
                step += 1;
                // Gradient of the mean cross-entropy: (p - onehot) per example, computed
                // with the weights as they were at the start of the batch.
                for (slot, &i) in chunk.iter().enumerate() {
                    let p = softmax(&model.logits(&examples[i]), 1.0);
                    let r = &mut residuals[slot * classes..(slot + 1) * classes];
                    r.copy_from_slice(&p);
                    r[labels[i]] -= 1.0;
                }
                let scale = rate / chunk.len() as f32;
                for (slot, &i) in chunk.iter().enumerate() {
                    let r = &residuals[slot * classes..(slot + 1) * classes];
                    let x = &examples[i];
                    let mut update = |row: usize, value: f32| {
                        let w = &mut model.weights[row * classes..(row + 1) * classes];
                        w.iter_mut()
                            .zip(r)
                            .for_each(|(w, r)| *w -= scale * value * r);
                    };
                    for (row, &value) in x.dense.iter().enumerate() {
                        update(row, value);
                    }
                    for &(index, value) in &x.sparse {
                        update(dense + index as usize, value);
                    }
                    update(dense + sparse, 1.0);
                }
            }
            epoch_done();
        }
        debug_assert_eq!(model.weights.len(), model.rows() * classes);
        model
    }
}

/// Softmax of `logits / temperature`.
pub fn softmax(logits: &[f32], temperature: f32) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f32> = logits
        .iter()
        .map(|l| ((l - max) / temperature).exp())
        .collect();
    let sum: f32 = exp.iter().sum();
    exp.into_iter().map(|e| e / sum).collect()
}

/// The temperature that minimises the negative log-likelihood of `labels` (golden-section
/// search over log T in [-3, 5]): held-out confidences then match held-out accuracy.
pub fn fit_temperature(logits: &[Vec<f32>], labels: &[usize]) -> f32 {
    let nll = |log_t: f32| -> f32 {
        let t = log_t.exp();
        logits
            .iter()
            .zip(labels)
            .map(|(l, &y)| -(softmax(l, t)[y].max(1e-12)).ln())
            .sum()
    };
    let (mut a, mut b) = (-3.0f32, 5.0f32);
    let g = 0.618_034f32;
    for _ in 0..60 {
        let c = b - g * (b - a);
        let d = a + g * (b - a);
        if nll(c) < nll(d) {
            b = d;
        } else {
            a = c;
        }
    }
    ((a + b) / 2.0).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_problem() {
        let examples: Vec<Features> = (0..40)
            .map(|i| Features {
                dense: vec![if i % 2 == 0 { 1.0 } else { -1.0 }],
                sparse: vec![((i % 2) as u32, 1.0)],
            })
            .collect();
        let labels: Vec<usize> = (0..40).map(|i| i % 2).collect();
        let sgd = Sgd {
            epochs: 20,
            learning_rate: 1.0,
            batch: 4,
            seed: 1,
        };
        let model = Softmax::train(&examples, &labels, 2, (1, 2), &sgd, &mut || {});
        for (x, &y) in examples.iter().zip(&labels) {
            let p = softmax(&model.logits(x), 1.0);
            assert!(p[y] > 0.9, "{p:?}");
        }
    }

    #[test]
    fn temperature_softens_overconfident_scores() {
        // Always 10 to 0 for the first class, but right only half the time.
        let logits = vec![vec![10.0, 0.0]; 10];
        let labels = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
        let t = fit_temperature(&logits, &labels);
        assert!(t > 5.0, "{t}");
        assert!((softmax(&logits[0], t)[0] - 0.5).abs() < 0.1);
    }
}
