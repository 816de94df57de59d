//! How long an e-mailed reset code lives and when a device locks itself after wrong tries.
//! Seen facts from the notes, kept here so the wizard's messages and devsim's behaviour agree.

use serde::{Deserialize, Serialize};

/// How long a reset code stays valid after its QR code was exported: 48 hours [seen].
pub const RESET_CODE_VALID_FOR_SECS: u64 = 48 * 60 * 60;

/// When a device locks itself: after `max_attempts` wrong tries, for `lock_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockPolicy {
    /// Wrong tries allowed before the lock.
    pub max_attempts: u32,
    /// How long the lock lasts, in seconds.
    pub lock_seconds: u32,
}

impl LockPolicy {
    /// The usual policy: 5 tries, then 1800 s [seen].
    pub const DEFAULT: LockPolicy = LockPolicy {
        max_attempts: 5,
        lock_seconds: 1800,
    };

    /// What some DVRs use instead: 7 tries, then 60 s [seen].
    pub const SOME_DVRS: LockPolicy = LockPolicy {
        max_attempts: 7,
        lock_seconds: 60,
    };
}

impl Default for LockPolicy {
    fn default() -> Self {
        LockPolicy::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_is_five_tries_then_half_an_hour() {
        assert_eq!(LockPolicy::default().max_attempts, 5);
        assert_eq!(LockPolicy::default().lock_seconds, 1800);
        assert_eq!(RESET_CODE_VALID_FOR_SECS, 172_800);
    }
}
