//! Forwarding one allow-listed call to a device and wrapping its answer in the JSON envelope.
//! No redirects are followed, no system proxy is used, and every answer is size- and time-bounded.

use crate::error::ApiError;
use axum::http::{header, Method, Request, Uri};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use protocol::proxy_api::Envelope;
use std::net::SocketAddr;
use std::time::Duration;

/// The most a device answer may weigh; real ISAPI answers are a few KiB.
pub const MAX_DEVICE_BODY: usize = 64 * 1024;

/// An HTTP client for devices, built once and shared.
#[derive(Clone)]
pub struct DeviceClient {
    client: Client<HttpConnector, Empty<Bytes>>,
    request_timeout: Duration,
}

impl DeviceClient {
    /// A client with the given connect and whole-exchange timeouts.
    pub fn new(connect_timeout: Duration, request_timeout: Duration) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(connect_timeout));
        connector.set_nodelay(true);
        // The proxy only ever connects to IP literals it has checked: no name lookups.
        connector.enforce_http(true);
        let client = Client::builder(TokioExecutor::new()).build(connector);
        DeviceClient {
            client,
            request_timeout,
        }
    }

    /// Sends `method path?query` to `device` and returns its answer in an envelope.
    pub async fn call(
        &self,
        device: SocketAddr,
        method: Method,
        path: &str,
        query: &str,
    ) -> Result<Envelope, ApiError> {
        let path_and_query = if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{query}")
        };
        let uri: Uri = format!("http://{device}{path_and_query}")
            .parse()
            .map_err(|_| ApiError::CallNotAllowed(path_and_query.clone()))?;
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, device.to_string())
            .header(header::ACCEPT, "application/xml, application/json")
            .body(Empty::new())
            .map_err(|err| ApiError::BadAnswer(err.to_string()))?;
        let exchange = async {
            let response = self.client.request(request).await.map_err(|err| {
                if err.is_connect() {
                    ApiError::Unreachable(device.to_string())
                } else {
                    ApiError::BadAnswer(err.to_string())
                }
            })?;
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = Limited::new(response.into_body(), MAX_DEVICE_BODY)
                .collect()
                .await
                .map_err(|err| {
                    if err.is::<http_body_util::LengthLimitError>() {
                        ApiError::TooLarge
                    } else {
                        ApiError::BadAnswer(err.to_string())
                    }
                })?
                .to_bytes();
            Ok(Envelope {
                status,
                content_type,
                body: String::from_utf8_lossy(&body).into_owned(),
            })
        };
        tokio::time::timeout(self.request_timeout, exchange)
            .await
            .map_err(|_| ApiError::Timeout)?
    }
}
