//! The e-mail reset: export the QR code, submit the e-mailed code with a new password, and
//! read or change the reserved recovery address. Bodies come from protocol's types.

use super::reply::{self, Format};
use super::{require_admin, App};
use crate::state::{Device, Refusal, ADMIN};
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use protocol::field_crypto::{parse_iv, FieldCipher, FieldKey};
use protocol::isapi::{paths, EmailCertification, QrCode, SubStatus};
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
    let cipher = secret_cipher(device, &uri);
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

/// For profiles whose secrets travel under `security=1`: the key from the current password
/// and the request's `iv`, as the web UI derives it.
fn secret_cipher(device: &Device, uri: &Uri) -> Option<FieldCipher> {
    if device.details.email_certification_secrets != SecretFieldScheme::Security1 {
        return None;
    }
    let iv = uri
        .query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix("iv="))
        .and_then(|hex| parse_iv(hex).ok())?;
    let mut cap = device.caps.security.clone();
    cap.salt = device.salt().map(str::to_owned);
    let key = FieldKey::derive(&cap, ADMIN, &device.admin_password());
    Some(FieldCipher::new(key, iv))
}

/// No public source quotes this answer; devsim masks the address as a pre-login page would.
async fn email_parameter(State(app): State<App>, uri: Uri) -> Response {
    let device = &app.device;
    if !device.caps.email_reset() {
        return reply::refusal(device, Format::of(&uri), &uri, &Refusal::NotSupported);
    }
    let email = device.email();
    reply::json(
        serde_json::json!({
            "EmailParameter": {
                "enabled": email.is_some(),
                "emailAddress": email.as_deref().map(mask).unwrap_or_default(),
            }
        })
        .to_string(),
    )
}

/// Needs a logged-in admin and, as the notes say, the admin password in the body:
/// `{"EmailParameter": {"emailAddress": "..", "password": ".."}}`.
async fn set_email_parameter(
    State(app): State<App>,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let device = &app.device;
    let format = Format::of(&uri);
    if let Err(refusal) = require_admin(device, &headers) {
        return reply::refusal(device, format, &uri, &refusal);
    }
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&body) else {
        return reply::refusal(
            device,
            format,
            &uri,
            &Refusal::BadBody(SubStatus::BadJsonFormat),
        );
    };
    let fields = value.get("EmailParameter").unwrap_or(&value);
    let text = |name: &str| fields.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    let (Some(email), Some(password)) = (text("emailAddress"), text("password")) else {
        return reply::refusal(
            device,
            format,
            &uri,
            &Refusal::BadBody(SubStatus::BadParameters),
        );
    };
    let result = device
        .check_password(ADMIN, &password)
        .and_then(|()| device.set_email(&email));
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
