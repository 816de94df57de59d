//! The e-mail reset: export the QR code, submit the e-mailed code with a new password, and
//! read or change the reserved recovery address. Bodies come from protocol's types.

use super::reply::{self, Format};
use super::{logged_in_protection, require_admin, reset_protection, unreadable, App};
use crate::state::{Refusal, ADMIN};
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use protocol::field_crypto::FieldProtection;
use protocol::isapi::{
    paths, EmailCertification, EmailParameter, QrCode, SetEmailParameter, SubStatus,
};

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

/// The documented answer: the content, the reserved address (masked, as before a login), the
/// mailbox this device names, and that its own page shows the privacy statement.
async fn qr_code(State(app): State<App>, uri: Uri) -> Response {
    let device = &app.device;
    match device.export_qr() {
        Ok(content) => {
            let answer = QrCode {
                content,
                reserved_email: device.email().as_deref().map(mask),
                server_mailbox: Some(crate::SERVER_MAILBOX.to_owned()),
                disclaimer: Some(true),
            };
            reply::json(answer.to_json(&device.details))
        }
        Err(refusal) => reply::refusal(device, Format::of(&uri), &uri, &refusal),
    }
}

async fn email_certification(State(app): State<App>, uri: Uri, body: String) -> Response {
    let device = &app.device;
    let format = Format::of(&uri);
    let cipher = match reset_protection(device, &uri, device.details.email_certification_secrets) {
        Ok(FieldProtection::Encrypted(cipher)) => Some(cipher),
        Ok(FieldProtection::Plain) => None,
        Err(refusal) => return reply::refusal(device, format, &uri, &refusal),
    };
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

/// A no-auth read in the UIs' request table; devsim masks the address as a device would
/// before a login (how real firmware masks it is [assumed]).
async fn email_parameter(State(app): State<App>, uri: Uri) -> Response {
    let device = &app.device;
    if !device.caps.email_reset() {
        return reply::refusal(device, Format::of(&uri), &uri, &Refusal::NotSupported);
    }
    let answer = EmailParameter {
        email_address: device.email().as_deref().map(mask),
    };
    reply::json(answer.to_json(&device.details))
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
