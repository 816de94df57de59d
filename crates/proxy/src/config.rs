//! The proxy's settings, built by `main.rs` from flags, environment and a TOML file, or directly
//! by tests. [`Config::new`] gives the safe defaults; every other field is optional to change.

use crate::targets::IpRange;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Everything the proxy needs to know to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub listen: SocketAddr,
    /// More addresses to listen on (the binary adds `[::1]` beside `127.0.0.1`).
    pub also_listen: Vec<SocketAddr>,
    /// The built wizard's folder; without one, the embedded wizard (if built in) or a page
    /// explaining how to build it.
    pub dist: Option<PathBuf>,
    /// Exact device addresses allowed whatever their range (e.g. the demo's devsim on loopback).
    pub extra_devices: Vec<SocketAddr>,
    /// Address ranges allowed besides the private LAN ranges (public addresses only this way).
    pub allowed_device_ranges: Vec<IpRange>,
    /// Whether devices on loopback may be reached at all (tests and development only).
    pub allow_loopback_devices: bool,
    /// Where SADP probes go: the multicast group in production, a loopback devsim in tests.
    pub sadp_target: SocketAddr,
    /// More probe targets, e.g. a devsim per port in tests or a subnet multicast can't reach.
    pub extra_sadp_targets: Vec<SocketAddr>,
    /// How long `GET /api/v1/devices` waits for a scan that is still running before answering.
    pub discovery_window: Duration,
    /// How long one scan goes on probing and listening.
    pub discovery_duration: Duration,
    /// A cached device list older than this is refreshed by the next request.
    pub discovery_refresh: Duration,
    /// A device unseen for this long is dropped from the list.
    pub discovery_forget: Duration,
    /// How long a device may take to accept a connection.
    pub connect_timeout: Duration,
    /// How long a whole device exchange may take.
    pub request_timeout: Duration,
    /// The largest request or device answer body, in bytes.
    pub max_body: usize,
    /// How many device calls may be in flight at once, for all clients together.
    pub max_device_calls: usize,
    /// Host names (besides loopback names and the listen addresses) the proxy answers to.
    pub host_names: Vec<String>,
    /// Origins of other pages allowed to call the API (a help center embedding the wizard).
    pub allowed_origins: Vec<String>,
    /// The CSP `frame-ancestors` value: who may frame the wizard.
    pub frame_ancestors: String,
    /// The operator's certificate and key (PEM); without them a LAN listener gets a self-signed one.
    pub tls: Option<TlsFiles>,
    /// How long an unused wizard session (device cookies, pinned certificates) is kept.
    pub session_idle: Duration,
    /// Code, answer and password submissions allowed per device within `attempt_window`.
    pub attempts_per_device: usize,
    /// Code, answer and password submissions allowed per client within `attempt_window`.
    pub attempts_per_client: usize,
    /// The window the attempt limits count over (the device's own lock lasts about as long).
    pub attempt_window: Duration,
    /// Whether this is the demo (shown to the wizard, which then labels things as such).
    pub demo: bool,
    /// The demo device's mailbox, shown at `/api/v1/demo/mailbox` in demo mode only.
    pub demo_mailbox: Option<DemoMailbox>,
    /// The demo device owner's answers and GUID file, at `/api/v1/demo/secrets` (demo only).
    pub demo_secrets: Option<DemoSecrets>,
    /// The [assumed] protocol details: which calls the GUID-file reset and SyncIPCPassword use
    /// (allow-listed) and which field names hold secrets (redacted from transcripts).
    pub device_profile: protocol::profile::DeviceProfile,
    /// Where `--record` writes redacted transcripts (`.json`: one document; else JSON lines).
    pub record: Option<PathBuf>,
    /// Bounds on the proxy's own connections (browsers and anyone else who connects).
    pub connections: ConnectionLimits,
    /// Which listeners answer API calls only with the pairing secret (by default those beyond
    /// loopback).
    pub pairing: crate::pairing::PairingPolicy,
}

/// How many connections the proxy serves at once and how long each may take, so slow, idle
/// or endless clients can't hold its memory or its sockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections served at once; the next one waits `slot_wait` for a free slot, then is closed.
    pub max_open: usize,
    /// Connections one client (an IPv4 address, an IPv6 /64) may hold open at once; one more
    /// is closed at once, so one host can't take every slot with idle or slow connections.
    pub per_client: usize,
    /// How long an accepted connection waits for a slot when all are taken.
    pub slot_wait: Duration,
    /// How long a TLS client may take to finish its handshake.
    pub tls_handshake: Duration,
    /// How long a request's head may take to arrive, counted from the first read; the same
    /// bound closes a kept-alive connection left idle between requests.
    pub header_read: Duration,
    /// After this long a connection is asked to close once its current answer is sent.
    pub max_age: Duration,
    /// How long a connection asked to close (by age or shutdown) may still take before it is cut.
    pub drain: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            // A wizard uses a handful; browsers open at most six per origin.
            max_open: 256,
            // A browser opens at most six per origin; the wizard and a probe or two fit.
            per_client: 32,
            slot_wait: Duration::from_millis(250),
            tls_handshake: Duration::from_secs(10),
            header_read: Duration::from_secs(15),
            max_age: Duration::from_secs(5 * 60),
            drain: Duration::from_secs(30),
        }
    }
}

/// A certificate chain and private key, both PEM files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert: PathBuf,
    /// The private key.
    pub key: PathBuf,
}

/// Reads the code the simulated device "e-mailed" (demo only).
#[derive(Clone)]
pub struct DemoMailbox(pub Arc<dyn Fn() -> Option<String> + Send + Sync>);

/// Reads what the demo device's owner would know (demo only).
#[derive(Clone)]
pub struct DemoSecrets(pub Arc<dyn Fn() -> protocol::proxy_api::DemoSecrets + Send + Sync>);

impl fmt::Debug for DemoSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DemoSecrets")
    }
}

impl fmt::Debug for DemoMailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DemoMailbox")
    }
}

impl Config {
    /// Settings with the given listen address and SADP target, and safe defaults for the rest.
    pub fn new(listen: SocketAddr, sadp_target: SocketAddr) -> Self {
        Config {
            listen,
            also_listen: Vec::new(),
            dist: None,
            extra_devices: Vec::new(),
            allowed_device_ranges: Vec::new(),
            allow_loopback_devices: false,
            sadp_target,
            extra_sadp_targets: Vec::new(),
            discovery_window: Duration::from_millis(1200),
            discovery_duration: Duration::from_secs(3),
            discovery_refresh: Duration::from_secs(60),
            discovery_forget: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(10),
            max_body: 64 * 1024,
            max_device_calls: 32,
            host_names: Vec::new(),
            allowed_origins: Vec::new(),
            frame_ancestors: "'self'".to_string(),
            tls: None,
            session_idle: Duration::from_secs(2 * 60 * 60),
            // The device locks after 5 wrong tries (some DVRs 7): stay well under.
            attempts_per_device: 3,
            attempts_per_client: 6,
            attempt_window: Duration::from_secs(30 * 60),
            demo: false,
            demo_mailbox: None,
            demo_secrets: None,
            device_profile: protocol::profile::DeviceProfile::default(),
            record: None,
            connections: ConnectionLimits::default(),
            pairing: crate::pairing::PairingPolicy::default(),
        }
    }

    /// Every address to listen on.
    pub fn listen_addrs(&self) -> Vec<SocketAddr> {
        let mut all = vec![self.listen];
        all.extend(self.also_listen.iter().copied());
        all
    }
}
