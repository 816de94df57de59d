//! Fault injection per endpoint path: delays, garbage, HTML pages, truncated bodies, resets, 500s.
//! Applied around the router, below HTTP, so a "reset" really resets the TCP connection.

use axum::body::Body;
use axum::http::header::CONTENT_TYPE;
use axum::http::{Response, StatusCode};
use protocol::isapi::{ResponseStatus, StatusKind};
use protocol::XmlNamespace;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// What goes wrong on one endpoint, until cleared. JSON: `{"kind": "delay", "ms": 1500}`,
/// `{"kind": "garbage"}`, `{"kind": "html"}`, `{"kind": "truncated"}`, `{"kind": "reset"}`,
/// `{"kind": "serverError"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Fault {
    /// Answer normally, but only after `ms` milliseconds.
    Delay {
        /// The delay in milliseconds.
        ms: u64,
    },
    /// Random bytes (not UTF-8) under the usual content type.
    Garbage,
    /// An HTML page with HTTP 200 where XML or JSON was expected.
    Html,
    /// The real answer cut in half, with HTTP framing that matches the cut.
    Truncated,
    /// The TCP connection is reset before any answer.
    Reset,
    /// HTTP 500 with a `Device Error` status body.
    ServerError,
}

/// The faults in force, by request path (without the query).
#[derive(Debug, Default)]
pub(crate) struct FaultTable {
    faults: Mutex<HashMap<String, Fault>>,
}

impl FaultTable {
    /// Sets (`Some`) or clears (`None`) the fault on `path`.
    pub fn set(&self, path: &str, fault: Option<Fault>) {
        let mut faults = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        match fault {
            Some(fault) => faults.insert(path.to_owned(), fault),
            None => faults.remove(path),
        };
    }

    /// Clears every fault.
    pub fn clear(&self) {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// The fault on `path`, if any.
    pub fn get(&self, path: &str) -> Option<Fault> {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .copied()
    }

    /// Every fault in force, for `/devsim/state`.
    pub fn all(&self) -> HashMap<String, Fault> {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Fault {
    /// How long to wait before answering.
    pub fn delay(self) -> Option<Duration> {
        match self {
            Fault::Delay { ms } => Some(Duration::from_millis(ms)),
            _ => None,
        }
    }

    /// The answer that replaces the real one, for faults that need no real answer.
    pub fn replacement(self, namespace: XmlNamespace) -> Option<Response<Body>> {
        match self {
            Fault::Garbage => {
                let mut rng = rand::rng();
                let len = rng.random_range(64..512);
                // 0xff never occurs in UTF-8, so the body can never be read as text.
                let mut bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
                bytes.insert(0, 0xff);
                Some(answer(StatusCode::OK, "application/xml", bytes))
            }
            Fault::Html => Some(answer(
                StatusCode::OK,
                "text/html; charset=UTF-8",
                b"<!DOCTYPE html><html><head><title>Login</title></head>\
                  <body><script>location.href='/doc/page/login.asp'</script></body></html>"
                    .to_vec(),
            )),
            Fault::ServerError => {
                let status = ResponseStatus::new(StatusKind::DeviceError);
                Some(answer(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "application/xml; charset=\"UTF-8\"",
                    status.to_xml_with(namespace).into_bytes(),
                ))
            }
            Fault::Delay { .. } | Fault::Truncated | Fault::Reset => None,
        }
    }
}

/// Cuts a whole answer to its first half, keeping status and headers but fixing the length.
pub(crate) async fn truncate(response: Response<Body>) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(half))
}

fn answer(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        axum::http::HeaderValue::from_static(content_type),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_read_from_the_documented_json() {
        let fault: Fault =
            serde_json::from_str(r#"{"kind":"delay","ms":1500}"#).unwrap_or(Fault::Reset);
        assert_eq!(fault, Fault::Delay { ms: 1500 });
        let fault: Fault =
            serde_json::from_str(r#"{"kind":"serverError"}"#).unwrap_or(Fault::Reset);
        assert_eq!(fault, Fault::ServerError);
    }

    #[test]
    fn a_cleared_fault_is_gone() {
        let table = FaultTable::default();
        table.set("/SDK/activateStatus", Some(Fault::Html));
        assert_eq!(table.get("/SDK/activateStatus"), Some(Fault::Html));
        table.set("/SDK/activateStatus", None);
        assert_eq!(table.get("/SDK/activateStatus"), None);
    }
}
