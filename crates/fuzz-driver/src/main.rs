//! `fuzz-driver`: runs every fuzz target (`targets.rs`) for a share of a time budget on stable
//! Rust, mutating real shapes (`mutate.rs`); a panic or an input that takes too long is a bug.
//! `cargo xtask fuzz [--minutes N]` runs it and records the figures; `cargo xtask test` a smoke.

mod mutate;
mod targets;

use anyhow::{bail, Context, Result};
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use targets::{Target, ALL};

/// One input taking longer than this is a hang (every parser here is linear or close to it).
const HANG: Duration = Duration::from_secs(10);

const USAGE: &str =
    "usage: fuzz-driver [--seconds N] [--target NAME]... [--seed N] [--crashes DIR] [--report FILE]
       fuzz-driver --replay FILE --target NAME

Runs every fuzz target (or the named ones) for an equal share of N seconds (default 60);
a panicking input is saved under DIR (default target/fuzz-crashes) and the run fails.";

struct Options {
    seconds: u64,
    targets: Vec<String>,
    seed: u64,
    crashes: PathBuf,
    report: Option<PathBuf>,
    replay: Option<PathBuf>,
}

fn options() -> Result<Options> {
    let mut options = Options {
        seconds: 60,
        targets: Vec::new(),
        seed: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(1),
        crashes: PathBuf::from("target/fuzz-crashes"),
        report: None,
        replay: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .with_context(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--seconds" => options.seconds = value()?.parse().context("--seconds")?,
            "--target" => options.targets.push(value()?),
            "--seed" => options.seed = value()?.parse().context("--seed")?,
            "--crashes" => options.crashes = value()?.into(),
            "--report" => options.report = Some(value()?.into()),
            "--replay" => options.replay = Some(value()?.into()),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown option {other}\n{USAGE}"),
        }
    }
    for name in &options.targets {
        if !ALL.iter().any(|t| t.name == name) {
            let names: Vec<&str> = ALL.iter().map(|t| t.name).collect();
            bail!("no target {name}: the targets are {}", names.join(", "));
        }
    }
    Ok(options)
}

/// What one target's run found.
struct Outcome {
    name: &'static str,
    about: &'static str,
    runs: u64,
    took: Duration,
    /// Distinct panics (message and place), with the file each first input was saved to.
    crashes: BTreeMap<String, PathBuf>,
}

/// The last panic's message and place, caught by the hook instead of printed.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn main() -> Result<()> {
    let options = options()?;
    panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        // The message's first words only: it may quote the input, and one bug is one entry.
        let message: String = message
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(80)
            .collect();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("{message} at {place}"));
        }
    }));
    let chosen: Vec<&Target> = ALL
        .iter()
        .filter(|t| options.targets.is_empty() || options.targets.iter().any(|n| n == t.name))
        .collect();
    if let Some(file) = &options.replay {
        let input = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        for target in &chosen {
            match panic::catch_unwind(AssertUnwindSafe(|| (target.run)(&input))) {
                Ok(()) => println!("{}: no panic", target.name),
                Err(_) => println!("{}: panicked: {}", target.name, last_panic()),
            }
        }
        return Ok(());
    }

    let watchdog = Watchdog::start();
    let share = Duration::from_secs(options.seconds) / u32::try_from(chosen.len().max(1))?;
    let mut outcomes = Vec::new();
    for (i, target) in chosen.iter().enumerate() {
        let seed = options.seed.wrapping_add(i as u64);
        let outcome = fuzz(target, share, seed, &options.crashes, &watchdog);
        println!(
            "{:<16} {:>9} inputs in {:>5.1} s, {} distinct panics",
            outcome.name,
            outcome.runs,
            outcome.took.as_secs_f64(),
            outcome.crashes.len()
        );
        for (what, file) in &outcome.crashes {
            println!("    {what}\n      first input: {}", file.display());
        }
        outcomes.push(outcome);
    }
    let report = report(&outcomes, options.seed);
    if let Some(path) = &options.report {
        std::fs::write(path, &report).with_context(|| format!("writing {}", path.display()))?;
    }
    let crashes: usize = outcomes.iter().map(|o| o.crashes.len()).sum();
    if crashes > 0 {
        bail!("{crashes} distinct panics; replay one with --replay FILE --target NAME");
    }
    Ok(())
}

fn last_panic() -> String {
    LAST_PANIC
        .lock()
        .ok()
        .and_then(|mut last| last.take())
        .unwrap_or_else(|| "(no message)".into())
}

/// Runs `target` for `budget`: each seed once, then mutations of seeds and earlier inputs.
fn fuzz(
    target: &Target,
    budget: Duration,
    seed: u64,
    crashes: &std::path::Path,
    watchdog: &Watchdog,
) -> Outcome {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut corpus = (target.seeds)();
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    let seeds = corpus.len();
    let started = Instant::now();
    let mut outcome = Outcome {
        name: target.name,
        about: target.about,
        runs: 0,
        took: Duration::ZERO,
        crashes: BTreeMap::new(),
    };
    let mut next = 0usize;
    while started.elapsed() < budget {
        let input = if next < seeds {
            next += 1;
            corpus[next - 1].clone()
        } else {
            let base = &corpus[rng.random_range(0..corpus.len())];
            mutate::mutate(&mut rng, base, target.dictionary, &corpus)
        };
        watchdog.watch(target.name, &input);
        let result = panic::catch_unwind(AssertUnwindSafe(|| (target.run)(&input)));
        watchdog.done();
        outcome.runs += 1;
        if result.is_err() {
            let what = last_panic();
            outcome
                .crashes
                .entry(what)
                .or_insert_with(|| save(crashes, target.name, &input));
        } else if rng.random_range(0..64) == 0 && corpus.len() < 4096 {
            // Without coverage feedback, a few survivors keep the walk away from the seeds.
            corpus.push(input);
        }
    }
    outcome.took = started.elapsed();
    outcome
}

/// Saves a crashing input; the path is where it went (or why it could not be saved).
fn save(dir: &std::path::Path, target: &str, input: &[u8]) -> PathBuf {
    let dir = dir.join(target);
    let name = format!("crash-{:016x}", fingerprint(input));
    let path = dir.join(name);
    if let Err(err) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, input)) {
        eprintln!("could not save {}: {err}", path.display());
    }
    path
}

/// FNV-1a, to name a crash file after its input.
fn fingerprint(input: &[u8]) -> u64 {
    input.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The run as Markdown, for BENCHMARKS.md.
fn report(outcomes: &[Outcome], seed: u64) -> String {
    let mut out = String::from(
        "| target | what it reads | inputs | seconds | distinct panics |\n|---|---|---|---|---|\n",
    );
    for o in outcomes {
        out.push_str(&format!(
            "| `{}` | {} | {} | {:.0} | {} |\n",
            o.name,
            o.about,
            o.runs,
            o.took.as_secs_f64(),
            o.crashes.len()
        ));
    }
    out.push_str(&format!("\nSeed {seed}.\n"));
    for o in outcomes {
        for (what, file) in &o.crashes {
            out.push_str(&format!(
                "\n- `{}`: {what} (input saved as {})",
                o.name,
                file.display()
            ));
        }
    }
    out
}

/// Stops the run when one input takes longer than [`HANG`], saving that input first.
struct Watchdog {
    /// When the input now running started (ms since the epoch), 0 while none runs.
    started: Arc<AtomicU64>,
    current: Arc<Mutex<(&'static str, Vec<u8>)>>,
}

impl Watchdog {
    fn start() -> Self {
        let started = Arc::new(AtomicU64::new(0));
        let current: Arc<Mutex<(&'static str, Vec<u8>)>> = Arc::new(Mutex::new(("", Vec::new())));
        let (watched, input) = (started.clone(), current.clone());
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(500));
            let since = watched.load(Ordering::SeqCst);
            if since != 0 && now_ms().saturating_sub(since) > HANG.as_millis() as u64 {
                let (target, bytes) = input.lock().map(|c| c.clone()).unwrap_or_default();
                let file = save(&PathBuf::from("target/fuzz-hangs"), target, &bytes);
                eprintln!(
                    "{target}: one input ran longer than {HANG:?}; saved as {}",
                    file.display()
                );
                std::process::exit(2);
            }
        });
        Watchdog { started, current }
    }

    fn watch(&self, target: &'static str, input: &[u8]) {
        if let Ok(mut current) = self.current.lock() {
            current.0 = target;
            current.1.clear();
            current.1.extend_from_slice(input);
        }
        self.started.store(now_ms(), Ordering::SeqCst);
    }

    fn done(&self) {
        self.started.store(0, Ordering::SeqCst);
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
