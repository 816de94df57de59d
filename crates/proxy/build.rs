//! With the `embed-wizard` feature, lists the built wizard's files (from `RESET_PROXY_WIZARD_DIST`)
//! so the binary carries them. It never builds the wizard: run `trunk build` first.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=RESET_PROXY_WIZARD_DIST");
    if std::env::var_os("CARGO_FEATURE_EMBED_WIZARD").is_none() {
        return;
    }
    let Some(dist) = std::env::var_os("RESET_PROXY_WIZARD_DIST").map(PathBuf::from) else {
        panic!(
            "the embed-wizard feature needs RESET_PROXY_WIZARD_DIST: the folder `trunk build` wrote"
        );
    };
    if !dist.join("index.html").is_file() {
        panic!(
            "{} has no index.html: build the wizard with trunk first",
            dist.display()
        );
    }
    println!("cargo:rerun-if-changed={}", dist.display());
    let mut files = Vec::new();
    collect(&dist, &dist, &mut files);
    files.sort();
    let mut source =
        String::from("/// The built wizard's files: (path without leading slash, bytes).\n");
    source.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
    for (relative, absolute) in files {
        println!("cargo:rerun-if-changed={}", absolute.display());
        let _ = writeln!(
            source,
            "    ({relative:?}, include_bytes!({:?})),",
            absolute.display().to_string()
        );
    }
    source.push_str("];\n");
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        panic!("cargo sets OUT_DIR for build scripts");
    };
    if let Err(err) = std::fs::write(out.join("wizard_files.rs"), source) {
        panic!("writing the embedded file list: {err}");
    }
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("reading {}", dir.display());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(relative) = path.strip_prefix(root) {
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((relative, path));
        }
    }
}
