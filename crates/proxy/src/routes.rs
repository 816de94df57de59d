//! The proxy's router, read top to bottom: the API under `/api/v1`, the wizard's files elsewhere.

use crate::config::Config;
use crate::discovery;
use crate::error::ApiError;
use crate::forward::DeviceClient;
use crate::targets;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use protocol::proxy_api::{Discovery, Envelope, Health, API_HEADER, API_VERSION};
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

struct AppState {
    config: Config,
    devices: DeviceClient,
}

type Shared = Arc<AppState>;

/// Builds the whole router for `config`.
pub fn router(config: Config) -> anyhow::Result<Router> {
    let devices = DeviceClient::new(config.connect_timeout, config.request_timeout);
    let dist = config.dist.clone();
    let state = Arc::new(AppState { config, devices });

    let api = Router::new()
        .route("/health", get(health))
        .route("/devices", get(discover))
        .route("/devices/{ip}/{port}/{*path}", any(forward))
        .layer(middleware::from_fn(require_api_header))
        .with_state(state);

    let site = match dist {
        Some(dir) => {
            let index = dir.join("index.html");
            // Unknown paths are the wizard's step URLs: answer them with the app.
            Router::new().fallback_service(ServeDir::new(&dir).fallback(ServeFile::new(index)))
        }
        None => Router::new().fallback(not_built),
    };

    Ok(Router::new()
        .nest("/api/v1", api)
        .merge(site)
        .layer(SetResponseHeaderLayer::overriding(
            axum::http::header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            axum::http::header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        )))
}

/// A custom header cannot be sent cross-site without a CORS preflight, which this proxy
/// never grants: so links, forms and image tags on other pages cannot drive the API.
async fn require_api_header(request: Request, next: Next) -> Response {
    if request.headers().get(API_HEADER).is_none() {
        return ApiError::MissingHeader.into_response();
    }
    next.run(request).await
}

async fn health(State(state): State<Shared>) -> Json<Health> {
    Json(Health {
        version: env!("CARGO_PKG_VERSION").to_string(),
        api: API_VERSION,
        demo: state.config.demo,
    })
}

async fn discover(State(state): State<Shared>) -> Result<Json<Discovery>, ApiError> {
    let devices =
        discovery::discover(state.config.sadp_target, state.config.discovery_window).await?;
    Ok(Json(Discovery { devices }))
}

async fn forward(
    State(state): State<Shared>,
    Path((ip, port, path)): Path<(String, String, String)>,
    method: Method,
    request: Request,
) -> Result<Json<Envelope>, ApiError> {
    let device = targets::check_target(&ip, &port, &state.config.extra_devices)?;
    let path = format!("/{path}");
    let query = targets::check_call(&method, &path, request.uri().query())?;
    let envelope = state.devices.call(device, method, &path, &query).await?;
    Ok(Json(envelope))
}

async fn not_built() -> impl IntoResponse {
    Html(
        "<!doctype html><title>Wizard not built</title>\
         <p>reset-proxy is running, but no built wizard was given. \
         Run <code>cargo xtask demo</code>, or pass <code>--dist DIR</code>.</p>",
    )
}
