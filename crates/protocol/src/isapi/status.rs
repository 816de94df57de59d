//! `ResponseStatus`, the device's answer to failed (and some successful) calls, in XML and JSON.
//! Both lockout shapes are kept as sent, so devsim can answer the way each firmware does.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::json;
use crate::profile::DeviceProfile;
use crate::xml::{self, Element, Leniency, XmlWriter};
use crate::{ParseError, XmlNamespace};

const CONTEXT: &str = "response status";

/// HTTP statuses on which the web UI reads a `ResponseStatus` body.
pub const STATUS_BODY_HTTP_CODES: [u16; 5] = [200, 400, 403, 500, 503];

/// What a `statusCode` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StatusKind {
    /// 0 or 1: the call succeeded.
    Ok,
    /// 2: the device is busy.
    Busy,
    /// 3: the device failed internally.
    DeviceError,
    /// 4: not allowed now (also what a booting or locked device answers).
    InvalidOperation,
    /// 5: the body could not be parsed.
    InvalidXmlFormat,
    /// 6: the body was understood but refused; `subStatusCode` says why.
    InvalidXmlContent,
    /// 7: a reboot is required for the change.
    RebootRequired,
    /// Any other code.
    Other(u32),
}

impl StatusKind {
    /// Classifies a `statusCode`.
    pub fn from_code(code: u32) -> Self {
        match code {
            0 | 1 => StatusKind::Ok,
            2 => StatusKind::Busy,
            3 => StatusKind::DeviceError,
            4 => StatusKind::InvalidOperation,
            5 => StatusKind::InvalidXmlFormat,
            6 => StatusKind::InvalidXmlContent,
            7 => StatusKind::RebootRequired,
            other => StatusKind::Other(other),
        }
    }

    /// The `statusCode` devices send for this kind (1 for OK).
    pub fn code(self) -> u32 {
        match self {
            StatusKind::Ok => 1,
            StatusKind::Busy => 2,
            StatusKind::DeviceError => 3,
            StatusKind::InvalidOperation => 4,
            StatusKind::InvalidXmlFormat => 5,
            StatusKind::InvalidXmlContent => 6,
            StatusKind::RebootRequired => 7,
            StatusKind::Other(code) => code,
        }
    }

    /// The `statusString` devices send with this kind.
    pub fn status_string(self) -> &'static str {
        match self {
            StatusKind::Ok => "OK",
            StatusKind::Busy => "Device Busy",
            StatusKind::DeviceError => "Device Error",
            StatusKind::InvalidOperation => "Invalid Operation",
            StatusKind::InvalidXmlFormat => "Invalid XML Format",
            StatusKind::InvalidXmlContent => "Invalid Content",
            StatusKind::RebootRequired => "Reboot Required",
            StatusKind::Other(_) => "Unknown",
        }
    }
}

/// The reset-related `subStatusCode`s, in device words; unknown ones are kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SubStatus {
    /// `ok`.
    Ok,
    /// `WANNotSupport`: the reset was tried from outside the device's LAN.
    WanNotSupport,
    /// `ResetErrorNoSEQ`: security questions were never set.
    ResetErrorNoSeq,
    /// `SEQConfigNumError`: the wrong number of answers.
    SeqConfigNumError,
    /// `SEQCertificateUnmatch`: wrong answers.
    SeqCertificateUnmatch,
    /// `GUIDFileDataUnmatch`: the GUID file does not match.
    GuidFileDataUnmatch,
    /// `ResetPasswordIllegal`: the new password was refused.
    ResetPasswordIllegal,
    /// `riskPassword`: the new password is too weak.
    RiskPassword,
    /// `cannotSameAsOldPassword`.
    CannotSameAsOldPassword,
    /// `passworLlenNoMoreThan16` (sic): the new password is too long.
    PasswordTooLong,
    /// `badParameters`.
    BadParameters,
    /// `badJsonFormat`.
    BadJsonFormat,
    /// `badAuthorization`.
    BadAuthorization,
    /// `maxPasswordAttempts`: the device locked itself.
    MaxPasswordAttempts,
    /// The profile's wrong-reset-code sub-status ([assumed]).
    WrongResetCode,
    /// The profile's expired-reset-code sub-status ([assumed]).
    ExpiredResetCode,
    /// No recovery e-mail is reserved: `noSetSecurityEmail` [seen], or another name the profile
    /// lists.
    NoReservedEmail,
    /// Anything else, verbatim, to be shown next to a plain-language message.
    Other(String),
}

/// The seen sub-statuses with their exact spelling and `errorCode` where one is known.
const KNOWN_SUB_STATUSES: [(SubStatus, &str, Option<u32>); 14] = [
    (SubStatus::Ok, "ok", None),
    (SubStatus::WanNotSupport, "WANNotSupport", None),
    (SubStatus::ResetErrorNoSeq, "ResetErrorNoSEQ", None),
    (SubStatus::SeqConfigNumError, "SEQConfigNumError", None),
    (
        SubStatus::SeqCertificateUnmatch,
        "SEQCertificateUnmatch",
        None,
    ),
    (SubStatus::GuidFileDataUnmatch, "GUIDFileDataUnmatch", None),
    (
        SubStatus::ResetPasswordIllegal,
        "ResetPasswordIllegal",
        None,
    ),
    (SubStatus::RiskPassword, "riskPassword", Some(0x1000_0002)),
    (
        SubStatus::CannotSameAsOldPassword,
        "cannotSameAsOldPassword",
        Some(0x4000_10E8),
    ),
    (
        SubStatus::PasswordTooLong,
        "passworLlenNoMoreThan16",
        Some(0x6000_005F),
    ),
    (SubStatus::BadParameters, "badParameters", Some(0x6000_0001)),
    (SubStatus::BadJsonFormat, "badJsonFormat", Some(0x5000_0002)),
    (
        SubStatus::BadAuthorization,
        "badAuthorization",
        Some(0x4000_0003),
    ),
    (SubStatus::MaxPasswordAttempts, "maxPasswordAttempts", None),
];

impl SubStatus {
    /// Classifies a `subStatusCode` (case-insensitively), using the profile for [assumed] ones.
    pub fn parse(code: &str, profile: &DeviceProfile) -> Self {
        let code = code.trim();
        if code.eq_ignore_ascii_case(&profile.wrong_code_sub_status) {
            return SubStatus::WrongResetCode;
        }
        if code.eq_ignore_ascii_case(&profile.expired_code_sub_status) {
            return SubStatus::ExpiredResetCode;
        }
        if profile
            .no_reserved_email_sub_statuses
            .iter()
            .any(|name| code.eq_ignore_ascii_case(name))
        {
            return SubStatus::NoReservedEmail;
        }
        KNOWN_SUB_STATUSES
            .iter()
            .find(|(_, name, _)| name.eq_ignore_ascii_case(code))
            .map(|(sub, _, _)| sub.clone())
            .unwrap_or_else(|| SubStatus::Other(code.to_owned()))
    }

    /// The `subStatusCode` string a device sends for this sub-status.
    pub fn code(&self, profile: &DeviceProfile) -> String {
        match self {
            SubStatus::WrongResetCode => profile.wrong_code_sub_status.clone(),
            SubStatus::ExpiredResetCode => profile.expired_code_sub_status.clone(),
            SubStatus::NoReservedEmail => profile
                .no_reserved_email_sub_statuses
                .first()
                .cloned()
                .unwrap_or_else(|| crate::profile::NO_RESERVED_EMAIL_SEEN.to_owned()),
            SubStatus::Other(code) => code.clone(),
            known => KNOWN_SUB_STATUSES
                .iter()
                .find(|(sub, _, _)| sub == known)
                .map(|(_, name, _)| (*name).to_owned())
                .unwrap_or_default(),
        }
    }

    /// The `errorCode` JSON answers pair with this sub-status, where one was seen.
    pub fn error_code(&self) -> Option<u32> {
        KNOWN_SUB_STATUSES
            .iter()
            .find(|(sub, _, _)| sub == self)
            .and_then(|(_, _, code)| *code)
    }
}

/// Lockout details in either of the two shapes devices send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "shape")]
pub enum LockState {
    /// The JSON shape: `lockStatus` ("locked"/"unlock"), `retryTimes`, `resLockTime` (s).
    #[serde(rename_all = "camelCase")]
    RetryTimes {
        /// Whether the device is locked now.
        locked: bool,
        /// Attempts left before the lock.
        retry_times: Option<u32>,
        /// Seconds until the lock lifts.
        res_lock_time: Option<u32>,
    },
    /// The XML shape: `lockStatus` ("lock"/"unlock"), `unlockTime` (s), `retryLoginTime`.
    #[serde(rename_all = "camelCase")]
    UnlockTime {
        /// Whether the device is locked now.
        locked: bool,
        /// Seconds until the lock lifts.
        unlock_time: Option<u32>,
        /// Attempts left before the lock.
        retry_login_time: Option<u32>,
    },
}

impl LockState {
    /// Whether the device says it is locked.
    pub fn is_locked(&self) -> bool {
        match *self {
            LockState::RetryTimes { locked, .. } | LockState::UnlockTime { locked, .. } => locked,
        }
    }

    /// Attempts left before the device locks, when it says.
    pub fn retries_left(&self) -> Option<u32> {
        match *self {
            LockState::RetryTimes { retry_times, .. } => retry_times,
            LockState::UnlockTime {
                retry_login_time, ..
            } => retry_login_time,
        }
    }

    /// Seconds until the lock lifts, when it says.
    pub fn unlock_in_seconds(&self) -> Option<u32> {
        match *self {
            LockState::RetryTimes { res_lock_time, .. } => res_lock_time,
            LockState::UnlockTime { unlock_time, .. } => unlock_time,
        }
    }

    /// Reads the fields from any source of named text values. The counters decide the
    /// shape; without them the `lockStatus` spelling does ("lock" is XML's, "locked" JSON's),
    /// and a bare "unlock" reads as the format's own shape (`xml_native`).
    fn read(get: impl Fn(&str) -> Option<String>, xml_native: bool) -> Option<Self> {
        let num = |name: &str| get(name).and_then(|v| v.trim().parse::<u32>().ok());
        let status = get("lockStatus");
        let status_word = status.as_deref().map(|s| s.trim().to_ascii_lowercase());
        let locked = status_word
            .as_deref()
            .is_some_and(|s| s == "lock" || s == "locked" || s == "true");
        let (unlock_time, retry_login_time) = (num("unlockTime"), num("retryLoginTime"));
        let (retry_times, res_lock_time) = (num("retryTimes"), num("resLockTime"));
        let counters_say_xml = unlock_time.is_some() || retry_login_time.is_some();
        let counters_say_json = retry_times.is_some() || res_lock_time.is_some();
        let xml_shape = match (counters_say_xml, counters_say_json) {
            (true, _) => true,
            (false, true) => false,
            (false, false) if status.is_none() => return None,
            (false, false) => match status_word.as_deref() {
                Some("lock") => true,
                Some("locked") => false,
                _ => xml_native,
            },
        };
        if xml_shape {
            Some(LockState::UnlockTime {
                locked,
                unlock_time,
                retry_login_time,
            })
        } else {
            Some(LockState::RetryTimes {
                locked,
                retry_times,
                res_lock_time,
            })
        }
    }

    /// The fields as (name, text) pairs in the shape's own spelling.
    fn fields(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        match *self {
            LockState::RetryTimes {
                locked,
                retry_times,
                res_lock_time,
            } => {
                out.push((
                    "lockStatus",
                    if locked { "locked" } else { "unlock" }.into(),
                ));
                out.extend(retry_times.map(|v| ("retryTimes", v.to_string())));
                out.extend(res_lock_time.map(|v| ("resLockTime", v.to_string())));
            }
            LockState::UnlockTime {
                locked,
                unlock_time,
                retry_login_time,
            } => {
                out.push(("lockStatus", if locked { "lock" } else { "unlock" }.into()));
                out.extend(unlock_time.map(|v| ("unlockTime", v.to_string())));
                out.extend(retry_login_time.map(|v| ("retryLoginTime", v.to_string())));
            }
        }
        out
    }
}

/// A device's status answer, XML or JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseStatus {
    /// `requestURL`: the path the device answered.
    pub request_url: Option<String>,
    /// `statusCode`; see [`ResponseStatus::kind`].
    pub status_code: u32,
    /// `statusString`.
    pub status_string: Option<String>,
    /// `subStatusCode`; see [`ResponseStatus::sub_status`].
    pub sub_status_code: Option<String>,
    /// `errorCode` (JSON answers; decimal or `0x` hex).
    pub error_code: Option<u32>,
    /// `errorMsg` (JSON answers).
    pub error_msg: Option<String>,
    /// Lockout details, when the answer carries any.
    pub lock: Option<LockState>,
}

impl ResponseStatus {
    /// A status of the given kind with the device's usual `statusString`.
    pub fn new(kind: StatusKind) -> Self {
        ResponseStatus {
            request_url: None,
            status_code: kind.code(),
            status_string: Some(kind.status_string().into()),
            sub_status_code: None,
            error_code: None,
            error_msg: None,
            lock: None,
        }
    }

    /// A status of the given kind carrying a sub-status and its known `errorCode`.
    pub fn with_sub_status(kind: StatusKind, sub: &SubStatus, profile: &DeviceProfile) -> Self {
        ResponseStatus {
            sub_status_code: Some(sub.code(profile)),
            error_code: sub.error_code(),
            ..ResponseStatus::new(kind)
        }
    }

    /// What the `statusCode` means.
    pub fn kind(&self) -> StatusKind {
        StatusKind::from_code(self.status_code)
    }

    /// Whether the call succeeded.
    pub fn is_ok(&self) -> bool {
        self.kind() == StatusKind::Ok
    }

    /// The sub-status, classified with the profile's [assumed] codes.
    pub fn sub_status(&self, profile: &DeviceProfile) -> Option<SubStatus> {
        self.sub_status_code
            .as_deref()
            .map(|code| SubStatus::parse(code, profile))
    }

    /// Whether the device says it is locked (by lock fields or `maxPasswordAttempts`).
    pub fn is_locked(&self) -> bool {
        self.lock.is_some_and(|l| l.is_locked())
            || self
                .sub_status_code
                .as_deref()
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("maxPasswordAttempts"))
    }

    /// Whether this is the one known "still starting up" signal: statusCode 4 ("Invalid
    /// Operation") with no `subStatusCode`. A statusCode 4 that names a reason (for example
    /// `noSetSecurityEmail`) is that reason, never "starting up".
    pub fn is_booting_signal(&self) -> bool {
        self.kind() == StatusKind::InvalidOperation
            && self
                .sub_status_code
                .as_deref()
                .is_none_or(|sub| sub.trim().is_empty())
            && !self.is_locked()
    }

    /// The error for an answer to `context` that is this status instead of the expected body.
    pub fn into_parse_error(self, context: &'static str) -> ParseError {
        ParseError::DeviceStatus {
            context,
            status_code: self.status_code,
            status_string: self.status_string.unwrap_or_default(),
            sub_status_code: self.sub_status_code,
        }
    }

    /// Reads a status body, telling JSON from XML by its first character.
    pub fn parse(body: &str) -> Result<Self, ParseError> {
        if body
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
        {
            Self::from_json(body)
        } else {
            Self::from_xml(body)
        }
    }

    /// Reads `<ResponseStatus>` whatever its namespace; `statusCode` is required.
    pub fn from_xml(xml: &str) -> Result<Self, ParseError> {
        let root = xml::parse(xml, Leniency::Strict, CONTEXT)?;
        let text = |name: &str| field_of(&root, name);
        Self::read(text, true)
    }

    /// Reads a JSON status, flat or wrapped in `"ResponseStatus"`; `statusCode` is required.
    pub fn from_json(body: &str) -> Result<Self, ParseError> {
        let value = json::parse(body, CONTEXT)?;
        let object = json::get(&value, "ResponseStatus")
            .filter(|v| v.is_object())
            .unwrap_or(&value);
        Self::read(|name| json::string(object, name), false)
    }

    fn read(get: impl Fn(&str) -> Option<String>, xml: bool) -> Result<Self, ParseError> {
        let status_code = match get("statusCode") {
            None => {
                return Err(ParseError::MissingField {
                    context: CONTEXT,
                    field: "statusCode".into(),
                })
            }
            Some(v) => v.trim().parse().map_err(|_| ParseError::InvalidValue {
                context: CONTEXT,
                field: "statusCode".into(),
                value: v.clone(),
            })?,
        };
        let non_empty = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        Ok(ResponseStatus {
            request_url: non_empty("requestURL"),
            status_code,
            status_string: non_empty("statusString"),
            sub_status_code: non_empty("subStatusCode"),
            error_code: get("errorCode").and_then(|v| parse_error_code(&v)),
            error_msg: non_empty("errorMsg"),
            lock: LockState::read(&get, xml),
        })
    }

    /// Writes `<ResponseStatus>` in the `std-cgi.org/ver20` namespace, as the notes quote it.
    pub fn to_xml(&self) -> String {
        self.to_xml_with(XmlNamespace::StdCgiVer20)
    }

    /// Writes `<ResponseStatus>` declaring the given namespace.
    pub fn to_xml_with(&self, ns: XmlNamespace) -> String {
        let mut w = XmlWriter::new("ResponseStatus", ns);
        w.opt("requestURL", self.request_url.as_deref())
            .text("statusCode", self.status_code)
            .opt("statusString", self.status_string.as_deref())
            .opt("subStatusCode", self.sub_status_code.as_deref())
            .opt("errorCode", self.error_code)
            .opt("errorMsg", self.error_msg.as_deref());
        for (name, value) in self.lock.iter().flat_map(LockState::fields) {
            w.text(name, value);
        }
        w.finish()
    }

    /// Writes the flat JSON status devices send for `?format=json` calls.
    pub fn to_json(&self) -> String {
        let mut map = Map::new();
        let mut put = |k: &str, v: Value| {
            map.insert(k.to_owned(), v);
        };
        if let Some(url) = &self.request_url {
            put("requestURL", url.clone().into());
        }
        put("statusCode", self.status_code.into());
        if let Some(s) = &self.status_string {
            put("statusString", s.clone().into());
        }
        if let Some(s) = &self.sub_status_code {
            put("subStatusCode", s.clone().into());
        }
        if let Some(c) = self.error_code {
            put("errorCode", c.into());
        }
        if let Some(m) = &self.error_msg {
            put("errorMsg", m.clone().into());
        }
        for (name, value) in self.lock.iter().flat_map(LockState::fields) {
            let value = match value.parse::<u32>() {
                Ok(n) => Value::from(n),
                Err(_) => Value::from(value),
            };
            put(name, value);
        }
        Value::Object(map).to_string()
    }
}

/// The raw text of a field, untrimmed beyond what the tree keeps (text may be empty).
fn field_of(root: &Element, name: &str) -> Option<String> {
    root.find(name).map(|e| e.text.trim().to_owned())
}

/// `errorCode` in decimal or `0x` hex.
fn parse_error_code(text: &str) -> Option<u32> {
    let text = text.trim();
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}
