//! What the device says about itself before anyone logs in: activation, security limits,
//! reset modes, recovery-email limits, and the (admin-only) lock policy.

use super::reply::{self, element, open_xml, Format};
use super::{require_admin, App};
use crate::state::Refusal;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use protocol::isapi::paths;
use protocol::isapi::{ActivationStatus, LengthLimit, SecurityEmailCap, MAX_EMAIL_LEN};

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route(paths::ACTIVATE_STATUS, get(activate_status))
        .route(paths::SECURITY_CAPABILITIES, get(security_capabilities))
        .route(paths::EXTERN_CAPABILITIES, get(extern_capabilities))
        .route(
            paths::EMAIL_PARAMETER_CAPABILITIES,
            get(email_parameter_capabilities),
        )
        .route(paths::ILLEGAL_LOGIN_LOCK, get(illegal_login_lock))
}

async fn activate_status(State(app): State<App>) -> Response {
    reply::xml(
        ActivationStatus {
            activated: app.device.identity.activated,
        }
        .to_xml(),
    )
}

async fn security_capabilities(State(app): State<App>) -> Response {
    let device = &app.device;
    let mut cap = device.caps.security.clone();
    cap.salt = device.salt().map(str::to_owned);
    reply::xml(cap.to_xml_with(device.style.namespace))
}

async fn extern_capabilities(State(app): State<App>) -> Response {
    let device = &app.device;
    reply::xml(device.caps.reset_modes.to_xml_with(device.style.namespace))
}

/// The shape an older web UI reads (`SecurityEmailCap.emailAddress["@min"/"@max"]`), written by
/// `protocol`; the bounds are devsim's choice: any length up to what devices take.
async fn email_parameter_capabilities(State(app): State<App>, uri: Uri) -> Response {
    let device = &app.device;
    if !device.caps.email_reset() {
        return reply::refusal(device, Format::of(&uri), &uri, &Refusal::NotSupported);
    }
    let max = u32::try_from(MAX_EMAIL_LEN).unwrap_or(u32::MAX);
    reply::json(
        SecurityEmailCap {
            email_address_length: LengthLimit::new(0, max),
        }
        .to_json(),
    )
}

async fn illegal_login_lock(State(app): State<App>, uri: Uri, headers: HeaderMap) -> Response {
    let device = &app.device;
    if let Err(refusal) = require_admin(device, &headers) {
        return reply::refusal(device, Format::of(&uri), &uri, &refusal);
    }
    let policy = device.lock_policy;
    let mut body = open_xml("IllegalLoginLock", device.style.namespace);
    body.push_str(&element("enabled", true));
    body.push_str(&element("maxIllegalLoginTimes", policy.max_attempts));
    body.push_str(&element("lockTime", policy.lock_seconds));
    body.push_str("</IllegalLoginLock>");
    reply::xml(body)
}
