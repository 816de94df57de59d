//! SADP discovery: scans of a few probes over ~3 s from one socket per network adapter, answers
//! cached by MAC with the adapter that heard them, refreshed after a minute, forgotten after two.
//!
//! Probe targets always come from the caller's config. A multicast target (the SADP group in
//! production) fans out: one socket per up, non-loopback IPv4 adapter address, sending to the
//! group and to that adapter's subnet broadcast, because a single socket on 0.0.0.0 reaches only
//! the default route's adapter (often a VPN or Wi-Fi, not the cameras' LAN). Any other target
//! (a loopback devsim in tests and the demo) is probed as given, from the address the routing
//! table picks, so loopback is probed only when a target asks for it.
//!
//! An answer counts only when it comes from the IPv4 address it advertises, and that address is
//! on the subnet of the adapter that heard it (or is the unicast target probed): another host
//! on the LAN can't list a device at someone else's address. The cache holds at most
//! [`MAX_DEVICES`] devices, and an answer with an overlong field is not a device.

use crate::error::ApiError;
use protocol::proxy_api::Adapter;
use protocol::sadp::{probe_message_of, ProbeMatch, DISCOVERY_PROBE_TYPES};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// Answers larger than this are not ProbeMatches.
const MAX_DATAGRAM: usize = 8192;
/// Devices the cache holds; answers from more are ignored until some are forgotten (a LAN host
/// inventing devices can't grow the proxy's memory).
pub const MAX_DEVICES: usize = 512;
/// The longest text field a device answer may carry (serials are ~50 characters); an answer
/// with a longer one is ignored.
pub const MAX_FIELD: usize = 128;
/// Probe rounds per scan, spread over the scan (a lost datagram gets another chance). Each round
/// sends every kind of probe to every target of a socket, so a scan sends a fixed number.
pub const PROBES_PER_SCAN: u32 = 3;
/// The most sockets one scan opens (adapter addresses plus other targets' sources): a machine
/// with hundreds of virtual adapters still sends a bounded number of probes.
pub const MAX_SOCKETS: usize = 32;

/// How much longer than one scan an ask with `after` waits for the running scan to end.
const SCAN_END_GRACE: Duration = Duration::from_secs(1);

/// How discovery behaves; from [`crate::Config`].
#[derive(Debug, Clone)]
pub struct DiscoverySettings {
    /// Where probes go: the multicast group (fanned out over every adapter), or addresses probed
    /// as given (loopback devsims in tests and the demo).
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

/// One address of one of this computer's network adapters, as the scan plan needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceAddr {
    /// The adapter's name (`eth0`, `wlan0`, `Ethernet 2`).
    pub name: String,
    /// The address.
    pub ip: IpAddr,
    /// The subnet's broadcast address, for IPv4 adapters that have one (not point-to-point).
    pub broadcast: Option<Ipv4Addr>,
    /// The subnet mask, for IPv4 adapters.
    pub netmask: Option<Ipv4Addr>,
    /// Whether the adapter is up and running (administratively up, with a link).
    pub up: bool,
}

impl InterfaceAddr {
    /// This computer's adapter addresses, as the operating system lists them.
    pub fn list() -> std::io::Result<Vec<InterfaceAddr>> {
        let found = if_addrs::get_if_addrs()?;
        Ok(found
            .into_iter()
            .map(|interface| InterfaceAddr {
                up: interface.is_oper_up(),
                ip: interface.ip(),
                broadcast: match &interface.addr {
                    if_addrs::IfAddr::V4(v4) => v4.broadcast,
                    if_addrs::IfAddr::V6(_) => None,
                },
                netmask: match &interface.addr {
                    if_addrs::IfAddr::V4(v4) => Some(v4.netmask),
                    if_addrs::IfAddr::V6(_) => None,
                },
                name: interface.name,
            })
            .collect())
    }

    /// Whether group probes go out from here: an up IPv4 address that is not loopback.
    fn probed(&self) -> bool {
        self.up && self.ip.is_ipv4() && !self.ip.is_loopback() && !self.ip.is_unspecified()
    }
}

/// One socket of a scan: the address it binds, the adapter its answers are credited to, and
/// where each probe round goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketPlan {
    /// The local address (bound with port 0; unspecified when no route was known).
    pub local: IpAddr,
    /// The adapter that address belongs to, shown as where a device was found.
    pub adapter: Option<Adapter>,
    /// The probe targets, each sent every kind of probe every round.
    pub targets: Vec<SocketAddr>,
    /// The IPv4 subnet of the adapter (its address and mask), when known: answers must come
    /// from inside it, or from a unicast target.
    pub subnet: Option<(Ipv4Addr, Ipv4Addr)>,
}

impl SocketPlan {
    /// Whether an answer received from `from` and advertising `device` counts: sent from the
    /// IPv4 address it advertises, which lies on this adapter's subnet or is a target probed as
    /// given (a device across a router, asked by its address).
    pub fn accepts(&self, from: SocketAddr, device: &ProbeMatch) -> bool {
        let IpAddr::V4(sender) = from.ip() else {
            return false;
        };
        if device.ipv4 != Some(sender) {
            return false;
        }
        let on_subnet = self.subnet.is_some_and(|(address, mask)| {
            u32::from(address) & u32::from(mask) == u32::from(sender) & u32::from(mask)
        });
        let asked = self
            .targets
            .iter()
            .any(|target| !fans_out(target) && target.ip() == from.ip());
        on_subnet || asked
    }
}

/// Whether every text field of an answer is short enough to be a device's.
pub fn plausible(device: &ProbeMatch) -> bool {
    [
        &device.uuid,
        &device.device_type,
        &device.model,
        &device.serial,
        &device.mac,
        &device.firmware,
        &device.dsp_version,
        &device.boot_time,
        &device.oem_info,
    ]
    .into_iter()
    .all(|field| field.as_ref().is_none_or(|text| text.len() <= MAX_FIELD))
}

/// The subnet of the IPv4 adapter address `local`, when the system listed its mask.
fn subnet_of(local: IpAddr, interfaces: &[InterfaceAddr]) -> Option<(Ipv4Addr, Ipv4Addr)> {
    let IpAddr::V4(address) = local else {
        return None;
    };
    let mask = interfaces.iter().find(|i| i.ip == local)?.netmask?;
    Some((address, mask))
}

/// Whether a target is sent from every adapter instead of as given: IPv4 multicast (the SADP
/// group) or the limited broadcast, which only ever reach the adapter they leave by.
fn fans_out(target: &SocketAddr) -> bool {
    matches!(target.ip(), IpAddr::V4(ip) if ip.is_multicast() || ip.is_broadcast())
}

/// Plans a scan's sockets (at most [`MAX_SOCKETS`]): for the fanned-out targets one socket per
/// probed adapter address, sending to them and, for a multicast group, to the adapter's subnet
/// broadcast on the same port; every other target from `source_of(target)`, its routing source,
/// sharing that address's socket. Never a loopback or down adapter unless a target is on it.
pub fn plan_sockets(
    targets: &[SocketAddr],
    interfaces: &[InterfaceAddr],
    source_of: impl Fn(SocketAddr) -> Option<IpAddr>,
) -> Vec<SocketPlan> {
    let (group, direct): (Vec<SocketAddr>, Vec<SocketAddr>) =
        targets.iter().partition(|t| fans_out(t));
    let mut plans: Vec<SocketPlan> = Vec::new();
    if !group.is_empty() {
        for interface in interfaces.iter().filter(|i| i.probed()) {
            if plans.len() >= MAX_SOCKETS {
                tracing::warn!(
                    max = MAX_SOCKETS,
                    "more network adapters than discovery probes from"
                );
                break;
            }
            if plans.iter().any(|p| p.local == interface.ip) {
                continue;
            }
            let mut to = Vec::new();
            for target in &group {
                push_new(&mut to, *target);
                if let (true, Some(broadcast)) = (target.ip().is_multicast(), interface.broadcast) {
                    push_new(&mut to, SocketAddr::from((broadcast, target.port())));
                }
            }
            plans.push(SocketPlan {
                local: interface.ip,
                adapter: Some(Adapter {
                    name: Some(interface.name.clone()),
                    address: interface.ip,
                }),
                targets: to,
                subnet: subnet_of(interface.ip, interfaces),
            });
        }
    }
    for target in direct {
        let local = source_of(target).unwrap_or(match target {
            SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            SocketAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        });
        if let Some(plan) = plans.iter_mut().find(|p| p.local == local) {
            push_new(&mut plan.targets, target);
        } else if plans.len() < MAX_SOCKETS {
            plans.push(SocketPlan {
                local,
                adapter: adapter_at(local, interfaces),
                targets: vec![target],
                subnet: subnet_of(local, interfaces),
            });
        } else {
            tracing::warn!(%target, max = MAX_SOCKETS, "too many discovery sockets; not probed");
        }
    }
    plans
}

fn push_new(targets: &mut Vec<SocketAddr>, target: SocketAddr) {
    if !targets.contains(&target) {
        targets.push(target);
    }
}

/// The adapter that owns `local`, named when the system listed it.
fn adapter_at(local: IpAddr, interfaces: &[InterfaceAddr]) -> Option<Adapter> {
    if local.is_unspecified() {
        return None;
    }
    let name = interfaces
        .iter()
        .find(|i| i.ip == local)
        .map(|i| i.name.clone());
    Some(Adapter {
        name,
        address: local,
    })
}

/// The address this computer sends to `target` from, by its routing table. Connecting a UDP
/// socket only picks the route: nothing is sent.
fn route_source(target: SocketAddr) -> Option<IpAddr> {
    let any: SocketAddr = match target {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = std::net::UdpSocket::bind(any).ok()?;
    socket.connect(target).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified()).then_some(ip)
}

/// Binds a planned socket, set so that its multicast leaves by its own adapter with TTL 1.
async fn open(plan: &SocketPlan) -> std::io::Result<UdpSocket> {
    let socket = UdpSocket::bind(SocketAddr::new(plan.local, 0)).await?;
    if let IpAddr::V4(local) = plan.local {
        // Devices answer from the same segment; never let a probe leave it.
        socket.set_multicast_ttl_v4(1)?;
        // The subnet's broadcast address is one of the targets.
        socket.set_broadcast(true)?;
        if !local.is_unspecified() {
            // Multicast goes out by this adapter, not by the default route's.
            socket2::SockRef::from(&socket).set_multicast_if_v4(&local)?;
        }
    }
    Ok(socket)
}

/// One round of probes: every kind to every target, each with a fresh Uuid.
fn probe_round(targets: &[SocketAddr]) -> Vec<(String, SocketAddr)> {
    DISCOVERY_PROBE_TYPES
        .iter()
        .flat_map(|types| {
            targets
                .iter()
                .map(move |target| (probe_message_of(types, &probe_uuid()), *target))
        })
        .collect()
}

/// The adapter a device is listed under: the one that heard it now, unless another adapter
/// already heard it during this scan (Wi-Fi and Ethernet on one LAN), so the list stays put.
fn adapter_to_show(
    known: Option<(Option<&Adapter>, Instant)>,
    scan_started: Option<Instant>,
    heard_on: Option<&Adapter>,
) -> Option<Adapter> {
    match (known, scan_started) {
        (Some((Some(earlier), seen)), Some(started)) if seen >= started => Some(earlier.clone()),
        _ => heard_on.cloned(),
    }
}

#[derive(Default)]
struct Cache {
    devices: HashMap<String, (ProbeMatch, Instant)>,
    last_scan: Option<Instant>,
    scan_started: Option<Instant>,
}

impl Cache {
    /// Drops the devices unseen for `forget`: the one rule for what the list still holds.
    fn drop_unseen(&mut self, forget: Duration) {
        let now = Instant::now();
        self.devices
            .retain(|_, (_, seen)| now.duration_since(*seen) < forget);
    }
}

/// The discovery service with its cache; one per proxy.
pub struct Discoverer {
    settings: DiscoverySettings,
    cache: Mutex<Cache>,
    scan_done: Notify,
    /// Woken when a device not yet in the cache answers, for requests waiting for more.
    device_added: Notify,
}

impl Discoverer {
    /// A service with an empty cache; nothing is sent until the first request.
    pub fn new(settings: DiscoverySettings) -> Arc<Self> {
        Arc::new(Discoverer {
            settings,
            cache: Mutex::new(Cache::default()),
            scan_done: Notify::new(),
            device_added: Notify::new(),
        })
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The known devices, scanning first when the cache is stale (or `refresh` asks for it).
    /// Without `after`, it waits a little for a running scan's first answers. With
    /// `after: Some(n)`, it answers as soon as more than `n` devices are known, or the scan
    /// ends, or one scan's length (and a second's grace) has passed: a wizard asks again with the count it has, so
    /// each device is shown as soon as it answers.
    pub async fn list(
        self: &Arc<Self>,
        refresh: bool,
        after: Option<usize>,
    ) -> Result<Snapshot, ApiError> {
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
        match after {
            None => self.wait_for_first_answers().await,
            Some(known) => self.wait_for_more_than(known).await,
        }
        Ok(self.snapshot())
    }

    async fn wait_for_first_answers(&self) {
        // Created before reading the state, so a scan ending in between still wakes it.
        let notified = self.scan_done.notified();
        let started = self.cache().scan_started;
        if let Some(started) = started {
            let _ = tokio::time::timeout_at(started + self.settings.first_answers, notified).await;
        }
    }

    async fn wait_for_more_than(&self, known: usize) {
        // The running scan began before this ask, so it ends within one scan's length; the
        // grace keeps a busy scheduler, late to end the scan, from answering "still scanning"
        // with nothing new, which would only send the wizard to ask again.
        let deadline = Instant::now() + self.settings.scan + SCAN_END_GRACE;
        loop {
            // Both created before the state is read: `notify_waiters` wakes every `Notified`
            // made before it, polled or not, so nothing between the check and the wait is lost.
            let added = self.device_added.notified();
            let done = self.scan_done.notified();
            {
                let mut cache = self.cache();
                cache.drop_unseen(self.settings.forget);
                if cache.scan_started.is_none() || cache.devices.len() > known {
                    return;
                }
            }
            tokio::select! {
                _ = added => {}
                _ = done => return,
                _ = tokio::time::sleep_until(deadline) => return,
            }
        }
    }

    /// The devices not yet forgotten, in address order, and whether a scan is running.
    fn snapshot(&self) -> Snapshot {
        let mut cache = self.cache();
        cache.drop_unseen(self.settings.forget);
        let mut devices: Vec<ProbeMatch> = cache.devices.values().map(|(d, _)| d.clone()).collect();
        devices.sort_by(|a, b| a.ipv4.cmp(&b.ipv4).then(a.serial.cmp(&b.serial)));
        Snapshot {
            devices,
            scanning: cache.scan_started.is_some(),
        }
    }

    /// What recent scans heard from the device at `device` (its IPv4 or IPv6 address, and its
    /// HTTP or HTTPS port when it announced them), without scanning: where it serves HTTPS, and
    /// its serial and MAC.
    pub fn known(&self, device: SocketAddr) -> Option<ProbeMatch> {
        let now = Instant::now();
        let cache = self.cache();
        cache
            .devices
            .values()
            .filter(|(_, seen)| now.duration_since(*seen) < self.settings.forget)
            .map(|(found, _)| found)
            .find(|found| {
                let address = match device.ip() {
                    IpAddr::V4(ip) => found.ipv4 == Some(ip),
                    IpAddr::V6(ip) => found.ipv6 == Some(ip),
                };
                let port = found.http_port.is_none_or(|p| p == device.port())
                    || found.https_port == Some(device.port());
                address && port
            })
            .cloned()
    }

    async fn start_scan(self: &Arc<Self>) -> Result<(), ApiError> {
        let targets = &self.settings.targets;
        let interfaces = match InterfaceAddr::list() {
            Ok(found) => found,
            Err(err) if targets.iter().any(fans_out) => {
                return Err(ApiError::Discovery(format!(
                    "listing the network adapters: {err}"
                )));
            }
            // Other targets are probed all the same; only their adapters' names are missing.
            Err(err) => {
                tracing::warn!(%err, "listing the network adapters");
                Vec::new()
            }
        };
        let mut sockets = Vec::new();
        let mut failed = None;
        for plan in plan_sockets(targets, &interfaces, route_source) {
            match open(&plan).await {
                Ok(socket) => sockets.push((socket, plan)),
                // One adapter that cannot be used (going away, no multicast) spoils nothing.
                Err(err) => {
                    tracing::warn!(local = %plan.local, %err, "opening a discovery socket");
                    failed = Some(err);
                }
            }
        }
        if let (true, Some(err)) = (sockets.is_empty(), failed) {
            return Err(ApiError::Discovery(format!("binding a UDP socket: {err}")));
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
            let mut scans = JoinSet::new();
            for (socket, plan) in sockets {
                scans.spawn(me.clone().scan(socket, plan));
            }
            while scans.join_next().await.is_some() {}
            me.cache().scan_started = None;
            me.scan_done.notify_waiters();
        });
        Ok(())
    }

    /// Sends the probe rounds on a schedule and records every answer as it arrives; the socket
    /// closes when the scan window ends.
    async fn scan(self: Arc<Self>, socket: UdpSocket, plan: SocketPlan) {
        let start = Instant::now();
        let deadline = start + self.settings.scan;
        let spacing = self.settings.scan / PROBES_PER_SCAN;
        let mut sent = 0;
        let mut next_probe = start;
        let mut buf = vec![0u8; MAX_DATAGRAM];
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(next_probe), if sent < PROBES_PER_SCAN => {
                    for (probe, target) in probe_round(&plan.targets) {
                        if let Err(err) = socket.send_to(probe.as_bytes(), target).await {
                            tracing::warn!(%target, local = %plan.local, %err, "sending a SADP probe");
                        }
                    }
                    sent += 1;
                    next_probe += spacing;
                }
                received = socket.recv_from(&mut buf) => {
                    let Ok((len, from)) = received else { continue };
                    // Our own looped-back probe and anything else that is not a ProbeMatch fails here.
                    let Ok(device) = ProbeMatch::parse(&buf[..len]) else { continue };
                    if plan.accepts(from, &device) && plausible(&device) {
                        self.record(device, plan.adapter.as_ref());
                    } else {
                        tracing::debug!(%from, "ignored a SADP answer not from the address it gives");
                    }
                }
                _ = tokio::time::sleep_until(deadline) => break,
            }
        }
    }

    fn record(&self, mut device: ProbeMatch, heard_on: Option<&Adapter>) {
        let key = device
            .mac
            .clone()
            .or_else(|| device.serial.clone())
            .unwrap_or_default()
            .to_ascii_lowercase();
        tracing::debug!(model = ?device.model, "a device answered discovery");
        let mut cache = self.cache();
        if !cache.devices.contains_key(&key) {
            cache.drop_unseen(self.settings.forget);
            if cache.devices.len() >= MAX_DEVICES {
                tracing::debug!(max = MAX_DEVICES, "discovery cache full; a device ignored");
                return;
            }
        }
        let known = cache
            .devices
            .get(&key)
            .map(|(known, seen)| (known.found_on.as_ref(), *seen));
        device.found_on = adapter_to_show(known, cache.scan_started, heard_on);
        let is_new = cache
            .devices
            .insert(key, (device, Instant::now()))
            .is_none();
        drop(cache);
        if is_new {
            self.device_added.notify_waiters();
        }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use protocol::sadp::{Probe, SADP_MULTICAST_V4, SADP_PORT};

    const GROUP: SocketAddr = SocketAddr::new(IpAddr::V4(SADP_MULTICAST_V4), SADP_PORT);

    fn v4(name: &str, ip: &str, broadcast: Option<&str>, up: bool) -> InterfaceAddr {
        InterfaceAddr {
            name: name.to_string(),
            ip: ip.parse().unwrap(),
            broadcast: broadcast.map(|b| b.parse().unwrap()),
            netmask: Some(if ip.starts_with("127.") {
                Ipv4Addr::new(255, 0, 0, 0)
            } else {
                Ipv4Addr::new(255, 255, 255, 0)
            }),
            up,
        }
    }

    fn subnet(ip: &str, mask: &str) -> Option<(Ipv4Addr, Ipv4Addr)> {
        Some((ip.parse().unwrap(), mask.parse().unwrap()))
    }

    /// A laptop: loopback, Ethernet, Wi-Fi, a VPN without broadcast, a down adapter, IPv6.
    fn laptop() -> Vec<InterfaceAddr> {
        vec![
            v4("lo", "127.0.0.1", None, true),
            v4("eth0", "192.168.1.20", Some("192.168.1.255"), true),
            v4("wlan0", "10.0.0.7", Some("10.0.0.255"), true),
            v4("tun0", "10.8.0.2", None, true),
            v4("eth1", "172.16.5.9", Some("172.16.5.255"), false),
            InterfaceAddr {
                name: "eth0".into(),
                ip: "fd00::20".parse().unwrap(),
                broadcast: None,
                netmask: None,
                up: true,
            },
        ]
    }

    fn adapter(name: &str, ip: &str) -> Option<Adapter> {
        Some(Adapter {
            name: Some(name.to_string()),
            address: ip.parse().unwrap(),
        })
    }

    fn no_route(_: SocketAddr) -> Option<IpAddr> {
        None
    }

    #[test]
    fn the_group_goes_out_of_every_up_ipv4_adapter_with_its_subnet_broadcast() {
        let plans = plan_sockets(&[GROUP], &laptop(), no_route);
        let broadcast = |ip: &str| SocketAddr::new(ip.parse().unwrap(), SADP_PORT);
        assert_eq!(
            plans,
            vec![
                SocketPlan {
                    local: "192.168.1.20".parse().unwrap(),
                    adapter: adapter("eth0", "192.168.1.20"),
                    targets: vec![GROUP, broadcast("192.168.1.255")],
                    subnet: subnet("192.168.1.20", "255.255.255.0"),
                },
                SocketPlan {
                    local: "10.0.0.7".parse().unwrap(),
                    adapter: adapter("wlan0", "10.0.0.7"),
                    targets: vec![GROUP, broadcast("10.0.0.255")],
                    subnet: subnet("10.0.0.7", "255.255.255.0"),
                },
                // Point-to-point: no broadcast address, the group only.
                SocketPlan {
                    local: "10.8.0.2".parse().unwrap(),
                    adapter: adapter("tun0", "10.8.0.2"),
                    targets: vec![GROUP],
                    subnet: subnet("10.8.0.2", "255.255.255.0"),
                },
            ],
            "never loopback, a down adapter or IPv6"
        );
    }

    #[test]
    fn a_loopback_target_is_probed_from_loopback_alone_as_tests_and_the_demo_ask() {
        let devsim: SocketAddr = "127.0.0.1:40001".parse().unwrap();
        let other: SocketAddr = "127.0.0.1:40002".parse().unwrap();
        let plans = plan_sockets(&[devsim, other], &laptop(), |_| {
            Some("127.0.0.1".parse().unwrap())
        });
        assert_eq!(
            plans,
            vec![SocketPlan {
                local: "127.0.0.1".parse().unwrap(),
                adapter: adapter("lo", "127.0.0.1"),
                targets: vec![devsim, other],
                subnet: subnet("127.0.0.1", "255.0.0.0"),
            }],
            "one socket for both, and no other adapter probed"
        );
    }

    #[test]
    fn a_unicast_target_shares_the_socket_of_its_routing_source() {
        let camera: SocketAddr = "192.168.1.64:37020".parse().unwrap();
        let plans = plan_sockets(&[GROUP, camera], &laptop(), |target| {
            assert_eq!(target, camera, "only unicast targets are routed");
            Some("192.168.1.20".parse().unwrap())
        });
        assert_eq!(plans.len(), 3);
        assert_eq!(plans[0].adapter, adapter("eth0", "192.168.1.20"));
        assert_eq!(plans[0].targets.last(), Some(&camera));
    }

    #[test]
    fn without_a_route_a_target_is_still_probed_from_any_address_without_an_adapter() {
        let target: SocketAddr = "[fd00::64]:37020".parse().unwrap();
        let plans = plan_sockets(&[target], &laptop(), no_route);
        assert_eq!(
            plans,
            vec![SocketPlan {
                local: IpAddr::V6(Ipv6Addr::UNSPECIFIED),
                adapter: None,
                targets: vec![target],
                subnet: None,
            }]
        );
    }

    #[test]
    fn an_adapter_the_system_did_not_list_is_shown_by_its_address() {
        let target: SocketAddr = "192.0.0.64:37020".parse().unwrap();
        let plans = plan_sockets(&[target], &[], |_| Some("192.0.0.10".parse().unwrap()));
        assert_eq!(
            plans[0].adapter,
            Some(Adapter {
                name: None,
                address: "192.0.0.10".parse().unwrap()
            })
        );
    }

    #[test]
    fn the_number_of_sockets_is_capped() {
        let many: Vec<InterfaceAddr> = (0..100u8)
            .map(|i| v4(&format!("veth{i}"), &format!("10.1.{i}.1"), None, true))
            .collect();
        let unicast: SocketAddr = "10.200.0.1:37020".parse().unwrap();
        let plans = plan_sockets(&[GROUP, unicast], &many, |_| {
            Some("10.200.0.2".parse().unwrap())
        });
        assert_eq!(plans.len(), MAX_SOCKETS);
        assert!(plans.iter().all(|p| p.targets == vec![GROUP]));
    }

    #[test]
    fn an_address_listed_twice_gets_one_socket() {
        let twice = vec![
            v4("eth0", "192.168.1.20", Some("192.168.1.255"), true),
            v4("eth0", "192.168.1.20", Some("192.168.1.255"), true),
        ];
        assert_eq!(plan_sockets(&[GROUP], &twice, no_route).len(), 1);
    }

    #[test]
    fn nothing_fans_out_without_a_group_target() {
        assert!(plan_sockets(&[], &laptop(), no_route).is_empty());
    }

    #[test]
    fn a_round_sends_both_probe_kinds_to_every_target_with_fresh_uuids() {
        let broadcast: SocketAddr = "192.168.1.255:37020".parse().unwrap();
        let round = probe_round(&[GROUP, broadcast]);
        assert_eq!(round.len(), DISCOVERY_PROBE_TYPES.len() * 2);
        let mut seen = Vec::new();
        let mut uuids = std::collections::HashSet::new();
        for (message, target) in &round {
            let probe = Probe::parse(message.as_bytes()).unwrap();
            assert!(probe.is_inquiry());
            uuids.insert(probe.uuid.unwrap());
            seen.push((probe.types.unwrap(), *target));
        }
        for types in DISCOVERY_PROBE_TYPES {
            for target in [GROUP, broadcast] {
                assert!(
                    seen.contains(&(types.to_string(), target)),
                    "{types} to {target}"
                );
            }
        }
        assert_eq!(uuids.len(), round.len());
    }

    fn answer(ipv4: &str) -> ProbeMatch {
        ProbeMatch {
            serial: Some("DS-2CD2143G2-I20240101AAWRF12345678".into()),
            mac: Some("44-19-b6-00-00-01".into()),
            ipv4: Some(ipv4.parse().unwrap()),
            ..ProbeMatch::default()
        }
    }

    fn from(ip: &str) -> SocketAddr {
        SocketAddr::new(ip.parse().unwrap(), SADP_PORT)
    }

    #[test]
    fn an_answer_counts_only_from_the_address_it_gives_on_the_adapters_subnet() {
        let plans = plan_sockets(&[GROUP], &laptop(), no_route);
        let eth0 = &plans[0];
        assert!(eth0.accepts(from("192.168.1.64"), &answer("192.168.1.64")));
        // Another host on the LAN answering for a device at someone else's address.
        assert!(!eth0.accepts(from("192.168.1.66"), &answer("192.168.1.64")));
        // A device that names no address, or one beyond this adapter's subnet.
        assert!(!eth0.accepts(from("192.168.1.64"), &ProbeMatch::default()));
        assert!(!eth0.accepts(from("10.0.0.64"), &answer("10.0.0.64")));
        assert!(!eth0.accepts(from("fd00::64"), &answer("192.168.1.64")));
        // The Wi-Fi socket hears its own subnet.
        assert!(plans[1].accepts(from("10.0.0.64"), &answer("10.0.0.64")));
    }

    #[test]
    fn a_unicast_target_across_a_router_is_heard_from_its_own_address() {
        let camera: SocketAddr = "192.168.5.64:37020".parse().unwrap();
        let plans = plan_sockets(&[camera], &laptop(), |_| {
            Some("192.168.1.20".parse().unwrap())
        });
        assert!(plans[0].accepts(from("192.168.5.64"), &answer("192.168.5.64")));
        assert!(!plans[0].accepts(from("192.168.5.65"), &answer("192.168.5.65")));
    }

    #[test]
    fn an_answer_with_an_overlong_field_is_not_a_device() {
        assert!(plausible(&answer("192.168.1.64")));
        let mut long = answer("192.168.1.64");
        long.model = Some("M".repeat(MAX_FIELD + 1));
        assert!(!plausible(&long));
    }

    #[test]
    fn the_cache_holds_a_bounded_number_of_devices() {
        let discoverer = Discoverer::new(DiscoverySettings {
            targets: Vec::new(),
            first_answers: Duration::from_millis(1),
            scan: Duration::from_millis(1),
            refresh: Duration::from_secs(60),
            forget: Duration::from_secs(120),
        });
        for n in 0..MAX_DEVICES * 2 {
            let mut device = answer("192.168.1.64");
            device.mac = Some(format!("44-19-b6-00-{:02x}-{:02x}", n / 256, n % 256));
            discoverer.record(device, None);
        }
        assert_eq!(discoverer.cache().devices.len(), MAX_DEVICES);
        // A device already known is still refreshed.
        let mut first = answer("192.168.1.65");
        first.mac = Some("44-19-b6-00-00-00".into());
        discoverer.record(first, None);
        assert_eq!(discoverer.cache().devices.len(), MAX_DEVICES);
        assert!(discoverer
            .cache()
            .devices
            .values()
            .any(|(d, _)| d.ipv4 == Some(Ipv4Addr::new(192, 168, 1, 65))));
    }

    #[test]
    fn a_device_heard_on_two_adapters_keeps_the_first_of_the_scan() {
        let wifi = adapter("wlan0", "10.0.0.7").unwrap();
        let ethernet = adapter("eth0", "192.168.1.20").unwrap();
        let started = Instant::now();
        let during = started + Duration::from_millis(10);
        let before = started.checked_sub(Duration::from_secs(60)).unwrap();
        assert_eq!(
            adapter_to_show(Some((Some(&wifi), during)), Some(started), Some(&ethernet)),
            Some(wifi.clone())
        );
        // Heard in an earlier scan only: this scan's adapter is the news.
        assert_eq!(
            adapter_to_show(Some((Some(&wifi), before)), Some(started), Some(&ethernet)),
            Some(ethernet.clone())
        );
        assert_eq!(
            adapter_to_show(None, Some(started), Some(&ethernet)),
            Some(ethernet.clone())
        );
        assert_eq!(
            adapter_to_show(Some((None, during)), Some(started), Some(&ethernet)),
            Some(ethernet)
        );
    }
}
