//! Logins in the device's state: challenges, session logins, Basic checks for older calls,
//! and the sessions they open; wrong passwords count towards the lock.

use super::{random_hex, Device, Refusal, ADMIN};
use protocol::login::{session_login_hash, SessionLogin, SessionLoginCap, SESSION_ID_VERSION_2_1};

/// Login challenges kept at once; older ones are dropped, as a device's table is bounded too.
const MAX_CHALLENGES: usize = 64;

impl Device {
    /// Counts a logged-in write whose encrypted fields did not decrypt under the current
    /// password's key: the client used another password.
    pub fn wrong_password(&self) -> Refusal {
        let (mut state, now) = self.state();
        state.failed_login_tries += 1;
        if let Some(locked) = self.strike(&mut state, now) {
            return locked;
        }
        Refusal::BadLogin {
            retries_left: self.retries_left(&state),
        }
    }

    /// The login scheme's fixed parts (no challenge): what a login's field key depends on.
    pub fn login_scheme_cap(&self) -> SessionLoginCap {
        let scheme = &self.caps.login;
        let version_2_1 = scheme.session_id_version == Some(SESSION_ID_VERSION_2_1);
        SessionLoginCap {
            session_id: String::new(),
            challenge: String::new(),
            iterations: scheme.iterations,
            is_irreversible: scheme.irreversible,
            session_id_version: scheme.session_id_version.map(str::to_owned),
            // A 2.1 login hashes with both salts whatever isIrreversible says.
            salt: (scheme.irreversible || version_2_1).then(|| self.salt.clone()),
            salt2: version_2_1.then(|| self.salt2.clone()),
        }
    }

    /// `GET sessionLogin/capabilities`: a fresh challenge for one login.
    pub fn login_challenge(&self) -> SessionLoginCap {
        let cap = SessionLoginCap {
            session_id: random_hex(64),
            challenge: random_hex(32),
            ..self.login_scheme_cap()
        };
        let (mut state, _) = self.state();
        if state.challenges.len() >= MAX_CHALLENGES {
            state.challenges.clear();
        }
        state.challenges.insert(cap.session_id.clone(), cap.clone());
        cap
    }

    /// `POST sessionLogin`: checks the hash against the current password; returns a session.
    pub fn login(&self, login: &SessionLogin) -> Result<String, Refusal> {
        let (mut state, now) = self.state();
        state.login_attempts += 1;
        self.ready(&state, now)?;
        let Some(cap) = state.challenges.remove(&login.session_id) else {
            return Err(Refusal::BadLogin {
                retries_left: self.retries_left(&state),
            });
        };
        let expected = session_login_hash(&cap, ADMIN, &state.admin_password);
        if login.user_name != ADMIN || login.password != expected {
            state.failed_login_tries += 1;
            if let Some(locked) = self.strike(&mut state, now) {
                return Err(locked);
            }
            return Err(Refusal::BadLogin {
                retries_left: self.retries_left(&state),
            });
        }
        state.strikes = 0;
        let session = random_hex(32);
        state.sessions.insert(session.clone());
        Ok(session)
    }

    /// Basic authentication for the older calls (`userCheck`, admin GETs).
    pub fn check_password(&self, user: &str, password: &str) -> Result<(), Refusal> {
        let (mut state, now) = self.state();
        self.ready(&state, now)?;
        if user != ADMIN || password != state.admin_password {
            state.failed_login_tries += 1;
            if let Some(locked) = self.strike(&mut state, now) {
                return Err(locked);
            }
            return Err(Refusal::BadLogin {
                retries_left: self.retries_left(&state),
            });
        }
        state.strikes = 0;
        Ok(())
    }

    /// Whether `session` was handed out by a login since the last reboot or reset.
    pub fn has_session(&self, session: &str) -> bool {
        self.state().0.sessions.contains(session)
    }
}
