//! The wizard's steps as a person takes them (check a device, accept the notice, type the code
//! and the new password), and the device-and-proxy set-ups the tests take them against.

use crate::{Browser, Proxy};
use anyhow::{ensure, Context, Result};
use devsim::{Config, DeviceIdentity, Profile, Running};
use std::net::SocketAddr;
use std::path::Path;

/// The new password the tests choose: it meets every profile's rules.
pub const NEW_PASSWORD: &str = "Quiet-Harbor42";

/// A device of `profile` with its demo mailbox on, and a proxy allowed to reach it (no SADP).
pub async fn stack(profile: Profile) -> Result<(Running, Proxy)> {
    stack_with(profile, |device| device, |proxy| proxy).await
}

/// Like [`stack`], with the device's configuration adjusted by `device` and the proxy's by `proxy`.
pub async fn stack_with(
    profile: Profile,
    device: impl FnOnce(Config) -> Config,
    proxy: impl FnOnce(reset_proxy::Config) -> reset_proxy::Config,
) -> Result<(Running, Proxy)> {
    let config = device(Config::loopback(DeviceIdentity::random(profile)).with_mailbox(true));
    let device = devsim::start(config).await?;
    let proxy = Proxy::start_with(&[device.http_addr], "127.0.0.1:9".parse()?, proxy).await?;
    Ok((device, proxy))
}

/// A device of `profile` answering SADP (see [`crate::device`]), and a proxy that discovers it.
pub async fn discoverable_stack(profile: Profile) -> Result<(Running, Proxy)> {
    let device = crate::device(profile).await?;
    let sadp = device.sadp_addr.context("devsim answers SADP")?;
    let proxy = Proxy::start(&[device.http_addr], sadp).await?;
    Ok((device, proxy))
}

impl Browser {
    /// Opens the wizard at `url` and checks the device typed by its address.
    pub async fn open_typed_device(&self, url: &str, device: SocketAddr) -> Result<()> {
        self.client.goto(url).await?;
        self.check_device(device).await
    }

    /// Types the device's address on the first step and checks it.
    pub async fn check_device(&self, device: SocketAddr) -> Result<()> {
        self.type_into("Device address", &device.to_string())
            .await?;
        self.click("Check this device").await
    }

    /// Like [`Browser::open_typed_device`], then on to the mode step.
    pub async fn typed_device_to_mode(&self, url: &str, device: SocketAddr) -> Result<()> {
        self.open_typed_device(url, device).await?;
        self.click("Reset this device's password").await?;
        self.wait_for_step("Choose how to reset").await
    }

    /// From a checked device's "Reset this device's password" to the code step of the e-mail
    /// route: the mode, the privacy notice accepted, the QR code made.
    pub async fn email_route_to_code(&self) -> Result<()> {
        self.click("Reset this device's password").await?;
        self.wait_for_step("Choose how to reset").await?;
        self.email_route_to_export().await?;
        self.button("Download the QR code (PNG)").await?;
        self.click("I have my reset code").await?;
        self.wait_for_step("Type the reset code").await
    }

    /// From the mode step to the QR export asked of the device: the e-mail route chosen, the
    /// privacy notice accepted, "Make the QR code" pressed.
    pub async fn email_route_to_export(&self) -> Result<()> {
        self.click("E-mail verification").await?;
        self.wait_for_step("Privacy notice").await?;
        self.accept_privacy().await?;
        self.wait_for_step("Send the QR code").await?;
        self.click("Make the QR code").await
    }

    /// Like [`Browser::email_route_to_code`], with axe-core run on every step on the way (the
    /// checked device's first); a failure names the step after `at`.
    pub async fn email_route_to_code_without_violations(&self, at: &str) -> Result<()> {
        self.button("Reset this device's password").await?;
        self.no_violations(&format!("{at}, device")).await?;
        self.click("Reset this device's password").await?;
        self.wait_for_step("Choose how to reset").await?;
        self.no_violations(&format!("{at}, mode")).await?;
        self.click("E-mail verification").await?;
        self.wait_for_step("Privacy notice").await?;
        self.no_violations(&format!("{at}, privacy")).await?;
        self.accept_privacy().await?;
        self.wait_for_step("Send the QR code").await?;
        self.click("Make the QR code").await?;
        self.button("Download the QR code (PNG)").await?;
        self.no_violations(&format!("{at}, QR")).await?;
        self.click("I have my reset code").await?;
        self.wait_for_step("Type the reset code").await?;
        self.no_violations(&format!("{at}, code")).await
    }

    /// On the privacy notice: ticks the box and continues.
    pub async fn accept_privacy(&self) -> Result<()> {
        self.field("I have read this and want to continue")
            .await?
            .click()
            .await?;
        self.click("Continue").await
    }

    /// On the code step: types `code` and continues to the password step.
    pub async fn submit_code(&self, code: &str) -> Result<()> {
        self.type_into("Reset code", code).await?;
        self.click("Continue").await?;
        self.wait_for_step("Choose a new password").await
    }

    /// On the password step: types `password` twice and sends it.
    pub async fn submit_password(&self, password: &str) -> Result<()> {
        self.type_into("New password", password).await?;
        self.type_into("New password again", password).await?;
        self.click("Reset the password").await
    }

    /// Waits for the proof step's verdict that the new password works (not the "Checking…"
    /// that comes first), and returns it.
    pub async fn proof_verdict(&self) -> Result<String> {
        self.text_of(
            "//p[@role='status' and contains(., 'new password works') and not(starts-with(., 'Checking'))]",
        )
        .await
    }

    /// The text of the first alert with something in it, once there is one.
    pub async fn alert_text(&self) -> Result<String> {
        self.text_of("//*[@role='alert' and normalize-space(.) != '']")
            .await
    }

    /// Fails, naming `at`, when axe-core finds any violation on the page.
    pub async fn no_violations(&self, at: &str) -> Result<()> {
        let violations = self.axe_violations().await?;
        ensure!(violations.is_empty(), "{at}: {violations:#?}");
        Ok(())
    }

    /// On the QR step: gives the picture at `path` to "Choose the QR picture".
    pub async fn choose_qr_picture(&self, path: &Path) -> Result<()> {
        self.field("Choose the QR picture")
            .await?
            .send_keys(&path.display().to_string())
            .await
            .context("choosing the QR picture")
    }

    /// Waits for the QR step to say the picture is a readable reset code, and returns that.
    pub async fn qr_readable(&self) -> Result<String> {
        self.text_of("//p[@class='qr-status' and contains(., 'readable password-reset')]")
            .await
    }
}
