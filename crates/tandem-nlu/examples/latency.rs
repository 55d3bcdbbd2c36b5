//! Encoder time per sentence by length, batch 1 (run with RAYON_NUM_THREADS=1 for one
//! core): `cargo run --release -p tandem-nlu --example latency`. Customer messages are
//! cut to `QUERY_TOKENS`, as the classifier and the agent see them.

use std::time::Instant;

fn main() {
    let dir = tandem_nlu::fetch::default_model_dir();
    let encoder = tandem_nlu::Encoder::load(&dir).expect("run `tandem nlu fetch` first");
    // TANDEM_NLU_PRECISION=f32 compares the float products, TANDEM_NLU_KERNEL=sse (or
    // avx2) a narrower CPU's integer kernel.
    println!(
        "precision: {:?}, kernel: {:?}",
        encoder.precision(),
        encoder.kernel()
    );
    let texts = [
        "hi",
        "my card is not working",
        "I am still waiting on my card, it has been two weeks, what should I do?",
        "I made a transfer to my friend yesterday evening and the money still has not arrived \
         in his account, can you please check what happened and why it takes so long because \
         he needs it urgently for rent",
    ];
    for text in texts {
        let tokens = encoder
            .token_ids(text)
            .expect("tokenizes")
            .len()
            .min(tandem_nlu::encoder::QUERY_TOKENS);
        let _ = encoder.embed_queries(&[text]).expect("embeds");
        // The median and the fastest of many runs: this machine's neighbours make single
        // timings noisy.
        let mut times: Vec<f64> = (0..60)
            .map(|_| {
                let started = Instant::now();
                let _ = encoder.embed_queries(&[text]).expect("embeds");
                started.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "{tokens:3} tokens: median {:.2} ms, fastest {:.2} ms",
            times[times.len() / 2],
            times[0]
        );
    }
}
