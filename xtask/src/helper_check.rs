//! Runs the downloadable helper as a person would: the static Linux binary from an empty folder,
//! the Windows one under Debian's wine64; each must answer its health and serve the wizard.

use crate::bench::net::{self, Running, WIZARD_HEADERS};
use crate::tools;
use anyhow::{bail, Context, Result};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Wine's first start in a fresh prefix sets that prefix up, which takes a while.
const WINE_START: Duration = Duration::from_secs(180);
const NATIVE_START: Duration = Duration::from_secs(15);

/// Copies `binary` (built for `triple`) into an empty folder and runs it there with
/// `--demo --no-browser`, under wine for Windows; checks health and the first page.
pub fn check(binary: &Path, triple: &str, version: &str) -> Result<()> {
    let scratch = tempfile_dir(triple)?;
    let name = binary
        .file_name()
        .context("the helper binary has no file name")?;
    let copy = scratch.join(name);
    std::fs::copy(binary, &copy).with_context(|| format!("copying {}", binary.display()))?;
    let listen: SocketAddr = format!("127.0.0.1:{}", net::free_port()?).parse()?;
    let log = std::fs::File::create(scratch.join("helper.log"))?;
    let windows = triple.contains("windows");
    let mut cmd = if windows {
        // Debian's wine64 package puts its loader here, not on PATH (that is the `wine` package).
        let debian_wine = Path::new("/usr/lib/wine/wine64");
        if !debian_wine.exists() {
            tools::ensure_debian_tool("wine64", "wine64").ok();
        }
        if !debian_wine.exists() {
            bail!("wine64 is missing: install it with `sudo apt-get install wine64`");
        }
        let wine = debian_wine;
        wine_stand_ins(&scratch)?;
        let mut cmd = Command::new(wine);
        cmd.arg(&copy)
            .env("WINEPREFIX", scratch.join("wine"))
            .env("WINEDEBUG", "-all")
            // No desktop integration or Mono/Gecko prompts in a fresh prefix.
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=");
        cmd
    } else {
        Command::new(&copy)
    };
    cmd.current_dir(&scratch)
        .args(["--demo", "--no-browser", "--listen", &listen.to_string()])
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    let child = Running(
        cmd.spawn()
            .with_context(|| format!("starting {}", copy.display()))?,
    );
    let limit = if windows { WINE_START } else { NATIVE_START };
    let result = ask(listen, limit, triple, version);
    drop(child);
    if windows {
        let _ = Command::new("/usr/lib/wine/wineserver")
            .arg("-k")
            .env("WINEPREFIX", scratch.join("wine"))
            .status();
    }
    if let Err(err) = &result {
        let log = std::fs::read_to_string(scratch.join("helper.log")).unwrap_or_default();
        println!("{triple}: {err:#}\nits output:\n{log}");
    }
    let _ = std::fs::remove_dir_all(&scratch);
    result
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

fn ask(listen: SocketAddr, limit: Duration, triple: &str, version: &str) -> Result<()> {
    net::wait_for_port(listen, limit, &format!("reset-proxy for {triple}"))?;
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
