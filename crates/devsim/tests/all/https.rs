//! HTTPS with a self-signed certificate, and replacing it at run time: what a client that pins
//! the certificate sees. Uses tokio-rustls with ring directly (no aws-lc-rs anywhere).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::*;
use devsim::Profile;
use protocol::isapi::ActivationStatus;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// GET `path` over TLS, trusting only `trusted` (DER); the body, or the TLS error.
async fn https_get(addr: SocketAddr, trusted: &[u8], path: &str) -> Result<String, String> {
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from(trusted.to_vec()))
        .map_err(|e| e.to_string())?;
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = ServerName::IpAddress(addr.ip().into());
    let mut tls = connector
        .connect(name, tcp)
        .await
        .map_err(|e| e.to_string())?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    // A peer that closes without close_notify is fine here: the body is all we need.
    let _ = tls.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    Ok(body.to_owned())
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    use base64::Engine as _;
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

#[tokio::test]
async fn https_serves_isapi_with_a_self_signed_certificate() {
    let device = start(config(Profile::Nvr).with_https()).await;
    let https = device.https_addr.unwrap();
    assert_eq!(https.ip(), device.http_addr.ip());
    let der = device.certificate_der().unwrap();
    let body = https_get(https, &der, "/SDK/activateStatus").await.unwrap();
    assert!(ActivationStatus::from_xml(&body).unwrap().activated);
    // The PEM the control endpoint shows is the same certificate.
    let shown: serde_json::Value =
        serde_json::from_str(&get(&device, "/devsim/certificate").await.body).unwrap();
    assert_eq!(pem_to_der(shown["pem"].as_str().unwrap()), der);
}

#[tokio::test]
async fn replacing_the_certificate_breaks_a_pin_on_the_old_one() {
    let device = start(config(Profile::Camera).with_https()).await;
    let https = device.https_addr.unwrap();
    let old = device.certificate_der().unwrap();
    let replaced = post(&device, "/devsim/certificate", String::new()).await;
    assert_eq!(replaced.status, 200);
    let value: serde_json::Value = serde_json::from_str(&replaced.body).unwrap();
    let new = pem_to_der(value["pem"].as_str().unwrap());
    assert_ne!(new, old);
    assert_eq!(device.certificate_der().unwrap(), new);

    let pinned_to_old = https_get(https, &old, "/SDK/activateStatus").await;
    assert!(pinned_to_old.is_err(), "{pinned_to_old:?}");
    assert!(https_get(https, &new, "/SDK/activateStatus").await.is_ok());
}

#[tokio::test]
async fn a_device_without_https_has_no_certificate() {
    let device = start(config(Profile::Nvr)).await;
    assert!(device.https_addr.is_none() && device.certificate_pem().is_none());
    assert_eq!(
        post(&device, "/devsim/certificate", String::new())
            .await
            .status,
        404
    );
}
