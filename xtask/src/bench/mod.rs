//! `cargo xtask bench [bundle|load|proxy|discovery|qr]`: the performance figures, each beside
//! the thing a user would otherwise use, measured in the same run. All parts together also write
//! BENCHMARKS.md. Everything talks to loopback only, and every wait and run is bounded.

pub mod added;
mod bundle;
mod discovery;
mod load;
mod machine;
pub mod net;
pub mod proxy;
pub mod soak;

use crate::phases::Phases;
use crate::tools::{self, Browser, Toolbox};
use crate::{bench_qr, shell, wizard};
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What a first run costs, measured once by hand (it is not something a warm run can see).
const COLD_RUN: &str = "A cold first run (empty tool cache and target folder) took 31 min on \
     this machine while it was busy: installing twiggy 0.8.0 into the tool cache 3.6 min, \
     nginx and wrk from Debian 13 s, and the rest building the release servers, the wizard and \
     the benchmark programs. The run below had the tool cache warm.\n";

/// The parts, in the order `bench` runs them.
const PARTS: [&str; 6] = ["bundle", "load", "proxy", "discovery", "qr", "soak"];

/// How long the soak runs by default, in minutes (`bench soak --minutes N` changes it).
pub const SOAK_MINUTES: f64 = 10.0;

/// One part's result: Markdown for the terminal and BENCHMARKS.md, and the budgets it missed.
pub struct Section {
    /// The heading.
    pub title: String,
    /// Tables and notes.
    pub markdown: String,
    /// Each missed budget or goal, as a plain sentence.
    pub missed: Vec<String>,
}

/// What several parts share, made on first use.
pub struct Bench {
    root: PathBuf,
    toolbox: Option<Toolbox>,
    dist: Option<PathBuf>,
    servers: Option<Servers>,
    soak_minutes: f64,
}

/// The release binaries of reset-proxy and devsim, as shipped.
pub struct Servers {
    pub proxy: PathBuf,
    pub devsim: PathBuf,
}

impl Bench {
    fn toolbox(&mut self) -> Result<&Toolbox> {
        if self.toolbox.is_none() {
            self.toolbox = Some(Toolbox::for_build(&self.root)?);
        }
        self.toolbox
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("toolbox"))
    }

    /// The wizard built with Trunk (once per run).
    fn dist(&mut self) -> Result<PathBuf> {
        if let Some(dist) = &self.dist {
            return Ok(dist.clone());
        }
        let root = self.root.clone();
        let dist = wizard::build(&root, self.toolbox()?)?;
        self.dist = Some(dist.clone());
        Ok(dist)
    }

    fn browser(&self) -> Result<Browser> {
        tools::ensure_chromium()
    }

    /// Builds reset-proxy and devsim with the release profile (once per run).
    fn servers(&mut self) -> Result<&Servers> {
        if self.servers.is_none() {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            shell::run(
                std::process::Command::new(cargo)
                    .current_dir(&self.root)
                    .args([
                        "build",
                        "--release",
                        "-p",
                        "reset-proxy",
                        "-p",
                        "devsim",
                        "--bins",
                    ]),
            )?;
            let release = target_dir(&self.root).join("release");
            self.servers = Some(Servers {
                proxy: release.join("reset-proxy"),
                devsim: release.join("devsim"),
            });
        }
        self.servers
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("servers"))
    }

    fn root(&self) -> &Path {
        &self.root
    }
}

/// Cargo's target folder, where Trunk's cargo build leaves the wasm too.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => root.join("target"),
    }
}

/// Runs the named part, or all of them (then writes BENCHMARKS.md); the soak runs for
/// `soak_minutes`, and alone it writes its own section of BENCHMARKS.md.
pub fn run(root: &Path, part: Option<&str>, soak_minutes: f64) -> Result<()> {
    let chosen: Vec<&str> = match part {
        None => PARTS.to_vec(),
        Some(name) if PARTS.contains(&name) => vec![name],
        Some(other) => bail!(
            "unknown bench part {other}: use one of {}",
            PARTS.join(", ")
        ),
    };
    let started = Instant::now();
    let mut bench = Bench {
        root: root.to_path_buf(),
        toolbox: None,
        dist: None,
        servers: None,
        soak_minutes,
    };
    let mut phases = Phases::default();
    let mut sections = Vec::new();
    let mut failed = Vec::new();
    for name in &chosen {
        let result = phases.run(&format!("bench {name}"), || run_part(&mut bench, name));
        match result {
            Ok(section) => sections.push(section),
            Err(err) => {
                // A part that cannot run (a peer tool missing, a server not starting) is
                // reported, in the terminal and in the file, never silently left out.
                failed.push(format!("{name}: {err:#}"));
                sections.push(Section {
                    title: (*name).to_string(),
                    markdown: format!("**This part failed:** {err:#}\n"),
                    missed: vec![format!("{name} could not be measured")],
                });
            }
        }
    }
    phases.print_summary();
    let took = started.elapsed();
    println!("\n# Results\n");
    for section in &sections {
        println!("## {}\n\n{}", section.title, section.markdown);
    }
    let missed: Vec<&String> = sections.iter().flat_map(|s| &s.missed).collect();
    if missed.is_empty() {
        println!("every budget and goal was met");
    } else {
        println!("MISSED:");
        for line in &missed {
            println!("  - {line}");
        }
    }
    if part == Some("soak") {
        if let Some(section) = sections.first().filter(|_| failed.is_empty()) {
            crate::report::write_section(root, soak::TITLE, &section.markdown)?;
        }
    }
    if part.is_none() {
        let path = root.join("BENCHMARKS.md");
        let previous = std::fs::read_to_string(&path).unwrap_or_default();
        std::fs::write(&path, document(&sections, took.as_secs_f64(), &previous)?)?;
        println!("\nwrote {}", path.display());
    }
    if !failed.is_empty() {
        bail!("some parts failed:\n  {}", failed.join("\n  "));
    }
    Ok(())
}

fn run_part(bench: &mut Bench, name: &str) -> Result<Section> {
    match name {
        "bundle" => bundle::run(bench),
        "load" => load::run(bench),
        "proxy" => proxy::run(bench),
        "discovery" => discovery::run(bench),
        "soak" => {
            let minutes = bench.soak_minutes;
            soak::run(bench, minutes)
        }
        "qr" => Ok(Section {
            title: "QR decoding (ZXing's pictures, beside zxing-cpp; wasm worker in Chromium)"
                .into(),
            markdown: bench_qr::run(bench.root(), Vec::new())?
                .replace("\n## ", "\n### ")
                .trim()
                .to_string()
                + "\n",
            missed: Vec::new(),
        }),
        other => bail!("unknown part {other}"),
    }
}

/// Sections other commands write into BENCHMARKS.md, kept when a full run rewrites it.
const KEPT_SECTIONS: [&str; 2] = [crate::fuzz::TITLE, crate::helper_report::TITLE];

/// BENCHMARKS.md: the machine, the missed budgets, then every part's tables, then the sections
/// of `previous` that other commands wrote.
fn document(sections: &[Section], seconds: f64, previous: &str) -> Result<String> {
    let mut out = String::from(
        "# Benchmarks\n\n\
         Written by `cargo xtask bench` (all parts; `cargo xtask bench <part>` runs one of \
         bundle, load, proxy, discovery, qr and prints it without writing this file; \
         `cargo xtask bench soak [--minutes N]` rewrites its own section). Every \
         comparison is measured in the same run, on loopback only.\n\n",
    );
    out.push_str(&machine::describe(seconds));
    out.push('\n');
    out.push_str(COLD_RUN);
    let missed: Vec<&String> = sections.iter().flat_map(|s| &s.missed).collect();
    out.push_str("\n## Budgets and goals missed\n\n");
    if missed.is_empty() {
        out.push_str("None: every budget and goal below was met in this run.\n");
    } else {
        for line in missed {
            out.push_str(&format!("- **{line}**\n"));
        }
    }
    for section in sections {
        out.push_str(&format!("\n## {}\n\n{}", section.title, section.markdown));
    }
    for title in KEPT_SECTIONS {
        if let Some(kept) = crate::report::section(previous, title) {
            out.push_str(&format!("\n## {title}\n\n{kept}\n"));
        }
    }
    Ok(out)
}
