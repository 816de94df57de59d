//! Building the wizard with Trunk, never from a build script (cargo's lock would deadlock).

use crate::shell;
use crate::tools::Toolbox;
use anyhow::Result;
use std::path::{Path, PathBuf};

/// Builds the wizard in release mode into `<root>/dist` and returns that folder.
pub fn build(root: &Path, tools: &Toolbox) -> Result<PathBuf> {
    let dist = root.join("dist");
    build_into(root, tools, &dist)?;
    Ok(dist)
}

/// Builds the wizard in release mode into `dist`.
pub fn build_into(root: &Path, tools: &Toolbox, dist: &Path) -> Result<()> {
    let mut trunk = tools.command("trunk")?;
    trunk
        .current_dir(root)
        .args(["build", "--release", "--dist"])
        .arg(dist)
        // Trunk compares this to Cargo.lock's wasm-bindgen as an exact string.
        .env("TRUNK_TOOLS_WASM_BINDGEN", &tools.wasm_bindgen_version);
    shell::run(&mut trunk)
}
