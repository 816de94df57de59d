//! Logs never carry secrets: a whole reset goes through the proxy with every log level on, and
//! the captured logs are searched for the code, passwords, QR content, session ids and hashes.
#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use protocol::isapi::paths;
use std::io::Write;
use std::sync::{Arc, Mutex};
use support::{config, start, Raw, RecordingDevice};

const CODE: &str = "RC7Q2M9X";
const NEW_PASSWORD: &str = "Tr0ub4dor&3horse";
const QR_CONTENT: &str = "QRSECRETc2VyaWFsLW5vbmNl";
const LOGIN_HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const DEVICE_COOKIE: &str = "WebSession_5f1e9c=devicesessionsecret";
const CHALLENGE: &str = "challengesecret4d2a";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

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
    let captured = Captured::default();
    let sink = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .init();

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

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("forwarded"), "nothing was logged:\n{logs}");
    for secret in [
        CODE,
        NEW_PASSWORD,
        QR_CONTENT,
        LOGIN_HASH,
        CHALLENGE,
        "devicesessionsecret",
        "YWRtaW46VHIwdWI0ZG9yJjNob3JzZQ",
        session_id.as_str(),
    ] {
        assert!(
            !logs.contains(secret),
            "{secret:?} appeared in the logs:\n{logs}"
        );
    }
}
