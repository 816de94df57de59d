//! Navigation to the first step being interactive, beside a plain HTML page served the same
//! way: runs `crates/e2e/examples/load_timing.rs` (which defines "interactive") in headless Chromium.

use super::{Bench, Section};
use crate::{bench_qr, shell};
use anyhow::{Context, Result};

/// Cold loads of each page; the median is reported.
const RUNS: usize = 9;
/// The line of load_timing's output that carries its figures.
const PREFIX: &str = "BENCH-JSON ";
/// The goals, as ratios to the plain page: the first screen shows almost as soon as a plain
/// page would, and the first step can be used soon after.
const PAINTED_GOAL: f64 = 1.5;
const INTERACTIVE_GOAL: f64 = 2.0;

/// load_timing's figures.
struct Figures {
    runs: u64,
    wizard_ms: f64,
    listed_ms: f64,
    plain_ms: f64,
    wizard_painted_ms: f64,
    plain_painted_ms: f64,
}

impl Figures {
    fn read(json: &str) -> Result<Self> {
        let value: serde_json::Value = serde_json::from_str(json)?;
        let number = |key: &str| {
            value[key]
                .as_f64()
                .with_context(|| format!("no {key} in {json}"))
        };
        Ok(Figures {
            runs: value["runs"].as_u64().context("no runs")?,
            wizard_ms: number("wizard_ms")?,
            listed_ms: number("listed_ms")?,
            plain_ms: number("plain_ms")?,
            wizard_painted_ms: number("wizard_painted_ms")?,
            plain_painted_ms: number("plain_painted_ms")?,
        })
    }
}

pub fn run(bench: &mut Bench) -> Result<Section> {
    let dist = bench.dist()?;
    let browser = bench.browser()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.current_dir(bench.root())
        .args(["run", "--quiet", "--profile", "bench", "-p", "e2e"])
        .args(["--example", "load_timing", "--"])
        .arg(&dist)
        .arg(RUNS.to_string())
        .env("CHROMEDRIVER", &browser.chromedriver)
        .env("CHROMIUM", &browser.chromium);
    // The server compresses the files as it sends them: built for speed, as reset-proxy is.
    bench_qr::speed_profile(&mut cmd);
    let out = shell::run_tee(&mut cmd)?;
    let json = out
        .lines()
        .find_map(|l| l.strip_prefix(PREFIX))
        .context("load_timing printed no figures")?;
    let f = Figures::read(json).context("reading load_timing's figures")?;
    let (painted, interactive) = (
        f.wizard_painted_ms / f.plain_painted_ms,
        f.wizard_ms / f.plain_ms,
    );
    let mut missed = Vec::new();
    if painted > PAINTED_GOAL {
        missed.push(format!(
            "load: the first screen paints at {painted:.2}× the plain page (goal ≤ {PAINTED_GOAL}×)"
        ));
    }
    if interactive > INTERACTIVE_GOAL {
        missed.push(format!(
            "load: the first step is interactive at {interactive:.2}× the plain page \
             (goal ≤ {INTERACTIVE_GOAL}×)"
        ));
    }
    let markdown = format!(
        "Median of {runs} cold loads each (HTTP cache cleared before every load), alternating, \
         each page the front page of its own reset-proxy (same settings) on loopback, in \
         headless Chromium (1024×900, no throttling). Milliseconds from navigation start.\n\n\
         | page | first screen painted ms | ratio to plain | interactive ms | ratio to plain |\n\
         |---|---:|---:|---:|---:|\n\
         | wizard, first step (\"Find your device\") | {wp:.0} | {rp:.2}× | {w:.0} | {r:.2}× |\n\
         | plain static HTML page, same elements | {pp:.0} | 1.00× | {p:.0} | 1.00× |\n\
         | wizard, the simulated device listed (discovery cache warm) | | | {l:.0} | {rl:.2}× |\n\n\
         **Painted** is the browser's first contentful paint (Paint Timing): for the wizard, the \
         static first screen in `index.html`, drawn before the wasm runs. Goals: painted \
         ≤ {PAINTED_GOAL}×, interactive ≤ {INTERACTIVE_GOAL}×. \
         **Interactive** means the page holds the first step's heading (`h2#step-heading`, \
         with text), the discovery list's \"Search again\" button and the address field \
         (`#device-address`), both rendered and enabled, so a person can read the step and act \
         on it (type an address, search again). It is `performance.now()` at the first DOM \
         change that meets that, watched by a MutationObserver installed before the page's own \
         scripts. The plain page is static HTML with the same three elements, no script and no \
         style sheet. \"Listed\" is when the discovered device's Choose button appears; \
         the proxy's discovery cache is warm after the unmeasured first load, so this is \
         the page's own cost; a first scan is measured under Discovery.\n",
        runs = f.runs,
        w = f.wizard_ms,
        p = f.plain_ms,
        l = f.listed_ms,
        r = interactive,
        rl = f.listed_ms / f.plain_ms,
        wp = f.wizard_painted_ms,
        pp = f.plain_painted_ms,
        rp = painted,
    );
    Ok(Section {
        title: "Load (navigation to the first step interactive)".into(),
        markdown,
        missed,
    })
}
