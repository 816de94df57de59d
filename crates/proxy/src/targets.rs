//! Which device addresses the proxy may connect to: private LAN ranges and what the operator
//! allows, never loopback, link-local, metadata, multicast or addresses that smuggle IPv4 in IPv6.

use crate::error::ApiError;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A block of addresses written as `ADDR/PREFIX` (a bare address is a block of one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

/// Why a written range could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{0:?} is not an address range like 192.168.1.0/24 or fd00::/8")]
pub struct BadRange(String);

impl IpRange {
    /// The block of `prefix` leading bits shared with `network`.
    pub const fn new(network: IpAddr, prefix: u8) -> Self {
        IpRange { network, prefix }
    }

    /// Whether `ip` lies inside this block (an IPv4 block never holds an IPv6 address).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => prefix_matches(
                u128::from(net.to_bits()),
                u128::from(ip.to_bits()),
                32,
                self.prefix,
            ),
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_matches(net.to_bits(), ip.to_bits(), 128, self.prefix)
            }
            _ => false,
        }
    }
}

fn prefix_matches(net: u128, ip: u128, width: u32, prefix: u8) -> bool {
    let prefix = u32::from(prefix).min(width);
    if prefix == 0 {
        return true;
    }
    let shift = width - prefix;
    (net >> shift) == (ip >> shift)
}

impl FromStr for IpRange {
    type Err = BadRange;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || BadRange(text.to_string());
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = addr.parse().map_err(|_| bad())?;
        let width = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= width)
                .ok_or_else(bad)?,
            None => width,
        };
        Ok(IpRange { network, prefix })
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

impl<'de> serde::Deserialize<'de> for IpRange {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8) -> IpRange {
    IpRange::new(IpAddr::V4(Ipv4Addr::new(a, b, c, d)), prefix)
}

const fn v6(first: u16, second: u16, third: u16, prefix: u8) -> IpRange {
    IpRange::new(
        IpAddr::V6(Ipv6Addr::new(first, second, third, 0, 0, 0, 0, 0)),
        prefix,
    )
}

/// Where cameras and recorders live: the private LAN ranges, allowed by default.
pub const PRIVATE_LAN: [IpRange; 4] = [
    v4(10, 0, 0, 0, 8),
    v4(172, 16, 0, 0, 12),
    v4(192, 168, 0, 0, 16),
    v6(0xfc00, 0, 0, 7),
];

/// Ranges never connected to whatever the operator allows, each with the reason told to the wizard.
/// Loopback is handled apart because an explicit flag may allow it.
const NEVER: &[(IpRange, &str)] = &[
    (
        v4(0, 0, 0, 0, 8),
        "is an unspecified (\"this network\") address",
    ),
    (
        v4(169, 254, 0, 0, 16),
        "is link-local (where cloud metadata services live)",
    ),
    (
        v4(100, 64, 0, 0, 10),
        "is a carrier-grade NAT (100.64/10) address",
    ),
    (v4(224, 0, 0, 0, 4), "is a multicast address"),
    (v4(240, 0, 0, 0, 4), "is a reserved or broadcast address"),
    (v6(0, 0, 0, 128), "is the unspecified address"),
    (v6(0xfe80, 0, 0, 10), "is link-local"),
    // Inside fc00::/7, where devices may live, yet a cloud's instance metadata service.
    (
        IpRange::new(
            IpAddr::V6(Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)),
            128,
        ),
        "is a cloud metadata service address",
    ),
    (v6(0xff00, 0, 0, 8), "is a multicast address"),
    (v6(0x64, 0xff9b, 0, 96), "embeds an IPv4 address (NAT64)"),
    (
        v6(0x64, 0xff9b, 1, 48),
        "embeds an IPv4 address (local NAT64)",
    ),
    (v6(0x2002, 0, 0, 16), "embeds an IPv4 address (6to4)"),
    (v6(0x2001, 0, 0, 32), "embeds an IPv4 address (Teredo)"),
];

/// This computer's own network addresses: never a device, whatever port (the proxy's other
/// services, or itself on another listener, are not cameras). Read from the system at most every
/// [`OWN_ADDRESSES_FRESH`], since adapters come and go; or a fixed list.
#[derive(Debug, Clone, Default)]
pub struct OwnAddresses {
    fixed: Vec<IpAddr>,
    system: Option<Arc<Mutex<Option<SystemRead>>>>,
}

/// When the system's list was read, and what it said.
type SystemRead = (Instant, Vec<IpAddr>);

/// How long a read of this computer's addresses is used before reading them again.
pub const OWN_ADDRESSES_FRESH: Duration = Duration::from_secs(10);

impl OwnAddresses {
    /// Exactly these addresses (tests, and an operator's list).
    pub fn fixed(ips: Vec<IpAddr>) -> Self {
        OwnAddresses {
            fixed: ips,
            system: None,
        }
    }

    /// The addresses of this computer's network adapters, as the system lists them.
    pub fn system() -> Self {
        OwnAddresses {
            fixed: Vec::new(),
            system: Some(Arc::default()),
        }
    }

    /// Whether `ip` is one of them.
    pub fn contains(&self, ip: IpAddr) -> bool {
        if self.fixed.contains(&ip) {
            return true;
        }
        let Some(system) = &self.system else {
            return false;
        };
        let mut cached = system.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let stale = cached
            .as_ref()
            .is_none_or(|(read, _)| now.duration_since(*read) >= OWN_ADDRESSES_FRESH);
        if stale {
            match if_addrs::get_if_addrs() {
                Ok(found) => *cached = Some((now, found.iter().map(|i| i.ip()).collect())),
                // Keep the last list; without one, the listen addresses still protect.
                Err(err) => tracing::warn!(%err, "listing this computer's addresses"),
            }
        }
        cached.as_ref().is_some_and(|(_, ips)| ips.contains(&ip))
    }
}

/// The operator's rules for device addresses, checked before any connection is made.
#[derive(Debug, Clone, Default)]
pub struct TargetPolicy {
    /// Ranges allowed besides [`PRIVATE_LAN`] (public addresses only this way).
    pub extra_ranges: Vec<IpRange>,
    /// Exact addresses allowed whatever their range (the demo's own simulated device).
    pub exact: Vec<SocketAddr>,
    /// Whether loopback devices are allowed at all (an explicit flag; `--demo` uses `exact`).
    pub allow_loopback: bool,
    /// The proxy's own listening addresses: never a device.
    pub own: Vec<SocketAddr>,
    /// This computer's other addresses: never a device either (loopback aside, which
    /// `allow_loopback` and `exact` decide).
    pub own_addresses: OwnAddresses,
}

impl TargetPolicy {
    /// Parses the address the wizard named (an IP literal and a port) and checks it.
    pub fn check(&self, ip: &str, port: &str) -> Result<SocketAddr, ApiError> {
        let refuse = |why: String| ApiError::TargetNotAllowed(why);
        // Only the strict dotted-quad and RFC 4291 forms parse: decimal, octal, hex and
        // zero-padded IPv4, trailing dots, brackets, zones, user info and names all fail here.
        let ip: IpAddr = ip
            .parse()
            .map_err(|_| refuse(format!("{ip:?} is not an IP address literal")))?;
        let port: u16 = port
            .parse()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| refuse(format!("{port:?} is not a port number")))?;
        let addr = SocketAddr::new(ip, port);
        self.check_addr(addr)?;
        Ok(addr)
    }

    /// Checks a parsed address: the one the proxy will actually connect to.
    pub fn check_addr(&self, addr: SocketAddr) -> Result<(), ApiError> {
        let ip = addr.ip();
        let refuse = |why: &str| Err(ApiError::TargetNotAllowed(format!("{ip} {why}")));
        if self.is_own(addr) {
            return refuse("is this proxy's own address");
        }
        if !ip.is_loopback() && self.own_addresses.contains(ip) {
            return refuse("is this computer's own address, not a device");
        }
        if self.exact.contains(&addr) {
            return Ok(());
        }
        if let IpAddr::V6(v6) = ip {
            if v6.to_ipv4_mapped().is_some() {
                return refuse("embeds an IPv4 address (IPv4-mapped)");
            }
            // ::a.b.c.d, the deprecated IPv4-compatible form (but not ::1 and ::, handled below).
            if v6.segments()[..6] == [0; 6] && v6.segments()[6] != 0 {
                return refuse("embeds an IPv4 address (IPv4-compatible)");
            }
        }
        if ip.is_loopback() {
            return if self.allow_loopback {
                Ok(())
            } else {
                refuse("is loopback (this computer), not a device")
            };
        }
        if let Some((_, why)) = NEVER.iter().find(|(range, _)| range.contains(ip)) {
            return refuse(why);
        }
        let allowed = PRIVATE_LAN
            .iter()
            .chain(&self.extra_ranges)
            .any(|range| range.contains(ip));
        if allowed {
            Ok(())
        } else {
            refuse("is not a private LAN address (allow it with --allow-devices)")
        }
    }

    fn is_own(&self, addr: SocketAddr) -> bool {
        self.own.iter().any(|own| {
            if own.ip().is_loopback() || own.ip().is_unspecified() {
                // Many services share loopback: only this proxy's own port is itself.
                own.port() == addr.port() && (addr.ip().is_loopback() || own.ip() == addr.ip())
            } else {
                own.ip() == addr.ip()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> TargetPolicy {
        TargetPolicy::default()
    }

    #[test]
    fn loopback_is_refused_unless_listed_exactly_or_flagged() {
        assert!(policy().check("127.0.0.1", "80").is_err());
        let demo: SocketAddr = "127.0.0.1:4000".parse().unwrap_or_else(|_| unreachable!());
        let listed = TargetPolicy {
            exact: vec![demo],
            ..policy()
        };
        assert!(listed.check("127.0.0.1", "4000").is_ok());
        assert!(listed.check("127.0.0.1", "4001").is_err());
        let flagged = TargetPolicy {
            allow_loopback: true,
            ..policy()
        };
        assert!(flagged.check("127.0.0.1", "4001").is_ok());
        assert!(flagged.check("::1", "4001").is_ok());
    }

    #[test]
    fn private_lan_is_allowed_and_odd_forms_are_not_addresses() {
        assert!(policy().check("192.168.1.64", "80").is_ok());
        assert!(policy().check("fd12::5", "80").is_ok());
        for odd in [
            "0x7f.1",
            "3232235777",
            "0300.0250.1.1",
            "192.168.001.064",
            "192.168.1.64.",
            "[fd12::5]",
            "fe80::1%eth0",
            "admin@192.168.1.64",
            "cam.local",
        ] {
            assert!(policy().check(odd, "80").is_err(), "{odd}");
        }
        assert!(policy().check("192.168.1.64", "0").is_err());
        assert!(policy().check("192.168.1.64", "65536").is_err());
    }

    #[test]
    fn forbidden_categories_stay_forbidden_even_inside_allowed_ranges() {
        let everything = TargetPolicy {
            extra_ranges: vec![
                "0.0.0.0/0".parse().unwrap_or_else(|_| unreachable!()),
                "::/0".parse().unwrap_or_else(|_| unreachable!()),
            ],
            ..policy()
        };
        for ip in [
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "0.0.0.0",
            "::",
            "fe80::1",
            "ff02::1",
            "::ffff:192.168.1.64",
            "::192.168.1.64",
            "64:ff9b::c0a8:140",
            "64:ff9b:1::c0a8:140",
            "2002:c0a8:140::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "127.0.0.1",
            "fd00:ec2::254",
        ] {
            assert!(everything.check(ip, "80").is_err(), "{ip}");
        }
        assert!(policy().check("fd00:ec2::254", "80").is_err());
        assert!(policy().check("fd00:ec2::253", "80").is_ok());
        assert!(everything.check("8.8.8.8", "80").is_ok());
        assert!(policy().check("8.8.8.8", "80").is_err());
    }

    #[test]
    fn the_proxy_never_forwards_to_itself() {
        let own = TargetPolicy {
            own: vec!["192.168.1.10:8443"
                .parse()
                .unwrap_or_else(|_| unreachable!())],
            allow_loopback: true,
            ..policy()
        };
        assert!(own.check("192.168.1.10", "80").is_err());
        assert!(own.check("192.168.1.11", "80").is_ok());
        let local = TargetPolicy {
            own: vec!["127.0.0.1:8080".parse().unwrap_or_else(|_| unreachable!())],
            allow_loopback: true,
            ..policy()
        };
        assert!(local.check("127.0.0.1", "8080").is_err());
        assert!(local.check("127.0.0.1", "8081").is_ok());
    }

    #[test]
    fn this_computers_other_addresses_are_never_devices_on_any_port() {
        let policy = TargetPolicy {
            own: vec!["127.0.0.1:8080".parse().unwrap_or_else(|_| unreachable!())],
            own_addresses: OwnAddresses::fixed(vec![
                "192.168.1.20".parse().unwrap_or_else(|_| unreachable!()),
                "fd00::20".parse().unwrap_or_else(|_| unreachable!()),
            ]),
            ..policy()
        };
        for (ip, port) in [
            ("192.168.1.20", "80"),
            ("192.168.1.20", "8080"),
            ("fd00::20", "443"),
        ] {
            let refused = policy.check(ip, port).map_err(|e| e.to_string());
            assert!(
                refused.as_ref().is_err_and(|e| e.contains("own address")),
                "{ip}:{port} {refused:?}"
            );
        }
        assert!(policy.check("192.168.1.21", "80").is_ok());
    }

    #[test]
    fn ranges_parse_and_contain() {
        let range: IpRange = "192.168.1.0/24".parse().unwrap_or_else(|_| unreachable!());
        assert!(range.contains("192.168.1.200".parse().unwrap_or_else(|_| unreachable!())));
        assert!(!range.contains("192.168.2.1".parse().unwrap_or_else(|_| unreachable!())));
        assert!("192.168.1.0/33".parse::<IpRange>().is_err());
        assert!("cam/24".parse::<IpRange>().is_err());
    }
}
