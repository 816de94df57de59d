//! Which reset routes and prevention settings a device offers, from its own capability answers:
//! one decision per route, so the wizard never offers what the device would refuse.

use serde::{Deserialize, Serialize};

use super::{ExternCapabilities, SecurityCap};
use crate::sadp::ProbeMatch;

/// What the wizard may offer on one device.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteGates {
    /// Reset by e-mailed code: `isSupportWithSecurityEmail` (extern capabilities).
    pub email_reset: bool,
    /// Reset by security questions: `isSupportWithSecurityQuestion` (extern capabilities).
    pub question_reset: bool,
    /// Reset by GUID file: `isSupportWithGUIDFileData` (extern capabilities).
    pub guid_reset: bool,
    /// Prevention: reserve a recovery e-mail, `isSupportSecurityEmail` (security capabilities).
    pub set_reserved_email: bool,
    /// Prevention: set security questions, `isSupportSecurityQuestionConfig` (security capabilities).
    pub set_questions: bool,
    /// NVRs: push the new password to the cameras, SADP `SyncIPCPassword` [seen] or
    /// `isSupportSyncIPCPassword` in the security capabilities [assumed].
    pub sync_ipc_password: bool,
    /// Logged-in calls carry their secrets under `security=1` (the device reports a
    /// `securityVersion`); combine with the profile's `logged_in_scheme`.
    pub field_encryption: bool,
}

impl RouteGates {
    /// Decides every route from the device's answers; `discovered` is its SADP answer, when the
    /// device was found by discovery rather than typed in.
    pub fn new(
        reset_modes: &ExternCapabilities,
        security: &SecurityCap,
        discovered: Option<&ProbeMatch>,
    ) -> Self {
        RouteGates {
            email_reset: reset_modes.security_email,
            question_reset: reset_modes.security_question,
            guid_reset: reset_modes.guid_file,
            set_reserved_email: security.supports_security_email,
            set_questions: security.supports_security_question_config,
            sync_ipc_password: discovered
                .and_then(|m| m.sync_ipc_password)
                .or(security.supports_sync_ipc_password)
                .unwrap_or(false),
            field_encryption: security.security_version.is_some(),
        }
    }
}
