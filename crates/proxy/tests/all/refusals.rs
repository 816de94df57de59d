//! The refusal table: targets and paths the proxy must refuse, each with its reason, and none of
//! them reaching a listener. Requests are written byte for byte, so no client normalises them.
#![allow(clippy::unwrap_used)]

use crate::support;

use std::time::Duration;
use support::{config, start, Raw, Tripwire};

struct Case {
    method: &'static str,
    /// After `/api/v1/devices/`; `{P}` is the loopback tripwire's port, `{Q}` the IPv6 one's.
    target: &'static str,
    code: &'static str,
    reason: &'static str,
}

const fn case(target: &'static str, code: &'static str, reason: &'static str) -> Case {
    Case {
        method: "GET",
        target,
        code,
        reason,
    }
}

const NOT_TARGET: &str = "target_not_allowed";
const NOT_CALL: &str = "call_not_allowed";

/// Device addresses, with the device path a harmless allowed call.
const TARGETS: &[Case] = &[
    case(
        "127.0.0.1/{P}/SDK/activateStatus",
        NOT_TARGET,
        "is loopback",
    ),
    case(
        "127.0.0.2/{P}/SDK/activateStatus",
        NOT_TARGET,
        "is loopback",
    ),
    case("::1/{Q}/SDK/activateStatus", NOT_TARGET, "is loopback"),
    case(
        "::ffff:127.0.0.1/{P}/SDK/activateStatus",
        NOT_TARGET,
        "IPv4-mapped",
    ),
    case(
        "::ffff:192.168.1.64/80/SDK/activateStatus",
        NOT_TARGET,
        "IPv4-mapped",
    ),
    case(
        "::127.0.0.1/{P}/SDK/activateStatus",
        NOT_TARGET,
        "IPv4-compatible",
    ),
    case("0.0.0.0/{P}/SDK/activateStatus", NOT_TARGET, "unspecified"),
    case("::/{Q}/SDK/activateStatus", NOT_TARGET, "unspecified"),
    case(
        "2130706433/{P}/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "0x7f000001/{P}/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "0x7f.0.0.1/{P}/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "0177.0.0.1/{P}/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "127.000.000.001/{P}/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "192.168.001.064/80/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "127.1/{P}/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "127.0.0.1./{P}/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "localhost/{P}/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "camera.local/80/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "admin@127.0.0.1/{P}/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "admin:pw@192.168.1.64/80/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "[::1]/{Q}/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "fe80::1%25lo/80/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "127%2e0%2e0%2e1/{P}/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "http:%2f%2f127.0.0.1/{P}/SDK/activateStatus",
        NOT_TARGET,
        "not an IP address literal",
    ),
    case(
        "169.254.169.254/80/SDK/activateStatus",
        NOT_TARGET,
        "link-local",
    ),
    case("fe80::1/80/SDK/activateStatus", NOT_TARGET, "link-local"),
    // Inside fc00::/7, the private range devices live in, yet a cloud's metadata service.
    case(
        "fd00:ec2::254/80/SDK/activateStatus",
        NOT_TARGET,
        "metadata",
    ),
    case(
        "100.64.0.1/80/SDK/activateStatus",
        NOT_TARGET,
        "carrier-grade NAT",
    ),
    case("224.0.0.1/80/SDK/activateStatus", NOT_TARGET, "multicast"),
    case(
        "239.255.255.250/37020/SDK/activateStatus",
        NOT_TARGET,
        "multicast",
    ),
    case("ff02::1/80/SDK/activateStatus", NOT_TARGET, "multicast"),
    case(
        "255.255.255.255/80/SDK/activateStatus",
        NOT_TARGET,
        "broadcast",
    ),
    case("64:ff9b::7f00:1/80/SDK/activateStatus", NOT_TARGET, "NAT64"),
    case("2002:7f00:1::1/80/SDK/activateStatus", NOT_TARGET, "6to4"),
    case(
        "2001:0:4136:e378:8000:63bf:3fff:fdd2/80/SDK/activateStatus",
        NOT_TARGET,
        "Teredo",
    ),
    case(
        "8.8.8.8/80/SDK/activateStatus",
        NOT_TARGET,
        "not a private LAN address",
    ),
    case(
        "2606:4700::1111/443/SDK/activateStatus",
        NOT_TARGET,
        "not a private LAN address",
    ),
    case(
        "192.168.1.64/0/SDK/activateStatus",
        NOT_TARGET,
        "not a port number",
    ),
    case(
        "192.168.1.64/65536/SDK/activateStatus",
        NOT_TARGET,
        "not a port number",
    ),
    case(
        "192.168.1.64/http/SDK/activateStatus",
        NOT_TARGET,
        "not a port number",
    ),
];

/// Device paths and queries, to a device the proxy may reach (the tripwire).
const PATHS: &[Case] = &[
    case(
        "127.0.0.1/{P}/ISAPI/System/deviceInfo",
        NOT_CALL,
        "GET /ISAPI/System/deviceInfo",
    ),
    case(
        "127.0.0.1/{P}/ISAPI/Security/users",
        NOT_CALL,
        "/ISAPI/Security/users",
    ),
    case(
        "127.0.0.1/{P}/SDK/../ISAPI/System/reboot",
        NOT_CALL,
        "/SDK/../ISAPI",
    ),
    case(
        "127.0.0.1/{P}/SDK/%2e%2e/ISAPI/System/reboot",
        NOT_CALL,
        "%2e%2e",
    ),
    case(
        "127.0.0.1/{P}/SDK/%2E%2E/ISAPI/System/reboot",
        NOT_CALL,
        "%2E%2E",
    ),
    case(
        "127.0.0.1/{P}/ISAPI%2fSecurity%2fcapabilities",
        NOT_CALL,
        "%2f",
    ),
    case("127.0.0.1/{P}/SDK/activateStatus%00", NOT_CALL, "%00"),
    case(
        "127.0.0.1/{P}/SDK/activateStatus/",
        NOT_CALL,
        "activateStatus/",
    ),
    case("127.0.0.1/{P}//SDK/activateStatus", NOT_CALL, "//SDK"),
    case(
        "127.0.0.1/{P}/sdk/activatestatus",
        NOT_CALL,
        "/sdk/activatestatus",
    ),
    case("127.0.0.1/{P}/devsim/state", NOT_CALL, "/devsim/state"),
    case(
        "127.0.0.1/{P}/ISAPI/Security/capabilities?username=admin&debug=1",
        NOT_CALL,
        "query key \"debug\"",
    ),
    case(
        "127.0.0.1/{P}/ISAPI/Security/capabilities?username=admin&username=guest",
        NOT_CALL,
        "twice",
    ),
    case(
        "127.0.0.1/{P}/ISAPI/Security/capabilities?username=%2e%2e%2fx",
        NOT_CALL,
        "unexpected \"username\" value",
    ),
    case(
        "127.0.0.1/{P}/SDK/activateStatus?format=xml",
        NOT_CALL,
        "query key \"format\"",
    ),
    Case {
        method: "POST",
        target: "127.0.0.1/{P}/SDK/activateStatus",
        code: NOT_CALL,
        reason: "POST /SDK/activateStatus",
    },
    Case {
        method: "PUT",
        target: "127.0.0.1/{P}/ISAPI/Security/email/parameter?format=json",
        code: NOT_CALL,
        reason: "PUT /ISAPI/Security/email/parameter",
    },
    Case {
        method: "DELETE",
        target: "127.0.0.1/{P}/ISAPI/Security/emailCertification",
        code: NOT_CALL,
        reason: "DELETE",
    },
    Case {
        method: "PUT",
        target: "127.0.0.1/{P}/ISAPI/System/reboot",
        code: NOT_CALL,
        reason: "PUT /ISAPI/System/reboot",
    },
];

async fn check(proxy: std::net::SocketAddr, cases: &[Case], p: u16, q: u16) -> usize {
    for case in cases {
        let target = case
            .target
            .replace("{P}", &p.to_string())
            .replace("{Q}", &q.to_string());
        let answer = Raw::new(case.method, &format!("/api/v1/devices/{target}"))
            .send(proxy)
            .await;
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (403, case.code),
            "{} {target}: {}",
            case.method,
            answer.body
        );
        assert!(
            answer.message().contains(case.reason),
            "{} {target}: {:?} does not say {:?}",
            case.method,
            answer.message(),
            case.reason
        );
    }
    cases.len()
}

#[tokio::test]
async fn every_forbidden_target_and_path_is_refused_with_its_reason_before_connecting() {
    let v4 = Tripwire::on("127.0.0.1").await;
    let v6 = Tripwire::on("[::1]").await;
    let refusing = start(config(&[])).await;
    let mut checked = check(refusing, TARGETS, v4.addr.port(), v6.addr.port()).await;

    let reaching = start(config(&[v4.addr])).await;
    checked += check(reaching, PATHS, v4.addr.port(), v6.addr.port()).await;

    assert!(checked >= 50, "only {checked} cases");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        (v4.hits(), v6.hits()),
        (0, 0),
        "a refused request reached a listener"
    );
}

#[tokio::test]
async fn the_loopback_flag_never_lets_the_proxy_call_itself_nor_opens_other_ranges() {
    let mut config = config(&[]);
    config.allow_loopback_devices = true;
    let proxy = start(config).await;
    let own = Raw::new(
        "GET",
        &format!(
            "/api/v1/devices/127.0.0.1/{}/SDK/activateStatus",
            proxy.port()
        ),
    )
    .send(proxy)
    .await;
    assert_eq!(own.code(), "target_not_allowed");
    assert!(
        own.message().contains("this proxy's own address"),
        "{}",
        own.message()
    );
    let metadata = Raw::new(
        "GET",
        "/api/v1/devices/169.254.169.254/80/SDK/activateStatus",
    )
    .send(proxy)
    .await;
    assert_eq!(metadata.code(), "target_not_allowed");
}

#[tokio::test]
async fn operator_ranges_open_public_addresses_but_never_the_forbidden_categories() {
    let mut config = config(&[]);
    config.allowed_device_ranges = vec!["0.0.0.0/0".parse().unwrap()];
    let proxy = start(config).await;
    for target in [
        "169.254.169.254/80",
        "100.64.1.1/80",
        "127.0.0.1/80",
        "224.0.0.251/5353",
    ] {
        let answer = Raw::new(
            "GET",
            &format!("/api/v1/devices/{target}/SDK/activateStatus"),
        )
        .send(proxy)
        .await;
        assert_eq!(answer.code(), "target_not_allowed", "{target}");
    }
}

#[tokio::test]
async fn this_computers_own_adapter_addresses_are_never_devices() {
    let own: Vec<std::net::IpAddr> = reset_proxy::discovery::InterfaceAddr::list()
        .unwrap()
        .into_iter()
        .map(|interface| interface.ip)
        .filter(|ip| !ip.is_loopback())
        .collect();
    if own.is_empty() {
        eprintln!("skipped: this computer has no address besides loopback");
        return;
    }
    // Every range allowed, so only the own-address rule can refuse (or the forbidden ranges,
    // which the message tells apart); nothing is sent either way.
    let mut config = config(&[]);
    config.allowed_device_ranges = vec!["0.0.0.0/0".parse().unwrap(), "::/0".parse().unwrap()];
    let proxy = start(config).await;
    let mut checked = 0;
    for ip in own {
        let answer = Raw::new(
            "GET",
            &format!("/api/v1/devices/{ip}/8554/SDK/activateStatus"),
        )
        .send(proxy)
        .await;
        assert_eq!(answer.code(), "target_not_allowed", "{ip}: {}", answer.body);
        if answer.message().contains("this computer's own address") {
            checked += 1;
        } else {
            // Link-local and the like are refused for that first.
            assert!(ip.is_ipv6() || !answer.message().is_empty(), "{ip}");
        }
    }
    assert!(checked > 0, "no own address was refused as such");
}
