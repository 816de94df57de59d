//! Logs never carry secrets: a whole reset goes through the proxy with every log level on, and
//! the captured logs are searched for the code, passwords, QR content, session ids and hashes.
//! Once against a stand-in answering fixed secrets, once against devsim's real reset flow.
#![allow(clippy::unwrap_used)]

use crate::support;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use base64::Engine as _;
use protocol::isapi::{paths, QrCode, ResponseStatus, SubStatus};
use protocol::login::{SessionLogin, SessionLoginCap};
use protocol::profile::DeviceProfile;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use support::{certification, config, devsim_of, prefix_of, start, Raw, RecordingDevice, Session};
use tracing_subscriber::prelude::*;

const CODE: &str = "RC7Q2M9X";
const NEW_PASSWORD: &str = "Tr0ub4dor&3horse";
const QR_CONTENT: &str = "QRSECRETc2VyaWFsLW5vbmNl";
const LOGIN_HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const DEVICE_COOKIE: &str = "WebSession_5f1e9c=devicesessionsecret";
const CHALLENGE: &str = "challengesecret4d2a";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        self.text_since(0)
    }

    /// How much has been logged so far, to read only what comes after.
    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    fn text_since(&self, offset: usize) -> String {
        let logged = self.0.lock().unwrap();
        String::from_utf8_lossy(logged.get(offset..).unwrap_or_default()).into_owned()
    }
}

/// How many of these tests are running. The capture keeps logs only while one is: the other
/// proxy tests share this process (one test binary), and recording their every TRACE event for
/// the whole run would only slow them down.
static CAPTURING: AtomicUsize = AtomicUsize::new(0);

/// Keeps the capture on while it lives.
struct Capturing;

impl Drop for Capturing {
    fn drop(&mut self) {
        CAPTURING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Everything logged in this process, at every level, from every crate, while one of these
/// tests runs: their own logs, and those of any other proxy test running beside them.
fn captured_logs() -> (Captured, Capturing) {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURING.fetch_add(1, Ordering::SeqCst);
    let captured = CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let sink = captured.clone();
            tracing_subscriber::registry()
                .with(
                    tracing_subscriber::fmt::layer()
                        .with_writer(move || sink.clone())
                        .with_ansi(false),
                )
                .with(tracing_subscriber::filter::filter_fn(|_| {
                    CAPTURING.load(Ordering::SeqCst) > 0
                }))
                .init();
            captured
        })
        .clone();
    (captured, Capturing)
}

fn assert_absent(logs: &str, secrets: &[&str]) {
    assert!(logs.contains("forwarded"), "nothing was logged:\n{logs}");
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(
            !logs.contains(secret),
            "{secret:?} appeared in the logs:\n{logs}"
        );
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Answers like a device in the middle of an e-mail reset.
async fn device() -> RecordingDevice {
    RecordingDevice::start(Arc::new(|seen| {
        let path = seen.path_and_query.split('?').next().unwrap_or("");
        let body = match path {
            paths::EMAIL_QR_CODE => format!(r#"{{"QRCode":{{"content":"{QR_CONTENT}"}}}}"#),
            paths::SESSION_LOGIN_CAPABILITIES => format!(
                "<SessionLoginCap><sessionID>abc</sessionID><challenge>{CHALLENGE}</challenge></SessionLoginCap>"
            ),
            _ => r#"{"statusCode":1,"statusString":"OK"}"#.to_string(),
        };
        (
            StatusCode::OK,
            [("set-cookie", format!("{DEVICE_COOKIE}; Path=/"))],
            body,
        )
            .into_response()
    }))
    .await
}

#[tokio::test]
async fn a_whole_reset_leaves_no_secret_in_the_logs() {
    let (captured, _capturing) = captured_logs();
    let device = device().await;
    let proxy = start(config(&[device.addr])).await;
    let prefix = device.prefix();
    let health = Raw::new("GET", "/api/v1/health").send(proxy).await;
    let session = health
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let session_id = session.split('=').nth(1).unwrap().to_string();
    let steps = [
        Raw::new("GET", &format!("{prefix}{}?format=json", paths::EMAIL_QR_CODE)),
        Raw::new("PUT", &format!("{prefix}{}?format=json", paths::EMAIL_CERTIFICATION)).body(
            "application/json",
            format!(
                r#"{{"EmailCertification":{{"securityCode":"{CODE}","resetPassword":"{NEW_PASSWORD}"}}}}"#
            ),
        ),
        Raw::new(
            "GET",
            &format!("{prefix}{}?username=admin", paths::SESSION_LOGIN_CAPABILITIES),
        ),
        Raw::new("POST", &format!("{prefix}{}?timeStamp=1712345678901", paths::SESSION_LOGIN))
            .body(
                "application/xml",
                format!("<SessionLogin><userName>admin</userName><password>{LOGIN_HASH}</password></SessionLogin>"),
            ),
        Raw::new("GET", &format!("{prefix}{}", paths::USER_CHECK))
            .header("authorization", "Basic YWRtaW46VHIwdWI0ZG9yJjNob3JzZQ=="),
    ];
    for step in steps {
        let answer = step.header("cookie", &session).send(proxy).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }

    assert_absent(
        &captured.text(),
        &[
            CODE,
            NEW_PASSWORD,
            QR_CONTENT,
            LOGIN_HASH,
            CHALLENGE,
            "devicesessionsecret",
            "YWRtaW46VHIwdWI0ZG9yJjNob3JzZQ",
            session_id.as_str(),
        ],
    );
}

/// The text of `<name>` in an XML body.
fn element<'a>(xml: &'a str, name: &str) -> &'a str {
    let open = format!("<{name}>");
    let start = xml.find(&open).unwrap() + open.len();
    let end = start + xml[start..].find('<').unwrap();
    &xml[start..end]
}

#[tokio::test]
async fn a_whole_reset_against_devsim_leaves_no_secret_in_the_logs() {
    const NEW: &str = "Qu1et-Harb0ur#77";
    let (captured, _capturing) = captured_logs();
    // Other tests in this binary log beside this one, and one of their devices may have had this
    // device's port before: only this test's own lines are counted.
    let logged_before = captured.len();
    let device = devsim_of(devsim::Profile::Nvr).await;
    let old_password = device.admin_password();
    let proxy = start(config(&[device.http_addr])).await;
    let prefix = prefix_of(device.http_addr);
    let details = DeviceProfile::default();
    let mut browser = Session::new(proxy);

    // The QR code, as the wizard draws it; the code comes back by the vendor's "e-mail".
    let qr = browser
        .send(Raw::new(
            "GET",
            &format!("{prefix}{}?format=json", paths::EMAIL_QR_CODE),
        ))
        .await;
    let qr_content = QrCode::from_json(&qr.envelope().body, &details)
        .unwrap()
        .content;
    assert_eq!(Some(&qr_content), device.last_qr_content().as_ref());
    let code = device.mailbox_code().unwrap();
    let wrong: String = code.chars().rev().collect::<String>() + "9";

    let certify = format!("{prefix}{}?format=json", paths::EMAIL_CERTIFICATION);
    let refused = browser
        .send(Raw::new("PUT", &certify).body("application/json", certification(&wrong, NEW)))
        .await;
    let status = ResponseStatus::parse(&refused.envelope().body).unwrap();
    assert_eq!(status.sub_status(&details), Some(SubStatus::WrongResetCode));
    let reset = browser
        .send(Raw::new("PUT", &certify).body("application/json", certification(&code, NEW)))
        .await;
    assert!(ResponseStatus::parse(&reset.envelope().body)
        .unwrap()
        .is_ok());
    assert_eq!(device.admin_password(), NEW);

    // The login that proves the reset: the real hash of the new password.
    let cap = browser
        .send(Raw::new(
            "GET",
            &format!(
                "{prefix}{}?username=admin",
                paths::SESSION_LOGIN_CAPABILITIES
            ),
        ))
        .await;
    let cap = SessionLoginCap::from_xml(&cap.envelope().body).unwrap();
    let login = SessionLogin::new(&cap, "admin", NEW);
    let logged_in = browser
        .send(
            Raw::new(
                "POST",
                &format!("{prefix}{}?timeStamp=1712345678901", paths::SESSION_LOGIN),
            )
            .body("application/xml", login.to_xml()),
        )
        .await;
    let logged_in = logged_in.envelope();
    assert_eq!(logged_in.status, 200, "{}", logged_in.body);
    let device_session = element(&logged_in.body, "sessionID").to_string();
    // The device's session cookie, kept by the proxy, opens an admin-only call.
    let lock = browser
        .send(Raw::new(
            "GET",
            &format!("{prefix}{}", paths::ILLEGAL_LOGIN_LOCK),
        ))
        .await;
    assert_eq!(lock.envelope().status, 200, "{}", lock.body);
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("admin:{NEW}"));
    let checked = browser
        .send(
            Raw::new("GET", &format!("{prefix}{}", paths::USER_CHECK))
                .header("authorization", &format!("Basic {basic}")),
        )
        .await;
    assert_eq!(checked.envelope().status, 200, "{}", checked.body);

    let logs = captured.text();
    let calls_logged = captured
        .text_since(logged_before)
        .lines()
        .filter(|line| line.contains("forwarded") && line.contains(&device.http_addr.to_string()))
        .count();
    assert_eq!(calls_logged, 7, "{logs}");
    assert_absent(
        &logs,
        &[
            &code,
            &wrong,
            &old_password,
            NEW,
            &qr_content,
            &login.password,
            &cap.challenge,
            &cap.session_id,
            &device_session,
            &basic,
            browser.id().unwrap(),
        ],
    );
}

#[tokio::test]
async fn a_recorded_transcript_of_every_route_keeps_no_secret() {
    let (captured, _capturing) = captured_logs();
    let device = devsim_of(devsim::Profile::Nvr).await;
    let file = std::env::temp_dir().join(format!(
        "reset-transcript-{}-{}.jsonl",
        std::process::id(),
        rand::random::<u32>()
    ));
    let mut config = config(&[device.http_addr]);
    config.record = Some(file.clone());
    // Three failing submissions on purpose, plus the final Basic check: room for all.
    config.attempts_per_device = 10;
    config.attempts_per_client = 10;
    let proxy = start(config).await;
    let old = device.admin_password();
    let (mut browser, secrets) = support::flow::run(
        proxy,
        device.http_addr,
        &old,
        || device.mailbox_code().unwrap(),
        &support::flow::Inputs::default(),
    )
    .await;
    for (step, done) in &secrets.outcomes {
        assert!(done, "{step} did not end as expected");
    }
    assert_eq!(device.admin_password(), "Sec0nd-Lighth#5");

    let download = browser.send(Raw::new("GET", "/api/v1/transcript")).await;
    assert_eq!(download.status, 200);
    assert!(download
        .header("content-disposition")
        .unwrap()
        .contains("attachment"));
    let transcript = protocol::transcript::Transcript::parse(&download.body).unwrap();
    assert!(
        transcript.exchanges.len() >= 14,
        "{}",
        transcript.exchanges.len()
    );
    let recorded = std::fs::read_to_string(&file).unwrap();
    let _ = std::fs::remove_file(&file);
    assert_eq!(
        protocol::transcript::Transcript::parse(&recorded)
            .unwrap()
            .exchanges,
        transcript.exchanges
    );
    // The placeholders are there, so redaction did something, and no secret survived it.
    for kind in [
        "{{code.",
        "{{password.",
        "{{answer.",
        "{{qr.",
        "{{guid.",
        "{{session.",
        "{{challenge.",
        "{{salt.",
        "{{nonce.",
        "{{email.",
    ] {
        assert!(
            recorded.contains(kind),
            "no {kind} placeholder in {recorded}"
        );
    }
    let logs = captured.text();
    for (name, secret) in &secrets.all {
        for (place, text) in [
            ("file", &recorded),
            ("download", &download.body),
            ("logs", &logs),
        ] {
            assert!(
                !text.contains(secret.as_str()),
                "the {name} {secret:?} survived in the {place}"
            );
        }
    }
}

#[tokio::test]
async fn wrong_answers_and_stale_guid_files_count_with_wrong_codes() {
    use protocol::field_crypto::FieldProtection;
    use protocol::isapi::{GuidFile, GuidFileReset, QuestionAnswer, QuestionCertification};
    let device = devsim_of(devsim::Profile::Nvr).await;
    let proxy = start(config(&[device.http_addr])).await;
    let prefix = prefix_of(device.http_addr);
    let details = DeviceProfile::default();
    let mut browser = Session::new(proxy);
    let wrong_code = Raw::new(
        "PUT",
        &format!("{prefix}{}?format=json", paths::EMAIL_CERTIFICATION),
    )
    .body(
        "application/json",
        certification("NOTACODE", "Qu1et-Harb0ur#77"),
    );
    let answers: Vec<QuestionAnswer> = device
        .question_answers()
        .unwrap()
        .into_iter()
        .map(|a| QuestionAnswer {
            id: a.id,
            answer: "wrong".into(),
        })
        .collect();
    let wrong_answers = Raw::new("PUT", &format!("{prefix}{}", paths::QUESTION_CERTIFICATION))
        .body(
            "application/xml",
            QuestionCertification {
                answers,
                reset_password: "Qu1et-Harb0ur#77".into(),
            }
            .to_xml(&details, &FieldProtection::Plain),
        );
    let stale_guid = Raw::new(
        "PUT",
        &format!("{prefix}{}", details.guid_reset.path_and_query()),
    )
    .body(
        "application/json",
        GuidFileReset {
            file: GuidFile(b"guid=stale".to_vec()),
            reset_password: "Qu1et-Harb0ur#77".into(),
        }
        .to_json(&details, &FieldProtection::Plain),
    );
    for request in [wrong_code.clone(), wrong_answers, stale_guid.clone()] {
        assert_eq!(browser.send(request).await.status, 200);
    }
    let refused = browser.send(stale_guid).await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert_eq!(refused.code(), "too_many_attempts");
    let state = device.state();
    assert_eq!(
        (
            state.failed_code_tries,
            state.failed_answer_tries,
            state.failed_guid_tries
        ),
        (1, 1, 1),
        "the fourth never reached the device"
    );
    assert!(!state.locked);
}

#[tokio::test]
async fn logged_in_writes_wait_for_a_login_in_the_same_session() {
    let device = devsim_of(devsim::Profile::Nvr).await;
    let proxy = start(config(&[device.http_addr])).await;
    let prefix = prefix_of(device.http_addr);
    let details = DeviceProfile::default();
    for (method, path) in [
        ("PUT", format!("{}?format=json", paths::EMAIL_PARAMETER)),
        ("PUT", paths::QUESTION_CONFIGURATION.to_string()),
        ("POST", paths::GUID_FILE_DATA.to_string()),
        ("PUT", details.sync_ipc_password.path_and_query()),
    ] {
        let answer = Raw::new(method, &format!("{prefix}{path}"))
            .body("application/json", "{}")
            .send(proxy)
            .await;
        assert_eq!(answer.status, 403, "{method} {path}: {}", answer.body);
        assert_eq!(answer.code(), "call_not_allowed");
    }
    assert_eq!(device.state().failed_login_tries, 0);
}
