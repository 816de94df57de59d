//! The other reset routes in real headless Chromium, through a real reset-proxy, against devsim:
//! by security questions and by GUID file, each with the device's refusal explained first; and
//! what the last step offers after a reset (prevention, an NVR's camera password push).

use anyhow::{ensure, Context, Result};
use devsim::{Config, DeviceIdentity, Profile, Running};
use e2e::{Browser, Proxy};

const NEW_PASSWORD: &str = "Quiet-Harbor42";

/// An NVR (it offers both routes) with its test endpoints on, and a proxy allowed to reach it.
async fn stack() -> Result<(Running, Proxy)> {
    let config = Config::loopback(DeviceIdentity::random(Profile::Nvr)).with_mailbox(true);
    let device = devsim::start(config).await?;
    let proxy = Proxy::start(&[device.http_addr], "127.0.0.1:9".parse()?).await?;
    Ok((device, proxy))
}

/// From the first screen to the mode step of the typed device, then `route`.
async fn choose_route(
    browser: &Browser,
    proxy: &Proxy,
    device: &Running,
    route: &str,
) -> Result<()> {
    browser.client.goto(&proxy.url()).await?;
    browser
        .type_into("Device address", &device.http_addr.to_string())
        .await?;
    browser.click("Check this device").await?;
    browser.click("Reset this device's password").await?;
    browser.wait_for_step("Choose how to reset").await?;
    browser.click(route).await
}

/// Picks the GUID file at `path`, waits until the step names it, and submits it with the new
/// password.
async fn give_guid_file(browser: &Browser, path: &std::path::Path) -> Result<()> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .context("a file name")?;
    browser
        .field("The GUID file")
        .await?
        .send_keys(&path.display().to_string())
        .await?;
    browser
        .text_of(&format!(
            "//p[@id='guid-status' and contains(., {})]",
            e2e::xpath_literal(name)
        ))
        .await?;
    browser.click("Continue").await?;
    new_password(browser).await
}

async fn new_password(browser: &Browser) -> Result<()> {
    browser.wait_for_step("Choose a new password").await?;
    browser.type_into("New password", NEW_PASSWORD).await?;
    browser
        .type_into("New password again", NEW_PASSWORD)
        .await?;
    browser.click("Reset the password").await
}

/// A whole reset by the device's current GUID file, up to the last step.
async fn reset_by_guid_file(browser: &Browser, proxy: &Proxy, device: &Running) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let current = dir.path().join("nvr-guid.bin");
    std::fs::write(&current, device.guid_file())?;
    choose_route(browser, proxy, device, "GUID file").await?;
    give_guid_file(browser, &current).await?;
    browser.wait_for_step("Done").await
}

async fn no_violations(browser: &Browser, at: &str) -> Result<()> {
    let violations = browser.axe_violations().await?;
    ensure!(violations.is_empty(), "{at}: {violations:#?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_by_security_questions_explains_a_wrong_answer_then_works() -> Result<()> {
    let (device, proxy) = stack().await?;
    let answers = device
        .question_answers()
        .context("the NVR profile sets security questions")?;
    let browser = Browser::start().await?;
    choose_route(&browser, &proxy, &device, "Security questions").await?;
    browser
        .wait_for_step("Answer the security questions")
        .await?;
    // The step list leaves out the e-mail route's steps.
    let steps = browser.text_of("//nav[@class='stepper']").await?;
    ensure!(!steps.contains("Privacy notice"), "{steps}");
    browser
        .text_of("//p[@class='step-number' and .='Step 3 of 5']")
        .await?;
    no_violations(&browser, "answers").await?;

    // Real devices list their questions only after a login: the wizard asks for the answers
    // in the order the device's own page shows the questions.
    let hint = browser.text_of("//p[@id='answers-hint']").await?;
    ensure!(hint.contains("only after a login"), "{hint}");
    for (i, answer) in answers.iter().enumerate() {
        let wrong = format!("{} nope", answer.answer);
        let typed = if i == 0 {
            wrong.as_str()
        } else {
            answer.answer.as_str()
        };
        browser
            .type_into(&format!("Answer to security question {}", i + 1), typed)
            .await?;
    }
    browser.click("Continue").await?;
    new_password(&browser).await?;
    browser
        .wait_for_step("Answer the security questions")
        .await?;
    let verdict = browser
        .text_of("//*[@role='alert' and normalize-space(.) != '']")
        .await?;
    ensure!(
        verdict.contains("at least one answer is wrong"),
        "{verdict}"
    );
    ensure!(device.state().failed_answer_tries == 1);
    ensure!(!device.state().password_changed);

    for (i, answer) in answers.iter().enumerate() {
        browser
            .type_into(
                &format!("Answer to security question {}", i + 1),
                &answer.answer,
            )
            .await?;
    }
    browser.click("Continue").await?;
    new_password(&browser).await?;
    browser.wait_for_step("Done").await?;
    browser
        .text_of("//p[@role='status' and contains(., 'new password works')]")
        .await?;
    ensure!(device.admin_password() == NEW_PASSWORD);
    no_violations(&browser, "done").await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_never_set_are_explained_with_the_support_details() -> Result<()> {
    if e2e::drivers::skip_unless_chromium("downloads allowed through DevTools")? {
        return Ok(());
    }
    let config = Config::loopback(DeviceIdentity::random(Profile::Nvr))
        .with_questions(devsim::Questions::NeverSet);
    let device = devsim::start(config).await?;
    let proxy = Proxy::start(&[device.http_addr], "127.0.0.1:9".parse()?).await?;
    let browser = Browser::start().await?;
    choose_route(&browser, &proxy, &device, "Security questions").await?;
    // The device lists nothing before a login, so only its refusal of the answers tells.
    browser
        .type_into("Answer to security question 1", "a guess")
        .await?;
    browser
        .type_into("Answer to security question 2", "a guess")
        .await?;
    browser
        .type_into("Answer to security question 3", "a guess")
        .await?;
    browser.click("Continue").await?;
    new_password(&browser).await?;
    browser
        .wait_for_step("Answer the security questions")
        .await?;
    let notice = browser
        .text_of("//*[@role='alert' and contains(., 'were ever set')]")
        .await?;
    ensure!(notice.contains("another way"), "{notice}");
    ensure!(device.state().failed_answer_tries == 0, "no try was spent");

    // The support route: details in a prepared e-mail, steps, and a transcript to save.
    let mailto = browser
        .wait_for("//a[starts-with(@href, 'mailto:?subject=')]")
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    ensure!(mailto.contains("Model%3A"), "{mailto}");
    let steps = browser.text_of("//div[@class='support']/ol").await?;
    ensure!(
        steps.contains("24 hours") && steps.contains("48 hours"),
        "{steps}"
    );
    no_violations(&browser, "support route").await?;
    let downloads = tempfile::tempdir()?;
    browser
        .devtools(
            "Browser.setDownloadBehavior",
            serde_json::json!({ "behavior": "allow", "downloadPath": downloads.path() }),
        )
        .await?;
    browser
        .click("Save a record of the exchange with the device")
        .await?;
    let saved = downloads.path().join("reset-transcript.json");
    for _ in 0..100 {
        if saved.exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let transcript = std::fs::read_to_string(&saved).context("the transcript was saved")?;
    ensure!(transcript.contains("reset-wizard-transcript"));
    ensure!(transcript.contains("questionConfiguration"), "{transcript}");
    ensure!(!transcript.contains(&device.admin_password()));

    // The read-only probe report, for when the wizard does not understand a device.
    let before = device.state();
    browser.click("Save a probe report").await?;
    let saved = downloads.path().join("reset-probe.json");
    for _ in 0..100 {
        if saved.exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let report = std::fs::read_to_string(&saved).context("the probe report was saved")?;
    let report = protocol::probe::ProbeReport::parse(&report)?;
    ensure!(report.reachable && report.calls.len() == 5, "{report:?}");
    ensure!(device.state() == before, "the probe changed nothing");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_by_guid_file_explains_a_stale_file_then_works() -> Result<()> {
    let (device, proxy) = stack().await?;
    let dir = tempfile::tempdir()?;
    let stale = dir.path().join("old-guid.bin");
    std::fs::write(&stale, "a file from before the last password change")?;
    let current = dir.path().join("nvr-guid.bin");
    std::fs::write(&current, device.guid_file())?;

    let browser = Browser::start().await?;
    choose_route(&browser, &proxy, &device, "GUID file").await?;
    browser.wait_for_step("Give the GUID file").await?;
    no_violations(&browser, "guid").await?;
    give_guid_file(&browser, &stale).await?;
    browser.wait_for_step("Give the GUID file").await?;
    let verdict = browser
        .text_of("//*[@role='alert' and normalize-space(.) != '']")
        .await?;
    ensure!(verdict.contains("does not match"), "{verdict}");
    ensure!(!device.state().password_changed);

    give_guid_file(&browser, &current).await?;
    browser.wait_for_step("Done").await?;
    ensure!(device.admin_password() == NEW_PASSWORD);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_reset_the_recovery_email_and_questions_can_be_set() -> Result<()> {
    let config = Config::loopback(DeviceIdentity::random(Profile::Nvr))
        .with_mailbox(true)
        .with_questions(devsim::Questions::NeverSet);
    let device = devsim::start(config).await?;
    let proxy = Proxy::start(&[device.http_addr], "127.0.0.1:9".parse()?).await?;
    let browser = Browser::start().await?;
    reset_by_guid_file(&browser, &proxy, &device).await?;
    browser
        .text_of("//h3[.='Make the next reset easy (optional)']")
        .await?;
    no_violations(&browser, "prevention").await?;

    browser
        .type_into("Recovery e-mail address", "not an address")
        .await?;
    browser
        .click("Save the e-mail address on the device")
        .await?;
    browser
        .text_of("//p[@id='prevent-email-error' and contains(., 'does not look like')]")
        .await?;
    let before = device.state().reserved_email;
    ensure!(before.as_deref() != Some("owner@example.org"));
    browser
        .type_into("Recovery e-mail address", "owner@example.org")
        .await?;
    browser
        .click("Save the e-mail address on the device")
        .await?;
    browser
        .text_of("(//p[@role='status' and .='Saved on the device.'])[1]")
        .await?;
    ensure!(device.state().reserved_email.as_deref() == Some("owner@example.org"));

    for id in 1..=3 {
        browser
            .type_into(
                &format!("Answer to security question {id}"),
                &format!("answer {id}"),
            )
            .await?;
    }
    browser.click("Save the answers on the device").await?;
    browser
        .text_of("(//p[@role='status' and .='Saved on the device.'])[2]")
        .await?;
    let answers = device
        .question_answers()
        .context("the questions are set now")?;
    ensure!(
        answers
            .iter()
            .map(|a| a.answer.as_str())
            .collect::<Vec<_>>()
            == ["answer 1", "answer 2", "answer 3"],
        "{:?}",
        answers.iter().map(|a| a.id).collect::<Vec<_>>()
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_reset_an_nvr_gives_the_new_password_to_its_cameras() -> Result<()> {
    // devsim's NVR has three cameras; the third is unplugged.
    let (device, proxy) = stack().await?;
    let browser = Browser::start().await?;
    reset_by_guid_file(&browser, &proxy, &device).await?;
    ensure!(device.admin_password() == NEW_PASSWORD);
    let cameras = device.state().cameras;
    ensure!(cameras.len() == 3, "{cameras:?}");
    ensure!(
        cameras.iter().all(|c| !c.password_synced),
        "the cameras still have the old password: {cameras:?}"
    );
    browser
        .text_of("//h3[.='Cameras connected to this recorder (optional)']")
        .await?;
    no_violations(&browser, "camera sync offer").await?;

    browser
        .click("Give the new password to the cameras")
        .await?;
    browser
        .text_of("//p[@role='status' and .='2 of 3 cameras took the new password.']")
        .await?;
    let cameras = device.state().cameras;
    for camera in &cameras {
        ensure!(
            camera.password_synced == camera.online,
            "channel {} ({}) online {} synced {}",
            camera.channel,
            camera.ip,
            camera.online,
            camera.password_synced
        );
    }
    ensure!(cameras.iter().filter(|c| c.password_synced).count() == 2);

    let channels = browser.text_of("//dl[@class='camera-channels']").await?;
    for expected in [
        "Camera on channel 1 (192.168.254.2)",
        "Camera on channel 2 (192.168.254.3)",
        "Camera on channel 3 (192.168.254.4)",
    ] {
        ensure!(channels.contains(expected), "{expected}: {channels}");
    }
    let took = browser
        .text_of("//dt[contains(., 'channel 1 ')]/following-sibling::dd[1]")
        .await?;
    ensure!(took == "Took the new password.", "{took}");
    let unplugged = browser
        .text_of("//dt[contains(., 'channel 3 ')]/following-sibling::dd[1]")
        .await?;
    ensure!(
        unplugged.contains("Did not answer the recorder")
            && unplugged.contains("keeps its old password"),
        "{unplugged}"
    );
    no_violations(&browser, "camera sync result").await?;
    browser.close().await
}
