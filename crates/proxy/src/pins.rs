//! Device certificates pinned across sessions, by the serial number and MAC address discovery
//! heard: a device that showed one certificate to any session must show the same to the next.
//! Kept in the memory of the running proxy, bounded; a restart forgets them.

use protocol::sadp::ProbeMatch;
use std::collections::HashMap;
use std::sync::Mutex;

/// Devices remembered at once; one more pushes out the least recently used.
pub const MAX_PINNED_DEVICES: usize = 1024;

/// Who a device is, as discovery heard it: its serial number and MAC, compared case-blind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeviceKey {
    serial: String,
    mac: String,
}

impl DeviceKey {
    /// The key of a discovered device; `None` when it gave neither a serial nor a MAC.
    pub fn of(device: &ProbeMatch) -> Option<Self> {
        let field = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .unwrap_or("")
                .to_ascii_lowercase()
        };
        let key = DeviceKey {
            serial: field(&device.serial),
            mac: field(&device.mac),
        };
        (!key.serial.is_empty() || !key.mac.is_empty()).then_some(key)
    }
}

/// The certificate fingerprint each known device showed first.
#[derive(Debug, Default)]
pub struct CertificatePins {
    pins: Mutex<Pins>,
}

#[derive(Debug, Default)]
struct Pins {
    by_device: HashMap<DeviceKey, ([u8; 32], u64)>,
    uses: u64,
}

impl CertificatePins {
    fn lock(&self) -> std::sync::MutexGuard<'_, Pins> {
        self.pins.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The certificate `device` showed before, in any session.
    pub fn get(&self, device: &DeviceKey) -> Option<[u8; 32]> {
        let mut pins = self.lock();
        pins.uses += 1;
        let now = pins.uses;
        let (pin, used) = pins.by_device.get_mut(device)?;
        *used = now;
        Some(*pin)
    }

    /// Remembers the certificate `device` showed, unless it already has one (the first stays:
    /// a different one is refused before it gets here).
    pub fn remember(&self, device: DeviceKey, certificate: [u8; 32]) {
        let mut pins = self.lock();
        pins.uses += 1;
        let now = pins.uses;
        if !pins.by_device.contains_key(&device) && pins.by_device.len() >= MAX_PINNED_DEVICES {
            let oldest = pins
                .by_device
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                pins.by_device.remove(&oldest);
            }
        }
        pins.by_device.entry(device).or_insert((certificate, now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: usize) -> DeviceKey {
        DeviceKey {
            serial: format!("DS-2CD2143G2-I20240101AAWR{n:08}"),
            mac: format!("44-19-b6-00-{:02x}-{:02x}", n / 256 % 256, n % 256),
        }
    }

    #[test]
    fn the_first_certificate_stays_pinned() {
        let pins = CertificatePins::default();
        pins.remember(key(1), [1; 32]);
        pins.remember(key(1), [2; 32]);
        assert_eq!(pins.get(&key(1)), Some([1; 32]));
        assert_eq!(pins.get(&key(2)), None);
    }

    #[test]
    fn a_device_is_known_by_serial_and_mac_whatever_their_case() {
        let device = |serial: &str, mac: &str| ProbeMatch {
            serial: Some(serial.into()),
            mac: Some(mac.into()),
            ..ProbeMatch::default()
        };
        assert_eq!(
            DeviceKey::of(&device("DS-X1ABC", "44-19-B6-00-00-01")),
            DeviceKey::of(&device("ds-x1abc", "44-19-b6-00-00-01"))
        );
        assert_ne!(
            DeviceKey::of(&device("DS-X1ABC", "44-19-b6-00-00-01")),
            DeviceKey::of(&device("DS-X1ABC", "44-19-b6-00-00-02"))
        );
        assert_eq!(DeviceKey::of(&ProbeMatch::default()), None);
    }

    #[test]
    fn the_memory_is_bounded_and_keeps_devices_in_use() {
        let pins = CertificatePins::default();
        pins.remember(key(0), [7; 32]);
        for n in 1..MAX_PINNED_DEVICES * 2 {
            pins.remember(key(n), [0; 32]);
            assert_eq!(pins.get(&key(0)), Some([7; 32]), "still in use");
        }
        assert_eq!(pins.lock().by_device.len(), MAX_PINNED_DEVICES);
        assert_eq!(
            pins.get(&key(1)),
            None,
            "the least recently used went first"
        );
    }
}
