//! Many devices in one process, as on a LAN: own loopback address, port, MAC and serial each,
//! one SADP socket answering for all; and the `devsim` binary doing the same with `--count`.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::*;
use devsim::Profile;
use protocol::isapi::{ActivationStatus, EmailCertification};
use protocol::login::{SessionLogin, SessionLoginCap};
use protocol::profile::DeviceProfile;
use protocol::sadp::{probe_message, ProbeMatch};
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Every ProbeMatch that arrives within a short window after one probe.
async fn probe(sadp: SocketAddr) -> Vec<ProbeMatch> {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let probe = probe_message("5F1E3B2A-0C4D-4E6F-8A9B-0123456789AB");
    socket.send_to(probe.as_bytes(), sadp).await.unwrap();
    let mut answers = Vec::new();
    let mut buf = vec![0u8; 8192];
    while let Ok(Ok((len, _))) =
        tokio::time::timeout(Duration::from_millis(500), socket.recv_from(&mut buf)).await
    {
        answers.push(ProbeMatch::parse(&buf[..len]).unwrap());
    }
    answers
}

#[tokio::test]
async fn many_devices_get_their_own_address_mac_serial_and_port() {
    let fleet = devsim::start_many(
        config(Profile::Camera).with_sadp("127.0.0.1:0".parse().unwrap()),
        3,
    )
    .await
    .unwrap();
    let ips: Vec<String> = fleet
        .devices
        .iter()
        .map(|d| d.http_addr.ip().to_string())
        .collect();
    assert_eq!(ips, ["127.0.0.10", "127.0.0.11", "127.0.0.12"]);
    let macs: HashSet<&str> = fleet
        .devices
        .iter()
        .map(|d| d.identity.mac.as_str())
        .collect();
    let serials: HashSet<&str> = fleet
        .devices
        .iter()
        .map(|d| d.identity.serial.as_str())
        .collect();
    assert_eq!((macs.len(), serials.len()), (3, 3));
    for device in &fleet.devices {
        let body = get(device, "/SDK/activateStatus").await.body;
        assert!(ActivationStatus::from_xml(&body).unwrap().activated);
    }

    let answers = probe(fleet.sadp_addr.unwrap()).await;
    assert_eq!(answers.len(), 3);
    for device in &fleet.devices {
        let answer = answers
            .iter()
            .find(|a| a.mac.as_deref() == Some(device.identity.mac.as_str()))
            .unwrap();
        assert_eq!(
            answer.ipv4.map(std::net::IpAddr::V4),
            Some(device.http_addr.ip())
        );
        assert_eq!(answer.http_port, Some(device.http_addr.port()));
        assert_eq!(
            answer.serial.as_deref(),
            Some(device.identity.serial.as_str())
        );
    }
}

#[tokio::test]
async fn the_devsim_binary_runs_a_fleet_and_resets_one_over_http() {
    let mut child = ChildGuard(
        Command::new(env!("CARGO_BIN_EXE_devsim"))
            .args([
                "--profile",
                "nvr",
                "--count",
                "2",
                "--http",
                "127.0.0.1:0",
                "--sadp",
                "127.0.0.1:0",
                "--mailbox",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .take(5)
        .map(|l| l.unwrap())
        .collect();
    let urls: Vec<&str> = lines
        .iter()
        .filter(|l| l.contains("ISAPI on"))
        .map(|l| l.rsplit(' ').next().unwrap())
        .collect();
    assert_eq!(urls.len(), 2, "{lines:?}");
    assert!(urls[0].starts_with("http://127.0.0.10:"), "{urls:?}");
    assert!(urls[1].starts_with("http://127.0.0.11:"), "{urls:?}");
    let sadp: SocketAddr = lines[4].rsplit("udp://").next().unwrap().parse().unwrap();
    assert_eq!(probe(sadp).await.len(), 2);

    // The whole reset, over HTTP only: the binary's state is out of reach otherwise.
    let base = urls[1];
    let client = reqwest::Client::new();
    let qr = client
        .get(format!("{base}/ISAPI/Security/email/qrCode?format=json"))
        .send()
        .await
        .unwrap();
    assert_eq!(qr.status(), 200);
    let mailbox: serde_json::Value = client
        .get(format!("{base}/devsim/mailbox"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = mailbox["code"].as_str().unwrap();
    let body = EmailCertification {
        security_code: code.into(),
        reset_password: NEW_PASSWORD.into(),
    }
    .to_json(&DeviceProfile::default(), None)
    .unwrap();
    let reset = client
        .put(format!(
            "{base}/ISAPI/Security/emailCertification?format=json"
        ))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    let state: devsim::StateSnapshot = client
        .get(format!("{base}/devsim/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(state.password_changed);

    // And the new password logs in with the real hash scheme.
    let cap = client
        .get(format!(
            "{base}/ISAPI/Security/sessionLogin/capabilities?username=admin"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let cap = SessionLoginCap::from_xml(&cap).unwrap();
    let login = client
        .post(format!("{base}/ISAPI/Security/sessionLogin?timeStamp=1"))
        .body(SessionLogin::new(&cap, "admin", NEW_PASSWORD).to_xml())
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
}
