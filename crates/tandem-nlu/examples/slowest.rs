//! Times `classify` per utterance of a labelled CSV and lists the slowest:
//! `cargo run --release -p tandem-nlu --example slowest -- MODEL_DIR DATA.csv`
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let classifier = tandem_nlu::Classifier::load(Path::new(&args[0])).expect("a model");
    let examples = tandem_nlu::dataset::read_csv(Path::new(&args[1])).expect("a csv");
    let encoder =
        tandem_nlu::Encoder::load(&tandem_nlu::fetch::default_model_dir()).expect("encoder");
    let spec = classifier.embedding_spec().cloned().unwrap_or_default();
    let mut rows = Vec::new();
    for e in &examples {
        let tokens = encoder.cut_ids(&e.text, spec.tokens).unwrap().len();
        let t0 = Instant::now();
        let features = encoder.features(&[e.text.as_str()], &spec).unwrap().pop();
        let t1 = Instant::now();
        let _ = classifier.predict(&e.text, features.as_deref(), 1);
        let t2 = Instant::now();
        rows.push((
            (t2 - t0).as_secs_f64() * 1e3,
            (t1 - t0).as_secs_f64() * 1e3,
            (t2 - t1).as_secs_f64() * 1e3,
            tokens,
        ));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    for r in rows.iter().take(15) {
        println!(
            "total {:.2} embed {:.2} predict {:.3} tokens {}",
            r.0, r.1, r.2, r.3
        );
    }
    let mut by_len = std::collections::BTreeMap::<usize, Vec<f64>>::new();
    for r in &rows {
        by_len.entry(r.3 / 4 * 4).or_default().push(r.1);
    }
    for (len, times) in by_len {
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        println!(
            "tokens {len:2}-{:2}: n {:4} mean embed {mean:.2} ms",
            len + 3,
            times.len()
        );
    }
}
