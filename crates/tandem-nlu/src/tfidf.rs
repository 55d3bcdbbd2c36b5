//! TF-IDF features: word unigrams and bigrams plus character 2-5-grams inside word
//! boundaries (which forgive typos and inflections), sublinear term frequency, smoothed
//! idf, unit-length rows.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// A sparse row: `(feature, value)` sorted by feature.
pub type Sparse = Vec<(u32, f32)>;

/// A fitted vocabulary with its idf weights.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tfidf {
    vocabulary: HashMap<String, u32>,
    idf: Vec<f32>,
}

/// Lower-cased words: runs of letters and digits.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn terms(text: &str) -> Vec<String> {
    let words = words(text);
    let mut terms = Vec::with_capacity(words.len() * 12);
    for word in &words {
        terms.push(format!("w {word}"));
        let padded: Vec<char> = format!(" {word} ").chars().collect();
        for n in 2..=5 {
            for gram in padded.windows(n) {
                let mut term = String::with_capacity(n + 2);
                term.push_str("c ");
                term.extend(gram);
                terms.push(term);
            }
        }
    }
    for pair in words.windows(2) {
        terms.push(format!("b {} {}", pair[0], pair[1]));
    }
    terms
}

impl Tfidf {
    /// Fits on `texts`, keeping terms seen in at least `min_df` of them.
    pub fn fit<S: AsRef<str>>(texts: &[S], min_df: usize) -> Self {
        let mut df: HashMap<String, u32> = HashMap::new();
        for text in texts {
            let mut seen = terms(text.as_ref());
            seen.sort_unstable();
            seen.dedup();
            for term in seen {
                *df.entry(term).or_default() += 1;
            }
        }
        let mut kept: Vec<(String, u32)> = df
            .into_iter()
            .filter(|(_, count)| *count as usize >= min_df.max(1))
            .collect();
        kept.sort_unstable();
        let n = texts.len() as f32;
        let idf = kept
            .iter()
            .map(|(_, count)| ((1.0 + n) / (1.0 + *count as f32)).ln() + 1.0)
            .collect();
        let vocabulary = kept
            .into_iter()
            .enumerate()
            .map(|(i, (term, _))| (term, i as u32))
            .collect();
        Self { vocabulary, idf }
    }

    /// The number of features.
    pub fn len(&self) -> usize {
        self.idf.len()
    }

    /// True when nothing was kept.
    pub fn is_empty(&self) -> bool {
        self.idf.is_empty()
    }

    /// The unit-length TF-IDF row of `text` (empty when it shares no term).
    pub fn transform(&self, text: &str) -> Sparse {
        let mut counts: HashMap<u32, f32> = HashMap::new();
        for term in terms(text) {
            if let Some(&index) = self.vocabulary.get(&term) {
                *counts.entry(index).or_default() += 1.0;
            }
        }
        let mut row: Sparse = counts
            .into_iter()
            .map(|(index, count)| (index, (1.0 + count.ln()) * self.idf[index as usize]))
            .collect();
        row.sort_unstable_by_key(|(index, _)| *index);
        let norm = row.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|(_, v)| *v /= norm);
        }
        row
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_unit_length_and_share_typo_grams() {
        let tfidf = Tfidf::fit(
            &[
                "extend my payment",
                "extend the payment please",
                "refund status",
            ],
            1,
        );
        let a = tfidf.transform("extend my payment");
        let norm: f32 = a.iter().map(|(_, v)| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        let typo = tfidf.transform("extnd paymnet");
        let dot = |x: &Sparse, y: &Sparse| -> f32 {
            x.iter()
                .filter_map(|(i, v)| y.iter().find(|(j, _)| j == i).map(|(_, w)| v * w))
                .sum()
        };
        let unrelated = tfidf.transform("refund status");
        assert!(dot(&a, &typo) > dot(&unrelated, &typo));
        assert!(tfidf.transform("zzzz qqqq").is_empty());
    }

    #[test]
    fn words_split_on_punctuation_and_keep_letters_of_any_script() {
        assert_eq!(
            words("Förläng min BETALNING, tack!"),
            ["förläng", "min", "betalning", "tack"]
        );
    }
}
