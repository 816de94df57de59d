//! Support transcripts in the browser: a whole e-mail reset recorded by reset-proxy
//! (`--record`), then replayed by devsim as the device, carries the same browser flow to the
//! end, with another code and another new password.

use anyhow::{ensure, Context, Result};
use devsim::{Config, DeviceIdentity, Profile, ReplayReport, Running};
use e2e::{Browser, Proxy};
use fantoccini::Locator;

/// Opens the wizard, checks the typed device, and takes the e-mail reset to its proven end;
/// `code` is read once the QR code is made (the vendor's mail comes after the export).
async fn whole_email_reset(
    browser: &Browser,
    proxy: &Proxy,
    device: &Running,
    code: impl Fn() -> Option<String>,
    password: &str,
) -> Result<()> {
    browser.client.goto(&proxy.url()).await?;
    browser
        .type_into("Device address", &device.http_addr.to_string())
        .await?;
    browser.click("Check this device").await?;
    browser.email_route_to_code().await?;
    let code = code().context("the mailbox has a code")?;
    browser.type_into("Reset code", &code).await?;
    browser.click("Continue").await?;
    browser.wait_for_step("Choose a new password").await?;
    browser.type_into("New password", password).await?;
    browser.type_into("New password again", password).await?;
    browser.click("Reset the password").await?;
    browser.wait_for_step("Done").await?;
    browser
        .text_of("//p[@role='status' and contains(., 'new password works')]")
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_reset_replayed_by_devsim_carries_the_same_browser_flow_to_the_end() -> Result<()>
{
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("transcript.json");

    // Recorded against the simulated NVR.
    let device =
        devsim::start(Config::loopback(DeviceIdentity::random(Profile::Nvr)).with_mailbox(true))
            .await?;
    let record = file.clone();
    let proxy = Proxy::start_with(&[device.http_addr], "127.0.0.1:9".parse()?, |mut c| {
        c.record = Some(record);
        c
    })
    .await?;
    let browser = Browser::start().await?;
    let mailbox = device.mailbox_reader();
    whole_email_reset(&browser, &proxy, &device, mailbox, "Quiet-Harbor42").await?;
    browser.close().await?;
    ensure!(
        device.admin_password() == "Quiet-Harbor42",
        "the recorded reset happened"
    );

    // Replayed: another device identity answers from the file alone, to a different code and
    // password, the browser none the wiser.
    let text = std::fs::read_to_string(&file)?;
    ensure!(
        !text.contains("Quiet-Harbor42"),
        "the password was redacted"
    );
    let transcript = devsim::Transcript::parse(&text)?;
    let exchanges = transcript.exchanges.len();
    ensure!(exchanges >= 6, "{exchanges} exchanges recorded");
    let replayed = devsim::start(
        Config::loopback(DeviceIdentity::random(Profile::Nvr))
            .with_mailbox(true)
            .with_replay(transcript),
    )
    .await?;
    let proxy = Proxy::start(&[replayed.http_addr], "127.0.0.1:9".parse()?).await?;
    let browser = Browser::start().await?;
    let any_code = || Some("ANYCODE7".to_string());
    whole_email_reset(&browser, &proxy, &replayed, any_code, "Other-Harbor77").await?;

    let violations = browser.csp_violations().await?;
    ensure!(violations.is_empty(), "{violations:?}");
    // devsim's own report: every request answered from the recording, in order.
    browser
        .client
        .goto(&format!("{}/devsim/replay", replayed.url()))
        .await?;
    let report = browser
        .client
        .find(Locator::Css("body"))
        .await?
        .text()
        .await?;
    let report: ReplayReport = serde_json::from_str(&report).context(report.clone())?;
    browser.close().await?;
    ensure!(report.unmatched.is_empty(), "{report:?}");
    ensure!(report.mismatched.is_empty(), "{report:?}");
    ensure!(report.cursor == exchanges, "{report:?}");
    Ok(())
}
