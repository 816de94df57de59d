//! Guided mode in real headless Chromium: the wizard served as static files with no proxy
//! anywhere, as a help-center page would host it.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use anyhow::Result;
use support::{Browser, StaticSite};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guided_mode_completes_with_no_proxy_running() -> Result<()> {
    let site = StaticSite::start().await?;
    let browser = Browser::start().await?;
    browser.client.goto(&site.url()).await?;
    browser.wait_for_step("Find your device").await?;
    let guidance = browser.text_of("//ol[@class='instructions']").await?;
    assert!(guidance.contains("Forgot Password?"), "{guidance}");

    for next in [
        "Choose how to reset",
        "Privacy notice",
        "Send the QR code",
        "Type the reset code",
    ] {
        browser.click("Done, next step").await?;
        browser.wait_for_step(next).await?;
        let violations = browser.axe_violations().await?;
        assert!(violations.is_empty(), "{next}: {violations:#?}");
    }
    let qr_and_code = browser.page_text().await;
    assert!(qr_and_code.contains("Verification Code"), "{qr_and_code}");

    browser.click("Done, next step").await?;
    browser.wait_for_step("Choose a new password").await?;
    browser.type_into("New password", "aaaaaaaa").await?;
    let verdict = browser
        .text_of("//p[@role='status' and normalize-space(.) != '']")
        .await?;
    assert_eq!(
        verdict,
        "This password does not meet all of the device's rules yet."
    );
    browser.type_into("New password", "Quiet-Harbor42").await?;
    let verdict = browser
        .text_of("//p[@role='status' and contains(., 'meets')]")
        .await?;
    assert_eq!(verdict, "This password meets the device's rules.");

    browser.click("Done, next step").await?;
    browser.wait_for_step("Done").await?;
    // A reload keeps the place in guided mode too.
    browser.client.refresh().await?;
    browser.wait_for_step("Done").await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embedder_can_ask_for_guided_mode_even_with_a_proxy() -> Result<()> {
    let proxy = support::Proxy::start(&[], "127.0.0.1:9".parse()?).await?;
    let browser = Browser::start().await?;
    browser
        .client
        .goto(&format!("{}?mode=guided", proxy.url()))
        .await?;
    browser.wait_for_step("Find your device").await?;
    browser.click("Done, next step").await?;
    browser.wait_for_step("Choose how to reset").await?;
    let url = browser.client.current_url().await?;
    assert!(
        url.as_str().contains("mode=guided") && url.as_str().contains("step=mode"),
        "{url}"
    );
    browser.close().await
}
