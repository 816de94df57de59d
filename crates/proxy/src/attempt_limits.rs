//! Limits on code, answer and password submissions per client and per device, kept well under
//! the device's own lockout so a guessing script is stopped long before the device locks.

use crate::error::ApiError;
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Client(IpAddr),
    Device(IpAddr),
}

/// A submission counted against both limits until it is refunded.
#[derive(Debug)]
pub struct Attempt {
    ticket: u64,
    client: IpAddr,
    device: IpAddr,
}

/// Sliding-window counters of recent submissions.
pub struct AttemptLimiter {
    window: Duration,
    per_client: usize,
    per_device: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    next_ticket: u64,
    recent: HashMap<Key, VecDeque<(u64, Instant)>>,
}

impl AttemptLimiter {
    /// Allows `per_client` and `per_device` submissions within any `window`.
    pub fn new(window: Duration, per_client: usize, per_device: usize) -> Self {
        AttemptLimiter {
            window,
            per_client,
            per_device,
            state: Mutex::new(State::default()),
        }
    }

    /// Counts one submission from `client` to `device`, or says how long to wait.
    /// Counting happens before forwarding, so parallel requests can't slip past the limit.
    pub fn reserve(&self, client: IpAddr, device: IpAddr) -> Result<Attempt, ApiError> {
        let client = client_key(client);
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = Duration::ZERO;
        for (key, limit) in [
            (Key::Client(client), self.per_client),
            (Key::Device(device), self.per_device),
        ] {
            let recent = state.recent.entry(key).or_default();
            while recent
                .front()
                .is_some_and(|(_, at)| now.duration_since(*at) >= self.window)
            {
                recent.pop_front();
            }
            if recent.len() >= limit {
                let oldest = recent.front().map(|(_, at)| *at).unwrap_or(now);
                wait = wait.max(self.window.saturating_sub(now.duration_since(oldest)));
            }
        }
        if state.recent.len() > 10_000 {
            state.recent.retain(|_, recent| !recent.is_empty());
        }
        if wait > Duration::ZERO {
            return Err(ApiError::TooManyAttempts {
                retry_after: wait.as_secs().max(1),
            });
        }
        state.next_ticket += 1;
        let ticket = state.next_ticket;
        for key in [Key::Client(client), Key::Device(device)] {
            state
                .recent
                .entry(key)
                .or_default()
                .push_back((ticket, now));
        }
        Ok(Attempt {
            ticket,
            client,
            device,
        })
    }

    /// Takes back a submission the device accepted: only failures should use up the budget.
    pub fn refund(&self, attempt: Attempt) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        for key in [Key::Client(attempt.client), Key::Device(attempt.device)] {
            if let Some(recent) = state.recent.get_mut(&key) {
                recent.retain(|(ticket, _)| *ticket != attempt.ticket);
            }
        }
    }
}

/// The address a client's budget is kept under: an IPv6 client by its /64, since one host
/// usually holds a whole /64 and may send from any address in it; an IPv4-mapped address as
/// the IPv4 client it is.
pub fn client_key(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX))),
        },
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
    const CAMERA: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 64));
    const NVR: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 65));

    #[test]
    fn a_fourth_wrong_code_for_one_device_waits() {
        let limiter = AttemptLimiter::new(Duration::from_secs(1800), 10, 3);
        for _ in 0..3 {
            assert!(limiter.reserve(CLIENT, CAMERA).is_ok());
        }
        match limiter.reserve(CLIENT, CAMERA) {
            Err(ApiError::TooManyAttempts { retry_after }) => {
                assert!((1790..=1800).contains(&retry_after), "{retry_after}")
            }
            other => panic!("expected a wait, got {other:?}"),
        }
        assert!(limiter.reserve(CLIENT, NVR).is_ok());
    }

    #[test]
    fn one_client_is_limited_across_devices() {
        let limiter = AttemptLimiter::new(Duration::from_secs(60), 2, 3);
        assert!(limiter.reserve(CLIENT, CAMERA).is_ok());
        assert!(limiter.reserve(CLIENT, NVR).is_ok());
        assert!(limiter.reserve(CLIENT, CAMERA).is_err());
    }

    #[test]
    fn ipv6_clients_share_one_budget_per_64() {
        let limiter = AttemptLimiter::new(Duration::from_secs(60), 2, 10);
        let ip = |text: &str| text.parse::<IpAddr>().unwrap_or_else(|_| unreachable!());
        assert!(limiter.reserve(ip("2001:db8:1:2::1"), CAMERA).is_ok());
        assert!(limiter
            .reserve(ip("2001:db8:1:2:ffff:ffff:ffff:fffe"), NVR)
            .is_ok());
        assert!(
            limiter.reserve(ip("2001:db8:1:2::99"), CAMERA).is_err(),
            "another address in the same /64 is the same client"
        );
        assert!(limiter.reserve(ip("2001:db8:1:3::1"), CAMERA).is_ok());
        // An IPv4 client seen through an IPv4-mapped address is the same client.
        let limiter = AttemptLimiter::new(Duration::from_secs(60), 1, 10);
        assert!(limiter.reserve(ip("192.0.2.7"), CAMERA).is_ok());
        assert!(limiter.reserve(ip("::ffff:192.0.2.7"), NVR).is_err());
    }

    #[test]
    fn accepted_submissions_are_refunded() {
        let limiter = AttemptLimiter::new(Duration::from_secs(60), 10, 1);
        let attempt = limiter
            .reserve(CLIENT, CAMERA)
            .unwrap_or_else(|_| unreachable!());
        limiter.refund(attempt);
        assert!(limiter.reserve(CLIENT, CAMERA).is_ok());
    }
}
