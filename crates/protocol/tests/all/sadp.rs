//! SADP probe and ProbeMatch: the captured DVR reply and the sloppiness real firmware shows.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::net::{Ipv4Addr, Ipv6Addr};

use common::{fixture, opt_text};
use proptest::prelude::*;
use protocol::proxy_api::Adapter;
use protocol::sadp::{
    probe_message, probe_message_of, Probe, ProbeMatch, DISCOVERY_PROBE_TYPES,
    PROBE_TYPE_INQUIRY_V32, SADP_MULTICAST_V4, SADP_PORT,
};
use protocol::ParseError;

#[test]
fn probe_is_byte_for_byte_the_captured_one() {
    assert_eq!(
        probe_message("12D17626-0DE1-48DB-97E3-40B106467932"),
        fixture("sadp_md/probe.xml")
    );
    assert_eq!(SADP_PORT, 37020);
    assert_eq!(SADP_MULTICAST_V4, Ipv4Addr::new(239, 255, 255, 250));
}

#[test]
fn captured_probe_reads_back() {
    let probe = Probe::parse(fixture("sadp_md/probe.xml").as_bytes()).unwrap();
    assert_eq!(
        probe.uuid.as_deref(),
        Some("12D17626-0DE1-48DB-97E3-40B106467932")
    );
    assert!(probe.is_inquiry());
}

#[test]
fn both_discovery_probes_differ_only_in_their_types() {
    let uuid = "12D17626-0DE1-48DB-97E3-40B106467932";
    assert_eq!(DISCOVERY_PROBE_TYPES, ["inquiry", "inquiry_v32"]);
    let v32 = probe_message_of(PROBE_TYPE_INQUIRY_V32, uuid);
    assert_eq!(
        v32,
        fixture("sadp_md/probe.xml").replace("<Types>inquiry<", "<Types>inquiry_v32<")
    );
    let read = Probe::parse(v32.as_bytes()).unwrap();
    assert_eq!(read.types.as_deref(), Some("inquiry_v32"));
    assert_eq!(read.uuid.as_deref(), Some(uuid));
    assert!(read.is_inquiry(), "a device must answer either kind");
}

#[test]
fn the_adapter_travels_in_the_api_json_but_never_in_the_device_xml() {
    let found = ProbeMatch {
        model: Some("DS-2CD2043G2-I".into()),
        found_on: Some(Adapter {
            name: Some("eth0".into()),
            address: "192.168.1.20".parse().unwrap(),
        }),
        ..ProbeMatch::default()
    };
    let json = serde_json::to_value(&found).unwrap();
    assert_eq!(
        json["foundOn"],
        serde_json::json!({"name": "eth0", "address": "192.168.1.20"})
    );
    assert_eq!(
        serde_json::from_value::<ProbeMatch>(json).unwrap(),
        found,
        "reads back"
    );
    assert_eq!(
        found.found_on.as_ref().unwrap().to_string(),
        "eth0 (192.168.1.20)"
    );

    let xml = found.to_xml();
    assert!(
        !xml.contains("eth0") && !xml.contains("192.168.1.20"),
        "{xml}"
    );
    assert_eq!(ProbeMatch::parse(xml.as_bytes()).unwrap().found_on, None);

    // An older proxy's record has no foundOn, and an unnamed adapter shows its address.
    let old: ProbeMatch = serde_json::from_str(r#"{"model": "DS-2CD2043G2-I"}"#).unwrap();
    assert_eq!(old.found_on, None);
    assert!(!serde_json::to_string(&old).unwrap().contains("foundOn"));
    let unnamed = Adapter {
        name: None,
        address: "10.0.0.5".parse().unwrap(),
    };
    assert_eq!(unnamed.to_string(), "10.0.0.5");
}

#[test]
fn real_dvr_reply_parses_field_by_field() {
    let m = ProbeMatch::parse(fixture("sadp_md/probe_match.dvr.xml").as_bytes()).unwrap();
    assert_eq!(
        m.uuid.as_deref(),
        Some("8282F1DB-2FA6-4709-B261-3C6B6A48CA17")
    );
    assert_eq!(m.device_type.as_deref(), Some("44322"));
    assert_eq!(m.model.as_deref(), Some("DS-7804HQH-K1"));
    assert_eq!(
        m.serial.as_deref(),
        Some("DS-7804HQH-K10420190822CCCHD53257168WCVU")
    );
    assert_eq!(m.command_port, Some(8000));
    assert_eq!(m.http_port, Some(80));
    assert_eq!(m.https_port, None);
    assert_eq!(m.mac.as_deref(), Some("68-6d-bc-ee-f8-f0"));
    assert_eq!(m.ipv4, Some(Ipv4Addr::new(192, 168, 1, 227)));
    assert_eq!(m.ipv4_subnet_mask, Some(Ipv4Addr::new(255, 255, 255, 0)));
    assert_eq!(m.ipv4_gateway, Some(Ipv4Addr::new(192, 168, 1, 1)));
    assert_eq!(
        m.ipv6,
        Some("fe80::6a6d:bcff:feee:f8f0".parse::<Ipv6Addr>().unwrap())
    );
    assert_eq!(m.dhcp, Some(false));
    assert_eq!(m.analog_channels, Some(4));
    assert_eq!(m.digital_channels, Some(5));
    assert_eq!(m.firmware.as_deref(), Some("V3.5.38build 191215"));
    assert_eq!(m.dsp_version.as_deref(), Some("V5.0, build 191213"));
    assert_eq!(m.boot_time.as_deref(), Some("2021-05-19 14:31:12"));
    assert_eq!(m.activated, Some(true));
    assert_eq!(m.password_reset_ability, Some(true));
    assert_eq!(m.sync_ipc_password, Some(true));
    assert_eq!(m.password_reset_mode_second, Some(true));
    assert_eq!(m.supports_device_lock, Some(true));
    assert_eq!(m.support_guid, Some(true));
    assert_eq!(m.support_security_question, Some(true));
    assert_eq!(m.support_hc_platform, Some(true));
    assert_eq!(m.support_mailbox, None);
}

#[test]
fn element_names_match_case_insensitively() {
    let xml = "<probematch><Ipv4Address>10.0.0.2</Ipv4Address><httpport>8080</httpport><mac>AA:BB:CC:DD:EE:FF</mac></probematch>";
    let m = ProbeMatch::parse(xml.as_bytes()).unwrap();
    assert_eq!(m.ipv4, Some(Ipv4Addr::new(10, 0, 0, 2)));
    assert_eq!(m.http_port, Some(8080));
    assert_eq!(m.mac.as_deref(), Some("aa-bb-cc-dd-ee-ff"));
}

#[test]
fn flase_reads_as_false() {
    let xml = format!(
        "<ProbeMatch>{}</ProbeMatch>",
        fixture("sadp_md/hc_platform_enable_flase.fragment.xml")
    );
    assert_eq!(
        ProbeMatch::parse(xml.as_bytes())
            .unwrap()
            .hc_platform_enable,
        Some(false)
    );
}

#[test]
fn missing_and_unreadable_fields_are_none() {
    let xml = "<ProbeMatch><HttpPort>99999</HttpPort><IPv4Address>not-an-ip</IPv4Address><Activated>perhaps</Activated><DeviceSN>  </DeviceSN></ProbeMatch>";
    assert_eq!(
        ProbeMatch::parse(xml.as_bytes()).unwrap(),
        ProbeMatch::default()
    );
}

#[test]
fn garbage_after_the_document_is_ignored() {
    let mut bytes = fixture("sadp_md/probe_match.dvr.xml").into_bytes();
    bytes.extend_from_slice(b"\0\0\xff\xfe<<garbage & </ProbeMatch> more");
    let m = ProbeMatch::parse(&bytes).unwrap();
    assert_eq!(m.model.as_deref(), Some("DS-7804HQH-K1"));
}

#[test]
fn truncated_datagram_keeps_what_arrived() {
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ProbeMatch><DeviceDescription>DS-2CD2043G2-I</DeviceDescription><HttpPort>80</Http";
    let m = ProbeMatch::parse(xml.as_bytes()).unwrap();
    assert_eq!(m.model.as_deref(), Some("DS-2CD2043G2-I"));
}

#[test]
fn own_looped_back_probe_is_not_a_probe_match() {
    let probe = probe_message("12D17626-0DE1-48DB-97E3-40B106467932");
    assert!(matches!(
        ProbeMatch::parse(probe.as_bytes()),
        Err(ParseError::UnexpectedRoot { .. })
    ));
    assert!(ProbeMatch::parse(b"").is_err());
    assert!(ProbeMatch::parse(b"hello").is_err());
}

#[test]
fn ipv6_zone_suffix_is_dropped() {
    let xml = "<ProbeMatch><IPv6Address>fe80::1%eth0</IPv6Address></ProbeMatch>";
    assert_eq!(
        ProbeMatch::parse(xml.as_bytes()).unwrap().ipv6,
        Some("fe80::1".parse().unwrap())
    );
}

fn mac() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(any::<[u8; 6]>().prop_map(|b| {
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join("-")
    }))
}

prop_compose! {
    fn probe_match()(
        texts in proptest::array::uniform10(opt_text()),
        mac in mac(),
        v4 in proptest::array::uniform3(proptest::option::of(any::<[u8; 4]>())),
        ipv6 in proptest::option::of(any::<[u16; 8]>()),
        ports in proptest::array::uniform4(proptest::option::of(any::<u16>())),
        counts in proptest::array::uniform3(proptest::option::of(any::<u32>())),
        flags in proptest::array::uniform12(proptest::option::of(any::<bool>())),
    ) -> ProbeMatch {
        let v4 = v4.map(|a| a.map(Ipv4Addr::from));
        ProbeMatch {
            uuid: texts[0].clone(),
            device_type: texts[1].clone(),
            model: texts[2].clone(),
            serial: texts[3].clone(),
            firmware: texts[4].clone(),
            dsp_version: texts[5].clone(),
            boot_time: texts[6].clone(),
            oem_info: texts[7].clone(),
            mac,
            ipv4: v4[0],
            ipv4_subnet_mask: v4[1],
            ipv4_gateway: v4[2],
            ipv6: ipv6.map(Ipv6Addr::from),
            http_port: ports[0],
            https_port: ports[1],
            command_port: ports[2],
            sdk_over_tls_port: ports[3],
            analog_channels: counts[0],
            digital_channels: counts[1],
            disk_number: counts[2],
            dhcp: flags[0],
            activated: flags[1],
            password_reset_ability: flags[2],
            reset_ability: flags[3],
            password_reset_mode_second: flags[4],
            sync_ipc_password: flags[5],
            supports_device_lock: flags[6],
            support_guid: flags[7],
            support_security_question: flags[8],
            support_mailbox: flags[9],
            support_hc_platform: flags[10],
            hc_platform_enable: flags[11],
            found_on: None,
        }
    }
}

proptest! {
    #[test]
    fn probe_match_round_trips(m in probe_match()) {
        prop_assert_eq!(ProbeMatch::parse(m.to_xml().as_bytes()).unwrap(), m);
    }

    #[test]
    fn probe_echoes_any_uuid(uuid in common::trimmed_text()) {
        let probe = Probe::parse(probe_message(&uuid).as_bytes()).unwrap();
        prop_assert_eq!(probe.uuid, Some(uuid));
    }
}
