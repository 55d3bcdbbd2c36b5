//! The public scenario suite (`shared/eval/scenarios`) read and built as worlds on SQLite
//! and PostgreSQL. One test binary (faster linking), one module per concern.

mod files;
mod world;

use std::path::PathBuf;

use tandem_scenario::Scenario;

/// The public scenarios, or `None` (with a loud note) when the shared directory is not
/// beside the repository. With `CI=true` a missing directory fails the test.
pub fn public_scenarios() -> Option<Vec<Scenario>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval/scenarios");
    if !dir.is_dir() {
        let msg = format!(
            "the public scenarios are missing: {} is not a directory",
            dir.display()
        );
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}");
        }
        eprintln!("!!!!!!!! SKIPPED: {msg} !!!!!!!!");
        return None;
    }
    let scenarios = tandem_scenario::load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !scenarios.is_empty(),
        "no *.yaml files in {}",
        dir.display()
    );
    Some(scenarios)
}
