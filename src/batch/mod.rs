//! Several devices in a row, for installers: which devices, which one is on screen, and how
//! each ended. Pure data and rules, saved beside the progress (its own key) so a reload (or a
//! night waiting for the vendor's e-mails) loses nothing; the views live in `view`.

pub(crate) mod view;

use crate::wizard::progress::{Progress, ResetRoute, SavedDevice};
use serde::{Deserialize, Serialize};

/// The devices picked together from the discovery list, and how far each got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Batch {
    /// In the order they were listed.
    pub items: Vec<BatchItem>,
    /// The device being reset now; `None` while the summary is shown.
    pub current: Option<usize>,
}

/// One device of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchItem {
    pub device: SavedDevice,
    pub outcome: Outcome,
}

/// How a device of a batch ended (so far).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Outcome {
    /// Not shown yet.
    NotStarted,
    /// The device accepted the new password.
    Done,
    /// The QR code went to the vendor; the code has not come back yet.
    #[serde(rename_all = "camelCase")]
    WaitingForCode { qr_exported_at_ms: u64 },
    /// Left after the device (or the network) said no.
    Failed { reason: FailReason },
    /// Left before anything happened.
    Skipped,
}

/// Why a device of a batch failed, as a person can act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailReason {
    /// The device, or the helper, did not answer.
    Unreachable,
    /// The device refused the code, the answers or the GUID file.
    ProofRefused,
    /// Too many wrong tries: the device locked the reset for a while.
    Locked,
    /// Nothing to prove ownership with: no recovery e-mail, no security questions.
    NoRoute,
    /// The device refused the new password.
    PasswordRefused,
    /// The device answered something the wizard does not understand.
    BadAnswer,
    /// Anything else shown as an error.
    Other,
}

impl Outcome {
    /// Whether the device still needs the person (anything but done).
    pub fn is_open(self) -> bool {
        self != Outcome::Done
    }
}

impl Batch {
    /// A batch of `devices`, none started; `None` for fewer than two (that is a single reset).
    pub fn new(devices: Vec<SavedDevice>) -> Option<Batch> {
        (devices.len() >= 2).then(|| Batch {
            items: devices
                .into_iter()
                .map(|device| BatchItem {
                    device,
                    outcome: Outcome::NotStarted,
                })
                .collect(),
            current: None,
        })
    }

    /// The first device not started yet, else `None` (time for the summary). Devices left for
    /// later are not taken again on their own: the summary offers them.
    pub fn next(&self) -> Option<usize> {
        self.items
            .iter()
            .position(|item| item.outcome == Outcome::NotStarted)
    }

    /// How the current device ended, from its progress and the reason behind the last problem
    /// shown for it.
    pub fn outcome_of(progress: &Progress, last_failure: Option<FailReason>) -> Outcome {
        if progress.reset_done {
            return Outcome::Done;
        }
        if let (ResetRoute::Email, Some(at)) = (progress.route, progress.qr_exported_at_ms) {
            return Outcome::WaitingForCode {
                qr_exported_at_ms: at,
            };
        }
        match last_failure {
            Some(reason) => Outcome::Failed { reason },
            None => Outcome::Skipped,
        }
    }

    /// Records how the current device ended; the batch then shows no device.
    pub fn leave(&mut self, outcome: Outcome) {
        if let Some(item) = self.current.take().and_then(|i| self.items.get_mut(i)) {
            item.outcome = outcome;
        }
    }

    /// The progress to resume device `index` with: a device waiting for its code goes straight
    /// back to the code step, anything else starts again from the device step.
    pub fn resume(&mut self, index: usize) -> Option<Progress> {
        let item = self.items.get(index)?;
        self.current = Some(index);
        let mut progress = Progress {
            device: Some(item.device.clone()),
            ..Progress::default()
        };
        if let Outcome::WaitingForCode { qr_exported_at_ms } = item.outcome {
            progress.privacy_accepted = true;
            progress.qr_exported_at_ms = Some(qr_exported_at_ms);
        }
        Some(progress)
    }

    /// The device on screen, if any.
    pub fn current_item(&self) -> Option<&BatchItem> {
        self.items.get(self.current?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wizard::progress::{InMemory, Step};

    fn device(n: u8) -> SavedDevice {
        SavedDevice {
            address: format!("127.0.0.{n}:80"),
            serial: Some(format!("DS-{n}")),
            model: Some("DS-2CD2143G2-I".into()),
            firmware: None,
            mac: None,
            boot_time: None,
        }
    }

    fn batch_of(n: u8) -> Batch {
        Batch::new((1..=n).map(device).collect()).expect("two or more devices")
    }

    #[test]
    fn one_device_is_not_a_batch() {
        assert_eq!(Batch::new(vec![device(1)]), None);
        assert_eq!(batch_of(3).next(), Some(0));
    }

    #[test]
    fn each_device_ends_as_its_progress_says() {
        let mut progress = Progress {
            device: Some(device(1)),
            ..Progress::default()
        };
        assert_eq!(Batch::outcome_of(&progress, None), Outcome::Skipped);
        assert_eq!(
            Batch::outcome_of(&progress, Some(FailReason::Unreachable)),
            Outcome::Failed {
                reason: FailReason::Unreachable
            }
        );
        progress.privacy_accepted = true;
        progress.qr_exported_at_ms = Some(7);
        assert_eq!(
            Batch::outcome_of(&progress, Some(FailReason::ProofRefused)),
            Outcome::WaitingForCode {
                qr_exported_at_ms: 7
            },
            "a wrong code can be typed again when the right one is found"
        );
        progress.reset_done = true;
        assert_eq!(
            Batch::outcome_of(&progress, Some(FailReason::ProofRefused)),
            Outcome::Done
        );
        progress.reset_done = false;
        progress.route = ResetRoute::Questions;
        assert_eq!(
            Batch::outcome_of(&progress, Some(FailReason::ProofRefused)),
            Outcome::Failed {
                reason: FailReason::ProofRefused
            }
        );
    }

    #[test]
    fn a_device_waiting_for_its_code_resumes_at_the_code_step() {
        let mut batch = batch_of(3);
        let first = batch.resume(0).expect("a first device");
        assert_eq!(first.furthest(InMemory::default()), Step::Privacy);
        batch.leave(Outcome::WaitingForCode {
            qr_exported_at_ms: 5,
        });
        assert_eq!(batch.current, None);
        assert_eq!(batch.next(), Some(1), "left devices are not taken again");
        let again = batch.resume(0).expect("the first device");
        assert_eq!(batch.current_item().map(|i| &i.device), Some(&device(1)));
        assert_eq!(again.furthest(InMemory::default()), Step::Code);
        assert_eq!(again.device, Some(device(1)));
        batch.leave(Outcome::Done);
        assert!(!batch.items[0].outcome.is_open());
        assert_eq!(batch.resume(9), None);
    }

    #[test]
    fn a_batch_survives_a_reload_as_json() {
        let mut batch = batch_of(2);
        batch.items[1].outcome = Outcome::Failed {
            reason: FailReason::Locked,
        };
        batch.items[0].outcome = Outcome::WaitingForCode {
            qr_exported_at_ms: 1,
        };
        let text = serde_json::to_string(&batch).unwrap_or_default();
        assert_eq!(serde_json::from_str::<Batch>(&text).ok(), Some(batch));
    }
}
