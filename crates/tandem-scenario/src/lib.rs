//! tandem's eval scenarios (`shared/eval/FORMAT.md`): YAML files read into typed
//! [`Scenario`]s, each built as an isolated world in a fresh store, and the final state of
//! that world exported for the report.
//!
//! Layout:
//! - [`model`]: the typed scenario ([`Scenario`], [`Expect`], [`Knows`], ...).
//! - `raw`: the YAML shape as written (strings kept as typed, unknown keys refused).
//! - `parse`: from the YAML shape to the typed scenario, with errors that name the file
//!   and the field (`orders[0].installments[1].amount: "12,00" is not a decimal amount`).
//!   Its `ledger` part reads orders, its `expect` part the expectations.
//! - [`world`]: [`build_world`] writes a scenario into a store; [`final_state`] reads the
//!   speaker's orders back in FORMAT.md's `final_state` shape.

#![forbid(unsafe_code)]

pub mod model;
mod parse;
mod raw;
pub mod world;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use model::{
    Answer, DEFAULT_MAX_TURNS, Expect, ExpectedAction, ExpectedInstallment, HandoffExpectation,
    Knows, OtherCustomer, Scenario, TOOLS,
};
pub use world::{WorldError, build_world, final_state, state_of};

/// A scenario file that could not be read or does not follow FORMAT.md.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{}: cannot read: {source}", file.display())]
    Read {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Not YAML, or not the shape of FORMAT.md (a missing or unknown key, a wrong type).
    #[error("{}: {source}", file.display())]
    Yaml {
        file: PathBuf,
        #[source]
        source: yaml_serde::Error,
    },
    /// A value that does not parse or does not fit the rest of the scenario.
    #[error("{}: {field}: {message}", file.display())]
    Invalid {
        file: PathBuf,
        field: String,
        message: String,
    },
    #[error("{}: scenario id {id:?} is used by {} too", file.display(), first.display())]
    DuplicateId {
        id: String,
        file: PathBuf,
        first: PathBuf,
    },
}

/// Parses the text of a scenario file; `file` names it in errors and in
/// [`Scenario::file`].
pub fn parse_scenario(file: &Path, text: &str) -> Result<Scenario, ScenarioError> {
    let raw: raw::RawScenario =
        yaml_serde::from_str(text).map_err(|source| ScenarioError::Yaml {
            file: file.to_owned(),
            source,
        })?;
    parse::scenario(file, raw).map_err(|e| ScenarioError::Invalid {
        file: file.to_owned(),
        field: e.field,
        message: e.message,
    })
}

/// Reads and parses one scenario file.
pub fn load_file(file: &Path) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(file).map_err(|source| ScenarioError::Read {
        file: file.to_owned(),
        source,
    })?;
    parse_scenario(file, &text)
}

/// Every `*.yaml` file under `dir`, recursively, sorted by path (a stable order), parsed.
/// Scenario ids must be unique across the directory.
pub fn load_dir(dir: &Path) -> Result<Vec<Scenario>, ScenarioError> {
    let mut files = Vec::new();
    collect_yaml(dir, &mut files)?;
    files.sort();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut scenarios = Vec::with_capacity(files.len());
    for file in files {
        let scenario = load_file(&file)?;
        if let Some(first) = seen.get(&scenario.id) {
            return Err(ScenarioError::DuplicateId {
                id: scenario.id,
                file,
                first: first.clone(),
            });
        }
        seen.insert(scenario.id.clone(), file);
        scenarios.push(scenario);
    }
    Ok(scenarios)
}

fn collect_yaml(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), ScenarioError> {
    let read_err = |source| ScenarioError::Read {
        file: dir.to_owned(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        let path = entry.map_err(read_err)?.path();
        if path.is_dir() {
            collect_yaml(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "yaml") {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
