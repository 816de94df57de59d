//! How the device words its answers: XML in its namespace, JSON, and status bodies for
//! refusals, with the HTTP status and body format the profile's firmware would use.

use crate::behaviour::{ErrorHttp, JsonCallStatus};
use crate::state::{Device, Refusal};
use axum::http::header::CONTENT_TYPE;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use protocol::isapi::{LockState, ResponseStatus, StatusKind, SubStatus};
use protocol::XmlNamespace;

const XML: &str = "application/xml; charset=\"UTF-8\"";
const JSON: &str = "application/json; charset=\"UTF-8\"";

/// Whether a call asked for JSON (`?format=json`) or speaks XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Xml,
    Json,
}

impl Format {
    pub fn of(uri: &Uri) -> Self {
        let json = uri
            .query()
            .unwrap_or_default()
            .split('&')
            .any(|pair| pair.eq_ignore_ascii_case("format=json"));
        if json {
            Format::Json
        } else {
            Format::Xml
        }
    }
}

/// An XML answer with HTTP 200.
pub(crate) fn xml(body: String) -> Response {
    (StatusCode::OK, [(CONTENT_TYPE, XML)], body).into_response()
}

/// A JSON answer with HTTP 200.
pub(crate) fn json(body: String) -> Response {
    (StatusCode::OK, [(CONTENT_TYPE, JSON)], body).into_response()
}

/// Opens an XML document the way protocol's writers do, for the few bodies protocol has no
/// type for (they are not part of the reset contract the wizard parses).
pub(crate) fn open_xml(root: &str, ns: XmlNamespace) -> String {
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root}");
    if let Some(version) = ns.version() {
        out.push_str(&format!(" version=\"{version}\""));
    }
    if let Some(uri) = ns.uri() {
        out.push_str(&format!(" xmlns=\"{uri}\""));
    }
    out.push('>');
    out
}

/// `<name>value</name>` with the value escaped.
pub(crate) fn element(name: &str, value: impl std::fmt::Display) -> String {
    let value = value
        .to_string()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!("<{name}>{value}</{name}>")
}

/// The success status a reset or setting answers with.
pub(crate) fn ok(device: &Device, format: Format, uri: &Uri) -> Response {
    let mut status =
        ResponseStatus::with_sub_status(StatusKind::Ok, &SubStatus::Ok, &device.details);
    status.request_url = Some(uri.path().to_owned());
    if format == Format::Json {
        status.error_code = Some(0);
        status.error_msg = Some("ok".into());
    }
    let (body, content_type) = encode(device, format, &status);
    (StatusCode::OK, [(CONTENT_TYPE, content_type)], body).into_response()
}

/// A refusal as the profile's firmware words it.
pub(crate) fn refusal(device: &Device, format: Format, uri: &Uri, refusal: &Refusal) -> Response {
    let body_is_json =
        format == Format::Json && device.style.json_call_status == JsonCallStatus::Json;
    let (kind, sub, http, lock) = describe(refusal, body_is_json);
    let mut status = match &sub {
        Some(sub) => ResponseStatus::with_sub_status(kind, sub, &device.details),
        None => ResponseStatus::new(kind),
    };
    status.request_url = Some(uri.path().to_owned());
    status.lock = lock;
    if body_is_json {
        status.error_msg = status
            .sub_status_code
            .clone()
            .or_else(|| status.status_string.clone());
    }
    let http = match (device.style.error_http, http) {
        // Booting and locked devices answer 403 whatever their habit.
        (_, StatusCode::FORBIDDEN) => StatusCode::FORBIDDEN,
        (ErrorHttp::AlwaysOk, _) => StatusCode::OK,
        (ErrorHttp::Matching, http) => http,
    };
    let (body, content_type) = encode(device, format, &status);
    (http, [(CONTENT_TYPE, content_type)], body).into_response()
}

fn encode(device: &Device, format: Format, status: &ResponseStatus) -> (String, &'static str) {
    match (format, device.style.json_call_status) {
        (Format::Json, JsonCallStatus::Json) => (status.to_json(), JSON),
        _ => (status.to_xml_with(device.style.namespace), XML),
    }
}

/// The status kind, sub-status, HTTP status and lock details of a refusal.
fn describe(
    refusal: &Refusal,
    json: bool,
) -> (StatusKind, Option<SubStatus>, StatusCode, Option<LockState>) {
    // Each body format carries the lock in its own shape, as real firmware does.
    let lock = |locked: bool, retries: u32, unlock_in: u32| {
        Some(if json {
            LockState::RetryTimes {
                locked,
                retry_times: Some(retries),
                res_lock_time: Some(unlock_in),
            }
        } else {
            LockState::UnlockTime {
                locked,
                unlock_time: Some(unlock_in),
                retry_login_time: Some(retries),
            }
        })
    };
    use StatusKind::{InvalidOperation, InvalidXmlContent, InvalidXmlFormat};
    match refusal {
        Refusal::Booting => (InvalidOperation, None, StatusCode::FORBIDDEN, None),
        Refusal::Locked { unlock_in } => (
            InvalidOperation,
            Some(SubStatus::MaxPasswordAttempts),
            StatusCode::FORBIDDEN,
            lock(true, 0, *unlock_in),
        ),
        Refusal::NotSupported => (
            InvalidOperation,
            Some(SubStatus::Other("notSupport".into())),
            StatusCode::BAD_REQUEST,
            None,
        ),
        Refusal::NotActivated => (
            InvalidOperation,
            Some(SubStatus::Other("notActivated".into())),
            StatusCode::BAD_REQUEST,
            None,
        ),
        // The UIs' error table names noSetSecurityEmail; the status code and HTTP status
        // are [assumed]. A 403 with statusCode 4 is what a booting device also answers, so
        // only the sub-status may tell the two apart.
        Refusal::NoReservedEmail => (
            InvalidOperation,
            Some(SubStatus::NoReservedEmail),
            StatusCode::FORBIDDEN,
            None,
        ),
        Refusal::WrongCode { retries_left } => (
            InvalidXmlContent,
            Some(SubStatus::WrongResetCode),
            StatusCode::BAD_REQUEST,
            lock(false, *retries_left, 0),
        ),
        Refusal::ExpiredCode => (
            InvalidXmlContent,
            Some(SubStatus::ExpiredResetCode),
            StatusCode::BAD_REQUEST,
            None,
        ),
        Refusal::Password(sub) => (
            InvalidXmlContent,
            Some(sub.clone()),
            StatusCode::BAD_REQUEST,
            None,
        ),
        Refusal::BadBody(sub) => {
            let kind = if *sub == SubStatus::BadJsonFormat {
                InvalidXmlFormat
            } else {
                InvalidXmlContent
            };
            (kind, Some(sub.clone()), StatusCode::BAD_REQUEST, None)
        }
        Refusal::BadLogin { retries_left } => (
            InvalidOperation,
            Some(SubStatus::BadAuthorization),
            StatusCode::UNAUTHORIZED,
            lock(false, *retries_left, 0),
        ),
        Refusal::Unauthorized => (
            InvalidOperation,
            Some(SubStatus::BadAuthorization),
            StatusCode::UNAUTHORIZED,
            None,
        ),
        Refusal::NoQuestionsSet => (
            InvalidXmlContent,
            Some(SubStatus::ResetErrorNoSeq),
            StatusCode::BAD_REQUEST,
            None,
        ),
        Refusal::AnswerCount => (
            InvalidXmlContent,
            Some(SubStatus::SeqConfigNumError),
            StatusCode::BAD_REQUEST,
            None,
        ),
        Refusal::WrongAnswers { retries_left } => (
            InvalidXmlContent,
            Some(SubStatus::SeqCertificateUnmatch),
            StatusCode::BAD_REQUEST,
            lock(false, *retries_left, 0),
        ),
        Refusal::GuidMismatch { retries_left } => (
            InvalidXmlContent,
            Some(SubStatus::GuidFileDataUnmatch),
            StatusCode::BAD_REQUEST,
            lock(false, *retries_left, 0),
        ),
    }
}
