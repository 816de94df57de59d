//! The [assumed] SyncIPCPassword call of NVRs: logged in, the admin password in the body, and
//! an answer saying which simulated camera took it. Routed where the device profile says.

use super::guid::method_filter;
use super::reply::{self, Format};
use super::{logged_in_protection, require_admin, unreadable, App};
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::on;
use axum::Router;
use protocol::isapi::{SubStatus, SyncIpcPassword};
use protocol::profile::DeviceProfile;

pub(super) fn routes(details: &DeviceProfile) -> Router<App> {
    let call = &details.sync_ipc_password;
    match method_filter(&call.method) {
        Some(filter) => Router::new().route(&call.path, on(filter, sync)),
        None => Router::new(),
    }
}

async fn sync(State(app): State<App>, uri: Uri, headers: HeaderMap, body: String) -> Response {
    let device = &app.device;
    let format = Format::of(&uri);
    let result = require_admin(device, &headers)
        .and_then(|()| logged_in_protection(device, &uri))
        .and_then(|protection| {
            SyncIpcPassword::from_json(&body, &protection)
                .map_err(|err| unreadable(device, &protection, &err, SubStatus::BadJsonFormat))
        })
        .and_then(|request| device.sync_ipc_password(&request.admin_password));
    match result {
        Ok(result) => reply::json(result.to_json()),
        Err(refusal) => reply::refusal(device, format, &uri, &refusal),
    }
}
