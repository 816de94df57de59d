//! Which device calls the proxy forwards: method, exact path, known query keys and body kind,
//! from shared/protocol/isapi.md. Anything not listed is refused before a packet leaves.

use crate::error::ApiError;
use axum::http::Method;
use protocol::isapi::paths;

/// What a call may carry as its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body at all.
    None,
    /// An XML or JSON document (the device decides by the path's `format`).
    Document,
}

/// One ISAPI call the wizard may make.
#[derive(Debug)]
pub struct AllowedCall {
    /// The HTTP method.
    pub method: Method,
    /// The exact device path, from [`protocol::isapi::paths`].
    pub path: &'static str,
    /// The query keys it may carry, each at most once.
    pub query_keys: &'static [&'static str],
    /// Its body.
    pub body: BodyKind,
    /// Whether it submits a code, answers or a password: these count against the abuse limits.
    pub submission: bool,
    /// Whether the browser's `Authorization` header is passed on (the older Basic login check).
    pub passes_authorization: bool,
}

const fn read(path: &'static str, query_keys: &'static [&'static str]) -> AllowedCall {
    AllowedCall {
        method: Method::GET,
        path,
        query_keys,
        body: BodyKind::None,
        submission: false,
        passes_authorization: false,
    }
}

const fn submit(
    method: Method,
    path: &'static str,
    query_keys: &'static [&'static str],
) -> AllowedCall {
    AllowedCall {
        method,
        path,
        query_keys,
        body: BodyKind::Document,
        submission: true,
        passes_authorization: false,
    }
}

/// The reset flow's calls. Writing the recovery email or the security questions needs the
/// admin password the user lost and would let a stranger re-arm the reset: not forwarded.
pub const ALLOWED_CALLS: &[AllowedCall] = &[
    read(paths::ACTIVATE_STATUS, &[]),
    read(paths::SECURITY_CAPABILITIES, &["username"]),
    read(paths::EXTERN_CAPABILITIES, &[]),
    read(paths::EMAIL_PARAMETER_CAPABILITIES, &["format"]),
    read(paths::EMAIL_PARAMETER, &["format"]),
    read(paths::EMAIL_QR_CODE, &["format"]),
    submit(Method::PUT, paths::EMAIL_CERTIFICATION, &["format"]),
    read(paths::QUESTION_CONFIGURATION, &["format"]),
    submit(Method::PUT, paths::QUESTION_CERTIFICATION, &["format"]),
    AllowedCall {
        method: Method::POST,
        path: paths::GUID_FILE_DATA,
        query_keys: &["security", "iv"],
        body: BodyKind::Document,
        submission: false,
        passes_authorization: false,
    },
    read(paths::SESSION_LOGIN_CAPABILITIES, &["username"]),
    submit(Method::POST, paths::SESSION_LOGIN, &["timeStamp"]),
    AllowedCall {
        method: Method::GET,
        path: paths::USER_CHECK,
        query_keys: &[],
        body: BodyKind::None,
        submission: true,
        passes_authorization: true,
    },
    read(paths::ILLEGAL_LOGIN_LOCK, &[]),
];

/// Longest query value accepted (timestamps, hex IVs and `json` are far shorter).
const MAX_QUERY_VALUE: usize = 64;

/// Finds the allowed call for `method path?query`; `path` and `query` are exactly as received
/// (still percent-encoded), so `%2e%2e`, `%2f` or `%00` never match a listed path.
pub fn check_call(
    method: &Method,
    path: &str,
    query: Option<&str>,
) -> Result<&'static AllowedCall, ApiError> {
    let call = ALLOWED_CALLS
        .iter()
        .find(|call| call.method == *method && call.path == path)
        .ok_or_else(|| ApiError::CallNotAllowed(format!("{method} {path}")))?;
    let mut seen: Vec<&str> = Vec::new();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if !call.query_keys.contains(&key) {
            return Err(ApiError::CallNotAllowed(format!(
                "{method} {path} with query key {key:?}"
            )));
        }
        if seen.contains(&key) {
            return Err(ApiError::CallNotAllowed(format!(
                "{method} {path} with {key:?} twice"
            )));
        }
        seen.push(key);
        let plain = value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-');
        if !plain || value.len() > MAX_QUERY_VALUE {
            return Err(ApiError::CallNotAllowed(format!(
                "{method} {path} with an unexpected {key:?} value"
            )));
        }
    }
    Ok(call)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_calls_and_query_keys_pass() {
        assert!(check_call(&Method::GET, "/SDK/activateStatus", None).is_ok());
        assert!(check_call(
            &Method::GET,
            "/ISAPI/Security/capabilities",
            Some("username=admin")
        )
        .is_ok());
        assert!(check_call(
            &Method::GET,
            "/ISAPI/Security/capabilities",
            Some("user=admin")
        )
        .is_err());
        assert!(check_call(&Method::POST, "/SDK/activateStatus", None).is_err());
        assert!(check_call(&Method::GET, "/ISAPI/System/deviceInfo", None).is_err());
        assert!(check_call(&Method::GET, "/SDK/../ISAPI/System/reboot", None).is_err());
        assert!(check_call(&Method::GET, "/SDK/%2e%2e/ISAPI/System/reboot", None).is_err());
    }

    #[test]
    fn query_values_are_plain_and_keys_appear_once() {
        let path = paths::SESSION_LOGIN;
        assert!(check_call(&Method::POST, path, Some("timeStamp=1712345678901")).is_ok());
        assert!(check_call(&Method::POST, path, Some("timeStamp=1&timeStamp=2")).is_err());
        assert!(check_call(&Method::POST, path, Some("timeStamp=%00")).is_err());
        assert!(check_call(&Method::POST, path, Some("timeStamp=a/../b")).is_err());
    }

    #[test]
    fn writing_the_recovery_email_is_not_forwarded() {
        assert!(check_call(&Method::GET, paths::EMAIL_PARAMETER, Some("format=json")).is_ok());
        assert!(check_call(&Method::PUT, paths::EMAIL_PARAMETER, Some("format=json")).is_err());
        assert!(check_call(&Method::PUT, paths::QUESTION_CONFIGURATION, None).is_err());
    }
}
