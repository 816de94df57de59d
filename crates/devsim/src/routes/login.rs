//! Logging in after a reset: the session-login challenge and answer (the real hash scheme),
//! and the older Basic-auth `userCheck`. A login with the new password proves the reset.

use super::reply::{self, element, open_xml, Format};
use super::{basic_credentials, App, SESSION_COOKIE_PREFIX};
use crate::state::Refusal;
use axum::extract::State;
use axum::http::header::{SET_COOKIE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use protocol::isapi::{paths, SubStatus};
use protocol::login::SessionLogin;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route(paths::SESSION_LOGIN_CAPABILITIES, get(capabilities))
        .route(paths::SESSION_LOGIN, post(session_login))
        .route(paths::USER_CHECK, get(user_check))
}

async fn capabilities(State(app): State<App>) -> Response {
    let device = &app.device;
    reply::xml(device.login_challenge().to_xml_with(device.style.namespace))
}

async fn session_login(State(app): State<App>, uri: Uri, body: String) -> Response {
    let device = &app.device;
    let format = Format::of(&uri);
    let login = match SessionLogin::from_xml(&body) {
        Ok(login) => login,
        Err(_) => {
            return reply::refusal(
                device,
                format,
                &uri,
                &Refusal::BadBody(SubStatus::BadParameters),
            )
        }
    };
    match device.login(&login) {
        Ok(session) => {
            let mut body = open_xml("SessionLogin", device.style.namespace);
            body.push_str(&element("statusValue", 200));
            body.push_str(&element("statusString", "OK"));
            body.push_str(&element("sessionID", &session));
            body.push_str("</SessionLogin>");
            let mut response = reply::xml(body);
            // Real devices suffix the cookie name per device; the MAC keeps it stable here.
            let suffix = device.identity.mac.replace('-', "");
            let cookie = format!("{SESSION_COOKIE_PREFIX}_{suffix}={session}; path=/; HttpOnly");
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(SET_COOKIE, value);
            }
            response
        }
        Err(refusal) => reply::refusal(device, format, &uri, &refusal),
    }
}

/// The older check: `<userCheck>` with `statusValue`, and lock details on failure.
async fn user_check(State(app): State<App>, uri: Uri, headers: HeaderMap) -> Response {
    let device = &app.device;
    let result = match basic_credentials(&headers) {
        Some((user, password)) => device.check_password(&user, &password),
        None => Err(Refusal::Unauthorized),
    };
    let ns = device.style.namespace;
    let mut body = open_xml("userCheck", ns);
    let http = match result {
        Ok(()) => {
            body.push_str(&element("statusValue", 200));
            body.push_str(&element("statusString", "OK"));
            body.push_str(&element("isDefaultPassword", false));
            body.push_str(&element("isRiskPassword", false));
            body.push_str(&element("isActivated", device.identity.activated));
            StatusCode::OK
        }
        Err(Refusal::Locked { unlock_in }) => {
            body.push_str(&element("statusValue", 401));
            body.push_str(&element("statusString", "Unauthorized"));
            body.push_str(&element("lockStatus", "lock"));
            body.push_str(&element("unlockTime", unlock_in));
            body.push_str(&element("retryLoginTime", 0));
            StatusCode::FORBIDDEN
        }
        Err(Refusal::BadLogin { retries_left }) => {
            body.push_str(&element("statusValue", 401));
            body.push_str(&element("statusString", "Unauthorized"));
            body.push_str(&element("lockStatus", "unlock"));
            body.push_str(&element("unlockTime", 0));
            body.push_str(&element("retryLoginTime", retries_left));
            StatusCode::UNAUTHORIZED
        }
        Err(Refusal::Unauthorized) => {
            body.push_str(&element("statusValue", 401));
            body.push_str(&element("statusString", "Unauthorized"));
            StatusCode::UNAUTHORIZED
        }
        Err(other) => return reply::refusal(device, Format::Xml, &uri, &other),
    };
    body.push_str("</userCheck>");
    let mut response = (http, reply::xml(body)).into_response();
    if http == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"DS\""),
        );
    }
    response
}
