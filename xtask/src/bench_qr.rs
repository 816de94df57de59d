//! `cargo xtask bench qr [DATA_DIR] [qr-bench options]`: the QR decoding benchmark.
//! Builds crates/qr's `qr-bench` natively with a profile that unwinds, and runs it; then
//! times the same pictures in the built wasm worker in headless Chromium (the camera-frame
//! and upload budgets are about the browser, not the native build).

use crate::tools::{self, Toolbox};
use crate::{shell, wizard};
use anyhow::Result;
use std::path::Path;
use std::process::Command;

/// Where the ZXing blackbox pictures live, beside the checkout.
const DEFAULT_DATA: &str = "../shared/data/qr/zxing-blackbox";

/// Sets cargo's bench profile for speed. It inherits the workspace's release settings, made
/// for the wasm: panic = "abort" would end the run at rqrr's first panic (qr-bench catches them
/// per picture), and opt-level "z" with LTO would measure size, not speed.
pub fn speed_profile(cmd: &mut Command) {
    cmd.env("CARGO_PROFILE_BENCH_PANIC", "unwind")
        .env("CARGO_PROFILE_BENCH_OPT_LEVEL", "3")
        .env("CARGO_PROFILE_BENCH_LTO", "false")
        .env("CARGO_PROFILE_BENCH_CODEGEN_UNITS", "16");
}

/// Runs the benchmark; `args` are passed to qr-bench (a data folder first, if given).
/// Returns both parts' Markdown output.
pub fn run(root: &Path, args: Vec<String>) -> Result<String> {
    let mut bench_args = args;
    if bench_args.first().is_none_or(|a| a.starts_with('-')) {
        bench_args.insert(0, root.join(DEFAULT_DATA).to_string_lossy().into_owned());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["run", "--quiet", "--profile", "bench", "--package", "qr"])
        .args(["--features", "native", "--bin", "qr-bench", "--"])
        .args(&bench_args);
    speed_profile(&mut cmd);
    let native = shell::run_tee(&mut cmd)?;

    let toolbox = Toolbox::for_build(root)?;
    let browser = tools::ensure_chromium()?;
    let dist = wizard::build(root, &toolbox)?;
    let mut timing = toolbox.command("cargo")?;
    timing
        .current_dir(root)
        .args([
            "run",
            "--quiet",
            "-p",
            "e2e",
            "--example",
            "worker_timing",
            "--",
        ])
        .arg(&dist)
        .arg(&bench_args[0])
        .env("CHROMEDRIVER", &browser.chromedriver)
        .env("CHROMIUM", &browser.chromium);
    let worker = shell::run_tee(&mut timing)?;
    Ok(format!("{native}\n{worker}"))
}
