//! SADP discovery: one probe to the configured target, answers collected for a short window.
//! The target is always an argument, so no test can multicast by forgetting an override.

use crate::error::ApiError;
use protocol::sadp::{probe_message, ProbeMatch};
use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio::time::Instant;

/// Answers larger than this are not ProbeMatches.
const MAX_DATAGRAM: usize = 8192;

/// Probes `target` and returns the devices that answered within `window`, one per MAC.
pub async fn discover(target: SocketAddr, window: Duration) -> Result<Vec<ProbeMatch>, ApiError> {
    let local: SocketAddr = if target.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local)
        .await
        .map_err(|err| ApiError::Discovery(format!("binding a UDP socket: {err}")))?;
    if target.ip().is_multicast() {
        // Devices answer from the same segment; never let the probe leave it.
        let _ = socket.set_multicast_ttl_v4(1);
    }
    let probe = probe_message(&probe_uuid());
    socket
        .send_to(probe.as_bytes(), target)
        .await
        .map_err(|err| ApiError::Discovery(format!("sending the probe: {err}")))?;

    let deadline = Instant::now() + window;
    let mut found: HashMap<String, ProbeMatch> = HashMap::new();
    let mut buf = vec![0u8; MAX_DATAGRAM];
    while let Ok(Ok((len, _from))) =
        tokio::time::timeout_at(deadline, socket.recv_from(&mut buf)).await
    {
        let Ok(device) = ProbeMatch::parse(&buf[..len]) else {
            continue;
        };
        let key = device
            .mac
            .clone()
            .or_else(|| device.serial.clone())
            .unwrap_or_default();
        found.insert(key.to_ascii_lowercase(), device);
    }
    let mut devices: Vec<ProbeMatch> = found.into_values().collect();
    devices.sort_by(|a, b| a.ipv4.cmp(&b.ipv4).then(a.serial.cmp(&b.serial)));
    Ok(devices)
}

/// A fresh uppercase GUID-shaped id for the probe; devices echo it but do not check it.
fn probe_uuid() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let hex = format!("{:032X}", nanos ^ (u128::from(std::process::id()) << 64));
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
