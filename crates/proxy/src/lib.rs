//! reset-proxy: serves the wizard, forwards allow-listed ISAPI calls, and discovers devices.
//! `main.rs` only parses flags; everything here is usable in-process by tests and the demo.

pub mod config;
pub mod discovery;
pub mod error;
pub mod forward;
pub mod routes;
pub mod targets;

pub use config::Config;

use anyhow::Context;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// A proxy bound to its socket, ready to serve.
pub struct Bound {
    listener: TcpListener,
    router: axum::Router,
}

impl Bound {
    /// Binds `config.listen` (port 0 picks a free one) and builds the router.
    pub async fn bind(config: Config) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        let router = routes::router(config)?;
        Ok(Bound { listener, router })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        self.listener
            .local_addr()
            .context("reading the bound address")
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await
            .context("serving HTTP")
    }
}
