//! A simulated Hikvision device: ISAPI over HTTP and SADP over UDP, for tests and the demo.
//! Start it in-process with [`start`] or as the `devsim` binary; it only ever binds what it is given.

mod identity;
mod isapi;
mod sadp;

pub use identity::{DeviceIdentity, Profile};

use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

/// What to start: where to listen and which device to be.
/// Build it with [`Config::loopback`] and the `with_*` methods, so new settings keep defaults.
#[derive(Debug, Clone)]
pub struct Config {
    /// The HTTP (ISAPI) listen address; port 0 picks a free one.
    pub http: SocketAddr,
    /// The SADP (UDP) listen address, if discovery should answer.
    pub sadp: Option<SocketAddr>,
    /// The device to simulate.
    pub identity: DeviceIdentity,
}

impl Config {
    /// `identity` on a free loopback HTTP port, without SADP.
    pub fn loopback(identity: DeviceIdentity) -> Self {
        Config {
            http: SocketAddr::from(([127, 0, 0, 1], 0)),
            sadp: None,
            identity,
        }
    }

    /// Listens for HTTP on `addr` instead.
    pub fn with_http(mut self, addr: SocketAddr) -> Self {
        self.http = addr;
        self
    }

    /// Also answers SADP probes on `addr` (port 0 picks a free one).
    pub fn with_sadp(mut self, addr: SocketAddr) -> Self {
        self.sadp = Some(addr);
        self
    }
}

/// Failures while starting the simulated device.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The HTTP listener could not bind.
    #[error("devsim could not listen for HTTP on {addr}: {source}")]
    Http {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The SADP socket could not bind.
    #[error("devsim could not listen for SADP on {addr}: {source}")]
    Sadp {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A running simulated device; dropping it stops its servers.
pub struct Running {
    /// Where its ISAPI server listens.
    pub http_addr: SocketAddr,
    /// Where its SADP responder listens, if any.
    pub sadp_addr: Option<SocketAddr>,
    /// The device it pretends to be.
    pub identity: Arc<DeviceIdentity>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Binds the device's sockets and serves them on the current tokio runtime.
pub async fn start(config: Config) -> Result<Running, StartError> {
    let listener = TcpListener::bind(config.http)
        .await
        .map_err(|source| StartError::Http {
            addr: config.http,
            source,
        })?;
    let http_addr = listener.local_addr().map_err(|source| StartError::Http {
        addr: config.http,
        source,
    })?;
    let identity = Arc::new(config.identity);
    let router = isapi::router(identity.clone());
    let mut tasks = vec![tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            tracing::error!(%err, "devsim HTTP server stopped");
        }
    })];

    let mut sadp_addr = None;
    if let Some(addr) = config.sadp {
        let socket = UdpSocket::bind(addr)
            .await
            .map_err(|source| StartError::Sadp { addr, source })?;
        sadp_addr = Some(
            socket
                .local_addr()
                .map_err(|source| StartError::Sadp { addr, source })?,
        );
        let identity = identity.clone();
        tasks.push(tokio::spawn(sadp::respond(socket, identity, http_addr)));
    }
    Ok(Running {
        http_addr,
        sadp_addr,
        identity,
        tasks,
    })
}
