//! `tandem eval`, `tandem nlu` and `tandem kb import` as a user runs them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn tandem() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
    // No model hub here: the encoder is on disk (scripts/test fetches it).
    command.env("HF_HUB_OFFLINE", "1");
    command
}

fn run(args: &[&str]) -> Output {
    tandem().args(args).output().expect("tandem runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn shared_scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval/scenarios")
}

#[test]
fn eval_passes_the_shared_scenario_suite_and_writes_the_json_report() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let scenarios = shared_scenarios();
    assert!(
        scenarios.is_dir(),
        "{} is missing (shared/ beside the clone)",
        scenarios.display()
    );
    let output = run(&[
        "eval",
        scenarios.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let report: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let summary = &report["summary"];
    assert_eq!(summary["passed"], summary["scenarios"], "{}", text(&output));
    assert_eq!(summary["policy_violations"], 0);
    for key in [
        "pass_rate",
        "ai_resolution_rate",
        "handoff_precision",
        "handoff_recall",
        "bounces",
        "mean_bot_turns",
        "turn_ms_p50",
        "turn_ms_p99",
    ] {
        assert!(summary[key].is_number(), "summary lacks {key}");
    }
    let first = &report["scenarios"][0];
    assert!(
        first["transcript"]
            .as_array()
            .is_some_and(|t| !t.is_empty())
    );
    assert!(first["final_state"]["orders"].is_array());
    assert!(text(&output).contains("passed"));
}

#[test]
fn eval_fails_clearly_on_a_bad_scenario_and_on_failing_checks() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.yaml"), "id: x\nnot a scenario: [").unwrap();
    let output = run(&["eval", dir.path().to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(text(&output).contains("broken.yaml"), "{}", text(&output));

    // A scenario whose expectation the engine cannot meet fails with the check named.
    let source =
        std::fs::read_to_string(shared_scenarios().join("kb-refund-time-en.yaml")).unwrap();
    let impossible = source.replace("- business days", "- no such words in any answer");
    std::fs::write(dir.path().join("broken.yaml"), impossible).unwrap();
    let output = run(&["eval", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("FAIL") && text(&output).contains("reply_contains"),
        "{}",
        text(&output)
    );
}

#[test]
fn nlu_train_eval_and_predict_on_a_small_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("tickets.csv");
    let mut csv = String::from("text,label\n");
    for (label, texts) in [
        (
            "refund",
            [
                "where is my refund",
                "refund not received",
                "money back when",
                "has the shop refunded me",
                "refund status please",
                "still no refund",
            ],
        ),
        (
            "extend",
            [
                "more time to pay",
                "extend my due date",
                "postpone the payment",
                "can I pay later",
                "push the invoice back",
                "extension please",
            ],
        ),
    ] {
        for t in texts {
            csv.push_str(&format!("{t},{label}\n"));
        }
    }
    std::fs::write(&data, csv).unwrap();
    let model = dir.path().join("model");
    let (trained, report) = train_and_eval(&data, &model, &[]);
    assert!(trained.contains("held-out accuracy"), "{trained}");
    // Fine-tuned by default: the epochs are reported and the model carries its encoder.
    assert!(trained.contains("fine-tuning took"), "{trained}");
    assert!(trained.contains("fine-tuning epoch 3/3: loss"), "{trained}");
    assert!(model.join("encoder/model.safetensors").is_file());
    for key in ["accuracy", "macro_f1", "p50_ms", "p99_ms", "confused"] {
        assert!(!report[key].is_null(), "eval JSON lacks {key}");
    }
    assert!(report["accuracy"].as_f64().unwrap() >= 0.9, "{report}");
    assert_eq!(report["uses_encoder"], true, "{report}");
    // x86-64 CPUs have SSE 4.2 since 2008: the products are in integers, with the
    // widest kernel the CPU runs; elsewhere in floats.
    let x86 = cfg!(target_arch = "x86_64");
    assert_eq!(
        report["precision"],
        if x86 { "int8" } else { "f32" },
        "{report}"
    );
    let kernel = report["kernel"].as_str().unwrap_or_default();
    let kernels = ["sse", "avx", "avx2", "avx512"];
    assert_eq!(kernels.contains(&kernel), x86, "{report}");

    // Precision and kernel by choice, and a clear error for a wrong one.
    let eval = |variable: &str, value: &str| {
        tandem()
            .env(variable, value)
            .args(["nlu", "eval", "--json", "--model", model.to_str().unwrap()])
            .args(["--data", data.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let output = eval("TANDEM_NLU_PRECISION", "f32");
    assert!(output.status.success(), "{}", text(&output));
    let exact: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(exact["precision"], "f32", "{exact}");
    assert!(exact["kernel"].is_null(), "{exact}");
    assert!(exact["accuracy"].as_f64().unwrap() >= 0.9, "{exact}");
    // Capped at SSE, and at AVX (which a CPU without AVX answers with SSE).
    #[cfg(target_arch = "x86_64")]
    let has_avx = std::arch::is_x86_feature_detected!("avx");
    #[cfg(not(target_arch = "x86_64"))]
    let has_avx = false;
    for cap in ["sse", "avx"] {
        let output = eval("TANDEM_NLU_KERNEL", cap);
        assert!(output.status.success(), "{}", text(&output));
        let narrow: Value = serde_json::from_slice(&output.stdout).unwrap();
        if x86 {
            assert_eq!(narrow["precision"], "int8", "{narrow}");
            let expected = if cap == "avx" && has_avx {
                "avx"
            } else {
                "sse"
            };
            assert_eq!(narrow["kernel"], expected, "{narrow}");
        }
        assert!(narrow["accuracy"].as_f64().unwrap() >= 0.9, "{narrow}");
    }
    for (variable, value, error) in [
        (
            "TANDEM_NLU_PRECISION",
            "f64",
            "TANDEM_NLU_PRECISION must be int8 or f32, not \"f64\"",
        ),
        (
            "TANDEM_NLU_KERNEL",
            "avx3",
            "TANDEM_NLU_KERNEL must be sse, avx, avx2 or avx512, not \"avx3\"",
        ),
    ] {
        let output = eval(variable, value);
        assert!(!output.status.success(), "{variable}={value}");
        assert!(text(&output).contains(error), "{}", text(&output));
    }

    // A shallower encoder: the lowest two layers, tuned, then tuned again on all.
    let shallow = dir.path().join("shallow");
    let (trained, report) = train_and_eval(
        &data,
        &shallow,
        &["--tune-layers", "2", "--tune-refit", "--tune-epochs", "2"],
    );
    assert!(trained.contains("fine-tuning took"), "{trained}");
    assert_eq!(
        trained.matches("fine-tuning epoch 2/2").count(),
        2,
        "tuned twice: {trained}"
    );
    let config: Value =
        serde_json::from_slice(&std::fs::read(shallow.join("encoder/config.json")).unwrap())
            .unwrap();
    assert_eq!(config["num_hidden_layers"], 2, "{config}");
    assert!(report["accuracy"].as_f64().unwrap() >= 0.9, "{report}");

    // Frozen: the model shares the encoder instead of carrying one.
    let frozen = dir.path().join("frozen");
    let (trained, report) = train_and_eval(&data, &frozen, &["--tune-epochs", "0"]);
    assert!(trained.contains("(embeddings + TF-IDF)"), "{trained}");
    assert!(!frozen.join("encoder").exists());
    assert!(report["accuracy"].as_f64().unwrap() >= 0.9, "{report}");
    assert_eq!(report["uses_encoder"], true, "{report}");

    let output = run(&[
        "nlu",
        "predict",
        "--model",
        model.to_str().unwrap(),
        "I need more time to pay",
    ]);
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("\textend "),
        "{}",
        text(&output)
    );
}

/// Trains a model on `data` into `out` with `extra` flags, then evaluates it on the same
/// file: the training output and the eval JSON.
fn train_and_eval(data: &Path, out: &Path, extra: &[&str]) -> (String, Value) {
    let mut args = vec![
        "nlu",
        "train",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--epochs",
        "30",
    ];
    args.extend(extra);
    let output = run(&args);
    assert!(output.status.success(), "{}", text(&output));
    let trained = text(&output);
    let output = run(&[
        "nlu",
        "eval",
        "--model",
        out.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--json",
    ]);
    assert!(output.status.success(), "{}", text(&output));
    (trained, serde_json::from_slice(&output.stdout).unwrap())
}

#[test]
fn nlu_train_rejects_bad_files_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("model");
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty.csv", b"", "empty"),
        (
            "columns.csv",
            b"message,category\nhi,a\n",
            "expected the columns `text,label`",
        ),
        (
            "one.csv",
            b"text,label\nhi,a\nho,a\n",
            "at least two labels",
        ),
        (
            "latin1.csv",
            b"text,label\nhej,a\nf\xf6rl\xe4ng,b\n",
            "UTF-8",
        ),
    ];
    // Runs `nlu train` on `data` with `extra` flags: it must fail, say `message`, and
    // write nothing.
    let refused = |data: &Path, extra: &[&str], message: &str| {
        let mut args = vec![
            "nlu",
            "train",
            "--data",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let output = run(&args);
        assert!(!output.status.success(), "{extra:?}");
        assert!(
            text(&output).contains(message),
            "{extra:?}: {}",
            text(&output)
        );
        assert!(!out.exists(), "{extra:?}: nothing is written");
    };
    for (name, bytes, message) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        refused(&path, &["--lexical-only"], message);
    }
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "text,label\nhi,a\nho,b\n").unwrap();
    for weight in ["0", "-1", "11"] {
        refused(&good, &["--dense-weight", weight], "--dense-weight");
    }
    // The encoder (fetched by scripts/test) has layers 1 to 6.
    refused(
        &good,
        &["--query-tokens", "1"],
        "--query-tokens must be from 2",
    );
    refused(&good, &["--pool-layers", "4,9"], "layer 9 does not exist");
    refused(&good, &["--pool-layers", "0"], "layer 0 does not exist");
    refused(
        &good,
        &["--tune-epochs", "1", "--lexical-only"],
        "--tune-epochs needs the encoder",
    );
    refused(
        &good,
        &["--tune-epochs", "1", "--tune-learning-rate", "0"],
        "--tune-learning-rate must be above 0",
    );
    refused(
        &good,
        &["--tune-epochs", "1", "--pool-layers", "4,6"],
        "--pool-layers cannot go with --tune-epochs",
    );
    refused(
        &good,
        &["--tune-epochs", "0", "--tune-layers", "4"],
        "--tune-layers needs fine-tuning",
    );
    refused(
        &good,
        &["--tune-layers", "0"],
        "--tune-layers must be at least 1",
    );
    refused(
        &good,
        &["--tune-epochs", "0", "--tune-refit"],
        "--tune-refit needs fine-tuning",
    );
    refused(&good, &["--tune-layers", "7"], "can keep 1 to 6 layers");
}

#[test]
fn kb_import_checks_and_installs_a_help_centre() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("articles");
    std::fs::create_dir_all(source.join("en")).unwrap();
    std::fs::write(
        source.join("en/opening-hours.md"),
        "---\nid: opening-hours\ntitle: When can I reach a person?\nlanguage: en\nurl: https://help.example/en/opening-hours\ntags: [contact]\n---\n\nOur team answers chats every day from 8 to 20.\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    let output = run(&[
        "kb",
        "import",
        source.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
        "--lexical-only",
    ]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(data.join("kb/en/opening-hours.md").is_file());
    assert!(
        text(&output).contains("imported 1 articles"),
        "{}",
        text(&output)
    );

    std::fs::write(source.join("en/bad.md"), "no front matter").unwrap();
    let output = run(&[
        "kb",
        "import",
        source.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
        "--lexical-only",
    ]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("bad.md") && text(&output).contains("front matter"),
        "{}",
        text(&output)
    );
    // The installed help centre is untouched by a failed import.
    assert!(data.join("kb/en/opening-hours.md").is_file());
}
