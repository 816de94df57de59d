//! The proxy's settings, built by `main.rs` from flags or directly by tests.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Everything the proxy needs to know to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The built wizard's folder; without one, `/` explains how to build it.
    pub dist: Option<PathBuf>,
    /// Exact device addresses allowed besides the private LAN ranges (e.g. the demo's devsim).
    pub extra_devices: Vec<SocketAddr>,
    /// Where SADP probes go: the multicast group in production, a loopback devsim in tests.
    pub sadp_target: SocketAddr,
    /// How long one discovery listens for answers.
    pub discovery_window: Duration,
    /// How long a device may take to accept a connection.
    pub connect_timeout: Duration,
    /// How long a whole device exchange may take.
    pub request_timeout: Duration,
    /// Whether this is the demo (shown to the wizard, which then labels things as such).
    pub demo: bool,
}

impl Config {
    /// Settings with the given listen address and SADP target, and safe defaults for the rest.
    pub fn new(listen: SocketAddr, sadp_target: SocketAddr) -> Self {
        Config {
            listen,
            dist: None,
            extra_devices: Vec::new(),
            sadp_target,
            discovery_window: Duration::from_millis(1200),
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(10),
            demo: false,
        }
    }
}
