//! Times each utterance of a labelled CSV as `tandem nlu eval` does (batch 1), split into
//! encoder and classifier, then lists the slowest and the encoder's mean time by length:
//! `RAYON_NUM_THREADS=1 cargo run --release -p tandem-nlu --example slowest -- MODEL DATA.csv`

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

struct Timing {
    encoder_ms: f64,
    classifier_ms: f64,
    tokens: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, data] = args.as_slice() else {
        eprintln!("usage: slowest MODEL_DIR DATA.csv");
        std::process::exit(2);
    };
    let classifier = tandem_nlu::Classifier::load(Path::new(model)).expect("a trained model");
    let examples = tandem_nlu::dataset::read_csv(Path::new(data)).expect("a labelled CSV");
    let encoder = tandem_nlu::Encoder::load(&tandem_nlu::fetch::default_model_dir())
        .expect("run `tandem nlu fetch` first");
    let spec = classifier.embedding_spec().cloned().unwrap_or_default();
    let mut timings: Vec<Timing> = examples
        .iter()
        .map(|example| {
            let text = example.text.as_str();
            let tokens = encoder.cut_ids(text, spec.tokens).expect("tokenizes").len();
            let started = Instant::now();
            let features = encoder.features(&[text], &spec).expect("embeds").pop();
            let encoded = Instant::now();
            let _ = classifier.predict(text, features.as_deref(), 1);
            Timing {
                encoder_ms: (encoded - started).as_secs_f64() * 1e3,
                classifier_ms: encoded.elapsed().as_secs_f64() * 1e3,
                tokens,
            }
        })
        .collect();
    let total = |t: &Timing| t.encoder_ms + t.classifier_ms;
    timings.sort_by(|a, b| total(b).total_cmp(&total(a)));
    for t in timings.iter().take(10) {
        println!(
            "{:6.2} ms = encoder {:6.2} + classifier {:.3}, {} tokens",
            total(t),
            t.encoder_ms,
            t.classifier_ms,
            t.tokens
        );
    }
    let mut by_length: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
    for t in &timings {
        by_length
            .entry(t.tokens / 4 * 4)
            .or_default()
            .push(t.encoder_ms);
    }
    for (from, times) in by_length {
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        println!(
            "{from:2}-{:2} tokens: {:4} texts, encoder mean {mean:.2} ms",
            from + 3,
            times.len()
        );
    }
}
