//! An installer's batch in real headless Chromium, through a real reset-proxy, against three
//! simulated devices found by SADP on loopback: device by device, one left waiting for its
//! code, a reload, the summary table, and the last code typed when it "arrives".

use anyhow::{ensure, Context, Result};
use devsim::{Config, DeviceIdentity, Profile, Running};
use e2e::{xpath_literal, Browser, Proxy};

const NEW_PASSWORD: &str = "Quiet-Harbor42";

fn name(device: &Running) -> (String, String) {
    (
        device.identity.model.clone(),
        device.identity.serial.clone(),
    )
}

/// Types the code the device's demo mailbox holds and the new password (unless the batch's
/// shared password is already filled in), and waits for the proven login.
async fn finish(browser: &Browser, device: &Running, type_password: bool) -> Result<()> {
    let code = device
        .mailbox_code()
        .context("devsim's mailbox has the code")?;
    browser.type_into("Reset code", &code).await?;
    browser.click("Continue").await?;
    browser.wait_for_step("Choose a new password").await?;
    if type_password {
        browser.type_into("New password", NEW_PASSWORD).await?;
        browser
            .type_into("New password again", NEW_PASSWORD)
            .await?;
    }
    browser.click("Reset the password").await?;
    browser.wait_for_step("Done").await?;
    browser
        .text_of("//p[@role='status' and contains(., 'new password works')]")
        .await?;
    ensure!(device.admin_password() == NEW_PASSWORD);
    Ok(())
}

/// The batch bar names `device` as number `n` of three.
async fn on_device(browser: &Browser, n: usize, device: &Running) -> Result<()> {
    let (model, serial) = name(device);
    browser
        .text_of(&format!(
            "//p[@id='batch-bar-place' and .={}]",
            xpath_literal(&format!("Device {n} of 3: {model} ({serial})"))
        ))
        .await
        .map(|_| ())
}

/// The summary row of `device` says `result`.
async fn result_of(browser: &Browser, device: &Running) -> Result<String> {
    browser
        .text_of(&format!(
            "//section[contains(@class,'batch-summary')]//tr[td[.={}]]/td[4]",
            xpath_literal(&device.identity.serial)
        ))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_devices_are_reset_in_one_batch_across_a_reload() -> Result<()> {
    let config = Config::loopback(DeviceIdentity::random(Profile::Camera))
        .with_mailbox(true)
        .with_sadp("127.0.0.1:0".parse()?);
    let fleet = devsim::start_many(config, 3).await?;
    let sadp = fleet.sadp_addr.context("the fleet's SADP address")?;
    let addrs: Vec<_> = fleet.devices.iter().map(|d| d.http_addr).collect();
    let proxy = Proxy::start(&addrs, sadp).await?;
    let [first, second, third] = &fleet.devices[..] else {
        anyhow::bail!("three devices");
    };
    let browser = Browser::start().await?;
    browser.client.goto(&proxy.url()).await?;

    for device in [first, second, third] {
        let (model, serial) = name(device);
        browser
            .button(&format!("Choose {model}, serial number {serial}"))
            .await?;
        let tick = format!(
            "//input[@type='checkbox' and @aria-label={}]",
            xpath_literal(&format!(
                "Add {model}, serial number {serial} to the devices to reset one after another"
            ))
        );
        browser.wait_for(&tick).await?.click().await?;
    }
    let axe = browser.axe_violations().await?;
    ensure!(axe.is_empty(), "device list: {axe:#?}");
    browser
        .click("Reset the 3 ticked devices one after another")
        .await?;

    // The first device: the whole reset, its password kept for the others.
    on_device(&browser, 1, first).await?;
    browser.email_route_to_code().await?;
    let code = first.mailbox_code().context("the first code")?;
    browser.type_into("Reset code", &code).await?;
    browser.click("Continue").await?;
    browser.wait_for_step("Choose a new password").await?;
    browser.type_into("New password", NEW_PASSWORD).await?;
    browser
        .type_into("New password again", NEW_PASSWORD)
        .await?;
    browser
        .field("Use this password for the other devices of this list too")
        .await?
        .click()
        .await?;
    browser.click("Reset the password").await?;
    browser.wait_for_step("Done").await?;
    ensure!(first.admin_password() == NEW_PASSWORD);
    browser.click("Next device").await?;

    // The second: the QR code goes out, the code has not come back; left for later.
    on_device(&browser, 2, second).await?;
    browser.email_route_to_code().await?;
    browser
        .click("Leave this device for now and go to the next")
        .await?;

    // The third: the shared password is filled in, nothing to type but the code.
    on_device(&browser, 3, third).await?;
    browser.email_route_to_code().await?;
    finish(&browser, third, false).await?;
    let axe = browser.axe_violations().await?;
    ensure!(axe.is_empty(), "batch device done: {axe:#?}");
    browser.click("Next device").await?;

    // The summary survives a reload.
    browser.wait_for_step("Summary of the devices").await?;
    browser.client.refresh().await?;
    browser.wait_for_step("Summary of the devices").await?;
    ensure!(result_of(&browser, first).await? == "Done: the new password is set.");
    ensure!(result_of(&browser, third).await? == "Done: the new password is set.");
    let waiting = result_of(&browser, second).await?;
    ensure!(
        waiting.starts_with("Waiting for the reset code from the vendor (valid until"),
        "{waiting}"
    );
    ensure!(second.admin_password() != NEW_PASSWORD);
    let axe = browser.axe_violations().await?;
    ensure!(axe.is_empty(), "summary: {axe:#?}");

    // The vendor's e-mail for the second device arrives: straight back to its code step.
    let (model, serial) = name(second);
    browser
        .click(&format!("Continue with {model}, serial number {serial}"))
        .await?;
    on_device(&browser, 2, second).await?;
    browser.click("Reset this device's password").await?;
    browser.wait_for_step("Type the reset code").await?;
    ensure!(
        second.state().qr_exports == 1,
        "no second QR export was needed"
    );
    // The shared password lived on the page only: after the reload it is typed again.
    finish(&browser, second, true).await?;
    browser.click("Next device").await?;
    browser.wait_for_step("Summary of the devices").await?;
    ensure!(result_of(&browser, second).await? == "Done: the new password is set.");
    browser.click("Close this list").await?;
    browser.wait_for_step("Find your device").await?;
    for device in [first, second, third] {
        ensure!(device.admin_password() == NEW_PASSWORD);
    }
    browser.close().await
}
