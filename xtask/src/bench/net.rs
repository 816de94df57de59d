//! Loopback plumbing for the server benchmarks: free ports, child processes that are stopped
//! when dropped, bounded waits, and an HTTP client that never uses a system proxy.

use anyhow::{bail, Context, Result};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Child;
use std::time::{Duration, Instant};

/// A free port on 127.0.0.1 (bound and released; the server binds it right after).
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

/// Waits until something accepts connections at `addr`, for at most `limit`.
pub fn wait_for_port(addr: SocketAddr, limit: Duration, what: &str) -> Result<()> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("{what} did not listen on {addr} within {limit:?}")
}

/// A process this benchmark started; killed (by its own handle) when dropped.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An HTTP client for loopback: 10 s per request, no proxy from the environment, and error
/// statuses returned as answers (the checks look at them).
pub fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .proxy(None)
        .http_status_as_error(false)
        .build()
        .into()
}

/// The headers a same-origin wizard page sends to the proxy's API.
pub const WIZARD_HEADERS: [(&str, &str); 2] =
    [("X-Reset-Wizard", "1"), ("Sec-Fetch-Site", "same-origin")];
