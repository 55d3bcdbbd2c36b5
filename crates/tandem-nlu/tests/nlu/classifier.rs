use tandem_nlu::encoder::EmbeddingSpec;
use tandem_nlu::{Classifier, Example, NluError, Quiet, TrainOptions};

use crate::tiny;

fn examples() -> Vec<Example> {
    let rows = [
        ("extend", "can I extend my payment"),
        ("extend", "i need more time to pay"),
        ("extend", "please postpone the due date"),
        ("extend", "push my payment back a week"),
        ("extend", "extend due date please"),
        ("extend", "more time for the invoice"),
        ("refund", "where is my refund"),
        ("refund", "refund has not arrived"),
        ("refund", "when do I get my money back"),
        ("refund", "status of my refund please"),
        ("refund", "the merchant refunded but nothing came"),
        ("refund", "still waiting for the money back"),
        ("human", "let me talk to a person"),
        ("human", "i want a human agent"),
        ("human", "real person please"),
        ("human", "connect me to customer service staff"),
        ("human", "can I speak to someone"),
        ("human", "agent please"),
    ];
    rows.iter()
        .map(|(label, text)| Example {
            text: (*text).into(),
            label: (*label).into(),
        })
        .collect()
}

#[test]
fn training_on_a_small_labelled_set_learns_it_and_survives_a_round_trip() {
    let examples = examples();
    let options = TrainOptions {
        holdout: 0.0,
        min_df: 1,
        ..TrainOptions::default()
    };
    let (classifier, report) = Classifier::train(&examples, None, &options, &Quiet).unwrap();
    assert_eq!(
        (report.examples, report.labels, report.holdout_examples),
        (18, 3, 0)
    );
    assert!(!classifier.uses_encoder());
    for example in &examples {
        assert_eq!(
            classifier.predict(&example.text, None, 1)[0].label,
            example.label,
            "{}",
            example.text
        );
    }
    let top = classifier.predict("i want to speak to a human", None, 3);
    assert_eq!(top.len(), 3);
    assert_eq!(top[0].label, "human");
    assert!(top[0].confidence > top[1].confidence && top[1].confidence >= top[2].confidence);
    let total: f32 = top.iter().map(|p| p.confidence).sum();
    assert!((total - 1.0).abs() < 1e-4);

    let dir = tempfile::tempdir().unwrap();
    classifier.save(dir.path()).unwrap();
    let loaded = Classifier::load(dir.path()).unwrap();
    assert_eq!(
        loaded.predict("where is my refund", None, 2),
        classifier.predict("where is my refund", None, 2)
    );
}

#[test]
fn the_joint_model_uses_embeddings_and_falls_back_without_them() {
    let (_dir, encoder) = tiny::encoder();
    let options = TrainOptions {
        holdout: 0.2,
        min_df: 1,
        ..TrainOptions::default()
    };
    let (classifier, report) =
        Classifier::train(&examples(), Some(&encoder), &options, &Quiet).unwrap();
    assert!(classifier.uses_encoder());
    assert_eq!(report.holdout_examples, 3);
    assert!(report.holdout_accuracy.is_some() && report.lexical_holdout_accuracy.is_some());
    let text = "please extend my payment";
    let embedding = encoder.embed(&[text]).unwrap().remove(0);
    assert_eq!(
        classifier.predict(text, Some(&embedding), 1)[0].label,
        "extend"
    );
    // Without the encoder (lexical-only mode) the TF-IDF model still answers.
    assert_eq!(classifier.predict(text, None, 1)[0].label, "extend");
    // An embedding of the wrong width is not trusted.
    assert_eq!(
        classifier.predict(text, Some(&[0.5; 3]), 1)[0].label,
        "extend"
    );

    let saved = tempfile::tempdir().unwrap();
    classifier.save(saved.path()).unwrap();
    let loaded = Classifier::load(saved.path()).unwrap();
    assert_eq!(
        loaded.predict(text, Some(&embedding), 3),
        classifier.predict(text, Some(&embedding), 3)
    );
}

#[test]
fn damaged_model_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let error = Classifier::load(dir.path()).unwrap_err();
    assert!(error.to_string().contains("classifier.json"), "{error}");
    let (classifier, _) = Classifier::train(
        &examples(),
        None,
        &TrainOptions {
            holdout: 0.0,
            min_df: 1,
            ..TrainOptions::default()
        },
        &Quiet,
    )
    .unwrap();
    classifier.save(dir.path()).unwrap();
    std::fs::write(dir.path().join("weights.safetensors"), b"garbage").unwrap();
    let error = Classifier::load(dir.path()).unwrap_err();
    assert!(matches!(error, NluError::BadClassifier { .. }), "{error}");
    std::fs::write(dir.path().join("classifier.json"), b"{").unwrap();
    assert!(
        Classifier::load(dir.path())
            .unwrap_err()
            .to_string()
            .contains("classifier.json")
    );
}

#[test]
fn one_label_is_refused() {
    let one: Vec<Example> = examples()
        .into_iter()
        .filter(|e| e.label == "refund")
        .collect();
    let error = Classifier::train(&one, None, &TrainOptions::default(), &Quiet).unwrap_err();
    assert!(error.to_string().contains("at least two labels"), "{error}");
}

#[test]
fn a_model_reads_the_encoder_features_it_was_trained_with() {
    let (_dir, encoder) = tiny::encoder();
    let spec = EmbeddingSpec {
        tokens: 6,
        layers: vec![2, 1],
    };
    // Layers 1 and 2 of the tiny model, each 16 wide and of unit length.
    let features = encoder
        .features(&["extend my payment please"], &spec)
        .unwrap();
    assert_eq!(features[0].len(), 32);
    for half in features[0].chunks(16) {
        let norm: f32 = half.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "{norm}");
    }
    assert!(!spec.is_sentence_embedding(encoder.depth()));
    assert!(EmbeddingSpec::default().is_sentence_embedding(encoder.depth()));

    let options = TrainOptions {
        holdout: 0.0,
        min_df: 1,
        embedding: spec.clone(),
        ..TrainOptions::default()
    };
    let (classifier, _) = Classifier::train(&examples(), Some(&encoder), &options, &Quiet).unwrap();
    assert_eq!(classifier.embedding_spec(), Some(&spec));
    let text = "please extend my payment";
    let top = classifier.classify(Some(&encoder), text, 2).unwrap();
    assert_eq!(top[0].label, "extend");
    assert_eq!(
        top,
        classifier.predict(text, Some(&encoder.features(&[text], &spec).unwrap()[0]), 2)
    );
    // Without an encoder the lexical model answers.
    assert_eq!(
        classifier.classify(None, text, 1).unwrap()[0].label,
        "extend"
    );

    let saved = tempfile::tempdir().unwrap();
    classifier.save(saved.path()).unwrap();
    let loaded = Classifier::load(saved.path()).unwrap();
    assert_eq!(loaded.embedding_spec(), Some(&spec));
    assert_eq!(loaded.classify(Some(&encoder), text, 2).unwrap(), top);
}

#[test]
fn a_format_1_model_reads_the_sentence_embedding() {
    let (_dir, encoder) = tiny::encoder();
    let options = TrainOptions {
        holdout: 0.0,
        min_df: 1,
        ..TrainOptions::default()
    };
    let (classifier, _) = Classifier::train(&examples(), Some(&encoder), &options, &Quiet).unwrap();
    let saved = tempfile::tempdir().unwrap();
    classifier.save(saved.path()).unwrap();
    // What an older tandem wrote: format 1, no record of the features.
    let path = saved.path().join("classifier.json");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    meta["format"] = 1.into();
    meta["dense"].as_object_mut().unwrap().remove("spec");
    std::fs::write(&path, meta.to_string()).unwrap();
    let loaded = Classifier::load(saved.path()).unwrap();
    assert_eq!(loaded.embedding_spec(), Some(&EmbeddingSpec::default()));
    let text = "where is my refund";
    assert_eq!(
        loaded.classify(Some(&encoder), text, 3).unwrap(),
        classifier.classify(Some(&encoder), text, 3).unwrap()
    );
    // A format from a newer tandem is refused clearly.
    meta["format"] = 99.into();
    std::fs::write(&path, meta.to_string()).unwrap();
    let error = Classifier::load(saved.path()).unwrap_err().to_string();
    assert!(error.contains("format 99"), "{error}");
}

#[test]
fn encoder_layers_that_do_not_exist_are_refused() {
    let (_dir, encoder) = tiny::encoder();
    for layers in [vec![3], vec![0, 1]] {
        let spec = EmbeddingSpec { tokens: 8, layers };
        let error = encoder.features(&["hello"], &spec).unwrap_err().to_string();
        assert!(error.contains("does not exist"), "{error}");
    }
    let spec = EmbeddingSpec {
        tokens: 1,
        layers: vec![],
    };
    assert!(encoder.features(&["hello"], &spec).is_err());
}
