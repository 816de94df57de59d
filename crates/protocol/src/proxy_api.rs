//! The JSON that reset-proxy and the wizard exchange: one definition for both sides.
//! Device answers always travel inside an [`Envelope`], never as pages on the proxy's origin.

use crate::sadp::ProbeMatch;
use serde::{Deserialize, Serialize};

/// The version of this API, reported by `/api/v1/health`.
pub const API_VERSION: u32 = 1;

/// The header every API request must carry; other sites cannot send it without a preflight.
pub const API_HEADER: &str = "x-reset-wizard";

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
    /// e.g. `device_unreachable`, `device_timeout`, `target_not_allowed`; every code is
    /// listed in README.md's "The proxy's API". `too_many_attempts` (429) comes with a
    /// `Retry-After` header in seconds.
    pub code: String,
    /// A sentence for developers and logs; users see the translated text for `code`.
    pub message: String,
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

/// `GET /api/v1/devices[?refresh=1]`: the devices that answered discovery, one per MAC.
/// The first answer comes within about 1.5 s; while `scanning` is true, ask again for late ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discovery {
    /// What each device said about itself.
    pub devices: Vec<ProbeMatch>,
    /// True while the proxy is still probing (poll again to see devices that answer late).
    #[serde(default)]
    pub scanning: bool,
}

/// `GET /api/v1/demo/mailbox` (demo mode only): the code the simulated device "e-mailed".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoMailbox {
    /// The reset code, or `None` before a QR code was exported.
    pub code: Option<String>,
}

/// The cookie in which the proxy keeps the wizard's session id (HttpOnly, SameSite=Strict,
/// Path=/api): the wizard never reads it; the browser sends it with same-origin API calls.
pub const SESSION_COOKIE: &str = "reset_session";
