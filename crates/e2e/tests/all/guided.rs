//! Guided mode in real headless Chromium: the wizard served as static files with no proxy
//! anywhere, as a help-center page would host it.

use anyhow::{ensure, Context, Result};
use e2e::{Browser, Setup, StaticSite};

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
        browser.no_violations(next).await?;
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
    let proxy = e2e::Proxy::start(&[], "127.0.0.1:9".parse()?).await?;
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

use e2e::pictures::RESET_CONTENT;

/// The wizard served as static files, and a browser started as `setup` says at its QR step.
async fn at_qr_step(setup: Setup) -> Result<(StaticSite, Browser)> {
    let site = StaticSite::start().await?;
    let browser = Browser::start_setup(setup).await?;
    at_guided_qr_step(&browser, &site).await?;
    Ok((site, browser))
}

/// The browser's start with Chromium `flags`.
fn chromium(flags: &[String]) -> Setup {
    Setup {
        chromium_flags: flags.to_vec(),
        ..Setup::default()
    }
}

/// A picture of a password-reset QR code, written into `dir`.
fn reset_picture(dir: &tempfile::TempDir) -> Result<std::path::PathBuf> {
    e2e::pictures::qr_png(dir.path(), "reset.png", RESET_CONTENT)
}

/// Waits for the QR code the page drew again itself.
async fn redrawn(browser: &Browser) -> Result<()> {
    browser
        .wait_for("//div[@class='qr']/*[local-name()='svg']")
        .await
        .map(|_| ())
}

async fn at_guided_qr_step(browser: &Browser, site: &StaticSite) -> Result<()> {
    browser
        .client
        .goto(&format!("{}?step=qr-code", site.url()))
        .await?;
    browser.wait_for_step("Find your device").await?;
    for _ in 0..3 {
        browser.click("Done, next step").await?;
    }
    browser.wait_for_step("Send the QR code").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_qr_picture_is_read_in_the_worker_and_redrawn() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let reset = reset_picture(&dir)?;
    let link = e2e::pictures::qr_png(dir.path(), "link.png", "https://example.com/manual")?;
    let (_site, browser) = at_qr_step(Setup::default()).await?;

    browser.choose_qr_picture(&link).await?;
    let warning = browser
        .text_of("//p[@class='qr-status' and contains(., 'web link')]")
        .await?;
    assert!(warning.contains("not a password-reset code"), "{warning}");

    browser.choose_qr_picture(&reset).await?;
    let verdict = browser
        .text_of("//p[@class='qr-status' and contains(., 'readable')]")
        .await?;
    assert_eq!(
        verdict,
        "This is a readable password-reset QR code. Send this sharp copy to the vendor."
    );
    redrawn(&browser).await?;
    browser.button("Download the QR code (PNG)").await?;
    browser.no_violations("the redrawn QR code").await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_picture_is_read_too() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let bytes = std::fs::read(reset_picture(&dir)?)?;
    let (_site, browser) = at_qr_step(Setup::default()).await?;
    // A real paste event carrying the picture, as Ctrl+V from an image viewer would send.
    browser
        .client
        .execute(
            "const bytes = new Uint8Array(arguments[0]);
             const file = new File([bytes], 'pasted.png', {type: 'image/png'});
             const data = new DataTransfer(); data.items.add(file);
             window.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data}));",
            vec![serde_json::json!(bytes)],
        )
        .await?;
    browser.qr_readable().await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_camera_reads_a_qr_shown_on_a_monitor() -> Result<()> {
    if e2e::drivers::skip_unless_chromium("the fake camera feed Chromium's flags play")? {
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    let video = e2e::pictures::qr_y4m(dir.path(), RESET_CONTENT)?;
    let (_site, browser) = at_qr_step(chromium(&[
        "--use-fake-ui-for-media-stream".to_string(),
        "--use-fake-device-for-media-stream".to_string(),
        format!("--use-file-for-fake-video-capture={}", video.display()),
    ]))
    .await?;
    browser.click("Scan with the camera").await?;
    let verdict = browser.qr_readable().await?;
    assert!(verdict.starts_with("This is a readable"), "{verdict}");
    redrawn(&browser).await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_camera_is_explained_with_the_upload_path() -> Result<()> {
    if e2e::drivers::skip_unless_chromium("a refused camera through Chromium's flag")? {
        return Ok(());
    }
    let (_site, browser) = at_qr_step(chromium(&["--deny-permission-prompts".to_string()])).await?;
    browser.click("Scan with the camera").await?;
    let message = browser
        .text_of("//p[@class='qr-status' and contains(., 'choose it above')]")
        .await?;
    assert!(
        message.starts_with("The camera permission was refused")
            || message.starts_with("No camera was found"),
        "{message}"
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decoder_crash_ends_only_the_worker_and_the_next_picture_reads() -> Result<()> {
    // rqrr 0.11 panics on this ZXing picture; in wasm a panic aborts the worker's instance.
    let crashing = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/zxing/qrcode-6-7.png")
        .canonicalize()?;
    let dir = tempfile::tempdir()?;
    let reset = reset_picture(&dir)?;
    let (_site, browser) = at_qr_step(Setup::default()).await?;
    browser.choose_qr_picture(&crashing).await?;
    let failed = browser
        .text_of("//p[@class='qr-status' and not(contains(., 'Reading the picture'))]")
        .await?;
    assert_eq!(
        failed,
        "Reading this picture failed. Try again, or try another picture of the same code."
    );
    // The page is alive: its step heading still answers, and the next picture reads.
    browser.wait_for_step("Send the QR code").await?;
    browser.choose_qr_picture(&reset).await?;
    browser.qr_readable().await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turned_inverted_and_small_codes_are_read_by_the_wasm_decoder() -> Result<()> {
    use e2e::pictures::{spoilt_png, Spoil};
    let dir = tempfile::tempdir()?;
    let site = StaticSite::start().await?;
    for spoil in [Spoil::Rotated, Spoil::Inverted, Spoil::SmallModules] {
        let name = format!("{spoil:?}.png");
        let picture = spoilt_png(dir.path(), &name, RESET_CONTENT, spoil)?;
        let browser = Browser::start().await?;
        at_guided_qr_step(&browser, &site).await?;
        browser.choose_qr_picture(&picture).await?;
        let verdict = browser
            .text_of("//p[@class='qr-status' and normalize-space(.) != '' and not(contains(., 'Reading'))]")
            .await
            .with_context(|| format!("{spoil:?}"))?;
        assert!(
            verdict.starts_with("This is a readable"),
            "{spoil:?}: {verdict}"
        );
        browser.close().await?;
    }
    Ok(())
}

/// What the page says where the browser refuses storage.
const IN_MEMORY: &str = "kept only while this page stays open";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_kept_in_memory_is_said_where_storage_is_blocked() -> Result<()> {
    let site = StaticSite::start().await?;
    // Where storage works, nothing is said.
    let browser = Browser::start().await?;
    browser.client.goto(&site.url()).await?;
    browser.wait_for_step("Find your device").await?;
    let text = browser.page_text().await;
    ensure!(!text.contains(IN_MEMORY), "{text}");
    browser.close().await?;

    let browser = Browser::start_setup(Setup {
        no_storage: true,
        ..Setup::default()
    })
    .await?;
    browser.client.goto(&site.url()).await?;
    browser.wait_for_step("Find your device").await?;
    let notice = browser
        .text_of(&format!(
            "//p[@role='status' and contains(., {})]",
            e2e::xpath_literal(IN_MEMORY)
        ))
        .await?;
    ensure!(
        notice.starts_with("This browser does not let the page save"),
        "{notice}"
    );
    // The wizard goes on all the same, its progress in memory.
    browser.click("Done, next step").await?;
    browser.wait_for_step("Choose how to reset").await?;
    browser.no_violations("progress in memory").await?;
    browser.close().await
}
