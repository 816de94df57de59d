//! Wizard sessions: an opaque id the proxy issues in an HttpOnly cookie, and what the proxy keeps
//! under it per device (its cookies, the certificate it first showed, where it serves HTTPS).

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use protocol::proxy_api::SESSION_COOKIE;

/// Sessions beyond this many push out the least recently used (a flood can't exhaust memory).
const MAX_SESSIONS: usize = 4096;
/// Cookies kept per device (devices set one or two); more are ignored.
const MAX_DEVICE_COOKIES: usize = 8;
/// The longest device cookie kept, name and value together (a session id is well under 100
/// bytes); a longer one is ignored.
const MAX_COOKIE_LEN: usize = 512;
/// Devices remembered per session; one more pushes out the least recently used (an installer's
/// batch works on one device at a time).
const MAX_DEVICES_PER_SESSION: usize = 16;

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
        Self::from_cookie_headers([header])
    }

    /// The session a request's `Cookie` headers name: `None` when none does, or when more than
    /// one session cookie is present. Cookies do not keep ports apart, so a page on another port
    /// of this host can plant one beside the proxy's own; which is which can't be told, so the
    /// request gets a fresh session instead of either.
    pub fn from_cookie_headers<'a>(
        headers: impl IntoIterator<Item = &'a str>,
    ) -> Option<SessionId> {
        let mut values = headers
            .into_iter()
            .flat_map(|header| header.split(';'))
            .filter_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name.trim() == SESSION_COOKIE).then_some(value)
            });
        let first = values.next()?;
        match values.next() {
            Some(_) => None,
            None => SessionId::parse(first.trim()),
        }
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
    /// The HTTPS port, once the device asked for HTTPS or answered over it.
    pub https_port: Option<u16>,
    /// Whether HTTPS on the default port was tried in this session and nothing answered there
    /// (not tried again: a device without HTTPS costs one connection attempt per session).
    pub https_absent: bool,
    /// SHA-256 of the certificate the device showed first.
    pub pinned_certificate: Option<[u8; 32]>,
    /// Whether the device accepted a `sessionLogin` in this session (2xx, no failing status):
    /// what opens the logged-in writes, not merely a cookie it set.
    pub logged_in: bool,
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
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() || name.len() + value.len() > MAX_COOKIE_LEN {
            return;
        }
        let (name, value) = (name.to_string(), value.to_string());
        let deleted = parts.any(|attr| attr.trim().eq_ignore_ascii_case("max-age=0"));
        self.cookies.retain(|(n, _)| *n != name);
        if !deleted && self.cookies.len() < MAX_DEVICE_COOKIES {
            self.cookies.push((name, value));
        }
    }
}

struct Session {
    last_used: Instant,
    /// Each device's state and when this session last asked about it (by `uses`).
    devices: HashMap<SocketAddr, (DeviceState, u64)>,
    /// Counts the session's device look-ups, to tell which device went unused longest.
    uses: u64,
}

impl Session {
    fn next_use(&mut self) -> u64 {
        self.uses += 1;
        self.uses
    }
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
                uses: 0,
            },
        );
        (id, true)
    }

    /// What the session knows about `device` (nothing yet is the default).
    pub fn device(&self, id: &SessionId, device: SocketAddr) -> DeviceState {
        let mut live = self.lock();
        let Some(session) = live.get_mut(id) else {
            return DeviceState::default();
        };
        let now = session.next_use();
        match session.devices.get_mut(&device) {
            Some((state, used)) => {
                *used = now;
                state.clone()
            }
            None => DeviceState::default(),
        }
    }

    /// Changes what the session knows about `device`.
    pub fn update(
        &self,
        id: &SessionId,
        device: SocketAddr,
        change: impl FnOnce(&mut DeviceState),
    ) {
        let mut live = self.lock();
        let Some(session) = live.get_mut(id) else {
            return;
        };
        if !session.devices.contains_key(&device)
            && session.devices.len() >= MAX_DEVICES_PER_SESSION
        {
            let oldest = session
                .devices
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(addr, _)| *addr);
            if let Some(oldest) = oldest {
                session.devices.remove(&oldest);
            }
        }
        let now = session.next_use();
        let (state, used) = session
            .devices
            .entry(device)
            .or_insert_with(|| (DeviceState::default(), now));
        *used = now;
        change(state);
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
        let twice = format!("{header}; {}", header.trim_start_matches("a=b; "));
        assert_eq!(SessionId::from_cookie_header(&twice), None);
        assert_eq!(
            SessionId::from_cookie_headers([header.as_str(), header.as_str()]),
            None
        );
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

    #[test]
    fn device_cookies_are_capped_in_length_and_count() {
        let mut state = DeviceState::default();
        state.store_cookie(&format!("huge={}", "x".repeat(MAX_COOKIE_LEN)));
        assert_eq!(
            state.cookie_header(),
            None,
            "an overlong cookie is not kept"
        );
        for n in 0..100 {
            state.store_cookie(&format!("c{n}=v{n}"));
        }
        assert_eq!(state.cookies.len(), MAX_DEVICE_COOKIES);
        // A cookie the device already set can still be renewed when the jar is full.
        state.store_cookie("c0=renewed");
        assert!(state
            .cookies
            .contains(&("c0".to_string(), "renewed".to_string())));
    }

    #[test]
    fn a_session_keeps_a_bounded_number_of_devices_dropping_the_least_recently_used() {
        let sessions = Sessions::new(Duration::from_secs(60));
        let (id, _) = sessions.resume_or_start(None);
        let device = |n: u16| SocketAddr::from(([192, 168, 1, 64], 8000 + n));
        for n in 0..200 {
            sessions.update(&id, device(n), |state| state.https_port = Some(443));
            // The first device stays in use throughout.
            assert_eq!(sessions.device(&id, device(0)).https_port, Some(443));
        }
        let kept = (0..200)
            .filter(|n| sessions.device(&id, device(*n)).https_port.is_some())
            .count();
        assert_eq!(kept, MAX_DEVICES_PER_SESSION);
        assert_eq!(sessions.device(&id, device(0)).https_port, Some(443));
        assert_eq!(sessions.device(&id, device(199)).https_port, Some(443));
        assert_eq!(sessions.device(&id, device(1)).https_port, None);
    }
}
