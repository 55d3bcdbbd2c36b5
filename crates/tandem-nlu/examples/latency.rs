use std::time::Instant;
fn main() {
    let dir = tandem_nlu::fetch::default_model_dir();
    let enc = tandem_nlu::Encoder::load(&dir).unwrap();
    let texts = [
        "hi",
        "my card is not working",
        "I am still waiting on my card, it has been two weeks, what should I do?",
        "I made a transfer to my friend yesterday evening and the money still has not arrived in his account, can you please check what happened and why it takes so long because he needs it urgently for rent",
    ];
    for t in texts {
        let n = enc.token_ids(t).unwrap().len();
        let _ = enc.embed(&[t]).unwrap();
        let start = Instant::now();
        let reps = 30;
        for _ in 0..reps {
            let _ = enc.embed(&[t]).unwrap();
        }
        println!("{n:3} tokens: {:.2} ms", start.elapsed().as_secs_f64() * 1000.0 / reps as f64);
    }
}
