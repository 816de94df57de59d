//! The read-only field check: `reset-proxy probe ADDRESS` (the real binary) and
//! `GET /api/v1/probe/{ip}/{port}` report on devsim and on stand-ins, change nothing on the
//! device, hide every secret, and say clearly what went wrong with garbage, slow or absent answers.
#![allow(clippy::unwrap_used)]

use crate::support;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use devsim::{Fault, Profile};
use protocol::isapi::{paths, SecurityCap};
use protocol::login::SessionLoginCap;
use protocol::probe::{LoginHashVariant, ProbeReport, ProbeStep, READ_ONLY_NOTE};
use std::net::SocketAddr;
use std::process::Output;
use std::sync::Arc;
use support::{config, devsim_of, start, Raw, RecordingDevice, Session, Tripwire};

/// Runs the built `reset-proxy` with `args`, with no `RESET_PROXY_*` settings from outside.
async fn reset_proxy(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_reset-proxy"))
            .args(&args)
            .env_clear()
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `reset-proxy probe --allow-loopback-devices [extra] ADDRESS`.
async fn probe(device: SocketAddr, extra: &[&str]) -> Output {
    let address = device.to_string();
    let mut args = vec!["probe", "--allow-loopback-devices"];
    args.extend_from_slice(extra);
    args.push(&address);
    reset_proxy(&args).await
}

/// What devsim hands out that must never reach a report: its salt and salt2 (stable per device).
async fn devsim_salts(device: &devsim::Running) -> Vec<String> {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let fetch = |path: &str| {
        let url = format!("{}{path}?username=admin", device.url());
        let client = client.clone();
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let security = SecurityCap::from_xml(&fetch(paths::SECURITY_CAPABILITIES).await).unwrap();
    let login = SessionLoginCap::from_xml(&fetch(paths::SESSION_LOGIN_CAPABILITIES).await).unwrap();
    let salts = [security.salt, login.salt, login.salt2];
    let salts: Vec<String> = salts.into_iter().flatten().collect();
    assert_eq!(salts.len(), 3, "devsim's NVR hands out salt and salt2");
    salts
}

#[tokio::test]
async fn probing_devsim_prints_a_report_and_changes_nothing() {
    let device = devsim_of(Profile::Nvr).await;
    let before = device.state();
    let password = device.admin_password();

    let output = probe(device.http_addr, &[]).await;
    let text = stdout(&output);
    assert!(output.status.success(), "{text}\n{}", stderr(&output));

    let header = format!(
        "reset-proxy {} probe of {}",
        env!("CARGO_PKG_VERSION"),
        device.http_addr
    );
    assert!(text.starts_with(&header), "{text}");
    assert!(text.contains(READ_ONLY_NOTE), "{text}");
    for step in ProbeStep::ALL {
        assert!(
            text.contains(&format!("GET {}", step.path_and_query())),
            "{step:?}\n{text}"
        );
    }
    assert_eq!(text.matches("parsed: yes").count(), 5, "{text}");
    assert_eq!(text.matches("missing: (none)").count(), 5, "{text}");
    assert!(
        text.contains("note: login hash: sessionIDVersion 2.1"),
        "{text}"
    );
    assert!(
        text.contains("note: recovery e-mail address length: 0 to 64"),
        "{text}"
    );

    // Nothing happened on the device: no QR code, no login, no try counted, same password.
    let after = device.state();
    assert_eq!(after, before);
    assert_eq!(after.qr_exports, 0);
    assert_eq!(after.sessions, 0);
    assert_eq!(after.failed_login_tries + after.failed_code_tries, 0);
    assert_eq!(device.admin_password(), password);

    for salt in devsim_salts(&device).await {
        assert!(
            !text.contains(&salt),
            "the salt {salt} is in the report:\n{text}"
        );
    }
    assert!(
        text.contains("{{salt.1}}") && text.contains("{{salt.2}}"),
        "{text}"
    );
}

/// A device answering fixed secrets, with a 2.1 login that is not irreversible.
async fn stand_in() -> RecordingDevice {
    RecordingDevice::start(Arc::new(|seen| {
        let path = seen.path_and_query.split('?').next().unwrap_or_default();
        let (content_type, body) = match path {
            paths::ACTIVATE_STATUS => ("application/xml", "<ActivateStatus><Activated>true</Activated></ActivateStatus>".to_owned()),
            paths::SECURITY_CAPABILITIES => ("application/xml", format!(
                "<SecurityCap><securityVersion opt=\"1\"/><keyIterateNum>100</keyIterateNum>\
                 <isIrreversible>true</isIrreversible><salt>{SALT}</salt>\
                 <SecurityLimits><LoginPasswordLenLimit min=\"8\" max=\"16\"/></SecurityLimits>\
                 <isSupportFutureThing>true</isSupportFutureThing></SecurityCap>"
            )),
            paths::EXTERN_CAPABILITIES => ("application/xml", "<ExternSecurityCap>\
                 <isSupportWithSecurityEmail>true</isSupportWithSecurityEmail>\
                 <isSupportWithHCApp>false</isSupportWithHCApp></ExternSecurityCap>".to_owned()),
            paths::EMAIL_PARAMETER_CAPABILITIES => ("application/json", format!(
                r#"{{"SecurityEmailCap":{{"emailAddress":{{"@min":"1","@max":"64"}},"reserved":{{"emailAddress":"{EMAIL}"}}}}}}"#
            )),
            paths::SESSION_LOGIN_CAPABILITIES => ("application/xml", format!(
                "<SessionLoginCap><sessionID>{SESSION}</sessionID><challenge>{CHALLENGE}</challenge>\
                 <iterations>100</iterations><isIrreversible>false</isIrreversible>\
                 <sessionIDVersion>2.1</sessionIDVersion><salt>{SALT}</salt><salt2>{SALT2}</salt2>\
                 </SessionLoginCap>"
            )),
            _ => return StatusCode::NOT_FOUND.into_response(),
        };
        (StatusCode::OK, [("content-type", content_type)], body).into_response()
    }))
    .await
}

const SALT: &str = "5A17F00DCAFE0001";
const SALT2: &str = "5A17F00DCAFE0002";
const SESSION: &str = "5E5510A1D0000000000000000000000000000000000000000000000000000001";
const CHALLENGE: &str = "c4a11e6e00000000000000000000c0de";
const EMAIL: &str = "owner@example.com";

#[tokio::test]
async fn the_json_report_names_the_login_hash_and_hides_every_secret() {
    let device = stand_in().await;
    let output = probe(device.addr, &["--json"]).await;
    let text = stdout(&output);
    assert!(output.status.success(), "{text}\n{}", stderr(&output));
    for secret in [SALT, SALT2, SESSION, CHALLENGE, EMAIL] {
        assert!(!text.contains(secret), "{secret} is in the report:\n{text}");
    }

    let report = ProbeReport::parse(&text).unwrap();
    assert!(report.reachable);
    assert_eq!(
        report.made_by,
        format!("reset-proxy {}", env!("CARGO_PKG_VERSION"))
    );
    let steps: Vec<ProbeStep> = report.calls.iter().map(|c| c.step).collect();
    assert_eq!(steps, ProbeStep::ALL);
    assert!(report.calls.iter().all(|c| c.assessment.parsed), "{text}");
    let login = &report.calls[4];
    assert_eq!(login.assessment.login_hash, Some(LoginHashVariant::Salt2));
    assert!(
        login
            .body
            .contains("<challenge>{{challenge.1}}</challenge>"),
        "{}",
        login.body
    );
    assert!(
        login.body.contains("<sessionID>{{session.1}}</sessionID>"),
        "{}",
        login.body
    );
    // The same salt in two answers is the same placeholder.
    assert!(report.calls[1].body.contains("<salt>{{salt.1}}</salt>"));
    assert!(login
        .body
        .contains("<salt>{{salt.1}}</salt><salt2>{{salt.2}}</salt2>"));
    assert!(
        report.calls[3].body.contains("{{email.1}}"),
        "{}",
        report.calls[3].body
    );
    let security = &report.calls[1].assessment;
    assert_eq!(security.other_fields, ["isSupportFutureThing"]);
    let modes = &report.calls[2].assessment;
    assert_eq!(
        modes.missing,
        ["isSupportWithGUIDFileData", "isSupportWithSecurityQuestion"]
    );

    // Five bare GETs, in order: no body, no cookie, no credentials.
    let seen = device.requests();
    let sent: Vec<String> = seen.iter().map(|s| s.path_and_query.clone()).collect();
    let expected: Vec<String> = ProbeStep::ALL.iter().map(|s| s.path_and_query()).collect();
    assert_eq!(sent, expected);
    for request in &seen {
        assert_eq!(request.method, axum::http::Method::GET);
        assert!(request.body.is_empty());
        assert!(!request.headers.contains_key("cookie"));
        assert!(!request.headers.contains_key("authorization"));
    }
}

#[tokio::test]
async fn garbage_slow_and_broken_answers_are_reported_not_fatal() {
    let device = devsim_of(Profile::Camera).await;
    device.set_fault(paths::ACTIVATE_STATUS, Fault::Garbage);
    device.set_fault(paths::EXTERN_CAPABILITIES, Fault::Html);
    device.set_fault(
        paths::EMAIL_PARAMETER_CAPABILITIES,
        Fault::Delay { ms: 3_000 },
    );
    device.set_fault(paths::SESSION_LOGIN_CAPABILITIES, Fault::Reset);

    let output = probe(device.http_addr, &["--json", "--request-timeout", "1"]).await;
    let text = stdout(&output);
    assert!(output.status.success(), "{text}\n{}", stderr(&output));
    let report = ProbeReport::parse(&text).unwrap();
    let [activate, security, modes, email, login] = &report.calls[..] else {
        panic!("five calls: {text}");
    };
    assert_eq!(activate.status, Some(200));
    assert!(!activate.assessment.parsed);
    assert_eq!(activate.body, "{{blob.1}}", "garbage is one placeholder");
    assert!(security.assessment.parsed, "{text}");
    assert!(!modes.assessment.parsed);
    assert!(modes.assessment.parse_error.is_some());
    assert_eq!(email.status, None);
    assert!(
        email.failure.as_deref().unwrap().contains("in time"),
        "{text}"
    );
    assert_eq!(login.status, None);
    assert!(login.failure.is_some(), "{text}");
}

#[tokio::test]
async fn an_unreachable_device_exits_non_zero_and_says_so() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let output = probe(addr, &[]).await;
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("could not be reached"), "{text}");
    assert_eq!(text.matches("no answer:").count(), 5, "{text}");
}

#[tokio::test]
async fn loopback_is_refused_without_the_flag_and_nothing_is_contacted() {
    let tripwire = Tripwire::on("127.0.0.1").await;
    let output = reset_proxy(&["probe", &tripwire.addr.to_string()]).await;
    assert!(!output.status.success());
    assert!(stderr(&output).contains("loopback"), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    for refused in ["169.254.169.254", "camera.local", "224.0.0.1:80"] {
        let output = reset_proxy(&["probe", "--allow-loopback-devices", refused]).await;
        assert!(!output.status.success(), "{refused}");
    }
    assert_eq!(tripwire.hits(), 0);
}

#[tokio::test]
async fn a_device_asking_for_https_is_probed_over_https() {
    let identity = devsim::DeviceIdentity::random(Profile::Nvr);
    let device = devsim::start(devsim::Config::loopback(identity).with_https())
        .await
        .unwrap();
    let https = device.https_addr.unwrap();
    // devsim does not redirect by itself; its HTTP side here is a stand-in that does.
    let http = RecordingDevice::start(Arc::new(move |seen| {
        let location = format!("https://127.0.0.1:{}{}", https.port(), seen.path_and_query);
        (StatusCode::MOVED_PERMANENTLY, [("location", location)], "").into_response()
    }))
    .await;
    let output = probe(http.addr, &["--json"]).await;
    let text = stdout(&output);
    assert!(output.status.success(), "{text}\n{}", stderr(&output));
    let report = ProbeReport::parse(&text).unwrap();
    for call in &report.calls {
        assert_eq!(call.transport.as_deref(), Some("https"), "{text}");
        assert!(call.assessment.parsed, "{text}");
    }
    assert!(report.calls[0].assessment.notes[0].contains("redirected HTTP to HTTPS"));
    assert_eq!(
        http.requests().len(),
        1,
        "HTTPS is remembered after the redirect"
    );
}

#[tokio::test]
async fn the_wizard_can_save_a_probe_report_through_the_proxy() {
    let device = devsim_of(Profile::Nvr).await;
    let before = device.state();
    let proxy = start(config(&[device.http_addr])).await;
    let route = format!(
        "/api/v1/probe/{}/{}",
        device.http_addr.ip(),
        device.http_addr.port()
    );

    let mut browser = Session::new(proxy);
    let answer = browser.send(Raw::new("GET", &route)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.header("content-disposition"),
        Some("attachment; filename=\"reset-probe.json\"")
    );
    let report = ProbeReport::parse(&answer.body).unwrap();
    assert!(report.reachable);
    assert_eq!(report.device, device.http_addr.to_string());
    assert!(
        report.calls.iter().all(|c| c.assessment.parsed),
        "{}",
        answer.body
    );
    assert_eq!(device.state(), before);
    for salt in devsim_salts(&device).await {
        assert!(!answer.body.contains(&salt));
    }

    // The probe's exchanges join the session's transcript, redacted the same way.
    let transcript = browser.send(Raw::new("GET", "/api/v1/transcript")).await;
    let transcript = protocol::transcript::Transcript::parse(&transcript.body).unwrap();
    let paths: Vec<&str> = transcript
        .exchanges
        .iter()
        .map(|e| e.path.as_str())
        .collect();
    let expected: Vec<String> = ProbeStep::ALL.iter().map(|s| s.path_and_query()).collect();
    assert_eq!(paths, expected);
}

#[tokio::test]
async fn the_probe_route_passes_the_same_checks_as_device_calls() {
    let tripwire = Tripwire::on("127.0.0.1").await;
    let allowed = devsim_of(Profile::Camera).await;
    let proxy = start(config(&[allowed.http_addr])).await;
    let route = |addr: SocketAddr| format!("/api/v1/probe/{}/{}", addr.ip(), addr.port());

    let no_header = Raw::new("GET", &route(allowed.http_addr))
        .without("x-reset-wizard")
        .send(proxy)
        .await;
    assert_eq!(
        (no_header.status, no_header.code().as_str()),
        (403, "missing_header")
    );
    let cross_site = Raw::new("GET", &route(allowed.http_addr))
        .header("sec-fetch-site", "cross-site")
        .send(proxy)
        .await;
    assert_eq!(cross_site.status, 403, "{}", cross_site.body);
    let evil_origin = Raw::new("GET", &route(allowed.http_addr))
        .header("origin", "https://evil.example")
        .send(proxy)
        .await;
    assert_eq!(evil_origin.status, 403, "{}", evil_origin.body);

    for target in [
        route(tripwire.addr),
        "/api/v1/probe/169.254.169.254/80".to_owned(),
        "/api/v1/probe/camera.local/80".to_owned(),
        "/api/v1/probe/192.168.1.64/0".to_owned(),
    ] {
        let refused = Raw::new("GET", &target).send(proxy).await;
        assert_eq!(
            (refused.status, refused.code().as_str()),
            (403, "target_not_allowed"),
            "{target}: {}",
            refused.body
        );
    }
    let posted = Raw::new("POST", &route(allowed.http_addr))
        .send(proxy)
        .await;
    assert_ne!(posted.status, 200);
    assert_eq!(tripwire.hits(), 0);
    assert_eq!(allowed.state().sessions, 0);
}
