//! The JSON that reset-proxy and the wizard exchange: one definition for both sides.
//! Device answers always travel inside an [`Envelope`], never as pages on the proxy's origin.

use crate::sadp::ProbeMatch;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The version of this API, reported by `/api/v1/health`.
///
/// # Which wizard works with which helper
///
/// `api` changes only when a change would break the other side: a route, field or meaning
/// removed or changed. Adding a route, an optional field or an error code keeps it, so both
/// sides ignore what they do not know. The wizard reads `api` from `/api/v1/health` before it
/// uses a helper, and [`helper_fit`] decides:
/// - the same `api`: they work together, whichever `version` is newer (a newer helper keeps
///   serving an older wizard, e.g. a help center that has not updated its copy);
/// - an older `api` on the helper: the helper is too old; the wizard stays in guided mode and
///   asks the person, in plain words, to download the current helper;
/// - a newer `api` on the helper: this page is the old one; the wizard says so and points to
///   the wizard the helper serves itself (always its own `api`).
pub const API_VERSION: u32 = 1;

/// Whether a helper reporting `api` in its health answer can serve this wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelperFit {
    /// The same API: use it.
    Fits,
    /// The helper speaks an older API: it must be updated.
    TooOld,
    /// The helper speaks a newer API than this wizard: use the wizard it serves.
    TooNew,
}

/// The compatibility rule of [`API_VERSION`], applied to a helper's `api`.
pub fn helper_fit(helper_api: u32) -> HelperFit {
    match helper_api.cmp(&API_VERSION) {
        std::cmp::Ordering::Equal => HelperFit::Fits,
        std::cmp::Ordering::Less => HelperFit::TooOld,
        std::cmp::Ordering::Greater => HelperFit::TooNew,
    }
}

/// The header every API request must carry; other sites cannot send it without a preflight.
pub const API_HEADER: &str = "x-reset-wizard";

/// The header carrying the pairing secret to a helper listening beyond loopback (on the LAN):
/// without it, such a helper answers no API call ([`ErrorCode::PairingRequired`]).
pub const PAIR_HEADER: &str = "x-reset-wizard-pair";

/// The key under which the helper puts its pairing secret in the fragment of the address it
/// prints (`https://192.168.1.20:8443/#pair=…`): a fragment never leaves the browser, so the
/// secret reaches no log and no `Referer`.
pub const PAIR_FRAGMENT_KEY: &str = "pair";

/// A device's answer to one forwarded call: `GET /api/v1/devices/{ip}/{port}/{device path}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// The device's HTTP status.
    pub status: u16,
    /// The device's Content-Type, if it sent one.
    pub content_type: Option<String>,
    /// The device's body as text (invalid UTF-8 replaced).
    pub body: String,
    /// How the proxy reached the device for this answer; `None` from a proxy too old to say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<DeviceTransport>,
}

/// How the proxy spoke to a device: what a person on the same LAN could read of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceTransport {
    /// Plain HTTP: anyone on the LAN can read what is sent, the reset code included. Used only
    /// when the device offers nothing else.
    Http,
    /// HTTPS, against the certificate the device showed first.
    Https,
}

/// The proxy's own error answer: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyError {
    /// What went wrong.
    pub error: ProxyErrorDetail,
}

/// A stable code (mapped to a translated sentence by the wizard) and an English detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyErrorDetail {
    /// What went wrong, as the wizard tells it to people.
    pub code: ErrorCode,
    /// A sentence for developers and logs; users see the translated text for `code`.
    pub message: String,
}

/// Every reason the proxy gives for not returning a device answer; the JSON name is snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 403: the request lacks [`API_HEADER`].
    MissingHeader,
    /// 403: the `Host` is not one the proxy answers to (DNS rebinding).
    HostNotAllowed,
    /// 403: the `Origin` is not the wizard's own or a configured embedding origin.
    OriginNotAllowed,
    /// 403: `Sec-Fetch-Site` says another site sent it.
    #[serde(rename = "cross_site_request")]
    CrossSite,
    /// 403: the device call is not on the allow-list.
    CallNotAllowed,
    /// 403: the device address may not be contacted.
    TargetNotAllowed,
    /// 403: a helper listening on the LAN was called without its pairing secret ([`PAIR_HEADER`]).
    PairingRequired,
    /// 413: the request body is too large.
    RequestTooLarge,
    /// 400: the request body is not of an accepted type.
    BadRequestBody,
    /// 429: too many code or password submissions; see the `Retry-After` header.
    TooManyAttempts,
    /// 503: the proxy is at its concurrency cap.
    #[serde(rename = "proxy_busy")]
    Busy,
    /// 404: no such API route.
    NotFound,
    /// 502: the device's certificate changed during the session.
    DeviceCertificateChanged,
    /// 502: the TLS handshake with the device failed.
    DeviceTlsFailed,
    /// 502: nothing accepted a connection at the device's address.
    DeviceUnreachable,
    /// 504: the device did not answer in time.
    DeviceTimeout,
    /// 502: the device's answer was too large.
    DeviceAnswerTooLarge,
    /// 502: the device's answer was not HTTP.
    DeviceBadAnswer,
    /// 500: discovery could not run.
    DiscoveryFailed,
    /// A code from a newer proxy than this wizard knows.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The code as it appears in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MissingHeader => "missing_header",
            ErrorCode::HostNotAllowed => "host_not_allowed",
            ErrorCode::OriginNotAllowed => "origin_not_allowed",
            ErrorCode::CrossSite => "cross_site_request",
            ErrorCode::CallNotAllowed => "call_not_allowed",
            ErrorCode::TargetNotAllowed => "target_not_allowed",
            ErrorCode::PairingRequired => "pairing_required",
            ErrorCode::RequestTooLarge => "request_too_large",
            ErrorCode::BadRequestBody => "bad_request_body",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::Busy => "proxy_busy",
            ErrorCode::NotFound => "not_found",
            ErrorCode::DeviceCertificateChanged => "device_certificate_changed",
            ErrorCode::DeviceTlsFailed => "device_tls_failed",
            ErrorCode::DeviceUnreachable => "device_unreachable",
            ErrorCode::DeviceTimeout => "device_timeout",
            ErrorCode::DeviceAnswerTooLarge => "device_answer_too_large",
            ErrorCode::DeviceBadAnswer => "device_bad_answer",
            ErrorCode::DiscoveryFailed => "discovery_failed",
            ErrorCode::Unknown => "unknown",
        }
    }
}

/// `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// The proxy's version.
    pub version: String,
    /// [`API_VERSION`] of the proxy answering.
    pub api: u32,
    /// True when the proxy runs with a simulated device.
    pub demo: bool,
}

/// `GET /api/v1/devices[?refresh=1][&after=N]`: the devices that answered discovery, one per
/// MAC. Without `after`, the answer comes within about 1.5 s. With `after=N`, it comes as soon
/// as more than N devices are known or the scan ends; while `scanning` is true, ask again with
/// the count shown, so each device appears as soon as it answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discovery {
    /// What each device said about itself, and in `foundOn` ([`ProbeMatch::found_on`]) which of
    /// the proxy's [`Adapter`]s heard it.
    pub devices: Vec<ProbeMatch>,
    /// True while the proxy is still probing (poll again to see devices that answer late).
    #[serde(default)]
    pub scanning: bool,
}

/// One of the proxy computer's network adapters, as a discovered device's `foundOn`: the device
/// answered the probe sent from this address, so it sits on that adapter's network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adapter {
    /// The adapter's name as the proxy's system calls it (`eth0`, `wlan0`, `Ethernet 2`), when
    /// known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The proxy computer's own address on that adapter, e.g. `192.168.1.20`.
    pub address: IpAddr,
}

/// `eth0 (192.168.1.20)`, or just the address when the name is unknown.
impl std::fmt::Display for Adapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{name} ({})", self.address),
            None => write!(f, "{}", self.address),
        }
    }
}

/// `GET /api/v1/demo/mailbox` (demo mode only): the code the simulated device "e-mailed".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoMailbox {
    /// The reset code, or `None` before a QR code was exported.
    pub code: Option<String>,
}

/// `GET /api/v1/demo/secrets` (demo mode only): what the owner of the simulated device would
/// know, so the other reset routes can be tried: the security answers and the GUID file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoSecrets {
    /// The security questions and their answers (empty when none are set).
    #[serde(default)]
    pub answers: Vec<crate::isapi::QuestionAnswer>,
    /// The GUID file of the current password, base64-encoded, when the device has the route.
    #[serde(default)]
    pub guid_file: Option<String>,
}

/// The cookie in which the proxy keeps the wizard's session id (HttpOnly, SameSite=Strict,
/// Path=/api): the wizard never reads it; the browser sends it with same-origin API calls.
pub const SESSION_COOKIE: &str = "reset_session";

/// The header that carries the session id instead of the cookie, for a wizard served from another
/// origin (a help-center widget talking to the helper on this computer): a cross-site request
/// never gets a SameSite=Strict cookie. The wizard sends [`SESSION_HEADER_NEW`] first; the proxy
/// answers with the id in the same header, and the wizard presents it from then on.
pub const SESSION_HEADER: &str = "x-reset-wizard-session";

/// The [`SESSION_HEADER`] value asking for a new session.
pub const SESSION_HEADER_NEW: &str = "new";

/// The host names a wizard served elsewhere may reach a helper on: this computer only, over plain
/// HTTP (loopback needs no TLS; browsers treat it as secure). The page's CSP allows exactly these.
pub const LOCAL_HELPER_HOSTS: [&str; 2] = ["127.0.0.1", "localhost"];

/// Where reset-proxy listens when started without `--listen`.
pub const DEFAULT_HELPER_PORT: u16 = 8080;
