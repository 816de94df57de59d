//! SADP discovery messages: the multicast probe and the device's `<ProbeMatch>` answer.
//! Firmware is sloppy here, so the reader forgives case, typos, gaps and trailing garbage.

use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::proxy_api::Adapter;
use crate::xml::{self, escape, lenient_bool, Element, Leniency, XmlWriter};
use crate::ParseError;

/// The UDP port devices listen on for probes.
pub const SADP_PORT: u16 = 37020;

/// The multicast group probes are sent to (the SSDP group, on another port).
pub const SADP_MULTICAST_V4: Ipv4Addr = Ipv4Addr::new(239, 255, 255, 250);

/// The `<Types>` of an ordinary discovery probe.
pub const PROBE_TYPE_INQUIRY: &str = "inquiry";

/// The `<Types>` of the newer discovery probe some clients send beside [`PROBE_TYPE_INQUIRY`].
///
/// [assumed] Its shape: the same `<Probe>` with only `Types` changed, as an open-source client
/// sends it (hikvision-tooling's SADP scanner); no capture shows it, nor what firmware answers
/// (we expect the same `<ProbeMatch>`, which is read the same way). This is the one place the
/// guess lives: [`probe_message_of`] with this type is the whole probe.
pub const PROBE_TYPE_INQUIRY_V32: &str = "inquiry_v32";

/// The discovery probes a client sends each round, in order: firmware that ignores one kind
/// may answer the other.
pub const DISCOVERY_PROBE_TYPES: [&str; 2] = [PROBE_TYPE_INQUIRY, PROBE_TYPE_INQUIRY_V32];

/// The probe a client multicasts; `uuid` should be a fresh uppercase hyphenated GUID.
pub fn probe_message(uuid: &str) -> String {
    probe_message_of(PROBE_TYPE_INQUIRY, uuid)
}

/// A discovery probe of the given `<Types>` (one of [`DISCOVERY_PROBE_TYPES`]).
pub fn probe_message_of(types: &str, uuid: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Probe><Uuid>{}</Uuid><Types>{}</Types></Probe>",
        escape(uuid),
        escape(types)
    )
}

/// A probe as a device receives it, so the simulated device can answer it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Probe {
    /// `Uuid`, echoed back in the answer.
    pub uuid: Option<String>,
    /// `Types`, e.g. `inquiry` or `inquiry_v32`.
    pub types: Option<String>,
    /// `MAC` of the targeted device, for commands addressed to one device.
    pub mac: Option<String>,
}

impl Probe {
    /// Reads a probe datagram; fails when it is not a `<Probe>` (e.g. another device's answer).
    pub fn parse(bytes: &[u8]) -> Result<Self, ParseError> {
        let root = read_root(bytes, "SADP probe", "Probe")?;
        Ok(Probe {
            uuid: text(&root, "Uuid"),
            types: text(&root, "Types"),
            mac: text(&root, "MAC").map(|m| normalize_mac(&m)),
        })
    }

    /// Whether this is a discovery probe (`inquiry`, `inquiry_v32`, ...), not a command.
    pub fn is_inquiry(&self) -> bool {
        self.types
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().starts_with(PROBE_TYPE_INQUIRY))
    }
}

/// What a device says about itself in answer to a probe; every field may be missing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeMatch {
    /// `Uuid`: usually the probe's, but not always.
    pub uuid: Option<String>,
    /// `DeviceType`: a numeric model code, not "camera" or "NVR".
    pub device_type: Option<String>,
    /// `DeviceDescription`: the model, e.g. `DS-7804HQH-K1`.
    pub model: Option<String>,
    /// `DeviceSN`: model + date + serial, what support asks for.
    pub serial: Option<String>,
    /// `MAC`, normalised to lowercase with hyphens (the key to de-duplicate devices by).
    pub mac: Option<String>,
    /// `IPv4Address`.
    pub ipv4: Option<Ipv4Addr>,
    /// `IPv4SubnetMask`.
    pub ipv4_subnet_mask: Option<Ipv4Addr>,
    /// `IPv4Gateway`.
    pub ipv4_gateway: Option<Ipv4Addr>,
    /// `IPv6Address` (a zone suffix like `%eth0` is dropped).
    pub ipv6: Option<Ipv6Addr>,
    /// `HttpPort`.
    pub http_port: Option<u16>,
    /// `HttpsPort`.
    pub https_port: Option<u16>,
    /// `CommandPort`: the SDK port (8000 by default).
    pub command_port: Option<u16>,
    /// `SDKOverTLSPort`.
    pub sdk_over_tls_port: Option<u16>,
    /// `DHCP`: whether the address came from DHCP.
    pub dhcp: Option<bool>,
    /// `SoftwareVersion`: the firmware, e.g. `V3.5.38build 191215`.
    pub firmware: Option<String>,
    /// `DSPVersion`.
    pub dsp_version: Option<String>,
    /// `BootTime`: the "start time" support asks for.
    pub boot_time: Option<String>,
    /// `AnalogChannelNum`.
    pub analog_channels: Option<u32>,
    /// `DigitalChannelNum`.
    pub digital_channels: Option<u32>,
    /// `DiskNumber`.
    pub disk_number: Option<u32>,
    /// `OEMInfo`: the brand when the device is an OEM build.
    pub oem_info: Option<String>,
    /// `Activated`: whether an admin password has been set.
    pub activated: Option<bool>,
    /// `PasswordResetAbility`.
    pub password_reset_ability: Option<bool>,
    /// `ResetAbility`.
    pub reset_ability: Option<bool>,
    /// `PasswordResetModeSecond`.
    pub password_reset_mode_second: Option<bool>,
    /// `SyncIPCPassword`: an NVR can push a new password to its cameras.
    pub sync_ipc_password: Option<bool>,
    /// `DeviceLock`: the device *supports* locking; it does not say it is locked.
    pub supports_device_lock: Option<bool>,
    /// `SupportGUID`.
    pub support_guid: Option<bool>,
    /// `SupportSecurityQuestion`.
    pub support_security_question: Option<bool>,
    /// `SupportMailBox`: e-mail reset.
    pub support_mailbox: Option<bool>,
    /// `SupportHCPlatform`: Hik-Connect.
    pub support_hc_platform: Option<bool>,
    /// `HCPlatformEnable`.
    pub hc_platform_enable: Option<bool>,
    /// Which of the proxy's network adapters heard this answer: set by the proxy's discovery,
    /// never read from or written to the device's XML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found_on: Option<Adapter>,
}

impl ProbeMatch {
    /// Reads an answer datagram leniently; fails only when no `<ProbeMatch>` can be found.
    pub fn parse(bytes: &[u8]) -> Result<Self, ParseError> {
        let root = read_root(bytes, "SADP probe match", "ProbeMatch")?;
        let s = |name| text(&root, name);
        let flag = |name| root.text_of(name).and_then(lenient_bool);
        let num = |name| root.u32_of(name);
        let port = |name| root.text_of(name).and_then(|t| t.parse::<u16>().ok());
        let v4 = |name| root.text_of(name).and_then(|t| t.parse::<Ipv4Addr>().ok());
        Ok(ProbeMatch {
            uuid: s("Uuid"),
            device_type: s("DeviceType"),
            model: s("DeviceDescription"),
            serial: s("DeviceSN"),
            mac: s("MAC").map(|m| normalize_mac(&m)),
            ipv4: v4("IPv4Address"),
            ipv4_subnet_mask: v4("IPv4SubnetMask"),
            ipv4_gateway: v4("IPv4Gateway"),
            ipv6: root.text_of("IPv6Address").and_then(|t| {
                let address = t.split('%').next().unwrap_or(t);
                address.trim().parse().ok()
            }),
            http_port: port("HttpPort"),
            https_port: port("HttpsPort"),
            command_port: port("CommandPort"),
            sdk_over_tls_port: port("SDKOverTLSPort"),
            dhcp: flag("DHCP"),
            firmware: s("SoftwareVersion"),
            dsp_version: s("DSPVersion"),
            boot_time: s("BootTime"),
            analog_channels: num("AnalogChannelNum"),
            digital_channels: num("DigitalChannelNum"),
            disk_number: num("DiskNumber"),
            oem_info: s("OEMInfo"),
            activated: flag("Activated"),
            password_reset_ability: flag("PasswordResetAbility"),
            reset_ability: flag("ResetAbility"),
            password_reset_mode_second: flag("PasswordResetModeSecond"),
            sync_ipc_password: flag("SyncIPCPassword"),
            supports_device_lock: flag("DeviceLock"),
            support_guid: flag("SupportGUID"),
            support_security_question: flag("SupportSecurityQuestion"),
            support_mailbox: flag("SupportMailBox"),
            support_hc_platform: flag("SupportHCPlatform"),
            hc_platform_enable: flag("HCPlatformEnable"),
            found_on: None,
        })
    }

    /// Writes the answer as a device sends it, leaving out missing fields.
    pub fn to_xml(&self) -> String {
        let mut w = XmlWriter::bare("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "ProbeMatch");
        w.opt("Uuid", self.uuid.as_deref())
            .text("Types", PROBE_TYPE_INQUIRY)
            .opt("DeviceType", self.device_type.as_deref())
            .opt("DeviceDescription", self.model.as_deref())
            .opt("DeviceSN", self.serial.as_deref())
            .opt("CommandPort", self.command_port)
            .opt("HttpPort", self.http_port)
            .opt("HttpsPort", self.https_port)
            .opt("SDKOverTLSPort", self.sdk_over_tls_port)
            .opt("MAC", self.mac.as_deref())
            .opt("IPv4Address", self.ipv4)
            .opt("IPv4SubnetMask", self.ipv4_subnet_mask)
            .opt("IPv4Gateway", self.ipv4_gateway)
            .opt("IPv6Address", self.ipv6)
            .opt("DHCP", self.dhcp)
            .opt("AnalogChannelNum", self.analog_channels)
            .opt("DigitalChannelNum", self.digital_channels)
            .opt("DiskNumber", self.disk_number)
            .opt("SoftwareVersion", self.firmware.as_deref())
            .opt("DSPVersion", self.dsp_version.as_deref())
            .opt("BootTime", self.boot_time.as_deref())
            .opt("OEMInfo", self.oem_info.as_deref())
            .opt("Activated", self.activated)
            .opt("PasswordResetAbility", self.password_reset_ability)
            .opt("ResetAbility", self.reset_ability)
            .opt("PasswordResetModeSecond", self.password_reset_mode_second)
            .opt("SyncIPCPassword", self.sync_ipc_password)
            .opt("DeviceLock", self.supports_device_lock)
            .opt("SupportGUID", self.support_guid)
            .opt("SupportSecurityQuestion", self.support_security_question)
            .opt("SupportMailBox", self.support_mailbox)
            .opt("SupportHCPlatform", self.support_hc_platform)
            .opt("HCPlatformEnable", self.hc_platform_enable);
        w.finish()
    }
}

/// Parses a datagram and checks its root element's name.
fn read_root(
    bytes: &[u8],
    context: &'static str,
    expected: &'static str,
) -> Result<Element, ParseError> {
    let text = String::from_utf8_lossy(bytes);
    let root = xml::parse(&text, Leniency::Salvage, context)?;
    if !root.is(expected) {
        return Err(ParseError::UnexpectedRoot {
            context,
            expected,
            found: root.name,
        });
    }
    Ok(root)
}

/// The trimmed text of a child, `None` when absent or empty.
fn text(root: &Element, name: &str) -> Option<String> {
    root.text_of(name).map(str::to_owned)
}

/// Writes a MAC as lowercase hex pairs joined by hyphens; anything else is kept as sent.
pub fn normalize_mac(mac: &str) -> String {
    let mac = mac.trim();
    let pairs: Vec<&str> = mac.split(['-', ':']).collect();
    let well_formed = pairs.len() == 6
        && pairs
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()));
    if well_formed {
        pairs.join("-").to_ascii_lowercase()
    } else {
        mac.to_owned()
    }
}
