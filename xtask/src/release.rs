//! `cargo xtask release`: the downloadable helper. Builds the wizard, embeds it in reset-proxy,
//! cross-builds for each system, and packs each binary with its licences and a user text.

use crate::tools::{self, CrossTools, Toolbox};
use crate::{licences, shell, wizard, workspace_root};
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The cargo profile the helper is built with (release, stripped; see Cargo.toml).
pub const PROFILE: &str = "helper";

/// The user text packed beside the binary.
const USER_TEXT: &str = include_str!("release_readme.txt");

/// How a target's binary is linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Linker {
    /// Debian's mingw-w64 gcc (`gcc-mingw-w64-x86-64`), rustup's default for windows-gnu.
    Mingw,
    /// zig through cargo-zigbuild: static musl for Linux.
    Zig,
}

/// One system the helper is offered for.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The Rust target triple.
    pub triple: &'static str,
    linker: Linker,
    /// Windows gets a .zip and a .exe; the others a .tar.gz.
    pub windows: bool,
}

/// Every system offered. macOS is not here: see the README ("Building the helper for macOS").
pub const TARGETS: [Target; 3] = [
    Target {
        triple: "x86_64-pc-windows-gnu",
        linker: Linker::Mingw,
        windows: true,
    },
    Target {
        triple: "x86_64-unknown-linux-musl",
        linker: Linker::Zig,
        windows: false,
    },
    Target {
        triple: "aarch64-unknown-linux-musl",
        linker: Linker::Zig,
        windows: false,
    },
];

impl Target {
    /// The binary's file name.
    pub fn binary(&self) -> &'static str {
        if self.windows {
            "reset-proxy.exe"
        } else {
            "reset-proxy"
        }
    }

    /// The archive's file name for `version`.
    pub fn archive(&self, version: &str) -> String {
        let ext = if self.windows { "zip" } else { "tar.gz" };
        format!("reset-proxy-{version}-{}.{ext}", self.triple)
    }
}

/// The targets that can be run here, and so are checked (Linux natively, Windows under wine).
pub const RUNNABLE: [&str; 2] = ["x86_64-unknown-linux-musl", "x86_64-pc-windows-gnu"];

/// Runs `cargo xtask release [--only TRIPLE]... [--dist DIR] [--check [--measure]]`.
pub fn run(args: impl Iterator<Item = String>) -> Result<()> {
    let mut only = Vec::new();
    let mut check = false;
    let mut measure = false;
    let mut dist = None;
    let mut args = args;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--only" => only.push(args.next().context("--only needs a target triple")?),
            "--dist" => dist = Some(PathBuf::from(args.next().context("--dist needs a folder")?)),
            "--check" => check = true,
            "--measure" => measure = true,
            other => bail!("unknown release option {other}"),
        }
    }
    let targets: Vec<Target> = TARGETS
        .iter()
        .copied()
        .filter(|t| only.is_empty() || only.iter().any(|o| o == t.triple))
        .collect();
    if targets.is_empty() {
        bail!("--only matched none of the targets");
    }
    let root = workspace_root();
    let dist = match dist {
        Some(dist) => dist,
        None => wizard::build(&root, &Toolbox::for_build(&root)?)?,
    };
    let out = target_dir(&root).join("release-artifacts");
    let built = build_all(&root, &dist, &targets, &out)?;
    println!(
        "\nwrote the helper's archives and SHA256SUMS to {}",
        built.out.display()
    );
    if measure && !check {
        bail!("--measure goes with --check");
    }
    if check {
        let version = tools::locked_version(&root, "reset-proxy")?;
        let mut rows = Vec::new();
        for made in &built.targets {
            let measured = if RUNNABLE.contains(&made.target.triple) {
                Some(crate::helper_check::check(
                    &made.binary,
                    made.target.triple,
                    &version,
                    measure,
                )?)
            } else {
                None
            };
            rows.push((made, measured));
        }
        if !measure {
            return Ok(());
        }
        let markdown = crate::helper_report::markdown(&version, &rows);
        println!("\n{markdown}");
        // Only a release of every target speaks for all of them in BENCHMARKS.md.
        if only.is_empty() {
            crate::report::write_section(&root, crate::helper_report::TITLE, &markdown)?;
        }
    }
    Ok(())
}

/// The test suite's release phase: builds only the targets that run here (static x86_64 Linux,
/// Windows under wine) with the wizard the suite already built in `dist`, packs them apart from
/// a real release's artefacts, and runs each from an empty folder as a person would.
pub fn suite_check(root: &Path, dist: &Path) -> Result<()> {
    let targets: Vec<Target> = TARGETS
        .iter()
        .copied()
        .filter(|t| RUNNABLE.contains(&t.triple))
        .collect();
    let out = target_dir(root).join("release-check");
    let built = build_all(root, dist, &targets, &out)?;
    let version = tools::locked_version(root, "reset-proxy")?;
    for made in &built.targets {
        crate::helper_check::check(&made.binary, made.target.triple, &version, false)?;
    }
    Ok(())
}

/// What [`build_all`] made.
pub struct Built {
    /// The artefacts folder (archives and SHA256SUMS).
    pub out: PathBuf,
    /// Each target's binary and archive.
    pub targets: Vec<Made>,
}

/// One target's build.
pub struct Made {
    pub target: Target,
    /// The binary, before packing.
    pub binary: PathBuf,
    /// The archive's file name and size in bytes.
    pub archive: String,
    pub archive_bytes: u64,
}

/// Builds every target in `targets` with the wizard in `dist` embedded, then packs them and
/// writes their SHA256SUMS into `out`.
pub fn build_all(root: &Path, dist: &Path, targets: &[Target], out: &Path) -> Result<Built> {
    let triples: Vec<&str> = targets.iter().map(|t| t.triple).collect();
    let cross = tools::ensure_cross_tools(&triples)?;
    if targets.iter().any(|t| t.linker == Linker::Mingw) {
        tools::ensure_debian_tool("gcc-mingw-w64-x86-64", "x86_64-w64-mingw32-gcc")?;
    }
    let version = tools::locked_version(root, "reset-proxy")?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut sums = String::new();
    let mut made = Vec::new();
    for target in targets {
        let binary = build(root, &cross, dist, target)?;
        let archive = pack(root, out, &binary, target, &version)?;
        let bytes =
            std::fs::read(&archive).with_context(|| format!("reading {}", archive.display()))?;
        let name = target.archive(&version);
        sums.push_str(&format!("{}  {name}\n", hex(&Sha256::digest(&bytes))));
        println!("{name}: {} bytes", bytes.len());
        made.push(Made {
            target: *target,
            binary,
            archive: name,
            archive_bytes: bytes.len() as u64,
        });
    }
    std::fs::write(out.join("SHA256SUMS"), sums).context("writing SHA256SUMS")?;
    Ok(Built {
        out: out.to_path_buf(),
        targets: made,
    })
}

/// Cross-builds reset-proxy with the wizard embedded for `target`; returns the binary's path.
pub fn build(root: &Path, cross: &CrossTools, dist: &Path, target: &Target) -> Result<PathBuf> {
    let cargo_args = [
        "--profile",
        PROFILE,
        "-p",
        "reset-proxy",
        "--features",
        "embed-wizard",
        "--target",
        target.triple,
    ];
    let mut cmd = match target.linker {
        Linker::Mingw => {
            let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
            cmd.arg("build");
            cmd
        }
        Linker::Zig => {
            let mut cmd = Command::new(&cross.cargo_zigbuild);
            cmd.arg("zigbuild")
                .env("CARGO_ZIGBUILD_ZIG_PATH", &cross.zig);
            cmd
        }
    };
    cmd.current_dir(root)
        .args(cargo_args)
        .env("RESET_PROXY_WIZARD_DIST", dist);
    println!("building reset-proxy for {}...", target.triple);
    shell::run(&mut cmd)?;
    let binary = target_dir(root)
        .join(target.triple)
        .join(PROFILE)
        .join(target.binary());
    if !binary.exists() {
        bail!(
            "the build for {} left no {}",
            target.triple,
            binary.display()
        );
    }
    Ok(binary)
}

/// Packs `binary`, the user text and the licences into the target's archive in `out`.
fn pack(root: &Path, out: &Path, binary: &Path, target: &Target, version: &str) -> Result<PathBuf> {
    let folder_name = format!("reset-proxy-{version}-{}", target.triple);
    let staging = out.join("staging");
    let folder = staging.join(&folder_name);
    if folder.exists() {
        std::fs::remove_dir_all(&folder)
            .with_context(|| format!("clearing {}", folder.display()))?;
    }
    std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    std::fs::copy(binary, folder.join(target.binary()))
        .with_context(|| format!("copying {}", binary.display()))?;
    let text = USER_TEXT.replace("{version}", version);
    let mut licences = licences::collect(root, target.triple)?;
    let mut readme = text;
    if target.windows {
        // Older Notepad shows LF-only text as one line.
        readme = readme.replace('\n', "\r\n");
        licences = licences.replace('\n', "\r\n");
    }
    std::fs::write(folder.join("README.txt"), readme).context("writing README.txt")?;
    std::fs::write(folder.join("LICENSES.txt"), licences).context("writing LICENSES.txt")?;

    let archive = out.join(target.archive(version));
    if archive.exists() {
        std::fs::remove_file(&archive)
            .with_context(|| format!("removing {}", archive.display()))?;
    }
    if target.windows {
        tools::ensure_debian_tool("zip", "zip")?;
        shell::run(
            Command::new("zip")
                .current_dir(&staging)
                .args(["-q", "-r", "-9", "-X"])
                .arg(&archive)
                .arg(&folder_name),
        )?;
    } else {
        shell::run(
            Command::new("tar")
                .current_dir(&staging)
                .args(["--owner=0", "--group=0", "--numeric-owner", "-czf"])
                .arg(&archive)
                .arg(&folder_name),
        )?;
    }
    std::fs::remove_dir_all(&staging).with_context(|| format!("removing {}", staging.display()))?;
    Ok(archive)
}

/// Lowercase hex, as sha256sum prints it.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Cargo's target folder for this workspace.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => root.join("target"),
    }
}
