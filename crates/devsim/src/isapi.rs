//! The device's ISAPI server: the reset-related endpoints, answering as the real device does.

use crate::identity::{DeviceIdentity, Profile};
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use protocol::isapi::{ActivationStatus, ExternCapabilities, LengthLimit, SecurityCap};
use std::sync::Arc;

type Shared = Arc<DeviceIdentity>;

/// The device's HTTP routes.
pub fn router(identity: Shared) -> Router {
    Router::new()
        .route("/SDK/activateStatus", get(activate_status))
        .route("/ISAPI/Security/capabilities", get(security_capabilities))
        .route(
            "/ISAPI/Security/extern/capabilities",
            get(extern_capabilities),
        )
        .with_state(identity)
}

fn xml(body: String) -> Response {
    ([(CONTENT_TYPE, "application/xml; charset=\"UTF-8\"")], body).into_response()
}

async fn activate_status(State(device): State<Shared>) -> Response {
    xml(ActivationStatus {
        activated: device.activated,
    }
    .to_xml())
}

async fn security_capabilities(State(device): State<Shared>) -> Response {
    xml(security_cap(&device).to_xml())
}

async fn extern_capabilities(State(device): State<Shared>) -> Response {
    xml(extern_cap(&device).to_xml())
}

fn security_cap(device: &DeviceIdentity) -> SecurityCap {
    SecurityCap {
        password_length: LengthLimit { min: 8, max: 16 },
        supports_security_question_config: device.profile == Profile::Nvr,
        ..SecurityCap::default()
    }
}

fn extern_cap(device: &DeviceIdentity) -> ExternCapabilities {
    let nvr = device.profile == Profile::Nvr;
    ExternCapabilities {
        guid_file: nvr,
        security_question: nvr,
        security_email: true,
        hik_connect_app: nvr,
        min_reset_admin_password_num: Some(1),
    }
}
