//! What the proxy's socket tests stand on: a proxy on loopback, a raw HTTP client that sends
//! exactly the bytes given (no URL normalisation), and a device stand-in that records requests.
#![allow(dead_code, clippy::unwrap_used)]

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use reset_proxy::{Bound, Config};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The header the wizard sends.
pub const WIZARD: (&str, &str) = ("x-reset-wizard", "1");

/// Settings for a test proxy on a free loopback port that may reach `devices`.
pub fn config(devices: &[SocketAddr]) -> Config {
    let mut config = Config::new(
        "127.0.0.1:0".parse().unwrap(),
        "127.0.0.1:9".parse().unwrap(),
    );
    config.extra_devices = devices.to_vec();
    config.connect_timeout = Duration::from_secs(2);
    config.request_timeout = Duration::from_secs(3);
    config
}

/// Starts a proxy with `config`; it runs until the test ends.
pub async fn start(config: Config) -> SocketAddr {
    let bound = Bound::bind(config).await.unwrap();
    let addr = bound.local_addr().unwrap();
    tokio::spawn(bound.serve(std::future::pending()));
    addr
}

/// An HTTP answer as read off the socket.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The first header of that name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All headers of that name.
    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The proxy's refusal code, if the body is one.
    pub fn code(&self) -> String {
        let value: serde_json::Value = serde_json::from_str(&self.body).unwrap_or_default();
        value["error"]["code"].as_str().unwrap_or("").to_string()
    }

    /// The proxy's refusal message, if the body is one.
    pub fn message(&self) -> String {
        let value: serde_json::Value = serde_json::from_str(&self.body).unwrap_or_default();
        value["error"]["message"].as_str().unwrap_or("").to_string()
    }

    /// The body as a forwarded device answer.
    pub fn envelope(&self) -> protocol::proxy_api::Envelope {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not an envelope ({err}): {} {}", self.status, self.body))
    }
}

/// A request written out by hand, so the target is sent exactly as given.
#[derive(Debug, Clone)]
pub struct Raw {
    pub method: String,
    pub target: String,
    pub host: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Raw {
    /// `method target` with the wizard's header and a loopback Host filled in by [`Raw::send`].
    pub fn new(method: &str, target: &str) -> Self {
        Raw {
            method: method.into(),
            target: target.into(),
            host: None,
            headers: vec![(WIZARD.0.into(), WIZARD.1.into())],
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Removes every header of that name.
    pub fn without(mut self, name: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    /// Sets the Host header (default: the proxy's own address).
    pub fn host(mut self, host: &str) -> Self {
        self.host = Some(host.into());
        self
    }

    /// Sets the body.
    pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.headers
            .push(("content-type".into(), content_type.into()));
        self.body = body.into();
        self
    }

    /// Sends it to `proxy` and reads the whole answer (the connection is closed after it).
    pub async fn send(&self, proxy: SocketAddr) -> Answer {
        let mut stream = TcpStream::connect(proxy).await.unwrap();
        let host = self.host.clone().unwrap_or_else(|| proxy.to_string());
        let mut head = format!("{} {} HTTP/1.1\r\n", self.method, self.target);
        if !host.is_empty() {
            head.push_str(&format!("Host: {host}\r\n"));
        }
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&self.body).await.unwrap();
        let mut raw = Vec::new();
        tokio::time::timeout(Duration::from_secs(15), stream.read_to_end(&mut raw))
            .await
            .expect("the proxy answered in time")
            .unwrap();
        parse_answer(&raw)
    }
}

fn parse_answer(raw: &[u8]) -> Answer {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP head");
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = body.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&body[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 2 + size + 2..];
    }
}

/// `GET /api/v1/{path}` the way the wizard sends it.
pub async fn get(proxy: SocketAddr, path: &str) -> Answer {
    Raw::new("GET", &format!("/api/v1/{path}"))
        .send(proxy)
        .await
}

/// One request as the device stand-in saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// How the stand-in answers.
pub type Answerer = Arc<dyn Fn(&Seen) -> Response + Send + Sync>;

/// A device stand-in on loopback that records every request and answers with `answer`.
pub struct RecordingDevice {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl RecordingDevice {
    /// Starts one answering every request with `answer`.
    pub async fn start(answer: Answerer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let record = seen.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
                let record = record.clone();
                let answer = answer.clone();
                async move {
                    let request = Seen {
                        method,
                        path_and_query: uri
                            .path_and_query()
                            .map(|p| p.as_str().to_string())
                            .unwrap_or_default(),
                        headers,
                        body,
                    };
                    let response = answer(&request);
                    record.lock().unwrap().push(request);
                    response
                }
            },
        );
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        RecordingDevice { addr, seen }
    }

    /// One that answers every request `200 <ok/>` as XML.
    pub async fn ok() -> Self {
        Self::start(Arc::new(|_| {
            (
                StatusCode::OK,
                [("content-type", "application/xml")],
                "<ok/>",
            )
                .into_response()
        }))
        .await
    }

    /// What it has seen so far.
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The proxy path prefix for calls to this device.
    pub fn prefix(&self) -> String {
        format!("/api/v1/devices/{}/{}", self.addr.ip(), self.addr.port())
    }
}

/// A listener that counts connections, for proving that refused requests reach nobody.
pub struct Tripwire {
    pub addr: SocketAddr,
    hits: Arc<Mutex<usize>>,
}

impl Tripwire {
    /// Listens on `ip`:0.
    pub async fn on(ip: &str) -> Self {
        let listener = TcpListener::bind(format!("{ip}:0")).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hits: Arc<Mutex<usize>> = Arc::default();
        let count = hits.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                *count.lock().unwrap() += 1;
                drop(stream);
            }
        });
        Tripwire { addr, hits }
    }

    /// How many connections it accepted.
    pub fn hits(&self) -> usize {
        *self.hits.lock().unwrap()
    }
}

/// The proxy path prefix for calls to the device at `addr`.
pub fn prefix_of(addr: SocketAddr) -> String {
    format!("/api/v1/devices/{}/{}", addr.ip(), addr.port())
}

/// A simulated device started with `config` on the current runtime.
pub async fn devsim(config: devsim::Config) -> devsim::Running {
    devsim::start(config).await.unwrap()
}

/// A simulated device of `profile` on 127.0.0.1, with its demo mailbox on.
pub async fn devsim_of(profile: devsim::Profile) -> devsim::Running {
    let identity = devsim::DeviceIdentity::random(profile);
    devsim(devsim::Config::loopback(identity).with_mailbox(true)).await
}

/// devsim (a camera with its mailbox) with HTTP on a free port and HTTPS on port 443, where
/// the proxy speaks HTTPS without being asked, on a loopback address of its own among
/// `127.0.<block>.1` to `.8` (in case another test or run holds port 443 on one of them; each
/// test file takes its own block); `None` when this process may not bind port 443.
pub async fn devsim_on_port_443(block: u8) -> Option<devsim::Running> {
    for last in 1..=8 {
        let ip = std::net::Ipv4Addr::new(127, 0, block, last);
        let identity = devsim::DeviceIdentity::random(devsim::Profile::Camera);
        let config = devsim::Config::loopback(identity)
            .with_http((ip, 0).into())
            .with_https_port(443)
            .with_mailbox(true);
        match devsim::start(config).await {
            Ok(device) => return Some(device),
            Err(devsim::StartError::Https { source, .. })
                if source.kind() == std::io::ErrorKind::AddrInUse =>
            {
                continue
            }
            Err(devsim::StartError::Https { source, .. })
                if source.kind() == std::io::ErrorKind::PermissionDenied =>
            {
                return None
            }
            Err(other) => panic!("devsim did not start: {other}"),
        }
    }
    panic!("port 443 is taken on 127.0.{block}.1 to 127.0.{block}.8")
}

/// The body of `PUT emailCertification?format=json` as the wizard writes it for devsim's
/// default profile details.
pub fn certification(code: &str, new_password: &str) -> String {
    protocol::isapi::EmailCertification {
        security_code: code.into(),
        reset_password: new_password.into(),
    }
    .to_json(&protocol::profile::DeviceProfile::default(), None)
    .unwrap()
}

/// One browser: sends the proxy's session cookie back once the proxy has issued one.
pub struct Session {
    proxy: SocketAddr,
    cookie: Option<String>,
}

impl Session {
    /// A browser that has not talked to `proxy` yet.
    pub fn new(proxy: SocketAddr) -> Self {
        Session {
            proxy,
            cookie: None,
        }
    }

    /// Sends `request` with the session cookie, keeping the one the proxy issues.
    pub async fn send(&mut self, request: Raw) -> Answer {
        let request = match &self.cookie {
            Some(cookie) => request.header("cookie", cookie),
            None => request,
        };
        let answer = request.send(self.proxy).await;
        let issued = answer
            .headers_named("set-cookie")
            .into_iter()
            .find(|c| c.starts_with("reset_session="))
            .and_then(|c| c.split(';').next())
            .map(str::to_string);
        if let Some(cookie) = issued {
            self.cookie = Some(cookie);
        }
        answer
    }

    /// The session id the proxy issued, once it has.
    pub fn id(&self) -> Option<&str> {
        self.cookie
            .as_deref()
            .and_then(|c| c.split_once('='))
            .map(|(_, id)| id)
    }
}
pub mod flow;
