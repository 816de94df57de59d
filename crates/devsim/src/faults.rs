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
/// `{"kind": "serverError"}`, `{"kind": "dropAnswer", "every": 2}`.
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
    /// The device acts on the request as usual, then closes the connection instead of
    /// answering: on the first request to the path and every `every`-th after it (1: always).
    /// A device on weak Wi-Fi, or one that closes a kept-alive connection under load; whether
    /// it acted, only a later read can tell.
    DropAnswer {
        /// Drop one answer in this many (0 counts as 1).
        every: u32,
    },
}

/// The faults in force, by request path (without the query), with how many requests each
/// path has seen since its fault was set (for faults that strike one request in N).
#[derive(Debug, Default)]
pub(crate) struct FaultTable {
    faults: Mutex<HashMap<String, (Fault, u64)>>,
}

impl FaultTable {
    /// Sets (`Some`) or clears (`None`) the fault on `path`.
    pub fn set(&self, path: &str, fault: Option<Fault>) {
        let mut faults = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        match fault {
            Some(fault) => faults.insert(path.to_owned(), (fault, 0)),
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

    /// The fault that strikes this request to `path`, counting it: a fault that strikes one
    /// request in N lets the others through untouched.
    pub fn strike(&self, path: &str) -> Option<Fault> {
        let mut faults = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        let (fault, seen) = faults.get_mut(path)?;
        let nth = *seen;
        *seen += 1;
        match *fault {
            Fault::DropAnswer { every } if nth % u64::from(every.max(1)) != 0 => None,
            fault => Some(fault),
        }
    }

    /// Every fault in force, for `/devsim/state`.
    pub fn all(&self) -> HashMap<String, Fault> {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(path, (fault, _))| (path.clone(), *fault))
            .collect()
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
            Fault::Delay { .. } | Fault::Truncated | Fault::Reset | Fault::DropAnswer { .. } => {
                None
            }
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
    fn a_dropped_answer_strikes_one_request_in_n() {
        let fault: Fault =
            serde_json::from_str(r#"{"kind":"dropAnswer","every":2}"#).unwrap_or(Fault::Reset);
        assert_eq!(fault, Fault::DropAnswer { every: 2 });
        let table = FaultTable::default();
        table.set("/ISAPI/Security/capabilities", Some(fault));
        let struck: Vec<bool> = (0..5)
            .map(|_| table.strike("/ISAPI/Security/capabilities").is_some())
            .collect();
        assert_eq!(struck, [true, false, true, false, true]);
        assert_eq!(table.strike("/SDK/activateStatus"), None);
        table.set("/x", Some(Fault::DropAnswer { every: 0 }));
        assert!((0..3).all(|_| table.strike("/x").is_some()));
    }

    #[test]
    fn a_cleared_fault_is_gone() {
        let table = FaultTable::default();
        table.set("/SDK/activateStatus", Some(Fault::Html));
        assert_eq!(table.strike("/SDK/activateStatus"), Some(Fault::Html));
        table.set("/SDK/activateStatus", None);
        assert_eq!(table.strike("/SDK/activateStatus"), None);
        assert!(table.all().is_empty());
    }
}
