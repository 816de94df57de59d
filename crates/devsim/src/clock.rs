//! The device's injectable clock: real time plus an offset tests can advance.
//! Code validity, locks and booting all read this clock, so 48 hours pass in a test instantly.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Real monotonic time, moved forward by whatever [`Clock::advance`] added.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset: Mutex<Duration>,
}

impl Clock {
    /// The device's "now".
    pub fn now(&self) -> Instant {
        Instant::now() + self.offset()
    }

    /// Moves the device's time forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut offset = self.offset.lock().unwrap_or_else(|e| e.into_inner());
        *offset = offset.saturating_add(by);
    }

    fn offset(&self) -> Duration {
        *self.offset.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now_forward() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now() >= before + Duration::from_secs(3600));
    }
}
