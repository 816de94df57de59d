//! Who the simulated device is: model, serial, firmware, MAC, and its profile.
//! Random by default, so no test can pass on a constant.

use rand::Rng;

/// The kind of device simulated, which decides its capabilities and answer shapes
/// (see [`crate::AnswerStyle::for_profile`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// A network video recorder: e-mail, security questions, GUID file and Hik-Connect
    /// resets; pushes new passwords to its cameras (`SyncIPCPassword`).
    Nvr,
    /// An IP camera: e-mail reset only.
    Camera,
    /// A camera on old firmware: no e-mail reset (security questions and GUID file only).
    OldFirmware,
    /// A camera that could reset by e-mail, but nobody ever reserved an address.
    EmailNotReserved,
    /// A camera reporting password lengths 1..16, as one real camera does.
    ShortPasswords,
}

impl Profile {
    /// Every profile, in the order `--help` lists them.
    pub const ALL: [Profile; 5] = [
        Profile::Nvr,
        Profile::Camera,
        Profile::OldFirmware,
        Profile::EmailNotReserved,
        Profile::ShortPasswords,
    ];

    /// The name used on the command line, e.g. `old-firmware`.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Nvr => "nvr",
            Profile::Camera => "camera",
            Profile::OldFirmware => "old-firmware",
            Profile::EmailNotReserved => "email-not-reserved",
            Profile::ShortPasswords => "short-passwords",
        }
    }

    /// Parses a profile name as given on the command line (`_` and `-` both accepted).
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim().to_ascii_lowercase().replace('_', "-");
        Profile::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Whether this is a recorder rather than a camera.
    pub fn is_recorder(self) -> bool {
        self == Profile::Nvr
    }
}

/// The fixed facts of one simulated device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceIdentity {
    /// What kind of device it is.
    pub profile: Profile,
    /// The model, e.g. `DS-7608NI-K2`.
    pub model: String,
    /// The full serial number, model + date + serial as SADP reports it.
    pub serial: String,
    /// The firmware version string.
    pub firmware: String,
    /// The MAC address, lowercase with hyphens.
    pub mac: String,
    /// Whether the device has been activated (has an admin password).
    pub activated: bool,
}

const NVR_MODELS: [&str; 3] = ["DS-7608NI-K2", "DS-7616NXI-I2/S", "DS-7732NI-I4"];
const CAMERA_MODELS: [&str; 3] = ["DS-2CD2143G2-I", "DS-2CD2387G2-LU", "DS-2CD1043G0-I"];
const OLD_CAMERA_MODELS: [&str; 3] = ["DS-2CD2032-I", "DS-2CD2142FWD-I", "DS-2CD2432F-IW"];
const BUDGET_CAMERA_MODELS: [&str; 2] = ["DS-2CD1023G0E-I", "DS-2CD1123G0E-I"];

impl DeviceIdentity {
    /// A random device of `profile`: model from a realistic list, random serial and MAC.
    pub fn random(profile: Profile) -> Self {
        let mut rng = rand::rng();
        let models: &[&str] = match profile {
            Profile::Nvr => &NVR_MODELS,
            Profile::Camera | Profile::EmailNotReserved => &CAMERA_MODELS,
            Profile::OldFirmware => &OLD_CAMERA_MODELS,
            Profile::ShortPasswords => &BUDGET_CAMERA_MODELS,
        };
        let model = models[rng.random_range(0..models.len())].to_string();
        let letters: String = (0..4)
            .map(|_| char::from(b'A' + rng.random_range(0..26u8)))
            .collect();
        let serial = format!(
            "{model}{:04}{:02}{:02}{letters}{:09}",
            rng.random_range(2019..2026),
            rng.random_range(1..13),
            rng.random_range(1..29),
            rng.random_range(0..1_000_000_000u32)
        );
        let mac_tail: Vec<String> = (0..3)
            .map(|_| format!("{:02x}", rng.random::<u8>()))
            .collect();
        let build = rng.random_range(10000..99999);
        let firmware = match profile {
            Profile::Nvr => format!(
                "V4.{}.{}build 2{build:05}",
                rng.random_range(30..80),
                rng.random_range(0..9),
            ),
            Profile::OldFirmware => format!("V5.4.{}build 1{build:05}", rng.random_range(0..5)),
            _ => format!("V5.7.{}build 2{build:05}", rng.random_range(0..20)),
        };
        DeviceIdentity {
            profile,
            model,
            serial,
            firmware,
            // 68:6d:bc is one of the vendor's real OUIs.
            mac: format!("68-6d-bc-{}", mac_tail.join("-")),
            activated: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_devices_differ_and_serial_starts_with_model() {
        let a = DeviceIdentity::random(Profile::Nvr);
        let b = DeviceIdentity::random(Profile::Nvr);
        assert_ne!(a.serial, b.serial);
        assert!(a.serial.starts_with(&a.model));
        assert_eq!(a.mac.len(), 17);
    }

    #[test]
    fn every_profile_name_parses_back() {
        for profile in Profile::ALL {
            assert_eq!(Profile::from_name(profile.name()), Some(profile));
        }
        assert_eq!(
            Profile::from_name("OLD_FIRMWARE"),
            Some(Profile::OldFirmware)
        );
        assert_eq!(Profile::from_name("router"), None);
    }
}
