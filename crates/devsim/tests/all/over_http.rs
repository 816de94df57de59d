//! devsim over real HTTP and UDP on loopback: what a client of the device sees before a reset,
//! the login endpoints, the answer shapes, and the `devsim` binary driven end to end.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::*;
use devsim::{Config, DeviceIdentity, Profile, XmlNamespace};
use protocol::isapi::{
    ActivationStatus, ExternCapabilities, LengthLimit, SecurityCap, SecurityEmailCap,
};
use protocol::login::SessionLoginCap;
use protocol::sadp::{probe_message, ProbeMatch};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

async fn start_with_sadp(profile: Profile) -> devsim::Running {
    start(config(profile).with_sadp("127.0.0.1:0".parse().unwrap())).await
}

#[tokio::test]
async fn an_nvr_reports_activation_limits_and_every_reset_mode() {
    let device = start_with_sadp(Profile::Nvr).await;
    let activation = ActivationStatus::from_xml(&get(&device, "/SDK/activateStatus").await.body);
    assert!(activation.unwrap().activated);
    let security = SecurityCap::from_xml(
        &get(&device, "/ISAPI/Security/capabilities?username=admin")
            .await
            .body,
    )
    .unwrap();
    assert_eq!(
        (security.password_length.min, security.password_length.max),
        (8, 16)
    );
    assert!(security.is_irreversible && security.salt.is_some());
    let modes = ExternCapabilities::from_xml(
        &get(&device, "/ISAPI/Security/extern/capabilities")
            .await
            .body,
    )
    .unwrap();
    assert!(modes.security_email && modes.security_question && modes.guid_file);
}

#[tokio::test]
async fn a_camera_offers_only_the_email_reset() {
    let device = start_with_sadp(Profile::Camera).await;
    let body = get(&device, "/ISAPI/Security/extern/capabilities")
        .await
        .body;
    let modes = ExternCapabilities::from_xml(&body).unwrap();
    assert!(modes.security_email);
    assert!(!modes.security_question && !modes.guid_file);
}

#[tokio::test]
async fn a_device_that_is_not_activated_says_so_and_cannot_be_reset() {
    let mut identity = DeviceIdentity::random(Profile::Camera);
    identity.activated = false;
    let device = start(Config::loopback(identity).with_mailbox(true)).await;
    let body = get(&device, "/SDK/activateStatus").await.body;
    assert!(!ActivationStatus::from_xml(&body).unwrap().activated);
    let refused = get(&device, "/ISAPI/Security/email/qrCode?format=json").await;
    assert_eq!(refused.status, 200, "cameras answer errors on 200");
    assert_eq!(
        refused.status_body().sub_status_code.as_deref(),
        Some("notActivated")
    );
}

#[tokio::test]
async fn every_profile_declares_its_namespace_and_parses() {
    for profile in Profile::ALL {
        let device = start(config(profile)).await;
        let style = devsim::AnswerStyle::for_profile(profile);
        for path in [
            "/ISAPI/Security/capabilities?username=admin",
            "/ISAPI/Security/extern/capabilities",
            "/ISAPI/Security/sessionLogin/capabilities?username=admin",
        ] {
            let body = get(&device, path).await.body;
            match style.namespace.uri() {
                Some(uri) => assert!(body.contains(uri), "{profile:?} {path}: {body}"),
                None => assert!(!body.contains("xmlns"), "{profile:?} {path}: {body}"),
            }
        }
        let body = get(&device, "/ISAPI/Security/sessionLogin/capabilities")
            .await
            .body;
        SessionLoginCap::from_xml(&body).unwrap();
    }
}

#[tokio::test]
async fn the_namespace_can_be_chosen() {
    for ns in XmlNamespace::ALL {
        let device = start(config(Profile::Nvr).with_namespace(ns)).await;
        let body = get(&device, "/ISAPI/Security/capabilities").await.body;
        assert_eq!(
            ns.uri().is_some_and(|uri| body.contains(uri)),
            ns.uri().is_some()
        );
        SecurityCap::from_xml(&body).unwrap();
    }
}

#[tokio::test]
async fn every_login_hash_variant_logs_in() {
    // NVR: irreversible 2.1; camera: irreversible, other version; old firmware: reversible.
    for profile in [Profile::Nvr, Profile::Camera, Profile::OldFirmware] {
        let device = start(config(profile)).await;
        let ok = login(&device, &device.admin_password()).await;
        assert_eq!(ok.status, 200, "{profile:?}: {}", ok.body);
        let refused = login(&device, "Not-The-Password1").await;
        assert_ne!(refused.body, ok.body);
        assert_eq!(device.state().failed_login_tries, 1, "{profile:?}");
    }
}

#[tokio::test]
async fn user_check_takes_basic_auth_and_reports_tries_left() {
    let device = start(config(Profile::Nvr)).await;
    let client = reqwest::Client::new();
    let url = format!("{}/ISAPI/Security/userCheck", device.url());
    let ok = client
        .get(&url)
        .basic_auth("admin", Some(device.admin_password()))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert!(ok
        .text()
        .await
        .unwrap()
        .contains("<statusValue>200</statusValue>"));
    let wrong = client
        .get(&url)
        .basic_auth("admin", Some("nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().contains_key("www-authenticate"));
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("<retryLoginTime>4</retryLoginTime>"));
}

#[tokio::test]
async fn the_other_endpoints_answer_realistic_shapes() {
    let device = start(config(Profile::Nvr)).await;
    let caps = get(
        &device,
        "/ISAPI/Security/email/parameter/capabilities?format=json",
    )
    .await;
    let caps = SecurityEmailCap::from_json(&caps.body).unwrap();
    assert_eq!(
        caps.email_address_length,
        Some(LengthLimit { min: 0, max: 64 })
    );
    let parameter = get(&device, "/ISAPI/Security/email/parameter?format=json").await;
    assert!(
        parameter.body.contains("o****@example.com"),
        "{}",
        parameter.body
    );
    let anonymous = get(&device, "/ISAPI/Security/questionConfiguration").await;
    assert_eq!(anonymous.status, 401, "the question read needs a login");
    let questions = admin_get(&device, "/ISAPI/Security/questionConfiguration").await;
    assert_eq!(questions.matches("<Question>").count(), 3);

    let anonymous = get(&device, "/ISAPI/Security/illegalLoginLock").await;
    assert_eq!(anonymous.status, 401);
    let lock = admin_get(&device, "/ISAPI/Security/illegalLoginLock").await;
    assert!(
        lock.contains("<maxIllegalLoginTimes>5</maxIllegalLoginTimes>"),
        "{lock}"
    );

    let camera = start(config(Profile::Camera)).await;
    let questions = admin_get(&camera, "/ISAPI/Security/questionConfiguration").await;
    assert!(questions.contains("notSupport"), "{questions}");
}

/// A GET with the admin's Basic credentials.
async fn admin_get(device: &devsim::Running, path: &str) -> String {
    reqwest::Client::new()
        .get(format!("{}{path}", device.url()))
        .basic_auth("admin", Some(device.admin_password()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_probe_is_answered_with_the_device_identity() {
    let device = start_with_sadp(Profile::Nvr).await;
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
    assert_eq!(answer.mac.as_deref(), Some(device.identity.mac.as_str()));
    assert_eq!(answer.sync_ipc_password, Some(true));
    assert_eq!(
        answer.uuid.as_deref(),
        Some("12D17626-0DE1-48DB-97E3-40B106467932")
    );
}

#[tokio::test]
async fn the_devsim_binary_serves_isapi_on_the_address_it_prints() {
    let mut child = ChildGuard(
        Command::new(env!("CARGO_BIN_EXE_devsim"))
            .args(["--http", "127.0.0.1:0", "--profile", "camera"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .take(2)
        .map(|l| l.unwrap())
        .collect();
    let serial = lines[0].rsplit(' ').next().unwrap().to_string();
    let url = lines[1].rsplit(' ').next().unwrap().to_string();
    let body = reqwest::get(format!("{url}/SDK/activateStatus"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(ActivationStatus::from_xml(&body).unwrap().activated);
    assert!(serial.starts_with("DS-2CD"), "{serial}");
}
