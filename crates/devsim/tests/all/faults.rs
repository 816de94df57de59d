//! Fault injection per endpoint, over real HTTP: each fault looks to a client as it would from
//! a misbehaving device, and clearing it restores the real answer.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::*;
use devsim::{Fault, Profile};
use protocol::isapi::{ActivationStatus, SecurityCap, StatusKind};
use std::time::{Duration, Instant};

const ACTIVATE: &str = "/SDK/activateStatus";

async fn set_fault(device: &devsim::Running, path: &str, fault: serde_json::Value) {
    let body = serde_json::json!({ path: fault }).to_string();
    let answer = post(device, "/devsim/faults", body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn a_delay_slows_the_answer_but_keeps_it() {
    let device = start(config(Profile::Nvr)).await;
    set_fault(
        &device,
        ACTIVATE,
        serde_json::json!({"kind": "delay", "ms": 400}),
    )
    .await;
    let started = Instant::now();
    let body = get(&device, ACTIVATE).await.body;
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert!(ActivationStatus::from_xml(&body).unwrap().activated);
}

#[tokio::test]
async fn garbage_is_not_even_text() {
    let device = start(config(Profile::Nvr)).await;
    set_fault(&device, ACTIVATE, serde_json::json!({"kind": "garbage"})).await;
    let bytes = reqwest::get(format!("{}{ACTIVATE}", device.url()))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(std::str::from_utf8(&bytes).is_err());
}

#[tokio::test]
async fn an_html_page_comes_instead_of_xml() {
    let device = start(config(Profile::Nvr)).await;
    set_fault(&device, ACTIVATE, serde_json::json!({"kind": "html"})).await;
    let answer = get(&device, ACTIVATE).await;
    assert_eq!(answer.status, 200);
    assert!(answer.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(ActivationStatus::from_xml(&answer.body).is_err());
}

#[tokio::test]
async fn a_truncated_body_does_not_parse() {
    let device = start(config(Profile::Nvr)).await;
    let path = "/ISAPI/Security/capabilities";
    let whole = get(&device, path).await.body;
    set_fault(&device, path, serde_json::json!({"kind": "truncated"})).await;
    let cut = get(&device, path).await.body;
    assert_eq!(cut.len(), whole.len() / 2);
    assert!(SecurityCap::from_xml(&cut).is_err());
}

#[tokio::test]
async fn a_reset_drops_the_connection_without_an_answer() {
    let device = start(config(Profile::Nvr)).await;
    set_fault(&device, ACTIVATE, serde_json::json!({"kind": "reset"})).await;
    let result = reqwest::get(format!("{}{ACTIVATE}", device.url())).await;
    assert!(result.is_err(), "{result:?}");
    // The rest of the device still answers.
    assert_eq!(
        get(&device, "/ISAPI/Security/capabilities").await.status,
        200
    );
}

#[tokio::test]
async fn a_dropped_answer_comes_after_the_device_acted_and_one_in_n_requests() {
    let device = start(config(Profile::Nvr)).await;
    let qr = "/ISAPI/Security/email/qrCode";
    set_fault(
        &device,
        qr,
        serde_json::json!({"kind": "dropAnswer", "every": 1}),
    )
    .await;
    let result = reqwest::get(format!("{}{qr}?format=json", device.url())).await;
    assert!(result.is_err(), "{result:?}");
    assert_eq!(
        device.state().qr_exports,
        1,
        "the device acted, then dropped"
    );

    let caps = "/ISAPI/Security/capabilities";
    set_fault(
        &device,
        caps,
        serde_json::json!({"kind": "dropAnswer", "every": 2}),
    )
    .await;
    let url = format!("{}{caps}?username=admin", device.url());
    let mut answered = Vec::new();
    for _ in 0..4 {
        // A new client each time, so every request comes on a new connection.
        answered.push(reqwest::Client::new().get(&url).send().await.is_ok());
    }
    assert_eq!(answered, [false, true, false, true]);
}

#[tokio::test]
async fn a_server_error_is_a_500_with_a_device_error_status() {
    let device = start(config(Profile::Nvr)).await;
    device.set_fault("/ISAPI/Security/email/qrCode", Fault::ServerError);
    let answer = get(&device, "/ISAPI/Security/email/qrCode?format=json").await;
    assert_eq!(answer.status, 500);
    assert_eq!(answer.status_body().kind(), StatusKind::DeviceError);
    assert_eq!(device.state().qr_exports, 0);
}

#[tokio::test]
async fn clearing_a_fault_restores_the_real_answer_and_controls_never_fail() {
    let device = start(config(Profile::Nvr)).await;
    set_fault(&device, ACTIVATE, serde_json::json!({"kind": "html"})).await;
    set_fault(
        &device,
        "/devsim/state",
        serde_json::json!({"kind": "reset"}),
    )
    .await;
    assert!(state(&device).await.faults.contains_key(ACTIVATE));
    set_fault(&device, ACTIVATE, serde_json::Value::Null).await;
    assert!(ActivationStatus::from_xml(&get(&device, ACTIVATE).await.body).is_ok());
    device.set_fault(ACTIVATE, Fault::Garbage);
    device.clear_faults();
    assert!(device.state().faults.is_empty());
}
