//! The reset itself, in device words: export the QR, submit code and new password, prove it.
//! Each answer is turned into a verdict a step can explain; nothing here ever retries a write.

use crate::client::{self, ClientError, Method};
use crate::device_address::DeviceAddress;
use protocol::isapi::{paths, EmailCertification, QrCode, ResponseStatus, StatusKind, SubStatus};
use protocol::login::{SessionLogin, SessionLoginCap};
use protocol::profile::DeviceProfile;
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
    let envelope = client::send(address, Method::Get, &path, None).await?;
    if let Some(status) = refusal(&envelope) {
        return Err(ResetError::Refused(verdict_of(&status, profile)));
    }
    QrCode::from_json(&envelope.body, profile).map_err(|err| {
        ResetError::Client(ClientError::Garbage {
            detail: err.to_string(),
        })
    })
}

/// Sends the reset code and the new password, once.
pub async fn submit(
    address: DeviceAddress,
    profile: &DeviceProfile,
    code: &str,
    password: &str,
) -> Result<ResetVerdict, ClientError> {
    let body = EmailCertification {
        security_code: code.trim().to_string(),
        reset_password: password.to_string(),
    }
    .to_json(profile, None)
    .map_err(|err| ClientError::Garbage {
        detail: err.to_string(),
    })?;
    let path = format!("{}?format=json", paths::EMAIL_CERTIFICATION);
    let envelope = client::send(
        address,
        Method::Put,
        &path,
        Some(("application/json", body)),
    )
    .await?;
    Ok(match refusal(&envelope) {
        Some(status) => verdict_of(&status, profile),
        None if (200..300).contains(&envelope.status) => ResetVerdict::Accepted,
        None => ResetVerdict::Other {
            detail: format!("HTTP {}", envelope.status),
        },
    })
}

/// Logs in once with the new password; true when the device accepted it. Never retried:
/// a failed proof must not spend the device's login tries.
pub async fn prove_login(address: DeviceAddress, password: &str) -> Result<bool, ResetError> {
    let path = format!("{}?username={ADMIN}", paths::SESSION_LOGIN_CAPABILITIES);
    let envelope = client::send(address, Method::Get, &path, None).await?;
    let cap = SessionLoginCap::from_xml(&envelope.body).map_err(|err| {
        ResetError::Client(ClientError::Garbage {
            detail: err.to_string(),
        })
    })?;
    let login = SessionLogin::new(&cap, ADMIN, password).to_xml();
    let now = crate::clock::now_ms();
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
        _ if status.kind() == StatusKind::InvalidOperation => ResetVerdict::Booting,
        other => ResetVerdict::Other {
            detail: other
                .map(|sub| sub.code(profile))
                .filter(|code| !code.is_empty())
                .or_else(|| status.status_string.clone())
                .unwrap_or_else(|| format!("statusCode {}", status.status_code)),
        },
    }
}
