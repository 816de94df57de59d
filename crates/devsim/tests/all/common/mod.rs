//! Helpers the devsim tests share: start a device, call it over real HTTP, read its mailbox.
#![allow(dead_code, clippy::unwrap_used)]

use devsim::{Config, DeviceIdentity, Profile, Running, StateSnapshot};
use protocol::isapi::{EmailCertification, QrCode, ResponseStatus};
use protocol::login::{SessionLogin, SessionLoginCap};
use protocol::profile::DeviceProfile;

/// A device of `profile` with the mailbox on, as most tests want it.
pub fn config(profile: Profile) -> Config {
    Config::loopback(DeviceIdentity::random(profile)).with_mailbox(true)
}

pub async fn start(config: Config) -> Running {
    devsim::start(config).await.unwrap()
}

/// An answer: HTTP status, headers and body text.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn status_body(&self) -> ResponseStatus {
        ResponseStatus::parse(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

pub async fn get(device: &Running, path: &str) -> Answer {
    answer(
        reqwest::get(format!("{}{path}", device.url()))
            .await
            .unwrap(),
    )
    .await
}

pub async fn put(device: &Running, path: &str, body: String) -> Answer {
    let response = reqwest::Client::new()
        .put(format!("{}{path}", device.url()))
        .body(body)
        .send()
        .await
        .unwrap();
    answer(response).await
}

pub async fn post(device: &Running, path: &str, body: String) -> Answer {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", device.url()))
        .body(body)
        .send()
        .await
        .unwrap();
    answer(response).await
}

/// Exports a QR code over HTTP and returns its content.
pub async fn export_qr(device: &Running) -> String {
    let answer = get(device, "/ISAPI/Security/email/qrCode?format=json").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    QrCode::from_json(&answer.body, &DeviceProfile::default())
        .unwrap()
        .content
}

/// The code the demo mailbox shows, read over HTTP.
pub async fn mailbox(device: &Running) -> String {
    let answer = get(device, "/devsim/mailbox").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let value: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    value["code"].as_str().unwrap().to_owned()
}

/// Submits a code and a new password.
pub async fn certify(device: &Running, code: &str, password: &str) -> Answer {
    let body = EmailCertification {
        security_code: code.into(),
        reset_password: password.into(),
    }
    .to_json(&DeviceProfile::default(), None)
    .unwrap();
    put(
        device,
        "/ISAPI/Security/emailCertification?format=json",
        body,
    )
    .await
}

/// Logs in with the real hash scheme; returns the answer.
pub async fn login(device: &Running, password: &str) -> Answer {
    let cap = get(
        device,
        "/ISAPI/Security/sessionLogin/capabilities?username=admin",
    )
    .await;
    assert_eq!(cap.status, 200, "{}", cap.body);
    let cap = SessionLoginCap::from_xml(&cap.body).unwrap();
    let body = SessionLogin::new(&cap, "admin", password).to_xml();
    post(
        device,
        "/ISAPI/Security/sessionLogin?timeStamp=1700000000000",
        body,
    )
    .await
}

pub async fn state(device: &Running) -> StateSnapshot {
    let answer = get(device, "/devsim/state").await;
    serde_json::from_str(&answer.body).unwrap()
}

/// A new password the device's policy accepts.
pub const NEW_PASSWORD: &str = "Harbour-Light42";

/// Kills a child process when dropped, so a failing test leaves nothing running.
pub struct ChildGuard(pub std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
