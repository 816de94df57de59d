//! What the browser tests and the timing examples stand on: a real browser through its
//! WebDriver server (Chromium, Firefox or WebKit), and a real reset-proxy with a simulated
//! device, all on loopback.

pub mod drivers;
pub mod pictures;
mod walk;

pub use drivers::{free_port, Engine, Setup};
pub use walk::{discoverable_stack, stack, stack_with, NEW_PASSWORD};

use anyhow::{bail, Context, Result};
use fantoccini::{Client, Locator};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long a click in WebKit waits for a widget frame to grow to its content (a frame of
/// fixed height never does, so this is a bound, not a condition that must be met).
const FRAME_SETTLE: Duration = Duration::from_secs(3);

/// How long the page may take to show something the test waits for.
pub const UI_WAIT: Duration = Duration::from_secs(20);

/// A browser session (the engine `E2E_BROWSER` names, see [`drivers`]); its driver is ended on drop.
pub struct Browser {
    pub client: Client,
    pub engine: Engine,
    _driver: drivers::Driver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts the browser under test on a free loopback port.
    pub async fn start() -> Result<Self> {
        Self::start_setup(Setup::default()).await
    }

    /// Like [`Browser::start`], with Chromium flags (e.g. a fake camera): Chromium-only tests.
    pub async fn start_with(extra: &[String]) -> Result<Self> {
        Self::start_setup(Setup {
            chromium_flags: extra.to_vec(),
            ..Setup::default()
        })
        .await
    }

    /// Like [`Browser::start`], as `setup` says.
    pub async fn start_setup(setup: Setup) -> Result<Self> {
        let engine = Engine::from_env()?;
        let session = drivers::open(engine, &setup).await?;
        if engine == Engine::Chromium {
            // Every page records Content-Security-Policy violations from its very first
            // script, so `close` can fail a test that triggered one. Classic WebDriver has no
            // way to run a script before the page's own in the other browsers.
            session
                .client
                .issue_cmd(DevTools {
                    method: "Page.addScriptToEvaluateOnNewDocument",
                    params: serde_json::json!({ "source": RECORD_CSP_VIOLATIONS }),
                })
                .await
                .context("asking Chromium to record CSP violations")?;
        }
        Ok(Browser {
            client: session.client,
            engine,
            _driver: session.driver,
            _profile: session.profile,
        })
    }

    /// Calls a DevTools protocol method (through chromedriver) and returns its result.
    pub async fn devtools(
        &self,
        method: &'static str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value> {
        if self.engine != Engine::Chromium {
            bail!(
                "DevTools {method} exists in Chromium only, not {}",
                self.engine.name()
            );
        }
        self.client
            .issue_cmd(DevTools { method, params })
            .await
            .with_context(|| format!("DevTools {method}"))
    }

    /// The CSP violations the current page reported, one line each.
    pub async fn csp_violations(&self) -> Result<Vec<String>> {
        let found = self
            .client
            .execute("return window.__cspViolations || [];", vec![])
            .await
            .context("reading recorded CSP violations")?;
        Ok(serde_json::from_value(found)?)
    }

    /// Waits until an element matching the XPath exists, then returns its text.
    pub async fn text_of(&self, xpath: &str) -> Result<String> {
        Ok(self.wait_for(xpath).await?.text().await?)
    }

    /// The field whose `<label>` reads `label`, as a person finds it.
    pub async fn field(&self, label: &str) -> Result<fantoccini::elements::Element> {
        let xpath = format!(
            "//input[@id=//label[normalize-space(.)={}]/@for]",
            xpath_literal(label)
        );
        self.wait_for(&xpath).await
    }

    /// The button whose visible name is `name`.
    pub async fn button(&self, name: &str) -> Result<fantoccini::elements::Element> {
        let xpath = format!(
            "//button[normalize-space(.)={0} or @aria-label={0}] | //a[normalize-space(.)={0}]",
            xpath_literal(name)
        );
        self.wait_for(&xpath).await
    }

    /// Clicks the button named `name` once it exists and is enabled.
    pub async fn click(&self, name: &str) -> Result<()> {
        let button = self.button(name).await?;
        let start = Instant::now();
        while !button.is_enabled().await? {
            if start.elapsed() > UI_WAIT {
                bail!("the button {name:?} stayed disabled");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if self.engine == Engine::Webkit {
            self.scroll_frame_to(&button).await?;
        }
        button
            .click()
            .await
            .with_context(|| format!("clicking {name:?}"))
    }

    /// WebKitWebDriver does not scroll the top page to an element inside a frame (the widget's
    /// frame grows to its content, so its lower buttons sit below the fold) and its click then
    /// misses: scroll the top page so that `element`, in the frame entered with
    /// `enter_frame(0)`, is in view. Does nothing outside a frame.
    async fn scroll_frame_to(&self, element: &fantoccini::elements::Element) -> Result<()> {
        // A widget frame grows to its content a moment after a step changes; a click placed
        // before that lands where the button was. Wait (bounded) until the frame fits its page.
        let settle = Instant::now();
        while settle.elapsed() < FRAME_SETTLE {
            let fits = self
                .client
                .execute(
                    "return window === window.top
                        || document.documentElement.scrollHeight <= window.innerHeight + 1;",
                    vec![],
                )
                .await?;
            if fits == serde_json::Value::Bool(true) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let top = self
            .client
            .execute(
                "return window === window.top ? null : arguments[0].getBoundingClientRect().top;",
                vec![serde_json::to_value(element)?],
            )
            .await
            .context("placing the element in its frame")?;
        let Some(top) = top.as_f64() else {
            return Ok(());
        };
        self.client.enter_parent_frame().await?;
        self.client
            .execute(
                "const frame = document.querySelectorAll('iframe')[0];
                 window.scrollBy(0, frame.getBoundingClientRect().top + arguments[0] - window.innerHeight / 2);",
                vec![serde_json::json!(top)],
            )
            .await
            .context("scrolling the top page to the frame's element")?;
        self.client.enter_frame(0).await?;
        Ok(())
    }

    /// Types `text` into the field labelled `label`.
    pub async fn type_into(&self, label: &str, text: &str) -> Result<()> {
        let field = self.field(label).await?;
        field.clear().await?;
        field
            .send_keys(text)
            .await
            .with_context(|| format!("typing into {label:?}"))
    }

    /// Waits for the step whose heading reads `title`.
    pub async fn wait_for_step(&self, title: &str) -> Result<()> {
        self.wait_for(&format!(
            "//h2[normalize-space(.)={}]",
            xpath_literal(title)
        ))
        .await
        .map(|_| ())
    }

    /// Waits for an element matching `xpath`; on a time-out, saves a screenshot when
    /// `BROWSER_TEST_SHOTS` names a folder, and says what the page showed.
    pub async fn wait_for(&self, xpath: &str) -> Result<fantoccini::elements::Element> {
        let found = self
            .client
            .wait()
            .at_most(UI_WAIT)
            .for_element(Locator::XPath(xpath))
            .await;
        match found {
            Ok(element) => Ok(element),
            Err(err) => {
                let shown = self.page_text().await;
                if let Some(dir) = std::env::var_os("BROWSER_TEST_SHOTS") {
                    if let Ok(png) = self.client.screenshot().await {
                        let name = format!("{}.png", xpath.len() ^ png.len());
                        let _ = std::fs::write(PathBuf::from(dir).join(name), png);
                    }
                }
                Err(err).with_context(|| format!("waiting for {xpath}; the page showed:\n{shown}"))
            }
        }
    }

    /// Presses Tab until the focused control's name (label, aria-label or text) is `name`;
    /// fails after 60 presses, so an unreachable control is reported, not looped on.
    pub async fn tab_to(&self, name: &str) -> Result<()> {
        let mut seen = Vec::new();
        for _ in 0..60 {
            self.press(fantoccini::key::Key::Tab).await?;
            let focused = self.focused_name().await?;
            if focused == name {
                return Ok(());
            }
            seen.push(focused);
        }
        bail!("Tab never reached {name:?}; focus went through {seen:?}")
    }

    /// Sends one key to whatever has the focus.
    pub async fn press(&self, key: fantoccini::key::Key) -> Result<()> {
        self.type_here(&char::from(key).to_string()).await
    }

    /// Types `text` into whatever has the focus.
    pub async fn type_here(&self, text: &str) -> Result<()> {
        self.client
            .active_element()
            .await?
            .send_keys(text)
            .await
            .context("typing into the focused element")
    }

    /// The accessible name of the focused element, roughly as a screen reader would say it.
    async fn focused_name(&self) -> Result<String> {
        let name = self
            .client
            .execute(
                "const e = document.activeElement;
                 if (!e) return '';
                 if (e.labels && e.labels.length) return e.labels[0].innerText.trim();
                 return (e.getAttribute('aria-label') || e.innerText || '').trim();",
                vec![],
            )
            .await?;
        Ok(name.as_str().unwrap_or_default().to_string())
    }

    /// The visible text of the page, for failure messages.
    pub async fn page_text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Runs axe-core on the page and returns its violations, one line each.
    pub async fn axe_violations(&self) -> Result<Vec<String>> {
        let path = std::env::var("AXE_CORE_JS")
            .context("AXE_CORE_JS is not set: run the browser tests through `cargo xtask test`")?;
        let axe = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
        self.client
            .execute(&axe, vec![])
            .await
            .context("injecting axe-core")?;
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document).then(r => done(r.violations.map(v =>
                     v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))),
                   e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .context("running axe-core")?;
        Ok(serde_json::from_value(result)?)
    }

    /// Fails on any CSP violation the page reported, then closes the session (the driver
    /// is killed on drop either way).
    pub async fn close(self) -> Result<()> {
        let violations = self.csp_violations().await?;
        self.client
            .clone()
            .close()
            .await
            .context("closing the browser")?;
        if !violations.is_empty() {
            bail!("the page reported Content-Security-Policy violations: {violations:#?}");
        }
        Ok(())
    }
}

/// Collects `securitypolicyviolation` events before any of the page's own scripts run.
const RECORD_CSP_VIOLATIONS: &str = "window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
    ' at ' + e.sourceFile + ':' + e.lineNumber));";

/// chromedriver's bridge to a DevTools protocol method (`goog/cdp/execute`).
#[derive(Debug)]
struct DevTools {
    method: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.method, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// `text` as an XPath string literal, whatever quotes it holds.
pub fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        return format!("'{text}'");
    }
    let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
    format!("concat({})", parts.join(", \"'\", "))
}

/// The repository's root (this crate is `crates/e2e`): the README and the demo help center.
pub fn repo_root() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The built wizard, from `cargo xtask test` (which sets WIZARD_DIST after `trunk build`).
pub fn dist() -> Result<PathBuf> {
    let dir = std::env::var_os("WIZARD_DIST")
        .map(PathBuf::from)
        .context("WIZARD_DIST is not set: run the browser tests through `cargo xtask test`, which builds the wizard first")?;
    if !dir.join("index.html").exists() {
        bail!(
            "{} has no index.html: the wizard was not built",
            dir.display()
        );
    }
    Ok(dir)
}

/// A running reset-proxy serving the built wizard, with the devices it may reach.
pub struct Proxy {
    pub addr: SocketAddr,
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Starts the proxy on a free loopback port; `devices` are the loopback devices it may reach.
    pub async fn start(devices: &[SocketAddr], sadp_target: SocketAddr) -> Result<Self> {
        Self::start_with(devices, sadp_target, |config| config).await
    }

    /// Like [`Proxy::start`], with the configuration adjusted by `tune`.
    pub async fn start_with(
        devices: &[SocketAddr],
        sadp_target: SocketAddr,
        tune: impl FnOnce(reset_proxy::Config) -> reset_proxy::Config,
    ) -> Result<Self> {
        let mut config = reset_proxy::Config::new("127.0.0.1:0".parse()?, sadp_target);
        config.dist = Some(dist()?);
        config.extra_devices = devices.to_vec();
        let config = tune(config);
        let bound = reset_proxy::Bound::bind(config).await?;
        let addr = bound.local_addr()?;
        let url = bound.wizard_url(addr);
        let task = tokio::spawn(async move {
            let _ = bound.serve(std::future::pending()).await;
        });
        Ok(Proxy { addr, url, task })
    }

    /// The wizard's URL on this proxy, as it prints it (with `#pair=…` when it asks for pairing).
    pub fn url(&self) -> String {
        self.url.clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The built wizard served as plain static files, as a help center or CDN would: no proxy.
pub struct StaticSite {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl StaticSite {
    /// Serves the built wizard on a free loopback port.
    pub async fn start() -> Result<Self> {
        Self::serve(
            axum::Router::new().fallback_service(tower_http::services::ServeDir::new(dist()?)),
        )
        .await
    }

    /// Serves `router` (built around the wizard's files) on a free loopback port.
    pub async fn serve(router: axum::Router) -> Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(StaticSite { addr, task })
    }

    /// The wizard's URL on this site.
    pub fn url(&self) -> String {
        format!("http://{}/index.html", self.addr)
    }
}

impl Drop for StaticSite {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a simulated device of `profile` with HTTP and SADP on loopback.
pub async fn device(profile: devsim::Profile) -> Result<devsim::Running> {
    let identity = devsim::DeviceIdentity::random(profile);
    Ok(devsim::start(devsim::Config::loopback(identity).with_sadp("127.0.0.1:0".parse()?)).await?)
}
