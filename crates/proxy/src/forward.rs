//! One exchange with a device over HTTP or HTTPS, on a connection made to a checked IP literal.
//! No redirects are followed, no system proxy is used, and every answer is size- and time-bounded.

use crate::device_tls;
use crate::error::ApiError;
use axum::http::{header, HeaderValue, Method, Request};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// What is sent to the device: nothing from the browser except what is named here.
#[derive(Debug)]
pub struct DeviceRequest {
    /// The allow-listed method.
    pub method: Method,
    /// The allow-listed path and checked query.
    pub path_and_query: String,
    /// The body's type (XML or JSON), when there is a body.
    pub content_type: Option<HeaderValue>,
    /// The body, already size-checked.
    pub body: Bytes,
    /// The cookies the device set earlier in this session.
    pub cookie: Option<String>,
    /// The browser's `Authorization`, only for the calls that need it.
    pub authorization: Option<HeaderValue>,
}

/// How to reach the device.
#[derive(Debug, Clone, Copy)]
pub enum Transport {
    /// Plain HTTP.
    Http,
    /// HTTPS; the certificate must match the pin, when there is one.
    Https {
        /// The certificate the device showed earlier in this session.
        pinned: Option<[u8; 32]>,
    },
}

/// The device's answer, with the few headers the proxy acts on.
#[derive(Debug)]
pub struct DeviceAnswer {
    /// Its HTTP status.
    pub status: u16,
    /// Its Content-Type.
    pub content_type: Option<String>,
    /// Its body (at most the size limit).
    pub body: Bytes,
    /// Its `Set-Cookie` values, kept by the proxy and never shown to the browser.
    pub set_cookies: Vec<String>,
    /// Its `Location`, when it redirects (never followed; read to notice "use HTTPS").
    pub location: Option<String>,
    /// The certificate's fingerprint, over HTTPS.
    pub certificate: Option<[u8; 32]>,
}

/// Connects to devices; shared by all requests.
#[derive(Clone)]
pub struct DeviceClient {
    tls: TlsConnector,
    connect_timeout: Duration,
    request_timeout: Duration,
    max_body: usize,
}

impl DeviceClient {
    /// A client with the given connect and whole-exchange timeouts and answer size limit.
    pub fn new(
        connect_timeout: Duration,
        request_timeout: Duration,
        max_body: usize,
    ) -> Result<Self, rustls::Error> {
        Ok(DeviceClient {
            tls: TlsConnector::from(device_tls::client_config()?),
            connect_timeout,
            request_timeout,
            max_body,
        })
    }

    /// Sends `request` to `device` over `transport`, within the time limit.
    pub async fn exchange(
        &self,
        device: SocketAddr,
        transport: Transport,
        request: DeviceRequest,
    ) -> Result<DeviceAnswer, ApiError> {
        tokio::time::timeout(
            self.request_timeout,
            self.exchange_unbounded(device, transport, request),
        )
        .await
        .map_err(|_| ApiError::Timeout)?
    }

    async fn exchange_unbounded(
        &self,
        device: SocketAddr,
        transport: Transport,
        request: DeviceRequest,
    ) -> Result<DeviceAnswer, ApiError> {
        // A socket address, never a name: the address checked is the one connected to.
        let tcp = tokio::time::timeout(self.connect_timeout, TcpStream::connect(device))
            .await
            .map_err(|_| ApiError::Unreachable(format!("{device} (no answer in time)")))?
            .map_err(|err| ApiError::Unreachable(format!("{device} ({err})")))?;
        let _ = tcp.set_nodelay(true);
        let request = build(device, request)?;
        match transport {
            Transport::Http => self.send(tcp, request, None).await,
            Transport::Https { pinned } => {
                let name = ServerName::IpAddress(device.ip().into());
                let tls = self
                    .tls
                    .connect(name, tcp)
                    .await
                    .map_err(|err| ApiError::TlsFailed(tls_failure(&err)))?;
                let seen = tls
                    .get_ref()
                    .1
                    .peer_certificates()
                    .and_then(|chain| chain.first())
                    .map(|leaf| device_tls::fingerprint(leaf))
                    .ok_or_else(|| {
                        ApiError::TlsFailed("the device showed no certificate".into())
                    })?;
                // Checked before a single byte of the request (codes, passwords) is sent.
                if pinned.is_some_and(|pin| pin != seen) {
                    return Err(ApiError::CertificateChanged(device.to_string()));
                }
                self.send(tls, request, Some(seen)).await
            }
        }
    }

    async fn send<S>(
        &self,
        stream: S,
        request: Request<Full<Bytes>>,
        certificate: Option<[u8; 32]>,
    ) -> Result<DeviceAnswer, ApiError>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|err| ApiError::BadAnswer(err.to_string()))?;
        let driver = tokio::spawn(connection);
        let result = async {
            let response = sender
                .send_request(request)
                .await
                .map_err(|err| ApiError::BadAnswer(err.to_string()))?;
            let status = response.status().as_u16();
            let headers = response.headers();
            let text = |name| {
                headers
                    .get(name)
                    .and_then(|v: &HeaderValue| v.to_str().ok())
                    .map(str::to_string)
            };
            let content_type = text(header::CONTENT_TYPE);
            let location = text(header::LOCATION);
            let set_cookies = headers
                .get_all(header::SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_string))
                .collect();
            let body = Limited::new(response.into_body(), self.max_body)
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
            Ok(DeviceAnswer {
                status,
                content_type,
                body,
                set_cookies,
                location,
                certificate,
            })
        }
        .await;
        driver.abort();
        result
    }
}

fn build(device: SocketAddr, request: DeviceRequest) -> Result<Request<Full<Bytes>>, ApiError> {
    let mut builder = Request::builder()
        .method(request.method)
        .uri(request.path_and_query.as_str())
        .header(header::HOST, device.to_string())
        .header(header::ACCEPT, "application/xml, application/json")
        .header(header::CONNECTION, "close");
    if let Some(content_type) = request.content_type {
        builder = builder.header(header::CONTENT_TYPE, content_type);
    }
    if let Some(cookie) = request.cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    if let Some(authorization) = request.authorization {
        builder = builder.header(header::AUTHORIZATION, authorization);
    }
    builder
        .body(Full::new(request.body))
        .map_err(|_| ApiError::CallNotAllowed(request.path_and_query))
}

/// A plain sentence for a failed handshake; old firmware is the usual cause.
fn tls_failure(err: &std::io::Error) -> String {
    let detail = err.to_string();
    if detail.contains("Version") || detail.contains("HandshakeFailure") || detail.contains("peer")
    {
        format!("the device offers only old TLS versions or weak ciphers, which the proxy refuses ({detail})")
    } else {
        detail
    }
}
