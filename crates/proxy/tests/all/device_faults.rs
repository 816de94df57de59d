//! A device that misbehaves (devsim's faults: garbage, an HTML page, a truncated answer, a reset
//! connection, an answer later than the proxy waits, an error page) gets the wizard an envelope or
//! one of the proxy's documented refusals, always as JSON and in bounded time, never a hang or a
//! bare 500; and the next call, once the device behaves, works again.
#![allow(clippy::unwrap_used)]

use crate::support;

use devsim::Fault;
use protocol::isapi::{paths, ActivationStatus, ResponseStatus, SecurityCap, StatusKind};
use protocol::proxy_api::Envelope;
use std::time::{Duration, Instant};
use support::{certification, config, devsim_of, prefix_of, start, Answer, Raw};

/// How long any answer may take here: the proxy's own limits are 2 s to connect, 3 s in all.
const BOUND: Duration = Duration::from_secs(5);

/// Sends `request` and checks the answer is JSON from the proxy, in time, and not a bare 500.
async fn ask(proxy: std::net::SocketAddr, request: Raw) -> Answer {
    let started = Instant::now();
    let answer = request.send(proxy).await;
    assert!(started.elapsed() < BOUND, "took {:?}", started.elapsed());
    assert_eq!(
        answer.header("content-type"),
        Some("application/json"),
        "{} {}",
        answer.status,
        answer.body
    );
    assert_ne!(answer.status, 500, "{}", answer.body);
    answer
}

/// The envelope of an answer that must be one.
fn envelope(answer: &Answer) -> Envelope {
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.envelope()
}

/// An NVR with its mailbox, and a proxy allowed to reach it.
async fn nvr_behind_proxy() -> (devsim::Running, std::net::SocketAddr) {
    let device = devsim_of(devsim::Profile::Nvr).await;
    let proxy = start(config(&[device.http_addr])).await;
    (device, proxy)
}

/// Checks the answer is the proxy's refusal for an unreadable device answer.
fn assert_bad_answer(answer: &Answer) {
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (502, "device_bad_answer"),
        "{}",
        answer.body
    );
}

/// The QR export, which makes the device mail a new code.
fn qr_export(device: &devsim::Running) -> Raw {
    Raw::new(
        "GET",
        &format!(
            "{}{}?format=json",
            prefix_of(device.http_addr),
            paths::EMAIL_QR_CODE
        ),
    )
}

/// The submission of `code` with a new password.
fn submission(device: &devsim::Running, code: &str) -> Raw {
    Raw::new(
        "PUT",
        &format!(
            "{}{}?format=json",
            prefix_of(device.http_addr),
            paths::EMAIL_CERTIFICATION
        ),
    )
    .body("application/json", certification(code, "Br1ght-F0rest#4"))
}

fn activate_status(device: &devsim::Running) -> Raw {
    Raw::new(
        "GET",
        &format!("{}{}", prefix_of(device.http_addr), paths::ACTIVATE_STATUS),
    )
}

fn capabilities(device: &devsim::Running) -> Raw {
    Raw::new(
        "GET",
        &format!(
            "{}{}?username=admin",
            prefix_of(device.http_addr),
            paths::SECURITY_CAPABILITIES
        ),
    )
}

/// After the fault is cleared, the same device answers through the same proxy.
async fn works_again(proxy: std::net::SocketAddr, device: &devsim::Running) {
    device.clear_faults();
    let answer = ask(proxy, activate_status(device)).await;
    assert!(
        ActivationStatus::from_xml(&envelope(&answer).body)
            .unwrap()
            .activated
    );
}

#[tokio::test]
async fn garbage_html_and_truncated_answers_come_back_as_envelopes_the_wizard_rejects() {
    let (device, proxy) = nvr_behind_proxy().await;
    for fault in [Fault::Garbage, Fault::Html, Fault::Truncated] {
        device.set_fault(paths::ACTIVATE_STATUS, fault);
        device.set_fault(paths::SECURITY_CAPABILITIES, fault);

        let answer = ask(proxy, activate_status(&device)).await;
        let activation = envelope(&answer);
        assert_eq!(activation.status, 200, "{fault:?}");
        assert!(
            ActivationStatus::from_xml(&activation.body).is_err(),
            "{fault:?} read as an activation status: {}",
            activation.body
        );
        let answer = ask(proxy, capabilities(&device)).await;
        let security = envelope(&answer);
        // protocol's lenient SecurityCap parser reads the login page as capabilities with
        // defaults (reported): only the envelope's content type tells the page apart.
        if fault != Fault::Html {
            assert!(
                SecurityCap::from_xml(&security.body).is_err(),
                "{fault:?} read as capabilities: {}",
                security.body
            );
        }
        if fault == Fault::Html {
            // The page travels as a JSON string, never as a page on the proxy's origin.
            assert!(activation
                .content_type
                .as_deref()
                .is_some_and(|t| t.starts_with("text/html")));
            assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
        }
        works_again(proxy, &device).await;
    }
}

#[tokio::test]
async fn a_device_error_page_comes_back_as_an_envelope_with_its_status() {
    let (device, proxy) = nvr_behind_proxy().await;
    device.set_fault(paths::ACTIVATE_STATUS, Fault::ServerError);
    let answer = ask(proxy, activate_status(&device)).await;
    let error = envelope(&answer);
    assert_eq!(error.status, 500);
    assert_eq!(
        ResponseStatus::parse(&error.body).unwrap().kind(),
        StatusKind::DeviceError
    );
    works_again(proxy, &device).await;
}

#[tokio::test]
async fn a_reset_connection_is_a_bad_answer() {
    let (device, proxy) = nvr_behind_proxy().await;
    device.set_fault(paths::ACTIVATE_STATUS, Fault::Reset);
    let answer = ask(proxy, activate_status(&device)).await;
    assert_bad_answer(&answer);
    works_again(proxy, &device).await;
}

#[tokio::test]
async fn a_device_slower_than_the_proxy_waits_is_a_timeout_not_a_hang() {
    let device = devsim_of(devsim::Profile::Nvr).await;
    let mut config = config(&[device.http_addr]);
    config.request_timeout = Duration::from_millis(500);
    let proxy = start(config).await;
    device.set_fault(paths::ACTIVATE_STATUS, Fault::Delay { ms: 3000 });
    let started = Instant::now();
    let answer = ask(proxy, activate_status(&device)).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (504, "device_timeout"),
        "{}",
        answer.body
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // A delay within the limit is only a delay.
    device.set_fault(paths::ACTIVATE_STATUS, Fault::Delay { ms: 100 });
    let answer = ask(proxy, activate_status(&device)).await;
    assert_eq!(envelope(&answer).status, 200);
    works_again(proxy, &device).await;
}

#[tokio::test]
async fn a_submission_lost_to_a_fault_can_be_made_again_once_the_device_behaves() {
    let (device, proxy) = nvr_behind_proxy().await;
    let qr = ask(proxy, qr_export(&device)).await;
    assert_eq!(envelope(&qr).status, 200);
    let code = device.mailbox_code().unwrap();
    let submit = || submission(&device, &code);
    // Both faults stop the answer before the device acts on the code.
    device.set_fault(paths::EMAIL_CERTIFICATION, Fault::Reset);
    let answer = ask(proxy, submit()).await;
    assert_bad_answer(&answer);
    device.set_fault(paths::EMAIL_CERTIFICATION, Fault::Garbage);
    let answer = ask(proxy, submit()).await;
    assert!(ResponseStatus::parse(&envelope(&answer).body).is_err());
    assert!(!device.state().password_changed);

    // Two unreadable answers used two of the three tries; the third goes through.
    device.clear_faults();
    let answer = ask(proxy, submit()).await;
    assert!(ResponseStatus::parse(&envelope(&answer).body)
        .unwrap()
        .is_ok());
    assert!(device.state().password_changed);
}

/// The proxy's own words, never the HTTP library's.
fn assert_plain(answer: &Answer) {
    let message = answer.message();
    for library in [
        "client error",
        "SendRequest",
        "hyper",
        "connection closed before message",
    ] {
        assert!(!message.contains(library), "library wording: {message}");
    }
    assert!(!message.is_empty(), "{}", answer.body);
}

#[tokio::test]
async fn a_safe_read_survives_a_device_that_drops_every_other_answer() {
    let (device, proxy) = nvr_behind_proxy().await;
    device.set_fault(paths::SECURITY_CAPABILITIES, Fault::DropAnswer { every: 2 });
    device.set_fault(paths::ACTIVATE_STATUS, Fault::DropAnswer { every: 2 });
    for _ in 0..3 {
        let answer = ask(proxy, capabilities(&device)).await;
        assert!(SecurityCap::from_xml(&envelope(&answer).body).is_ok());
        let answer = ask(proxy, activate_status(&device)).await;
        assert!(ActivationStatus::from_xml(&envelope(&answer).body).is_ok());
    }
}

#[tokio::test]
async fn a_read_the_device_never_answers_is_tried_three_times_then_told_plainly() {
    let (device, proxy) = nvr_behind_proxy().await;
    device.set_fault(paths::ACTIVATE_STATUS, Fault::DropAnswer { every: 1 });
    let answer = ask(proxy, activate_status(&device)).await;
    assert_bad_answer(&answer);
    assert_plain(&answer);
    works_again(proxy, &device).await;
}

#[tokio::test]
async fn a_dropped_qr_export_is_not_tried_again() {
    let (device, proxy) = nvr_behind_proxy().await;
    device.set_fault(paths::EMAIL_QR_CODE, Fault::DropAnswer { every: 2 });
    let answer = ask(proxy, qr_export(&device)).await;
    assert_bad_answer(&answer);
    assert_plain(&answer);
    assert_eq!(
        device.state().qr_exports,
        1,
        "the export must not be repeated"
    );
}

#[tokio::test]
async fn a_dropped_submission_is_not_tried_again() {
    let (device, proxy) = nvr_behind_proxy().await;
    let qr = ask(proxy, qr_export(&device)).await;
    assert_eq!(envelope(&qr).status, 200);
    device.set_fault(paths::EMAIL_CERTIFICATION, Fault::DropAnswer { every: 2 });
    let answer = ask(proxy, submission(&device, "WRONG1")).await;
    assert_eq!(answer.code(), "device_bad_answer", "{}", answer.body);
    assert_plain(&answer);
    assert_eq!(
        device.state().failed_code_tries,
        1,
        "sent once, never again"
    );
}
