//! The device's reset state machine: admin password, exported QR code and its reset code,
//! wrong tries and the lock, booting, login challenges and sessions. No HTTP in here. The calls
//! are split by the same areas as `crate::routes`; this module holds the state and what they share.

mod admin;
mod email_reset;
mod guid;
mod login;
mod questions;
mod sync_ipc;

use crate::behaviour::{AnswerStyle, Capabilities};
use crate::clock::Clock;
use crate::faults::{Fault, FaultTable};
use crate::identity::DeviceIdentity;
use protocol::isapi::{LockPolicy, QuestionAnswer, SubStatus, QUESTIONS_PER_DEVICE, QUESTION_IDS};
use protocol::login::SessionLoginCap;
use protocol::password::{self, Reason, Rule, Strength};
use protocol::profile::DeviceProfile;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The only user the reset flow knows.
pub(crate) const ADMIN: &str = "admin";

/// What `/devsim/state` and [`crate::Running::state`] report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct StateSnapshot {
    /// Whether the device has an admin password at all.
    pub activated: bool,
    /// Whether the device is still "booting" (writes answer 403).
    pub booting: bool,
    /// How many times a reset QR code was exported since start.
    pub qr_exports: u32,
    /// Whether an exported QR code's reset code can still be used.
    pub qr_active: bool,
    /// Wrong reset codes submitted since start.
    pub failed_code_tries: u32,
    /// Failed logins since start.
    pub failed_login_tries: u32,
    /// Wrong tries left before the lock.
    pub retries_left: u32,
    /// Whether the device is locked now.
    pub locked: bool,
    /// Seconds until the lock lifts, while locked.
    pub unlock_in_seconds: Option<u32>,
    /// Whether a reset changed the admin password.
    pub password_changed: bool,
    /// Reboots since start.
    pub reboots: u32,
    /// Whether a recovery e-mail is reserved.
    pub email_reserved: bool,
    /// The reserved recovery address itself (tests check what a prevention write stored).
    #[serde(default)]
    pub reserved_email: Option<String>,
    /// Faults in force, by path.
    pub faults: HashMap<String, Fault>,
    /// Whether security questions are set (a reset by questions can work).
    #[serde(default)]
    pub questions_set: bool,
    /// Wrong security-question answers submitted since start.
    #[serde(default)]
    pub failed_answer_tries: u32,
    /// GUID files refused as not matching since start.
    #[serde(default)]
    pub failed_guid_tries: u32,
    /// GUID files exported since start.
    #[serde(default)]
    pub guid_exports: u32,
    /// The cameras behind an NVR, and whether each has the NVR's admin password.
    #[serde(default)]
    pub cameras: Vec<CameraState>,
    /// Logins in force (sessions handed out since the last reboot or password change).
    #[serde(default)]
    pub sessions: u32,
    /// Reset-code submissions (`PUT emailCertification`) that reached the device since start,
    /// whatever their verdict: a client that sends one code twice shows here.
    #[serde(default)]
    pub code_submissions: u32,
    /// Logins (`POST sessionLogin`) that reached the device since start, accepted or not.
    #[serde(default)]
    pub login_attempts: u32,
}

/// One simulated camera behind an NVR, as `/devsim/state` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct CameraState {
    /// The NVR's channel number.
    pub channel: u32,
    /// The camera's (simulated, never contacted) address.
    pub ip: String,
    /// Whether the camera answers the NVR (every third one is offline).
    pub online: bool,
    /// Whether the camera's password equals the NVR's admin password now.
    pub password_synced: bool,
}

/// Which security questions a device starts with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Questions {
    /// Set with random answers on profiles that support them (NVR, old firmware).
    #[default]
    ProfileDefault,
    /// Never set: a reset by questions answers `ResetErrorNoSEQ`.
    NeverSet,
    /// Set to these answers.
    Set(Vec<QuestionAnswer>),
}

/// Why the device refuses a call; the routes turn it into a status body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Still booting: retry later.
    Booting,
    /// Locked after too many wrong tries.
    Locked { unlock_in: u32 },
    /// This firmware has no such feature.
    NotSupported,
    /// Not activated: there is no password to reset or log in with.
    NotActivated,
    /// No recovery e-mail was reserved, so no QR code can be exported.
    NoReservedEmail,
    /// The reset code does not match the last exported QR code (or none is active).
    WrongCode { retries_left: u32 },
    /// The reset code matches but is older than its validity.
    ExpiredCode,
    /// The new password was refused.
    Password(SubStatus),
    /// The body could not be read.
    BadBody(SubStatus),
    /// Wrong user, password or session.
    BadLogin { retries_left: u32 },
    /// The call needs a logged-in admin.
    Unauthorized,
    /// A reset by security questions, but none were ever set.
    NoQuestionsSet,
    /// The answers are for other questions, or too few or too many.
    AnswerCount,
    /// At least one answer is wrong.
    WrongAnswers { retries_left: u32 },
    /// The GUID file is not the one for the current password.
    GuidMismatch { retries_left: u32 },
}

/// One exported QR code and the code the vendor would e-mail for it.
#[derive(Debug, Clone)]
struct Export {
    content: String,
    code: String,
    at: Instant,
}

#[derive(Debug)]
struct DeviceState {
    admin_password: String,
    password_changed: bool,
    email: Option<String>,
    active_qr: Option<Export>,
    last_export: Option<Export>,
    qr_exports: u32,
    code_submissions: u32,
    login_attempts: u32,
    /// Wrong tries since the last lock or success.
    strikes: u32,
    failed_code_tries: u32,
    failed_login_tries: u32,
    locked_until: Option<Instant>,
    booting_until: Instant,
    reboots: u32,
    challenges: HashMap<String, SessionLoginCap>,
    sessions: HashSet<String>,
    /// The security questions and answers, `None` when never set.
    questions: Option<Vec<QuestionAnswer>>,
    failed_answer_tries: u32,
    /// What the GUID file of the current password carries; renewed by every password change.
    guid: String,
    guid_exports: u32,
    failed_guid_tries: u32,
    cameras: Vec<Camera>,
}

/// A camera behind the NVR: it keeps whatever password it was last given.
#[derive(Debug, Clone)]
struct Camera {
    channel: u32,
    ip: String,
    online: bool,
    password: String,
}

/// Settings fixed at start.
#[derive(Debug, Clone)]
pub(crate) struct DeviceSettings {
    pub identity: Arc<DeviceIdentity>,
    pub style: AnswerStyle,
    pub details: DeviceProfile,
    pub lock_policy: LockPolicy,
    pub boot_time: Duration,
    pub mailbox: bool,
    pub admin_password: Option<String>,
    pub questions: Questions,
    pub cameras: Option<u32>,
}

/// One simulated device: fixed facts, its clock and faults, and its mutable state.
#[derive(Debug)]
pub(crate) struct Device {
    pub identity: Arc<DeviceIdentity>,
    pub caps: Capabilities,
    pub style: AnswerStyle,
    pub details: DeviceProfile,
    pub lock_policy: LockPolicy,
    pub mailbox: bool,
    pub clock: Clock,
    pub faults: FaultTable,
    boot_time: Duration,
    salt: String,
    salt2: String,
    state: Mutex<DeviceState>,
}

impl Device {
    pub fn new(settings: DeviceSettings) -> Self {
        let caps = Capabilities::for_profile(settings.identity.profile);
        let clock = Clock::default();
        let admin_password = settings
            .admin_password
            .unwrap_or_else(|| strong_password(&caps));
        let questions = match settings.questions {
            Questions::ProfileDefault if caps.questions() => Some(random_answers()),
            Questions::ProfileDefault | Questions::NeverSet => None,
            Questions::Set(answers) => Some(answers),
        };
        let camera_count = settings
            .cameras
            .unwrap_or(if caps.sync_ipc_password { 3 } else { 0 });
        let cameras = (1..=camera_count.min(64))
            .map(|channel| Camera {
                channel,
                ip: format!("192.168.254.{}", channel + 1),
                // Every third camera is unplugged, so a sync always has a failure to explain.
                online: channel % 3 != 0,
                password: admin_password.clone(),
            })
            .collect();
        let state = DeviceState {
            admin_password,
            password_changed: false,
            email: caps.email_reserved.then(|| "owner@example.com".to_string()),
            active_qr: None,
            last_export: None,
            qr_exports: 0,
            code_submissions: 0,
            login_attempts: 0,
            strikes: 0,
            failed_code_tries: 0,
            failed_login_tries: 0,
            locked_until: None,
            booting_until: clock.now() + settings.boot_time,
            reboots: 0,
            challenges: HashMap::new(),
            sessions: HashSet::new(),
            questions,
            failed_answer_tries: 0,
            guid: random_hex(32),
            guid_exports: 0,
            failed_guid_tries: 0,
            cameras,
        };
        Device {
            identity: settings.identity,
            caps,
            style: settings.style,
            details: settings.details,
            lock_policy: settings.lock_policy,
            mailbox: settings.mailbox,
            clock,
            faults: FaultTable::default(),
            boot_time: settings.boot_time,
            salt: random_hex(64).to_ascii_uppercase(),
            salt2: random_hex(64).to_ascii_uppercase(),
            state: Mutex::new(state),
        }
    }

    /// The device's salt, as `/ISAPI/Security/capabilities` reports it.
    pub fn salt(&self) -> Option<&str> {
        self.caps
            .security
            .is_irreversible
            .then_some(self.salt.as_str())
    }

    /// The state, with an expired lock lifted.
    fn state(&self) -> (MutexGuard<'_, DeviceState>, Instant) {
        let now = self.clock.now();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.locked_until.is_some_and(|until| until <= now) {
            state.locked_until = None;
            state.strikes = 0;
        }
        (state, now)
    }

    /// Refuses while booting, inactive or locked: the common start of every write.
    fn ready(&self, state: &DeviceState, now: Instant) -> Result<(), Refusal> {
        if state.booting_until > now {
            return Err(Refusal::Booting);
        }
        if !self.identity.activated {
            return Err(Refusal::NotActivated);
        }
        if let Some(until) = state.locked_until {
            return Err(Refusal::Locked {
                unlock_in: seconds_until(now, until),
            });
        }
        Ok(())
    }

    /// Counts a wrong try; the try that reaches the limit locks the device.
    fn strike(&self, state: &mut DeviceState, now: Instant) -> Option<Refusal> {
        state.strikes += 1;
        if state.strikes >= self.lock_policy.max_attempts {
            state.strikes = 0;
            state.locked_until =
                Some(now + Duration::from_secs(u64::from(self.lock_policy.lock_seconds)));
            return Some(Refusal::Locked {
                unlock_in: self.lock_policy.lock_seconds,
            });
        }
        None
    }

    fn retries_left(&self, state: &DeviceState) -> u32 {
        self.lock_policy.max_attempts.saturating_sub(state.strikes)
    }

    /// Checks a new password and makes it the admin password: the exported reset code, the
    /// sessions and the GUID file of the old password all die with it.
    fn change_password(&self, state: &mut DeviceState, new: &str) -> Result<(), Refusal> {
        if let Some(refusal) = password_refusal(new, &self.caps) {
            return Err(Refusal::Password(refusal));
        }
        if new == state.admin_password {
            return Err(Refusal::Password(SubStatus::CannotSameAsOldPassword));
        }
        state.admin_password = new.to_owned();
        state.password_changed = true;
        state.active_qr = None;
        state.strikes = 0;
        state.sessions.clear();
        state.guid = random_hex(32);
        Ok(())
    }
}

/// Which sub-status the device refuses a new password with, if it does.
fn password_refusal(new: &str, caps: &Capabilities) -> Option<SubStatus> {
    let report = password::check(new, ADMIN, caps.security.password_length);
    if report.is_acceptable() {
        return None;
    }
    let too_long = report
        .outcome(Rule::Length)
        .is_some_and(|o| matches!(o.reason, Reason::TooLong { .. }));
    // Breaking a hard rule is "illegal"; a legal but weak password is "risky".
    let illegal = [
        Rule::Length,
        Rule::AllowedCharacters,
        Rule::NotTheUsername,
        Rule::NotTheReversedUsername,
        Rule::DoesNotContainTheUsername,
    ]
    .into_iter()
    .any(|rule| !report.holds(rule));
    Some(if too_long {
        SubStatus::PasswordTooLong
    } else if illegal {
        SubStatus::ResetPasswordIllegal
    } else {
        SubStatus::RiskPassword
    })
}

/// Three distinct questions from the catalogue with random answers.
fn random_answers() -> Vec<QuestionAnswer> {
    let mut rng = rand::rng();
    let mut ids: Vec<u32> = QUESTION_IDS.collect();
    for i in (1..ids.len()).rev() {
        ids.swap(i, rng.random_range(0..=i));
    }
    ids.truncate(QUESTIONS_PER_DEVICE);
    ids.sort_unstable();
    ids.into_iter()
        .map(|id| QuestionAnswer {
            id,
            answer: format!("answer {}", random_hex(6)),
        })
        .collect()
}

/// Whole seconds from `now` until `until`, rounded up, as devices count the lock down.
fn seconds_until(now: Instant, until: Instant) -> u32 {
    let left = until.saturating_duration_since(now);
    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    u32::try_from(secs).unwrap_or(u32::MAX)
}

fn random_hex(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
        .collect()
}

/// A random admin password the device's own meter calls strong.
fn strong_password(caps: &Capabilities) -> String {
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    const SPECIALS: &[u8] = b"!#%+-.=?@_";
    let mut rng = rand::rng();
    loop {
        let mut chars: Vec<u8> = [LOWER, UPPER, DIGITS, SPECIALS]
            .iter()
            .map(|set| set[rng.random_range(0..set.len())])
            .collect();
        let all: Vec<u8> = [LOWER, UPPER, DIGITS].concat();
        chars.extend((0..8).map(|_| all[rng.random_range(0..all.len())]));
        // Shuffle so the classes don't always sit in the same places.
        for i in (1..chars.len()).rev() {
            chars.swap(i, rng.random_range(0..=i));
        }
        let candidate = String::from_utf8_lossy(&chars).into_owned();
        let report = password::check(&candidate, ADMIN, caps.security.password_length);
        if report.is_acceptable() && report.strength == Strength::Strong {
            return candidate;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::email_reset::reset_code;
    use super::*;
    use crate::identity::Profile;
    use protocol::isapi::EmailCertification;

    fn device(profile: Profile) -> Device {
        Device::new(DeviceSettings {
            identity: Arc::new(DeviceIdentity::random(profile)),
            style: AnswerStyle::for_profile(profile),
            details: DeviceProfile::default(),
            lock_policy: LockPolicy::DEFAULT,
            boot_time: Duration::ZERO,
            mailbox: true,
            admin_password: None,
            questions: Questions::ProfileDefault,
            cameras: None,
        })
    }

    #[test]
    fn the_random_admin_password_is_strong_and_random() {
        let a = device(Profile::Nvr).admin_password();
        let b = device(Profile::Nvr).admin_password();
        assert_ne!(a, b);
        assert_eq!(password::strength(&a, ADMIN), Strength::Strong);
    }

    #[test]
    fn reset_codes_are_eight_to_twelve_characters() {
        for _ in 0..50 {
            let code = reset_code();
            assert!((8..=12).contains(&code.len()), "{code}");
        }
    }

    #[test]
    fn a_too_long_password_is_refused_as_too_long() {
        let caps = Capabilities::for_profile(Profile::Camera);
        assert_eq!(
            password_refusal("Abcdefgh12345678x", &caps),
            Some(SubStatus::PasswordTooLong)
        );
        assert_eq!(
            password_refusal("abcdefgh", &caps),
            Some(SubStatus::RiskPassword)
        );
        assert_eq!(
            password_refusal("Abcdef1:", &caps),
            Some(SubStatus::ResetPasswordIllegal)
        );
        assert_eq!(password_refusal("Abcdef12!x", &caps), None);
    }

    #[test]
    fn a_second_export_voids_the_first_code() {
        let device = device(Profile::Camera);
        device.export_qr().ok();
        let first = device.mailbox_code().unwrap_or_default();
        device.export_qr().ok();
        let refused = device.certify(&EmailCertification {
            security_code: first,
            reset_password: "Newpass12!x".into(),
        });
        assert!(matches!(refused, Err(Refusal::WrongCode { .. })));
    }
}
