//! The device's reset state machine: admin password, exported QR code and its reset code,
//! wrong tries and the lock, booting, login challenges and sessions. No HTTP in here.

use crate::behaviour::{AnswerStyle, Capabilities};
use crate::clock::Clock;
use crate::faults::{Fault, FaultTable};
use crate::identity::DeviceIdentity;
use base64::Engine as _;
use protocol::isapi::{
    ChannelSync, ConfiguredQuestion, EmailCertification, GuidFileReset, LockPolicy, QuestionAnswer,
    QuestionCertification, QuestionConfiguration, SetQuestions, SubStatus, SyncIpcResult,
    QUESTIONS_PER_DEVICE, QUESTION_IDS, RESET_CODE_VALID_FOR_SECS,
};
use protocol::login::{session_login_hash, SessionLogin, SessionLoginCap, SESSION_ID_VERSION_2_1};
use protocol::password::{self, Reason, Rule, Strength};
use protocol::profile::DeviceProfile;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The only user the reset flow knows.
pub(crate) const ADMIN: &str = "admin";

/// Login challenges kept at once; older ones are dropped, as a device's table is bounded too.
const MAX_CHALLENGES: usize = 64;

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

    /// `GET email/qrCode`: a fresh QR content with a fresh reset code; the previous one is void.
    pub fn export_qr(&self) -> Result<String, Refusal> {
        let (mut state, now) = self.state();
        if state.booting_until > now {
            return Err(Refusal::Booting);
        }
        if !self.identity.activated {
            return Err(Refusal::NotActivated);
        }
        if !self.caps.email_reset() {
            return Err(Refusal::NotSupported);
        }
        if state.email.is_none() {
            return Err(Refusal::NoReservedEmail);
        }
        let export = Export {
            content: qr_content(&self.identity.serial),
            code: reset_code(),
            at: now,
        };
        state.qr_exports += 1;
        state.active_qr = Some(export.clone());
        state.last_export = Some(export.clone());
        Ok(export.content)
    }

    /// `PUT emailCertification`: checks the code, then the new password, then changes it.
    pub fn certify(&self, request: &EmailCertification) -> Result<(), Refusal> {
        let (mut state, now) = self.state();
        state.code_submissions += 1;
        if !self.caps.email_reset() && state.booting_until <= now {
            return Err(Refusal::NotSupported);
        }
        self.ready(&state, now)?;
        let code = request.security_code.trim();
        let matching = state
            .active_qr
            .as_ref()
            .filter(|qr| !code.is_empty() && qr.code == code)
            .map(|qr| qr.at);
        let Some(exported_at) = matching else {
            state.failed_code_tries += 1;
            if let Some(locked) = self.strike(&mut state, now) {
                return Err(locked);
            }
            return Err(Refusal::WrongCode {
                retries_left: self.retries_left(&state),
            });
        };
        if now.saturating_duration_since(exported_at)
            > Duration::from_secs(RESET_CODE_VALID_FOR_SECS)
        {
            return Err(Refusal::ExpiredCode);
        }
        self.change_password(&mut state, &request.reset_password)
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

    /// `GET questionConfiguration`: which questions are set (never the answers); a device whose
    /// questions were never set lists empty slots.
    pub fn question_configuration(&self) -> Result<QuestionConfiguration, Refusal> {
        if !self.caps.questions() && !self.caps.reset_modes.security_question {
            return Err(Refusal::NotSupported);
        }
        let (state, _) = self.state();
        let questions = match &state.questions {
            Some(answers) => answers
                .iter()
                .map(|a| ConfiguredQuestion {
                    id: a.id,
                    answered: true,
                })
                .collect(),
            None => (1..=u32::try_from(QUESTIONS_PER_DEVICE).unwrap_or(3))
                .map(|id| ConfiguredQuestion {
                    id,
                    answered: false,
                })
                .collect(),
        };
        Ok(QuestionConfiguration { questions })
    }

    /// `PUT questionConfiguration` (logged in): checks the admin password, then sets the
    /// questions: exactly [`QUESTIONS_PER_DEVICE`] distinct catalogue numbers, answers within
    /// the device's answer length limit.
    pub fn set_questions(&self, request: &SetQuestions) -> Result<(), Refusal> {
        if !self.caps.questions() {
            return Err(Refusal::NotSupported);
        }
        self.check_password(ADMIN, &request.admin_password)?;
        let limit = self
            .caps
            .security
            .security_answer_length
            .unwrap_or(protocol::isapi::LengthLimit { min: 1, max: 128 });
        let mut ids: Vec<u32> = request.answers.iter().map(|a| a.id).collect();
        ids.sort_unstable();
        ids.dedup();
        let well_formed = request.answers.len() == QUESTIONS_PER_DEVICE
            && ids.len() == QUESTIONS_PER_DEVICE
            && ids.iter().all(|id| QUESTION_IDS.contains(id))
            && request
                .answers
                .iter()
                .all(|a| limit.contains(a.answer.trim().chars().count()));
        if !well_formed {
            return Err(Refusal::BadBody(SubStatus::BadParameters));
        }
        let (mut state, _) = self.state();
        state.questions = Some(
            request
                .answers
                .iter()
                .map(|a| QuestionAnswer {
                    id: a.id,
                    answer: a.answer.trim().to_owned(),
                })
                .collect(),
        );
        Ok(())
    }

    /// `PUT questionCertification`: the answers to the set questions, then the new password.
    /// Wrong answers count against the lock like wrong codes.
    pub fn certify_questions(&self, request: &QuestionCertification) -> Result<(), Refusal> {
        if !self.caps.reset_modes.security_question {
            return Err(Refusal::NotSupported);
        }
        let (mut state, now) = self.state();
        self.ready(&state, now)?;
        let Some(set) = state.questions.clone() else {
            return Err(Refusal::NoQuestionsSet);
        };
        let mut asked: Vec<u32> = set.iter().map(|a| a.id).collect();
        let mut given: Vec<u32> = request.answers.iter().map(|a| a.id).collect();
        asked.sort_unstable();
        given.sort_unstable();
        // [assumed] A wizard that could not read the list (it needs a login) numbers the
        // answers by their position on the device's page, 1, 2, 3: matched in list order.
        let positions: Vec<u32> = (1..=u32::try_from(set.len()).unwrap_or(0)).collect();
        let by_position = asked != given && given == positions;
        if asked != given && !by_position {
            return Err(Refusal::AnswerCount);
        }
        let all_right = set.iter().enumerate().all(|(i, expected)| {
            let id = if by_position {
                u32::try_from(i + 1).unwrap_or(0)
            } else {
                expected.id
            };
            request
                .answers
                .iter()
                .any(|a| a.id == id && a.answer.trim() == expected.answer)
        });
        if !all_right {
            state.failed_answer_tries += 1;
            if let Some(locked) = self.strike(&mut state, now) {
                return Err(locked);
            }
            return Err(Refusal::WrongAnswers {
                retries_left: self.retries_left(&state),
            });
        }
        self.change_password(&mut state, &request.reset_password)
    }

    /// `POST GUIDFileData` (logged in): the GUID file of the current password.
    pub fn export_guid(&self, admin_password: &str) -> Result<String, Refusal> {
        if !self.caps.reset_modes.guid_file {
            return Err(Refusal::NotSupported);
        }
        self.check_password(ADMIN, admin_password)?;
        let (mut state, _) = self.state();
        state.guid_exports += 1;
        Ok(guid_file(&self.identity.serial, &state.guid))
    }

    /// The [assumed] GUID-file reset: the file must be the current password's.
    pub fn certify_guid(&self, request: &GuidFileReset) -> Result<(), Refusal> {
        if !self.caps.reset_modes.guid_file {
            return Err(Refusal::NotSupported);
        }
        let (mut state, now) = self.state();
        self.ready(&state, now)?;
        let text = String::from_utf8_lossy(&request.file.0);
        let matches = text
            .lines()
            .find_map(|line| line.trim().strip_prefix("guid="))
            .is_some_and(|guid| guid == state.guid)
            && text.contains(&self.identity.serial);
        if !matches {
            state.failed_guid_tries += 1;
            if let Some(locked) = self.strike(&mut state, now) {
                return Err(locked);
            }
            return Err(Refusal::GuidMismatch {
                retries_left: self.retries_left(&state),
            });
        }
        self.change_password(&mut state, &request.reset_password)
    }

    /// The [assumed] SyncIPCPassword: checks the admin password, then gives it to every camera
    /// that answers; offline ones keep their old password.
    pub fn sync_ipc_password(&self, admin_password: &str) -> Result<SyncIpcResult, Refusal> {
        if !self.caps.sync_ipc_password {
            return Err(Refusal::NotSupported);
        }
        self.check_password(ADMIN, admin_password)?;
        let (mut state, _) = self.state();
        let password = state.admin_password.clone();
        let channels = state
            .cameras
            .iter_mut()
            .map(|camera| {
                if camera.online {
                    camera.password = password.clone();
                }
                ChannelSync {
                    id: camera.channel,
                    ip_address: Some(camera.ip.clone()),
                    synced: camera.online,
                    sub_status_code: (!camera.online).then(|| "offline".to_owned()),
                }
            })
            .collect();
        Ok(SyncIpcResult { channels })
    }

    /// Counts a logged-in write whose encrypted fields did not decrypt under the current
    /// password's key: the client used another password.
    pub fn wrong_password(&self) -> Refusal {
        let (mut state, now) = self.state();
        state.failed_login_tries += 1;
        if let Some(locked) = self.strike(&mut state, now) {
            return locked;
        }
        Refusal::BadLogin {
            retries_left: self.retries_left(&state),
        }
    }

    /// The security questions and answers, when set (for tests and the demo).
    pub fn question_answers(&self) -> Option<Vec<QuestionAnswer>> {
        self.state().0.questions.clone()
    }

    /// The GUID file of the current password (for tests and the demo).
    pub fn current_guid_file(&self) -> String {
        guid_file(&self.identity.serial, &self.state().0.guid)
    }

    /// The login scheme's fixed parts (no challenge): what a login's field key depends on.
    pub fn login_scheme_cap(&self) -> SessionLoginCap {
        let scheme = &self.caps.login;
        let version_2_1 = scheme.session_id_version == Some(SESSION_ID_VERSION_2_1);
        SessionLoginCap {
            session_id: String::new(),
            challenge: String::new(),
            iterations: scheme.iterations,
            is_irreversible: scheme.irreversible,
            session_id_version: scheme.session_id_version.map(str::to_owned),
            // A 2.1 login hashes with both salts whatever isIrreversible says.
            salt: (scheme.irreversible || version_2_1).then(|| self.salt.clone()),
            salt2: version_2_1.then(|| self.salt2.clone()),
        }
    }

    /// `GET sessionLogin/capabilities`: a fresh challenge for one login.
    pub fn login_challenge(&self) -> SessionLoginCap {
        let cap = SessionLoginCap {
            session_id: random_hex(64),
            challenge: random_hex(32),
            ..self.login_scheme_cap()
        };
        let (mut state, _) = self.state();
        if state.challenges.len() >= MAX_CHALLENGES {
            state.challenges.clear();
        }
        state.challenges.insert(cap.session_id.clone(), cap.clone());
        cap
    }

    /// `POST sessionLogin`: checks the hash against the current password; returns a session.
    pub fn login(&self, login: &SessionLogin) -> Result<String, Refusal> {
        let (mut state, now) = self.state();
        state.login_attempts += 1;
        self.ready(&state, now)?;
        let Some(cap) = state.challenges.remove(&login.session_id) else {
            return Err(Refusal::BadLogin {
                retries_left: self.retries_left(&state),
            });
        };
        let expected = session_login_hash(&cap, ADMIN, &state.admin_password);
        if login.user_name != ADMIN || login.password != expected {
            state.failed_login_tries += 1;
            if let Some(locked) = self.strike(&mut state, now) {
                return Err(locked);
            }
            return Err(Refusal::BadLogin {
                retries_left: self.retries_left(&state),
            });
        }
        state.strikes = 0;
        let session = random_hex(32);
        state.sessions.insert(session.clone());
        Ok(session)
    }

    /// Basic authentication for the older calls (`userCheck`, admin GETs).
    pub fn check_password(&self, user: &str, password: &str) -> Result<(), Refusal> {
        let (mut state, now) = self.state();
        self.ready(&state, now)?;
        if user != ADMIN || password != state.admin_password {
            state.failed_login_tries += 1;
            if let Some(locked) = self.strike(&mut state, now) {
                return Err(locked);
            }
            return Err(Refusal::BadLogin {
                retries_left: self.retries_left(&state),
            });
        }
        state.strikes = 0;
        Ok(())
    }

    /// Whether `session` was handed out by a login since the last reboot or reset.
    pub fn has_session(&self, session: &str) -> bool {
        self.state().0.sessions.contains(session)
    }

    /// The reserved recovery e-mail, if any.
    pub fn email(&self) -> Option<String> {
        self.state().0.email.clone()
    }

    /// `PUT email/parameter`: a new recovery e-mail voids the exported code.
    pub fn set_email(&self, email: &str) -> Result<(), Refusal> {
        let (mut state, now) = self.state();
        self.ready(&state, now)?;
        if !self.caps.email_reset() {
            return Err(Refusal::NotSupported);
        }
        let email = email.trim();
        if email.is_empty() {
            state.email = None;
        } else if email.contains('@') && email.len() <= 64 {
            state.email = Some(email.to_owned());
        } else {
            return Err(Refusal::BadBody(SubStatus::BadParameters));
        }
        state.active_qr = None;
        Ok(())
    }

    /// Locks the device as its lock policy would after too many wrong tries.
    pub fn lock(&self) {
        let (mut state, now) = self.state();
        state.strikes = 0;
        state.locked_until =
            Some(now + Duration::from_secs(u64::from(self.lock_policy.lock_seconds)));
    }

    /// Reboots: voids the code, ends sessions, lifts the lock, and boots again.
    pub fn reboot(&self) {
        let (mut state, now) = self.state();
        state.active_qr = None;
        state.challenges.clear();
        state.sessions.clear();
        state.locked_until = None;
        state.strikes = 0;
        state.booting_until = now + self.boot_time;
        state.reboots += 1;
    }

    /// The current admin password.
    pub fn admin_password(&self) -> String {
        self.state().0.admin_password.clone()
    }

    /// The code the vendor would e-mail for the last exported QR code (demo mailbox).
    pub fn mailbox_code(&self) -> Option<String> {
        if !self.mailbox {
            return None;
        }
        self.state().0.last_export.as_ref().map(|e| e.code.clone())
    }

    /// The last exported QR content, if any.
    pub fn last_qr_content(&self) -> Option<String> {
        self.state()
            .0
            .last_export
            .as_ref()
            .map(|e| e.content.clone())
    }

    pub fn snapshot(&self) -> StateSnapshot {
        let (state, now) = self.state();
        let qr_active = state.active_qr.as_ref().is_some_and(|qr| {
            now.saturating_duration_since(qr.at) <= Duration::from_secs(RESET_CODE_VALID_FOR_SECS)
        });
        StateSnapshot {
            activated: self.identity.activated,
            booting: state.booting_until > now,
            qr_exports: state.qr_exports,
            qr_active,
            failed_code_tries: state.failed_code_tries,
            failed_login_tries: state.failed_login_tries,
            retries_left: self.retries_left(&state),
            locked: state.locked_until.is_some(),
            unlock_in_seconds: state.locked_until.map(|until| seconds_until(now, until)),
            password_changed: state.password_changed,
            reboots: state.reboots,
            email_reserved: state.email.is_some(),
            reserved_email: state.email.clone(),
            faults: self.faults.all(),
            questions_set: state.questions.is_some(),
            failed_answer_tries: state.failed_answer_tries,
            failed_guid_tries: state.failed_guid_tries,
            guid_exports: state.guid_exports,
            cameras: state
                .cameras
                .iter()
                .map(|c| CameraState {
                    channel: c.channel,
                    ip: c.ip.clone(),
                    online: c.online,
                    password_synced: c.password == state.admin_password,
                })
                .collect(),
            sessions: u32::try_from(state.sessions.len()).unwrap_or(u32::MAX),
            code_submissions: state.code_submissions,
            login_attempts: state.login_attempts,
        }
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

/// The GUID file devsim exports ([assumed]: real files are opaque; this one names the device and
/// the token of the current password).
fn guid_file(serial: &str, guid: &str) -> String {
    format!("HIKVISION GUID FILE\nserial={serial}\nguid={guid}\n")
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

/// A reset code as the vendor's mail carries it: 8 to 12 capitals and digits.
fn reset_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let len = rng.random_range(8..=12);
    (0..len)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// Opaque QR content: a serial-bound nonce the client must never interpret.
fn qr_content(serial: &str) -> String {
    let mut rng = rand::rng();
    let mut bytes: Vec<u8> = (0..96).map(|_| rng.random()).collect();
    // Mixing the serial in keeps contents of different devices apart, as the real ones are.
    for (b, s) in bytes.iter_mut().zip(serial.bytes().cycle()) {
        *b ^= s;
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
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
    use super::*;
    use crate::identity::Profile;

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
