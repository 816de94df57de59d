//! The SADP responder: answers an inquiry probe of either kind with one ProbeMatch per simulated
//! device, to the sender only (never multicast), so one socket can stand for a whole LAN of devices.
//! Each answer leaves from the address the device gives in it, as a real device's does (clients
//! ignore answers from elsewhere).

use crate::identity::DeviceIdentity;
use protocol::sadp::{Probe, ProbeMatch, SADP_MULTICAST_V4};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use tokio::net::UdpSocket;

/// Probes are one short line; anything much larger is not a probe.
const MAX_DATAGRAM: usize = 8192;

/// What one device's ProbeMatch needs.
#[derive(Debug, Clone)]
pub(crate) struct Announced {
    pub identity: Arc<DeviceIdentity>,
    pub http: SocketAddr,
    pub https_port: Option<u16>,
    pub sync_ipc_password: bool,
    pub email_reset: bool,
    pub questions: bool,
    pub guid: bool,
    pub boot_time: String,
}

/// The responder's socket on `addr`. On the unspecified IPv4 address it also joins the SADP
/// group, as a device on a LAN listens, so multicast probes reach it (tests do this only inside
/// network namespaces they made); on any other address it hears only probes sent to it.
pub(crate) async fn bind(addr: SocketAddr) -> std::io::Result<UdpSocket> {
    let socket = UdpSocket::bind(addr).await?;
    if addr.ip() == IpAddr::V4(Ipv4Addr::UNSPECIFIED) {
        socket.join_multicast_v4(SADP_MULTICAST_V4, Ipv4Addr::UNSPECIFIED)?;
    }
    Ok(socket)
}

/// Answers probes on `socket` until the task is aborted.
pub(crate) async fn respond(socket: UdpSocket, devices: Vec<Announced>) {
    let listening = socket.local_addr().map(|a| a.ip()).ok();
    let mut senders = Vec::with_capacity(devices.len());
    for device in &devices {
        let own = device.http.ip();
        // The listening socket already sends from the device's address, or from whichever one
        // the route picks (bound to any address, as on a LAN).
        let shared = listening.is_none_or(|ip| ip == own || ip.is_unspecified());
        senders.push(if shared {
            None
        } else {
            match UdpSocket::bind(SocketAddr::new(own, 0)).await {
                Ok(sender) => Some(sender),
                Err(err) => {
                    tracing::warn!(%err, %own, "devsim SADP: answering from the listening address instead");
                    None
                }
            }
        });
    }
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
        for (device, sender) in devices.iter().zip(&senders) {
            let reply = probe_match(device, uuid.clone()).to_xml();
            let sender = sender.as_ref().unwrap_or(&socket);
            if let Err(err) = sender.send_to(reply.as_bytes(), from).await {
                tracing::warn!(%err, %from, "devsim SADP reply failed");
            }
        }
    }
}

/// The Uuid of an inquiry probe, or None for anything else (our own replies included).
fn probe_uuid(datagram: &[u8]) -> Option<String> {
    let probe = Probe::parse(datagram).ok().filter(Probe::is_inquiry)?;
    // Devices echo the Uuid but don't require one.
    Some(probe.uuid.unwrap_or_default())
}

fn probe_match(device: &Announced, uuid: String) -> ProbeMatch {
    let identity = &device.identity;
    let (ipv4, ipv6) = match device.http.ip() {
        IpAddr::V4(v4) => (Some(v4), None),
        IpAddr::V6(v6) => (None, Some(v6)),
    };
    let nvr = identity.profile.is_recorder();
    ProbeMatch {
        uuid: Some(uuid),
        // Numeric model codes as seen in captures: one for recorders, one for cameras.
        device_type: Some(if nvr { "44322" } else { "136" }.to_string()),
        model: Some(identity.model.clone()),
        serial: Some(identity.serial.clone()),
        mac: Some(identity.mac.clone()),
        ipv4,
        ipv4_subnet_mask: ipv4.map(|_| Ipv4Addr::new(255, 0, 0, 0)),
        ipv4_gateway: ipv4.map(|_| Ipv4Addr::new(127, 0, 0, 1)),
        ipv6,
        http_port: Some(device.http.port()),
        https_port: device.https_port,
        command_port: Some(8000),
        dhcp: Some(false),
        firmware: Some(identity.firmware.clone()),
        boot_time: Some(device.boot_time.clone()),
        analog_channels: Some(0),
        digital_channels: Some(if nvr { 8 } else { 1 }),
        activated: Some(identity.activated),
        password_reset_ability: Some(true),
        password_reset_mode_second: Some(true),
        sync_ipc_password: Some(device.sync_ipc_password),
        supports_device_lock: Some(true),
        support_guid: Some(device.guid),
        support_security_question: Some(device.questions),
        support_mailbox: Some(device.email_reset),
        support_hc_platform: Some(nvr),
        hc_platform_enable: Some(false),
        ..ProbeMatch::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::sadp::{probe_message_of, DISCOVERY_PROBE_TYPES};

    #[test]
    fn either_discovery_probe_is_answered_with_its_uuid() {
        for types in DISCOVERY_PROBE_TYPES {
            let probe = probe_message_of(types, "5F1E3B2A-0C4D-4E6F-8A9B-0123456789AB");
            assert_eq!(
                probe_uuid(probe.as_bytes()).as_deref(),
                Some("5F1E3B2A-0C4D-4E6F-8A9B-0123456789AB"),
                "{types}"
            );
        }
    }

    #[test]
    fn commands_and_answers_are_not_answered() {
        let command = probe_message_of("getencryptstring", "5F1E3B2A-0C4D-4E6F-8A9B-0123456789AB");
        assert_eq!(probe_uuid(command.as_bytes()), None);
        let answer = ProbeMatch::default().to_xml();
        assert_eq!(probe_uuid(answer.as_bytes()), None);
    }
}
