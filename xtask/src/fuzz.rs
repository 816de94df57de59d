//! `cargo xtask fuzz [--minutes N]`: every fuzz target of `crates/fuzz-driver` for N minutes
//! in all (default 10), then its figures, and the panics found and fixed so far, as the
//! "Fuzzing" section of BENCHMARKS.md. `cargo xtask test` runs [`smoke`] instead.

use crate::{report, shell};
use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;

/// The section's heading in BENCHMARKS.md.
pub const TITLE: &str = "Fuzzing (every parser of device and browser input)";

/// How long the smoke in `cargo xtask test` runs, all targets together.
pub const SMOKE_SECONDS: u64 = 120;

/// What earlier runs found, and what fixed it: kept by hand, as the driver only sees one run.
const FOUND_AND_FIXED: &str = "\
Found and fixed so far:

- `transcripts` (first run, 2026-12-07): the driver's own split of an input in two halves at a
  byte that was not a character boundary panicked (a bug in the harness, not the parsers);
  fixed by splitting at the nearest boundary before the middle.
";

/// Runs the targets for `minutes` in all with the `fuzz` profile (optimised, with overflow
/// checks and unwinding, so a panic is caught and reported rather than aborting), and records
/// the run.
pub fn run(root: &Path, minutes: u64) -> Result<()> {
    let out = target_dir(root);
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let report = out.join("fuzz-report.md");
    let started = std::time::Instant::now();
    let result = driver(root, "fuzz", minutes * 60, Some(&report));
    let took = started.elapsed().as_secs_f64() / 60.0;
    let figures = std::fs::read_to_string(&report)
        .with_context(|| format!("reading {}", report.display()))?;
    let markdown = format!(
        "Written by `cargo xtask fuzz --minutes {minutes}` ({took:.1} min with the build). \
         `crates/fuzz-driver` runs on stable Rust without coverage feedback: it mutates real \
         shapes (the protocol fixtures, request lines, transcripts) with flips, insertions, \
         repeats that build deep nesting, dictionary tokens, splices and edge-case numbers; a \
         panic or one input running over 10 s fails the run and saves the input under \
         `fuzz-crashes/` in the target folder. `cargo xtask test` runs every target for {SMOKE_SECONDS} s in \
         all. (Coverage-guided runs of the protocol parsers: `cargo +nightly fuzz run \
         isapi_parsers` in `crates/protocol`.)\n\n{}\n\n{FOUND_AND_FIXED}",
        figures.trim_end()
    );
    report::write_section(root, TITLE, &markdown)?;
    result
}

/// The short run of every target that `cargo xtask test` makes.
pub fn smoke(root: &Path) -> Result<()> {
    driver(root, "dev", SMOKE_SECONDS, None)
}

/// Cargo's target folder, where crashing inputs and the report go.
fn target_dir(root: &Path) -> std::path::PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => dir.into(),
        _ => root.join("target"),
    }
}

fn driver(root: &Path, profile: &str, seconds: u64, report: Option<&Path>) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["run", "--profile", profile, "-p", "fuzz-driver", "--"])
        .args(["--seconds", &seconds.to_string()])
        .arg("--crashes")
        .arg(target_dir(root).join("fuzz-crashes"));
    if let Some(report) = report {
        cmd.arg("--report").arg(report);
    }
    shell::run(&mut cmd)
}
