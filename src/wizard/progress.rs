//! The wizard's steps and the rules for moving between them, as pure data and functions.
//! The UI asks here which step may show; nothing in this module touches the browser.

use protocol::sadp::ProbeMatch;
use serde::{Deserialize, Serialize};

/// The steps of the e-mail reset, in the order the device's own page takes them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// Find the device: discovery list or typed address.
    #[default]
    Device,
    /// Choose how to reset (e-mail verification first).
    Mode,
    /// Read and accept the vendor's privacy notice.
    Privacy,
    /// Export the QR code and e-mail it to the vendor.
    Qr,
    /// Type the reset code that came back.
    Code,
    /// Choose the new password.
    Password,
    /// Prove the new password by logging in once.
    Proof,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 7] = [
        Step::Device,
        Step::Mode,
        Step::Privacy,
        Step::Qr,
        Step::Code,
        Step::Password,
        Step::Proof,
    ];

    /// The step's name in the page URL (`?step=code`), so back/forward and reloads keep the
    /// place. A query, not a path: static hosts serve it without rewrite rules.
    pub fn slug(self) -> &'static str {
        match self {
            Step::Device => "device",
            Step::Mode => "mode",
            Step::Privacy => "privacy",
            Step::Qr => "qr-code",
            Step::Code => "code",
            Step::Password => "new-password",
            Step::Proof => "done",
        }
    }

    /// The step named `slug`, if any.
    pub fn from_slug(slug: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// The step's position, counting from 1, for "Step 3 of 7".
    pub fn number(self) -> usize {
        Step::ALL
            .iter()
            .position(|s| *s == self)
            .map_or(1, |i| i + 1)
    }
}

/// How the device's password is being reset: which proof of ownership the person gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ResetRoute {
    /// A code the vendor e-mails back for the device's QR code.
    #[default]
    Email,
    /// The answers to the security questions set up earlier.
    Questions,
    /// The GUID file exported while the password was still known.
    GuidFile,
}

impl ResetRoute {
    /// Whether `step` is part of this route (the other routes skip the privacy notice and
    /// the QR code: at the code step they ask for their own proof instead).
    pub fn includes(self, step: Step) -> bool {
        self == ResetRoute::Email || !matches!(step, Step::Privacy | Step::Qr)
    }
}

/// What the wizard remembers of a person's progress, kept across reloads for 48 hours.
/// Never the reset code, the password or the QR content: only where they are and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// The device being reset.
    pub device: Option<SavedDevice>,
    /// Whether the privacy notice was accepted for this device.
    pub privacy_accepted: bool,
    /// When the QR code was exported (ms since the epoch); its code is valid 48 hours.
    pub qr_exported_at_ms: Option<u64>,
    /// Whether the device accepted the new password (the reset is done, only the proof is left).
    pub reset_done: bool,
    /// In guided mode (no proxy, the person works on the device's own page): the furthest
    /// step reached, since nothing about the device itself can be checked from here.
    #[serde(default)]
    pub guided_reached: Option<Step>,
    /// The reset route chosen at the mode step.
    #[serde(default)]
    pub route: ResetRoute,
}

/// The device, as remembered: enough to find it again and to show which one it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedDevice {
    /// `ip` or `ip:port`, as [`crate::device::address::DeviceAddress`] prints it.
    pub address: String,
    /// The serial number, when discovery reported it.
    pub serial: Option<String>,
    /// The model, when discovery reported it.
    pub model: Option<String>,
    /// The firmware version, when discovery reported it.
    #[serde(default)]
    pub firmware: Option<String>,
    /// The MAC address, when discovery reported it (support asks for it).
    #[serde(default)]
    pub mac: Option<String>,
    /// When the device last started (SADP `BootTime`; support asks for it).
    #[serde(default)]
    pub boot_time: Option<String>,
}

impl SavedDevice {
    /// The device as discovery reported it, reached at `address`.
    pub fn discovered(address: String, found: &ProbeMatch) -> SavedDevice {
        SavedDevice {
            address,
            serial: found.serial.clone(),
            model: found.model.clone(),
            firmware: found.firmware.clone(),
            mac: found.mac.clone(),
            boot_time: found.boot_time.clone(),
        }
    }

    /// What discovery said of the device, as far as it was remembered.
    pub fn as_discovery(&self) -> ProbeMatch {
        ProbeMatch {
            serial: self.serial.clone(),
            model: self.model.clone(),
            firmware: self.firmware.clone(),
            mac: self.mac.clone(),
            boot_time: self.boot_time.clone(),
            ..ProbeMatch::default()
        }
    }
}

/// What is held in memory only for the current page: lost on reload, on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InMemory {
    /// Whether the route's proof (reset code, answers or GUID file) was given on this page.
    pub has_code: bool,
}

impl Progress {
    /// The furthest step this progress allows: a later step needs everything before it.
    pub fn furthest(&self, memory: InMemory) -> Step {
        if self.device.is_none() {
            return self.guided_reached.unwrap_or(Step::Device);
        }
        if self.reset_done {
            return Step::Proof;
        }
        if self.route != ResetRoute::Email {
            // Answers and GUID files live only in memory, like codes.
            return if memory.has_code {
                Step::Password
            } else {
                Step::Code
            };
        }
        if self.qr_exported_at_ms.is_some() {
            // The code lives only in memory: after a reload it must be typed again.
            return if memory.has_code {
                Step::Password
            } else {
                Step::Code
            };
        }
        if self.privacy_accepted {
            Step::Qr
        } else {
            Step::Privacy
        }
    }

    /// The step to show when `wanted` is asked for (by URL or a button): never past what is
    /// allowed, and never a step the chosen route skips.
    pub fn allowed(&self, wanted: Step, memory: InMemory) -> Step {
        let step = wanted.min(self.furthest(memory));
        if self.route.includes(step) {
            step
        } else {
            Step::Mode
        }
    }

    /// Records that guided mode reached `step`.
    pub fn reach_guided(&mut self, step: Step) {
        self.guided_reached = Some(self.guided_reached.map_or(step, |s| s.max(step)));
    }

    /// Forgets everything about the current device (choosing another device starts over);
    /// a batch the device belongs to is kept apart and stays.
    pub fn start_over(&mut self) {
        *self = Progress::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_device() -> Progress {
        Progress {
            device: Some(SavedDevice {
                address: "192.168.1.64".into(),
                serial: Some("DS-1".into()),
                model: None,
                firmware: None,
                mac: None,
                boot_time: None,
            }),
            ..Progress::default()
        }
    }

    #[test]
    fn the_other_routes_skip_privacy_and_qr_and_keep_their_proof_in_memory() {
        for route in [ResetRoute::Questions, ResetRoute::GuidFile] {
            let mut progress = with_device();
            progress.route = route;
            assert_eq!(
                progress.allowed(Step::Proof, InMemory::default()),
                Step::Code
            );
            assert_eq!(progress.allowed(Step::Qr, InMemory::default()), Step::Mode);
            assert_eq!(
                progress.allowed(Step::Privacy, InMemory::default()),
                Step::Mode
            );
            let given = InMemory { has_code: true };
            assert_eq!(progress.allowed(Step::Proof, given), Step::Password);
            progress.reset_done = true;
            assert_eq!(progress.allowed(Step::Proof, given), Step::Proof);
        }
        assert!(ResetRoute::Email.includes(Step::Qr));
        assert!(!ResetRoute::Questions.includes(Step::Privacy));
    }

    #[test]
    fn nothing_past_the_device_step_without_a_device() {
        let progress = Progress::default();
        assert_eq!(
            progress.allowed(Step::Qr, InMemory::default()),
            Step::Device
        );
    }

    #[test]
    fn the_qr_step_needs_the_privacy_notice_accepted() {
        let mut progress = with_device();
        assert_eq!(
            progress.allowed(Step::Qr, InMemory::default()),
            Step::Privacy
        );
        progress.privacy_accepted = true;
        assert_eq!(progress.allowed(Step::Qr, InMemory::default()), Step::Qr);
        assert_eq!(
            progress.allowed(Step::Mode, InMemory::default()),
            Step::Mode
        );
    }

    #[test]
    fn after_a_reload_the_code_must_be_typed_again() {
        let mut progress = with_device();
        progress.privacy_accepted = true;
        progress.qr_exported_at_ms = Some(1);
        assert_eq!(
            progress.allowed(Step::Password, InMemory::default()),
            Step::Code
        );
        assert_eq!(
            progress.allowed(Step::Password, InMemory { has_code: true }),
            Step::Password
        );
    }

    #[test]
    fn guided_mode_goes_as_far_as_the_person_went() {
        let mut progress = Progress::default();
        progress.reach_guided(Step::Code);
        progress.reach_guided(Step::Privacy);
        assert_eq!(
            progress.allowed(Step::Proof, InMemory::default()),
            Step::Code
        );
        assert_eq!(progress.allowed(Step::Qr, InMemory::default()), Step::Qr);
    }

    #[test]
    fn step_slugs_round_trip() {
        for step in Step::ALL {
            assert_eq!(Step::from_slug(step.slug()), Some(step));
        }
        assert_eq!(Step::from_slug("nope"), None);
    }
}
