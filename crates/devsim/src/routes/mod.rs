//! The device's HTTP routes, assembled in one place: ISAPI by area, then the `/devsim/` controls.
//! Paths come from `protocol::isapi::paths`, so the proxy's allow-list and devsim cannot drift.

mod admin;
mod capabilities;
mod email_reset;
mod guid;
mod login;
mod questions;
pub(crate) mod reply;
mod sync_ipc;

use crate::state::{Device, Refusal, ADMIN};
use crate::tls::CertStore;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::{HeaderMap, Uri};
use axum::Router;
use base64::Engine as _;
use protocol::field_crypto::{parse_iv, FieldCipher, FieldKey, FieldProtection};
use protocol::isapi::SubStatus;
use protocol::profile::SecretFieldScheme;
use protocol::ParseError;
use std::sync::Arc;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub(crate) struct App {
    pub device: Arc<Device>,
    pub tls: Option<Arc<CertStore>>,
}

/// The device's whole HTTP surface.
pub(crate) fn router(device: Arc<Device>, tls: Option<Arc<CertStore>>) -> Router {
    Router::new()
        .merge(capabilities::routes())
        .merge(email_reset::routes())
        .merge(login::routes())
        .merge(questions::routes())
        .merge(guid::routes(&device.details))
        .merge(sync_ipc::routes(&device.details))
        .merge(admin::routes())
        .with_state(App { device, tls })
}

/// Which key a request's secret fields are under, as the web UI chooses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldKeyFor {
    /// Before any login (the reset calls): the key of the empty password.
    NoLogin,
    /// A logged-in call: the key of the admin password, or of the 2.1 login's intermediate
    /// value when the device logs in with `sessionIDVersion` 2.1.
    Login,
}

/// The key and IV of a request's `security=1&iv=..`, derived as the web UI derives them;
/// `None` when the request carries no IV.
pub(crate) fn request_cipher(
    device: &Device,
    uri: &Uri,
    key_for: FieldKeyFor,
) -> Option<FieldCipher> {
    let query = uri.query()?;
    let encrypted = query.split('&').any(|pair| pair == "security=1");
    let iv = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("iv="))
        .and_then(|hex| parse_iv(hex).ok())?;
    encrypted.then(|| {
        let mut cap = device.caps.security.clone();
        cap.salt = device.salt().map(str::to_owned);
        let key = match key_for {
            FieldKeyFor::NoLogin => FieldKey::before_login(&cap, ADMIN),
            FieldKeyFor::Login => FieldKey::after_login(
                &cap,
                &device.login_scheme_cap(),
                ADMIN,
                &device.admin_password(),
            ),
        };
        FieldCipher::new(key, iv)
    })
}

/// How a logged-in write's secrets must travel: encrypted whenever the device asks for it
/// (the profile's scheme for a device reporting a `securityVersion`); a plaintext request to
/// such a device is refused.
pub(crate) fn logged_in_protection(device: &Device, uri: &Uri) -> Result<FieldProtection, Refusal> {
    if let Some(cipher) = request_cipher(device, uri, FieldKeyFor::Login) {
        return Ok(FieldProtection::Encrypted(cipher));
    }
    match device.details.logged_in_scheme(&device.caps.security) {
        SecretFieldScheme::Plaintext => Ok(FieldProtection::Plain),
        SecretFieldScheme::Security1 => Err(Refusal::BadBody(SubStatus::BadParameters)),
    }
}

/// How a pre-login reset's secrets travel under `scheme` (the profile's per route): in clear,
/// or under the key of the empty password.
pub(crate) fn reset_protection(
    device: &Device,
    uri: &Uri,
    scheme: SecretFieldScheme,
) -> Result<FieldProtection, Refusal> {
    FieldProtection::for_scheme(scheme, request_cipher(device, uri, FieldKeyFor::NoLogin))
        .map_err(|_| Refusal::BadBody(SubStatus::BadParameters))
}

/// The refusal for a body that did not read: under encryption a field that does not decrypt
/// means another password was used (a wrong try); otherwise the body is malformed.
pub(crate) fn unreadable(
    device: &Device,
    protection: &FieldProtection,
    err: &ParseError,
    bad: SubStatus,
) -> Refusal {
    let undecryptable = matches!(protection, FieldProtection::Encrypted(_))
        && matches!(err, ParseError::InvalidValue { .. });
    if undecryptable {
        device.wrong_password()
    } else {
        tracing::debug!(%err, "devsim refused a request body");
        Refusal::BadBody(bad)
    }
}

/// The cookie a session login sets; real devices suffix the name with the port.
pub(crate) const SESSION_COOKIE_PREFIX: &str = "WebSession";

/// Admin access for logged-in calls: a session cookie from `sessionLogin`, or Basic auth.
pub(crate) fn require_admin(device: &Device, headers: &HeaderMap) -> Result<(), Refusal> {
    let has_session = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, value)| name.starts_with(SESSION_COOKIE_PREFIX) && device.has_session(value));
    if has_session {
        return Ok(());
    }
    match basic_credentials(headers) {
        Some((user, password)) => device.check_password(&user, &password),
        None => Err(Refusal::Unauthorized),
    }
}

/// The user and password of an `Authorization: Basic` header.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}
