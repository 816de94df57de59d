//! End-to-end tests: the built wizard in real headless Chromium, a real reset-proxy on
//! loopback, and a simulated device speaking ISAPI over HTTP and SADP over UDP.

use anyhow::{Context, Result};
use e2e::{device, dist, Browser, Proxy};
use fantoccini::Locator;
use std::time::{Duration, Instant};
use wizard::i18n::{text, Lang, Msg};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wizard_renders_its_first_screen() -> Result<()> {
    let proxy = Proxy::start(&[], "127.0.0.1:9".parse()?).await?;
    let browser = Browser::start().await?;
    browser.client.goto(&proxy.url()).await?;
    let title = browser.text_of("//h1").await?;
    assert_eq!(title, "Password reset wizard");
    let step = browser.text_of("//h2").await?;
    assert_eq!(step, "Find your device");
    let violations = browser.axe_violations().await?;
    assert!(violations.is_empty(), "{violations:#?}");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accessibility_check_does_catch_a_problem() -> Result<()> {
    // Proves the axe-core harness can fail: an unlabelled field is added to the page.
    let proxy = Proxy::start(&[], "127.0.0.1:9".parse()?).await?;
    let browser = Browser::start().await?;
    browser.client.goto(&proxy.url()).await?;
    browser.text_of("//h1").await?;
    browser
        .client
        .execute(
            "document.body.appendChild(document.createElement('input'));",
            vec![],
        )
        .await?;
    let violations = browser.axe_violations().await?;
    assert!(
        violations.iter().any(|v| v.starts_with("label:")),
        "{violations:#?}"
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discovered_device_shows_its_random_serial_and_reset_modes() -> Result<()> {
    let device = device(devsim::Profile::Nvr).await?;
    let sadp = device.sadp_addr.context("devsim SADP address")?;
    let proxy = Proxy::start(&[device.http_addr], sadp).await?;
    let browser = Browser::start().await?;
    browser.client.goto(&proxy.url()).await?;

    let serial = &device.identity.serial;
    let listed = browser
        .text_of(&format!("//table//td[contains(., '{serial}')]"))
        .await?;
    assert_eq!(&listed, serial);

    let choose = format!("Choose {}, serial number {serial}", device.identity.model);
    browser
        .client
        .find(Locator::XPath(&format!("//button[@aria-label='{choose}']")))
        .await?
        .click()
        .await?;
    let shown = browser
        .text_of(&format!(
            "//section[contains(@class,'device-panel')]//dd[. = '{serial}']"
        ))
        .await?;
    assert_eq!(&shown, serial);
    let firmware = browser
        .text_of("//section[contains(@class,'device-panel')]//dt[. = 'Firmware']/following-sibling::dd[1]")
        .await?;
    assert_eq!(firmware, device.identity.firmware);
    let email = browser.text_of("//ul[@class='modes']/li[1]").await?;
    assert_eq!(email, "E-mail verification: available");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_camera_offers_only_the_email_reset() -> Result<()> {
    let device = device(devsim::Profile::Camera).await?;
    let proxy = Proxy::start(&[device.http_addr], "127.0.0.1:9".parse()?).await?;
    let browser = Browser::start().await?;
    browser.client.goto(&proxy.url()).await?;
    type_address(&browser, &device.http_addr.to_string()).await?;
    let modes = browser.text_of("//ul[@class='modes']").await?;
    assert!(modes.contains("E-mail verification: available"), "{modes}");
    assert!(
        modes.contains("Security questions: not available on this device"),
        "{modes}"
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_is_not_activated_is_told_to_activate_instead() -> Result<()> {
    let device = not_activated_camera().await?;
    let proxy = Proxy::start(&[device.http_addr], "127.0.0.1:9".parse()?).await?;
    let browser = Browser::start().await?;
    browser.client.goto(&proxy.url()).await?;
    type_address(&browser, &device.http_addr.to_string()).await?;
    let notice = browser.text_of("//p[contains(@class,'notice')]").await?;
    assert!(notice.contains("activate it instead"), "{notice}");
    browser.close().await
}

/// Picking another device while the first is still being read: the first's late answer never
/// takes the screen (each pick reads in a panel of its own), and it does show when it is the
/// pick on screen, so the watch below is long enough to see it arrive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_answer_for_an_earlier_pick_never_replaces_the_later_one() -> Result<()> {
    const SLOW: Duration = Duration::from_millis(1_000);
    const NOT_ACTIVATED: &str = "activate it instead";
    let slow = not_activated_camera().await?;
    slow.set_fault(
        protocol::isapi::paths::ACTIVATE_STATUS,
        devsim::Fault::Delay {
            ms: SLOW.as_millis() as u64,
        },
    );
    let quick = device(devsim::Profile::Camera).await?;
    let proxy = Proxy::start(&[slow.http_addr, quick.http_addr], "127.0.0.1:9".parse()?).await?;
    let browser = Browser::start().await?;
    browser.client.goto(&proxy.url()).await?;
    browser.check_device(slow.http_addr).await?;
    browser.check_device(quick.http_addr).await?;
    let modes = browser.text_of("//ul[@class='modes']").await?;
    assert!(modes.contains("E-mail verification: available"), "{modes}");
    // Watched until well after the slow device has answered the first pick's read.
    let until = Instant::now() + 3 * SLOW;
    while Instant::now() < until {
        let main = browser.text_of("//main").await?;
        assert!(
            !main.contains(NOT_ACTIVATED) && main.contains("E-mail verification: available"),
            "the earlier pick's answer took the screen: {main}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The same slow answer, for the pick on screen, is shown.
    browser.check_device(slow.http_addr).await?;
    let notice = browser.text_of("//p[contains(@class,'notice')]").await?;
    assert!(notice.contains(NOT_ACTIVATED), "{notice}");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_device_gives_a_plain_message() -> Result<()> {
    // A loopback port with nothing listening, which the proxy is allowed to try.
    let closed: std::net::SocketAddr = format!("127.0.0.1:{}", e2e::free_port()?).parse()?;
    let proxy = Proxy::start(&[closed], "127.0.0.1:9".parse()?).await?;
    let browser = Browser::start().await?;
    browser.client.goto(&proxy.url()).await?;
    type_address(&browser, &closed.to_string()).await?;
    let message = browser
        .text_of("//section[contains(@class,'device-panel')]//p[@role='alert']")
        .await?;
    assert!(
        message.starts_with(&format!("The device at {closed} did not answer.")),
        "{message}"
    );
    browser.close().await
}

/// A camera still waiting for its first password (no SADP).
async fn not_activated_camera() -> Result<devsim::Running> {
    let mut identity = devsim::DeviceIdentity::random(devsim::Profile::Camera);
    identity.activated = false;
    Ok(devsim::start(devsim::Config::loopback(identity)).await?)
}

async fn type_address(browser: &Browser, address: &str) -> Result<()> {
    let field = browser
        .client
        .wait()
        .at_most(e2e::UI_WAIT)
        .for_element(Locator::Id("device-address"))
        .await?;
    field.send_keys(address).await?;
    browser
        .client
        .find(Locator::XPath("//button[@type='submit']"))
        .await?
        .click()
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_runs_under_a_csp_that_blocks_inline_scripts_and_reports_it() -> Result<()> {
    if e2e::drivers::skip_unless_chromium(
        "the CSP-violation recorder, installed through DevTools before the page's scripts",
    )? {
        return Ok(());
    }
    // Proves the CSP check every test's `close` makes can fail: an inline script is refused.
    let proxy = Proxy::start(&[], "127.0.0.1:9".parse()?).await?;
    let browser = Browser::start().await?;
    browser.client.goto(&proxy.url()).await?;
    browser.text_of("//h1").await?;
    assert!(browser.csp_violations().await?.is_empty());
    browser
        .client
        .execute(
            "const s = document.createElement('script'); s.textContent = 'window.ran = 1';
             document.body.appendChild(s);",
            vec![],
        )
        .await?;
    let ran = browser
        .client
        .execute("return window.ran === 1;", vec![])
        .await?;
    assert_eq!(
        ran,
        serde_json::Value::Bool(false),
        "the inline script was blocked"
    );
    let violations = browser.csp_violations().await?;
    assert!(
        violations.iter().any(|v| v.starts_with("script-src")),
        "{violations:#?}"
    );
    let closed = browser.close().await;
    assert!(closed.is_err(), "close reports the violation: {closed:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arabic_reads_right_to_left_and_stays_accessible() -> Result<()> {
    let proxy = Proxy::start(&[], "127.0.0.1:9".parse()?).await?;
    let browser = Browser::start().await?;
    browser
        .client
        .goto(&format!("{}?lang=ar", proxy.url()))
        .await?;
    // The page waits for the Arabic table before it shows anything: the first title is Arabic.
    let title = browser.text_of("//h1").await?;
    assert_eq!(title, text(Lang::Ar, &Msg::AppTitle));
    let direction = browser
        .client
        .execute(
            "return [document.documentElement.lang, document.documentElement.dir];",
            vec![],
        )
        .await?;
    assert_eq!(direction, serde_json::json!(["ar", "rtl"]));
    let violations = browser.axe_violations().await?;
    assert!(violations.is_empty(), "{violations:#?}");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_language_whose_table_does_not_load_falls_back_to_english() -> Result<()> {
    // Static hosting that lost its translation tables: every table answers 404.
    let router = axum::Router::new()
        .route(
            "/public/i18n/{file}",
            axum::routing::get(|| async { axum::http::StatusCode::NOT_FOUND }),
        )
        .fallback_service(tower_http::services::ServeDir::new(dist()?));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let site = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let browser = Browser::start().await?;
    browser
        .client
        .goto(&format!("http://{addr}/index.html?lang=fr&mode=guided"))
        .await?;
    let title = browser.text_of("//h1").await?;
    assert_eq!(title, text(Lang::En, &Msg::AppTitle));
    let page_lang = browser
        .client
        .execute(
            "return [document.documentElement.lang, document.documentElement.dir];",
            vec![],
        )
        .await?;
    assert_eq!(page_lang, serde_json::json!(["en", "ltr"]));
    let closed = browser.close().await;
    site.abort();
    closed
}
