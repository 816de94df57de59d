//! How fast the wizard's first step becomes usable, beside a plain HTML page, each served as the
//! front page of its own reset-proxy (same settings) on loopback and loaded cold (HTTP cache cleared) in headless
//! Chromium, alternating, `RUNS` times each. Run by `cargo xtask bench load`.
//!
//! "Interactive" is the moment the page holds the first step's heading (`h2#step-heading`,
//! with text), the discovery list's "Search again" button and the address field, both shown and
//! enabled: from then on a person can read the step and act on it. The plain page has the same
//! three elements as static HTML. "Device listed" (wizard only) is the moment the discovered
//! simulated device's Choose button appears. "Painted" is the browser's first contentful paint
//! (Paint Timing): for the wizard, the static first screen `index.html` draws before the wasm
//! runs. Times are `performance.now()` at the first DOM
//! change that meets the condition, i.e. milliseconds since navigation start.
//!
//! Usage: `cargo run --release -p e2e --example load_timing -- DIST_DIR RUNS`
//! Prints the figures and, last, one line `BENCH-JSON {...}` for xtask.

#[cfg(not(target_arch = "wasm32"))]
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    timing::run().await
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod timing {
    use anyhow::{bail, Context, Result};
    use e2e::Browser;
    use std::net::SocketAddr;
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    /// The plain page: the first step's three elements, no script, no style sheet.
    const PLAIN_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Plain page</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main>
<h2 id="step-heading" tabindex="-1">Find your device</h2>
<div class="discovery"><h3>Devices found on this network</h3><button type="button">Search again</button></div>
<form><label for="device-address">Device address</label><input id="device-address" type="text"><button type="submit">Check</button></form>
</main></body></html>
"#;

    /// Watches the DOM from the first byte and notes when each milestone is first met.
    const WATCH: &str = r#"(() => {
  const shown = e => e && !e.disabled && e.getClientRects().length > 0;
  const check = () => {
    if (window.__interactiveAt === undefined) {
      const h = document.querySelector('h2#step-heading');
      if (h && h.textContent.trim() && shown(document.querySelector('.discovery button'))
          && shown(document.querySelector('#device-address'))) {
        window.__interactiveAt = performance.now();
      }
    }
    if (window.__listedAt === undefined && document.querySelector('table.devices button')) {
      window.__listedAt = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  document.addEventListener('DOMContentLoaded', check);
})();"#;

    /// How long one page may take before the run counts as failed.
    const PAGE_LIMIT: Duration = Duration::from_secs(20);

    pub async fn run() -> Result<()> {
        let mut args = std::env::args().skip(1);
        let (Some(dist), Some(runs)) = (args.next(), args.next()) else {
            bail!("usage: load_timing DIST_DIR RUNS");
        };
        let runs: usize = runs.parse().context("RUNS must be a number")?;
        // The plain page is the front page of a folder of its own: reset-proxy serves any other
        // page sandboxed, without scripts, and the watcher is a script.
        let plain_site = tempfile::tempdir()?;
        std::fs::write(plain_site.path().join("index.html"), PLAIN_PAGE)?;

        let identity = devsim::DeviceIdentity::random(devsim::Profile::Nvr);
        let device =
            devsim::start(devsim::Config::loopback(identity).with_sadp("127.0.0.1:0".parse()?))
                .await?;
        let sadp = device.sadp_addr.context("devsim started without SADP")?;
        let (wizard_addr, wizard_server) =
            serve(PathBuf::from(&dist), sadp, device.http_addr).await?;
        let (plain_addr, plain_server) =
            serve(plain_site.path().to_path_buf(), sadp, device.http_addr).await?;

        let browser = Browser::start().await?;
        browser
            .devtools(
                "Page.addScriptToEvaluateOnNewDocument",
                serde_json::json!({ "source": WATCH }),
            )
            .await?;
        let wizard_url = format!("http://{wizard_addr}/");
        let plain_url = format!("http://{plain_addr}/");
        // One unmeasured load of each warms the proxy and Chromium's process, not the cache.
        load(&browser, &wizard_url, true).await?;
        load(&browser, &plain_url, false).await?;
        let (mut wizard, mut listed, mut plain) = (Vec::new(), Vec::new(), Vec::new());
        let (mut wizard_painted, mut plain_painted) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let timings = load(&browser, &wizard_url, true).await?;
            wizard.push(timings.interactive);
            wizard_painted.push(timings.painted);
            listed.extend(timings.listed);
            let timings = load(&browser, &plain_url, false).await?;
            plain.push(timings.interactive);
            plain_painted.push(timings.painted);
        }
        browser.close().await?;
        wizard_server.abort();
        plain_server.abort();

        let (wizard, listed, plain) = (median(wizard), median(listed), median(plain));
        let (wizard_painted, plain_painted) = (median(wizard_painted), median(plain_painted));
        println!("\nload, median of {runs} cold loads each (ms since navigation start):");
        println!("  wizard, first screen painted    {wizard_painted:>8.1} ms");
        println!("  plain HTML page, painted        {plain_painted:>8.1} ms");
        println!("  wizard, first step interactive  {wizard:>8.1} ms");
        println!("  wizard, simulated device listed {listed:>8.1} ms");
        println!("  plain HTML page, interactive    {plain:>8.1} ms");
        println!("  ratio wizard / plain            {:>8.2}x", wizard / plain);
        println!(
            "BENCH-JSON {}",
            serde_json::json!({
                "runs": runs,
                "wizard_ms": wizard,
                "listed_ms": listed,
                "plain_ms": plain,
                "wizard_painted_ms": wizard_painted,
                "plain_painted_ms": plain_painted,
            })
        );
        Ok(())
    }

    /// When one load reached each milestone, in ms since navigation start.
    struct Timings {
        /// The browser's first contentful paint: the first text on screen.
        painted: f64,
        interactive: f64,
        /// The wizard only: the simulated device's row.
        listed: Option<f64>,
    }

    /// Loads `url` with an empty HTTP cache; returns when it was first painted, became
    /// interactive (and, for the wizard, listed the device).
    async fn load(browser: &Browser, url: &str, wizard: bool) -> Result<Timings> {
        browser.client.goto("about:blank").await?;
        browser
            .devtools("Network.clearBrowserCache", serde_json::json!({}))
            .await?;
        browser.client.goto(url).await?;
        let start = Instant::now();
        loop {
            let seen = browser
                .client
                .execute(
                    "const paint = performance.getEntriesByName('first-contentful-paint')[0];
                     return [window.__interactiveAt ?? null, window.__listedAt ?? null,
                             paint ? paint.startTime : null];",
                    vec![],
                )
                .await?;
            let interactive = seen[0].as_f64();
            let listed = seen[1].as_f64();
            let painted = seen[2].as_f64();
            if let (Some(at), Some(painted)) = (interactive, painted) {
                if !wizard || listed.is_some() {
                    return Ok(Timings {
                        painted,
                        interactive: at,
                        listed,
                    });
                }
            }
            if start.elapsed() > PAGE_LIMIT {
                bail!(
                    "{url} was not interactive (and listed) within {PAGE_LIMIT:?}: {}",
                    browser.page_text().await
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn median(mut values: Vec<f64>) -> f64 {
        if values.is_empty() {
            return f64::NAN;
        }
        values.sort_by(|a, b| a.total_cmp(b));
        values[values.len() / 2]
    }

    /// A reset-proxy serving `dist` on a free loopback port, with the simulated device allowed.
    async fn serve(
        dist: PathBuf,
        sadp: SocketAddr,
        device: SocketAddr,
    ) -> Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
        let mut config = reset_proxy::Config::new("127.0.0.1:0".parse()?, sadp);
        config.dist = Some(dist);
        config.extra_devices = vec![device];
        let bound = reset_proxy::Bound::bind(config).await?;
        let addr = bound.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = bound.serve(std::future::pending()).await;
        });
        Ok((addr, task))
    }
}
