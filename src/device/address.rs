//! The device address a person types: an IP literal, optionally with a port.
//! Parsed once here; the rest of the wizard only sees a valid [`DeviceAddress`].

use std::fmt;
use std::net::{IpAddr, SocketAddr};

/// The port devices answer ISAPI on when nothing else is said.
pub const DEFAULT_HTTP_PORT: u16 = 80;

/// Where a device's web interface is: an IP address and a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeviceAddress {
    /// The device's IP address.
    pub ip: IpAddr,
    /// Its HTTP port.
    pub port: u16,
}

/// Why a typed address was not understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressError {
    /// Nothing was typed.
    Empty,
    /// It is not an IP address (names are not accepted: the proxy only connects to addresses).
    NotAnAddress,
    /// The port is not a number from 1 to 65535.
    BadPort,
}

impl DeviceAddress {
    /// Parses `192.168.1.64`, `192.168.1.64:8000`, `fd00::5` or `[fd00::5]:8000`,
    /// also when pasted as `http://192.168.1.64/`.
    pub fn parse(input: &str) -> Result<Self, AddressError> {
        let mut text = input.trim();
        for scheme in ["http://", "https://"] {
            if let Some(rest) = text.strip_prefix(scheme) {
                text = rest;
            }
        }
        let text = text.trim_end_matches('/');
        if text.is_empty() {
            return Err(AddressError::Empty);
        }
        if let Ok(ip) = text.parse::<IpAddr>() {
            return Ok(DeviceAddress {
                ip,
                port: DEFAULT_HTTP_PORT,
            });
        }
        if let Ok(addr) = text.parse::<SocketAddr>() {
            if addr.port() == 0 {
                return Err(AddressError::BadPort);
            }
            return Ok(DeviceAddress {
                ip: addr.ip(),
                port: addr.port(),
            });
        }
        match text.rsplit_once(':') {
            Some((host, _)) if host.parse::<IpAddr>().is_ok() || host.starts_with('[') => {
                Err(AddressError::BadPort)
            }
            _ => Err(AddressError::NotAnAddress),
        }
    }
}

impl fmt::Display for DeviceAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.ip, self.port) {
            (ip, DEFAULT_HTTP_PORT) => write!(f, "{ip}"),
            (IpAddr::V6(ip), port) => write!(f, "[{ip}]:{port}"),
            (ip, port) => write!(f, "{ip}:{port}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_ported_addresses_parse() {
        let plain = DeviceAddress::parse(" 192.168.1.64 ");
        assert_eq!(plain.map(|a| a.port), Ok(80));
        let ported = DeviceAddress::parse("192.168.1.64:8000");
        assert_eq!(ported.map(|a| a.port), Ok(8000));
        let v6 = DeviceAddress::parse("[fd00::5]:81");
        assert_eq!(v6.map(|a| a.to_string()), Ok("[fd00::5]:81".to_string()));
        let pasted = DeviceAddress::parse("http://10.0.0.7/");
        assert_eq!(pasted.map(|a| a.to_string()), Ok("10.0.0.7".to_string()));
    }

    #[test]
    fn names_and_bad_ports_are_explained() {
        assert_eq!(DeviceAddress::parse(""), Err(AddressError::Empty));
        assert_eq!(
            DeviceAddress::parse("camera.local"),
            Err(AddressError::NotAnAddress)
        );
        assert_eq!(
            DeviceAddress::parse("192.168.1.64:99999"),
            Err(AddressError::BadPort)
        );
        assert_eq!(
            DeviceAddress::parse("192.168.1.64:0"),
            Err(AddressError::BadPort)
        );
    }
}
