//! The pinned tools the build and the tests need, installed once into a per-user cache.
//! CI starts from a fresh clone every time, so nothing here lives in the checkout or `target/`.

use crate::shell;
use anyhow::{bail, Context, Result};
use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Trunk's version: 0.22 needs a newer Rust than this project's 1.95.
const TRUNK_VERSION: &str = "0.21.14";
/// binaryen's npm release that handles Rust 1.95's wasm output (Debian's 108 does not).
const BINARYEN_VERSION: &str = "132";
/// axe-core, injected by the browser tests to check every step for accessibility problems.
const AXE_CORE_VERSION: &str = "4.14.1";
/// twiggy, which `bench` uses to say what each crate adds to the wasm.
const TWIGGY_VERSION: &str = "0.8.0";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Zig, from PyPI's `ziglang` wheel: the C toolchain and linker for the musl and macOS builds.
const ZIG_VERSION: &str = "0.15.2";
/// Drives cargo with zig as the linker, from PyPI (a prebuilt binary: nothing to compile).
const CARGO_ZIGBUILD_VERSION: &str = "0.24.1";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const FIREFOX: &str = "/usr/bin/firefox-esr";
/// geckodriver, Firefox's WebDriver server, built from crates.io (Debian does not package it).
const GECKODRIVER_VERSION: &str = "0.37.1";
const WEBKIT_WEBDRIVER: &str = "/usr/bin/WebKitWebDriver";
/// WebKitGTK's small browser, which WebKitWebDriver drives (from `libwebkit2gtk-4.1-0`).
const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const XVFB_RUN: &str = "/usr/bin/xvfb-run";

/// Where each installed tool lives, and the PATH that puts them first.
pub struct Toolbox {
    bin_dirs: Vec<PathBuf>,
    /// The wasm-bindgen version in Cargo.lock, which the CLI must match exactly.
    pub wasm_bindgen_version: String,
}

impl Toolbox {
    /// Installs whatever is missing of the wizard's build tools and returns where they are.
    pub fn for_build(root: &Path) -> Result<Self> {
        let cache = cache_dir()?;
        println!("tool cache: {}", cache.display());
        ensure_wasm_target()?;
        let wasm_bindgen_version = locked_version(root, "wasm-bindgen")?;
        let trunk = ensure_cargo_tool(&cache, "trunk", TRUNK_VERSION, "trunk", true)?;
        // 0.2.130 only builds without --locked with this registry mirror's crates.
        let bindgen = ensure_cargo_tool(
            &cache,
            "wasm-bindgen-cli",
            &wasm_bindgen_version,
            "wasm-bindgen",
            false,
        )?;
        let wasm_opt = ensure_wasm_opt(&cache)?;
        Ok(Toolbox {
            bin_dirs: vec![trunk, bindgen, wasm_opt],
            wasm_bindgen_version,
        })
    }

    /// PATH with the cached tools in front of the inherited one.
    pub fn path(&self) -> Result<OsString> {
        let inherited = env::var_os("PATH").unwrap_or_default();
        let dirs = self
            .bin_dirs
            .iter()
            .cloned()
            .chain(env::split_paths(&inherited));
        env::join_paths(dirs).context("a tool directory contains a path separator")
    }

    /// A command for a cached tool (or any program), with PATH set to find the others.
    pub fn command(&self, program: &str) -> Result<Command> {
        let mut cmd = Command::new(program);
        cmd.env("PATH", self.path()?);
        Ok(cmd)
    }
}

/// Paths of the browser and its WebDriver, installed from Debian when missing.
pub struct Browser {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

/// Makes sure Debian's chromium and chromium-driver are installed, or says how to install them.
pub fn ensure_chromium() -> Result<Browser> {
    ensure_debian_files(&["chromium", "chromium-driver"], &[CHROMIUM, CHROMEDRIVER])?;
    Ok(Browser {
        chromium: PathBuf::from(CHROMIUM),
        chromedriver: PathBuf::from(CHROMEDRIVER),
    })
}

/// Firefox ESR and its WebDriver server.
pub struct Firefox {
    pub firefox: PathBuf,
    pub geckodriver: PathBuf,
}

/// Installs Debian's firefox-esr when missing, and geckodriver (once) into the tool cache.
pub fn ensure_firefox() -> Result<Firefox> {
    ensure_debian_files(&["firefox-esr"], &[FIREFOX])?;
    let bin = ensure_cargo_tool(
        &cache_dir()?,
        "geckodriver",
        GECKODRIVER_VERSION,
        "geckodriver",
        true,
    )?;
    Ok(Firefox {
        firefox: PathBuf::from(FIREFOX),
        geckodriver: bin.join("geckodriver"),
    })
}

/// WebKitGTK (Safari's engine): its WebDriver server and the browser it drives.
pub struct Webkit {
    pub driver: PathBuf,
    pub minibrowser: PathBuf,
}

/// Installs Debian's webkit2gtk-driver (which brings WebKitGTK and its MiniBrowser) and Xvfb
/// with xauth, which the tests' `xvfb-run` needs: MiniBrowser cannot be automated headless.
pub fn ensure_webkit() -> Result<Webkit> {
    ensure_debian_files(
        &["webkit2gtk-driver", "xvfb", "xauth"],
        &[WEBKIT_WEBDRIVER, MINIBROWSER, XVFB_RUN, "/usr/bin/xauth"],
    )?;
    Ok(Webkit {
        driver: PathBuf::from(WEBKIT_WEBDRIVER),
        minibrowser: PathBuf::from(MINIBROWSER),
    })
}

/// Makes sure every one of `files` exists, installing Debian's `packages` when one is missing
/// and running as root; otherwise says what to install.
fn ensure_debian_files(packages: &[&str], files: &[&str]) -> Result<()> {
    let missing = || files.iter().copied().find(|f| !Path::new(f).exists());
    let Some(first_missing) = missing() else {
        return Ok(());
    };
    let list = packages.join(" ");
    if !running_as_root() {
        bail!(
            "{first_missing} is missing: install it with `sudo apt-get install {list}`, then run this again"
        );
    }
    println!("installing {list} from Debian's packages (once)...");
    shell::run(Command::new("apt-get").args(["update", "-q"]))?;
    shell::run(
        Command::new("apt-get")
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    if let Some(still) = missing() {
        bail!("apt-get installed {list}, but {still} is still missing");
    }
    Ok(())
}

/// Installs twiggy (once) into the cache and returns the path of its binary.
pub fn ensure_twiggy() -> Result<PathBuf> {
    let bin = ensure_cargo_tool(&cache_dir()?, "twiggy", TWIGGY_VERSION, "twiggy", true)?;
    Ok(bin.join("twiggy"))
}

/// Makes sure Debian's `package` provides `binary` (as /usr/sbin or /usr/bin), installing it
/// when missing and running as root; otherwise says what to install. Returns the binary's path.
pub fn ensure_debian_tool(package: &str, binary: &str) -> Result<PathBuf> {
    let find = || {
        ["/usr/sbin", "/usr/bin"]
            .iter()
            .map(|dir| Path::new(dir).join(binary))
            .find(|path| path.exists())
    };
    if let Some(path) = find() {
        return Ok(path);
    }
    if !running_as_root() {
        bail!("{binary} is missing: install it with `sudo apt-get install {package}`, then run this again");
    }
    println!("installing {package} from Debian's packages (once)...");
    shell::run(Command::new("apt-get").args(["update", "-q"]))?;
    shell::run(
        Command::new("apt-get")
            .args(["install", "-y", "-q", "--no-install-recommends", package])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    find().with_context(|| format!("apt-get installed {package}, but {binary} is still missing"))
}

/// What cross-builds the helper: zig and cargo-zigbuild from the cache.
pub struct CrossTools {
    /// The `zig` binary (given to cargo-zigbuild as `CARGO_ZIGBUILD_ZIG_PATH`).
    pub zig: PathBuf,
    /// The `cargo-zigbuild` binary.
    pub cargo_zigbuild: PathBuf,
}

/// Installs zig and cargo-zigbuild (once each) from PyPI into the cache, and the Rust
/// standard libraries of `targets` with rustup.
pub fn ensure_cross_tools(targets: &[&str]) -> Result<CrossTools> {
    let cache = cache_dir()?;
    let zig_root = pip_install(&cache, "ziglang", ZIG_VERSION)?;
    let zig = zig_root.join("ziglang").join(exe("zig"));
    // zig answers `zig version`, not `--version`.
    let found = shell::capture(Command::new(&zig).arg("version"))
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .unwrap_or_default();
    if found != ZIG_VERSION {
        bail!("{} says {found:?}, not {ZIG_VERSION}", zig.display());
    }
    let zigbuild_root = pip_install(&cache, "cargo-zigbuild", CARGO_ZIGBUILD_VERSION)?;
    let cargo_zigbuild = zigbuild_root.join("bin").join(exe("cargo-zigbuild"));
    if shell::version_of(&cargo_zigbuild).is_none() {
        bail!("{} does not run", cargo_zigbuild.display());
    }
    ensure_rust_targets(targets)?;
    Ok(CrossTools {
        zig,
        cargo_zigbuild,
    })
}

/// Adds the Rust standard library of each of `targets` that rustup does not have yet.
pub fn ensure_rust_targets(targets: &[&str]) -> Result<()> {
    let out = shell::capture(Command::new("rustup").args(["target", "list", "--installed"]))?;
    let installed = String::from_utf8_lossy(&out.stdout);
    let missing: Vec<&str> = targets
        .iter()
        .copied()
        .filter(|t| !installed.lines().any(|l| l.trim() == *t))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!(
        "installing the Rust targets {} (once)...",
        missing.join(", ")
    );
    shell::run(
        Command::new("rustup")
            .args(["target", "add"])
            .args(&missing),
    )
}

fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// Installs `package==version` from PyPI, without its dependencies, into its own cache folder
/// (`pip install --target`), unless that folder already holds it; returns the folder.
fn pip_install(cache: &Path, package: &str, version: &str) -> Result<PathBuf> {
    let root = cache.join(format!("{package}-{version}"));
    let marker = root.join(format!("{}-{version}.dist-info", package.replace('-', "_")));
    if marker.exists() {
        return Ok(root);
    }
    let python = ["python3", "python"]
        .into_iter()
        .find(|p| shell::version_of(p).is_some())
        .context(
            "Python 3 is missing (pip installs zig): install python3 and pip, then run this again",
        )?;
    println!(
        "installing {package} {version} from PyPI into {} (once)...",
        root.display()
    );
    shell::run(
        Command::new(python)
            .args(["-m", "pip", "install", "--quiet", "--no-deps", "--target"])
            .arg(&root)
            .arg(format!("{package}=={version}")),
    )?;
    if !marker.exists() {
        bail!(
            "pip installed {package} {version} but {} is missing",
            marker.display()
        );
    }
    Ok(root)
}

/// `${XDG_CACHE_HOME:-~/.cache}/reset-wizard/tools`, or `RESET_WIZARD_TOOLS` when set.
fn cache_dir() -> Result<PathBuf> {
    if let Some(dir) = env::var_os("RESET_WIZARD_TOOLS") {
        return Ok(PathBuf::from(dir));
    }
    let base = match env::var_os("XDG_CACHE_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => {
            let home =
                env::var_os("HOME").context("HOME is not set, so there is no per-user cache")?;
            PathBuf::from(home).join(".cache")
        }
    };
    Ok(base.join("reset-wizard").join("tools"))
}

fn ensure_wasm_target() -> Result<()> {
    let out = shell::capture(Command::new("rustup").args(["target", "list", "--installed"]))?;
    let installed = String::from_utf8_lossy(&out.stdout);
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    println!("installing the {WASM_TARGET} target (once)...");
    shell::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// Installs `krate` at exactly `version` into its own folder of the cache; returns its bin dir.
fn ensure_cargo_tool(
    cache: &Path,
    krate: &str,
    version: &str,
    binary: &str,
    locked: bool,
) -> Result<PathBuf> {
    let root = cache.join(format!("{krate}-{version}"));
    let bin = root.join("bin");
    let wanted = format!(" {version}");
    if let Some(found) = shell::version_of(bin.join(binary)) {
        if found.ends_with(&wanted) || found.contains(&format!("{wanted} ")) {
            return Ok(bin);
        }
        println!("{binary} in the cache says `{found}`, not {version}: reinstalling");
    }
    println!(
        "installing {krate} {version} into {} (once; this compiles it, several minutes)...",
        root.display()
    );
    let mut cmd = Command::new("cargo");
    cmd.args([
        "install",
        krate,
        "--version",
        &format!("={version}"),
        "--root",
    ])
    .arg(&root)
    .arg("--force")
    // Build tools need no fat LTO in one codegen unit (trunk's own release profile): on a
    // two-core CI machine that link alone takes minutes of a cold run, for no gain we feel.
    .env("CARGO_PROFILE_RELEASE_LTO", "off")
    .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    if locked {
        cmd.arg("--locked");
    }
    shell::run(&mut cmd)?;
    if shell::version_of(bin.join(binary)).is_none() {
        bail!(
            "{krate} {version} was installed into {} but `{binary} --version` does not run",
            root.display()
        );
    }
    Ok(bin)
}

fn ensure_wasm_opt(cache: &Path) -> Result<PathBuf> {
    let root = npm_install(
        cache,
        "binaryen",
        BINARYEN_VERSION,
        &Path::new("node_modules").join(".bin").join("wasm-opt"),
    )?;
    let bin = root.join("node_modules").join(".bin");
    match shell::version_of(bin.join("wasm-opt")) {
        Some(_) => Ok(bin),
        None => bail!("binaryen@{BINARYEN_VERSION} is installed but its wasm-opt does not run"),
    }
}

/// Installs axe-core from npm (once) and returns the path of `axe.min.js`.
pub fn ensure_axe_core() -> Result<PathBuf> {
    let cache = cache_dir()?;
    let script = Path::new("node_modules")
        .join("axe-core")
        .join("axe.min.js");
    let root = npm_install(&cache, "axe-core", AXE_CORE_VERSION, &script)?;
    Ok(root.join(script))
}

/// Installs `package@version` from npm into its own cache folder, unless `marker` (relative
/// to that folder) already exists; returns the folder.
fn npm_install(cache: &Path, package: &str, version: &str, marker: &Path) -> Result<PathBuf> {
    let root = cache.join(format!("{package}-{version}"));
    if root.join(marker).exists() {
        return Ok(root);
    }
    if shell::version_of("npm").is_none() {
        bail!("npm is missing: install Node.js and npm (e.g. `sudo apt-get install npm`), then run this again");
    }
    println!(
        "installing {package}@{version} from npm into {} (once)...",
        root.display()
    );
    std::fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
    shell::run(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&root)
            .arg(format!("{package}@{version}")),
    )?;
    if !root.join(marker).exists() {
        bail!(
            "{package}@{version} was installed but {} is missing",
            marker.display()
        );
    }
    Ok(root)
}

/// The exact version of `package` recorded in Cargo.lock.
pub fn locked_version(root: &Path, package: &str) -> Result<String> {
    let lock_path = root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .with_context(|| format!("reading {}", lock_path.display()))?;
    let name_line = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == name_line {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
            {
                return Ok(version.to_string());
            }
        }
    }
    bail!("{package} is not in Cargo.lock")
}

fn running_as_root() -> bool {
    shell::capture(Command::new("id").arg("-u"))
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}
