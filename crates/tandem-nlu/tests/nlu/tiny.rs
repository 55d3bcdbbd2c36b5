//! A tiny BERT with random weights and a word-level vocabulary, written into a temporary
//! directory in the same layout as a real model, so loading and batching are tested
//! without the 90 MB download.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use rand::{Rng, SeedableRng, rngs::StdRng};

pub const WORDS: [&str; 12] = [
    "hello", "world", "extend", "my", "payment", "refund", "please", "order", "the", "a", "card",
    "##s",
];

pub fn write_model(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let (hidden, layers, inter, positions) = (16usize, 2usize, 32usize, 64usize);
    let vocab = 4 + WORDS.len();
    let config = serde_json::json!({
        "vocab_size": vocab, "hidden_size": hidden, "num_hidden_layers": layers,
        "num_attention_heads": 4, "intermediate_size": inter,
        "max_position_embeddings": positions, "type_vocab_size": 2,
        "layer_norm_eps": 1e-12, "hidden_act": "gelu"
    });
    std::fs::write(dir.join("config.json"), config.to_string()).unwrap();

    let mut ids: serde_json::Map<String, serde_json::Value> = serde_json::Map::new();
    for (i, token) in ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
        .iter()
        .chain(WORDS.iter())
        .enumerate()
    {
        ids.insert((*token).to_owned(), i.into());
    }
    let tokenizer = serde_json::json!({
        "version": "1.0", "truncation": null,
        "padding": {"strategy": {"Fixed": 32}, "direction": "Right", "pad_to_multiple_of": null,
                    "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]"},
        "added_tokens": [],
        "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                       "strip_accents": null, "lowercase": true},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
        "decoder": null,
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": ids}
    });
    std::fs::write(dir.join("tokenizer.json"), tokenizer.to_string()).unwrap();

    let cpu = Device::Cpu;
    let mut tensors: HashMap<String, Tensor> = HashMap::new();
    // Normal(0, 0.5) by Box-Muller from a fixed seed: every test, every run, gets the same
    // model, so what a test learns does not depend on the draw.
    let mut rng = StdRng::seed_from_u64(11);
    let mut random = |name: String, shape: &[usize]| {
        let values: Vec<f32> = (0..shape.iter().product::<usize>())
            .map(|_| {
                let (u, v): (f32, f32) = (rng.random_range(f32::EPSILON..1.0), rng.random());
                0.5 * (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
            })
            .collect();
        tensors.insert(name, Tensor::from_vec(values, shape, &cpu).unwrap());
    };
    random("embeddings.word_embeddings.weight".into(), &[vocab, hidden]);
    random(
        "embeddings.position_embeddings.weight".into(),
        &[positions, hidden],
    );
    random(
        "embeddings.token_type_embeddings.weight".into(),
        &[2, hidden],
    );
    for l in 0..layers {
        let p = format!("encoder.layer.{l}");
        for part in [
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
            "attention.output.dense",
        ] {
            random(format!("{p}.{part}.weight"), &[hidden, hidden]);
            random(format!("{p}.{part}.bias"), &[hidden]);
        }
        random(format!("{p}.intermediate.dense.weight"), &[inter, hidden]);
        random(format!("{p}.intermediate.dense.bias"), &[inter]);
        random(format!("{p}.output.dense.weight"), &[hidden, inter]);
        random(format!("{p}.output.dense.bias"), &[hidden]);
    }
    let mut norms = vec!["embeddings.LayerNorm".to_owned()];
    for l in 0..layers {
        norms.push(format!("encoder.layer.{l}.attention.output.LayerNorm"));
        norms.push(format!("encoder.layer.{l}.output.LayerNorm"));
    }
    for norm in norms {
        tensors.insert(
            format!("{norm}.weight"),
            Tensor::ones(hidden, DType::F32, &cpu).unwrap(),
        );
        tensors.insert(
            format!("{norm}.bias"),
            Tensor::zeros(hidden, DType::F32, &cpu).unwrap(),
        );
    }
    candle_core::safetensors::save(&tensors, dir.join("model.safetensors")).unwrap();
}

/// The real all-MiniLM-L6-v2, which `scripts/test` fetches first (`tandem nlu fetch`).
/// Missing is a failure, never a skip.
/// The tiny model loaded from a temporary directory (kept alive by the first value).
pub fn encoder() -> (tempfile::TempDir, tandem_nlu::Encoder) {
    let dir = tempfile::tempdir().unwrap();
    write_model(dir.path());
    let encoder = tandem_nlu::Encoder::load(dir.path()).unwrap();
    (dir, encoder)
}

pub fn real_model() -> tandem_nlu::Encoder {
    tandem_nlu::Encoder::load(&real_model_dir()).expect("the real model loads")
}

/// Where [`real_model`] is read from.
pub fn real_model_dir() -> std::path::PathBuf {
    let dir = std::env::var_os("TANDEM_ENCODER_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(tandem_nlu::fetch::default_model_dir);
    assert!(
        tandem_nlu::fetch::is_complete(&dir),
        "all-MiniLM-L6-v2 is not in {}; run `cargo run -- nlu fetch` (scripts/test does)",
        dir.display()
    );
    dir
}
