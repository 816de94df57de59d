//! `cargo xtask test`: every check and test, in order, failing fast.
//! Formatting and lints first (cheap), then native tests, the wizard build, wasm tests in
//! Chromium, and the end-to-end browser tests against a real reset-proxy.

use crate::phases::Phases;
use crate::tools::{self, Toolbox};
use crate::{shell, size, wizard, workspace_root};
use anyhow::Result;
use std::process::Command;

const CLIPPY_DENY: [&str; 3] = ["--", "-D", "warnings"];

/// Runs the whole suite; an error from any phase stops it.
pub fn run() -> Result<()> {
    let root = workspace_root();
    let mut phases = Phases::default();
    let result = run_phases(&root, &mut phases);
    phases.print_summary();
    result
}

fn run_phases(root: &std::path::Path, phases: &mut Phases) -> Result<()> {
    let (tools, browser, axe) = phases.run("install tools (cached after the first run)", || {
        Ok((
            Toolbox::for_build(root)?,
            tools::ensure_chromium()?,
            tools::ensure_axe_core()?,
        ))
    })?;
    let cargo = |args: &[&str]| -> Result<()> {
        let mut cmd = tools.command("cargo")?;
        cmd.current_dir(root).args(args);
        shell::run(&mut cmd)
    };

    phases.run("cargo fmt --check", || {
        cargo(&["fmt", "--all", "--", "--check"])
    })?;
    phases.run("clippy (native)", || {
        cargo(
            &[
                &["clippy", "--workspace", "--all-targets"][..],
                &CLIPPY_DENY,
            ]
            .concat(),
        )
    })?;
    phases.run("clippy (wasm32)", || {
        // The protocol crate's tests use proptest, which has no wasm32 entropy source:
        // its library is what the wizard ships, so that is what is linted for wasm32.
        let wasm = ["--target", "wasm32-unknown-unknown"];
        cargo(
            &[
                &["clippy", "-p", "wizard", "--all-targets"][..],
                &wasm,
                &CLIPPY_DENY,
            ]
            .concat(),
        )?;
        cargo(
            &[
                &["clippy", "-p", "protocol", "--lib"][..],
                &wasm,
                &CLIPPY_DENY,
            ]
            .concat(),
        )
    })?;
    phases.run("native tests", || {
        // The browser tests (`e2e`) need the built wizard: they run after the trunk build.
        cargo(&[
            "test",
            "--workspace",
            "--exclude",
            "wizard",
            "--exclude",
            "e2e",
        ])?;
        cargo(&["test", "-p", "wizard", "--lib"])
    })?;
    phases.run("fuzz smoke (every target, 2 min in all)", || {
        crate::fuzz::smoke(root)
    })?;
    let dist = phases.run("trunk build (release)", || wizard::build(root, &tools))?;
    phases.run("wasm tests (wasm-bindgen-test in Chromium)", || {
        let mut cmd = tools.command("cargo")?;
        cmd.current_dir(root)
            .args([
                "test",
                "-p",
                "wizard",
                "--target",
                "wasm32-unknown-unknown",
                "--test",
                "wasm",
            ])
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            )
            .env("CHROMEDRIVER", &browser.chromedriver);
        shell::run(&mut cmd)
    })?;
    phases.run(
        "browser tests (headless Chromium, real reset-proxy)",
        || {
            let mut cmd = Command::new("cargo");
            cmd.current_dir(root)
                // One binary (`crates/e2e/tests/all`), one browser at a time.
                .args([
                    "test",
                    "-p",
                    "e2e",
                    "--test",
                    "all",
                    "--",
                    "--test-threads=1",
                ])
                .env("WIZARD_DIST", &dist)
                .env("CHROMEDRIVER", &browser.chromedriver)
                .env("CHROMIUM", &browser.chromium)
                .env("AXE_CORE_JS", &axe);
            shell::run(&mut cmd)
        },
    )?;
    phases.run(
        "release check (static Linux helper, Windows helper under wine)",
        || crate::release::suite_check(root, &dist),
    )?;
    size::report(&dist)
}
