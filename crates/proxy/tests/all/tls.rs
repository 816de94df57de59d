//! HTTPS on both sides: devices that ask for HTTPS get it, their self-signed certificate is
//! pinned for the session, a changed one stops the reset; the proxy itself serves TLS when told.
#![allow(clippy::unwrap_used)]

use crate::support;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use protocol::isapi::{paths, ActivationStatus};
use rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer, ServerName};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use support::{
    certification, config, devsim_on_port_443, prefix_of, start, Raw, RecordingDevice, Session,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{TlsAcceptor, TlsConnector};

fn certificate() -> (
    CertificateDer<'static>,
    rustls::pki_types::PrivateKeyDer<'static>,
) {
    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).unwrap();
    let key = PrivatePkcs8KeyDer::from(generated.signing_key.serialize_der());
    (generated.cert.der().clone(), key.into())
}

fn acceptor() -> TlsAcceptor {
    let (cert, key) = certificate();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    TlsAcceptor::from(Arc::new(config))
}

/// A device's HTTPS port whose certificate the test can replace; counts requests it read.
struct HttpsDevice {
    addr: SocketAddr,
    acceptor: Arc<Mutex<TlsAcceptor>>,
    requests: Arc<AtomicUsize>,
}

impl HttpsDevice {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let acceptor = Arc::new(Mutex::new(acceptor()));
        let requests = Arc::new(AtomicUsize::new(0));
        let (current, count) = (acceptor.clone(), requests.clone());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = current.lock().unwrap().clone();
                let count = count.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if tls.read(&mut byte).await.unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    count.fetch_add(1, Ordering::SeqCst);
                    let body = "<ActivateStatus><Activated>true</Activated></ActivateStatus>";
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = tls.write_all(answer.as_bytes()).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        HttpsDevice {
            addr,
            acceptor,
            requests,
        }
    }

    fn replace_certificate(&self) {
        *self.acceptor.lock().unwrap() = acceptor();
    }
}

/// The device's HTTP port, which redirects everything to HTTPS on `https_port`.
async fn redirecting_to(https_port: u16) -> RecordingDevice {
    RecordingDevice::start(Arc::new(move |seen| {
        let location = format!("https://127.0.0.1:{https_port}{}", seen.path_and_query);
        (StatusCode::MOVED_PERMANENTLY, [("location", location)], "").into_response()
    }))
    .await
}

fn session_of(answer: &support::Answer) -> String {
    answer
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_device_asking_for_https_gets_it_and_a_changed_certificate_stops_the_session() {
    let https = HttpsDevice::start().await;
    let http = redirecting_to(https.addr.port()).await;
    let proxy = start(config(&[http.addr, https.addr])).await;
    let call = format!("{}/SDK/activateStatus", http.prefix());

    let first = Raw::new("GET", &call).send(proxy).await;
    assert_eq!(first.envelope().status, 200, "{}", first.body);
    assert!(first.envelope().body.contains("<Activated>true"));
    let session = session_of(&first);

    // Later calls in the session go straight to HTTPS, against the pinned certificate.
    let again = Raw::new("GET", &call)
        .header("cookie", &session)
        .send(proxy)
        .await;
    assert_eq!(again.envelope().status, 200);
    assert_eq!(
        http.requests().len(),
        1,
        "the session should remember HTTPS"
    );
    assert_eq!(https.requests.load(Ordering::SeqCst), 2);

    https.replace_certificate();
    let changed = Raw::new("GET", &call)
        .header("cookie", &session)
        .send(proxy)
        .await;
    assert_eq!(
        (changed.status, changed.code().as_str()),
        (502, "device_certificate_changed")
    );
    assert_eq!(
        https.requests.load(Ordering::SeqCst),
        2,
        "nothing may be sent to a device whose certificate changed"
    );

    // A new session starts afresh and pins the new certificate.
    let fresh = Raw::new("GET", &call).send(proxy).await;
    assert_eq!(fresh.envelope().status, 200);
}

#[tokio::test]
async fn submissions_stopped_by_a_changed_certificate_cost_no_attempt() {
    let https = HttpsDevice::start().await;
    let http = redirecting_to(https.addr.port()).await;
    let proxy = start(config(&[http.addr, https.addr])).await;
    let first = Raw::new("GET", &format!("{}/SDK/activateStatus", http.prefix()))
        .send(proxy)
        .await;
    let session = session_of(&first);
    https.replace_certificate();
    // Far more than the three attempts a device allows: none reached it, so none is counted.
    for _ in 0..8 {
        let answer = Raw::new(
            "PUT",
            &format!(
                "{}{}?format=json",
                http.prefix(),
                paths::EMAIL_CERTIFICATION
            ),
        )
        .header("cookie", &session)
        .body("application/json", certification("WRONG1", "Passw0rd!x9"))
        .send(proxy)
        .await;
        assert_eq!(
            answer.code(),
            "device_certificate_changed",
            "{}",
            answer.body
        );
    }
    assert_eq!(https.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_failed_tls_handshake_becomes_a_plain_message() {
    // Speaks something that is not TLS, like firmware offering only what rustls refuses.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let broken = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let _ = tcp.write_all(b"\x15\x03\x01\x00\x02\x02\x46").await;
        }
    });
    let http = redirecting_to(broken.port()).await;
    let proxy = start(config(&[http.addr, broken])).await;
    let answer = Raw::new("GET", &format!("{}/SDK/activateStatus", http.prefix()))
        .send(proxy)
        .await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (502, "device_tls_failed")
    );
    assert!(
        answer.message().contains("secure (HTTPS) connection"),
        "{}",
        answer.message()
    );
}

#[tokio::test]
async fn the_proxy_serves_https_with_the_operators_certificate() {
    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).unwrap();
    let dir = std::env::temp_dir().join(format!("reset-proxy-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let mut config = config(&[]);
    config.tls = Some(reset_proxy::TlsFiles { cert, key });
    let bound = reset_proxy::Bound::bind(config).await.unwrap();
    let addr = bound.local_addr().unwrap();
    let expected = reset_proxy::device_tls::fingerprint_text(
        &reset_proxy::device_tls::fingerprint(generated.cert.der()),
    );
    assert_eq!(bound.certificate_fingerprint(), Some(expected.as_str()));
    assert_eq!(bound.scheme(), "https");
    tokio::spawn(bound.serve(std::future::pending()));

    let connector = TlsConnector::from(reset_proxy::device_tls::client_config().unwrap());
    let tcp = TcpStream::connect(addr).await.unwrap();
    let mut tls = connector
        .connect(ServerName::IpAddress(addr.ip().into()), tcp)
        .await
        .unwrap();
    let request = format!(
        "GET /api/v1/health HTTP/1.1\r\nHost: {addr}\r\nOrigin: https://{addr}\r\nx-reset-wizard: 1\r\nConnection: close\r\n\r\n"
    );
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    tls.read_to_string(&mut answer).await.unwrap_or_default();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.contains("; Secure"),
        "the session cookie must be Secure over TLS: {answer}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_session_that_spoke_https_to_devsim_stops_when_its_certificate_changes() {
    let Some(device) = devsim_on_port_443(44).await else {
        eprintln!("skipped: binding port 443 needs root or CAP_NET_BIND_SERVICE");
        return;
    };
    let https = device.https_addr.unwrap();
    assert_eq!(https.port(), 443);
    let proxy = start(config(&[https])).await;
    let prefix = prefix_of(https);
    let activate = format!("{prefix}{}", paths::ACTIVATE_STATUS);

    // Port 443 is spoken to over HTTPS from the first call, and the certificate pinned.
    let mut browser = Session::new(proxy);
    let first = browser.send(Raw::new("GET", &activate)).await;
    assert_eq!(first.envelope().status, 200, "{}", first.body);
    assert!(
        ActivationStatus::from_xml(&first.envelope().body)
            .unwrap()
            .activated
    );
    let qr = browser
        .send(Raw::new(
            "GET",
            &format!("{prefix}{}?format=json", paths::EMAIL_QR_CODE),
        ))
        .await;
    assert_eq!(qr.envelope().status, 200, "{}", qr.body);
    let code = device.mailbox_code().unwrap();

    device.replace_certificate().unwrap().unwrap();
    let changed = browser.send(Raw::new("GET", &activate)).await;
    assert_eq!(
        (changed.status, changed.code().as_str()),
        (502, "device_certificate_changed"),
        "{}",
        changed.body
    );
    // Not even the right code and a new password reach a device that changed its certificate.
    let submit = browser
        .send(
            Raw::new(
                "PUT",
                &format!("{prefix}{}?format=json", paths::EMAIL_CERTIFICATION),
            )
            .body("application/json", certification(&code, "N3w-Passw0rd!x")),
        )
        .await;
    assert_eq!(
        (submit.status, submit.code().as_str()),
        (502, "device_certificate_changed")
    );
    let state = device.state();
    assert!(
        !state.password_changed && state.failed_code_tries == 0,
        "{state:?}"
    );

    // A fresh session pins the new certificate and gets on with it.
    let mut fresh = Session::new(proxy);
    let answer = fresh.send(Raw::new("GET", &activate)).await;
    assert_eq!(answer.envelope().status, 200, "{}", answer.body);
}

#[tokio::test]
async fn a_device_redirecting_to_devsims_https_is_pinned_until_devsim_replaces_its_certificate() {
    let identity = devsim::DeviceIdentity::random(devsim::Profile::Nvr);
    let device = devsim::start(devsim::Config::loopback(identity).with_https())
        .await
        .unwrap();
    let https = device.https_addr.unwrap();
    // devsim does not redirect by itself; its HTTP side here is a stand-in that does.
    let http = redirecting_to(https.port()).await;
    let proxy = start(config(&[http.addr, https])).await;
    let activate = format!("{}{}", http.prefix(), paths::ACTIVATE_STATUS);

    let mut browser = Session::new(proxy);
    for _ in 0..2 {
        let answer = browser.send(Raw::new("GET", &activate)).await;
        assert_eq!(answer.envelope().status, 200, "{}", answer.body);
        assert!(
            ActivationStatus::from_xml(&answer.envelope().body)
                .unwrap()
                .activated
        );
    }
    assert_eq!(
        http.requests().len(),
        1,
        "the session should remember HTTPS"
    );

    // Replaced through devsim's control endpoint, as a test driving it from outside would.
    let before = device.certificate_pem().unwrap();
    let replaced: serde_json::Value = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{}/devsim/certificate", device.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let after = device.certificate_pem().unwrap();
    assert_ne!(before, after);
    assert_eq!(replaced["pem"].as_str(), Some(after.as_str()));

    let changed = browser.send(Raw::new("GET", &activate)).await;
    assert_eq!(
        (changed.status, changed.code().as_str()),
        (502, "device_certificate_changed")
    );
    let fresh = Raw::new("GET", &activate).send(proxy).await;
    assert_eq!(fresh.envelope().status, 200, "{}", fresh.body);
}
