use tandem_nlu::linear::Features;
use tandem_nlu::tune::{TuneOptions, Tuned, fine_tune};
use tandem_nlu::{Classifier, Example, Quiet, TrainOptions};

use crate::tiny;

/// Two labels in the tiny model's vocabulary.
const TEXTS: [(&str, usize); 12] = [
    ("my refund", 0),
    ("the refund please", 0),
    ("a refund", 0),
    ("refund my order", 0),
    ("the refunds", 0),
    ("refunds please", 0),
    ("extend my payment", 1),
    ("extend the payment please", 1),
    ("a payment", 1),
    ("extend", 1),
    ("extend a card", 1),
    ("payments please", 1),
];

/// Mean distance between the two labels' centroids over the mean distance of a text to
/// its own label's centroid.
fn separation(encoder: &tandem_nlu::Encoder) -> f32 {
    let texts: Vec<&str> = TEXTS.iter().map(|(t, _)| *t).collect();
    let vectors = encoder.embed(&texts).unwrap();
    let dim = vectors[0].len();
    let mut centroids = vec![vec![0.0f32; dim]; 2];
    for ((_, label), v) in TEXTS.iter().zip(&vectors) {
        centroids[*label]
            .iter_mut()
            .zip(v)
            .for_each(|(c, x)| *c += x / 6.0);
    }
    let distance = |a: &[f32], b: &[f32]| -> f32 {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y) * (x - y))
            .sum::<f32>()
            .sqrt()
    };
    let within: f32 = TEXTS
        .iter()
        .zip(&vectors)
        .map(|((_, label), v)| distance(v, &centroids[*label]))
        .sum::<f32>()
        / TEXTS.len() as f32;
    distance(&centroids[0], &centroids[1]) / within
}

fn options() -> TuneOptions {
    TuneOptions {
        epochs: 40,
        learning_rate: 1e-3,
        head_learning_rate: 1e-2,
        batch: 4,
        dropout: 0.0,
        hidden_dropout: 0.0,
        ..TuneOptions::default()
    }
}

#[test]
fn fine_tuning_pulls_each_label_together() {
    let (_dir, encoder) = tiny::encoder();
    let texts: Vec<&str> = TEXTS.iter().map(|(t, _)| *t).collect();
    let labels: Vec<usize> = TEXTS.iter().map(|(_, l)| *l).collect();
    let before = separation(&encoder);
    let Tuned { weights, head } =
        fine_tune(&encoder, &texts, &labels, 2, &options(), &Quiet).unwrap();
    let tuned = encoder.with_weights(weights).unwrap();
    let after = separation(&tuned);
    assert!(
        after > 2.0 * before,
        "separation of the labels before {before:.3}, after {after:.3}"
    );
    // The head reads the tuned encoder's sentence embedding as inference computes it.
    for (text, label) in TEXTS {
        let embedding = tuned.embed(&[text]).unwrap().pop().unwrap();
        let logits = head.logits(&Features {
            dense: embedding,
            sparse: Vec::new(),
        });
        let guess = if logits[0] >= logits[1] { 0 } else { 1 };
        assert_eq!(guess, label, "{text}: {logits:?}");
    }
    // The frozen embedding layer is left as it was.
    let base = encoder.weights().unwrap();
    let now = tuned.weights().unwrap();
    let name = "embeddings.word_embeddings.weight";
    let diff = (&base[name] - &now[name])
        .unwrap()
        .abs()
        .unwrap()
        .sum_all()
        .unwrap();
    assert_eq!(diff.to_scalar::<f32>().unwrap(), 0.0);
}

#[test]
fn fine_tuning_refuses_settings_that_cannot_train() {
    let (_dir, encoder) = tiny::encoder();
    let error = fine_tune(
        &encoder,
        &["a refund"],
        &[0],
        2,
        &TuneOptions {
            epochs: 0,
            ..TuneOptions::default()
        },
        &Quiet,
    )
    .unwrap_err();
    assert!(error.to_string().contains("at least one epoch"), "{error}");
    let error = fine_tune(&encoder, &["a refund"], &[], 2, &options(), &Quiet).unwrap_err();
    assert!(error.to_string().contains("one label per text"), "{error}");
    let error = fine_tune(&encoder, &["a refund"], &[2], 2, &options(), &Quiet).unwrap_err();
    assert!(
        error.to_string().contains("not below the 2 classes"),
        "{error}"
    );
    for layers in [0, 3] {
        let keep = TuneOptions {
            layers: Some(layers),
            ..options()
        };
        let error = fine_tune(&encoder, &["a refund"], &[0], 2, &keep, &Quiet).unwrap_err();
        assert!(
            error.to_string().contains("can keep 1 to 2 layers"),
            "{error}"
        );
    }
}

fn examples() -> Vec<Example> {
    TEXTS
        .iter()
        .map(|(text, label)| Example {
            text: (*text).into(),
            label: ["refund", "extend"][*label].into(),
        })
        .collect()
}

#[test]
fn a_fine_tuned_classifier_may_keep_only_the_lowest_layers() {
    let (_dir, encoder) = tiny::encoder();
    assert_eq!(encoder.depth(), 2);
    let options = TrainOptions {
        holdout: 0.0,
        min_df: 1,
        tune: Some(TuneOptions {
            layers: Some(1),
            ..options()
        }),
        ..TrainOptions::default()
    };
    let (classifier, _) = Classifier::train(&examples(), Some(&encoder), &options, &Quiet).unwrap();
    let tuned = classifier.tuned_encoder().expect("carries its encoder");
    assert_eq!(tuned.depth(), 1);
    assert!(
        !tuned
            .weights()
            .unwrap()
            .keys()
            .any(|name| name.starts_with("encoder.layer.1.")),
        "the dropped layer's weights leave the model"
    );
    let text = "refund my order please";
    let own = classifier.classify(None, text, 2).unwrap();
    assert_eq!(own[0].label, "refund");

    let saved = tempfile::tempdir().unwrap();
    classifier.save(saved.path()).unwrap();
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(saved.path().join("encoder/config.json")).unwrap())
            .unwrap();
    assert_eq!(config["num_hidden_layers"], 1);
    assert_eq!(
        config["hidden_size"], 16,
        "the rest of the configuration is kept"
    );
    let loaded = Classifier::load(saved.path()).unwrap();
    assert_eq!(loaded.tuned_encoder().unwrap().depth(), 1);
    assert_eq!(loaded.classify(None, text, 2).unwrap(), own);
}

#[test]
fn a_fine_tuned_classifier_carries_its_encoder_through_save_and_load() {
    let (_dir, encoder) = tiny::encoder();
    let examples = examples();
    let options = TrainOptions {
        holdout: 0.0,
        min_df: 1,
        // As many epochs as the test above, whose head learns every text: fewer left
        // this one at the mercy of the order of floating-point sums across threads.
        tune: Some(options()),
        ..TrainOptions::default()
    };
    let (classifier, report) =
        Classifier::train(&examples, Some(&encoder), &options, &Quiet).unwrap();
    assert!(report.tune_seconds > 0.0);
    let tuned = classifier.tuned_encoder().expect("carries its encoder");
    assert_ne!(
        tuned.embed(&["a refund"]).unwrap(),
        encoder.embed(&["a refund"]).unwrap(),
        "the carried encoder is the tuned one"
    );
    // Its own encoder answers, whichever shared one is passed.
    let text = "extend my payment please";
    let own = classifier.classify(None, text, 2).unwrap();
    assert_eq!(own, classifier.classify(Some(&encoder), text, 2).unwrap());
    assert_eq!(own[0].label, "extend");

    let saved = tempfile::tempdir().unwrap();
    classifier.save(saved.path()).unwrap();
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(saved.path().join("classifier.json")).unwrap())
            .unwrap();
    assert_eq!(meta["format"], 3);
    let loaded = Classifier::load(saved.path()).unwrap();
    assert!(loaded.tuned_encoder().is_some());
    assert_eq!(loaded.classify(None, text, 2).unwrap(), own);

    // A model whose encoder went missing is a clear error, not a silent fallback.
    std::fs::remove_file(saved.path().join("encoder/model.safetensors")).unwrap();
    let error = Classifier::load(saved.path()).unwrap_err();
    assert!(error.to_string().contains("fine-tuned encoder"), "{error}");
}

/// The words (`w ...` terms) of the TF-IDF vocabulary a saved model carries.
fn saved_words(classifier: &Classifier) -> Vec<String> {
    let saved = tempfile::tempdir().unwrap();
    classifier.save(saved.path()).unwrap();
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(saved.path().join("classifier.json")).unwrap())
            .unwrap();
    meta["tfidf"]["vocabulary"]
        .as_object()
        .unwrap()
        .keys()
        .filter_map(|term| term.strip_prefix("w "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_refitted_fine_tuned_classifier_learns_the_held_out_examples_too() {
    let (_dir, encoder) = tiny::encoder();
    let every_word: std::collections::BTreeSet<String> = TEXTS
        .iter()
        .flat_map(|(text, _)| tandem_nlu::tfidf::words(text))
        .collect();
    let train = |refit_tuned: bool| {
        let options = TrainOptions {
            holdout: 0.3,
            min_df: 1,
            tune: Some(options()),
            refit_tuned,
            ..TrainOptions::default()
        };
        let (classifier, report) =
            Classifier::train(&examples(), Some(&encoder), &options, &Quiet).unwrap();
        assert!(report.holdout_examples > 0);
        assert!(report.holdout_accuracy.is_some());
        classifier
    };
    let once = saved_words(&train(false));
    assert!(
        every_word.iter().any(|word| !once.contains(word)),
        "some word occurs only in the held-out part: {once:?}"
    );
    let refitted = train(true);
    let words = saved_words(&refitted);
    assert!(
        every_word.iter().all(|word| words.contains(word)),
        "refitted on every example: {words:?}"
    );
    let best = refitted
        .classify(None, "refund my order please", 1)
        .unwrap();
    assert_eq!(best[0].label, "refund");
}
