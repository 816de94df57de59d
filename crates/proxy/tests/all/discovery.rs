//! Discovery over real UDP on loopback: several simulated devices, answers de-duplicated by MAC,
//! the first list within 1.5 s, and the cache answering at once afterwards.
#![allow(clippy::unwrap_used)]

use crate::support;

use protocol::proxy_api::Discovery;
use protocol::sadp::ProbeMatch;
use std::time::{Duration, Instant};
use support::{config, get, prefix_of, start, Raw};

async fn device() -> devsim::Running {
    let identity = devsim::DeviceIdentity::random(devsim::Profile::Camera);
    devsim::start(devsim::Config::loopback(identity).with_sadp("127.0.0.1:0".parse().unwrap()))
        .await
        .unwrap()
}

async fn discover(proxy: std::net::SocketAddr, query: &str) -> (Discovery, Duration) {
    let started = Instant::now();
    let answer = get(proxy, &format!("devices{query}")).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    (
        serde_json::from_str(&answer.body).unwrap(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn several_devices_are_listed_once_each_within_a_second_and_a_half() {
    let devices = [device().await, device().await, device().await];
    let sadp: Vec<_> = devices.iter().map(|d| d.sadp_addr.unwrap()).collect();
    let mut config = config(&[]);
    config.sadp_target = sadp[0];
    // The first device is probed twice over: it must still be listed once.
    config.extra_sadp_targets = vec![sadp[1], sadp[2], sadp[0]];
    let proxy = start(config).await;

    let (found, took) = discover(proxy, "").await;
    assert!(took < Duration::from_millis(1500), "took {took:?}");
    let mut serials: Vec<_> = found
        .devices
        .iter()
        .map(|d| d.serial.clone().unwrap())
        .collect();
    serials.sort();
    let mut expected: Vec<_> = devices.iter().map(|d| d.identity.serial.clone()).collect();
    expected.sort();
    assert_eq!(serials, expected);
    for listed in &found.devices {
        assert!(listed.mac.is_some() && listed.model.is_some() && listed.firmware.is_some());
    }

    // The cache answers at once while the scan goes on, then a refresh scans again.
    let (cached, took) = discover(proxy, "").await;
    assert!(took < Duration::from_millis(300), "took {took:?}");
    assert_eq!(cached.devices.len(), 3);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (idle, _) = discover(proxy, "").await;
    assert!(!idle.scanning);
    assert_eq!(idle.devices.len(), 3);
    let (refreshed, _) = discover(proxy, "?refresh=1").await;
    assert_eq!(refreshed.devices.len(), 3);
}

#[tokio::test]
async fn devices_unseen_for_the_forget_time_are_dropped() {
    let gone = device().await;
    let mut config = config(&[]);
    config.sadp_target = gone.sadp_addr.unwrap();
    config.discovery_duration = Duration::from_millis(300);
    config.discovery_refresh = Duration::from_millis(400);
    config.discovery_forget = Duration::from_millis(800);
    let proxy = start(config).await;
    assert_eq!(discover(proxy, "").await.0.devices.len(), 1);
    drop(gone);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (after, _) = discover(proxy, "").await;
    assert!(after.devices.is_empty(), "{:?}", after.devices);
}

#[tokio::test]
async fn a_fleet_behind_one_sadp_socket_is_listed_once_each_with_its_serial_and_port() {
    let identity = devsim::DeviceIdentity::random(devsim::Profile::Camera);
    let sadp = "127.0.0.1:0".parse().unwrap();
    let fleet = devsim::start_many(devsim::Config::loopback(identity).with_sadp(sadp), 3)
        .await
        .unwrap();
    let (allowed, not_allowed) = (&fleet.devices[..2], &fleet.devices[2]);
    // Only the devices calls are forwarded to are allowed: listing needs no permission.
    let allowed_addrs: Vec<_> = allowed.iter().map(|d| d.http_addr).collect();
    let mut config = config(&allowed_addrs);
    config.sadp_target = fleet.sadp_addr.unwrap();
    let proxy = start(config).await;

    let (found, took) = discover(proxy, "").await;
    assert!(took < Duration::from_millis(1500), "took {took:?}");
    assert_eq!(
        found.devices.len(),
        fleet.devices.len(),
        "{:?}",
        found.devices
    );
    for device in &fleet.devices {
        let listed: Vec<_> = found
            .devices
            .iter()
            .filter(|d| d.serial.as_deref() == Some(device.identity.serial.as_str()))
            .collect();
        assert_eq!(
            listed.len(),
            1,
            "{} listed {} times",
            device.identity.serial,
            listed.len()
        );
        let listed = listed[0];
        assert_eq!(
            listed.ipv4.map(std::net::IpAddr::V4),
            Some(device.http_addr.ip())
        );
        assert_eq!(listed.http_port, Some(device.http_addr.port()));
        assert!(listed
            .mac
            .as_deref()
            .is_some_and(|mac| mac.eq_ignore_ascii_case(&device.identity.mac)));
    }

    // The listed address and port are where the device answers, when forwarding is allowed.
    for device in allowed {
        let answer = Raw::new(
            "GET",
            &format!("{}/SDK/activateStatus", prefix_of(device.http_addr)),
        )
        .send(proxy)
        .await;
        assert_eq!(answer.envelope().status, 200, "{}", answer.body);
    }
    let refused = Raw::new(
        "GET",
        &format!("{}/SDK/activateStatus", prefix_of(not_allowed.http_addr)),
    )
    .send(proxy)
    .await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (403, "target_not_allowed")
    );
}

/// Answers every probe with each of `answers`, from 127.0.0.1.
async fn sadp_answering(answers: Vec<ProbeMatch>) -> std::net::SocketAddr {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 2048];
        while let Ok((_, from)) = socket.recv_from(&mut buf).await {
            for answer in &answers {
                let _ = socket.send_to(answer.to_xml().as_bytes(), from).await;
            }
        }
    });
    addr
}

fn answer(serial: &str, ipv4: [u8; 4]) -> ProbeMatch {
    ProbeMatch {
        serial: Some(serial.into()),
        mac: Some(format!("44-19-b6-00-00-{:02x}", ipv4[3])),
        ipv4: Some(ipv4.into()),
        http_port: Some(80),
        ..ProbeMatch::default()
    }
}

#[tokio::test]
async fn only_answers_from_the_address_they_give_are_listed() {
    let mut overlong = answer("OVERLONG", [127, 0, 0, 1]);
    overlong.mac = Some("44-19-b6-00-00-ff".into());
    overlong.model = Some("M".repeat(reset_proxy::discovery::MAX_FIELD + 1));
    let sadp = sadp_answering(vec![
        // Sent from 127.0.0.1 and saying so: a device.
        answer("HONEST", [127, 0, 0, 1]),
        // Sent from 127.0.0.1 for someone else's address, on the subnet or beyond it.
        answer("IMPOSTOR", [127, 0, 0, 5]),
        answer("ELSEWHERE", [192, 168, 1, 64]),
        overlong,
    ])
    .await;
    let mut config = config(&[]);
    config.sadp_target = sadp;
    config.discovery_duration = Duration::from_millis(500);
    let proxy = start(config).await;
    discover(proxy, "").await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let (found, _) = discover(proxy, "").await;
    let serials: Vec<_> = found
        .devices
        .iter()
        .filter_map(|d| d.serial.clone())
        .collect();
    assert_eq!(serials, ["HONEST"]);
}

#[tokio::test]
async fn with_after_the_list_comes_as_soon_as_a_new_device_answers() {
    let first = device().await;
    let mut config = config(&[]);
    config.sadp_target = first.sadp_addr.unwrap();
    // A first-answers window far longer than the scan: only `after` can answer before the end.
    // The scan is long enough that even a starved test process sees its first answer inside it.
    config.discovery_window = Duration::from_secs(60);
    config.discovery_duration = Duration::from_secs(6);
    let proxy = start(config).await;

    let (early, _) = discover(proxy, "?after=0").await;
    assert_eq!(early.devices.len(), 1);
    assert!(early.scanning, "answered while the scan still runs");
    // Nothing more answers: the next ask returns when the scan ends, with the same device.
    let (end, _) = discover(proxy, "?after=1").await;
    assert!(!end.scanning);
    assert_eq!(end.devices.len(), 1);
    assert_eq!(end.devices[0].serial, early.devices[0].serial);
}
