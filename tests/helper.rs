//! The wizard facing helpers of other versions, and offering the helper's download, in real
//! headless Chromium: every server is a loopback stand-in the test starts.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use anyhow::Result;
use support::{dist, xpath_literal, Browser};

/// A helper stand-in: the built wizard, with `/api/v1/health` answering `health` (JSON text).
struct StubHelper {
    addr: std::net::SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl StubHelper {
    async fn start(health: &'static str) -> Result<Self> {
        let router = axum::Router::new()
            .route(
                "/api/v1/health",
                axum::routing::get(move || async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        health,
                    )
                }),
            )
            .fallback_service(tower_http::services::ServeDir::new(dist()?));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(StubHelper { addr, task })
    }
}

impl Drop for StubHelper {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_helper_with_an_older_api_is_asked_to_be_updated() -> Result<()> {
    let helper = StubHelper::start(r#"{"version":"0.0.1","api":0,"demo":false}"#).await?;
    let browser = Browser::start().await?;
    browser
        .client
        .goto(&format!("http://{}/index.html", helper.addr))
        .await?;
    let notice = browser
        .wait_for(&format!(
            "//p[@role='alert' and contains(., {})]",
            xpath_literal("is too old for this wizard")
        ))
        .await?
        .text()
        .await?;
    assert!(notice.contains("reset-proxy 0.0.1"), "{notice}");
    let link = browser
        .wait_for("//a[normalize-space(.)='Download the current helper']")
        .await?;
    let href = link.attr("href").await?.unwrap_or_default();
    assert_eq!(href, "download/");
    // The old helper is not used: the wizard stays in guided mode.
    browser.wait_for_step("Find your device").await?;
    let text = browser.page_text().await;
    assert!(!text.contains("Looking for devices"), "{text}");
    let violations = browser.axe_violations().await?;
    assert!(violations.is_empty(), "{violations:#?}");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_helper_within_the_same_api_is_used() -> Result<()> {
    // A newer version with a field this wizard does not know: same api, so it is used.
    let helper =
        StubHelper::start(r#"{"version":"99.0.0","api":1,"demo":true,"somethingNew":{"a":1}}"#)
            .await?;
    let browser = Browser::start().await?;
    browser
        .client
        .goto(&format!("http://{}/index.html", helper.addr))
        .await?;
    // Connected mode with a demo helper shows the demo badge; no update notice appears.
    browser.wait_for("//p[@class='demo-badge']").await?;
    let text = browser.page_text().await;
    assert!(!text.contains("too old"), "{text}");
    assert!(!text.contains("older than the helper"), "{text}");
    browser.close().await
}
