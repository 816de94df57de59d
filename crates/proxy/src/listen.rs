//! The proxy's TLS: plain HTTP on loopback, TLS anywhere else (the operator's certificate
//! or a self-signed one whose fingerprint is printed), so codes never cross Wi-Fi in clear.

use crate::config::{Config, TlsFiles};
use crate::device_tls;
use anyhow::{bail, Context};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

/// The server side of TLS, with the certificate's fingerprint for people to compare.
pub struct ServerTls {
    /// Accepts TLS connections.
    pub acceptor: TlsAcceptor,
    /// SHA-256 of the leaf certificate, `AB:CD:…`.
    pub fingerprint: String,
    /// Whether the certificate was generated at start (not the operator's).
    pub self_signed: bool,
}

/// Whether `config` must serve TLS: the operator gave a certificate, or a listener is not loopback.
pub fn needs_tls(config: &Config) -> bool {
    config.tls.is_some()
        || config
            .listen_addrs()
            .iter()
            .any(|addr| !addr.ip().is_loopback())
}

/// The TLS settings `config` asks for, if any.
pub fn server_tls(config: &Config) -> anyhow::Result<Option<ServerTls>> {
    if !needs_tls(config) {
        return Ok(None);
    }
    let (chain, key, self_signed) = match &config.tls {
        Some(files) => {
            let (chain, key) = load(files)?;
            (chain, key, false)
        }
        None => {
            let (chain, key) = self_signed(config)?;
            (chain, key, true)
        }
    };
    let Some(leaf) = chain.first() else {
        bail!("the certificate file holds no certificate");
    };
    let fingerprint = device_tls::fingerprint_text(&device_tls::fingerprint(leaf));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("choosing TLS versions")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("using the certificate and key")?;
    server.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Some(ServerTls {
        acceptor: TlsAcceptor::from(Arc::new(server)),
        fingerprint,
        self_signed,
    }))
}

fn load(
    files: &TlsFiles,
) -> anyhow::Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)> {
    let chain = CertificateDer::pem_file_iter(&files.cert)
        .with_context(|| format!("reading {}", files.cert.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("reading certificates from {}", files.cert.display()))?;
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .with_context(|| format!("reading the private key from {}", files.key.display()))?;
    Ok((chain, key))
}

/// A certificate for the listen addresses, loopback and the configured names.
fn self_signed(
    config: &Config,
) -> anyhow::Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)> {
    let mut names = vec!["localhost".to_string(), "127.0.0.1".into(), "::1".into()];
    names.extend(
        config
            .listen_addrs()
            .iter()
            .filter(|a| !a.ip().is_unspecified())
            .map(|a| a.ip().to_string()),
    );
    names.extend(config.host_names.iter().cloned());
    names.dedup();
    let generated =
        rcgen::generate_simple_self_signed(names).context("generating a certificate")?;
    let key = PrivatePkcs8KeyDer::from(generated.signing_key.serialize_der());
    Ok((vec![generated.cert.der().clone()], key.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    #[test]
    fn a_lan_listener_gets_a_self_signed_certificate_and_loopback_stays_plain() {
        let sadp = SocketAddr::from(([127, 0, 0, 1], 9));
        let loopback = Config::new(SocketAddr::from(([127, 0, 0, 1], 8080)), sadp);
        assert!(!needs_tls(&loopback));
        assert!(server_tls(&loopback)
            .unwrap_or_else(|_| unreachable!())
            .is_none());

        let mut lan = loopback.clone();
        lan.also_listen = vec![SocketAddr::from(([192, 168, 1, 10], 8443))];
        let tls = server_tls(&lan)
            .unwrap_or_else(|err| panic!("{err}"))
            .unwrap_or_else(|| panic!("a LAN listener must serve TLS"));
        assert!(tls.self_signed);
        assert_eq!(tls.fingerprint.len(), 32 * 3 - 1, "{}", tls.fingerprint);
    }
}
