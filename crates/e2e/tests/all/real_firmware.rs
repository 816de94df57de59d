//! What real firmware answers, as the vendor's developer guide and device web UIs document it:
//! the e-mail reset in Chromium against devsim in its documented profile and in each fallback
//! profile, the device-named mailbox, refusals that are not "starting up", a 2.1 login on a
//! camera that says it is not irreversible, and the serial of a device found then typed.

use anyhow::{ensure, Context, Result};
use devsim::{DeviceProfile, Fault, Profile, Running};
use e2e::{discoverable_stack, stack_with, Browser, Proxy, NEW_PASSWORD};

/// A device following `details`, with its demo mailbox, and a proxy allowed to reach it.
async fn stack(profile: Profile, details: DeviceProfile) -> Result<(Running, Proxy)> {
    stack_with(profile, |c| c.with_profile_details(details), |p| p).await
}

/// Opens the wizard, checks the device by its typed address and goes to the mode step.
async fn to_mode_step(browser: &Browser, proxy: &Proxy, device: &Running) -> Result<()> {
    browser
        .typed_device_to_mode(&proxy.url(), device.http_addr)
        .await
}

/// A device of `profile` following `details` with its proxy, and a browser at its mode step.
async fn at_mode_step(
    profile: Profile,
    details: DeviceProfile,
) -> Result<(Running, Proxy, Browser)> {
    let (device, proxy) = stack(profile, details).await?;
    let browser = Browser::start().await?;
    to_mode_step(&browser, &proxy, &device).await?;
    Ok((device, proxy, browser))
}

/// From the mode step to a drawn QR code: the e-mail route, the privacy notice accepted.
async fn to_drawn_qr(browser: &Browser) -> Result<()> {
    browser.email_route_to_export().await?;
    browser.button("Download the QR code (PNG)").await?;
    Ok(())
}

/// The mailbox the QR step names, and where the wizard says it comes from.
async fn mailbox(browser: &Browser) -> Result<(String, String)> {
    let strong = browser.wait_for("//strong[@data-mailbox-source]").await?;
    let source = strong
        .attr("data-mailbox-source")
        .await?
        .unwrap_or_default();
    Ok((strong.text().await?, source))
}

/// From the drawn QR code to the proven login, with the code devsim's mailbox holds.
async fn finish(browser: &Browser, device: &Running) -> Result<()> {
    browser.click("I have my reset code").await?;
    browser.wait_for_step("Type the reset code").await?;
    let code = device
        .mailbox_code()
        .context("devsim's mailbox has the code")?;
    browser.submit_code(&code).await?;
    browser.submit_password(NEW_PASSWORD).await?;
    browser.wait_for_step("Done").await?;
    browser.proof_verdict().await?;
    ensure!(device.admin_password() == NEW_PASSWORD);
    ensure!(
        device.state().failed_login_tries == 0,
        "the proof login worked first time"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_profile_resets_by_email_to_the_mailbox_the_device_names() -> Result<()> {
    let (device, _proxy, browser) = at_mode_step(Profile::Nvr, DeviceProfile::default()).await?;
    // The reserved address, read before any export.
    let goes_to = browser.text_of("//strong[@class='reserved-email']").await?;
    ensure!(
        goes_to.contains("will be e-mailed to") && goes_to.contains("****@"),
        "{goes_to}"
    );
    ensure!(
        device.state().qr_exports == 0,
        "reading the address exports nothing"
    );
    to_drawn_qr(&browser).await?;
    let (address, source) = mailbox(&browser).await?;
    ensure!(address == devsim::SERVER_MAILBOX, "{address}");
    ensure!(source == "device", "{source}");
    let why = browser
        .text_of("//span[contains(@class, 'mailbox-why')]")
        .await?;
    ensure!(why.contains("Your device names this address"), "{why}");
    let mailto = browser
        .wait_for("//a[starts-with(@href, 'mailto:pw_recovery@devsim.example')]")
        .await?;
    ensure!(mailto.attr("href").await?.is_some());
    finish(&browser, &device).await?;
    browser.close().await
}

/// The earlier guesses' shapes (`QRCode.content`, `EmailParameter`) still work as fallbacks:
/// the device names no mailbox, so the built-in one is used and the page says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_early_guesses_profile_still_resets_by_email() -> Result<()> {
    let (device, _proxy, browser) =
        at_mode_step(Profile::Nvr, DeviceProfile::early_guesses()).await?;
    browser.text_of("//strong[@class='reserved-email']").await?;
    to_drawn_qr(&browser).await?;
    let (address, source) = mailbox(&browser).await?;
    ensure!(address == "pw_recovery@hikvision.com", "{address}");
    ensure!(source == "built-in", "{source}");
    let why = browser
        .text_of("//span[contains(@class, 'mailbox-why')]")
        .await?;
    ensure!(why.contains("did not name an address"), "{why}");
    finish(&browser, &device).await?;
    browser.close().await
}

/// A profile that sends the code and new password under `security=1` with the key of the
/// empty password: devsim refuses them in clear, so a finished reset proves the encryption.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_security1_before_login_profile_resets_by_email() -> Result<()> {
    let profile = DeviceProfile::security1_before_login();
    let details = profile.clone();
    let (device, proxy) = stack_with(
        Profile::Camera,
        |c| c.with_profile_details(details),
        |mut c| {
            c.device_profile = profile;
            c
        },
    )
    .await?;
    let browser = Browser::start().await?;
    to_mode_step(&browser, &proxy, &device).await?;
    to_drawn_qr(&browser).await?;
    finish(&browser, &device).await?;
    browser.close().await
}

/// The camera logs in with sessionIDVersion 2.1 while saying isIrreversible false: the 2.1
/// test comes first, so the proof login hashes with salt2 and works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2_1_camera_that_is_not_irreversible_proves_the_new_password() -> Result<()> {
    let (device, proxy) = stack(Profile::Camera, DeviceProfile::default()).await?;
    let cap = http_get_body(
        device.http_addr,
        "/ISAPI/Security/sessionLogin/capabilities?username=admin",
    )
    .await?;
    let cap = protocol::login::SessionLoginCap::from_xml(&cap)?;
    ensure!(cap.is_version_2_1() && !cap.is_irreversible, "{cap:?}");
    let browser = Browser::start().await?;
    to_mode_step(&browser, &proxy, &device).await?;
    to_drawn_qr(&browser).await?;
    finish(&browser, &device).await?;
    browser.close().await
}

/// No reserved e-mail under the documented name is said at the mode step, before any export;
/// under a name the wizard does not know, the export's refusal is shown in the device's own
/// words beside the support route. Neither is ever "still starting up".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_reserved_email_is_never_described_as_starting_up() -> Result<()> {
    let (device, _proxy, browser) =
        at_mode_step(Profile::EmailNotReserved, DeviceProfile::default()).await?;
    let why = browser.text_of("//span[@id='why-email']").await?;
    ensure!(why.contains("no recovery e-mail address"), "{why}");
    let email = browser.button("E-mail verification").await?;
    ensure!(
        email.attr("disabled").await?.is_some(),
        "the e-mail route is closed"
    );
    browser.wait_for("//div[@class='support']").await?;
    ensure!(!browser.page_text().await.contains("starting up"));
    ensure!(device.state().qr_exports == 0);

    // A firmware naming the refusal otherwise, and whose address read fails.
    let unknown = DeviceProfile {
        no_reserved_email_sub_statuses: vec!["mailboxNotBound".into()],
        ..DeviceProfile::default()
    };
    let (device, proxy) = stack(Profile::EmailNotReserved, unknown).await?;
    device.set_fault("/ISAPI/Security/email/parameter", Fault::Html);
    to_mode_step(&browser, &proxy, &device).await?;
    browser.email_route_to_export().await?;
    let alert = browser.alert_text().await?;
    ensure!(alert.contains("mailboxNotBound"), "{alert}");
    ensure!(!alert.contains("starting up"), "{alert}");
    browser.wait_for("//div[@class='support']").await?;
    browser.close().await
}

/// A device found by SADP and then typed by its address keeps the serial discovery reported,
/// the one detail support always asks for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_found_then_typed_shows_its_serial_in_the_support_details() -> Result<()> {
    let (device, proxy) = discoverable_stack(Profile::EmailNotReserved).await?;
    let browser = Browser::start().await?;
    browser.client.goto(&proxy.url()).await?;
    // Discovery lists it first; the person then types the same address.
    browser
        .wait_for(&format!(
            "//td[contains(., {})]",
            e2e::xpath_literal(&device.identity.serial)
        ))
        .await?;
    browser.check_device(device.http_addr).await?;
    browser.click("Reset this device's password").await?;
    browser.wait_for_step("Choose how to reset").await?;
    let details = browser.text_of("//pre[@class='support-details']").await?;
    ensure!(
        details.contains(&format!("Serial number: {}", device.identity.serial)),
        "{details}"
    );
    browser.close().await
}

/// A device typed by address that discovery never saw: the support details ask for the serial
/// from the label instead of leaving it blank.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unseen_device_asks_for_the_serial_from_its_label() -> Result<()> {
    let (_device, _proxy, browser) =
        at_mode_step(Profile::EmailNotReserved, DeviceProfile::default()).await?;
    let details = browser.text_of("//pre[@class='support-details']").await?;
    ensure!(details.contains("read it from the label"), "{details}");
    browser.close().await
}

/// The body of a plain HTTP/1.0 GET on loopback (the test's own look at devsim's answer).
async fn http_get_body(addr: std::net::SocketAddr, path: &str) -> Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream
        .write_all(format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    let (_, body) = answer.split_once("\r\n\r\n").context("an HTTP answer")?;
    Ok(body.to_owned())
}
