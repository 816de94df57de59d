//! The help-center widget in a real browser: a host page on one name embeds the wizard,
//! served as static files with its CSP on another name (both `*.localhost`, which browsers
//! resolve to loopback themselves), through `public/embed.js`. Guided and connected resets, the events the host
//! receives (none carrying a secret), axe at every step in light, dark and Arabic, and a hostile
//! host whose proxy and mailbox are not used.

use anyhow::{ensure, Context, Result};
use axum::http::{header, HeaderValue};
use devsim::{Config, DeviceIdentity, Profile, Running};
use e2e::{stack_with, Browser, Proxy, Setup, NEW_PASSWORD, UI_WAIT};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

// Every browser resolves `*.localhost` to loopback by itself, and each name is a site of its
// own, so the wizard's frame is third-party to the help center as on the real web.
const HOST_NAME: &str = "help.localhost";
const WIZARD_NAME: &str = "wizard.localhost";
const EVIL_NAME: &str = "evil.localhost";

/// The guided steps up to the QR code, as their headings read.
const GUIDED_TO_QR: [&str; 4] = [
    "Find your device",
    "Choose how to reset",
    "Privacy notice",
    "Send the QR code",
];

/// How far, in CSS pixels, the frame's height may be from its content's: the wizard reports a
/// whole number of pixels, rounded up.
const FIT: f64 = 2.0;

/// A tiny HTTPS server on loopback (self-signed; the browser is told to accept it), stopped on drop.
struct Server {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn start(router: axum::Router) -> Result<Server> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let acceptor = acceptor()?;
        let task = tokio::spawn(reset_proxy::connections::serve(
            vec![listener],
            Some(acceptor),
            router,
            reset_proxy::ConnectionLimits::default(),
            std::future::pending(),
        ));
        Ok(Server { addr, task })
    }

    fn origin(&self, name: &str) -> String {
        format!("https://{name}:{}", self.addr.port())
    }
}

fn acceptor() -> Result<tokio_rustls::TlsAcceptor> {
    let generated = rcgen::generate_simple_self_signed(vec![
        HOST_NAME.to_string(),
        WIZARD_NAME.into(),
        EVIL_NAME.into(),
    ])?;
    let key = rustls::pki_types::PrivatePkcs8KeyDer::from(generated.signing_key.serialize_der());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(vec![generated.cert.der().clone()], key.into())?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The help center (serving `page` at `/`) and the wizard's static site, which only lets that
/// help center frame it: the headers `cargo xtask dist` documents.
struct Sites {
    host: Server,
    wizard: Server,
    page: Arc<std::sync::Mutex<String>>,
}

impl Sites {
    async fn start() -> Result<Sites> {
        let page = Arc::new(std::sync::Mutex::new(String::new()));
        let served = page.clone();
        let dist = e2e::dist()?;
        // The help center also hosts a copy of the demo page, as any static host could.
        let demo_page = e2e::repo_root().join("crates/proxy/help-center-demo");
        let host = Server::start(
            axum::Router::new()
                .route(
                    "/",
                    axum::routing::get(move || {
                        let html = served.lock().map(|p| p.clone()).unwrap_or_default();
                        async move { axum::response::Html(html) }
                    }),
                )
                .nest_service("/demo", tower_http::services::ServeDir::new(demo_page)),
        )
        .await?;
        let index = std::fs::read_to_string(dist.join("index.html"))?;
        let csp = reset_proxy::csp::header_value(&index, &host.origin(HOST_NAME));
        let wizard = Server::start(
            axum::Router::new()
                .fallback_service(tower_http::services::ServeDir::new(dist))
                .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_str(&csp)?,
                )),
        )
        .await?;
        Ok(Sites { host, wizard, page })
    }

    /// Opens the help-center article with the widget element carrying `attributes` and enters
    /// the widget once the wizard runs in it.
    async fn open(&self, browser: &Browser, attributes: &str) -> Result<()> {
        browser
            .client
            .goto(&self.serve(self.widget_page(attributes)))
            .await?;
        enter_widget(browser).await
    }

    /// A help-center article with the widget element carrying `attributes`.
    fn widget_page(&self, attributes: &str) -> String {
        let html = format!(
            r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Help center</title></head>
<body><main><h1>Reset your camera's password</h1>
<div id="wizard" data-reset-wizard {attributes}></div></main>
<script>
window.__events = [];
for (const type of ["ready", "step", "done", "error"]) {{
  document.addEventListener("resetwizard:" + type, e =>
    window.__events.push({{ type, target: e.target.id, detail: e.detail }}));
}}
</script>
<script src="{}/public/embed.js" async></script>
</body></html>"#,
            self.wizard.origin(WIZARD_NAME)
        );
        html
    }

    /// Serves `html` as the help center's page and returns its URL.
    fn serve(&self, html: String) -> String {
        if let Ok(mut page) = self.page.lock() {
            *page = html;
        }
        format!("{}/", self.host.origin(HOST_NAME))
    }
}

/// The browser under test, accepting the test's self-signed certificates.
async fn browser() -> Result<Browser> {
    Browser::start_setup(Setup {
        insecure_certs: true,
        ..Setup::default()
    })
    .await
}

/// Like [`browser`], but the two sites count as public internet addresses, as a real help
/// center would be: reaching the helper on loopback then needs Local Network Access, which
/// the person has answered with `permission` (`granted` or `denied`).
async fn public_browser(sites: &Sites, permission: &str) -> Result<Browser> {
    let browser = Browser::start_setup(Setup {
        insecure_certs: true,
        chromium_flags: vec![format!(
            "--ip-address-space-overrides=127.0.0.1:{}=public,127.0.0.1:{}=public",
            sites.wizard.addr.port(),
            sites.host.addr.port()
        )],
        ..Setup::default()
    })
    .await?;
    // Chromium 145 split the permission in two; older ones know only the first name.
    for name in ["local-network-access", "loopback-network", "local-network"] {
        for origin in [
            sites.wizard.origin(WIZARD_NAME),
            sites.host.origin(HOST_NAME),
        ] {
            browser
                .devtools(
                    "Browser.setPermission",
                    serde_json::json!({
                        "permission": { "name": name },
                        "setting": permission,
                        "origin": origin,
                    }),
                )
                .await?;
        }
    }
    Ok(browser)
}

/// Switches into the widget's frame once the wizard runs there. The frame's document is loaded
/// (and the host page's `load` has fired) well before its wasm has started: until the app is
/// mounted, the page shows none of the wizard's theme, language or steps, so a test reading it
/// at once would see the bare page on a slow start.
async fn enter_widget(browser: &Browser) -> Result<()> {
    browser
        .wait_for("//iframe[contains(@src, '/?embed=1')]")
        .await?;
    browser.client.clone().enter_frame(0).await?;
    browser.wait_for("//main[@id='main']").await?;
    Ok(())
}

/// The events the host page received (read from the top page), once `arrived` holds for them
/// or the page's time is up. The wizard posts an event after drawing what caused it, and the
/// host page, another process, receives it a moment later: read at once, the newest could be
/// missing.
async fn host_events(browser: &Browser, arrived: impl Fn(&[Value]) -> bool) -> Result<Vec<Value>> {
    browser.client.clone().enter_parent_frame().await?;
    let start = Instant::now();
    loop {
        let events = browser
            .client
            .execute("return window.__events;", vec![])
            .await?;
        let events: Vec<Value> = serde_json::from_value(events)?;
        if arrived(&events) || start.elapsed() > UI_WAIT {
            return Ok(events);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether an event of `kind` has arrived.
fn has(kind: &'static str) -> impl Fn(&[Value]) -> bool {
    move |events| !events_of(events, kind).is_empty()
}

fn events_of<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["type"] == kind).collect()
}

/// The wizard page's background colour, as computed (shows which colour scheme applies).
async fn body_background(browser: &Browser) -> Result<Value> {
    Ok(browser
        .client
        .execute(
            "return getComputedStyle(document.body).backgroundColor;",
            vec![],
        )
        .await?)
}

/// The frame's height on the host page and the height of the wizard's content inside it (its
/// body, which has no minimum height, so unlike the document's scroll height it is not
/// stretched to a frame taller than it), read once the two agree within [`FIT`] or the page's
/// time is up: the frame follows the content a moment after it changes (a ResizeObserver
/// report, a message, the host page's resize). Called and left inside the frame.
async fn frame_and_content_heights(browser: &Browser) -> Result<(f64, f64)> {
    let start = Instant::now();
    loop {
        browser.client.clone().enter_parent_frame().await?;
        let frame = height_of(browser, "document.querySelector('iframe')").await?;
        browser.client.clone().enter_frame(0).await?;
        let content = height_of(browser, "document.body").await?;
        if (frame - content).abs() <= FIT || start.elapsed() > UI_WAIT {
            return Ok((frame, content));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The rendered height of the element `expression` names on the current page.
async fn height_of(browser: &Browser, expression: &str) -> Result<f64> {
    let height = browser
        .client
        .execute(
            &format!("return {expression}.getBoundingClientRect().height;"),
            vec![],
        )
        .await?;
    height.as_f64().context("a height")
}

/// Checks that the frame is as tall as the wizard's content at `at`, and returns that height.
async fn frame_fits_content(browser: &Browser, at: &str) -> Result<f64> {
    let (frame, content) = frame_and_content_heights(browser).await?;
    ensure!(
        (frame - content).abs() <= FIT,
        "{at}: a {frame} px frame for {content} px of content"
    );
    Ok(content)
}

/// The wizard's content height and its frame's inner height, read from inside the frame once the
/// content fits or the page's time is up. The frame follows the content a moment after it
/// changes (a ResizeObserver report, a message, the host page's resize), never at once.
async fn fitted_height(browser: &Browser) -> Result<(f64, f64)> {
    let start = Instant::now();
    loop {
        let inner = browser
            .client
            .execute(
                "return [document.documentElement.scrollHeight, window.innerHeight];",
                vec![],
            )
            .await?;
        let (content, viewport) = (
            inner[0].as_f64().unwrap_or(0.0),
            inner[1].as_f64().unwrap_or(0.0),
        );
        if content <= viewport + 1.0 || start.elapsed() > UI_WAIT {
            return Ok((content, viewport));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Walks the guided steps inside the widget, checking axe at each.
async fn guided_walk(browser: &Browser, label: &str, next: &str, steps: &[&str]) -> Result<()> {
    for (i, step) in steps.iter().enumerate() {
        if i > 0 {
            browser.click(next).await?;
        }
        browser
            .wait_for(&format!(
                "//h2[@id='step-heading' and contains(., {})]",
                e2e::xpath_literal(step)
            ))
            .await?;
        browser.no_violations(&format!("{label}, {step}")).await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guided_reset_in_the_widget_reports_its_steps_and_fits_its_frame() -> Result<()> {
    let sites = Sites::start().await?;
    let browser = browser().await?;
    sites
        .open(
            &browser,
            r#"data-mode="guided" data-mailbox="guarding-vision""#,
        )
        .await?;
    // The host page resized the frame to the wizard's first step (from the loader's 36rem).
    browser.wait_for_step("Find your device").await?;
    let first = frame_fits_content(&browser, "the first step").await?;
    guided_walk(&browser, "light", "Done, next step", &GUIDED_TO_QR).await?;
    // The embedder chose the mailbox by key: the e-mail goes there.
    let mailto = browser
        .wait_for("//a[starts-with(@href, 'mailto:')]")
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    ensure!(
        mailto.starts_with("mailto:pw_recovery@device-service.com?"),
        "{mailto}"
    );
    // No inner scrollbar: the page inside is no taller than its frame (once the host page has
    // resized the frame to the height the wizard reported for this step).
    let (content, viewport) = fitted_height(&browser).await?;
    ensure!(
        content <= viewport + 1.0,
        "content {content} px in a {viewport} px frame"
    );
    for _ in 0..2 {
        browser.click("Done, next step").await?;
    }
    browser.wait_for_step("Choose a new password").await?;
    browser.type_into("New password", NEW_PASSWORD).await?;
    browser.click("Done, next step").await?;
    browser.wait_for_step("Done").await?;
    browser.no_violations("light, done").await?;
    // And again once a step of another height replaced it.
    let done = frame_fits_content(&browser, "the last step").await?;
    ensure!(
        (first - done).abs() > FIT,
        "the steps have different heights, so the frame followed a change: {first} px, {done} px"
    );

    let events = host_events(&browser, has("done")).await?;
    let ready = events_of(&events, "ready");
    ensure!(ready.len() == 1, "one ready event: {events:#?}");
    ensure!(ready[0]["detail"]["mode"] == "guided" && ready[0]["detail"]["version"] == 1);
    ensure!(
        ready[0]["target"] == "wizard",
        "events reach the widget element"
    );
    let steps: Vec<&str> = events_of(&events, "step")
        .iter()
        .filter_map(|e| e["detail"]["step"].as_str())
        .collect();
    ensure!(
        steps
            == [
                "device",
                "mode",
                "privacy",
                "qr-code",
                "code",
                "new-password",
                "done"
            ],
        "{steps:?}"
    );
    ensure!(events_of(&events, "done").len() == 1, "{events:#?}");
    let text = serde_json::to_string(&events)?;
    ensure!(
        !text.contains(NEW_PASSWORD),
        "no event carries the password"
    );
    let title = browser
        .wait_for("//iframe")
        .await?
        .attr("title")
        .await?
        .unwrap_or_default();
    ensure!(title == "Password reset wizard", "{title}");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_passes_axe_in_dark_and_in_arabic() -> Result<()> {
    if e2e::drivers::skip_unless_chromium("DevTools' emulated dark colour scheme")? {
        return Ok(());
    }
    let sites = Sites::start().await?;
    let browser = browser().await?;
    let steps = [
        "Find your device",
        "Choose how to reset",
        "Privacy notice",
        "Send the QR code",
        "Type the reset code",
        "Choose a new password",
    ];
    sites
        .open(
            &browser,
            r##"data-mode="guided" data-scheme="dark" data-accent-dark="#8cc4ff""##,
        )
        .await?;
    let dark = body_background(&browser).await?;
    ensure!(
        dark == "rgb(21, 24, 29)",
        "the dark scheme is applied: {dark}"
    );
    guided_walk(&browser, "dark", "Done, next step", &steps).await?;

    // Arabic, right to left, and dark from the system's preference this time.
    browser
        .devtools(
            "Emulation.setEmulatedMedia",
            serde_json::json!({ "features": [{ "name": "prefers-color-scheme", "value": "dark" }] }),
        )
        .await?;
    browser.client.clone().enter_parent_frame().await?;
    sites
        .open(&browser, r#"data-mode="guided" data-lang="ar""#)
        .await?;
    let dir = browser.wait_for("//html[@dir='rtl' and @lang='ar']").await;
    ensure!(dir.is_ok(), "Arabic is laid out right to left");
    let first = browser.text_of("//h2[@id='step-heading']").await?;
    ensure!(!first.is_ascii(), "the step is in Arabic: {first}");
    browser.no_violations("arabic, dark").await?;
    let events = host_events(&browser, has("ready")).await?;
    let ready = events_of(&events, "ready");
    ensure!(
        ready.last().is_some_and(|r| r["detail"]["lang"] == "ar"),
        "{events:#?}"
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_widget_without_a_camera_offers_the_qr_upload() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let reset = e2e::pictures::qr_png(dir.path(), "reset.png", e2e::pictures::RESET_CONTENT)?;
    let sites = Sites::start().await?;
    let browser = browser().await?;
    sites.open(&browser, r#"data-mode="guided""#).await?;
    guided_walk(&browser, "no camera", "Done, next step", &GUIDED_TO_QR).await?;
    // Storage partitioned per top-level site still works in the frame: nothing to say.
    let text = browser.page_text().await;
    ensure!(!text.contains("kept only while"), "{text}");
    // This machine has no camera: whatever the browser answers (Chromium and Firefox: none
    // found; WebKitGTK: it could not start), the page points to the upload.
    browser.click("Scan with the camera").await?;
    let message = browser
        .text_of("//p[@class='qr-status' and contains(., 'choose it above')]")
        .await?;
    ensure!(
        [
            "The camera is not available",
            "The camera permission was refused",
            "No camera was found",
            "The camera could not start"
        ]
        .iter()
        .any(|start| message.starts_with(start)),
        "{message}"
    );
    browser.no_violations("no camera").await?;
    // And the upload it points to reads the picture, in the frame's own worker.
    browser.choose_qr_picture(&reset).await?;
    browser.qr_readable().await?;
    browser.close().await
}

/// A device with its demo mailbox, and a helper on "this computer" that lets the wizard's
/// origin call it.
async fn connected_stack(sites: &Sites) -> Result<(Running, Proxy)> {
    let wizard_origin = sites.wizard.origin(WIZARD_NAME);
    stack_with(
        Profile::Nvr,
        |device| device,
        |mut c| {
            c.allowed_origins = vec![wizard_origin];
            c
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connected_reset_in_the_widget_goes_through_the_helper_on_this_computer() -> Result<()> {
    let sites = Sites::start().await?;
    let (device, proxy) = connected_stack(&sites).await?;
    let identity = device.identity.clone();
    let helper = format!("http://127.0.0.1:{}", proxy.addr.port());
    let browser = browser().await?;
    sites
        .open(
            &browser,
            &format!(r#"data-mode="connected" data-proxy="{helper}""#),
        )
        .await?;
    // Nothing reaches the helper before the person agrees.
    let connect = format!("Connect to the helper on this computer ({helper})");
    browser.button(&connect).await?;
    browser.no_violations("connect offer").await?;
    ensure!(device.state().qr_exports == 0);
    browser.click(&connect).await?;
    browser.wait_for_step("Find your device").await?;
    browser.check_device(device.http_addr).await?;
    browser
        .email_route_to_code_without_violations("connected")
        .await?;
    // A wrong code first: the host hears of an error, by name only.
    let code = device
        .mailbox_code()
        .context("devsim's mailbox has the code")?;
    for attempt in ["AAAA1111", code.as_str()] {
        browser.submit_code(attempt).await?;
        if attempt == code {
            browser.no_violations("connected, new password").await?;
        }
        browser.submit_password(NEW_PASSWORD).await?;
        if attempt != code {
            browser.wait_for_step("Type the reset code").await?;
            browser
                .text_of("//*[@role='alert' and contains(., 'wrong')]")
                .await?;
        }
    }
    browser.wait_for_step("Done").await?;
    browser.proof_verdict().await?;
    browser.no_violations("connected, done").await?;
    ensure!(device.admin_password() == NEW_PASSWORD);

    let events = host_events(&browser, has("done")).await?;
    ensure!(
        events_of(&events, "done")
            .iter()
            .any(|e| e["detail"]["mode"] == "connected"),
        "{events:#?}"
    );
    ensure!(
        events_of(&events, "error")
            .iter()
            .any(|e| e["detail"]["code"] == "wrong_code"),
        "{events:#?}"
    );
    let text = serde_json::to_string(&events)?;
    for secret in [
        code.as_str(),
        NEW_PASSWORD,
        identity.serial.as_str(),
        identity.mac.as_str(),
        &identity.mac.replace(':', "-"),
        "AAAA1111",
    ] {
        ensure!(!text.contains(secret), "an event carried {secret}: {text}");
    }
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_local_network_permission_is_explained() -> Result<()> {
    if e2e::drivers::skip_unless_chromium("Local Network Access")? {
        return Ok(());
    }
    let sites = Sites::start().await?;
    let (device, proxy) = connected_stack(&sites).await?;
    let helper = format!("http://127.0.0.1:{}", proxy.addr.port());
    let browser = public_browser(&sites, "denied").await?;
    sites
        .open(&browser, &format!(r#"data-proxy="{helper}""#))
        .await?;
    browser.wait_for_step("Find your device").await?;
    browser
        .click(&format!(
            "Connect to the helper on this computer ({helper})"
        ))
        .await?;
    let blocked = browser.text_of("//p[contains(., 'local network')]").await?;
    ensure!(blocked.contains("site settings"), "{blocked}");
    // Still guided, and nothing reached the device.
    browser.text_of("//ol[@class='instructions']").await?;
    ensure!(device.state().qr_exports == 0);
    browser.no_violations("permission denied").await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_helper_that_does_not_answer_gets_a_plain_message() -> Result<()> {
    let sites = Sites::start().await?;
    // A port with nothing listening on this computer.
    let helper = format!("http://127.0.0.1:{}", e2e::free_port()?);
    let browser = browser().await?;
    sites
        .open(&browser, &format!(r#"data-proxy="{helper}""#))
        .await?;
    browser.wait_for_step("Find your device").await?;
    browser
        .click(&format!(
            "Connect to the helper on this computer ({helper})"
        ))
        .await?;
    let alert = browser.alert_text().await?;
    let wizard_origin = sites.wizard.origin(WIZARD_NAME);
    ensure!(
        alert.contains(&format!("No helper answered at {helper}"))
            && alert.contains(&format!("--allow-origin {wizard_origin}")),
        "{alert}"
    );
    let events = host_events(&browser, has("error")).await?;
    ensure!(
        events_of(&events, "error")
            .iter()
            .any(|e| e["detail"]["code"] == "helper_unreachable"),
        "{events:#?}"
    );
    browser.close().await
}

/// Counts connections to a port, to prove nothing was sent there.
struct Tripwire {
    hits: Arc<AtomicUsize>,
    server: Server,
}

impl Tripwire {
    async fn start() -> Result<Tripwire> {
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = hits.clone();
        let server = Server::start(axum::Router::new().fallback(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            async { "tripped" }
        }))
        .await?;
        Ok(Tripwire { hits, server })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_host_cannot_pass_a_foreign_proxy_or_mailbox() -> Result<()> {
    let sites = Sites::start().await?;
    let tripwire = Tripwire::start().await?;
    let foreign = tripwire.server.origin(EVIL_NAME);
    let browser = browser().await?;
    // Through the loader, and by framing the wizard directly with a hand-made URL.
    let through_loader = sites.widget_page(&format!(
        r#"data-mode="guided" data-proxy="{foreign}" data-mailbox="attacker@{EVIL_NAME}" data-accent="red;background:url({foreign}/x)""#
    ));
    let direct = format!(
        "{}/?embed=1&host={}&mode=guided&proxy={}&mailbox=attacker%40{EVIL_NAME}&accent=url({}/x)",
        sites.wizard.origin(WIZARD_NAME),
        urlencode(&sites.host.origin(HOST_NAME)),
        urlencode(&foreign),
        urlencode(&foreign),
    );
    let framed_directly = framing_page(&direct);
    for page in [through_loader, framed_directly] {
        browser.client.goto(&sites.serve(page)).await?;
        browser.wait_for("//iframe[@src]").await?;
        browser.client.clone().enter_frame(0).await?;
        // The second page frames the same wizard origin: its saved progress is still there.
        if browser.text_of("//h2[@id='step-heading']").await? != "Send the QR code" {
            for _ in 0..3 {
                browser.click("Done, next step").await?;
            }
        }
        browser.wait_for_step("Send the QR code").await?;
        let mailto = browser
            .wait_for("//a[starts-with(@href, 'mailto:')]")
            .await?
            .attr("href")
            .await?
            .unwrap_or_default();
        ensure!(
            mailto.starts_with("mailto:pw_recovery@hikvision.com?"),
            "the default mailbox, not the attacker's: {mailto}"
        );
        // Guided by request, so no helper is offered at all; the foreign one never hears from us.
        ensure!(browser
            .client
            .find(fantoccini::Locator::XPath("//h2[@id='connect-heading']"))
            .await
            .is_err());
        browser.client.clone().enter_parent_frame().await?;
    }
    // The same hostile values without the guided mode: the offer names the default helper.
    let offered = sites.serve(framing_page(&direct.replace("&mode=guided", "")));
    browser.client.goto(&offered).await?;
    browser.wait_for("//iframe[@src]").await?;
    browser.client.clone().enter_frame(0).await?;
    browser
        .button("Connect to the helper on this computer (http://127.0.0.1:8080)")
        .await?;
    ensure!(
        tripwire.hits.load(Ordering::SeqCst) == 0,
        "nothing was sent to the foreign proxy"
    );
    browser.close().await
}

/// A page that frames `src` itself, without the loader.
fn framing_page(src: &str) -> String {
    format!(
        r#"<!doctype html><html lang="en"><head><title>Hostile</title></head><body>
<iframe title="wizard" src="{src}" style="width:100%;height:900px"></iframe></body></html>"#
    )
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_host_page_embeds_the_widget_with_its_options_and_lists_its_events() -> Result<()>
{
    let sites = Sites::start().await?;
    let browser = browser().await?;
    let wizard = sites.wizard.origin(WIZARD_NAME);
    let url = format!(
        "{}/demo/demo.html?wizard={wizard}&lang=de&mode=guided&scheme=dark&mailbox=guarding-vision&width=320",
        sites.host.origin(HOST_NAME)
    );
    browser.client.goto(&url).await?;
    let snippet = browser.text_of("//code[@id='snippet']").await?;
    ensure!(
        snippet.starts_with(&format!(
            r#"<script src="{wizard}/public/embed.js" async></script>"#
        )) && snippet.contains(r#"data-lang="de""#)
            && snippet.contains(r#"data-mailbox="guarding-vision""#),
        "{snippet}"
    );
    let chosen = browser
        .wait_for("//select[@id=//label[.='Language']/@for]")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(
        chosen == "de",
        "the form shows the options in use: {chosen}"
    );
    browser
        .wait_for("//ol[@id='events']/li[starts-with(., 'ready')]")
        .await?;
    let width = browser
        .client
        .execute(
            "return document.querySelector('iframe').getBoundingClientRect().width;",
            vec![],
        )
        .await?
        .as_f64()
        .context("a width")?;
    ensure!(width <= 320.0, "the widget fits a 320 px column: {width}");
    browser.no_violations("demo page").await?;

    enter_widget(&browser).await?;
    browser.wait_for("//html[@lang='de']").await?;
    let dark = body_background(&browser).await?;
    ensure!(dark == "rgb(21, 24, 29)", "dark, as asked: {dark}");
    browser
        .no_violations("demo widget, German, dark, 320 px")
        .await?;
    browser.client.clone().enter_parent_frame().await?;
    let log = browser.text_of("//ol[@id='events']").await?;
    ensure!(log.contains("step {"), "the steps are listed: {log}");
    browser.close().await
}

/// The snippet the demo article shows (inside its folded options panel, so read as text content).
async fn snippet_of(browser: &Browser) -> Result<String> {
    browser.wait_for("//code[@id='snippet']").await?;
    let text = browser
        .client
        .execute(
            "return document.getElementById('snippet').textContent;",
            vec![],
        )
        .await?;
    Ok(text.as_str().unwrap_or_default().to_string())
}

/// The demo article's address as the README gives it for `cargo xtask demo`.
fn readme_demo_url() -> Result<String> {
    let readme = std::fs::read_to_string(e2e::repo_root().join("README.md"))?;
    let start = readme
        .find("<http://127.0.0.1:8081/")
        .context("the README gives the demo article's address")?;
    let link = &readme[start + 1..];
    let end = link.find('>').context("the address ends")?;
    Ok(link[..end].to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_article_at_the_readmes_address_shows_the_widget_from_its_own_origin() -> Result<()>
{
    let readme_url = readme_demo_url()?;
    // Under `cargo xtask demo`: the proxy with its simulated device, and the article on an
    // origin of its own (here both on free ports instead of 8080 and 8081).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let help_center = listener.local_addr()?;
    let device = devsim::start(
        Config::loopback(DeviceIdentity::random(Profile::Nvr))
            .with_sadp("127.0.0.1:0".parse()?)
            .with_mailbox(true),
    )
    .await?;
    let sadp = device.sadp_addr.context("devsim answers SADP")?;
    let proxy = Proxy::start_with(&[device.http_addr], sadp, |mut config| {
        config.frame_ancestors = format!("'self' http://{help_center}");
        config
    })
    .await?;
    let wizard = format!("http://{}", proxy.addr);
    let article = tokio::spawn(reset_proxy::connections::serve(
        vec![listener],
        None,
        reset_proxy::help_center_demo::router(&wizard),
        reset_proxy::ConnectionLimits::default(),
        std::future::pending(),
    ));

    let browser = Browser::start().await?;
    let url = readme_url.replace("127.0.0.1:8081", &help_center.to_string());
    browser.client.goto(&url).await?;
    // Not blank: the article's own script ran, named the wizard's loader, and the widget came.
    let snippet = snippet_of(&browser).await?;
    ensure!(
        snippet.starts_with(&format!(r#"<script src="{wizard}/public/embed.js""#)),
        "{snippet}"
    );
    browser
        .wait_for("//ol[@id='events']/li[starts-with(., 'ready')]")
        .await?;
    browser
        .wait_for(&format!("//iframe[starts-with(@src, '{wizard}/')]"))
        .await?;
    // A wizard named in the address is not loaded: the page is served for its wizard alone.
    browser
        .client
        .goto(&format!("{url}?wizard=http://127.0.0.1:9"))
        .await?;
    let snippet = snippet_of(&browser).await?;
    ensure!(snippet.contains(&wizard), "{snippet}");
    article.abort();
    // The wizard's own site has no such page, so nothing on its origin loads a named script.
    browser
        .client
        .goto(&format!(
            "{wizard}/public/demo.html?wizard=http://127.0.0.1:9"
        ))
        .await?;
    let source = browser.client.source().await?;
    ensure!(!source.contains("demo.js"), "{source}");
    // Fails on any CSP violation on the article or in the widget.
    browser.close().await
}

/// The wizard's files fetched by the top page so far (the loader itself left out).
async fn wizard_fetches(browser: &Browser, wizard: &str) -> Result<Vec<String>> {
    browser.client.clone().enter_parent_frame().await?;
    let names = browser
        .client
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name)
                .concat(Array.from(document.querySelectorAll('iframe[src]'), f => f.src));",
            vec![],
        )
        .await?;
    let names: Vec<String> = serde_json::from_value(names)?;
    Ok(names
        .into_iter()
        .filter(|name| name.starts_with(wizard) && !name.ends_with("/public/embed.js"))
        .collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_widget_far_down_the_article_is_fetched_only_when_the_reader_nears_it() -> Result<()> {
    let sites = Sites::start().await?;
    let wizard = sites.wizard.origin(WIZARD_NAME);
    let article = sites.widget_page(r#"data-mode="guided""#).replace(
        "<main>",
        r#"<main><p style="height:8000px">A long article before the wizard.</p>"#,
    );
    let browser = browser().await?;
    browser.client.goto(&sites.serve(article)).await?;
    // The loader has run once the frame holds its place; two animation frames later the
    // observer has had a rendering update in which to report (it reports after rAF callbacks).
    browser.wait_for("//iframe").await?;
    browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             requestAnimationFrame(() => requestAnimationFrame(() => done(null)));",
            vec![],
        )
        .await?;
    let early = wizard_fetches(&browser, &wizard).await?;
    ensure!(
        early.is_empty(),
        "nothing of the wizard is fetched for a reader at the top: {early:?}"
    );
    browser
        .client
        .execute(
            "document.getElementById('wizard').scrollIntoView();",
            vec![],
        )
        .await?;
    enter_widget(&browser).await?;
    browser.wait_for_step("Find your device").await?;
    let late = wizard_fetches(&browser, &wizard).await?;
    ensure!(
        !late.is_empty(),
        "the wizard loads once the reader nears it"
    );
    browser.close().await
}
