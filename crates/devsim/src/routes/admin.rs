//! The `/devsim/` control endpoints tests and the demo use to steer the device; never ISAPI
//! paths, and never subject to fault injection. Documented in the crate docs.

use super::App;
use crate::faults::Fault;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::collections::HashMap;
use std::time::Duration;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/devsim/state", get(state))
        .route("/devsim/reboot", post(reboot))
        .route("/devsim/lock", post(lock))
        .route("/devsim/clock", post(clock))
        .route("/devsim/faults", post(set_faults).delete(clear_faults))
        .route(
            "/devsim/certificate",
            get(certificate).post(replace_certificate),
        )
        .route("/devsim/mailbox", get(mailbox))
        .route("/devsim/answers", get(answers))
        .route("/devsim/guid-file", get(guid_file))
}

async fn state(State(app): State<App>) -> Response {
    Json(app.device.snapshot()).into_response()
}

async fn reboot(State(app): State<App>) -> Response {
    app.device.reboot();
    Json(app.device.snapshot()).into_response()
}

async fn lock(State(app): State<App>) -> Response {
    app.device.lock();
    Json(app.device.snapshot()).into_response()
}

/// `{"advance_seconds": N}`.
#[derive(Debug, Deserialize)]
struct Advance {
    advance_seconds: u64,
}

async fn clock(State(app): State<App>, body: String) -> Response {
    let advance: Advance = match parse(&body) {
        Ok(advance) => advance,
        Err(refused) => return *refused,
    };
    app.device
        .clock
        .advance(Duration::from_secs(advance.advance_seconds));
    Json(app.device.snapshot()).into_response()
}

/// `{"/ISAPI/...": {"kind": "html"}, "/SDK/activateStatus": null}`: set or clear per path.
async fn set_faults(State(app): State<App>, body: String) -> Response {
    let faults: HashMap<String, Option<Fault>> = match parse(&body) {
        Ok(faults) => faults,
        Err(refused) => return *refused,
    };
    for (path, fault) in faults {
        app.device.faults.set(&path, fault);
    }
    Json(app.device.snapshot()).into_response()
}

async fn clear_faults(State(app): State<App>) -> Response {
    app.device.faults.clear();
    Json(app.device.snapshot()).into_response()
}

async fn certificate(State(app): State<App>) -> Response {
    match &app.tls {
        Some(store) => Json(serde_json::json!({ "pem": store.pem() })).into_response(),
        None => not_found("this device serves no HTTPS"),
    }
}

async fn replace_certificate(State(app): State<App>) -> Response {
    let Some(store) = &app.tls else {
        return not_found("this device serves no HTTPS");
    };
    match store.replace() {
        Ok(pem) => Json(serde_json::json!({ "pem": pem })).into_response(),
        Err(err) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(serde_json::json!({ "error": err.to_string() })),
        )
            .into_response(),
    }
}

/// Demo only: the code the vendor would e-mail for the last exported QR code.
async fn mailbox(State(app): State<App>) -> Response {
    if !app.device.mailbox {
        return not_found("the demo mailbox is off (start devsim with --mailbox)");
    }
    match app.device.mailbox_code() {
        Some(code) => Json(serde_json::json!({
            "code": code,
            "demo": "Simulated recovery mailbox: a real code comes by e-mail from the vendor.",
        }))
        .into_response(),
        None => not_found("no QR code has been exported yet"),
    }
}

/// Demo and tests only (mailbox on): the security questions' answers, as the owner would know them.
async fn answers(State(app): State<App>) -> Response {
    if !app.device.mailbox {
        return not_found("the demo secrets are off (start devsim with --mailbox)");
    }
    match app.device.question_answers() {
        Some(answers) => Json(serde_json::json!({
            "questions": answers,
            "demo": "Simulated device: a real owner remembers these answers.",
        }))
        .into_response(),
        None => not_found("no security questions are set"),
    }
}

/// Demo and tests only (mailbox on): the GUID file of the current password, as an owner who
/// exported it earlier would have it.
async fn guid_file(State(app): State<App>) -> Response {
    if !app.device.mailbox {
        return not_found("the demo secrets are off (start devsim with --mailbox)");
    }
    (
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, "application/octet-stream")],
        app.device.current_guid_file(),
    )
        .into_response()
}

/// Reads a JSON body whatever its Content-Type, so `curl -d` works without `-H`.
fn parse<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, Box<Response>> {
    serde_json::from_str(body).map_err(|err| {
        Box::new(
            (
                StatusCode::BAD_REQUEST,
                Json(serde_json::json!({ "error": err.to_string() })),
            )
                .into_response(),
        )
    })
}

fn not_found(why: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({ "error": why })),
    )
        .into_response()
}
