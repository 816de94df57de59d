//! The proxy's own sockets: plain HTTP on loopback, TLS anywhere else (the operator's certificate
//! or a self-signed one whose fingerprint is printed), so codes never cross Wi-Fi in clear.

use crate::config::{Config, TlsFiles};
use crate::device_tls;
use anyhow::{bail, Context};
use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// A slow or silent client gets this long to finish its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

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

/// Connections from all listeners, handed to the server one by one.
pub struct Incoming<Io> {
    connections: mpsc::Receiver<(Io, SocketAddr)>,
    local: SocketAddr,
    acceptors: Vec<JoinHandle<()>>,
}

impl<Io> Drop for Incoming<Io> {
    fn drop(&mut self) {
        for task in &self.acceptors {
            task.abort();
        }
    }
}

impl<Io> axum::serve::Listener for Incoming<Io>
where
    Io: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Io = Io;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Io, SocketAddr) {
        match self.connections.recv().await {
            Some(connection) => connection,
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}

/// The client's address, as handlers see it (`ConnectInfo<ClientAddr>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub SocketAddr);

impl<Io> Connected<IncomingStream<'_, Incoming<Io>>> for ClientAddr
where
    Io: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    fn connect_info(stream: IncomingStream<'_, Incoming<Io>>) -> Self {
        ClientAddr(*stream.remote_addr())
    }
}

/// Plain TCP connections from `listeners`.
pub fn plain(listeners: Vec<TcpListener>, local: SocketAddr) -> Incoming<tokio::net::TcpStream> {
    let (tx, rx) = mpsc::channel(64);
    let acceptors = listeners
        .into_iter()
        .map(|listener| {
            let tx = tx.clone();
            tokio::spawn(async move {
                loop {
                    match listener.accept().await {
                        Ok(connection) => {
                            if tx.send(connection).await.is_err() {
                                return;
                            }
                        }
                        // Out of file descriptors and the like: pause rather than spin.
                        Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                    }
                }
            })
        })
        .collect();
    Incoming {
        connections: rx,
        local,
        acceptors,
    }
}

/// TLS connections from `listeners`; each handshake runs on its own so a slow client can't
/// hold up others.
pub fn tls(
    listeners: Vec<TcpListener>,
    local: SocketAddr,
    acceptor: TlsAcceptor,
) -> Incoming<tokio_rustls::server::TlsStream<tokio::net::TcpStream>> {
    let (tx, rx) = mpsc::channel(64);
    let acceptors = listeners
        .into_iter()
        .map(|listener| {
            let tx = tx.clone();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                loop {
                    let Ok((stream, peer)) = listener.accept().await else {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    };
                    let tx = tx.clone();
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        let handshake =
                            tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await;
                        match handshake {
                            Ok(Ok(stream)) => {
                                let _ = tx.send((stream, peer)).await;
                            }
                            Ok(Err(err)) => tracing::debug!(%peer, %err, "TLS handshake failed"),
                            Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                        }
                    });
                }
            })
        })
        .collect();
    Incoming {
        connections: rx,
        local,
        acceptors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
