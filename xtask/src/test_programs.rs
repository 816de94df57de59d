//! The native test programs, built by one cargo invocation and run one by one.
//!
//! `cargo test -p e2e` after `cargo test --workspace --exclude e2e` resolves other features for
//! shared dependencies (syn, hyper-util, tower, time, ...), so a cold run compiled them, and
//! every proc-macro crate, twice. Building every test program at once, then starting each
//! program itself, compiles each dependency once and keeps the browser tests' program at hand.

use crate::shell;
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One built test program: a crate's unit tests or one of its test targets.
pub struct TestProgram {
    /// The test target's name (`all` for integration tests, the crate's name for unit tests).
    pub target: String,
    /// The executable cargo built.
    pub path: PathBuf,
    /// Its crate's folder: cargo starts test programs there, and so does this.
    pub crate_dir: PathBuf,
}

impl TestProgram {
    /// A command that runs this program as `cargo test` would, from its crate's folder.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.path);
        cmd.current_dir(&self.crate_dir);
        cmd
    }

    /// Whether this is `crate_dir`'s integration-test program `target`.
    pub fn is(&self, crate_dir: &Path, target: &str) -> bool {
        self.crate_dir == crate_dir && self.target == target
    }
}

/// Builds the test programs of `cargo test <selection> --no-run` and lists them; cargo's
/// progress and diagnostics go to the terminal as usual.
pub fn build(mut cargo: Command, selection: &[&str]) -> Result<Vec<TestProgram>> {
    cargo
        .arg("test")
        .args(selection)
        .args(["--no-run", "--message-format=json-render-diagnostics"])
        .stdout(Stdio::piped());
    let line = format!("cargo test {} --no-run", selection.join(" "));
    println!("$ {line}");
    let mut child = cargo
        .spawn()
        .with_context(|| format!("could not start `{line}`"))?;
    let mut programs = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        for message in BufReader::new(stdout).lines() {
            let message = message.with_context(|| format!("reading the output of `{line}`"))?;
            if let Some(program) = test_program(&message) {
                programs.push(program);
            }
        }
    }
    let status = child
        .wait()
        .with_context(|| format!("waiting for `{line}`"))?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    Ok(programs)
}

/// Runs each program with `args`; every one runs, and the failures are named together.
pub fn run_all<'a>(
    programs: impl IntoIterator<Item = &'a TestProgram>,
    args: &[&str],
) -> Result<()> {
    let mut failed = Vec::new();
    for program in programs {
        if let Err(error) = shell::run(program.command().args(args)) {
            eprintln!("{error:#}");
            failed.push(program.path.display().to_string());
        }
    }
    if !failed.is_empty() {
        bail!("these test programs failed: {}", failed.join(", "));
    }
    Ok(())
}

/// The test program a cargo JSON message announces, if it announces one.
fn test_program(message: &str) -> Option<TestProgram> {
    let value: serde_json::Value = serde_json::from_str(message).ok()?;
    if value["reason"] != "compiler-artifact" || value["profile"]["test"] != true {
        return None;
    }
    let path = value["executable"].as_str()?;
    let manifest = Path::new(value["manifest_path"].as_str()?);
    Some(TestProgram {
        target: value["target"]["name"].as_str()?.to_owned(),
        path: PathBuf::from(path),
        crate_dir: manifest.parent()?.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_test_program_from_cargo_json() {
        let message = r#"{"reason":"compiler-artifact","package_id":"path+file:///w/crates/e2e#0.1.0","manifest_path":"/w/crates/e2e/Cargo.toml","target":{"kind":["test"],"name":"all"},"profile":{"test":true},"executable":"/t/debug/deps/all-0123"}"#;
        let program = test_program(message).expect("a test program");
        assert!(program.is(Path::new("/w/crates/e2e"), "all"));
        assert_eq!(program.path, Path::new("/t/debug/deps/all-0123"));
    }

    #[test]
    fn skips_libraries_and_other_messages() {
        let library = r#"{"reason":"compiler-artifact","manifest_path":"/w/Cargo.toml","target":{"name":"protocol"},"profile":{"test":false},"executable":null}"#;
        assert!(test_program(library).is_none());
        assert!(test_program(r#"{"reason":"build-finished","success":true}"#).is_none());
        assert!(test_program("not json").is_none());
    }
}
