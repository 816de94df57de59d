//! devsim over real HTTP and UDP on loopback: what a client of the device sees.
#![allow(clippy::unwrap_used)]

use devsim::{Config, DeviceIdentity, Profile};
use protocol::isapi::{ActivationStatus, ExternCapabilities, SecurityCap};
use protocol::sadp::{probe_message, ProbeMatch};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

async fn start(profile: Profile) -> devsim::Running {
    devsim::start(
        Config::loopback(DeviceIdentity::random(profile)).with_sadp("127.0.0.1:0".parse().unwrap()),
    )
    .await
    .unwrap()
}

async fn get(url: String) -> String {
    let response = reqwest::get(url).await.unwrap();
    assert!(response.status().is_success());
    response.text().await.unwrap()
}

#[tokio::test]
async fn an_nvr_reports_activation_limits_and_every_reset_mode() {
    let device = start(Profile::Nvr).await;
    let base = format!("http://{}", device.http_addr);
    let activation = ActivationStatus::from_xml(&get(format!("{base}/SDK/activateStatus")).await);
    assert!(activation.unwrap().activated);
    let security = SecurityCap::from_xml(
        &get(format!("{base}/ISAPI/Security/capabilities?username=admin")).await,
    )
    .unwrap();
    assert_eq!(
        (security.password_length.min, security.password_length.max),
        (8, 16)
    );
    let modes = ExternCapabilities::from_xml(
        &get(format!("{base}/ISAPI/Security/extern/capabilities")).await,
    )
    .unwrap();
    assert!(modes.security_email && modes.security_question && modes.guid_file);
}

#[tokio::test]
async fn a_camera_offers_only_the_email_reset() {
    let device = start(Profile::Camera).await;
    let body = get(format!(
        "http://{}/ISAPI/Security/extern/capabilities",
        device.http_addr
    ))
    .await;
    let modes = ExternCapabilities::from_xml(&body).unwrap();
    assert!(modes.security_email);
    assert!(!modes.security_question && !modes.guid_file);
}

#[tokio::test]
async fn a_probe_is_answered_with_the_device_identity() {
    let device = start(Profile::Nvr).await;
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let probe = probe_message("12D17626-0DE1-48DB-97E3-40B106467932");
    socket
        .send_to(probe.as_bytes(), device.sadp_addr.unwrap())
        .await
        .unwrap();
    let mut buf = vec![0u8; 8192];
    let (len, _) = tokio::time::timeout(Duration::from_secs(5), socket.recv_from(&mut buf))
        .await
        .unwrap()
        .unwrap();
    let answer = ProbeMatch::parse(&buf[..len]).unwrap();
    assert_eq!(
        answer.serial.as_deref(),
        Some(device.identity.serial.as_str())
    );
    assert_eq!(answer.http_port, Some(device.http_addr.port()));
    assert_eq!(
        answer.uuid.as_deref(),
        Some("12D17626-0DE1-48DB-97E3-40B106467932")
    );
}

#[tokio::test]
async fn the_devsim_binary_serves_isapi_on_the_address_it_prints() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_devsim"))
        .args(["--http", "127.0.0.1:0", "--profile", "camera"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .take(2)
        .map(|l| l.unwrap())
        .collect();
    let serial = lines[0].rsplit(' ').next().unwrap().to_string();
    let url = lines[1].rsplit(' ').next().unwrap().to_string();
    let body = get(format!("{url}/SDK/activateStatus")).await;
    child.kill().unwrap();
    let _ = child.wait();
    assert!(ActivationStatus::from_xml(&body).unwrap().activated);
    assert!(serial.starts_with("DS-2CD"), "{serial}");
}
