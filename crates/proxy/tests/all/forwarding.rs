//! reset-proxy over real sockets on loopback, forwarding to devsim and to a recording stand-in.
#![allow(clippy::unwrap_used)]

use crate::support;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use base64::Engine as _;
use protocol::field_crypto::{FieldCipher, FieldKey, FieldProtection};
use protocol::isapi::{
    paths, ActivationStatus, ExternCapabilities, QrCode, ResponseStatus, SecurityCap, SubStatus,
};
use protocol::isapi::{
    GuidFile, GuidFileExport, GuidFileReset, QuestionAnswer, SetEmailParameter, SetQuestions,
    SyncIpcPassword, SyncIpcResult,
};
use protocol::login::{SessionLogin, SessionLoginCap};
use protocol::profile::DeviceProfile;
use protocol::proxy_api::{Discovery, Envelope};
use reset_proxy::allow_list::{AllowList, BodyKind};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{
    certification, config, devsim_of, get, prefix_of, start, Raw, RecordingDevice, Session,
    Tripwire,
};

async fn device() -> devsim::Running {
    let identity = devsim::DeviceIdentity::random(devsim::Profile::Nvr);
    devsim::start(devsim::Config::loopback(identity).with_sadp("127.0.0.1:0".parse().unwrap()))
        .await
        .unwrap()
}

#[tokio::test]
async fn forwards_the_three_first_calls_in_an_envelope() {
    let device = device().await;
    let mut config = config(&[device.http_addr]);
    config.sadp_target = device.sadp_addr.unwrap();
    let proxy = start(config).await;
    let (ip, port) = (device.http_addr.ip(), device.http_addr.port());

    let envelope = get(proxy, &format!("devices/{ip}/{port}/SDK/activateStatus"))
        .await
        .envelope();
    assert_eq!(envelope.status, 200);
    assert!(
        ActivationStatus::from_xml(&envelope.body)
            .unwrap()
            .activated
    );

    let envelope = get(
        proxy,
        &format!("devices/{ip}/{port}/ISAPI/Security/capabilities?username=admin"),
    )
    .await
    .envelope();
    assert_eq!(
        SecurityCap::from_xml(&envelope.body)
            .unwrap()
            .password_length
            .max,
        16
    );

    let answer = get(
        proxy,
        &format!("devices/{ip}/{port}/ISAPI/Security/extern/capabilities"),
    )
    .await;
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert!(
        ExternCapabilities::from_xml(&answer.envelope().body)
            .unwrap()
            .security_email
    );
}

/// An example query for each allowed key.
fn example_query(keys: &[&str]) -> String {
    keys.iter()
        .map(|key| match *key {
            "username" => "username=admin".to_string(),
            "format" => "format=json".to_string(),
            "timeStamp" => "timeStamp=1712345678901".to_string(),
            "security" => "security=1".to_string(),
            "iv" => "iv=0123456789abcdef0123456789abcdef".to_string(),
            other => format!("{other}=1"),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn every_allow_listed_call_reaches_the_device_exactly_as_the_wizard_sent_it() {
    let device = RecordingDevice::start(Arc::new(|seen| {
        (
            StatusCode::OK,
            [("content-type", "application/json")],
            format!("{{\"echo\":\"{} {}\"}}", seen.method, seen.path_and_query),
        )
            .into_response()
    }))
    .await;
    let proxy = start(config(&[device.addr])).await;
    // The logged-in writes are refused before a login (tested apart): every other call here.
    let calls: Vec<_> = AllowList::default()
        .calls()
        .iter()
        .filter(|call| !call.needs_login)
        .cloned()
        .collect();
    for call in &calls {
        let query = example_query(call.query_keys);
        let path_and_query = if query.is_empty() {
            call.path.to_string()
        } else {
            format!("{}?{query}", call.path)
        };
        let mut request = Raw::new(
            call.method.as_str(),
            &format!("{}{path_and_query}", device.prefix()),
        );
        if call.body == BodyKind::Document {
            request = request.body("application/json", r#"{"EmailCertification":{}}"#);
        }
        let answer = request.send(proxy).await;
        assert_eq!(answer.status, 200, "{path_and_query}: {}", answer.body);
        let envelope = answer.envelope();
        assert_eq!(
            envelope.body,
            format!("{{\"echo\":\"{} {path_and_query}\"}}", call.method)
        );
        let seen = device.requests().pop().unwrap();
        assert_eq!(seen.method, call.method);
        assert_eq!(seen.path_and_query, path_and_query);
        if call.body == BodyKind::Document {
            assert_eq!(&seen.body[..], br#"{"EmailCertification":{}}"#);
            assert_eq!(seen.headers["content-type"], "application/json");
        }
    }
    assert_eq!(device.requests().len(), calls.len());
}

#[tokio::test]
async fn device_cookies_stay_in_the_proxy_and_browser_headers_never_reach_the_device() {
    let device = RecordingDevice::start(Arc::new(|_| {
        (
            StatusCode::OK,
            [
                ("content-type", "application/xml"),
                (
                    "set-cookie",
                    "WebSession_abc=device-secret; Path=/; HttpOnly",
                ),
            ],
            "<ok/>",
        )
            .into_response()
    }))
    .await;
    let proxy = start(config(&[device.addr])).await;
    let target = format!("{}{}", device.prefix(), paths::ACTIVATE_STATUS);

    let first = Raw::new("GET", &target)
        .header("cookie", "browser_cookie=1")
        .header("authorization", "Basic YWRtaW46c2VjcmV0")
        .header("x-forwarded-for", "10.0.0.1")
        .header("user-agent", "tracker")
        .send(proxy)
        .await;
    assert_eq!(first.status, 200);
    let cookies = first.headers_named("set-cookie");
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(cookies[0].starts_with("reset_session="), "{cookies:?}");
    assert!(cookies[0].contains("HttpOnly; SameSite=Strict"));
    assert!(!first.body.contains("device-secret"));
    let session = cookies[0].split(';').next().unwrap().to_string();

    let seen = device.requests().pop().unwrap();
    for header in [
        "cookie",
        "authorization",
        "x-forwarded-for",
        "user-agent",
        "x-reset-wizard",
    ] {
        assert!(!seen.headers.contains_key(header), "{header} was passed on");
    }

    // The same session gets the device's cookie sent back; another session does not.
    Raw::new("GET", &target)
        .header("cookie", &session)
        .send(proxy)
        .await;
    let seen = device.requests().pop().unwrap();
    assert_eq!(seen.headers["cookie"], "WebSession_abc=device-secret");
    Raw::new("GET", &target).send(proxy).await;
    assert!(!device
        .requests()
        .pop()
        .unwrap()
        .headers
        .contains_key("cookie"));
}

#[tokio::test]
async fn a_device_flooding_cookies_gets_back_only_a_few_short_ones() {
    let device = RecordingDevice::start(Arc::new(|seen| {
        let mut response = (
            StatusCode::OK,
            [("content-type", "application/xml")],
            "<ok/>",
        )
            .into_response();
        if seen.headers.contains_key("cookie") {
            return response;
        }
        let headers = response.headers_mut();
        headers.append(
            "set-cookie",
            format!("huge={}; Path=/", "h".repeat(8000))
                .parse()
                .unwrap(),
        );
        for n in 0..60 {
            headers.append("set-cookie", format!("c{n}=v{n}; Path=/").parse().unwrap());
        }
        response
    }))
    .await;
    let proxy = start(config(&[device.addr])).await;
    let mut browser = Session::new(proxy);
    let target = format!("{}{}", device.prefix(), paths::ACTIVATE_STATUS);
    browser.send(Raw::new("GET", &target)).await;
    browser.send(Raw::new("GET", &target)).await;

    let seen = device.requests().pop().unwrap();
    let sent = seen.headers["cookie"].to_str().unwrap().to_string();
    assert!(!sent.contains("huge="), "an overlong cookie was kept");
    let count = sent.split("; ").count();
    assert!(
        (1..=8).contains(&count),
        "{count} cookies sent back: {sent}"
    );
}

#[tokio::test]
async fn redirects_are_handed_back_not_followed() {
    let elsewhere = Tripwire::on("127.0.0.1").await;
    let location = format!("http://{}/ISAPI/System/reboot", elsewhere.addr);
    let device = RecordingDevice::start(Arc::new(move |_| {
        (StatusCode::FOUND, [("location", location.clone())], "").into_response()
    }))
    .await;
    let proxy = start(config(&[device.addr, elsewhere.addr])).await;
    let answer = Raw::new(
        "GET",
        &format!("{}{}", device.prefix(), paths::ACTIVATE_STATUS),
    )
    .send(proxy)
    .await;
    assert_eq!(answer.envelope().status, 302);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(elsewhere.hits(), 0);
}

#[tokio::test]
async fn bodies_are_capped_both_ways() {
    let device = RecordingDevice::start(Arc::new(|_| "x".repeat(200 * 1024).into_response())).await;
    let proxy = start(config(&[device.addr])).await;
    let answer = Raw::new(
        "GET",
        &format!("{}{}", device.prefix(), paths::ACTIVATE_STATUS),
    )
    .send(proxy)
    .await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (502, "device_answer_too_large")
    );

    let big = format!("{{\"a\":\"{}\"}}", "y".repeat(100 * 1024));
    let answer = Raw::new(
        "PUT",
        &format!(
            "{}{}?format=json",
            device.prefix(),
            paths::EMAIL_CERTIFICATION
        ),
    )
    .body("application/json", big)
    .send(proxy)
    .await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (413, "request_too_large")
    );
    assert_eq!(
        device.requests().len(),
        1,
        "the oversized body was forwarded"
    );
}

#[tokio::test]
async fn a_body_must_be_xml_or_json_and_only_where_the_call_takes_one() {
    let device = RecordingDevice::ok().await;
    let proxy = start(config(&[device.addr])).await;
    let put = format!(
        "{}{}?format=json",
        device.prefix(),
        paths::EMAIL_CERTIFICATION
    );
    let answer = Raw::new("PUT", &put)
        .body("text/html", "<script>alert(1)</script>")
        .send(proxy)
        .await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (400, "bad_request_body")
    );
    let get = format!("{}{}", device.prefix(), paths::ACTIVATE_STATUS);
    let answer = Raw::new("GET", &get)
        .body("application/json", "{}")
        .send(proxy)
        .await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (400, "bad_request_body")
    );
    assert!(device.requests().is_empty());
}

#[tokio::test]
async fn a_device_that_never_answers_times_out() {
    // Accepts connections and never says a word.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            open.push(stream);
        }
    });
    let mut config = config(&[silent]);
    config.request_timeout = Duration::from_millis(500);
    let proxy = start(config).await;
    let started = Instant::now();
    let answer = Raw::new(
        "GET",
        &format!(
            "/api/v1/devices/127.0.0.1/{}{}",
            silent.port(),
            paths::ACTIVATE_STATUS
        ),
    )
    .send(proxy)
    .await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (504, "device_timeout")
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn ten_wrong_codes_sent_at_once_reach_the_device_at_most_three_times() {
    let device = RecordingDevice::start(Arc::new(|_| {
        (
            StatusCode::BAD_REQUEST,
            [("content-type", "application/json")],
            r#"{"statusCode":6,"subStatusCode":"verificationCodeError"}"#,
        )
            .into_response()
    }))
    .await;
    let proxy = start(config(&[device.addr])).await;
    let put = format!(
        "{}{}?format=json",
        device.prefix(),
        paths::EMAIL_CERTIFICATION
    );
    let attempts = (0..10).map(|i| {
        let request = Raw::new("PUT", &put).body(
            "application/json",
            format!(
                r#"{{"EmailCertification":{{"securityCode":"00000{i}","resetPassword":"Passw0rd!x"}}}}"#
            ),
        );
        tokio::spawn(async move { request.send(proxy).await })
    });
    let mut limited = 0;
    for attempt in attempts {
        let answer = attempt.await.unwrap();
        if answer.status == 429 {
            limited += 1;
            assert_eq!(answer.code(), "too_many_attempts");
            let wait: u64 = answer.header("retry-after").unwrap().parse().unwrap();
            assert!(wait > 0);
        }
    }
    assert_eq!(device.requests().len(), 3);
    assert_eq!(limited, 7);
}

#[tokio::test]
async fn reads_are_not_limited_and_accepted_submissions_are_not_counted() {
    let device = RecordingDevice::ok().await;
    let proxy = start(config(&[device.addr])).await;
    for _ in 0..10 {
        let answer = Raw::new(
            "POST",
            &format!("{}{}?timeStamp=1", device.prefix(), paths::SESSION_LOGIN),
        )
        .body("application/xml", "<SessionLogin/>")
        .send(proxy)
        .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
}

#[tokio::test]
async fn a_device_that_does_not_listen_is_reported_unreachable() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let proxy = start(config(&[closed])).await;
    let answer = get(
        proxy,
        &format!("devices/127.0.0.1/{}/SDK/activateStatus", closed.port()),
    )
    .await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (502, "device_unreachable")
    );
    // In the proxy's words, not the operating system's.
    let message = answer.message();
    assert!(
        message.contains("nothing accepts connections") && !message.contains("os error"),
        "{message}"
    );
}

#[tokio::test]
async fn discovery_lists_the_simulated_device() {
    let device = device().await;
    let mut config = config(&[device.http_addr]);
    config.sadp_target = device.sadp_addr.unwrap();
    let proxy = start(config).await;
    let started = Instant::now();
    let found: Discovery = serde_json::from_str(&get(proxy, "devices").await.body).unwrap();
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_eq!(found.devices.len(), 1);
    assert_eq!(
        found.devices[0].serial.as_deref(),
        Some(device.identity.serial.as_str())
    );
    assert_eq!(found.devices[0].http_port, Some(device.http_addr.port()));
}

#[tokio::test]
async fn health_reports_the_versions() {
    let proxy = start(config(&[])).await;
    let answer = get(proxy, "health").await;
    let health: protocol::proxy_api::Health = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(health.api, protocol::proxy_api::API_VERSION);
    assert_eq!(health.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(answer.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn the_wizard_is_told_the_device_profile_the_helper_runs_with() {
    let proxy = start(config(&[])).await;
    let answer = get(proxy, "device-profile").await;
    let profile = protocol::profile::DeviceProfile::from_json(&answer.body).unwrap();
    assert_eq!(profile, protocol::profile::DeviceProfile::default());

    let mut corrected = config(&[]);
    corrected.device_profile = protocol::profile::DeviceProfile::security1_before_login();
    let proxy = start(corrected).await;
    let answer = get(proxy, "device-profile").await;
    let profile = protocol::profile::DeviceProfile::from_json(&answer.body).unwrap();
    assert_eq!(
        profile.email_certification_secrets,
        protocol::profile::SecretFieldScheme::Security1
    );
}

#[tokio::test]
async fn the_demo_mailbox_exists_only_in_the_demo() {
    let mut demo = config(&[]);
    demo.demo = true;
    demo.demo_mailbox = Some(reset_proxy::DemoMailbox(Arc::new(|| {
        Some("ABC123".to_string())
    })));
    let mut not_demo = demo.clone();
    not_demo.demo = false;
    let demo = start(demo).await;
    let not_demo = start(not_demo).await;
    assert_eq!(get(demo, "demo/mailbox").await.body, r#"{"code":"ABC123"}"#);
    let answer = get(not_demo, "demo/mailbox").await;
    assert_eq!((answer.status, answer.code().as_str()), (404, "not_found"));
}

#[tokio::test]
async fn the_demo_secrets_are_the_simulated_owners_and_only_in_the_demo() {
    let device = devsim_of(devsim::Profile::Nvr).await;
    let mut demo = config(&[device.http_addr]);
    demo.demo = true;
    demo.demo_secrets = Some(reset_proxy::DemoSecrets(Arc::new(device.secrets_reader())));
    let mut not_demo = demo.clone();
    not_demo.demo = false;
    let demo = start(demo).await;
    let not_demo = start(not_demo).await;
    let answer = get(demo, "demo/secrets").await;
    let secrets: protocol::proxy_api::DemoSecrets = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(Some(secrets.answers), device.question_answers());
    let file = base64::engine::general_purpose::STANDARD
        .decode(secrets.guid_file.unwrap())
        .unwrap();
    assert_eq!(file, device.guid_file().into_bytes());
    let answer = get(not_demo, "demo/secrets").await;
    assert_eq!((answer.status, answer.code().as_str()), (404, "not_found"));
}

/// The wizard's side of a reset against one device, remembering which calls it made.
struct Wizard {
    browser: Session,
    prefix: String,
    called: BTreeSet<(String, String)>,
}

impl Wizard {
    fn new(proxy: SocketAddr, device: SocketAddr) -> Self {
        Wizard {
            browser: Session::new(proxy),
            prefix: prefix_of(device),
            called: BTreeSet::new(),
        }
    }

    /// One forwarded call; the proxy must answer it with an envelope.
    async fn call(&mut self, request: Raw) -> Envelope {
        let path = request.target.split('?').next().unwrap().to_string();
        self.called.insert((request.method.clone(), path));
        let answer = self.browser.send(request).await;
        assert_eq!(answer.status, 200, "{} {}", answer.status, answer.body);
        assert_eq!(answer.header("content-type"), Some("application/json"));
        answer.envelope()
    }

    fn get(&self, path_and_query: &str) -> Raw {
        Raw::new("GET", &format!("{}{path_and_query}", self.prefix))
    }

    fn with_body(&self, method: &str, path_and_query: &str, kind: &str, body: String) -> Raw {
        Raw::new(method, &format!("{}{path_and_query}", self.prefix)).body(kind, body)
    }
}

/// A body the protocol types read as a device's refusal, or nothing.
fn refusal(envelope: &Envelope) -> Option<ResponseStatus> {
    ResponseStatus::parse(&envelope.body)
        .ok()
        .filter(|status| !status.is_ok())
}

#[tokio::test]
async fn every_allow_listed_call_is_answered_by_devsim_in_an_envelope_protocol_reads() {
    const NEW: &str = "Lant3rn-Qu4y#19";
    let device = devsim_of(devsim::Profile::Nvr).await;
    let proxy = start(config(&[device.http_addr])).await;
    let details = DeviceProfile::default();
    let mut wizard = Wizard::new(proxy, device.http_addr);

    // What the device is and which resets it offers.
    let answer = wizard.call(wizard.get(paths::ACTIVATE_STATUS)).await;
    assert!(ActivationStatus::from_xml(&answer.body).unwrap().activated);
    let answer = wizard
        .call(wizard.get(&format!("{}?username=admin", paths::SECURITY_CAPABILITIES)))
        .await;
    let security = SecurityCap::from_xml(&answer.body).unwrap();
    assert!(security.supports_security_email);
    let answer = wizard.call(wizard.get(paths::EXTERN_CAPABILITIES)).await;
    assert!(
        ExternCapabilities::from_xml(&answer.body)
            .unwrap()
            .security_email
    );
    // protocol has no type for the e-mail settings (the wizard reads nothing from them): JSON
    // that is no refusal is what the wizard needs.
    for path in [paths::EMAIL_PARAMETER_CAPABILITIES, paths::EMAIL_PARAMETER] {
        let answer = wizard
            .call(wizard.get(&format!("{path}?format=json")))
            .await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        serde_json::from_str::<serde_json::Value>(&answer.body).unwrap();
        assert!(refusal(&answer).is_none(), "{path}: {}", answer.body);
    }
    // The question read needs a login: before one the device refuses it, in an envelope.
    let answer = wizard
        .call(wizard.get(&format!("{}?format=json", paths::QUESTION_CONFIGURATION)))
        .await;
    assert_eq!(answer.status, 401, "{}", answer.body);

    // The e-mail reset itself.
    let answer = wizard
        .call(wizard.get(&format!("{}?format=json", paths::EMAIL_QR_CODE)))
        .await;
    let qr = QrCode::from_json(&answer.body, &details).unwrap();
    assert_eq!(Some(qr.content), device.last_qr_content());
    let code = device.mailbox_code().unwrap();
    let certify = format!("{}?format=json", paths::EMAIL_CERTIFICATION);
    let answer = wizard
        .call(wizard.with_body(
            "PUT",
            &certify,
            "application/json",
            certification("0000000X", NEW),
        ))
        .await;
    assert_eq!(answer.status, 400);
    let status = refusal(&answer).unwrap();
    assert_eq!(status.sub_status(&details), Some(SubStatus::WrongResetCode));
    assert_eq!(status.lock.and_then(|l| l.retries_left()), Some(4));
    let answer = wizard
        .call(wizard.with_body(
            "PUT",
            &certify,
            "application/json",
            certification(&code, NEW),
        ))
        .await;
    assert!(
        ResponseStatus::parse(&answer.body).unwrap().is_ok(),
        "{}",
        answer.body
    );
    assert_eq!(device.admin_password(), NEW);

    // Logging in with the new password proves the reset.
    let answer = wizard
        .call(wizard.get(&format!(
            "{}?username=admin",
            paths::SESSION_LOGIN_CAPABILITIES
        )))
        .await;
    let cap = SessionLoginCap::from_xml(&answer.body).unwrap();
    let login = SessionLogin::new(&cap, "admin", NEW).to_xml();
    let answer = wizard
        .call(wizard.with_body(
            "POST",
            &format!("{}?timeStamp=1712345678901", paths::SESSION_LOGIN),
            "application/xml",
            login,
        ))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer.body.contains("<statusValue>200</statusValue>"),
        "{}",
        answer.body
    );
    // Admin-only: opened by the device's session cookie, which the proxy keeps.
    let answer = wizard
        .call(wizard.get(&format!("{}?format=json", paths::QUESTION_CONFIGURATION)))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.body.contains("<SecurityQuestion"), "{}", answer.body);
    let answer = wizard.call(wizard.get(paths::ILLEGAL_LOGIN_LOCK)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer.body.contains("<maxIllegalLoginTimes>5<"),
        "{}",
        answer.body
    );
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("admin:{NEW}"));
    let answer = wizard
        .call(
            wizard
                .get(paths::USER_CHECK)
                .header("authorization", &format!("Basic {basic}")),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    // The logged-in writes, under security=1 keyed as after this login (the NVR logs in with
    // 2.1: on its intermediate value): the prevention settings, the GUID export, and the
    // NVR's camera password sync.
    let protection = || {
        FieldProtection::Encrypted(FieldCipher::new(
            FieldKey::after_login(&security, &cap, "admin", NEW),
            rand::random(),
        ))
    };
    let p = protection();
    let answer = wizard
        .call(
            wizard.with_body(
                "POST",
                &p.apply_to(paths::GUID_FILE_DATA),
                "application/xml",
                GuidFileExport {
                    admin_password: NEW.into(),
                }
                .to_xml(&p),
            ),
        )
        .await;
    let guid = GuidFile::from_export_answer(answer.body.as_bytes()).unwrap();
    let p = protection();
    let answer = wizard
        .call(
            wizard.with_body(
                "PUT",
                &p.apply_to(&format!("{}?format=json", paths::EMAIL_PARAMETER)),
                "application/json",
                SetEmailParameter {
                    email_address: "owner@example.org".into(),
                    admin_password: NEW.into(),
                }
                .to_json(&p),
            ),
        )
        .await;
    assert!(refusal(&answer).is_none(), "{}", answer.body);
    let p = protection();
    let answers: Vec<QuestionAnswer> = (1..=3)
        .map(|id| QuestionAnswer {
            id,
            answer: format!("answer {id}"),
        })
        .collect();
    let answer = wizard
        .call(
            wizard.with_body(
                "PUT",
                &p.apply_to(paths::QUESTION_CONFIGURATION),
                "application/xml",
                SetQuestions {
                    answers: answers.clone(),
                    admin_password: NEW.into(),
                }
                .to_xml(&details, &p),
            ),
        )
        .await;
    assert!(refusal(&answer).is_none(), "{}", answer.body);
    let p = protection();
    let answer = wizard
        .call(
            wizard.with_body(
                "PUT",
                &p.apply_to(&details.sync_ipc_password.path_and_query()),
                "application/json",
                SyncIpcPassword {
                    admin_password: NEW.into(),
                }
                .to_json(&p),
            ),
        )
        .await;
    assert_eq!(
        SyncIpcResult::from_json(&answer.body)
            .unwrap()
            .channels
            .len(),
        3
    );

    // The other resets, without a login: the questions just set, then the GUID file.
    let answer = wizard
        .call(
            wizard.with_body(
                "PUT",
                paths::QUESTION_CERTIFICATION,
                "application/xml",
                protocol::isapi::QuestionCertification {
                    answers,
                    reset_password: "Second-Pass55".into(),
                }
                .to_xml(&details, &FieldProtection::Plain),
            ),
        )
        .await;
    assert!(refusal(&answer).is_none(), "{}", answer.body);
    let answer = wizard
        .call(
            wizard.with_body(
                "PUT",
                &details.guid_reset.path_and_query(),
                "application/json",
                GuidFileReset {
                    file: guid,
                    reset_password: "Third-Pass66".into(),
                }
                .to_json(&details, &FieldProtection::Plain),
            ),
        )
        .await;
    // The file died with the question reset's password change.
    assert_eq!(
        refusal(&answer).unwrap().sub_status(&details),
        Some(SubStatus::GuidFileDataUnmatch)
    );

    let allowed: BTreeSet<(String, String)> = AllowList::default()
        .calls()
        .iter()
        .map(|call| {
            (
                call.method.to_string(),
                format!("{}{}", wizard.prefix, call.path),
            )
        })
        .collect();
    assert_eq!(wizard.called, allowed);
}
