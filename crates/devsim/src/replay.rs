//! Replay: act as the device a support transcript recorded, so a flow that went wrong on a real
//! device can be run again against devsim. The rules are in the crate docs ("Replay").

use crate::state::Device;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine as _;
use protocol::isapi::{ResponseStatus, StatusKind, SubStatus};
use protocol::transcript::{fill, fits, Placeholder, SecretKind, Transcript};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Requests kept in the report's lists, so a looping client cannot grow them without bound.
const MAX_REPORTED: usize = 64;

/// What `GET /devsim/replay` reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct ReplayReport {
    /// Exchanges in the transcript.
    pub exchanges: usize,
    /// The next exchange a request may be answered from.
    pub cursor: usize,
    /// Requests answered from the transcript.
    pub answered: u32,
    /// Requests no exchange had the method and path of (`METHOD /path`).
    pub unmatched: Vec<String>,
    /// Requests answered whose body did not fit the recorded one (`METHOD /path`).
    pub mismatched: Vec<String>,
}

struct Replayer {
    transcript: Arc<Transcript>,
    state: Mutex<ReplayState>,
}

#[derive(Default)]
struct ReplayState {
    report: ReplayReport,
    /// The value given to each placeholder of each recorded session.
    values: HashMap<(u32, Placeholder), String>,
}

type App = (Arc<Replayer>, Arc<Device>);

/// The replaying router: `/devsim/replay` and the usual controls that make sense, everything
/// else answered from the transcript.
pub(crate) fn router(transcript: Arc<Transcript>, device: Arc<Device>) -> Router {
    let replayer = Arc::new(Replayer {
        state: Mutex::new(ReplayState {
            report: ReplayReport {
                exchanges: transcript.exchanges.len(),
                ..ReplayReport::default()
            },
            ..ReplayState::default()
        }),
        transcript,
    });
    Router::new()
        .route("/devsim/replay", get(report))
        .route("/devsim/mailbox", get(mailbox))
        .fallback(answer)
        .with_state((replayer, device))
}

async fn report(State((replayer, _)): State<App>) -> Response {
    Json(replayer.lock().report.clone()).into_response()
}

/// In replay, any code goes: the mailbox offers the value of the transcript's first code.
async fn mailbox(State((replayer, device)): State<App>) -> Response {
    if !device.mailbox {
        return (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"error": "the demo mailbox is off"})),
        )
            .into_response();
    }
    let first = Placeholder {
        kind: SecretKind::Code,
        n: 1,
    };
    let mut state = replayer.lock();
    let code = state.value(0, first);
    Json(serde_json::json!({
        "code": code,
        "demo": "Replayed device: it accepts whatever code the recording accepted.",
    }))
    .into_response()
}

impl Replayer {
    fn lock(&self) -> std::sync::MutexGuard<'_, ReplayState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl ReplayState {
    /// The value standing for `placeholder` in recorded session `session`, made on first use.
    fn value(&mut self, session: u32, placeholder: Placeholder) -> String {
        self.values
            .entry((session, placeholder))
            .or_insert_with(|| generate(placeholder.kind))
            .clone()
    }

    fn note(list: &mut Vec<String>, what: String) {
        if list.len() < MAX_REPORTED {
            list.push(what);
        }
    }
}

async fn answer(
    State((replayer, device)): State<App>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let exchanges = &replayer.transcript.exchanges;
    let mut state = replayer.lock();
    let same = |i: &usize| {
        let e = &exchanges[*i];
        e.method.eq_ignore_ascii_case(method.as_str()) && e.path_only() == path
    };
    let cursor = state.report.cursor;
    // The next matching exchange at or after the cursor; else the last one before it again
    // (a client re-reading capabilities); else nothing.
    let found = (cursor..exchanges.len())
        .find(same)
        .map(|i| (i, true))
        .or_else(|| (0..cursor).rev().find(same).map(|i| (i, false)));
    let Some((index, forward)) = found else {
        ReplayState::note(&mut state.report.unmatched, format!("{method} {path}"));
        let mut status = ResponseStatus::with_sub_status(
            StatusKind::InvalidOperation,
            &SubStatus::Other("notSupport".into()),
            &device.details,
        );
        status.request_url = Some(path.to_owned());
        return (
            StatusCode::NOT_FOUND,
            [(CONTENT_TYPE, "application/xml")],
            status.to_xml_with(device.style.namespace),
        )
            .into_response();
    };
    if forward {
        state.report.cursor = index + 1;
    }
    state.report.answered += 1;
    let exchange = &exchanges[index];
    let sent = String::from_utf8_lossy(&body);
    if !fits(&exchange.request_body, &sent) {
        ReplayState::note(&mut state.report.mismatched, format!("{method} {path}"));
    }
    let session = exchange.session;
    let body = fill(&exchange.response_body, |p| state.value(session, p));
    let cookies: Vec<String> = exchange
        .set_cookies
        .iter()
        .map(|c| fill(c, |p| state.value(session, p)))
        .collect();
    drop(state);
    let status = StatusCode::from_u16(exchange.status).unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    if let Some(kind) = exchange
        .content_type
        .as_deref()
        .and_then(|c| HeaderValue::from_str(c).ok())
    {
        response.headers_mut().insert(CONTENT_TYPE, kind);
    }
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&format!("{cookie}; path=/; HttpOnly")) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

/// A fresh value of the kind a placeholder stands for, shaped as devices send it.
fn generate(kind: SecretKind) -> String {
    let mut rng = rand::rng();
    let hex = |len: usize| -> String {
        (0..len)
            .map(|_| char::from_digit(rand::rng().random_range(0..16), 16).unwrap_or('0'))
            .collect()
    };
    match kind {
        SecretKind::Session | SecretKind::Challenge | SecretKind::Nonce => hex(32),
        SecretKind::Salt => hex(64).to_ascii_uppercase(),
        SecretKind::Password => format!("Replay-{}", hex(8)),
        SecretKind::Code => (0..10)
            .map(|_| char::from(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[rng.random_range(0..32)]))
            .collect(),
        SecretKind::Answer => format!("answer {}", hex(6)),
        SecretKind::Qr => {
            let bytes: Vec<u8> = (0..96).map(|_| rng.random()).collect();
            base64::engine::general_purpose::STANDARD.encode(bytes)
        }
        SecretKind::Guid => format!("HIKVISION GUID FILE\nserial=REPLAYED\nguid={}\n", hex(32)),
        SecretKind::Email => "r****@example.com".into(),
        SecretKind::Blob => String::new(),
    }
}
