//! One exchange with a device over HTTP or HTTPS, on a kept-alive connection made to a checked IP
//! literal. No redirects are followed, no system proxy is used, and every answer is size- and
//! time-bounded.

use crate::device_tls;
use crate::error::ApiError;
use axum::http::{header, HeaderValue, Method, Request, Uri};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use rustls::pki_types::ServerName;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// What is sent to the device: nothing from the browser except what is named here.
#[derive(Debug, Clone)]
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

/// Connects to devices; shared by all requests. Plain HTTP connections are kept alive and
/// reused (a wizard makes a dozen calls to one device, and a new connection costs a small
/// device's CPU). HTTPS is not pooled: every call makes a new handshake, so a device's certificate
/// is checked against the session's pin on each call and a replaced one is noticed at once.
#[derive(Clone)]
pub struct DeviceClient {
    connector: DeviceConnector,
    http: Client<DeviceConnector, Full<Bytes>>,
    request_timeout: Duration,
    max_body: usize,
}

/// How long an unused connection to a device stays open; devices close theirs after a while too.
const POOL_IDLE: Duration = Duration::from_secs(30);
/// Unused connections kept per device.
const POOL_PER_DEVICE: usize = 8;
/// How many more times a retry-safe read is sent, each on a fresh connection, after the device
/// dropped the connection before its answer was whole (a kept-alive connection it had already
/// closed, weak Wi-Fi). All tries share the one time limit.
const RETRIES: usize = 2;

/// A failed exchange: the proxy's error, and whether the answer was lost on the way (the
/// connection closed or reset before the answer was whole), which a safe read may try again.
struct Failure {
    error: ApiError,
    lost: bool,
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Failure { error, lost: false }
    }
}

impl DeviceClient {
    /// A client with the given connect and whole-exchange timeouts and answer size limit.
    pub fn new(
        connect_timeout: Duration,
        request_timeout: Duration,
        max_body: usize,
    ) -> Result<Self, rustls::Error> {
        let connector = DeviceConnector {
            tls: TlsConnector::from(device_tls::client_config()?),
            connect_timeout,
            https: None,
        };
        Ok(DeviceClient {
            http: client(connector.clone(), POOL_PER_DEVICE),
            connector,
            request_timeout,
            max_body,
        })
    }

    /// Sends `request` to `device` over `transport`, within the time limit. With `retry_safe`
    /// (a read that changes nothing on the device, see `allow_list::AllowedCall::retry_safe`), a lost
    /// answer is asked for again on a fresh connection, at most [`RETRIES`] more times.
    pub async fn exchange(
        &self,
        device: SocketAddr,
        transport: Transport,
        request: DeviceRequest,
        retry_safe: bool,
    ) -> Result<DeviceAnswer, ApiError> {
        let tries = async {
            let mut retries = if retry_safe { RETRIES } else { 0 };
            let mut fresh = false;
            loop {
                match self
                    .exchange_once(device, transport, request.clone(), fresh)
                    .await
                {
                    Err(Failure { lost: true, .. }) if retries > 0 => {
                        tracing::debug!(%device, "the device dropped the answer; asking again");
                        retries -= 1;
                        fresh = true;
                    }
                    result => return result.map_err(|failure| failure.error),
                }
            }
        };
        tokio::time::timeout(self.request_timeout, tries)
            .await
            .map_err(|_| ApiError::Timeout)?
    }

    /// One try; `fresh` makes a new connection even where a kept-alive one is waiting.
    async fn exchange_once(
        &self,
        device: SocketAddr,
        transport: Transport,
        request: DeviceRequest,
        fresh: bool,
    ) -> Result<DeviceAnswer, Failure> {
        let (client, scheme) = match transport {
            Transport::Http if !fresh => (self.http.clone(), "http"),
            Transport::Http => (client(self.connector.clone(), 0), "http"),
            Transport::Https { pinned } => {
                let connector = DeviceConnector {
                    https: Some(pinned),
                    ..self.connector.clone()
                };
                (client(connector, 0), "https")
            }
        };
        let request = build(scheme, device, request)?;
        let response = client.request(request).await.map_err(|err| failure(&err))?;
        let certificate = response
            .extensions()
            .get::<SeenCertificate>()
            .map(|seen| seen.0);
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
                    Failure::from(ApiError::TooLarge)
                } else {
                    failure(&*err)
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
}

/// A client keeping up to `idle_per_device` unused connections to each device.
fn client(
    connector: DeviceConnector,
    idle_per_device: usize,
) -> Client<DeviceConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(POOL_IDLE)
        .pool_max_idle_per_host(idle_per_device)
        .build(connector)
}

/// The proxy's own error for a failed exchange, in its own words (the HTTP library's wording
/// would reach the person): the connector's refusal when it made one, else what happened to
/// the answer.
fn failure(err: &(dyn std::error::Error + 'static)) -> Failure {
    let mut lost = false;
    let mut not_http = false;
    let mut source = Some(err);
    while let Some(cause) = source {
        if let Some(api) = cause.downcast_ref::<ApiError>() {
            return Failure::from(match api {
                ApiError::Unreachable(why) => ApiError::Unreachable(why.clone()),
                ApiError::TlsFailed(why) => ApiError::TlsFailed(why.clone()),
                ApiError::CertificateChanged(device) => {
                    ApiError::CertificateChanged(device.clone())
                }
                ApiError::Timeout => ApiError::Timeout,
                _ => ApiError::BadAnswer("the connection to the device failed".into()),
            });
        }
        if let Some(http) = cause.downcast_ref::<hyper::Error>() {
            lost |= http.is_incomplete_message() || http.is_canceled();
            not_http |= http.is_parse() || http.is_parse_status();
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            lost |= matches!(
                io.kind(),
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof
            );
        }
        source = cause.source();
    }
    let why = if lost {
        "the device closed the connection before its answer was complete"
    } else if not_http {
        "the device's answer is not HTTP"
    } else {
        "the connection to the device failed"
    };
    Failure {
        error: ApiError::BadAnswer(why.into()),
        lost,
    }
}

/// The certificate fingerprint of the connection an answer came on, as a response extension.
#[derive(Clone, Copy)]
struct SeenCertificate([u8; 32]);

/// Opens one connection to the IP literal in the URI (never a name: the address checked is the
/// one connected to), over TLS when `https` is set, with that pin checked right after the
/// handshake, before a single byte of a request (codes, passwords) is sent.
#[derive(Clone)]
struct DeviceConnector {
    tls: TlsConnector,
    connect_timeout: Duration,
    https: Option<Option<[u8; 32]>>,
}

impl tower::Service<Uri> for DeviceConnector {
    type Response = TokioIo<DeviceStream>;
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, ApiError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), ApiError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let device = device_addr(&uri)?;
            let tcp = tokio::time::timeout(this.connect_timeout, TcpStream::connect(device))
                .await
                .map_err(|_| ApiError::Unreachable(format!("{device} (no answer in time)")))?
                .map_err(|err| ApiError::Unreachable(format!("{device} ({})", refused(&err))))?;
            let _ = tcp.set_nodelay(true);
            let Some(pinned) = this.https else {
                return Ok(TokioIo::new(DeviceStream::Plain(tcp)));
            };
            let name = ServerName::IpAddress(device.ip().into());
            let tls = this
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
                .ok_or_else(|| ApiError::TlsFailed("the device showed no certificate".into()))?;
            if pinned.is_some_and(|pin| pin != seen) {
                return Err(ApiError::CertificateChanged(device.to_string()));
            }
            Ok(TokioIo::new(DeviceStream::Tls(Box::new(tls), seen)))
        })
    }
}

/// Why a connection could not be made, in words for people rather than the system's.
fn refused(err: &std::io::Error) -> &'static str {
    use std::io::ErrorKind::*;
    match err.kind() {
        ConnectionRefused => "nothing accepts connections on that port",
        HostUnreachable | NetworkUnreachable => "this computer has no route to it",
        AddrNotAvailable => "this computer cannot reach that address",
        _ => "the connection could not be made",
    }
}

/// The socket address in a URI `build` made from one.
fn device_addr(uri: &Uri) -> Result<SocketAddr, ApiError> {
    uri.authority()
        .and_then(|authority| authority.as_str().parse().ok())
        .ok_or_else(|| ApiError::Unreachable(format!("{uri} (not an address)")))
}

/// A connection to a device, plain or TLS (with the certificate it showed).
enum DeviceStream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>, [u8; 32]),
}

impl Connection for DeviceStream {
    fn connected(&self) -> Connected {
        match self {
            DeviceStream::Plain(_) => Connected::new(),
            DeviceStream::Tls(_, seen) => Connected::new().extra(SeenCertificate(*seen)),
        }
    }
}

impl AsyncRead for DeviceStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            DeviceStream::Plain(tcp) => Pin::new(tcp).poll_read(cx, buf),
            DeviceStream::Tls(tls, _) => Pin::new(tls.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for DeviceStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            DeviceStream::Plain(tcp) => Pin::new(tcp).poll_write(cx, buf),
            DeviceStream::Tls(tls, _) => Pin::new(tls.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            DeviceStream::Plain(tcp) => Pin::new(tcp).poll_flush(cx),
            DeviceStream::Tls(tls, _) => Pin::new(tls.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            DeviceStream::Plain(tcp) => Pin::new(tcp).poll_shutdown(cx),
            DeviceStream::Tls(tls, _) => Pin::new(tls.as_mut()).poll_shutdown(cx),
        }
    }
}

fn build(
    scheme: &str,
    device: SocketAddr,
    request: DeviceRequest,
) -> Result<Request<Full<Bytes>>, ApiError> {
    let mut builder = Request::builder()
        .method(request.method)
        // Absolute for the pool to pick the device's connections; sent in origin form.
        .uri(format!("{scheme}://{device}{}", request.path_and_query))
        .header(header::HOST, device.to_string())
        .header(header::ACCEPT, "application/xml, application/json");
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

/// The HTTPS port a redirect points to, when it points to the same device: a device asking to
/// be spoken to over HTTPS. Any other redirect is never followed.
pub fn https_redirect(device: SocketAddr, answer: &DeviceAnswer) -> Option<u16> {
    if !(300..400).contains(&answer.status) {
        return None;
    }
    let location: Uri = answer.location.as_deref()?.parse().ok()?;
    if location.scheme_str() != Some("https") {
        return None;
    }
    let host = location.host()?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ip: IpAddr = host.parse().ok()?;
    (ip == device.ip()).then(|| location.port_u16().unwrap_or(443))
}
