//! Discovery over real UDP on loopback: several simulated devices, answers de-duplicated by MAC,
//! the first list within 1.5 s, and the cache answering at once afterwards.
#![allow(clippy::unwrap_used)]

mod support;

use protocol::proxy_api::Discovery;
use std::time::{Duration, Instant};
use support::{config, get, start};

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
