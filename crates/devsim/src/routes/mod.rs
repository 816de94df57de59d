//! The device's HTTP routes, assembled in one place: ISAPI by area, then the `/devsim/` controls.
//! Paths come from `protocol::isapi::paths`, so the proxy's allow-list and devsim cannot drift.

mod admin;
mod capabilities;
mod email_reset;
mod login;
pub(crate) mod reply;

use crate::state::{Device, Refusal};
use crate::tls::CertStore;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::HeaderMap;
use axum::Router;
use base64::Engine as _;
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
        .merge(admin::routes())
        .with_state(App { device, tls })
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
