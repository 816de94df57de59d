//! The proxy's own failures, as JSON a wizard can turn into a plain message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// Why the proxy could not give the wizard a device's answer.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request lacks the wizard's custom header (a plain link, form or image tag).
    #[error("requests to the API must carry the X-Reset-Wizard header")]
    MissingHeader,
    /// The device path or query is not one of the allow-listed reset calls.
    #[error("this call is not allowed: {0}")]
    CallNotAllowed(String),
    /// The device address is not one the proxy may connect to.
    #[error("this device address is not allowed: {0}")]
    TargetNotAllowed(String),
    /// Nothing answered at the device's address.
    #[error("the device did not accept a connection: {0}")]
    Unreachable(String),
    /// The device accepted the connection but did not answer in time.
    #[error("the device did not answer in time")]
    Timeout,
    /// The device's answer was larger than the proxy accepts.
    #[error("the device's answer was too large")]
    TooLarge,
    /// The device answered something that is not HTTP.
    #[error("the device's answer could not be read: {0}")]
    BadAnswer(String),
    /// Discovery could not run.
    #[error("device discovery failed: {0}")]
    Discovery(String),
}

#[derive(Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(Serialize)]
struct Detail<'a> {
    code: &'a str,
    message: String,
}

impl ApiError {
    /// A stable machine-readable code the wizard maps to a translated sentence.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::MissingHeader => "missing_header",
            ApiError::CallNotAllowed(_) => "call_not_allowed",
            ApiError::TargetNotAllowed(_) => "target_not_allowed",
            ApiError::Unreachable(_) => "device_unreachable",
            ApiError::Timeout => "device_timeout",
            ApiError::TooLarge => "device_answer_too_large",
            ApiError::BadAnswer(_) => "device_bad_answer",
            ApiError::Discovery(_) => "discovery_failed",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::MissingHeader
            | ApiError::CallNotAllowed(_)
            | ApiError::TargetNotAllowed(_) => StatusCode::FORBIDDEN,
            ApiError::Unreachable(_) | ApiError::BadAnswer(_) | ApiError::TooLarge => {
                StatusCode::BAD_GATEWAY
            }
            ApiError::Timeout => StatusCode::GATEWAY_TIMEOUT,
            ApiError::Discovery(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Detail {
                code: self.code(),
                message: self.to_string(),
            },
        };
        (self.status(), Json(body)).into_response()
    }
}
