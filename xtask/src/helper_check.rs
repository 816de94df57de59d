//! Runs the downloadable helper as a person would: the static Linux binary from an empty folder,
//! the Windows one under Debian's wine64; each must answer its health and serve the wizard.

use crate::bench::added::{self, Added};
use crate::bench::net::{self, Running, WIZARD_HEADERS};
use crate::tools;
use anyhow::{bail, Context, Result};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Wine's first start in a fresh prefix sets that prefix up, which takes a while.
const WINE_START: Duration = Duration::from_secs(180);
const NATIVE_START: Duration = Duration::from_secs(15);
/// Starts timed when measuring (the check alone starts once).
const TIMED_STARTS: usize = 5;

/// What checking one binary measured.
#[derive(Default)]
pub struct Measured {
    /// Milliseconds from starting the program to its first health answer, per start; under
    /// wine the first start also sets up a fresh prefix.
    pub first_answer_ms: Vec<f64>,
    /// What the helper adds to one device call (measured only when asked).
    pub added: Option<Added>,
}

/// Copies `binary` (built for `triple`) into an empty folder and runs it there with
/// `--demo --no-browser`, under wine for Windows; checks health and the first page. With
/// `measure`, it also starts it [`TIMED_STARTS`] times in all and measures the time it adds to a
/// device call (its demo device straight, and through it).
pub fn check(binary: &Path, triple: &str, version: &str, measure: bool) -> Result<Measured> {
    let scratch = tempfile_dir(triple)?;
    let name = binary
        .file_name()
        .context("the helper binary has no file name")?;
    let copy = scratch.join(name);
    std::fs::copy(binary, &copy).with_context(|| format!("copying {}", binary.display()))?;
    let windows = triple.contains("windows");
    if windows {
        wine_stand_ins(&scratch)?;
    }
    let starts = if measure { TIMED_STARTS } else { 1 };
    let mut measured = Measured::default();
    let mut result = Ok(());
    for n in 0..starts {
        let log = scratch.join(format!("helper-{n}.log"));
        result = start_once(&copy, &scratch, &log, windows, |listen, took| {
            measured.first_answer_ms.push(took.as_secs_f64() * 1000.0);
            if n == 0 {
                ask(listen, triple, version)?;
            }
            if measure && n == 0 {
                let device = demo_device(&log)?;
                measured.added = Some(added::measure(listen, device)?);
            }
            Ok(())
        });
        if let Err(err) = &result {
            let output = std::fs::read_to_string(&log).unwrap_or_default();
            println!("{triple}: {err:#}\nits output:\n{output}");
            break;
        }
    }
    if windows {
        let _ = Command::new("/usr/lib/wine/wineserver")
            .arg("-k")
            .env("WINEPREFIX", scratch.join("wine"))
            .status();
    }
    let _ = std::fs::remove_dir_all(&scratch);
    result?;
    let times: Vec<String> = measured
        .first_answer_ms
        .iter()
        .map(|ms| format!("{ms:.1}"))
        .collect();
    println!(
        "{triple}: first health answer after start (ms): {}",
        times.join(", ")
    );
    Ok(measured)
}

/// Starts the copied helper once on a free loopback port, waits for its first health answer,
/// and runs `then` with the address and that wait; the helper is stopped afterwards.
fn start_once(
    copy: &Path,
    scratch: &Path,
    log: &Path,
    windows: bool,
    then: impl FnOnce(SocketAddr, Duration) -> Result<()>,
) -> Result<()> {
    let listen: SocketAddr = format!("127.0.0.1:{}", net::free_port()?).parse()?;
    let out = std::fs::File::create(log)?;
    let mut cmd = if windows {
        // Debian's wine64 package puts its loader here, not on PATH (that is the `wine` package).
        let debian_wine = Path::new("/usr/lib/wine/wine64");
        if !debian_wine.exists() {
            tools::ensure_debian_tool("wine64", "wine64").ok();
        }
        if !debian_wine.exists() {
            bail!("wine64 is missing: install it with `sudo apt-get install wine64`");
        }
        let mut cmd = Command::new(debian_wine);
        cmd.arg(copy)
            .env("WINEPREFIX", scratch.join("wine"))
            .env("WINEDEBUG", "-all")
            // No desktop integration or Mono/Gecko prompts in a fresh prefix.
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=");
        cmd
    } else {
        Command::new(copy)
    };
    cmd.current_dir(scratch)
        .args(["--demo", "--no-browser", "--listen", &listen.to_string()])
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out);
    let started = Instant::now();
    let child = Running(
        cmd.spawn()
            .with_context(|| format!("starting {}", copy.display()))?,
    );
    let limit = if windows { WINE_START } else { NATIVE_START };
    let took = first_answer(listen, started, limit)?;
    let result = then(listen, took);
    drop(child);
    result
}

/// Asks for the health at `listen` until the first answer, for at most `limit` after
/// `started`; returns how long after `started` it came.
fn first_answer(listen: SocketAddr, started: Instant, limit: Duration) -> Result<Duration> {
    let agent = net::client();
    let url = format!("http://{listen}/api/v1/health");
    while started.elapsed() < limit {
        let mut request = agent.get(&url);
        for (name, value) in WIZARD_HEADERS {
            request = request.header(name, value);
        }
        if let Ok(answer) = request.call() {
            if answer.status() == 200 {
                return Ok(started.elapsed());
            }
        }
        // Connection refused comes back at once: a short pause keeps this from spinning.
        std::thread::sleep(Duration::from_millis(1));
    }
    bail!("reset-proxy did not answer its health at {listen} within {limit:?}")
}

/// The demo device's address, from the helper's line "demo: simulated … at ADDR (serial …)".
fn demo_device(log: &Path) -> Result<SocketAddr> {
    let text = std::fs::read_to_string(log)?;
    text.lines()
        .filter_map(|l| l.strip_prefix("demo: simulated "))
        .filter_map(|l| l.split(" at ").nth(1)?.split(' ').next())
        .find_map(|addr| addr.parse().ok())
        .with_context(|| format!("the helper named no demo device:\n{text}"))
}

/// Builds the stand-in for bcryptprimitives.dll (see the C file) beside the copied .exe.
fn wine_stand_ins(folder: &Path) -> Result<()> {
    let source = folder.join("bcryptprimitives.c");
    std::fs::write(&source, include_str!("wine_bcryptprimitives.c"))?;
    let gcc = tools::ensure_debian_tool("gcc-mingw-w64-x86-64", "x86_64-w64-mingw32-gcc")?;
    crate::shell::run(
        Command::new(gcc)
            .current_dir(folder)
            .args(["-shared", "-O2", "-s", "-o", "bcryptprimitives.dll"])
            .arg(&source)
            .arg("-ladvapi32"),
    )
}

fn ask(listen: SocketAddr, triple: &str, version: &str) -> Result<()> {
    let agent = net::client();
    let mut request = agent.get(format!("http://{listen}/api/v1/health"));
    for (name, value) in WIZARD_HEADERS {
        request = request.header(name, value);
    }
    let mut answer = request.call().context("asking the helper's health")?;
    let body = answer.body_mut().read_to_string()?;
    let health: serde_json::Value =
        serde_json::from_str(&body).with_context(|| format!("health answered {body:?}"))?;
    if health["version"] != version || health["demo"] != true {
        bail!("{triple}: health answered {body}, expected version {version} in demo mode");
    }
    let mut page = agent
        .get(format!("http://{listen}/"))
        .call()
        .context("fetching the first page")?;
    let html = page.body_mut().read_to_string()?;
    if !(page.status() == 200 && html.contains("<html") && html.contains(".wasm")) {
        bail!("{triple}: the first page is not the embedded wizard:\n{html}");
    }
    println!("{triple}: health {body}; the wizard's first page served");
    Ok(())
}

fn tempfile_dir(triple: &str) -> Result<std::path::PathBuf> {
    let dir =
        std::env::temp_dir().join(format!("reset-proxy-check-{triple}-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}
