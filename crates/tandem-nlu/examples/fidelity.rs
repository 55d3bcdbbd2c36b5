//! How close the integer products keep the sentence embeddings to the `f32` ones: the
//! cosine between the two for each text of a labelled CSV (cut as messages are), one
//! text at a time as the agent embeds them. Prints the mean, the lowest and the share
//! below 0.99:
//! `cargo run --release -p tandem-nlu --example fidelity -- DATA.csv`

use std::path::Path;

use tandem_nlu::Precision;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [data] = args.as_slice() else {
        eprintln!("usage: fidelity DATA.csv");
        std::process::exit(2);
    };
    let dir = tandem_nlu::fetch::default_model_dir();
    let exact =
        tandem_nlu::Encoder::load_with(&dir, Precision::F32).expect("run `tandem nlu fetch` first");
    let quick = tandem_nlu::Encoder::load_with(&dir, Precision::Int8).expect("loads");
    // TANDEM_NLU_KERNEL=sse (or avx2) measures a narrower CPU's kernel.
    println!(
        "precision: {:?}, kernel: {:?}",
        quick.precision(),
        quick.kernel()
    );
    let examples = tandem_nlu::dataset::read_csv(Path::new(data)).expect("a labelled CSV");
    let mut cosines: Vec<f32> = examples
        .iter()
        .map(|example| {
            let e = exact
                .embed_queries(&[&example.text])
                .expect("embeds")
                .remove(0);
            let q = quick
                .embed_queries(&[&example.text])
                .expect("embeds")
                .remove(0);
            // Both are unit length.
            e.iter().zip(&q).map(|(a, b)| a * b).sum::<f32>()
        })
        .collect();
    cosines.sort_by(f32::total_cmp);
    let mean = cosines.iter().sum::<f32>() / cosines.len() as f32;
    let below = cosines.iter().filter(|&&c| c < 0.99).count();
    println!(
        "{} texts: cosine mean {mean:.5}, lowest {:.5}, 1st percentile {:.5}, below 0.99: {below}",
        cosines.len(),
        cosines[0],
        cosines[cosines.len() / 100],
    );
}
