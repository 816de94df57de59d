//! Attempt counting that can't be gamed, and can't be spent by the proxy's own failures: a
//! submission refused because the proxy is busy, or that never reached the device (unreachable,
//! TLS failure), costs no attempt; and logged-in writes open only after a login the device
//! accepted, not after any cookie.
#![allow(clippy::unwrap_used)]

use crate::support;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use protocol::isapi::paths;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::{certification, config, start, Raw, RecordingDevice, Session};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

/// A device refusing every code the way an NVR does (HTTP 400 and a failing status).
async fn refusing_device() -> RecordingDevice {
    RecordingDevice::start(Arc::new(|_| {
        (
            StatusCode::BAD_REQUEST,
            [("content-type", "application/xml")],
            "<ResponseStatus><statusCode>4</statusCode><statusString>Invalid Operation</statusString>\
             <subStatusCode>securityCodeError</subStatusCode></ResponseStatus>",
        )
            .into_response()
    }))
    .await
}

fn wrong_code(prefix: &str) -> Raw {
    Raw::new(
        "PUT",
        &format!("{prefix}{}?format=json", paths::EMAIL_CERTIFICATION),
    )
    .body("application/json", certification("WRONG1", "Passw0rd!x9"))
}

/// Sends wrong codes to `prefix` until one is limited; returns how many the proxy let through.
async fn codes_until_limited(proxy: std::net::SocketAddr, prefix: &str) -> usize {
    for sent in 0..10 {
        let answer = wrong_code(prefix).send(proxy).await;
        if answer.status == 429 {
            return sent;
        }
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    panic!("ten wrong codes went through without a limit");
}

#[tokio::test]
async fn submissions_refused_while_the_proxy_is_busy_cost_no_attempt() {
    // A device that takes the proxy's only call slot and holds it until told to let go.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    let (accepted_tx, mut accepted) = mpsc::channel(1);
    let (release, released) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let (stream, _) = silent.accept().await.unwrap();
        accepted_tx.send(()).await.unwrap();
        let _ = released.await;
        drop(stream);
    });
    let device = refusing_device().await;
    let mut config = config(&[silent_addr, device.addr]);
    config.max_device_calls = 1;
    config.request_timeout = Duration::from_secs(60);
    let proxy = start(config).await;

    let holder = Raw::new(
        "GET",
        &format!(
            "{}{}",
            support::prefix_of(silent_addr),
            paths::ACTIVATE_STATUS
        ),
    );
    let holder = tokio::spawn(async move { holder.send(proxy).await });
    accepted.recv().await.unwrap();
    for _ in 0..10 {
        let answer = wrong_code(&device.prefix()).send(proxy).await;
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (503, "proxy_busy"),
            "{}",
            answer.body
        );
    }
    assert!(device.requests().is_empty());

    release.send(()).unwrap();
    holder.await.unwrap();
    assert_eq!(codes_until_limited(proxy, &device.prefix()).await, 3);
}

#[tokio::test]
async fn submissions_that_never_reach_the_device_cost_no_attempt() {
    // Nothing listens here.
    let gone = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let unreachable = gone.local_addr().unwrap();
    drop(gone);
    // Something that is not TLS, behind a device that asks for HTTPS there.
    let broken_tls = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let broken = broken_tls.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = broken_tls.accept().await {
            use tokio::io::AsyncWriteExt;
            let _ = tcp.write_all(b"\x15\x03\x01\x00\x02\x02\x46").await;
        }
    });
    let redirecting = RecordingDevice::start(Arc::new(move |seen| {
        let location = format!("https://127.0.0.1:{}{}", broken.port(), seen.path_and_query);
        (StatusCode::MOVED_PERMANENTLY, [("location", location)], "").into_response()
    }))
    .await;
    let device = refusing_device().await;
    let proxy = start(config(&[
        unreachable,
        broken,
        redirecting.addr,
        device.addr,
    ]))
    .await;

    for _ in 0..5 {
        let answer = wrong_code(&support::prefix_of(unreachable))
            .send(proxy)
            .await;
        assert_eq!(answer.code(), "device_unreachable", "{}", answer.body);
        let answer = wrong_code(&redirecting.prefix()).send(proxy).await;
        assert_eq!(answer.code(), "device_tls_failed", "{}", answer.body);
    }
    // Ten failures the devices never saw: this client still has its attempts.
    assert_eq!(codes_until_limited(proxy, &device.prefix()).await, 3);
}

#[tokio::test]
async fn logged_in_writes_open_only_after_a_login_the_device_accepted() {
    // Every answer sets a cookie; the login is refused twice (401, then 200 with a failing
    // status, as some firmware does) and accepted the third time.
    let logins = Arc::new(AtomicUsize::new(0));
    let counter = logins.clone();
    let device = RecordingDevice::start(Arc::new(move |seen| {
        let cookie = [("set-cookie", "WebSession_1=abc; Path=/")];
        if seen.path_and_query.starts_with(paths::SESSION_LOGIN) {
            return match counter.fetch_add(1, Ordering::SeqCst) {
                0 => (StatusCode::UNAUTHORIZED, cookie, "").into_response(),
                1 => (
                    StatusCode::OK,
                    cookie,
                    "<ResponseStatus><statusCode>4</statusCode><statusString>Invalid Operation\
                     </statusString><subStatusCode>badAuthorization</subStatusCode></ResponseStatus>",
                )
                    .into_response(),
                _ => (StatusCode::OK, cookie, "<SessionLogin><sessionID>1</sessionID></SessionLogin>")
                    .into_response(),
            };
        }
        (StatusCode::OK, cookie, "<ok/>").into_response()
    }))
    .await;
    let proxy = start(config(&[device.addr])).await;
    let mut browser = Session::new(proxy);
    let prefix = device.prefix();
    let write = || {
        Raw::new(
            "PUT",
            &format!("{prefix}{}?format=json", paths::EMAIL_PARAMETER),
        )
        .body("application/json", "{}")
    };
    let login = || {
        Raw::new(
            "POST",
            &format!("{prefix}{}?timeStamp=1", paths::SESSION_LOGIN),
        )
        .body("application/xml", "<SessionLogin/>")
    };

    let answer = browser
        .send(Raw::new(
            "GET",
            &format!("{prefix}{}", paths::ACTIVATE_STATUS),
        ))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(browser.send(write()).await.code(), "call_not_allowed");
    for refused in 0..2 {
        assert_eq!(browser.send(login()).await.status, 200);
        let answer = browser.send(write()).await;
        assert_eq!(answer.code(), "call_not_allowed", "after refusal {refused}");
    }
    assert_eq!(browser.send(login()).await.status, 200);
    let answer = browser.send(write()).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.envelope().status, 200);
    let writes = device
        .requests()
        .iter()
        .filter(|seen| seen.method == "PUT")
        .count();
    assert_eq!(writes, 1);
}
