//! What can go wrong at a step, typed once: the client error, the device's refusal, or bad
//! input. Each problem has its sentence, the stable name an embedding page receives, and the
//! reason a batch records for a device left with it.

use crate::batch::FailReason;
use crate::device::address::AddressError;
use crate::device::client::ClientError;
use crate::device::reset::{PasswordRefusal, ResetError, ResetVerdict};
use crate::i18n::Msg;
use protocol::proxy_api::ErrorCode;
use serde::Serialize;

/// Something that went wrong, as shown to the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// An exchange with the proxy or the device gave no usable answer; `address` is the
    /// device's, empty when the call was not about one.
    Client { error: ClientError, address: String },
    /// The same, for a device that already answered as a Hikvision device (its activation state
    /// and capabilities): an answer we cannot read then means firmware new to the wizard.
    KnownDevice { error: ClientError, address: String },
    /// The device refused, in its own words.
    Refused(ResetVerdict),
    /// The device accepted a reset whose answer was lost, and whether it took the new password
    /// could not be checked.
    ResetUnconfirmed,
    /// The device's QR content is too long to draw as a QR code.
    QrTooLong,
    /// The helper on this computer did not answer at `address` (this page is at `origin`).
    HelperNotReached { address: String, origin: String },
    /// A helper answered that is older than this wizard.
    HelperTooOld { version: String },
    /// A helper answered that is newer than this wizard.
    HelperTooNew { version: String },
    /// Something the person typed or chose that cannot be used.
    Input(BadInput),
}

/// Input the wizard cannot use, caught before anything is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadInput {
    /// A code or an answer was left empty.
    Empty,
    /// The typed device address.
    Address(AddressError),
    /// The chosen GUID file cannot be read or is not one.
    GuidFile,
}

/// The stable name of a problem, as an embedding page receives it in `error` events. Never
/// renamed: host pages match on these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemName {
    ProxyUnreachable,
    HelperUnreachable,
    HelperTooOld,
    HelperTooNew,
    ProxyRefused,
    ProxyBusy,
    TooManyAttempts,
    DeviceUnreachable,
    DeviceTimeout,
    DeviceBadAnswer,
    DeviceRefused,
    DeviceStarting,
    DeviceNotAllowed,
    DiscoveryFailed,
    DeviceTls,
    WrongCode,
    ExpiredCode,
    DeviceLocked,
    QrTooLong,
    WrongAnswers,
    NoQuestions,
    OtherQuestions,
    GuidMismatch,
    ResetNotTaken,
    ResetUnconfirmed,
    GuidUnusable,
    NoReservedEmail,
    PasswordRefused,
    Other,
}

impl Problem {
    /// A failed call to the device at `address`.
    pub fn client(error: ClientError, address: impl ToString) -> Problem {
        Problem::Client {
            error,
            address: address.to_string(),
        }
    }

    /// A failed call to a device that already answered as one (see [`Problem::KnownDevice`]).
    pub fn known_device(error: ClientError, address: impl ToString) -> Problem {
        Problem::KnownDevice {
            error,
            address: address.to_string(),
        }
    }

    /// A reset call to a known device that failed or was refused.
    pub fn reset(error: ResetError, address: impl ToString) -> Problem {
        match error {
            ResetError::Client(error) => Problem::known_device(error, address),
            ResetError::Refused(verdict) => Problem::Refused(verdict),
        }
    }

    /// What to tell the person.
    pub fn message(&self) -> Msg {
        match self {
            Problem::Client { error, address } => client_message(error, address),
            Problem::KnownDevice { error, address } => match unreadable(error) {
                Some(detail) => Msg::FirmwareAnswerUnknown {
                    detail: detail.to_string(),
                },
                None => client_message(error, address),
            },
            Problem::Refused(verdict) => verdict_message(verdict),
            Problem::ResetUnconfirmed => Msg::ResetUnconfirmed,
            Problem::QrTooLong => Msg::QrTooLong,
            Problem::HelperNotReached { address, origin } => Msg::HelperNotReached {
                address: address.clone(),
                origin: origin.clone(),
            },
            Problem::HelperTooOld { version } => Msg::HelperTooOld {
                version: version.clone(),
            },
            Problem::HelperTooNew { version } => Msg::HelperTooNew {
                version: version.clone(),
            },
            Problem::Input(BadInput::Empty) => Msg::CodeEmpty,
            Problem::Input(BadInput::Address(AddressError::Empty)) => Msg::AddressEmpty,
            Problem::Input(BadInput::Address(AddressError::NotAnAddress)) => Msg::AddressNotAnIp,
            Problem::Input(BadInput::Address(AddressError::BadPort)) => Msg::AddressBadPort,
            Problem::Input(BadInput::GuidFile) => Msg::GuidUnusable,
        }
    }

    /// The stable name an embedding page receives.
    pub fn name(&self) -> ProblemName {
        match self {
            Problem::Client { error, .. } => client_name(error),
            Problem::KnownDevice { error, .. } if unreadable(error).is_some() => ProblemName::Other,
            Problem::KnownDevice { error, .. } => client_name(error),
            Problem::Refused(verdict) => verdict_name(verdict),
            Problem::ResetUnconfirmed => ProblemName::ResetUnconfirmed,
            Problem::QrTooLong => ProblemName::QrTooLong,
            Problem::HelperNotReached { .. } => ProblemName::HelperUnreachable,
            Problem::HelperTooOld { .. } => ProblemName::HelperTooOld,
            Problem::HelperTooNew { .. } => ProblemName::HelperTooNew,
            Problem::Input(BadInput::GuidFile) => ProblemName::GuidUnusable,
            Problem::Input(_) => ProblemName::Other,
        }
    }

    /// Why a batch's device left with this problem failed.
    pub fn batch_reason(&self) -> FailReason {
        self.name().batch_reason()
    }
}

impl ProblemName {
    /// Why a batch's device left with a problem of this name failed.
    pub fn batch_reason(self) -> FailReason {
        use ProblemName as N;
        match self {
            N::ProxyUnreachable
            | N::HelperUnreachable
            | N::DeviceUnreachable
            | N::DeviceTimeout
            | N::DeviceStarting
            | N::DeviceNotAllowed => FailReason::Unreachable,
            N::WrongCode
            | N::ExpiredCode
            | N::WrongAnswers
            | N::GuidMismatch
            | N::GuidUnusable
            | N::OtherQuestions => FailReason::ProofRefused,
            N::DeviceLocked | N::TooManyAttempts => FailReason::Locked,
            N::NoReservedEmail | N::NoQuestions => FailReason::NoRoute,
            N::PasswordRefused => FailReason::PasswordRefused,
            N::DeviceBadAnswer | N::DeviceTls => FailReason::BadAnswer,
            N::HelperTooOld
            | N::HelperTooNew
            | N::ProxyRefused
            | N::ProxyBusy
            | N::DeviceRefused
            | N::DiscoveryFailed
            | N::QrTooLong
            | N::ResetNotTaken
            | N::ResetUnconfirmed
            | N::Other => FailReason::Other,
        }
    }
}

/// The detail of an answer that could not be read, if that is what `error` is.
fn unreadable(error: &ClientError) -> Option<&str> {
    match error {
        ClientError::Garbage { detail }
        | ClientError::Proxy {
            code: ErrorCode::DeviceBadAnswer,
            message: detail,
            ..
        } => Some(detail),
        _ => None,
    }
}

/// The sentence for a failed exchange with the device at `address`.
fn client_message(error: &ClientError, address: &str) -> Msg {
    let address = address.to_string();
    match error {
        ClientError::ProxyUnreachable => Msg::ProxyUnreachable,
        ClientError::Proxy {
            code,
            message,
            retry_after,
        } => match code {
            ErrorCode::DeviceUnreachable => Msg::DeviceUnreachable { address },
            ErrorCode::DeviceTimeout => Msg::DeviceTimeout { address },
            ErrorCode::DeviceAnswerTooLarge => Msg::DeviceAnswerTooLarge,
            ErrorCode::DeviceBadAnswer => Msg::DeviceGarbage {
                detail: message.clone(),
            },
            ErrorCode::TargetNotAllowed => Msg::TargetNotAllowed,
            ErrorCode::DiscoveryFailed => Msg::DiscoveryFailed,
            ErrorCode::TooManyAttempts => Msg::TooManyAttempts {
                minutes: retry_after.unwrap_or(60).div_ceil(60),
            },
            ErrorCode::Busy => Msg::ProxyBusy,
            ErrorCode::DeviceCertificateChanged => Msg::CertificateChanged,
            ErrorCode::DeviceTlsFailed => Msg::TlsFailed,
            ErrorCode::HostNotAllowed | ErrorCode::OriginNotAllowed | ErrorCode::CrossSite => {
                Msg::OpenFromProxy
            }
            ErrorCode::PairingRequired => Msg::PairingNeeded,
            ErrorCode::MissingHeader
            | ErrorCode::CallNotAllowed
            | ErrorCode::RequestTooLarge
            | ErrorCode::BadRequestBody
            | ErrorCode::NotFound
            | ErrorCode::Unknown => Msg::ProxyRefused {
                detail: message.clone(),
            },
        },
        ClientError::DeviceStatus { status } => Msg::DeviceStatus { status: *status },
        ClientError::Booting => Msg::DeviceStarting,
        ClientError::Garbage { detail } => Msg::DeviceGarbage {
            detail: detail.clone(),
        },
    }
}

/// The stable name of a failed exchange.
fn client_name(error: &ClientError) -> ProblemName {
    use ProblemName as N;
    match error {
        ClientError::ProxyUnreachable => N::ProxyUnreachable,
        ClientError::Proxy { code, .. } => match code {
            ErrorCode::DeviceUnreachable => N::DeviceUnreachable,
            ErrorCode::DeviceTimeout => N::DeviceTimeout,
            ErrorCode::DeviceAnswerTooLarge | ErrorCode::DeviceBadAnswer => N::DeviceBadAnswer,
            ErrorCode::TargetNotAllowed => N::DeviceNotAllowed,
            ErrorCode::DiscoveryFailed => N::DiscoveryFailed,
            ErrorCode::TooManyAttempts => N::TooManyAttempts,
            ErrorCode::Busy => N::ProxyBusy,
            ErrorCode::DeviceCertificateChanged | ErrorCode::DeviceTlsFailed => N::DeviceTls,
            ErrorCode::HostNotAllowed
            | ErrorCode::OriginNotAllowed
            | ErrorCode::CrossSite
            | ErrorCode::PairingRequired
            | ErrorCode::MissingHeader
            | ErrorCode::CallNotAllowed
            | ErrorCode::RequestTooLarge
            | ErrorCode::BadRequestBody
            | ErrorCode::NotFound
            | ErrorCode::Unknown => N::ProxyRefused,
        },
        ClientError::DeviceStatus { .. } => N::DeviceRefused,
        ClientError::Booting => N::DeviceStarting,
        ClientError::Garbage { .. } => N::DeviceBadAnswer,
    }
}

/// The sentence for a device verdict.
fn verdict_message(verdict: &ResetVerdict) -> Msg {
    match verdict {
        ResetVerdict::Accepted => Msg::ResetAccepted,
        ResetVerdict::WrongCode {
            retries_left: Some(left),
        } => Msg::WrongCodeTriesLeft { left: *left },
        ResetVerdict::WrongCode { retries_left: None } => Msg::WrongCode,
        ResetVerdict::ExpiredCode => Msg::ExpiredCode,
        ResetVerdict::Locked {
            unlock_in_secs: Some(secs),
        } => Msg::locked_for(u64::from(*secs)),
        ResetVerdict::Locked {
            unlock_in_secs: None,
        } => Msg::Locked,
        ResetVerdict::PasswordRefused(PasswordRefusal::Illegal) => Msg::PasswordIllegal,
        ResetVerdict::PasswordRefused(PasswordRefusal::Risky) => Msg::PasswordRisky,
        ResetVerdict::PasswordRefused(PasswordRefusal::SameAsOld) => Msg::PasswordSameAsOld,
        ResetVerdict::PasswordRefused(PasswordRefusal::TooLong) => Msg::PasswordTooLongDevice,
        ResetVerdict::Booting => Msg::DeviceStarting,
        ResetVerdict::NoReservedEmail => Msg::NoReservedEmail,
        ResetVerdict::WrongAnswers => Msg::WrongAnswers,
        ResetVerdict::NoQuestions => Msg::AnswersNeverSet,
        ResetVerdict::OtherQuestions => Msg::OtherQuestions,
        ResetVerdict::GuidMismatch => Msg::GuidMismatch,
        ResetVerdict::NotTaken => Msg::ResetNotTaken,
        ResetVerdict::Other { detail } => Msg::DeviceSaid {
            detail: detail.clone(),
        },
    }
}

/// The stable name of a device verdict.
fn verdict_name(verdict: &ResetVerdict) -> ProblemName {
    use ProblemName as N;
    match verdict {
        ResetVerdict::Accepted => N::Other,
        ResetVerdict::WrongCode { .. } => N::WrongCode,
        ResetVerdict::ExpiredCode => N::ExpiredCode,
        ResetVerdict::Locked { .. } => N::DeviceLocked,
        ResetVerdict::PasswordRefused(_) => N::PasswordRefused,
        ResetVerdict::Booting => N::DeviceStarting,
        ResetVerdict::NoReservedEmail => N::NoReservedEmail,
        ResetVerdict::WrongAnswers => N::WrongAnswers,
        ResetVerdict::NoQuestions => N::NoQuestions,
        ResetVerdict::OtherQuestions => N::OtherQuestions,
        ResetVerdict::GuidMismatch => N::GuidMismatch,
        ResetVerdict::NotTaken => N::ResetNotTaken,
        ResetVerdict::Other { .. } => N::DeviceRefused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_json(problem: &Problem) -> String {
        serde_json::to_string(&problem.name()).unwrap_or_default()
    }

    #[test]
    fn names_are_the_ones_embedding_pages_receive() {
        let unreachable = Problem::client(
            ClientError::Proxy {
                code: ErrorCode::DeviceUnreachable,
                message: String::new(),
                retry_after: None,
            },
            "10.0.0.9",
        );
        assert_eq!(name_json(&unreachable), "\"device_unreachable\"");
        assert_eq!(
            unreachable.message(),
            Msg::DeviceUnreachable {
                address: "10.0.0.9".into()
            }
        );
        let locked = Problem::Refused(ResetVerdict::Locked {
            unlock_in_secs: Some(90),
        });
        assert_eq!(name_json(&locked), "\"device_locked\"");
        assert_eq!(locked.batch_reason(), FailReason::Locked);
        let refused = Problem::Refused(ResetVerdict::PasswordRefused(PasswordRefusal::Risky));
        assert_eq!(name_json(&refused), "\"password_refused\"");
        assert_eq!(
            name_json(&Problem::HelperNotReached {
                address: String::new(),
                origin: String::new()
            }),
            "\"helper_unreachable\""
        );
        assert_eq!(
            name_json(&Problem::Input(BadInput::GuidFile)),
            "\"guid_unusable\""
        );
    }

    #[test]
    fn an_unreadable_answer_from_a_known_device_is_new_firmware() {
        let garbage = ClientError::Garbage {
            detail: "<x/>".into(),
        };
        let known = Problem::known_device(garbage.clone(), "10.0.0.9");
        assert_eq!(
            known.message(),
            Msg::FirmwareAnswerUnknown {
                detail: "<x/>".into()
            }
        );
        assert_eq!(known.name(), ProblemName::Other);
        let first = Problem::client(garbage, "10.0.0.9");
        assert_eq!(first.name(), ProblemName::DeviceBadAnswer);
        assert_eq!(first.batch_reason(), FailReason::BadAnswer);
    }

    #[test]
    fn every_batch_reason_comes_from_the_problem() {
        assert_eq!(
            Problem::Refused(ResetVerdict::NoReservedEmail).batch_reason(),
            FailReason::NoRoute
        );
        assert_eq!(
            Problem::client(ClientError::ProxyUnreachable, "").batch_reason(),
            FailReason::Unreachable
        );
        assert_eq!(Problem::QrTooLong.batch_reason(), FailReason::Other);
    }
}
