//! Wizard sessions: an opaque id the proxy issues in an HttpOnly cookie, and what the proxy keeps
//! under it per device (its cookies, the certificate it first showed, whether it wants HTTPS).

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use protocol::proxy_api::SESSION_COOKIE;

/// Sessions beyond this many push out the least recently used (a flood can't exhaust memory).
const MAX_SESSIONS: usize = 4096;

/// An opaque session id (64 hex characters). Its `Debug` never shows it, so logs can't leak it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SessionId(String);

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionId(…)")
    }
}

impl SessionId {
    fn random() -> Self {
        let bytes: [u8; 32] = rand::random();
        SessionId(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The `Set-Cookie` value issuing this id; `secure` when served over TLS.
    pub fn set_cookie(&self, secure: bool) -> String {
        let secure = if secure { "; Secure" } else { "" };
        format!(
            "{SESSION_COOKIE}={}; Path=/api; HttpOnly; SameSite=Strict{secure}",
            self.0
        )
    }

    /// Finds the session cookie in a `Cookie` header.
    pub fn from_cookie_header(header: &str) -> Option<SessionId> {
        header.split(';').find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == SESSION_COOKIE).then(|| SessionId::parse(value))?
        })
    }

    /// An id as the wizard presents it in the session header (64 hex characters, nothing else).
    pub fn parse(value: &str) -> Option<SessionId> {
        let well_formed = value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit());
        well_formed.then(|| SessionId(value.to_string()))
    }

    /// The id itself, for the session header of a wizard on another origin.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// What the proxy remembers about one device within one session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceState {
    /// The device's cookies (name, value), sent back to it and never to the browser.
    pub cookies: Vec<(String, String)>,
    /// The HTTPS port, once the device asked for HTTPS.
    pub https_port: Option<u16>,
    /// SHA-256 of the certificate the device showed first.
    pub pinned_certificate: Option<[u8; 32]>,
}

impl DeviceState {
    /// The `Cookie` header for the device, if it set any.
    pub fn cookie_header(&self) -> Option<String> {
        (!self.cookies.is_empty()).then(|| {
            self.cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    /// Takes in one `Set-Cookie` value (attributes ignored; `Max-Age=0` deletes).
    pub fn store_cookie(&mut self, set_cookie: &str) {
        let mut parts = set_cookie.split(';');
        let Some((name, value)) = parts.next().and_then(|pair| pair.trim().split_once('=')) else {
            return;
        };
        let (name, value) = (name.trim().to_string(), value.trim().to_string());
        let deleted = parts.any(|attr| attr.trim().eq_ignore_ascii_case("max-age=0"));
        self.cookies.retain(|(n, _)| *n != name);
        if !deleted && self.cookies.len() < 16 {
            self.cookies.push((name, value));
        }
    }
}

struct Session {
    last_used: Instant,
    devices: HashMap<SocketAddr, DeviceState>,
}

/// All live sessions, expiring after a period without use.
pub struct Sessions {
    idle: Duration,
    live: Mutex<HashMap<SessionId, Session>>,
}

impl Sessions {
    /// An empty store whose sessions expire after `idle` without use.
    pub fn new(idle: Duration) -> Self {
        Sessions {
            idle,
            live: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SessionId, Session>> {
        // A panic elsewhere while holding the lock leaves plain data behind: keep using it.
        self.live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The live session named by the browser, or a new one (`true` when new).
    pub fn resume_or_start(&self, presented: Option<SessionId>) -> (SessionId, bool) {
        let now = Instant::now();
        let mut live = self.lock();
        if let Some(id) = presented {
            if let Some(session) = live.get_mut(&id) {
                if now.duration_since(session.last_used) < self.idle {
                    session.last_used = now;
                    return (id, false);
                }
                live.remove(&id);
            }
        }
        live.retain(|_, session| now.duration_since(session.last_used) < self.idle);
        if live.len() >= MAX_SESSIONS {
            if let Some(oldest) = live
                .iter()
                .min_by_key(|(_, s)| s.last_used)
                .map(|(id, _)| id.clone())
            {
                live.remove(&oldest);
            }
        }
        let id = SessionId::random();
        live.insert(
            id.clone(),
            Session {
                last_used: now,
                devices: HashMap::new(),
            },
        );
        (id, true)
    }

    /// What the session knows about `device` (nothing yet is the default).
    pub fn device(&self, id: &SessionId, device: SocketAddr) -> DeviceState {
        self.lock()
            .get(id)
            .and_then(|session| session.devices.get(&device).cloned())
            .unwrap_or_default()
    }

    /// Changes what the session knows about `device`.
    pub fn update(
        &self,
        id: &SessionId,
        device: SocketAddr,
        change: impl FnOnce(&mut DeviceState),
    ) {
        if let Some(session) = self.lock().get_mut(id) {
            change(session.devices.entry(device).or_default());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_presented_session_is_resumed_and_an_unknown_one_replaced() {
        let sessions = Sessions::new(Duration::from_secs(60));
        let (id, new) = sessions.resume_or_start(None);
        assert!(new);
        assert_eq!(
            sessions.resume_or_start(Some(id.clone())),
            (id.clone(), false)
        );
        let forged = SessionId("0".repeat(64));
        let (other, new) = sessions.resume_or_start(Some(forged.clone()));
        assert!(new);
        assert_ne!(other, forged);
    }

    #[test]
    fn the_cookie_is_http_only_and_strict() {
        let (id, _) = Sessions::new(Duration::from_secs(1)).resume_or_start(None);
        let cookie = id.set_cookie(true);
        assert!(
            cookie.contains("HttpOnly; SameSite=Strict; Secure"),
            "{cookie}"
        );
        let header = format!("a=b; {}", cookie.split(';').next().unwrap_or_default());
        assert_eq!(SessionId::from_cookie_header(&header), Some(id));
        assert_eq!(SessionId::from_cookie_header("reset_session=../x"), None);
    }

    #[test]
    fn device_cookies_are_replaced_and_deleted() {
        let mut state = DeviceState::default();
        state.store_cookie("WebSession_1=abc; Path=/; HttpOnly");
        state.store_cookie("lang=en");
        state.store_cookie("WebSession_1=def");
        assert_eq!(
            state.cookie_header().as_deref(),
            Some("lang=en; WebSession_1=def")
        );
        state.store_cookie("lang=; Max-Age=0");
        assert_eq!(state.cookie_header().as_deref(), Some("WebSession_1=def"));
    }
}
