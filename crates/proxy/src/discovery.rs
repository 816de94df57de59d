//! SADP discovery: scans of a few probes over ~3 s, answers cached by MAC, refreshed when older
//! than a minute and forgotten after two. Probe targets always come from the caller's config.

use crate::error::ApiError;
use protocol::sadp::{probe_message, ProbeMatch};
use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Answers larger than this are not ProbeMatches.
const MAX_DATAGRAM: usize = 8192;
/// Probes per scan, spread over the scan (a lost datagram gets another chance).
const PROBES_PER_SCAN: u32 = 3;

/// How discovery behaves; from [`crate::Config`].
#[derive(Debug, Clone)]
pub struct DiscoverySettings {
    /// Where probes go (multicast group, or loopback devsims in tests).
    pub targets: Vec<SocketAddr>,
    /// How long a request waits for a running scan before answering with what is known.
    pub first_answers: Duration,
    /// How long one scan probes and listens.
    pub scan: Duration,
    /// Results older than this start a new scan on the next request.
    pub refresh: Duration,
    /// Devices unseen this long are dropped.
    pub forget: Duration,
}

/// What a request gets: the devices known now, and whether a scan is still looking.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// One per device, sorted by address.
    pub devices: Vec<ProbeMatch>,
    /// True while probes are still going out; ask again for late answers.
    pub scanning: bool,
}

#[derive(Default)]
struct Cache {
    devices: HashMap<String, (ProbeMatch, Instant)>,
    last_scan: Option<Instant>,
    scan_started: Option<Instant>,
}

/// The discovery service with its cache; one per proxy.
pub struct Discoverer {
    settings: DiscoverySettings,
    cache: Mutex<Cache>,
    scan_done: Notify,
}

impl Discoverer {
    /// A service with an empty cache; nothing is sent until the first request.
    pub fn new(settings: DiscoverySettings) -> Arc<Self> {
        Arc::new(Discoverer {
            settings,
            cache: Mutex::new(Cache::default()),
            scan_done: Notify::new(),
        })
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The known devices, scanning first when the cache is stale (or `refresh` asks for it) and
    /// waiting a little for a running scan's first answers.
    pub async fn list(self: &Arc<Self>, refresh: bool) -> Result<Snapshot, ApiError> {
        let now = Instant::now();
        let needs_scan = {
            let cache = self.cache();
            cache.scan_started.is_none()
                && (refresh
                    || cache
                        .last_scan
                        .is_none_or(|at| now.duration_since(at) >= self.settings.refresh))
        };
        if needs_scan {
            self.start_scan().await?;
        }
        let started = self.cache().scan_started;
        if let Some(started) = started {
            let notified = self.scan_done.notified();
            let _ = tokio::time::timeout_at(started + self.settings.first_answers, notified).await;
        }
        let now = Instant::now();
        let mut cache = self.cache();
        let forget = self.settings.forget;
        cache
            .devices
            .retain(|_, (_, seen)| now.duration_since(*seen) < forget);
        let mut devices: Vec<ProbeMatch> = cache.devices.values().map(|(d, _)| d.clone()).collect();
        devices.sort_by(|a, b| a.ipv4.cmp(&b.ipv4).then(a.serial.cmp(&b.serial)));
        Ok(Snapshot {
            devices,
            scanning: cache.scan_started.is_some(),
        })
    }

    async fn start_scan(self: &Arc<Self>) -> Result<(), ApiError> {
        let mut sockets = Vec::new();
        for v4 in [true, false] {
            let targets: Vec<SocketAddr> = self
                .settings
                .targets
                .iter()
                .copied()
                .filter(|t| t.is_ipv4() == v4)
                .collect();
            if targets.is_empty() {
                continue;
            }
            let local: SocketAddr = if v4 {
                (Ipv4Addr::UNSPECIFIED, 0).into()
            } else {
                (Ipv6Addr::UNSPECIFIED, 0).into()
            };
            let socket = UdpSocket::bind(local)
                .await
                .map_err(|err| ApiError::Discovery(format!("binding a UDP socket: {err}")))?;
            if v4 {
                // Devices answer from the same segment; never let a probe leave it.
                let _ = socket.set_multicast_ttl_v4(1);
            }
            sockets.push((socket, targets));
        }
        {
            let mut cache = self.cache();
            if cache.scan_started.is_some() {
                return Ok(());
            }
            let now = Instant::now();
            cache.scan_started = Some(now);
            cache.last_scan = Some(now);
        }
        let me = self.clone();
        tokio::spawn(async move {
            let scans = sockets
                .into_iter()
                .map(|(socket, targets)| me.clone().scan(socket, targets));
            for scan in scans.collect::<Vec<_>>() {
                scan.await;
            }
            me.cache().scan_started = None;
            me.scan_done.notify_waiters();
        });
        Ok(())
    }

    /// Sends the probes on a schedule and records every answer as it arrives.
    async fn scan(self: Arc<Self>, socket: UdpSocket, targets: Vec<SocketAddr>) {
        let start = Instant::now();
        let deadline = start + self.settings.scan;
        let spacing = self.settings.scan / PROBES_PER_SCAN;
        let mut sent = 0;
        let mut next_probe = start;
        let mut buf = vec![0u8; MAX_DATAGRAM];
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(next_probe), if sent < PROBES_PER_SCAN => {
                    let probe = probe_message(&probe_uuid());
                    for target in &targets {
                        if let Err(err) = socket.send_to(probe.as_bytes(), target).await {
                            tracing::warn!(%target, %err, "sending a SADP probe");
                        }
                    }
                    sent += 1;
                    next_probe += spacing;
                }
                received = socket.recv_from(&mut buf) => {
                    let Ok((len, _from)) = received else { continue };
                    // Our own looped-back probe and anything else that is not a ProbeMatch fails here.
                    if let Ok(device) = ProbeMatch::parse(&buf[..len]) {
                        self.record(device);
                    }
                }
                _ = tokio::time::sleep_until(deadline) => break,
            }
        }
    }

    fn record(&self, device: ProbeMatch) {
        let key = device
            .mac
            .clone()
            .or_else(|| device.serial.clone())
            .unwrap_or_default()
            .to_ascii_lowercase();
        tracing::debug!(model = ?device.model, "a device answered discovery");
        self.cache().devices.insert(key, (device, Instant::now()));
    }
}

/// A fresh uppercase GUID-shaped id for the probe; devices echo it but do not check it.
fn probe_uuid() -> String {
    let bytes: [u8; 16] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
