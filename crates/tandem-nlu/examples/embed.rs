//! Writes the sentence embedding of each text of a labelled CSV, one comma-separated line
//! per row, cut as messages are (for `scripts/banking77-peers`):
//! `cargo run --release -p tandem-nlu --example embed -- DATA.csv OUT.txt`

use std::io::Write;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [data, out] = args.as_slice() else {
        eprintln!("usage: embed DATA.csv OUT.txt");
        std::process::exit(2);
    };
    let encoder = tandem_nlu::Encoder::load(&tandem_nlu::fetch::default_model_dir())
        .expect("run `tandem nlu fetch` first");
    let examples = tandem_nlu::dataset::read_csv(Path::new(data)).expect("a labelled CSV");
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    let vectors = encoder.embed_queries(&texts).expect("embeds");
    let mut file = std::io::BufWriter::new(std::fs::File::create(out).expect("writable"));
    for vector in vectors {
        let line: Vec<String> = vector.iter().map(|x| x.to_string()).collect();
        writeln!(file, "{}", line.join(",")).expect("written");
    }
}
