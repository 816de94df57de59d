//! What the proxy may forward: which device calls (method, path, query keys) to which addresses.
//! Anything not listed here is refused before a single packet leaves the proxy.

use crate::error::ApiError;
use axum::http::Method;
use std::net::{IpAddr, SocketAddr};

/// One ISAPI call the wizard may make, with the query keys it may carry.
struct AllowedCall {
    method: Method,
    path: &'static str,
    query_keys: &'static [&'static str],
}

/// The reset calls from the device's own web page (shared/protocol/isapi.md).
const ALLOWED_CALLS: &[AllowedCall] = &[
    AllowedCall {
        method: Method::GET,
        path: "/SDK/activateStatus",
        query_keys: &[],
    },
    AllowedCall {
        method: Method::GET,
        path: "/ISAPI/Security/capabilities",
        query_keys: &["username"],
    },
    AllowedCall {
        method: Method::GET,
        path: "/ISAPI/Security/extern/capabilities",
        query_keys: &[],
    },
];

/// Checks that `method path?query` is an allow-listed call; returns the query to forward.
pub fn check_call(method: &Method, path: &str, query: Option<&str>) -> Result<String, ApiError> {
    let call = ALLOWED_CALLS
        .iter()
        .find(|call| call.method == *method && call.path == path)
        .ok_or_else(|| ApiError::CallNotAllowed(format!("{method} {path}")))?;
    let query = query.unwrap_or("");
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let key = pair.split('=').next().unwrap_or(pair);
        if !call.query_keys.contains(&key) {
            return Err(ApiError::CallNotAllowed(format!(
                "{method} {path} with query key {key:?}"
            )));
        }
    }
    Ok(query.to_string())
}

/// Parses the device address the wizard named (an IP literal and a port) and checks it.
pub fn check_target(ip: &str, port: &str, extra: &[SocketAddr]) -> Result<SocketAddr, ApiError> {
    let ip: IpAddr = ip
        .parse()
        .map_err(|_| ApiError::TargetNotAllowed(format!("{ip:?} is not an IP address")))?;
    let port: u16 = port
        .parse()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| ApiError::TargetNotAllowed(format!("{port:?} is not a port")))?;
    let addr = SocketAddr::new(ip, port);
    if extra.contains(&addr) || is_private_lan(ip) {
        Ok(addr)
    } else {
        Err(ApiError::TargetNotAllowed(format!(
            "{ip} is not a private LAN address"
        )))
    }
}

/// Private LAN ranges, where cameras and recorders live: 10/8, 172.16/12, 192.168/16, fc00::/7.
fn is_private_lan(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_private(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xfe00) == 0xfc00,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_refused_unless_listed_exactly() {
        assert!(check_target("127.0.0.1", "80", &[]).is_err());
        let demo: SocketAddr = "127.0.0.1:4000".parse().unwrap_or_else(|_| unreachable!());
        assert!(check_target("127.0.0.1", "4000", &[demo]).is_ok());
        assert!(check_target("127.0.0.1", "4001", &[demo]).is_err());
    }

    #[test]
    fn private_lan_is_allowed_and_odd_forms_are_not_addresses() {
        assert!(check_target("192.168.1.64", "80", &[]).is_ok());
        assert!(check_target("fd12::5", "80", &[]).is_ok());
        for odd in [
            "0x7f.1",
            "3232235777",
            "0300.0250.1.1",
            "192.168.1.64.",
            "cam.local",
        ] {
            assert!(check_target(odd, "80", &[]).is_err(), "{odd}");
        }
        assert!(check_target("8.8.8.8", "80", &[]).is_err());
        assert!(check_target("192.168.1.64", "0", &[]).is_err());
    }

    #[test]
    fn only_listed_calls_and_query_keys_pass() {
        assert!(check_call(&Method::GET, "/SDK/activateStatus", None).is_ok());
        assert!(check_call(
            &Method::GET,
            "/ISAPI/Security/capabilities",
            Some("username=admin")
        )
        .is_ok());
        assert!(check_call(
            &Method::GET,
            "/ISAPI/Security/capabilities",
            Some("user=admin")
        )
        .is_err());
        assert!(check_call(&Method::POST, "/SDK/activateStatus", None).is_err());
        assert!(check_call(&Method::GET, "/ISAPI/System/deviceInfo", None).is_err());
        assert!(check_call(&Method::GET, "/SDK/../ISAPI/System/reboot", None).is_err());
    }
}
