//! Accuracy, macro-F1, the most confused label pairs, latency percentiles.

use std::collections::BTreeMap;

use serde::Serialize;

/// How often one label was predicted as another.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Confusion {
    pub expected: String,
    pub predicted: String,
    pub count: usize,
}

/// Share of exact matches.
pub fn accuracy(expected: &[&str], predicted: &[&str]) -> f64 {
    if expected.is_empty() {
        return 0.0;
    }
    expected
        .iter()
        .zip(predicted)
        .filter(|(e, p)| e == p)
        .count() as f64
        / expected.len() as f64
}

/// Unweighted mean of per-label F1 over the labels that occur in `expected`.
pub fn macro_f1(expected: &[&str], predicted: &[&str]) -> f64 {
    let mut counts: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new(); // tp, fp, fn
    for label in expected {
        counts.entry(label).or_default();
    }
    for (e, p) in expected.iter().zip(predicted) {
        if e == p {
            counts.entry(e).or_default().0 += 1;
        } else {
            counts.entry(p).or_default().1 += 1;
            counts.entry(e).or_default().2 += 1;
        }
    }
    let present: Vec<f64> = counts
        .iter()
        .filter(|(label, _)| expected.contains(label))
        .map(|(_, &(tp, fp, fn_))| {
            let denominator = 2 * tp + fp + fn_;
            if denominator == 0 {
                0.0
            } else {
                2.0 * tp as f64 / denominator as f64
            }
        })
        .collect();
    if present.is_empty() {
        0.0
    } else {
        present.iter().sum::<f64>() / present.len() as f64
    }
}

/// The `top` most frequent (expected, predicted) mistakes, most frequent first.
pub fn confused(expected: &[&str], predicted: &[&str], top: usize) -> Vec<Confusion> {
    let mut pairs: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (e, p) in expected.iter().zip(predicted).filter(|(e, p)| e != p) {
        *pairs.entry((e, p)).or_default() += 1;
    }
    let mut list: Vec<Confusion> = pairs
        .into_iter()
        .map(|((e, p), count)| Confusion {
            expected: e.to_owned(),
            predicted: p.to_owned(),
            count,
        })
        .collect();
    list.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.expected.cmp(&b.expected))
    });
    list.truncate(top);
    list
}

/// The `q`-quantile (nearest rank) of `values`, 0 when empty.
pub fn percentile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_match_hand_computed_values() {
        let expected = ["a", "a", "b", "c"];
        let predicted = ["a", "b", "b", "b"];
        assert_eq!(accuracy(&expected, &predicted), 0.5);
        // a: tp1 fn1 -> 2/3; b: tp1 fp2 -> 2/4; c: fn1 -> 0.
        assert!((macro_f1(&expected, &predicted) - (2.0 / 3.0 + 0.5) / 3.0).abs() < 1e-9);
        let top = confused(&expected, &predicted, 1);
        assert_eq!(
            top[0],
            Confusion {
                expected: "a".into(),
                predicted: "b".into(),
                count: 1
            }
        );
        assert_eq!(percentile(&[5.0, 1.0, 3.0, 2.0, 4.0], 0.5), 3.0);
        assert_eq!(percentile(&[5.0, 1.0, 3.0, 2.0, 4.0], 0.99), 5.0);
    }
}
