//! The proxy's router, read top to bottom: the API under `/api/v1` behind the browser checks and
//! sessions, the wizard's files elsewhere, and the headers every answer carries.

use crate::allow_list::{AllowList, AllowedCall, BodyKind};
use crate::attempt_limits::AttemptLimiter;
use crate::browser_guard::{self, BrowserGuard};
use crate::config::Config;
use crate::connections::ClientAddr;
use crate::csp;
use crate::device_link::Link;
use crate::discovery::{Discoverer, DiscoverySettings};
use crate::error::ApiError;
use crate::forward::{DeviceAnswer, DeviceClient, DeviceRequest};
use crate::listen;
use crate::pins::CertificatePins;
use crate::sessions::{SessionId, Sessions};
use crate::site::{self, Site, WizardFiles};
use crate::targets::TargetPolicy;
use crate::transcripts::Transcripts;
use anyhow::Context as _;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Extension, Json, Router};
use http_body_util::{BodyExt, Limited};
use hyper::body::Bytes;
use protocol::isapi::{paths, ResponseStatus};
use protocol::proxy_api::{self, Discovery, Envelope, Health, API_VERSION, SESSION_HEADER};
use protocol::transcript::RawExchange;
use serde::Deserialize;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Semaphore;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// What the API handlers share.
struct App {
    profile: protocol::profile::DeviceProfile,
    targets: TargetPolicy,
    calls: AllowList,
    transcripts: Transcripts,
    devices: DeviceClient,
    pins: CertificatePins,
    sessions: Sessions,
    attempts: AttemptLimiter,
    discovery: Arc<Discoverer>,
    device_calls: Semaphore,
    max_body: usize,
    secure_cookie: bool,
    demo: bool,
    demo_mailbox: Option<crate::config::DemoMailbox>,
    demo_secrets: Option<crate::config::DemoSecrets>,
}

type Shared = Arc<App>;

/// Builds the whole router for `config`.
pub fn router(config: Config, pairing: Arc<crate::pairing::Pairing>) -> anyhow::Result<Router> {
    let tls = listen::needs_tls(&config);
    let origins = config
        .allowed_origins
        .iter()
        .map(|origin| browser_guard::embedding_origin(origin))
        .collect::<Result<Vec<_>, _>>()?;
    let guard = Arc::new(BrowserGuard::new(
        &config.listen_addrs(),
        &config.host_names,
        &origins,
        tls,
    ));
    let site = Arc::new(Site {
        files: WizardFiles::choose(config.dist.clone()),
        frame_ancestors: config.frame_ancestors.clone(),
    });
    let app = Arc::new(App::new(config, tls)?);

    let api = Router::new()
        .route("/health", get(health))
        .route("/device-profile", get(device_profile))
        .route("/devices", get(discover))
        .route("/devices/{ip}/{port}/{*path}", any(forward))
        .route("/probe/{ip}/{port}", get(probe))
        .route("/demo/mailbox", get(demo_mailbox))
        .route("/demo/secrets", get(demo_secrets))
        .route("/transcript", get(transcript))
        .fallback(no_such_call)
        .layer(middleware::from_fn_with_state(app.clone(), session))
        // Before a session is made: an unpaired LAN host can't fill the session table.
        .layer(middleware::from_fn_with_state(
            pairing,
            crate::pairing::check,
        ))
        .layer(middleware::from_fn_with_state(
            guard.clone(),
            browser_guard::check_api,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(app);

    // Only the wizard's files are compressed: API answers mix secrets with caller-chosen
    // text, the recipe for compression side channels.
    let files = Router::new()
        .fallback(site::serve)
        .with_state(site)
        .layer(CompressionLayer::new());

    Ok(Router::new()
        .nest("/api/v1", api)
        .merge(files)
        .layer(middleware::from_fn_with_state(
            guard,
            browser_guard::check_host,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp::NON_PAGE_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(middleware::from_fn(log_request)))
}

impl App {
    fn new(config: Config, tls: bool) -> anyhow::Result<Self> {
        let mut sadp_targets = vec![config.sadp_target];
        sadp_targets.extend(config.extra_sadp_targets.iter().copied());
        Ok(App {
            profile: config.device_profile.clone(),
            calls: AllowList::new(&config.device_profile),
            transcripts: Transcripts::new(config.device_profile.clone(), config.record.as_deref())
                .with_context(|| match &config.record {
                    Some(path) => format!("opening the transcript file {}", path.display()),
                    None => "keeping transcripts".to_string(),
                })?,
            targets: TargetPolicy {
                extra_ranges: config.allowed_device_ranges.clone(),
                exact: config.extra_devices.clone(),
                allow_loopback: config.allow_loopback_devices,
                own: config.listen_addrs(),
                own_addresses: crate::targets::OwnAddresses::system(),
            },
            devices: DeviceClient::new(
                config.connect_timeout,
                config.request_timeout,
                config.max_body,
            )?,
            pins: CertificatePins::default(),
            sessions: Sessions::new(config.session_idle),
            attempts: AttemptLimiter::new(
                config.attempt_window,
                config.attempts_per_client,
                config.attempts_per_device,
            ),
            discovery: Discoverer::new(DiscoverySettings {
                targets: sadp_targets,
                first_answers: config.discovery_window,
                scan: config.discovery_duration,
                refresh: config.discovery_refresh,
                forget: config.discovery_forget,
            }),
            device_calls: Semaphore::new(config.max_device_calls),
            max_body: config.max_body,
            secure_cookie: tls,
            demo: config.demo,
            demo_mailbox: config.demo_mailbox,
            demo_secrets: config.demo_secrets,
        })
    }
}

/// Logs each request's method, path and outcome; never queries, bodies or cookies.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        %path,
        status = response.status().as_u16(),
        millis = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

/// Resumes the browser's session or issues a new one: in an HttpOnly, SameSite=Strict cookie for
/// the wizard on this proxy's origin, or in the session header for a wizard on another origin that
/// asked for it with that header (its cross-site calls carry no cookie).
async fn session(State(app): State<Shared>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let by_header = headers
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let presented = match &by_header {
        Some(value) => SessionId::parse(value),
        None => SessionId::from_cookie_headers(
            headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok()),
        ),
    };
    let (id, new) = app.sessions.resume_or_start(presented);
    let issued = match (&by_header, new) {
        (Some(_), true) => HeaderValue::from_str(id.expose())
            .ok()
            .map(|v| (HeaderName::from_static(SESSION_HEADER), v)),
        (None, true) => HeaderValue::from_str(&id.set_cookie(app.secure_cookie))
            .ok()
            .map(|v| (header::SET_COOKIE, v)),
        (_, false) => None,
    };
    request.extensions_mut().insert(id);
    let mut response = next.run(request).await;
    if let Some((name, value)) = issued {
        response.headers_mut().append(name, value);
    }
    response
}

async fn health(State(app): State<Shared>) -> Json<Health> {
    Json(Health {
        version: env!("CARGO_PKG_VERSION").to_string(),
        api: API_VERSION,
        demo: app.demo,
    })
}

/// The device profile this helper runs with, so the wizard reads and sends what the operator
/// set (`--device-profile`), not only its built-in default.
async fn device_profile(State(app): State<Shared>) -> Json<protocol::profile::DeviceProfile> {
    Json(app.profile.clone())
}

#[derive(Deserialize)]
struct DiscoverQuery {
    #[serde(default)]
    refresh: Option<String>,
    /// How many devices the wizard already shows: answer once there are more.
    #[serde(default)]
    after: Option<usize>,
}

async fn discover(
    State(app): State<Shared>,
    Query(query): Query<DiscoverQuery>,
) -> Result<Json<Discovery>, ApiError> {
    let refresh = query.refresh.is_some_and(|r| r != "0");
    let snapshot = app.discovery.list(refresh, query.after).await?;
    Ok(Json(Discovery {
        devices: snapshot.devices,
        scanning: snapshot.scanning,
    }))
}

async fn demo_mailbox(State(app): State<Shared>) -> Result<Json<proxy_api::DemoMailbox>, ApiError> {
    let mailbox = app.demo_mailbox.as_ref().filter(|_| app.demo);
    let mailbox = mailbox.ok_or(ApiError::NotFound)?;
    Ok(Json(proxy_api::DemoMailbox {
        code: (mailbox.0)(),
    }))
}

/// `GET /api/v1/transcript`: this session's device exchange, redacted, as a file to save.
async fn transcript(
    State(app): State<Shared>,
    Extension(session): Extension<SessionId>,
) -> Response {
    let mut response = Json(app.transcripts.of(&session)).into_response();
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"reset-transcript.json\""),
    );
    response
}

/// `GET /api/v1/probe/{ip}/{port}`: the read-only field check of one device, as a file to save.
/// The address passes the same policy as a forwarded call, and the probe takes one of the
/// device-call slots; its exchanges join this session's transcript.
async fn probe(
    State(app): State<Shared>,
    Extension(session): Extension<SessionId>,
    Path((ip, port)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let device = app.targets.check(&ip, &port)?;
    let _slot = app.device_calls.try_acquire().map_err(|_| ApiError::Busy)?;
    let report = crate::probe::run(&app.devices, &app.targets, &app.profile, device, |raw| {
        app.transcripts.record(&session, raw)
    })
    .await;
    tracing::info!(%device, reachable = report.reachable, "probed");
    let mut response = Json(report).into_response();
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"reset-probe.json\""),
    );
    Ok(response)
}

async fn demo_secrets(State(app): State<Shared>) -> Result<Json<proxy_api::DemoSecrets>, ApiError> {
    let secrets = app.demo_secrets.as_ref().filter(|_| app.demo);
    let secrets = secrets.ok_or(ApiError::NotFound)?;
    Ok(Json((secrets.0)()))
}

async fn no_such_call() -> ApiError {
    ApiError::NotFound
}

/// `METHOD /api/v1/devices/{ip}/{port}/{device path}?{query}`: one allow-listed call.
async fn forward(
    State(app): State<Shared>,
    Extension(session): Extension<SessionId>,
    request: Request,
) -> Result<Json<Envelope>, ApiError> {
    let client = request
        .extensions()
        .get::<ConnectInfo<ClientAddr>>()
        .map(|ConnectInfo(ClientAddr(peer))| peer.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let (device, call, query) =
        parse_target(&app.targets, &app.calls, request.method(), request.uri())?;
    if call.needs_login && !app.sessions.device(&session, device).logged_in {
        return Err(ApiError::CallNotAllowed(format!(
            "{} {} before logging in to the device in this session",
            call.method, call.path
        )));
    }
    let (parts, body) = request.into_parts();
    let body = Limited::new(body, app.max_body)
        .collect()
        .await
        .map_err(|_| ApiError::RequestTooLarge)?
        .to_bytes();
    let content_type = body_type(&call, &parts.headers, &body)?;
    let authorization = call
        .passes_authorization
        .then(|| parts.headers.get(header::AUTHORIZATION).cloned())
        .flatten();

    // The slot first: a submission turned away because the proxy is busy costs no attempt.
    let _slot = app.device_calls.try_acquire().map_err(|_| ApiError::Busy)?;
    let attempt = if call.submission {
        Some(app.attempts.reserve(client, device.ip())?)
    } else {
        None
    };
    let path_and_query = match query.as_str() {
        "" => call.path.to_string(),
        query => format!("{}?{query}", call.path),
    };
    let request = || {
        let state = app.sessions.device(&session, device);
        DeviceRequest {
            method: call.method.clone(),
            path_and_query: path_and_query.clone(),
            content_type: content_type.clone(),
            body: body.clone(),
            cookie: state.cookie_header(),
            authorization: authorization.clone(),
        }
    };
    let link = Link {
        devices: &app.devices,
        sessions: &app.sessions,
        targets: &app.targets,
        pins: &app.pins,
        discovered: app.discovery.known(device),
    };
    let (answer, transport) = match link.exchange(&session, device, &call, request).await {
        Ok(answered) => answered,
        Err(err) => {
            if let Some(attempt) = attempt.filter(|_| !err.may_have_reached_device()) {
                app.attempts.refund(attempt);
            }
            return Err(err);
        }
    };
    tracing::info!(%device, call = %call.path, status = answer.status, "forwarded");
    app.transcripts.record(
        &session,
        &RawExchange {
            method: call.method.as_str(),
            path_and_query: &path_and_query,
            request_content_type: content_type.as_ref().and_then(|v| v.to_str().ok()),
            request_body: &body,
            authorization: authorization.as_ref().and_then(|v| v.to_str().ok()),
            status: answer.status,
            content_type: answer.content_type.as_deref(),
            response_body: &answer.body,
            set_cookies: &answer.set_cookies,
        },
    );
    let accepted = accepted(&answer);
    if let Some(attempt) = attempt.filter(|_| accepted) {
        app.attempts.refund(attempt);
    }
    let logged_in = accepted && call.method == Method::POST && call.path == paths::SESSION_LOGIN;
    app.sessions.update(&session, device, |state| {
        for cookie in &answer.set_cookies {
            state.store_cookie(cookie);
        }
        state.logged_in |= logged_in;
    });
    Ok(Json(Envelope {
        status: answer.status,
        content_type: answer.content_type,
        body: String::from_utf8_lossy(&answer.body).into_owned(),
        transport: Some(transport),
    }))
}

/// Whether the device took a submission: a 2xx answer whose body is not a failing status.
/// Some firmware answers a wrong code or password with HTTP 200 and the refusal only in the
/// body; refunding those would let a script past the limits and lock the device.
fn accepted(answer: &DeviceAnswer) -> bool {
    if !(200..300).contains(&answer.status) {
        return false;
    }
    match std::str::from_utf8(&answer.body) {
        // Not a status body at all (a login answer, say): the 2xx stands.
        Ok(body) => ResponseStatus::parse(body)
            .ok()
            .is_none_or(|status| status.is_ok()),
        Err(_) => false,
    }
}

/// Reads `/devices/{ip}/{port}/{device path}` from the raw, still-encoded URI, so that what is
/// checked is exactly what is sent: the device address under `targets`, the call under `calls`.
pub fn parse_target(
    targets: &TargetPolicy,
    calls: &AllowList,
    method: &Method,
    uri: &Uri,
) -> Result<(SocketAddr, AllowedCall, String), ApiError> {
    let rest = uri
        .path()
        .strip_prefix("/devices/")
        .ok_or_else(|| ApiError::CallNotAllowed(uri.path().to_string()))?;
    let mut parts = rest.splitn(3, '/');
    let (ip, port, path) = match (parts.next(), parts.next(), parts.next()) {
        (Some(ip), Some(port), Some(path)) => (ip, port, path),
        _ => return Err(ApiError::CallNotAllowed(uri.path().to_string())),
    };
    let device = targets.check(ip, port)?;
    let query = uri.query();
    let call = calls.check(method, &format!("/{path}"), query)?.clone();
    Ok((device, call, query.unwrap_or("").to_string()))
}

/// The Content-Type to forward: XML or JSON for calls with a body, nothing otherwise.
fn body_type(
    call: &AllowedCall,
    headers: &axum::http::HeaderMap,
    body: &Bytes,
) -> Result<Option<HeaderValue>, ApiError> {
    if body.is_empty() {
        return Ok(None);
    }
    if call.body == BodyKind::None {
        return Err(ApiError::BadRequestBody("this call takes no body".into()));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    // Forwarded as a fixed value: nothing the browser wrote reaches the device's headers.
    let forwarded = match essence.as_str() {
        "application/json" => "application/json",
        "application/xml" | "text/xml" => "application/xml",
        _ => {
            return Err(ApiError::BadRequestBody(format!(
                "the body must be XML or JSON, not {content_type:?}"
            )))
        }
    };
    Ok(Some(HeaderValue::from_static(forwarded)))
}
