use tandem_nlu::{Encoder, Kernel, NluError, Precision, cosine};

use crate::tiny;

#[test]
fn tokenizer_from_a_local_directory_marks_and_lowercases() {
    let (_dir, encoder) = tiny::encoder();
    // [CLS]=2, hello=4, world=5, [SEP]=3; the shipped Fixed(32) padding is switched off.
    assert_eq!(encoder.token_ids("Hello WORLD").unwrap(), vec![2, 4, 5, 3]);
    assert_eq!(encoder.token_ids("cards").unwrap(), vec![2, 14, 15, 3]);
    assert_eq!(encoder.token_ids("zebra").unwrap(), vec![2, 1, 3]);
}

#[test]
fn embeddings_are_unit_length_and_batches_match_single_texts() {
    let (_dir, encoder) = tiny::encoder();
    assert_eq!(encoder.dimension(), 16);
    let texts = [
        "hello",
        "extend my payment please",
        "refund the order",
        "a card",
    ];
    let batch = encoder.embed(&texts).unwrap();
    for (text, vector) in texts.iter().zip(&batch) {
        let norm: f32 = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "{text}: {norm}");
        // Padding in the batch must not change a text's vector.
        let alone = encoder.embed(&[*text]).unwrap().remove(0);
        assert!(cosine(vector, &alone) > 0.9999, "{text}");
    }
    assert!(cosine(&batch[1], &batch[2]) < 0.9999);
    assert!(encoder.embed::<&str>(&[]).unwrap().is_empty());
}

#[test]
fn single_texts_from_many_threads_get_the_vectors_a_batch_gets() {
    let (_dir, encoder) = tiny::encoder();
    let texts = [
        "hello world",
        "refund the order",
        "a card please",
        "my payment",
    ];
    let batch = encoder.embed(&texts).unwrap();
    // Each single text runs in a one-thread pool; concurrent callers get pools of their own.
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..20 {
                    for (text, expected) in texts.iter().zip(&batch) {
                        let alone = encoder.embed(&[*text]).unwrap().remove(0);
                        assert!(cosine(expected, &alone) > 0.9999, "{text}");
                    }
                }
            });
        }
    });
}

#[test]
fn a_directory_without_weights_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    tiny::write_model(dir.path());
    std::fs::remove_file(dir.path().join("model.safetensors")).unwrap();
    let error = Encoder::load(dir.path()).unwrap_err();
    assert!(matches!(error, NluError::Io { .. }));
    assert!(error.to_string().contains("model.safetensors"), "{error}");

    std::fs::write(dir.path().join("model.safetensors"), b"not safetensors").unwrap();
    let error = Encoder::load(dir.path()).unwrap_err();
    assert!(error.to_string().contains("cannot be loaded"), "{error}");
}

#[test]
fn real_minilm_puts_paraphrases_closer_than_unrelated_sentences() {
    let encoder = tiny::real_model();
    assert_eq!(encoder.dimension(), 384);
    let v = encoder
        .embed(&[
            "I need more time to pay my invoice",
            "Can I postpone the due date of my payment?",
            "My card was stolen yesterday",
            "Someone took my bank card",
            "What is the weather like in Stockholm?",
        ])
        .unwrap();
    let paraphrase = cosine(&v[0], &v[1]);
    let paraphrase2 = cosine(&v[2], &v[3]);
    for unrelated in [
        cosine(&v[0], &v[2]),
        cosine(&v[0], &v[4]),
        cosine(&v[1], &v[3]),
        cosine(&v[3], &v[4]),
    ] {
        assert!(paraphrase > unrelated + 0.1, "{paraphrase} vs {unrelated}");
        assert!(
            paraphrase2 > unrelated + 0.1,
            "{paraphrase2} vs {unrelated}"
        );
    }
}

#[test]
fn integer_products_keep_the_real_models_embeddings() {
    let dir = tiny::real_model_dir();
    let exact = Encoder::load_with(&dir, Precision::F32).unwrap();
    assert_eq!((exact.precision(), exact.kernel()), (Precision::F32, None));
    // Every kernel this CPU runs (SSE 4.2 on any x86-64 CPU of the last 15 years).
    let kernels: Vec<Kernel> = Kernel::ALL
        .into_iter()
        .filter(|&kernel| Kernel::widest(Some(kernel)) == Some(kernel))
        .collect();
    if cfg!(target_arch = "x86_64") {
        assert!(kernels.contains(&Kernel::Sse), "{kernels:?}");
        let widest = Encoder::load_with(&dir, Precision::Int8).unwrap();
        assert_eq!(widest.kernel(), kernels.last().copied());
    }
    let texts = [
        "hi",
        "my card is not working",
        "I am still waiting on my card, it has been two weeks, what should I do?",
        "I made a transfer to my friend yesterday evening and the money still has not arrived \
         in his account, can you please check what happened",
        "Kan jag skjuta upp min faktura?",
    ];
    let expected = exact.embed(&texts).unwrap();
    for kernel in kernels {
        let quick = Encoder::load_with_kernel(&dir, Some(kernel)).unwrap();
        assert_eq!(
            (quick.precision(), quick.kernel()),
            (Precision::Int8, Some(kernel))
        );
        same_embeddings(&quick, &texts, &expected, kernel);
    }
}

/// `quick`'s embeddings of `texts`, in a batch and alone, against the `f32` ones.
fn same_embeddings(quick: &Encoder, texts: &[&str], expected: &[Vec<f32>], kernel: Kernel) {
    let batch = quick.embed(texts).unwrap();
    for (text, (e, q)) in texts.iter().zip(expected.iter().zip(&batch)) {
        // With 8-bit activations (AVX-512): 0.9976 on average over Banking77 dev texts,
        // 0.9925 at the lowest; with the 7 bits of the SSE and AVX2 kernels 0.9959 and
        // 0.9872 (`--example fidelity`, docs/benchmarks.md). A layout or scaling fault
        // would leave little of the vector.
        let seven_bits = kernel <= Kernel::Avx2;
        let floor = if seven_bits { 0.98 } else { 0.99 };
        let similarity = cosine(e, q);
        assert!(similarity > floor, "{kernel}, {text}: cosine {similarity}");
        // Alone, without a batch's padding, a text gets the same vector, up to codes
        // that round the other way where the masked attention's sums differ in the
        // last bit (a coarser code moves further when it does).
        let alone = quick.embed(&[*text]).unwrap().remove(0);
        let same = cosine(q, &alone);
        let floor = if seven_bits { 0.995 } else { 0.998 };
        assert!(same > floor, "{kernel}, {text}: cosine {same} alone");
    }
}

#[test]
fn an_unknown_precision_is_a_clear_error() {
    assert_eq!("int8".parse::<Precision>().unwrap(), Precision::Int8);
    assert_eq!(" F32 ".parse::<Precision>().unwrap(), Precision::F32);
    let error = "f64".parse::<Precision>().unwrap_err().to_string();
    assert!(
        error.contains("TANDEM_NLU_PRECISION must be int8 or f32, not \"f64\""),
        "{error}"
    );
}
