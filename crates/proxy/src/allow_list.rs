//! Which device calls the proxy forwards: method, exact path, known query keys and body kind,
//! from shared/protocol/isapi.md. Anything not listed is refused before a packet leaves.

use crate::error::ApiError;
use axum::http::Method;
use protocol::isapi::paths;
use protocol::profile::{AssumedCall, DeviceProfile};
use std::borrow::Cow;

/// What a call may carry as its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body at all.
    None,
    /// An XML or JSON document (the device decides by the path's `format`).
    Document,
}

/// One ISAPI call the wizard may make.
#[derive(Debug, Clone)]
pub struct AllowedCall {
    /// The HTTP method.
    pub method: Method,
    /// The exact device path, from [`protocol::isapi::paths`] or the device profile.
    pub path: Cow<'static, str>,
    /// The query keys it may carry, each at most once.
    pub query_keys: &'static [&'static str],
    /// Its body.
    pub body: BodyKind,
    /// Whether it submits a code, answers or a password: these count against the abuse limits.
    pub submission: bool,
    /// Whether the browser's `Authorization` header is passed on (the older Basic login check).
    pub passes_authorization: bool,
    /// Whether it is forwarded only after this session logged in to this device (the device
    /// accepted a `sessionLogin`): the prevention settings and other logged-in writes.
    pub needs_login: bool,
    /// Whether it may be sent again, on a fresh connection, when the device dropped the
    /// connection before its answer came: only reads that change nothing on the device. Never a
    /// submission, never the QR export (a GET, yet each one makes a new code).
    pub retry_safe: bool,
}

/// A call sent once, with no body, not counted as a submission and needing no login: what each
/// kind below starts from, changing only what sets it apart.
const fn call(
    method: Method,
    path: &'static str,
    query_keys: &'static [&'static str],
) -> AllowedCall {
    AllowedCall {
        method,
        path: Cow::Borrowed(path),
        query_keys,
        body: BodyKind::None,
        submission: false,
        passes_authorization: false,
        needs_login: false,
        retry_safe: false,
    }
}

/// A GET the device answers without changing anything: sent again when its answer is lost.
const fn safe_read(path: &'static str, query_keys: &'static [&'static str]) -> AllowedCall {
    let mut read = read(path, query_keys);
    read.retry_safe = true;
    read
}

/// A GET sent once: a lost answer is reported, not asked again.
const fn read(path: &'static str, query_keys: &'static [&'static str]) -> AllowedCall {
    call(Method::GET, path, query_keys)
}

const fn submit(
    method: Method,
    path: &'static str,
    query_keys: &'static [&'static str],
) -> AllowedCall {
    let mut submit = call(method, path, query_keys);
    submit.body = BodyKind::Document;
    submit.submission = true;
    submit
}

/// A logged-in write carrying the admin password (`security=1` when the device asks): counted
/// like a password submission, and forwarded only once this session logged in to the device,
/// so a stranger cannot re-arm a reset through the proxy.
const fn logged_in_write(
    method: Method,
    path: &'static str,
    query_keys: &'static [&'static str],
) -> AllowedCall {
    let mut write = submit(method, path, query_keys);
    write.needs_login = true;
    write
}

/// The older Basic login check: a GET counted as a password try, and the only call that passes
/// the browser's `Authorization` header on.
const fn basic_login_check(path: &'static str) -> AllowedCall {
    let mut check = read(path, &[]);
    check.submission = true;
    check.passes_authorization = true;
    check
}

/// The query keys of the [assumed] calls from the device profile, whatever it lists.
const ASSUMED_QUERY_KEYS: &[&str] = &["format", "security", "iv"];

/// The reset flow's calls with paths the notes give. Writing the recovery e-mail or the
/// security questions, exporting the GUID file: only after a login in the same session.
pub const ALLOWED_CALLS: &[AllowedCall] = &[
    safe_read(paths::ACTIVATE_STATUS, &[]),
    safe_read(paths::SECURITY_CAPABILITIES, &["username"]),
    safe_read(paths::EXTERN_CAPABILITIES, &[]),
    safe_read(paths::EMAIL_PARAMETER_CAPABILITIES, &["format"]),
    read(paths::EMAIL_PARAMETER, &["format"]),
    logged_in_write(
        Method::PUT,
        paths::EMAIL_PARAMETER,
        &["format", "security", "iv"],
    ),
    read(paths::EMAIL_QR_CODE, &["format"]),
    // A device profile may send the code and new password under `security=1`, keyed on the
    // empty password as the web UI does before a login.
    submit(
        Method::PUT,
        paths::EMAIL_CERTIFICATION,
        &["format", "security", "iv"],
    ),
    read(paths::QUESTION_CONFIGURATION, &["format"]),
    logged_in_write(
        Method::PUT,
        paths::QUESTION_CONFIGURATION,
        &["format", "security", "iv"],
    ),
    submit(
        Method::PUT,
        paths::QUESTION_CERTIFICATION,
        &["format", "security", "iv"],
    ),
    logged_in_write(Method::POST, paths::GUID_FILE_DATA, &["security", "iv"]),
    safe_read(paths::SESSION_LOGIN_CAPABILITIES, &["username"]),
    submit(Method::POST, paths::SESSION_LOGIN, &["timeStamp"]),
    basic_login_check(paths::USER_CHECK),
    read(paths::ILLEGAL_LOGIN_LOCK, &[]),
];

/// Longest query value accepted (timestamps, hex IVs and `json` are far shorter).
const MAX_QUERY_VALUE: usize = 64;

/// Every call the proxy forwards: [`ALLOWED_CALLS`] and the [assumed] calls of the device
/// profile (the GUID-file reset, an answer submission; SyncIPCPassword, a logged-in write).
#[derive(Debug, Clone)]
pub struct AllowList {
    calls: Vec<AllowedCall>,
}

impl AllowList {
    /// The fixed calls plus those `profile` names.
    pub fn new(profile: &DeviceProfile) -> Self {
        let mut calls = ALLOWED_CALLS.to_vec();
        let assumed = |call: &AssumedCall, needs_login: bool| {
            Method::from_bytes(call.method.trim().to_ascii_uppercase().as_bytes())
                .ok()
                .filter(|_| call.path.starts_with("/ISAPI/"))
                .map(|method| AllowedCall {
                    method,
                    path: Cow::Owned(call.path.clone()),
                    query_keys: ASSUMED_QUERY_KEYS,
                    body: BodyKind::Document,
                    submission: true,
                    passes_authorization: false,
                    needs_login,
                    retry_safe: false,
                })
        };
        calls.extend(assumed(&profile.guid_reset, false));
        calls.extend(assumed(&profile.sync_ipc_password, true));
        AllowList { calls }
    }

    /// Every call, fixed ones first.
    pub fn calls(&self) -> &[AllowedCall] {
        &self.calls
    }

    /// Finds the allowed call for `method path?query`; `path` and `query` are exactly as
    /// received (still percent-encoded), so `%2e%2e`, `%2f` or `%00` never match a listed path.
    pub fn check(
        &self,
        method: &Method,
        path: &str,
        query: Option<&str>,
    ) -> Result<&AllowedCall, ApiError> {
        let call = self
            .calls
            .iter()
            .find(|call| call.method == *method && call.path == path)
            .ok_or_else(|| ApiError::CallNotAllowed(format!("{method} {path}")))?;
        check_query(call, method, path, query)?;
        Ok(call)
    }
}

impl Default for AllowList {
    fn default() -> Self {
        AllowList::new(&DeviceProfile::default())
    }
}

fn check_query(
    call: &AllowedCall,
    method: &Method,
    path: &str,
    query: Option<&str>,
) -> Result<(), ApiError> {
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
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn check_call(
        method: &Method,
        path: &str,
        query: Option<&str>,
    ) -> Result<AllowedCall, ApiError> {
        AllowList::default().check(method, path, query).cloned()
    }

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
    fn prevention_writes_need_a_login_and_count_as_submissions() {
        assert!(check_call(&Method::GET, paths::EMAIL_PARAMETER, Some("format=json")).is_ok());
        for (method, path) in [
            (Method::PUT, paths::EMAIL_PARAMETER),
            (Method::PUT, paths::QUESTION_CONFIGURATION),
            (Method::POST, paths::GUID_FILE_DATA),
            (Method::PUT, paths::SYNC_IPC_PASSWORD),
        ] {
            let call = check_call(&method, path, Some("security=1&iv=00ff")).unwrap();
            assert!(call.needs_login && call.submission, "{method} {path}");
        }
        assert!(check_call(&Method::DELETE, paths::QUESTION_CONFIGURATION, None).is_err());
        assert!(check_call(&Method::POST, paths::EMAIL_PARAMETER, None).is_err());
    }

    #[test]
    fn the_reset_code_may_travel_under_security_1() {
        let query = Some("format=json&security=1&iv=0123456789abcdef0123456789abcdef");
        let call = check_call(&Method::PUT, paths::EMAIL_CERTIFICATION, query).unwrap();
        assert!(call.submission && !call.needs_login);
    }

    #[test]
    fn only_reads_that_change_nothing_are_sent_again() {
        let list = AllowList::default();
        let retried: Vec<&str> = list
            .calls()
            .iter()
            .filter(|call| call.retry_safe)
            .map(|call| call.path.as_ref())
            .collect();
        assert_eq!(
            retried,
            [
                paths::ACTIVATE_STATUS,
                paths::SECURITY_CAPABILITIES,
                paths::EXTERN_CAPABILITIES,
                paths::EMAIL_PARAMETER_CAPABILITIES,
                paths::SESSION_LOGIN_CAPABILITIES,
            ]
        );
        for call in AllowList::default().calls() {
            assert!(
                !call.retry_safe || (call.method == Method::GET && !call.submission),
                "{} {}",
                call.method,
                call.path
            );
        }
    }

    #[test]
    fn the_assumed_calls_follow_the_profile() {
        let guid =
            check_call(&Method::PUT, paths::ASSUMED_GUID_RESET, Some("format=json")).unwrap();
        assert!(guid.submission && !guid.needs_login);
        let mut profile = DeviceProfile::default();
        profile.guid_reset.path = "/ISAPI/Security/GUIDReset".into();
        profile.sync_ipc_password.path = "/not/isapi".into();
        let list = AllowList::new(&profile);
        assert!(list
            .check(&Method::PUT, "/ISAPI/Security/GUIDReset", None)
            .is_ok());
        assert!(list
            .check(&Method::PUT, paths::ASSUMED_GUID_RESET, None)
            .is_err());
        assert!(list.check(&Method::PUT, "/not/isapi", None).is_err());
    }
}
