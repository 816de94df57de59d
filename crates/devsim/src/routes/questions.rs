//! Security questions: which are set (logged in), setting them (logged in, admin password in
//! the body), and resetting the password by answering them. Bodies are protocol's types.

use super::reply::{self, Format};
use super::{logged_in_protection, require_admin, reset_protection, unreadable, App};
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::{get, put};
use axum::Router;
use protocol::isapi::{paths, QuestionCertification, SetQuestions, SubStatus};

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route(
            paths::QUESTION_CONFIGURATION,
            get(question_configuration).put(set_questions),
        )
        .route(paths::QUESTION_CERTIFICATION, put(question_certification))
}

/// Which questions are set (never the answers). The UIs' request table marks this read as
/// needing a login, so before one it is refused as any logged-in call is.
async fn question_configuration(State(app): State<App>, uri: Uri, headers: HeaderMap) -> Response {
    let device = &app.device;
    match require_admin(device, &headers).and_then(|()| device.question_configuration()) {
        Ok(config) => reply::xml(config.to_xml_with(&device.details, device.style.namespace)),
        Err(refusal) => reply::refusal(device, Format::of(&uri), &uri, &refusal),
    }
}

async fn set_questions(
    State(app): State<App>,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let device = &app.device;
    let result = require_admin(device, &headers)
        .and_then(|()| logged_in_protection(device, &uri))
        .and_then(|protection| {
            SetQuestions::from_xml(&body, &device.details, &protection)
                .map_err(|err| unreadable(device, &protection, &err, SubStatus::BadParameters))
        })
        .and_then(|request| device.set_questions(&request));
    match result {
        Ok(()) => reply::ok(device, Format::of(&uri), &uri),
        Err(refusal) => reply::refusal(device, Format::of(&uri), &uri, &refusal),
    }
}

async fn question_certification(State(app): State<App>, uri: Uri, body: String) -> Response {
    let device = &app.device;
    let scheme = device.details.question_certification_secrets;
    let result = reset_protection(device, &uri, scheme)
        .and_then(|protection| {
            QuestionCertification::from_xml(&body, &device.details, &protection).map_err(|err| {
                tracing::debug!(%err, "devsim refused a questionCertification body");
                crate::state::Refusal::BadBody(SubStatus::BadParameters)
            })
        })
        .and_then(|request| device.certify_questions(&request));
    match result {
        Ok(()) => reply::ok(device, Format::of(&uri), &uri),
        Err(refusal) => reply::refusal(device, Format::of(&uri), &uri, &refusal),
    }
}
