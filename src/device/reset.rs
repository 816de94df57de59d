//! The reset itself, in device words: export the QR, submit code and new password, prove it.
//! Each answer is turned into a verdict a step can explain; nothing here ever retries a write.

use crate::device::address::DeviceAddress;
use crate::device::client::{self, ClientError, Method};
use protocol::field_crypto::{FieldCipher, FieldKey, FieldProtection};
use protocol::isapi::{
    paths, EmailCertification, EmailParameter, GuidFile, GuidFileReset, QrCode, QuestionAnswer,
    QuestionCertification, QuestionConfiguration, ResponseStatus, SecurityCap, SetEmailParameter,
    SetQuestions, SubStatus, SyncIpcPassword, SyncIpcResult,
};
use protocol::login::{SessionLogin, SessionLoginCap};
use protocol::profile::{AssumedCall, DeviceProfile, SecretFieldScheme};
use protocol::proxy_api::Envelope;

/// The user name whose password the vendor's reset replaces.
pub const ADMIN: &str = "admin";

/// What the device said to a reset attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetVerdict {
    /// The new password is set.
    Accepted,
    /// The code is wrong; the device may say how many tries are left.
    WrongCode { retries_left: Option<u32> },
    /// The code's 48 hours are over, or a newer QR (or a reboot) voided it.
    ExpiredCode,
    /// Too many wrong tries: the device refuses everything for a while.
    Locked { unlock_in_secs: Option<u32> },
    /// The device refused the new password.
    PasswordRefused(PasswordRefusal),
    /// The device is still starting up: wait and try again.
    Booting,
    /// No recovery e-mail was ever reserved on the device: the e-mail reset cannot work.
    NoReservedEmail,
    /// At least one security answer is wrong (counted towards the device's lock).
    WrongAnswers,
    /// The security questions were never set on the device.
    NoQuestions,
    /// The device asks other questions than the ones answered (they changed meanwhile).
    OtherQuestions,
    /// The GUID file is not the current one: every password change makes a new one.
    GuidMismatch,
    /// The device's answer was lost and a login with the new password failed: it did not take
    /// the proof, which may be given again.
    NotTaken,
    /// Anything else, with the device's own words to show verbatim.
    Other { detail: String },
}

/// Why the device refused a new password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordRefusal {
    /// `ResetPasswordIllegal`: it breaks one of the device's rules.
    Illegal,
    /// `riskPassword`: too weak for the device.
    Risky,
    /// `cannotSameAsOldPassword`.
    SameAsOld,
    /// `passworLlenNoMoreThan16`: too long.
    TooLong,
}

/// Asks the device for a new reset QR code. Voids any code exported before: callers warn first.
pub async fn export_qr(
    address: DeviceAddress,
    profile: &DeviceProfile,
) -> Result<QrCode, ResetError> {
    let path = format!("{}?format=json", paths::EMAIL_QR_CODE);
    read(address, &path, profile, |body| {
        QrCode::from_json(body, profile)
    })
    .await
}

/// One GET of `path`: a refusal becomes the device's verdict, anything `parse` cannot read is
/// an answer this firmware gives that the wizard does not know.
async fn read<T>(
    address: DeviceAddress,
    path: &str,
    profile: &DeviceProfile,
    parse: impl FnOnce(&str) -> Result<T, protocol::ParseError>,
) -> Result<T, ResetError> {
    let envelope = client::send(address, Method::Get, path, None).await?;
    if let Some(status) = refusal(&envelope) {
        return Err(ResetError::Refused(verdict_of(&status, profile)));
    }
    parse(&envelope.body).map_err(|err| {
        ResetError::Client(ClientError::Garbage {
            detail: err.to_string(),
        })
    })
}

/// What proves the person may reset the device, kept in memory only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// The reset code the vendor e-mailed.
    Code(String),
    /// The answers to the device's security questions.
    Answers(Vec<QuestionAnswer>),
    /// The GUID file exported earlier.
    GuidFile(GuidFile),
}

/// Sends the route's proof and the new password, once. Nobody is logged in: when the profile
/// asks for `security=1`, the secrets go under the key of the empty password, as the device's
/// own page keys its calls before a login.
pub async fn submit(
    address: DeviceAddress,
    profile: &DeviceProfile,
    security: &SecurityCap,
    proof: &Proof,
    password: &str,
) -> Result<ResetVerdict, ClientError> {
    let (method, path, content_type, body) = match proof {
        Proof::Code(code) => {
            let protection =
                before_login_protection(profile.email_certification_secrets, security)?;
            let cipher = match &protection {
                FieldProtection::Encrypted(cipher) => Some(cipher),
                FieldProtection::Plain => None,
            };
            let body = EmailCertification {
                security_code: code.trim().to_string(),
                reset_password: password.to_string(),
            }
            .to_json(profile, cipher)
            .map_err(|err| ClientError::Garbage {
                detail: err.to_string(),
            })?;
            let path = protection.apply_to(&format!("{}?format=json", paths::EMAIL_CERTIFICATION));
            (Method::Put, path, "application/json", body)
        }
        Proof::Answers(answers) => {
            let protection =
                before_login_protection(profile.question_certification_secrets, security)?;
            let body = QuestionCertification {
                answers: answers.clone(),
                reset_password: password.to_string(),
            }
            .to_xml(profile, &protection);
            let path = protection.apply_to(paths::QUESTION_CERTIFICATION);
            (Method::Put, path, "application/xml", body)
        }
        Proof::GuidFile(file) => {
            let protection = before_login_protection(profile.guid_reset_secrets, security)?;
            let body = GuidFileReset {
                file: file.clone(),
                reset_password: password.to_string(),
            }
            .to_json(profile, &protection);
            let (method, path) = assumed_call(&profile.guid_reset);
            (method, protection.apply_to(&path), "application/json", body)
        }
    };
    let envelope = client::send(address, method, &path, Some((content_type, body))).await?;
    Ok(match refusal(&envelope) {
        Some(status) => verdict_of(&status, profile),
        None if (200..300).contains(&envelope.status) => ResetVerdict::Accepted,
        None => ResetVerdict::Other {
            detail: format!("HTTP {}", envelope.status),
        },
    })
}

/// How a call made before any login protects its secrets under `scheme`: in clear, or under
/// `security=1` with the key of the empty password and a fresh IV.
fn before_login_protection(
    scheme: SecretFieldScheme,
    security: &SecurityCap,
) -> Result<FieldProtection, ClientError> {
    Ok(match scheme {
        SecretFieldScheme::Plaintext => FieldProtection::Plain,
        SecretFieldScheme::Security1 => FieldProtection::Encrypted(FieldCipher::new(
            FieldKey::before_login(security, ADMIN),
            random_iv()?,
        )),
    })
}

/// Reads the reserved recovery address (a no-login read in the UIs' request table): whether the
/// e-mail reset can work at all, and where the code will go, before any QR export.
pub async fn read_recovery_email(
    address: DeviceAddress,
    profile: &DeviceProfile,
) -> Result<EmailParameter, ResetError> {
    let path = format!("{}?format=json", paths::EMAIL_PARAMETER);
    read(address, &path, profile, |body| {
        EmailParameter::from_json(body, profile)
    })
    .await
}

/// Reads which security questions the device would ask (a harmless read).
pub async fn read_questions(
    address: DeviceAddress,
    profile: &DeviceProfile,
) -> Result<QuestionConfiguration, ResetError> {
    read(address, paths::QUESTION_CONFIGURATION, profile, |body| {
        QuestionConfiguration::from_xml(body, profile)
    })
    .await
}

/// Logs in once with the new password; true when the device accepted it. Never retried:
/// a failed proof must not spend the device's login tries.
pub async fn prove_login(address: DeviceAddress, password: &str) -> Result<bool, ResetError> {
    let cap = login_capabilities(address).await?;
    let login = SessionLogin::new(&cap, ADMIN, password).to_xml();
    let now = crate::wizard::clock::now_ms();
    let path = format!("{}?timeStamp={now}", paths::SESSION_LOGIN);
    let envelope = client::send(
        address,
        Method::Post,
        &path,
        Some(("application/xml", login)),
    )
    .await?;
    Ok((200..300).contains(&envelope.status) && refusal(&envelope).is_none())
}

/// A prevention setting to write while logged in with the new password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prevention {
    /// Reserve this recovery e-mail address.
    Email(String),
    /// Set these security answers.
    Questions(Vec<QuestionAnswer>),
}

/// Writes `setting` after the proof login (the proxy holds the device's session cookie). The
/// admin password (and a new recovery address) go along, under the device's `security=1`
/// field encryption when it asks for it, keyed as after that login.
pub async fn save_prevention(
    address: DeviceAddress,
    profile: &DeviceProfile,
    security: &SecurityCap,
    password: &str,
    setting: &Prevention,
) -> Result<(), ResetError> {
    let protection = logged_in_protection(address, profile, security, password).await?;
    let (path, content_type, body) = match setting {
        Prevention::Email(address) => (
            protection.apply_to(&format!("{}?format=json", paths::EMAIL_PARAMETER)),
            "application/json",
            SetEmailParameter {
                email_address: address.clone(),
                admin_password: password.to_string(),
            }
            .to_json(&protection),
        ),
        Prevention::Questions(answers) => (
            protection.apply_to(paths::QUESTION_CONFIGURATION),
            "application/xml",
            SetQuestions {
                answers: answers.clone(),
                admin_password: password.to_string(),
            }
            .to_xml(profile, &protection),
        ),
    };
    let envelope = client::send(address, Method::Put, &path, Some((content_type, body))).await?;
    accepted(&envelope, profile)
}

/// Asks an NVR, after the proof login, to give its new admin password to the cameras behind
/// it ([assumed] call from the profile). The password goes along as for [`save_prevention`];
/// the answer says, per camera channel, whether it took it.
pub async fn sync_ipc_password(
    address: DeviceAddress,
    profile: &DeviceProfile,
    security: &SecurityCap,
    password: &str,
) -> Result<SyncIpcResult, ResetError> {
    let protection = logged_in_protection(address, profile, security, password).await?;
    let (method, path) = assumed_call(&profile.sync_ipc_password);
    let body = SyncIpcPassword {
        admin_password: password.to_string(),
    }
    .to_json(&protection);
    let path = protection.apply_to(&path);
    let envelope = client::send(address, method, &path, Some(("application/json", body))).await?;
    accepted(&envelope, profile)?;
    SyncIpcResult::from_json(&envelope.body).map_err(|err| {
        ResetError::Client(ClientError::Garbage {
            detail: err.to_string(),
        })
    })
}

/// How a logged-in call protects the secrets it carries: under `security=1` when the device
/// asks for it, keyed as after this device's login (on the 2.1 login's intermediate value, or
/// on the password for older logins) with a fresh IV. The login capabilities are read again
/// (a harmless read) rather than kept, so the key follows the device across reloads.
async fn logged_in_protection(
    address: DeviceAddress,
    profile: &DeviceProfile,
    security: &SecurityCap,
    password: &str,
) -> Result<FieldProtection, ResetError> {
    Ok(match profile.logged_in_scheme(security) {
        SecretFieldScheme::Plaintext => FieldProtection::Plain,
        SecretFieldScheme::Security1 => {
            let login = login_capabilities(address).await?;
            let key = FieldKey::after_login(security, &login, ADMIN, password);
            FieldProtection::Encrypted(FieldCipher::new(key, random_iv()?))
        }
    })
}

/// `GET sessionLogin/capabilities`: the challenge and the login's hash settings.
async fn login_capabilities(address: DeviceAddress) -> Result<SessionLoginCap, ResetError> {
    let path = format!("{}?username={ADMIN}", paths::SESSION_LOGIN_CAPABILITIES);
    let envelope = client::send(address, Method::Get, &path, None).await?;
    SessionLoginCap::from_xml(&envelope.body).map_err(|err| {
        ResetError::Client(ClientError::Garbage {
            detail: err.to_string(),
        })
    })
}

/// The method and path of an [assumed] call from the profile. The only query key such a call
/// may carry besides `security`/`iv` is `format`.
fn assumed_call(call: &AssumedCall) -> (Method, String) {
    let method = match call.method.trim().to_ascii_uppercase().as_str() {
        "POST" => Method::Post,
        _ => Method::Put,
    };
    let path = if call.query_keys.iter().any(|k| k == "format") {
        format!("{}?format=json", call.path)
    } else {
        call.path.clone()
    };
    (method, path)
}

/// A write's answer: fine when 2xx without a failing status, else why not.
fn accepted(envelope: &Envelope, profile: &DeviceProfile) -> Result<(), ResetError> {
    match refusal(envelope) {
        Some(status) => Err(ResetError::Refused(verdict_of(&status, profile))),
        None if (200..300).contains(&envelope.status) => Ok(()),
        None => Err(ResetError::Client(ClientError::DeviceStatus {
            status: envelope.status,
        })),
    }
}

/// A fresh IV from the browser's cryptographic random source.
fn random_iv() -> Result<[u8; 16], ClientError> {
    let mut iv = [0u8; 16];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut iv).ok())
        .ok_or(ClientError::Garbage {
            detail: "no cryptographic random source".into(),
        })?;
    Ok(iv)
}

/// Why an export or proof did not complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetError {
    /// The exchange itself failed (proxy, network, garbage).
    Client(ClientError),
    /// The device answered with a refusal.
    Refused(ResetVerdict),
}

impl From<ClientError> for ResetError {
    fn from(err: ClientError) -> Self {
        ResetError::Client(err)
    }
}

/// A `ResponseStatus` in the answer that is not a success, whatever the HTTP status.
fn refusal(envelope: &Envelope) -> Option<ResponseStatus> {
    ResponseStatus::parse(&envelope.body)
        .ok()
        .filter(|status| !status.is_ok())
}

/// Turns a device refusal into something a step can explain.
pub fn verdict_of(status: &ResponseStatus, profile: &DeviceProfile) -> ResetVerdict {
    if status.is_locked() {
        return ResetVerdict::Locked {
            unlock_in_secs: status.lock.and_then(|l| l.unlock_in_seconds()),
        };
    }
    match status.sub_status(profile) {
        Some(SubStatus::WrongResetCode) => ResetVerdict::WrongCode {
            retries_left: status.lock.and_then(|l| l.retries_left()),
        },
        Some(SubStatus::ExpiredResetCode) => ResetVerdict::ExpiredCode,
        Some(SubStatus::NoReservedEmail) => ResetVerdict::NoReservedEmail,
        Some(SubStatus::MaxPasswordAttempts) => ResetVerdict::Locked {
            unlock_in_secs: status.lock.and_then(|l| l.unlock_in_seconds()),
        },
        Some(SubStatus::ResetPasswordIllegal) => {
            ResetVerdict::PasswordRefused(PasswordRefusal::Illegal)
        }
        Some(SubStatus::RiskPassword) => ResetVerdict::PasswordRefused(PasswordRefusal::Risky),
        Some(SubStatus::CannotSameAsOldPassword) => {
            ResetVerdict::PasswordRefused(PasswordRefusal::SameAsOld)
        }
        Some(SubStatus::PasswordTooLong) => ResetVerdict::PasswordRefused(PasswordRefusal::TooLong),
        Some(SubStatus::SeqCertificateUnmatch) => ResetVerdict::WrongAnswers,
        Some(SubStatus::ResetErrorNoSeq) => ResetVerdict::NoQuestions,
        Some(SubStatus::SeqConfigNumError) => ResetVerdict::OtherQuestions,
        Some(SubStatus::GuidFileDataUnmatch) => ResetVerdict::GuidMismatch,
        _ if status.is_booting_signal() => ResetVerdict::Booting,
        other => ResetVerdict::Other {
            detail: other
                .map(|sub| sub.code(profile))
                .filter(|code| !code.is_empty())
                .or_else(|| status.status_string.clone())
                .unwrap_or_else(|| format!("statusCode {}", status.status_code)),
        },
    }
}
