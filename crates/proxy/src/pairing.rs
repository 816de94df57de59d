//! Pairing: a helper listening beyond loopback answers API calls only with the secret it printed
//! at start, so another host on the LAN can't spend a device's attempts, list serials and MACs,
//! or flood the session table. Loopback listeners need no secret, unless the operator asks.

use crate::connections::LocalAddr;
use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use protocol::proxy_api::PAIR_HEADER;
use std::net::SocketAddr;
use std::sync::Arc;

/// Which listeners want the pairing secret.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PairingPolicy {
    /// Those on any address but loopback (the default): loopback is this computer.
    #[default]
    LanListeners,
    /// Every listener, loopback too (a computer shared by several people).
    EveryListener,
}

impl PairingPolicy {
    /// Whether a request that arrived on `local` (the listener's address) needs the secret.
    pub fn applies_to(self, local: SocketAddr) -> bool {
        match self {
            PairingPolicy::LanListeners => !local.ip().is_loopback(),
            PairingPolicy::EveryListener => true,
        }
    }
}

/// The secret and where it is asked for.
pub struct Pairing {
    policy: PairingPolicy,
    secret: Option<String>,
}

impl std::fmt::Debug for Pairing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pairing")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl Pairing {
    /// A fresh secret when one of `listeners` needs it under `policy`, else none.
    pub fn new(policy: PairingPolicy, listeners: &[SocketAddr]) -> Self {
        let needed = listeners.iter().any(|addr| policy.applies_to(*addr));
        Pairing {
            policy,
            secret: needed.then(fresh_secret),
        }
    }

    /// The secret to print and put in the wizard's address, when any listener needs one.
    pub fn secret(&self) -> Option<&str> {
        self.secret.as_deref()
    }

    /// Whether requests arriving on the listener at `local` must carry the secret.
    pub fn wants(&self, local: SocketAddr) -> bool {
        self.policy.applies_to(local)
    }

    /// Whether a request that arrived on `local` and carries `presented` may go on.
    pub fn admits(&self, local: Option<SocketAddr>, presented: Option<&[u8]>) -> bool {
        // A request whose listener is unknown (never from a socket) is treated as from the LAN.
        let needed = local.is_none_or(|local| self.policy.applies_to(local));
        if !needed {
            return true;
        }
        match (&self.secret, presented) {
            (Some(secret), Some(presented)) => same_secret(secret.as_bytes(), presented),
            _ => false,
        }
    }
}

/// 32 random bytes as 64 hex characters: safe in a URL fragment and a header, and typed by no one.
fn fresh_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares in time that does not depend on where the first difference is.
fn same_secret(expected: &[u8], presented: &[u8]) -> bool {
    expected.len() == presented.len()
        && expected
            .iter()
            .zip(presented)
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// The API layer: refuses a call that needs the secret and lacks it, before any session is made.
pub async fn check(State(pairing): State<Arc<Pairing>>, request: Request, next: Next) -> Response {
    let local = request
        .extensions()
        .get::<LocalAddr>()
        .map(|LocalAddr(addr)| *addr);
    let presented = request.headers().get(PAIR_HEADER).map(|v| v.as_bytes());
    if !pairing.admits(local, presented) {
        return ApiError::PairingRequired.into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse().unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn a_lan_listener_wants_the_secret_and_loopback_does_not() {
        let pairing = Pairing::new(
            PairingPolicy::LanListeners,
            &[addr("127.0.0.1:8080"), addr("192.168.1.20:8443")],
        );
        let secret = pairing.secret().unwrap_or_default().to_string();
        assert_eq!(secret.len(), 64);
        let lan = Some(addr("192.168.1.20:8443"));
        assert!(!pairing.admits(lan, None));
        assert!(!pairing.admits(lan, Some(b"guess")));
        assert!(!pairing.admits(lan, Some(&secret.as_bytes()[..63])));
        assert!(pairing.admits(lan, Some(secret.as_bytes())));
        assert!(pairing.admits(Some(addr("127.0.0.1:8080")), None));
        assert!(pairing.admits(Some(addr("[::1]:8080")), None));
        assert!(!pairing.admits(Some(addr("0.0.0.0:8443")), None));
        assert!(
            !pairing.admits(None, None),
            "an unknown listener counts as the LAN"
        );
    }

    #[test]
    fn loopback_alone_needs_no_secret_unless_asked() {
        let loopback = [addr("127.0.0.1:8080"), addr("[::1]:8080")];
        assert_eq!(
            Pairing::new(PairingPolicy::LanListeners, &loopback).secret(),
            None
        );
        let every = Pairing::new(PairingPolicy::EveryListener, &loopback);
        assert!(every.secret().is_some());
        assert!(!every.admits(Some(loopback[0]), None));
    }

    #[test]
    fn every_start_makes_a_new_secret() {
        let lan = [addr("192.168.1.20:8443")];
        let first = Pairing::new(PairingPolicy::LanListeners, &lan);
        let second = Pairing::new(PairingPolicy::LanListeners, &lan);
        assert_ne!(first.secret(), second.secret());
    }
}
