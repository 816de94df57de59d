//! The whole e-mail reset in real headless Chromium, through a real reset-proxy, against
//! devsim: what a person sees, and what the device's state says happened.

use anyhow::{ensure, Context, Result};
use devsim::{Profile, Running};
use e2e::{discoverable_stack, stack, stack_with, Browser, Proxy, NEW_PASSWORD};
use fantoccini::key::Key;
use std::time::Duration;

/// From the first screen to the code step: device, mode, privacy, QR export.
async fn to_code_step(browser: &Browser, proxy: &Proxy, device: &Running) -> Result<()> {
    browser
        .open_typed_device(&proxy.url(), device.http_addr)
        .await?;
    browser.email_route_to_code().await
}

/// A device of `profile` with its proxy, and a browser at the device's code step.
async fn at_code_step(profile: Profile) -> Result<(Running, Proxy, Browser)> {
    let (device, proxy) = stack(profile).await?;
    let browser = Browser::start().await?;
    to_code_step(&browser, &proxy, &device).await?;
    Ok((device, proxy, browser))
}

/// The new password sent from the code step, with `code`.
async fn reset_with(browser: &Browser, code: &str) -> Result<()> {
    browser.submit_code(code).await?;
    browser.submit_password(NEW_PASSWORD).await
}

/// The proof step says the new password works, and devsim agrees it is the admin password.
async fn proven(browser: &Browser, device: &Running) -> Result<()> {
    browser.proof_verdict().await?;
    assert_eq!(device.admin_password(), NEW_PASSWORD);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_reset_ends_in_a_proven_login() -> Result<()> {
    let (device, _proxy, browser) = at_code_step(Profile::Nvr).await?;
    ensure!(device.state().qr_exports == 1, "exactly one QR export");
    let code = device
        .mailbox_code()
        .context("devsim's mailbox has the code")?;
    reset_with(&browser, &code).await?;
    browser.wait_for_step("Done").await?;
    let proof = browser.proof_verdict().await?;
    assert!(proof.starts_with("Done"), "{proof}");
    let state = device.state();
    assert!(state.password_changed);
    assert_eq!(device.admin_password(), NEW_PASSWORD);
    assert_eq!(
        state.failed_login_tries, 0,
        "the proof login succeeded first time"
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_code_is_explained_and_the_right_one_then_works() -> Result<()> {
    let (device, _proxy, browser) = at_code_step(Profile::Camera).await?;
    reset_with(&browser, "WRONG-CODE-1").await?;
    browser.wait_for_step("Type the reset code").await?;
    let verdict = browser.alert_text().await?;
    assert!(
        verdict.contains("wrong") && verdict.contains("4 tries are left"),
        "{verdict}"
    );
    assert_eq!(device.state().failed_code_tries, 1);
    assert!(!device.state().password_changed);

    let code = device.mailbox_code().context("mailbox code")?;
    reset_with(&browser, &code).await?;
    browser.wait_for_step("Done").await?;
    assert_eq!(device.admin_password(), NEW_PASSWORD);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_code_asks_for_a_new_qr_code() -> Result<()> {
    let (device, _proxy, browser) = at_code_step(Profile::Camera).await?;
    let code = device.mailbox_code().context("mailbox code")?;
    device.advance_clock(Duration::from_secs(49 * 3600));
    reset_with(&browser, &code).await?;
    browser.wait_for_step("Type the reset code").await?;
    let verdict = browser.alert_text().await?;
    assert!(verdict.contains("no longer works"), "{verdict}");
    browser.button("Make a new QR code").await?;
    assert!(!device.state().password_changed);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_wrong_codes_lock_the_device_with_a_countdown() -> Result<()> {
    let (device, proxy) =
        stack_with(Profile::Camera, |c| c.with_lock_policy(2, 1800), |p| p).await?;
    let browser = Browser::start().await?;
    to_code_step(&browser, &proxy, &device).await?;
    for attempt in ["WRONG-1", "WRONG-2"] {
        reset_with(&browser, attempt).await?;
        browser.wait_for_step("Type the reset code").await?;
    }
    let first = browser
        .text_of("//*[@role='alert' and contains(., 'try again in')]")
        .await?;
    assert!(
        first.contains("29 min") || first.contains("30 min"),
        "{first}"
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let later = browser.alert_text().await?;
    assert_ne!(first, later, "the countdown moves");
    assert!(device.state().locked);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_risky_password_cannot_be_submitted_and_a_refused_one_is_explained() -> Result<()> {
    let (device, _proxy, browser) = at_code_step(Profile::Camera).await?;
    let code = device.mailbox_code().context("mailbox code")?;
    browser.submit_code(&code).await?;

    browser.type_into("New password", "aaaaaaaa").await?;
    browser.type_into("New password again", "aaaaaaaa").await?;
    let submit = browser.button("Reset the password").await?;
    assert!(
        !submit.is_enabled().await?,
        "a risky password is never sent"
    );
    let rule = browser
        .text_of("//li[contains(@class,'rule unmet')][1]")
        .await?;
    assert!(rule.contains("two kinds"), "{rule}");

    // The old password passes every rule here, but the device refuses to keep it.
    browser.submit_password(&device.admin_password()).await?;
    let refusal = browser
        .text_of("//*[@role='alert' and contains(., 'differ from the old one')]")
        .await?;
    assert!(!refusal.is_empty());
    assert!(!device.state().password_changed);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coming_back_after_the_qr_step_offers_the_code_without_exporting_again() -> Result<()> {
    let (device, proxy, browser) = at_code_step(Profile::Camera).await?;
    // Leave, and come back later to the wizard's start address.
    browser.client.goto("about:blank").await?;
    browser.client.goto(&proxy.url()).await?;
    browser.wait_for_step("Type the reset code").await?;
    browser.click("Back").await?;
    browser.wait_for_step("Send the QR code").await?;
    browser.button("I have my reset code").await?;
    browser.click("Make a new QR code").await?;
    let warning = browser.alert_text().await?;
    assert!(warning.contains("cancels the reset code"), "{warning}");
    assert_eq!(
        device.state().qr_exports,
        1,
        "nothing exported without confirmation"
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_at_every_step_keeps_the_place() -> Result<()> {
    let (device, proxy) = stack(Profile::Camera).await?;
    let browser = Browser::start().await?;
    browser
        .open_typed_device(&proxy.url(), device.http_addr)
        .await?;
    browser.click("Reset this device's password").await?;
    for (title, next) in [
        ("Choose how to reset", "E-mail verification"),
        ("Privacy notice", ""),
        ("Send the QR code", "Make the QR code"),
    ] {
        browser.wait_for_step(title).await?;
        browser.client.refresh().await?;
        browser.wait_for_step(title).await?;
        if next.is_empty() {
            browser.accept_privacy().await?;
        } else {
            browser.click(next).await?;
        }
    }
    browser.click("I have my reset code").await?;
    browser.wait_for_step("Type the reset code").await?;
    browser.client.refresh().await?;
    browser.wait_for_step("Type the reset code").await?;
    let code = device.mailbox_code().context("mailbox code")?;
    browser.submit_code(&code).await?;
    // The code lives in memory only: a reload on the password step asks for it again.
    browser.client.refresh().await?;
    browser.wait_for_step("Type the reset code").await?;
    assert_eq!(device.state().qr_exports, 1);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_firmware_without_an_email_reset_says_what_to_do_instead() -> Result<()> {
    let (device, proxy) = stack(Profile::OldFirmware).await?;
    let browser = Browser::start().await?;
    browser
        .typed_device_to_mode(&proxy.url(), device.http_addr)
        .await?;
    let email = browser.button("E-mail verification").await?;
    assert!(!email.is_enabled().await?);
    let why = browser.text_of("//*[@id='why-email']").await?;
    assert!(why.contains("no recovery e-mail"), "{why}");
    let details = browser.text_of("//pre[@class='support-details']").await?;
    assert!(details.contains(&device.http_addr.to_string()), "{details}");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_with_no_reserved_email_is_explained_before_any_export() -> Result<()> {
    let (device, proxy) = discoverable_stack(Profile::EmailNotReserved).await?;
    let browser = Browser::start().await?;
    browser.client.goto(&proxy.url()).await?;
    let serial = device.identity.serial.clone();
    browser
        .click(&format!(
            "Choose {}, serial number {serial}",
            device.identity.model
        ))
        .await?;
    browser.click("Reset this device's password").await?;
    // The device's no-login e-mail read says it at once, at the mode step: no export needed.
    let message = browser
        .text_of("//span[@id='why-email' and contains(., 'no recovery e-mail address')]")
        .await?;
    assert!(message.contains("another way"), "{message}");
    let email = browser.button("E-mail verification").await?;
    assert!(email.attr("disabled").await?.is_some());
    // What support asks for, from discovery, ready to copy.
    let details = browser.text_of("//pre[@class='support-details']").await?;
    assert!(
        details.contains(&format!("Serial number: {serial}")),
        "{details}"
    );
    assert!(
        details.contains(&format!("MAC address: {}", device.identity.mac)),
        "{details}"
    );
    assert!(details.contains("Device start time: 2"), "{details}");
    assert_eq!(device.state().qr_exports, 0);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_step_has_no_accessibility_violations() -> Result<()> {
    let (device, proxy) = stack(Profile::Nvr).await?;
    let browser = Browser::start().await?;
    browser
        .open_typed_device(&proxy.url(), device.http_addr)
        .await?;
    browser
        .email_route_to_code_without_violations("e-mail route")
        .await?;
    let code = device.mailbox_code().context("mailbox code")?;
    browser.submit_code(&code).await?;
    browser.type_into("New password", "abc").await?;
    browser.no_violations("e-mail route, password").await?;
    browser.submit_password(NEW_PASSWORD).await?;
    browser.wait_for_step("Done").await?;
    browser.no_violations("e-mail route, done").await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_reset_works_with_the_keyboard_alone() -> Result<()> {
    let (device, proxy) = stack(Profile::ShortPasswords).await?;
    let browser = Browser::start().await?;
    browser.client.goto(&proxy.url()).await?;
    browser.wait_for_step("Find your device").await?;
    browser.tab_to("Device address").await?;
    browser.type_here(&device.http_addr.to_string()).await?;
    browser.press(Key::Enter).await?;
    browser.button("Reset this device's password").await?;
    browser.tab_to("Reset this device's password").await?;
    browser.press(Key::Enter).await?;
    browser.wait_for_step("Choose how to reset").await?;
    browser.tab_to("E-mail verification").await?;
    browser.press(Key::Enter).await?;
    browser.wait_for_step("Privacy notice").await?;
    browser
        .tab_to("I have read this and want to continue")
        .await?;
    browser.press(Key::Space).await?;
    browser.tab_to("Continue").await?;
    browser.press(Key::Enter).await?;
    browser.wait_for_step("Send the QR code").await?;
    browser.tab_to("Make the QR code").await?;
    browser.press(Key::Enter).await?;
    browser.button("Download the QR code (PNG)").await?;
    browser.tab_to("I have my reset code").await?;
    browser.press(Key::Enter).await?;
    browser.wait_for_step("Type the reset code").await?;
    browser.tab_to("Reset code").await?;
    browser
        .type_here(&device.mailbox_code().context("mailbox code")?)
        .await?;
    browser.press(Key::Enter).await?;
    browser.wait_for_step("Choose a new password").await?;
    browser.tab_to("New password").await?;
    browser.type_here(NEW_PASSWORD).await?;
    browser.tab_to("New password again").await?;
    browser.type_here(NEW_PASSWORD).await?;
    browser.press(Key::Enter).await?;
    browser.wait_for_step("Done").await?;
    proven(&browser, &device).await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_camera_resets_to_a_proven_login_too() -> Result<()> {
    let (device, _proxy, browser) = at_code_step(Profile::Camera).await?;
    reset_with(&browser, &device.mailbox_code().context("mailbox code")?).await?;
    proven(&browser, &device).await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_vanishes_mid_reset_gives_a_plain_message() -> Result<()> {
    let (device, _proxy, browser) = at_code_step(Profile::Camera).await?;
    let code = device.mailbox_code().context("mailbox code")?;
    let address = device.http_addr;
    drop(device);
    reset_with(&browser, &code).await?;
    let message = browser
        .text_of("//*[@role='alert' and contains(., 'did not answer')]")
        .await?;
    assert!(message.contains(&address.to_string()), "{message}");
    browser.wait_for_step("Choose a new password").await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paired_helper_serves_the_wizard_opened_from_the_address_it_printed() -> Result<()> {
    // Tests may only use loopback: the operator's "every listener" setting makes this one ask
    // for pairing as a LAN listener does.
    let (device, proxy) = stack_with(
        Profile::Camera,
        |device| device,
        |mut config| {
            config.pairing = reset_proxy::pairing::PairingPolicy::EveryListener;
            config
        },
    )
    .await?;
    let printed = proxy.url();
    ensure!(printed.contains("#pair="), "{printed}");
    let browser = Browser::start().await?;

    // Without the fragment the page says what is missing.
    let bare = printed.split('#').next().unwrap_or_default().to_string();
    browser.open_typed_device(&bare, device.http_addr).await?;
    let refused = browser.alert_text().await?;
    ensure!(refused.contains("#pair="), "{refused}");

    // From the printed address every call carries the secret, which leaves the address bar.
    to_code_step(&browser, &proxy, &device).await?;
    let shown = browser.client.current_url().await?;
    ensure!(!shown.as_str().contains("pair"), "{shown}");
    // devsim here offers plain HTTP only: said before the code is sent.
    let notice = browser
        .text_of("//p[contains(@class,'plain-http')]")
        .await?;
    ensure!(notice.contains("unencrypted"), "{notice}");
    let code = device.mailbox_code().context("mailbox code")?;
    reset_with(&browser, &code).await?;
    browser.wait_for_step("Done").await?;
    proven(&browser, &device).await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_whose_answer_was_lost_is_found_done_by_the_proof_login() -> Result<()> {
    let (device, _proxy, browser) = at_code_step(Profile::Camera).await?;
    let code = device.mailbox_code().context("mailbox code")?;
    // The device takes the code, then drops the connection instead of answering.
    device.set_fault(
        protocol::isapi::paths::EMAIL_CERTIFICATION,
        devsim::Fault::DropAnswer { every: 1_000 },
    );
    reset_with(&browser, &code).await?;
    browser.wait_for_step("Done").await?;
    proven(&browser, &device).await?;
    let state = device.state();
    ensure!(
        state.code_submissions == 1,
        "the code reached the device once: {state:?}"
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_dropped_before_the_device_read_it_is_said_and_can_be_made_again() -> Result<()>
{
    let (device, _proxy, browser) = at_code_step(Profile::Camera).await?;
    let code = device.mailbox_code().context("mailbox code")?;
    device.set_fault(
        protocol::isapi::paths::EMAIL_CERTIFICATION,
        devsim::Fault::Reset,
    );
    reset_with(&browser, &code).await?;
    // The new password does not work: the wizard says the reset did not happen, and the code
    // is asked for again, never resent by itself.
    browser.wait_for_step("Type the reset code").await?;
    let said = browser.alert_text().await?;
    ensure!(said.contains("did not take the reset"), "{said}");
    let state = device.state();
    ensure!(
        !state.password_changed && state.code_submissions == 0,
        "{state:?}"
    );
    device.clear_faults();
    reset_with(&browser, &code).await?;
    browser.wait_for_step("Done").await?;
    proven(&browser, &device).await?;
    browser.close().await
}
