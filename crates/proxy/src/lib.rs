//! reset-proxy: serves the wizard, forwards allow-listed ISAPI calls, and discovers devices.
//! `main.rs` only parses flags; everything here is usable in-process by tests and the demo.

pub mod allow_list;
pub mod attempt_limits;
pub mod browser_guard;
pub mod config;
pub mod connections;
pub mod csp;
pub mod device_link;
pub mod device_tls;
pub mod discovery;
pub mod error;
pub mod forward;
pub mod help_center_demo;
pub mod listen;
pub mod pairing;
pub mod pins;
pub mod probe;
pub mod routes;
pub mod sessions;
pub mod site;
pub mod start;
pub mod targets;
pub mod transcripts;

pub use config::{Config, ConnectionLimits, DemoMailbox, DemoSecrets, TlsFiles};

use anyhow::Context;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// A proxy bound to its sockets, ready to serve.
pub struct Bound {
    listeners: Vec<TcpListener>,
    local: SocketAddr,
    router: axum::Router,
    tls: Option<listen::ServerTls>,
    limits: ConnectionLimits,
    pairing: Arc<pairing::Pairing>,
}

impl Bound {
    /// Binds `config.listen` (port 0 picks a free one) and the other listen addresses (on the
    /// same port when theirs is 0), sets up TLS when needed, and builds the router.
    pub async fn bind(mut config: Config) -> anyhow::Result<Self> {
        let first = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        let local = first.local_addr().context("reading the bound address")?;
        let mut listeners = vec![first];
        let mut also = Vec::new();
        for addr in &config.also_listen {
            let mut addr = *addr;
            if addr.port() == 0 {
                addr.set_port(local.port());
            }
            let listener = TcpListener::bind(addr)
                .await
                .with_context(|| format!("listening on {addr}"))?;
            also.push(listener.local_addr().context("reading the bound address")?);
            listeners.push(listener);
        }
        config.listen = local;
        config.also_listen = also;
        let tls = listen::server_tls(&config)?;
        let limits = config.connections;
        let pairing = Arc::new(pairing::Pairing::new(
            config.pairing,
            &config.listen_addrs(),
        ));
        let router = routes::router(config, pairing.clone())?;
        Ok(Bound {
            listeners,
            local,
            router,
            tls,
            limits,
            pairing,
        })
    }

    /// The first address actually bound.
    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.local)
    }

    /// Every address bound.
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect()
    }

    /// The scheme the proxy serves: `https` whenever it listens beyond loopback.
    pub fn scheme(&self) -> &'static str {
        if self.tls.is_some() {
            "https"
        } else {
            "http"
        }
    }

    /// The SHA-256 fingerprint of the certificate served, when serving TLS.
    pub fn certificate_fingerprint(&self) -> Option<&str> {
        self.tls.as_ref().map(|tls| tls.fingerprint.as_str())
    }

    /// The pairing secret the wizard must send, when a listener asks for one (see
    /// [`pairing`]); print it only inside the wizard's address, in the fragment.
    pub fn pairing_secret(&self) -> Option<&str> {
        self.pairing.secret()
    }

    /// The address to open the wizard at on `addr`, with the pairing secret in the fragment when
    /// that listener asks for it.
    pub fn wizard_url(&self, addr: SocketAddr) -> String {
        let base = format!("{}://{addr}/", self.scheme());
        match self.pairing.secret() {
            Some(secret) if self.pairing.wants(addr) => {
                format!("{base}#{}={secret}", protocol::proxy_api::PAIR_FRAGMENT_KEY)
            }
            _ => base,
        }
    }

    /// Whether the certificate served was generated at start.
    pub fn certificate_is_self_signed(&self) -> bool {
        self.tls.as_ref().is_some_and(|tls| tls.self_signed)
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let tls = self.tls.map(|tls| tls.acceptor);
        connections::serve(self.listeners, tls, self.router, self.limits, shutdown).await;
        Ok(())
    }
}
