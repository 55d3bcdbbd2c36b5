//! Labelled examples from CSV (`text,label`), checked so a bad file gets a clear error
//! naming the line, and a stratified split for held-out measurement.

use std::collections::BTreeMap;
use std::path::Path;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::NluError;

/// One labelled text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub text: String,
    pub label: String,
}

/// Reads a CSV file with exactly the columns `text` and `label` (any order).
pub fn read_csv(path: &Path) -> Result<Vec<Example>, NluError> {
    let bytes = std::fs::read(path).map_err(|source| NluError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse_csv(&bytes).map_err(|why| NluError::Data {
        path: path.to_owned(),
        why,
    })
}

/// Parses CSV bytes; the error says what is wrong and on which line.
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<Example>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(
            "the file is empty; expected a header `text,label` and one example per line".into(),
        );
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let headers = reader.headers().map_err(describe)?.clone();
    let names: Vec<String> = headers.iter().map(|h| h.trim().to_lowercase()).collect();
    let column = |name: &str| names.iter().position(|h| h == name);
    let unknown: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|h| *h != "text" && *h != "label")
        .collect();
    let (Some(text), Some(label), true) = (column("text"), column("label"), unknown.is_empty())
    else {
        return Err(format!(
            "expected the columns `text,label`, found `{}`",
            headers.iter().collect::<Vec<_>>().join(",")
        ));
    };
    let mut examples = Vec::new();
    for record in reader.records() {
        let record = record.map_err(describe)?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).map(str::trim).unwrap_or_default();
        if field(text).is_empty() || field(label).is_empty() {
            return Err(format!("line {line}: empty text or label"));
        }
        examples.push(Example {
            text: field(text).to_owned(),
            label: field(label).to_owned(),
        });
    }
    if examples.is_empty() {
        return Err("the file has a header but no examples".into());
    }
    let labels: std::collections::BTreeSet<&str> =
        examples.iter().map(|e| e.label.as_str()).collect();
    if labels.len() < 2 {
        return Err(format!(
            "every example has the label `{}`; a classifier needs at least two labels",
            examples[0].label
        ));
    }
    Ok(examples)
}

fn describe(error: csv::Error) -> String {
    let line = error.position().map(|p| p.line());
    let at = line.map(|l| format!("line {l}: ")).unwrap_or_default();
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => format!("{at}not valid UTF-8 (save the file as UTF-8)"),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("{at}{len} fields where the header has {expected_len}")
        }
        _ => format!("{at}{error}"),
    }
}

/// Splits per label: `fraction` of each label's examples (at least one when the label has
/// two or more) go to the second part. Deterministic for a seed.
pub fn stratified_split(
    examples: &[Example],
    fraction: f64,
    seed: u64,
) -> (Vec<Example>, Vec<Example>) {
    let mut by_label: BTreeMap<&str, Vec<&Example>> = BTreeMap::new();
    for example in examples {
        by_label.entry(&example.label).or_default().push(example);
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut train, mut held) = (Vec::new(), Vec::new());
    for (_, mut group) in by_label {
        group.shuffle(&mut rng);
        let mut take = (group.len() as f64 * fraction).round() as usize;
        if take == 0 && group.len() >= 2 && fraction > 0.0 {
            take = 1;
        }
        held.extend(group[..take].iter().map(|e| (*e).clone()));
        train.extend(group[take..].iter().map(|e| (*e).clone()));
    }
    (train, held)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quoted_multiline_fields_in_any_column_order() {
        let rows = parse_csv(b"label,text\na,\"hello\nthere\"\nb,bye\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].text, "hello\nthere");
    }

    #[test]
    fn bad_files_get_clear_errors() {
        assert!(parse_csv(b"").unwrap_err().contains("empty"));
        assert!(
            parse_csv(b"text,category\nx,y\n")
                .unwrap_err()
                .contains("expected the columns `text,label`")
        );
        assert!(
            parse_csv(b"text,label,extra\nx,y,z\n")
                .unwrap_err()
                .contains("found `text,label,extra`")
        );
        assert!(
            parse_csv(b"text,label\n")
                .unwrap_err()
                .contains("no examples")
        );
        assert!(
            parse_csv(b"text,label\nx,a\ny,a\n")
                .unwrap_err()
                .contains("at least two labels")
        );
        assert!(
            parse_csv(b"text,label\nx,a\n,b\n")
                .unwrap_err()
                .contains("line 3: empty")
        );
        let err = parse_csv(b"text,label\nx,a\n\xff\xfe,b\n").unwrap_err();
        assert!(err.contains("line 3") && err.contains("UTF-8"), "{err}");
        assert!(
            parse_csv(b"text,label\nx,a,b\n")
                .unwrap_err()
                .contains("3 fields")
        );
    }

    #[test]
    fn split_is_stratified_and_deterministic() {
        let examples: Vec<Example> = (0..40)
            .map(|i| Example {
                text: format!("t{i}"),
                label: if i < 30 { "a" } else { "b" }.into(),
            })
            .collect();
        let (train, held) = stratified_split(&examples, 0.1, 7);
        assert_eq!((train.len(), held.len()), (36, 4));
        assert_eq!(held.iter().filter(|e| e.label == "a").count(), 3);
        assert_eq!(stratified_split(&examples, 0.1, 7).1, held);
    }
}
