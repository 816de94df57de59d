//! The e-mail reset: export the QR code, submit the e-mailed code with a new password, and
//! read or change the reserved recovery address. Bodies come from protocol's types.

use super::reply::{self, Format};
use super::{logged_in_protection, request_cipher, require_admin, unreadable, App};
use crate::state::{Refusal, ADMIN};
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use protocol::isapi::{
    paths, EmailCertification, EmailParameter, QrCode, SetEmailParameter, SubStatus,
};
use protocol::profile::SecretFieldScheme;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route(paths::EMAIL_QR_CODE, get(qr_code))
        .route(
            paths::EMAIL_CERTIFICATION,
            axum::routing::put(email_certification),
        )
        .route(
            paths::EMAIL_PARAMETER,
            get(email_parameter).put(set_email_parameter),
        )
}

async fn qr_code(State(app): State<App>, uri: Uri) -> Response {
    let device = &app.device;
    match device.export_qr() {
        Ok(content) => reply::json(QrCode { content }.to_json(&device.details)),
        Err(refusal) => reply::refusal(device, Format::of(&uri), &uri, &refusal),
    }
}

async fn email_certification(State(app): State<App>, uri: Uri, body: String) -> Response {
    let device = &app.device;
    let format = Format::of(&uri);
    let cipher = (device.details.email_certification_secrets == SecretFieldScheme::Security1)
        .then(|| request_cipher(device, &uri))
        .flatten();
    let request = match EmailCertification::from_json(&body, &device.details, cipher.as_ref()) {
        Ok(request) => request,
        Err(err) => {
            tracing::debug!(%err, "devsim refused an emailCertification body");
            return reply::refusal(
                device,
                format,
                &uri,
                &Refusal::BadBody(SubStatus::BadJsonFormat),
            );
        }
    };
    match device.certify(&request) {
        Ok(()) => reply::ok(device, format, &uri),
        Err(refusal) => reply::refusal(device, format, &uri, &refusal),
    }
}

/// No public source quotes this answer; devsim masks the address as a pre-login page would.
async fn email_parameter(State(app): State<App>, uri: Uri) -> Response {
    let device = &app.device;
    if !device.caps.email_reset() {
        return reply::refusal(device, Format::of(&uri), &uri, &Refusal::NotSupported);
    }
    let email = device.email();
    reply::json(
        EmailParameter {
            enabled: email.is_some(),
            email_address: email.as_deref().map(mask).unwrap_or_default(),
        }
        .to_json(),
    )
}

/// Needs a logged-in admin and, as the notes say, the admin password in the body (under
/// `security=1` when the device asks for field encryption): [`SetEmailParameter`]'s shape.
async fn set_email_parameter(
    State(app): State<App>,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let device = &app.device;
    let format = Format::of(&uri);
    let result = require_admin(device, &headers)
        .and_then(|()| logged_in_protection(device, &uri))
        .and_then(|protection| {
            SetEmailParameter::from_json(&body, &protection)
                .map_err(|err| unreadable(device, &protection, &err, SubStatus::BadParameters))
        })
        .and_then(|request| {
            device
                .check_password(ADMIN, &request.admin_password)
                .and_then(|()| device.set_email(&request.email_address))
        });
    match result {
        Ok(()) => reply::ok(device, format, &uri),
        Err(refusal) => reply::refusal(device, format, &uri, &refusal),
    }
}

/// `owner@example.com` → `o****@example.com`.
fn mask(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}****@{domain}")
        }
        None => "****".into(),
    }
}
