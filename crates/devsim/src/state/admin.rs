//! What the `/devsim/` controls do to the device's state: lock, reboot, read the admin password
//! and report the whole state.

use super::{seconds_until, CameraState, Device, StateSnapshot};
use protocol::isapi::RESET_CODE_VALID_FOR_SECS;
use std::time::Duration;

impl Device {
    /// Locks the device as its lock policy would after too many wrong tries.
    pub fn lock(&self) {
        let (mut state, now) = self.state();
        state.strikes = 0;
        state.locked_until =
            Some(now + Duration::from_secs(u64::from(self.lock_policy.lock_seconds)));
    }

    /// Reboots: voids the code, ends sessions, lifts the lock, and boots again.
    pub fn reboot(&self) {
        let (mut state, now) = self.state();
        state.active_qr = None;
        state.challenges.clear();
        state.sessions.clear();
        state.locked_until = None;
        state.strikes = 0;
        state.booting_until = now + self.boot_time;
        state.reboots += 1;
    }

    /// The current admin password.
    pub fn admin_password(&self) -> String {
        self.state().0.admin_password.clone()
    }

    pub fn snapshot(&self) -> StateSnapshot {
        let (state, now) = self.state();
        let qr_active = state.active_qr.as_ref().is_some_and(|qr| {
            now.saturating_duration_since(qr.at) <= Duration::from_secs(RESET_CODE_VALID_FOR_SECS)
        });
        StateSnapshot {
            activated: self.identity.activated,
            booting: state.booting_until > now,
            qr_exports: state.qr_exports,
            qr_active,
            failed_code_tries: state.failed_code_tries,
            failed_login_tries: state.failed_login_tries,
            retries_left: self.retries_left(&state),
            locked: state.locked_until.is_some(),
            unlock_in_seconds: state.locked_until.map(|until| seconds_until(now, until)),
            password_changed: state.password_changed,
            reboots: state.reboots,
            email_reserved: state.email.is_some(),
            reserved_email: state.email.clone(),
            faults: self.faults.all(),
            questions_set: state.questions.is_some(),
            failed_answer_tries: state.failed_answer_tries,
            failed_guid_tries: state.failed_guid_tries,
            guid_exports: state.guid_exports,
            cameras: state
                .cameras
                .iter()
                .map(|c| CameraState {
                    channel: c.channel,
                    ip: c.ip.clone(),
                    online: c.online,
                    password_synced: c.password == state.admin_password,
                })
                .collect(),
            sessions: u32::try_from(state.sessions.len()).unwrap_or(u32::MAX),
            code_submissions: state.code_submissions,
            login_attempts: state.login_attempts,
        }
    }
}
