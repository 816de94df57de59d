//! `cargo xtask test`: every check and test, in order, failing fast.
//! Formatting and lints first (cheap), then native tests, the wizard build, wasm tests in
//! Chromium, and the end-to-end browser tests against a real reset-proxy: all of them in
//! Chromium, then the paths every browser must carry in Firefox and in WebKit.

use crate::phases::Phases;
use crate::tools::{self, Toolbox};
use crate::{shell, size, test_programs, wizard, workspace_root};
use anyhow::{Context, Result};

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
    let (tools, browser, axe, firefox, webkit) =
        phases.run("install tools (cached after the first run)", || {
            Ok((
                Toolbox::for_build(root)?,
                tools::ensure_chromium()?,
                tools::ensure_axe_core()?,
                tools::ensure_firefox()?,
                tools::ensure_webkit()?,
            ))
        })?;
    let e2e_dir = root.join("crates").join("e2e");
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
    // Every native test program, the browser tests' included, in one build: one feature
    // resolution, so no dependency is compiled twice (see `test_programs`).
    let programs = phases.run("native tests", || {
        let programs = test_programs::build(tools.command("cargo")?, &["--workspace"])?;
        // The browser tests need the built wizard: they run after the trunk build.
        test_programs::run_all(programs.iter().filter(|p| !p.is(&e2e_dir, "all")), &[])?;
        cargo(&["test", "--workspace", "--doc"])?;
        Ok(programs)
    })?;
    let browser_tests = programs
        .iter()
        .find(|p| p.is(&e2e_dir, "all"))
        .context("cargo built no browser-test program (crates/e2e/tests/all)")?;
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
            // One program (`crates/e2e/tests/all`), one browser at a time.
            let mut cmd = browser_tests.command();
            cmd.arg("--test-threads=1")
                .env("WIZARD_DIST", &dist)
                .env("CHROMEDRIVER", &browser.chromedriver)
                .env("CHROMIUM", &browser.chromium)
                .env("AXE_CORE_JS", &axe);
            shell::run(&mut cmd)
        },
    )?;
    // Firefox and WebKit: the paths every visitor's browser must carry, after Chromium's full run.
    let every_browser = |engine: &str, env: &[(&str, &std::path::Path)]| -> Result<()> {
        let mut cmd = browser_tests.command();
        cmd.args(EVERY_BROWSER_TESTS)
            .arg("--test-threads=1")
            .env("E2E_BROWSER", engine)
            .env("WIZARD_DIST", &dist)
            .env("AXE_CORE_JS", &axe);
        for (name, value) in env {
            cmd.env(name, value);
        }
        shell::run(&mut cmd)
    };
    phases.run("browser tests in Firefox ESR (geckodriver)", || {
        every_browser(
            "firefox",
            &[
                ("FIREFOX", firefox.firefox.as_path()),
                ("GECKODRIVER", firefox.geckodriver.as_path()),
            ],
        )
    })?;
    phases.run("browser tests in WebKitGTK (WebKitWebDriver, Xvfb)", || {
        every_browser(
            "webkit",
            &[
                ("WEBKIT_WEBDRIVER", webkit.driver.as_path()),
                ("MINIBROWSER", webkit.minibrowser.as_path()),
            ],
        )
    })?;
    phases.run(
        "release check (static Linux helper, Windows helper under wine)",
        || crate::release::suite_check(root, &dist),
    )?;
    size::report(&dist)
}

/// What Firefox and WebKit run, by test name: the whole connected reset, guided mode with a QR
/// upload read in the worker, a reload at every step (the code step included), the widget on a
/// help-center page, Arabic right to left, axe on every step, and the fallbacks for what a
/// browser may lack. Chromium runs everything; the rest add little a second engine would catch.
const EVERY_BROWSER_TESTS: [&str; 9] = [
    "a_whole_reset_ends_in_a_proven_login",
    "guided_mode_completes_with_no_proxy_running",
    "an_uploaded_qr_picture_is_read_in_the_worker_and_redrawn",
    "a_reload_at_every_step_keeps_the_place",
    "a_guided_reset_in_the_widget_reports_its_steps_and_fits_its_frame",
    "arabic_reads_right_to_left_and_stays_accessible",
    "every_step_has_no_accessibility_violations",
    "a_widget_without_a_camera_offers_the_qr_upload",
    "progress_kept_in_memory_is_said_where_storage_is_blocked",
];
