//! Which browser the tests drive (`E2E_BROWSER`: chromium, the default, firefox or webkit), and
//! how each one's WebDriver server is started and asked for a session, all on loopback.

use anyhow::{bail, Context, Result};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The browser engines the suite runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Debian's chromium through chromedriver.
    Chromium,
    /// Debian's firefox-esr through geckodriver.
    Firefox,
    /// WebKitGTK's MiniBrowser through WebKitWebDriver, under Xvfb: Safari's engine.
    Webkit,
}

impl Engine {
    /// The engine `E2E_BROWSER` names; Chromium when it is unset.
    pub fn from_env() -> Result<Engine> {
        match std::env::var("E2E_BROWSER").as_deref() {
            Err(_) | Ok("") | Ok("chromium") => Ok(Engine::Chromium),
            Ok("firefox") => Ok(Engine::Firefox),
            Ok("webkit") => Ok(Engine::Webkit),
            Ok(other) => bail!("E2E_BROWSER={other:?}: use chromium, firefox or webkit"),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::Webkit => "webkit",
        }
    }
}

/// For a test of a Chromium-only feature: true (after saying so) when another browser is
/// under test, so the test returns at once instead of failing on what that browser lacks.
pub fn skip_unless_chromium(feature: &str) -> Result<bool> {
    let engine = Engine::from_env()?;
    if engine == Engine::Chromium {
        return Ok(false);
    }
    // Straight to stderr, past libtest's capture, so the skip shows in every run's output.
    let _ = writeln!(
        std::io::stderr(),
        "skipped under {}: this test checks {feature}, which only Chromium has",
        engine.name()
    );
    Ok(true)
}

/// What a test asks of the browser beyond a plain session, said once for every engine.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// Accept the tests' self-signed certificates (`acceptInsecureCerts`).
    pub insecure_certs: bool,
    /// Site storage refused, as strict privacy settings do: Chromium's "block all site data",
    /// Firefox's `dom.storage.enabled` off, WebKit's local storage setting off.
    pub no_storage: bool,
    /// Chromium command-line flags: a test that gives any runs under Chromium only.
    pub chromium_flags: Vec<String>,
}

/// A WebDriver server in a process group of its own; the group is ended on drop, so the
/// browser (and WebKit's Xvfb) goes too, even when a failed test never closed its session.
pub struct Driver {
    child: Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Only the group this driver leads: what this test started, nothing else.
        let _ = Command::new("kill")
            .arg("--")
            .arg(format!("-{}", self.child.id()))
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running driver with an open session, and the profile folder the browser uses.
pub struct Session {
    pub client: Client,
    pub driver: Driver,
    pub profile: tempfile::TempDir,
}

/// The window every test sees, whatever the engine.
const WIDTH: u32 = 1024;
const HEIGHT: u32 = 900;

/// Starts `engine`'s driver on a free loopback port and opens a fresh browser as `setup` says.
pub async fn open(engine: Engine, setup: &Setup) -> Result<Session> {
    if engine != Engine::Chromium && !setup.chromium_flags.is_empty() {
        bail!(
            "this test passes Chromium flags ({:?}), so it cannot run under {}: start it with \
             `if e2e::drivers::skip_unless_chromium(\"…\")? {{ return Ok(()); }}`",
            setup.chromium_flags,
            engine.name()
        );
    }
    let profile = tempfile::tempdir().context("creating a browser profile folder")?;
    let port = free_port()?;
    let driver = spawn_driver(engine, port)?;
    wait_for_port(port, Duration::from_secs(30))
        .await
        .with_context(|| format!("the {} WebDriver server did not start", engine.name()))?;
    let caps = capabilities(engine, setup, &profile)?;
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .with_context(|| format!("opening a {} session", engine.name()))?;
    if engine != Engine::Chromium {
        // Chromium takes its size as a flag; the others through WebDriver.
        client
            .set_window_size(WIDTH, HEIGHT)
            .await
            .context("sizing the browser window")?;
    }
    Ok(Session {
        client,
        driver,
        profile,
    })
}

fn spawn_driver(engine: Engine, port: u16) -> Result<Driver> {
    let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.into());
    let (mut cmd, program) = match engine {
        Engine::Chromium => {
            let program = var("CHROMEDRIVER", "/usr/bin/chromedriver");
            let mut cmd = Command::new(&program);
            cmd.arg(format!("--port={port}"));
            (cmd, program)
        }
        Engine::Firefox => {
            let program = var("GECKODRIVER", "geckodriver");
            let mut cmd = Command::new(&program);
            // Its own Marionette port too, so two runs side by side never meet.
            cmd.args(["--host", "127.0.0.1", "--port", &port.to_string()])
                .args(["--marionette-port", &free_port()?.to_string()]);
            (cmd, program)
        }
        Engine::Webkit => {
            let program = var("WEBKIT_WEBDRIVER", "/usr/bin/WebKitWebDriver");
            // MiniBrowser has no headless mode that automation can drive: a virtual X server.
            let mut cmd = Command::new("xvfb-run");
            cmd.args(["-a", "-s", "-screen 0 1280x1024x24"])
                .arg(&program)
                .arg(format!("--port={port}"))
                .arg("--host=127.0.0.1");
            (cmd, program)
        }
    };
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    // The tests read English text: the browser never follows the machine's own language.
    let child = cmd
        .env("LANG", "en_US.UTF-8")
        .env("LANGUAGE", "en_US")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| {
            format!("starting {program} (run `cargo xtask test`, which installs it)")
        })?;
    Ok(Driver { child })
}

fn capabilities(
    engine: Engine,
    setup: &Setup,
    profile: &tempfile::TempDir,
) -> Result<Map<String, Value>> {
    // Chromium's profile folder is ours; geckodriver and WebKit make fresh ones themselves.
    let mut caps = Map::new();
    if setup.insecure_certs {
        caps.insert("acceptInsecureCerts".into(), json!(true));
    }
    match engine {
        Engine::Chromium => {
            let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
            let mut args = vec![
                "--headless".to_string(),
                "--no-sandbox".into(),
                "--disable-gpu".into(),
                "--disable-dev-shm-usage".into(),
                "--disable-background-networking".into(),
                "--disable-component-update".into(),
                "--disable-sync".into(),
                "--no-first-run".into(),
                format!("--window-size={WIDTH},{HEIGHT}"),
                "--lang=en-US".into(),
                format!("--user-data-dir={}", profile.path().display()),
            ];
            args.extend(setup.chromium_flags.iter().cloned());
            if setup.no_storage {
                // The content setting behind "Don't allow sites to save data": localStorage throws.
                let dir = profile.path().join("Default");
                std::fs::create_dir_all(&dir)?;
                std::fs::write(
                    dir.join("Preferences"),
                    json!({ "profile": { "default_content_setting_values": { "cookies": 2 } } })
                        .to_string(),
                )?;
            }
            caps.insert(
                "goog:chromeOptions".into(),
                json!({ "binary": chromium, "args": args }),
            );
        }
        Engine::Firefox => {
            let firefox =
                std::env::var("FIREFOX").unwrap_or_else(|_| "/usr/bin/firefox-esr".into());
            let mut prefs = firefox_prefs();
            if setup.no_storage {
                prefs.insert("dom.storage.enabled".into(), json!(false));
            }
            caps.insert(
                "moz:firefoxOptions".into(),
                json!({
                    "binary": firefox,
                    "args": ["-headless"],
                    "prefs": prefs,
                }),
            );
        }
        Engine::Webkit => {
            let mini = std::env::var("MINIBROWSER")
                .unwrap_or_else(|_| "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser".into());
            caps.insert("browserName".into(), json!("MiniBrowser"));
            caps.insert(
                "webkitgtk:browserOptions".into(),
                json!({
                    "binary": mini,
                    "args": ["--automation", format!("--enable-html5-local-storage={}", !setup.no_storage)],
                }),
            );
        }
    }
    Ok(caps)
}

/// Firefox preferences: English pages, and nothing that calls Mozilla's servers (updates,
/// telemetry, safe browsing, captive-portal and connectivity checks, DNS over HTTPS,
/// prefetching), so every request a test makes stays on loopback.
fn firefox_prefs() -> Map<String, Value> {
    let prefs = json!({
        "intl.accept_languages": "en-US",
        "app.update.enabled": false,
        "app.normandy.enabled": false,
        "browser.safebrowsing.malware.enabled": false,
        "browser.safebrowsing.phishing.enabled": false,
        "browser.safebrowsing.downloads.enabled": false,
        "browser.shell.checkDefaultBrowser": false,
        "browser.startup.homepage_override.mstone": "ignore",
        "browser.region.network.url": "",
        "browser.search.update": false,
        "datareporting.healthreport.uploadEnabled": false,
        "datareporting.policy.dataSubmissionEnabled": false,
        "extensions.update.enabled": false,
        "network.captive-portal-service.enabled": false,
        "network.connectivity-service.enabled": false,
        "network.dns.disablePrefetch": true,
        "network.prefetch-next": false,
        "network.http.speculative-parallel-limit": 0,
        "network.trr.mode": 5,
        "toolkit.telemetry.enabled": false,
        "toolkit.telemetry.server": "",
    });
    match prefs {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A free loopback port, found by binding port 0.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

async fn wait_for_port(port: u16, limit: Duration) -> Result<()> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("nothing listened on port {port} within {limit:?}")
}
