//! The proxy's own failures, as JSON a wizard can turn into a plain message.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use protocol::proxy_api::{ErrorCode, ProxyError, ProxyErrorDetail};

/// Why the proxy could not give the wizard a device's answer.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request lacks the wizard's custom header (a plain link, form or image tag).
    #[error("requests to the API must carry the X-Reset-Wizard header")]
    MissingHeader,
    /// The `Host` header names a host this proxy does not answer to (DNS rebinding).
    #[error("this proxy does not answer to the host {0:?}")]
    HostNotAllowed(String),
    /// A helper listening on the LAN was called without its pairing secret.
    #[error("this helper listens on the network and answers only the wizard opened from the address it printed (with its #pair= part)")]
    PairingRequired,
    /// The request came from a page on another origin that is not allowed to embed the wizard.
    #[error("requests from {0:?} are not allowed")]
    OriginNotAllowed(String),
    /// The browser said the request is cross-site (or typed in the address bar) without an allowed origin.
    #[error("cross-site requests are not allowed ({0})")]
    CrossSite(String),
    /// The wizard's request body was larger than the proxy accepts.
    #[error("the request body was too large")]
    RequestTooLarge,
    /// The body does not fit the call (a body where none belongs, or not XML/JSON).
    #[error("the request body does not fit this call: {0}")]
    BadRequestBody(String),
    /// Too many codes, answers or passwords were submitted; the device would lock itself.
    #[error("too many attempts: wait {retry_after} s before trying again")]
    TooManyAttempts {
        /// Seconds until one more attempt is allowed.
        retry_after: u64,
    },
    /// The proxy is already handling as many device calls as it allows.
    #[error("the proxy is busy; try again in a moment")]
    Busy,
    /// No such API route (or the demo mailbox outside the demo).
    #[error("no such API call")]
    NotFound,
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
    /// The device's HTTPS certificate is not the one it showed earlier in this session, or
    /// (known by its serial and MAC) to an earlier session of this proxy.
    #[error("the device at {0} now shows a different HTTPS certificate than it showed earlier")]
    CertificateChanged(String),
    /// The TLS handshake failed, e.g. old firmware offering only TLS 1.0 or weak ciphers.
    #[error("could not open a secure (HTTPS) connection to the device: {0}")]
    TlsFailed(String),
    /// The device answered something that is not HTTP.
    #[error("the device's answer could not be read: {0}")]
    BadAnswer(String),
    /// Discovery could not run.
    #[error("device discovery failed: {0}")]
    Discovery(String),
}

impl ApiError {
    /// A stable machine-readable code the wizard maps to a translated sentence.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::MissingHeader => ErrorCode::MissingHeader,
            ApiError::HostNotAllowed(_) => ErrorCode::HostNotAllowed,
            ApiError::OriginNotAllowed(_) => ErrorCode::OriginNotAllowed,
            ApiError::PairingRequired => ErrorCode::PairingRequired,
            ApiError::CrossSite(_) => ErrorCode::CrossSite,
            ApiError::RequestTooLarge => ErrorCode::RequestTooLarge,
            ApiError::BadRequestBody(_) => ErrorCode::BadRequestBody,
            ApiError::TooManyAttempts { .. } => ErrorCode::TooManyAttempts,
            ApiError::Busy => ErrorCode::Busy,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::CertificateChanged(_) => ErrorCode::DeviceCertificateChanged,
            ApiError::TlsFailed(_) => ErrorCode::DeviceTlsFailed,
            ApiError::CallNotAllowed(_) => ErrorCode::CallNotAllowed,
            ApiError::TargetNotAllowed(_) => ErrorCode::TargetNotAllowed,
            ApiError::Unreachable(_) => ErrorCode::DeviceUnreachable,
            ApiError::Timeout => ErrorCode::DeviceTimeout,
            ApiError::TooLarge => ErrorCode::DeviceAnswerTooLarge,
            ApiError::BadAnswer(_) => ErrorCode::DeviceBadAnswer,
            ApiError::Discovery(_) => ErrorCode::DiscoveryFailed,
        }
    }

    /// Whether the device may have read the request: the exchange failed after it was sent
    /// (no answer in time, an answer too large or unreadable). Every other refusal happened
    /// before a byte reached the device (busy, unreachable, TLS failed, certificate changed,
    /// the proxy's own checks), so a submission refused that way costs no attempt.
    pub fn may_have_reached_device(&self) -> bool {
        matches!(
            self,
            ApiError::Timeout | ApiError::TooLarge | ApiError::BadAnswer(_)
        )
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::MissingHeader
            | ApiError::HostNotAllowed(_)
            | ApiError::OriginNotAllowed(_)
            | ApiError::PairingRequired
            | ApiError::CrossSite(_)
            | ApiError::CallNotAllowed(_)
            | ApiError::TargetNotAllowed(_) => StatusCode::FORBIDDEN,
            ApiError::RequestTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::BadRequestBody(_) => StatusCode::BAD_REQUEST,
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Unreachable(_)
            | ApiError::BadAnswer(_)
            | ApiError::TooLarge
            | ApiError::CertificateChanged(_)
            | ApiError::TlsFailed(_) => StatusCode::BAD_GATEWAY,
            ApiError::Timeout => StatusCode::GATEWAY_TIMEOUT,
            ApiError::Discovery(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        tracing::debug!(code = self.code().as_str(), "refused");
        let body = ProxyError {
            error: ProxyErrorDetail {
                code: self.code(),
                message: self.to_string(),
            },
        };
        let mut response = (self.status(), Json(body)).into_response();
        if let ApiError::TooManyAttempts { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}
