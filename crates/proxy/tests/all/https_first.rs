//! Secrets never in clear when the device offers TLS: HTTPS first (the port discovery heard, else
//! 443), no submission over plain HTTP to a device that announced HTTPS, the transport in every
//! envelope, and a device's certificate pinned across sessions by its serial and MAC.
#![allow(clippy::unwrap_used)]

use crate::support;

use protocol::isapi::paths;
use protocol::proxy_api::{DeviceTransport, Discovery};
use protocol::sadp::ProbeMatch;
use std::net::{Ipv4Addr, SocketAddr};
use support::{
    certification, config, devsim_on_port_443, get, prefix_of, start, Raw, RecordingDevice, Session,
};
use tokio::net::UdpSocket;

const NEW_PASSWORD: &str = "N3w-Passw0rd!x";

/// Asks the proxy for its device list until it lists `count` devices (a bounded number of tries).
async fn discovered(proxy: SocketAddr, count: usize) -> Discovery {
    for _ in 0..20 {
        let answer = get(proxy, "devices").await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let found: Discovery = serde_json::from_str(&answer.body).unwrap();
        if found.devices.len() >= count {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("discovery did not list {count} devices");
}

/// devsim serving HTTP and HTTPS (a free port each) and answering SADP, mailbox on.
async fn devsim_with_https() -> devsim::Running {
    let identity = devsim::DeviceIdentity::random(devsim::Profile::Camera);
    devsim::start(
        devsim::Config::loopback(identity)
            .with_https()
            .with_sadp("127.0.0.1:0".parse().unwrap())
            .with_mailbox(true),
    )
    .await
    .unwrap()
}

/// A proxy that may reach both of `device`'s ports and probes its SADP responder.
async fn proxy_for(device: &devsim::Running) -> SocketAddr {
    let mut config = config(&[device.http_addr, device.https_addr.unwrap()]);
    config.sadp_target = device.sadp_addr.unwrap();
    start(config).await
}

fn activate(device: SocketAddr) -> Raw {
    Raw::new(
        "GET",
        &format!("{}{}", prefix_of(device), paths::ACTIVATE_STATUS),
    )
}

fn qr_export(device: SocketAddr) -> Raw {
    Raw::new(
        "GET",
        &format!("{}{}?format=json", prefix_of(device), paths::EMAIL_QR_CODE),
    )
}

fn submit_code(device: SocketAddr, code: &str) -> Raw {
    Raw::new(
        "PUT",
        &format!(
            "{}{}?format=json",
            prefix_of(device),
            paths::EMAIL_CERTIFICATION
        ),
    )
    .body("application/json", certification(code, NEW_PASSWORD))
}

#[tokio::test]
async fn the_https_port_discovery_heard_is_used_from_the_first_call() {
    let device = devsim_with_https().await;
    let proxy = proxy_for(&device).await;
    let listed = discovered(proxy, 1).await;
    assert_eq!(
        listed.devices[0].https_port,
        Some(device.https_addr.unwrap().port())
    );

    // The wizard names the device by its HTTP address, as the device list gives it.
    let mut browser = Session::new(proxy);
    let first = browser.send(activate(device.http_addr)).await;
    assert_eq!(first.envelope().status, 200, "{}", first.body);
    assert_eq!(first.envelope().transport, Some(DeviceTransport::Https));

    let qr = browser.send(qr_export(device.http_addr)).await;
    assert_eq!(qr.envelope().transport, Some(DeviceTransport::Https));
    let code = device.mailbox_code().unwrap();
    let reset = browser.send(submit_code(device.http_addr, &code)).await;
    assert_eq!(reset.envelope().status, 200, "{}", reset.body);
    assert_eq!(reset.envelope().transport, Some(DeviceTransport::Https));
    assert!(device.state().password_changed);
}

#[tokio::test]
async fn a_device_offering_only_http_is_spoken_to_over_http_and_the_envelope_says_so() {
    let identity = devsim::DeviceIdentity::random(devsim::Profile::Camera);
    let device = devsim::start(
        devsim::Config::loopback(identity)
            .with_sadp("127.0.0.1:0".parse().unwrap())
            .with_mailbox(true),
    )
    .await
    .unwrap();
    let mut config = config(&[device.http_addr]);
    config.sadp_target = device.sadp_addr.unwrap();
    let proxy = start(config).await;
    assert_eq!(discovered(proxy, 1).await.devices[0].https_port, None);

    let mut browser = Session::new(proxy);
    let first = browser.send(activate(device.http_addr)).await;
    assert_eq!(first.envelope().transport, Some(DeviceTransport::Http));
    browser.send(qr_export(device.http_addr)).await;
    let code = device.mailbox_code().unwrap();
    let reset = browser.send(submit_code(device.http_addr, &code)).await;
    assert_eq!(reset.envelope().status, 200, "{}", reset.body);
    assert_eq!(reset.envelope().transport, Some(DeviceTransport::Http));
}

/// Answers every SADP probe with `answer`, from 127.0.0.1, as a device on loopback would.
async fn sadp_answering(answer: ProbeMatch) -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 2048];
        while let Ok((_, from)) = socket.recv_from(&mut buf).await {
            let _ = socket.send_to(answer.to_xml().as_bytes(), from).await;
        }
    });
    addr
}

/// A loopback port with nothing listening on it.
async fn closed_port() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

#[tokio::test]
async fn no_code_goes_in_clear_to_a_device_that_announced_https() {
    // The device's HTTP side records what reaches it; its announced HTTPS port is down (or an
    // attacker on the LAN blocks it to make the proxy fall back to plain HTTP).
    let http = RecordingDevice::ok().await;
    let https = closed_port().await;
    let sadp = sadp_answering(ProbeMatch {
        serial: Some("DS-2CD2143G2-I20240101AAWRF12345678".into()),
        mac: Some("44-19-b6-00-00-01".into()),
        ipv4: Some(Ipv4Addr::LOCALHOST),
        http_port: Some(http.addr.port()),
        https_port: Some(https.port()),
        ..ProbeMatch::default()
    })
    .await;
    let mut config = config(&[http.addr, https]);
    config.sadp_target = sadp;
    let proxy = start(config).await;
    discovered(proxy, 1).await;

    let mut browser = Session::new(proxy);
    // A read that changes nothing may still fall back to HTTP, and says it did.
    let read = browser.send(activate(http.addr)).await;
    assert_eq!(read.envelope().transport, Some(DeviceTransport::Http));
    let submitted = browser.send(submit_code(http.addr, "ABCD1234")).await;
    assert_eq!(
        (submitted.status, submitted.code().as_str()),
        (502, "device_unreachable"),
        "{}",
        submitted.body
    );
    let seen: Vec<String> = http
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path_and_query))
        .collect();
    assert_eq!(
        seen,
        [format!("GET {}", paths::ACTIVATE_STATUS)],
        "the code must never reach the device over plain HTTP"
    );
}

#[tokio::test]
async fn https_on_443_is_tried_first_when_discovery_knows_nothing() {
    let Some(device) = devsim_on_port_443(45).await else {
        eprintln!("skipped: binding port 443 needs root or CAP_NET_BIND_SERVICE");
        return;
    };
    let proxy = start(config(&[device.http_addr, device.https_addr.unwrap()])).await;
    let mut browser = Session::new(proxy);
    let first = browser.send(activate(device.http_addr)).await;
    assert_eq!(first.envelope().status, 200, "{}", first.body);
    assert_eq!(first.envelope().transport, Some(DeviceTransport::Https));
    browser.send(qr_export(device.http_addr)).await;
    let code = device.mailbox_code().unwrap();
    let reset = browser.send(submit_code(device.http_addr, &code)).await;
    assert_eq!(reset.envelope().transport, Some(DeviceTransport::Https));
    assert!(device.state().password_changed);
}

#[tokio::test]
async fn a_certificate_changed_since_an_earlier_session_is_refused() {
    let device = devsim_with_https().await;
    let proxy = proxy_for(&device).await;
    discovered(proxy, 1).await;

    let mut earlier = Session::new(proxy);
    let first = earlier.send(activate(device.http_addr)).await;
    assert_eq!(first.envelope().transport, Some(DeviceTransport::Https));
    earlier.send(qr_export(device.http_addr)).await;
    let code = device.mailbox_code().unwrap();

    // Someone else now answers for this serial and MAC with another certificate.
    device.replace_certificate().unwrap().unwrap();
    let mut later = Session::new(proxy);
    let changed = later.send(activate(device.http_addr)).await;
    assert_eq!(
        (changed.status, changed.code().as_str()),
        (502, "device_certificate_changed"),
        "{}",
        changed.body
    );
    let submitted = later.send(submit_code(device.http_addr, &code)).await;
    assert_eq!(submitted.code(), "device_certificate_changed");
    let state = device.state();
    assert!(
        !state.password_changed && state.failed_code_tries == 0,
        "{state:?}"
    );
}
