//! The GUID file: exported while logged in (`POST GUIDFileData`), and the [assumed] reset with
//! it, routed where the device profile says (method and path are profile data).

use super::reply::{self, Format};
use super::{logged_in_protection, require_admin, reset_protection, unreadable, App};
use crate::state::Refusal;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, post, MethodFilter};
use axum::Router;
use protocol::isapi::{paths, GuidFileExport, GuidFileReset, SubStatus};
use protocol::profile::DeviceProfile;

pub(super) fn routes(details: &DeviceProfile) -> Router<App> {
    let router = Router::new().route(paths::GUID_FILE_DATA, post(export));
    match method_filter(&details.guid_reset.method) {
        Some(filter) => router.route(&details.guid_reset.path, on(filter, reset)),
        None => router,
    }
}

/// The axum method filter for a profile's method name (`PUT`, `POST`, …).
pub(super) fn method_filter(name: &str) -> Option<MethodFilter> {
    let method = Method::from_bytes(name.trim().to_ascii_uppercase().as_bytes()).ok()?;
    MethodFilter::try_from(method).ok()
}

/// The file of the current password, as an attachment the browser would save.
async fn export(State(app): State<App>, uri: Uri, headers: HeaderMap, body: String) -> Response {
    let device = &app.device;
    let result = require_admin(device, &headers)
        .and_then(|()| logged_in_protection(device, &uri))
        .and_then(|protection| {
            GuidFileExport::from_xml(&body, &protection)
                .map_err(|err| unreadable(device, &protection, &err, SubStatus::BadParameters))
        })
        .and_then(|request| device.export_guid(&request.admin_password));
    match result {
        Ok(file) => (
            StatusCode::OK,
            [
                (CONTENT_TYPE, "application/octet-stream"),
                (CONTENT_DISPOSITION, "attachment; filename=\"GUID.guid\""),
            ],
            file,
        )
            .into_response(),
        Err(refusal) => reply::refusal(device, Format::Xml, &uri, &refusal),
    }
}

async fn reset(State(app): State<App>, uri: Uri, body: String) -> Response {
    let device = &app.device;
    let format = Format::of(&uri);
    let result = reset_protection(device, &uri, device.details.guid_reset_secrets)
        .and_then(|protection| {
            GuidFileReset::from_json(&body, &device.details, &protection).map_err(|err| {
                tracing::debug!(%err, "devsim refused a GUID reset body");
                Refusal::BadBody(SubStatus::BadJsonFormat)
            })
        })
        .and_then(|request| device.certify_guid(&request));
    match result {
        Ok(()) => reply::ok(device, format, &uri),
        Err(refusal) => reply::refusal(device, format, &uri, &refusal),
    }
}
