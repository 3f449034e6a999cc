//! Finding policies: a file path, a policy directory, or the built-in files.

use anju_policy::Policy;
use std::path::Path;

use crate::Fail;

/// Loads the policy named by `spec`: a path to a .toml file, or an id looked
/// up in `dir` (when given, or ./policies when it exists), then built-in.
pub fn load(spec: &str, dir: Option<&Path>) -> Result<Policy, Fail> {
    if spec.ends_with(".toml") || spec.contains('/') {
        return load_file(Path::new(spec));
    }
    for d in search_dirs(dir) {
        let p = d.join(format!("{spec}.toml"));
        if p.is_file() {
            return load_file(&p);
        }
    }
    match anju_policy::builtin(spec) {
        Some(r) => Ok(r?),
        None => Err(Fail(format!(
            "--policy {spec}: 没有这个政策 (no such policy; known: {})",
            list(dir)
                .into_iter()
                .map(|(id, _)| id)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn load_file(path: &Path) -> Result<Policy, Fail> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Fail(format!(
            "{}: 无法读取政策文件 (cannot read policy file: {e})",
            path.display()
        ))
    })?;
    Ok(anju_policy::load(&path.display().to_string(), &text)?)
}

fn search_dirs(dir: Option<&Path>) -> Vec<std::path::PathBuf> {
    match dir {
        Some(d) => vec![d.to_path_buf()],
        None => {
            let local = Path::new("policies");
            if local.is_dir() {
                vec![local.to_path_buf()]
            } else {
                vec![]
            }
        }
    }
}

/// Every policy id available, with where it comes from.
pub fn list(dir: Option<&Path>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for d in search_dirs(dir) {
        if let Ok(entries) = std::fs::read_dir(&d) {
            let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            files.sort();
            for p in files {
                if p.extension().is_some_and(|e| e == "toml") {
                    if let Some(stem) = p.file_stem().and_then(|s| s.to_str()) {
                        out.push((stem.to_string(), p.display().to_string()));
                    }
                }
            }
        }
    }
    for (id, _) in anju_policy::BUILTIN {
        if !out.iter().any(|(i, _)| i == id) {
            out.push((id.to_string(), format!("builtin:{id}")));
        }
    }
    out
}
