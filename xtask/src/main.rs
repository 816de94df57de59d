//! `cargo xtask demo|test|dist|bench`: the project's set-up commands.
//! They install the pinned tools they need into a per-user cache, build, and run.

mod bench;
mod bench_qr;
mod demo;
mod dist;
mod fuzz;
mod helper_check;
mod helper_report;
mod licences;
mod phases;
mod release;
mod report;
mod shell;
mod size;
mod test;
mod test_programs;
mod tools;
mod wizard;

use anyhow::{bail, Context, Result};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  demo [--listen ADDR:PORT]   build the wizard and serve it with a simulated device
                              (default listen address 127.0.0.1:8080)
  test                        install what is missing, then run every check and test
  fuzz [--minutes N]          fuzz every parser of device and browser input for N minutes
                              (default 10); writes its section of BENCHMARKS.md
  dist [--out DIR] [--frame-ancestors ORIGIN]... [--helpers DIR]
                              the wizard as static files for any host or CDN, with the
                              headers to configure (default: target/wizard-static);
                              --helpers adds the release archives under download/
  release [--only TRIPLE]... [--dist DIR] [--check [--measure]]
                              the downloadable helper: the wizard embedded in reset-proxy,
                              cross-built for Windows and Linux, packed with its licences
                              and a user text, with SHA256SUMS (target/release-artifacts);
                              --dist embeds a wizard already built there instead of building
                              it; --check then runs the Linux binary from an empty folder and
                              the Windows one under wine64 (health and first page);
                              --measure also times their start and the time they add to a
                              device call, and (for all targets) writes BENCHMARKS.md's
                              section on them
  bench                       every benchmark beside its peer; writes BENCHMARKS.md
  bench bundle|load|proxy|discovery|soak
                              one part of it, printed only
  bench qr [DATA_DIR] [opts]  the QR decoding benchmark on ZXing's pictures, beside zxing-cpp
  bench soak [--minutes N]    200 wizard sessions and hostile clients against reset-proxy for
                              N minutes (default 10); writes its section of BENCHMARKS.md
";

fn main() {
    if let Err(err) = run() {
        eprintln!("xtask: error: {err:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("demo") => {
            let mut listen: SocketAddr = "127.0.0.1:8080".parse().context("default address")?;
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--listen" => {
                        let value = args.next().context("--listen needs ADDR:PORT")?;
                        listen = value.parse().with_context(|| {
                            format!("--listen {value}: expected ADDR:PORT, e.g. 127.0.0.1:8080")
                        })?;
                    }
                    other => bail!("unknown demo option {other}\n\n{USAGE}"),
                }
            }
            demo::run(listen)
        }
        Some("release") => release::run(args),
        Some("dist") => dist::run(dist::Options::parse(args)?),
        Some("test") => {
            if let Some(extra) = args.next() {
                bail!("test takes no options (got {extra})\n\n{USAGE}");
            }
            test::run()
        }
        Some("fuzz") => {
            let mut minutes = 10;
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--minutes" => {
                        let value = args.next().context("--minutes needs a number")?;
                        minutes = value
                            .parse()
                            .with_context(|| format!("--minutes {value}: expected a number"))?;
                    }
                    other => bail!("unknown fuzz option {other}\n\n{USAGE}"),
                }
            }
            fuzz::run(&workspace_root(), minutes)
        }
        Some("bench") => match args.next().as_deref() {
            Some("qr") if args.len() > 0 => {
                bench_qr::run(&workspace_root(), args.collect()).map(drop)
            }
            Some("soak") => {
                let mut minutes = bench::SOAK_MINUTES;
                while let Some(arg) = args.next() {
                    match arg.as_str() {
                        "--minutes" => {
                            let value = args.next().context("--minutes needs a number")?;
                            minutes = value
                                .parse()
                                .with_context(|| format!("--minutes {value}: expected a number"))?;
                        }
                        other => bail!("unknown soak option {other}\n\n{USAGE}"),
                    }
                }
                bench::run(&workspace_root(), Some("soak"), minutes)
            }
            part => bench::run(&workspace_root(), part, bench::SOAK_MINUTES),
        },
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown command {other}\n\n{USAGE}"),
        None => bail!("no command given\n\n{USAGE}"),
    }
}

/// The workspace root: xtask lives one level below it.
fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}
