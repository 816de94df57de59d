//! The licence texts of every crate built into the helper, for its archive: the crates come
//! from `cargo metadata` (normal dependencies of reset-proxy for one target), the texts from the
//! licence files each crate ships in its registry source.

use anyhow::{Context, Result};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::process::Command;

/// File names (lowercase prefixes) that hold licence texts or notices.
const LICENCE_FILES: [&str; 5] = ["license", "licence", "copying", "notice", "unlicense"];

/// The LICENSES.txt text for reset-proxy built for `triple`.
pub fn collect(root: &Path, triple: &str) -> Result<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = crate::shell::capture(
        Command::new(cargo)
            .current_dir(root)
            .args(["metadata", "--format-version", "1", "--locked"])
            .args(["--features", "reset-proxy/embed-wizard"])
            .args(["--filter-platform", triple]),
    )?;
    if !out.status.success() {
        anyhow::bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let metadata: Value = serde_json::from_slice(&out.stdout).context("reading cargo metadata")?;
    let packages: HashMap<&str, &Value> = metadata["packages"]
        .as_array()
        .context("metadata without packages")?
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let nodes: HashMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .context("metadata without a resolve graph")?
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let start = packages
        .iter()
        .find(|(_, p)| p["name"] == "reset-proxy")
        .map(|(id, _)| *id)
        .context("reset-proxy is not in the workspace")?;

    // Normal (not build or dev) dependencies only: they are what ends up in the binary.
    let mut seen = HashSet::from([start]);
    let mut queue = vec![start];
    while let Some(id) = queue.pop() {
        let Some(node) = nodes.get(id) else { continue };
        for dep in node["deps"].as_array().into_iter().flatten() {
            let normal = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null());
            if let (true, Some(pkg)) = (normal, dep["pkg"].as_str()) {
                if seen.insert(pkg) {
                    queue.push(pkg);
                }
            }
        }
    }

    let mut by_name: BTreeMap<String, &Value> = BTreeMap::new();
    for id in &seen {
        // Workspace crates are covered by the first paragraph; proc-macros run only in the
        // compiler and leave no code in the binary.
        if let Some(p) = packages
            .get(id)
            .filter(|p| !p["source"].is_null() && !is_proc_macro(p))
        {
            let key = format!(
                "{} {}",
                p["name"].as_str().unwrap_or(""),
                p["version"].as_str().unwrap_or("")
            );
            by_name.insert(key, p);
        }
    }

    let mut text = format!(
        "Licences of the software built into reset-proxy ({triple})\n\n\
         reset-proxy and its own parts (protocol, devsim) are licensed MIT OR Apache-2.0.\n\
         It includes the {} crates below; each is listed with its licence and the licence\n\
         texts it ships. A text identical to one printed earlier is referred to by name.\n",
        by_name.len()
    );
    let mut printed: HashMap<String, String> = HashMap::new();
    for (name, p) in &by_name {
        let licence = p["license"].as_str().unwrap_or("(no licence field)");
        text.push_str(&format!("\n==== {name} — {licence} ====\n"));
        let dir = p["manifest_path"]
            .as_str()
            .and_then(|m| Path::new(m).parent())
            .context("package without a manifest path")?;
        let mut files = licence_files(dir);
        if let Some(extra) = p["license_file"].as_str() {
            let extra = dir.join(extra);
            if !files.contains(&extra) && extra.exists() {
                files.push(extra);
            }
        }
        if files.is_empty() {
            text.push_str("(this crate ships no licence text; its licence is named above)\n");
        }
        for file in files {
            let body = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let file_name = file
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            let body = body.trim().to_string();
            match printed.get(&body) {
                Some(first) => {
                    text.push_str(&format!("-- {file_name}: the same text as {first} above\n"))
                }
                None => {
                    text.push_str(&format!("-- {file_name}\n{body}\n"));
                    printed.insert(body, format!("{file_name} of {name}"));
                }
            }
        }
    }
    Ok(text)
}

fn is_proc_macro(package: &Value) -> bool {
    let targets = package["targets"].as_array();
    targets.is_some_and(|targets| {
        !targets.is_empty()
            && targets.iter().all(|t| {
                t["kind"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k == "proc-macro"))
            })
    })
}

/// The licence files at the top of a crate's source folder, sorted by name.
fn licence_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            p.file_name()
                .map(|f| f.to_string_lossy().to_ascii_lowercase())
                .is_some_and(|f| LICENCE_FILES.iter().any(|l| f.starts_with(l)))
        })
        .collect();
    files.sort();
    files
}
