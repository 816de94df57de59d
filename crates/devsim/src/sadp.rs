//! The device's SADP responder: answers a probe with a ProbeMatch, to the sender only.

use crate::identity::DeviceIdentity;
use protocol::sadp::{Probe, ProbeMatch};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tokio::net::UdpSocket;

/// Probes are one short line; anything much larger is not a probe.
const MAX_DATAGRAM: usize = 8192;

/// Answers probes on `socket` until the task is aborted.
pub async fn respond(socket: UdpSocket, device: Arc<DeviceIdentity>, http: SocketAddr) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let (len, from) = match socket.recv_from(&mut buf).await {
            Ok(got) => got,
            Err(err) => {
                tracing::warn!(%err, "devsim SADP receive failed");
                continue;
            }
        };
        let Some(uuid) = probe_uuid(&buf[..len]) else {
            continue;
        };
        let reply = probe_match(&device, http, uuid).to_xml();
        if let Err(err) = socket.send_to(reply.as_bytes(), from).await {
            tracing::warn!(%err, %from, "devsim SADP reply failed");
        }
    }
}

/// The Uuid of an inquiry probe, or None for anything else (our own replies included).
fn probe_uuid(datagram: &[u8]) -> Option<String> {
    let probe = Probe::parse(datagram).ok().filter(Probe::is_inquiry)?;
    // Devices echo the Uuid but don't require one.
    Some(probe.uuid.unwrap_or_default())
}

fn probe_match(device: &DeviceIdentity, http: SocketAddr, uuid: String) -> ProbeMatch {
    let (ipv4, ipv6) = match http.ip() {
        IpAddr::V4(v4) => (Some(v4), None),
        IpAddr::V6(v6) => (None, Some(v6)),
    };
    ProbeMatch {
        uuid: Some(uuid),
        device_type: Some("44322".to_string()),
        model: Some(device.model.clone()),
        serial: Some(device.serial.clone()),
        mac: Some(device.mac.clone()),
        ipv4,
        ipv6,
        http_port: Some(http.port()),
        command_port: Some(8000),
        firmware: Some(device.firmware.clone()),
        boot_time: Some("2026-11-01 08:00:00".to_string()),
        activated: Some(device.activated),
        password_reset_ability: Some(true),
        ..ProbeMatch::default()
    }
}
