//! reset-proxy over real sockets on loopback, forwarding to a real devsim.
#![allow(clippy::unwrap_used)]

use protocol::isapi::{ActivationStatus, ExternCapabilities, SecurityCap};
use protocol::proxy_api::{Discovery, Envelope, ProxyError, API_HEADER};
use reset_proxy::{Bound, Config};
use std::net::SocketAddr;
use std::time::Duration;

async fn device() -> devsim::Running {
    let identity = devsim::DeviceIdentity::random(devsim::Profile::Nvr);
    devsim::start(devsim::Config::loopback(identity).with_sadp("127.0.0.1:0".parse().unwrap()))
        .await
        .unwrap()
}

async fn proxy(devices: &[SocketAddr], sadp: SocketAddr) -> SocketAddr {
    let mut config = Config::new("127.0.0.1:0".parse().unwrap(), sadp);
    config.extra_devices = devices.to_vec();
    config.connect_timeout = Duration::from_secs(2);
    let bound = Bound::bind(config).await.unwrap();
    let addr = bound.local_addr().unwrap();
    tokio::spawn(bound.serve(std::future::pending()));
    addr
}

async fn api(proxy: SocketAddr, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("http://{proxy}/api/v1/{path}"))
        .header(API_HEADER, "1")
        .send()
        .await
        .unwrap()
}

async fn refusal(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: ProxyError = response.json().await.unwrap();
    (status, body.error.code)
}

#[tokio::test]
async fn forwards_the_three_first_calls_in_an_envelope() {
    let device = device().await;
    let proxy = proxy(&[device.http_addr], device.sadp_addr.unwrap()).await;
    let (ip, port) = (device.http_addr.ip(), device.http_addr.port());

    let envelope: Envelope = api(proxy, &format!("devices/{ip}/{port}/SDK/activateStatus"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(envelope.status, 200);
    assert!(
        ActivationStatus::from_xml(&envelope.body)
            .unwrap()
            .activated
    );

    let envelope: Envelope = api(
        proxy,
        &format!("devices/{ip}/{port}/ISAPI/Security/capabilities?username=admin"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        SecurityCap::from_xml(&envelope.body)
            .unwrap()
            .password_length
            .max,
        16
    );

    let response = api(
        proxy,
        &format!("devices/{ip}/{port}/ISAPI/Security/extern/capabilities"),
    )
    .await;
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let envelope: Envelope = response.json().await.unwrap();
    assert!(
        ExternCapabilities::from_xml(&envelope.body)
            .unwrap()
            .security_email
    );
}

#[tokio::test]
async fn an_api_call_without_the_wizard_header_is_refused() {
    let device = device().await;
    let proxy = proxy(&[device.http_addr], device.sadp_addr.unwrap()).await;
    let url = format!(
        "http://{proxy}/api/v1/devices/{}/{}/SDK/activateStatus",
        device.http_addr.ip(),
        device.http_addr.port()
    );
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(refusal(response).await, (403, "missing_header".to_string()));
}

#[tokio::test]
async fn loopback_devices_not_allowed_explicitly_are_refused_without_connecting() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let victim = listener.local_addr().unwrap();
    let proxy = proxy(&[], "127.0.0.1:9".parse().unwrap()).await;
    let response = api(
        proxy,
        &format!("devices/127.0.0.1/{}/SDK/activateStatus", victim.port()),
    )
    .await;
    assert_eq!(
        refusal(response).await,
        (403, "target_not_allowed".to_string())
    );
    let accepted = tokio::time::timeout(Duration::from_millis(300), listener.accept()).await;
    assert!(accepted.is_err(), "the proxy connected to a refused target");
}

#[tokio::test]
async fn calls_outside_the_allow_list_are_refused() {
    let device = device().await;
    let proxy = proxy(&[device.http_addr], device.sadp_addr.unwrap()).await;
    let (ip, port) = (device.http_addr.ip(), device.http_addr.port());
    for path in [
        "ISAPI/System/deviceInfo",
        "ISAPI/Security/users",
        "SDK/activateStatus?format=xml",
        "ISAPI/Security/capabilities?username=admin&debug=1",
    ] {
        let response = api(proxy, &format!("devices/{ip}/{port}/{path}")).await;
        assert_eq!(
            refusal(response).await,
            (403, "call_not_allowed".to_string()),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_device_that_does_not_listen_is_reported_unreachable() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let proxy = proxy(&[closed], "127.0.0.1:9".parse().unwrap()).await;
    let response = api(
        proxy,
        &format!("devices/127.0.0.1/{}/SDK/activateStatus", closed.port()),
    )
    .await;
    assert_eq!(
        refusal(response).await,
        (502, "device_unreachable".to_string())
    );
}

#[tokio::test]
async fn discovery_lists_the_simulated_device() {
    let device = device().await;
    let proxy = proxy(&[device.http_addr], device.sadp_addr.unwrap()).await;
    let found: Discovery = api(proxy, "devices").await.json().await.unwrap();
    assert_eq!(found.devices.len(), 1);
    assert_eq!(
        found.devices[0].serial.as_deref(),
        Some(device.identity.serial.as_str())
    );
    assert_eq!(found.devices[0].http_port, Some(device.http_addr.port()));
}
