//! What each simulated profile offers and how it shapes its answers, as the devices seen in the
//! wild differ: one table per profile, so a new firmware quirk is a new row, not new code.

use crate::identity::Profile;
use protocol::isapi::{ExternCapabilities, LengthLimit, SecurityCap};
use protocol::login::SESSION_ID_VERSION_2_1;
use protocol::XmlNamespace;
use serde::{Deserialize, Serialize};

/// Which HTTP status carries an error body; the web UI reads status bodies on all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ErrorHttp {
    /// 400 for refused content, 401 for bad logins, 403 for "not now".
    Matching,
    /// HTTP 200 with the error in the body (booting and locked devices still answer 403).
    AlwaysOk,
}

/// The format of a status body answering a `?format=json` call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum JsonCallStatus {
    /// A JSON status, as asked for.
    Json,
    /// An XML `<ResponseStatus>` anyway, as some firmware sends.
    Xml,
}

/// How a device shapes its answers, so the client is proven tolerant of each shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerStyle {
    /// The namespace every XML answer declares.
    pub namespace: XmlNamespace,
    /// Which HTTP status carries an error body.
    pub error_http: ErrorHttp,
    /// The format of status bodies on `?format=json` calls.
    pub json_call_status: JsonCallStatus,
}

impl AnswerStyle {
    /// The shapes each profile answers with: every namespace and both error habits occur
    /// across the profiles.
    pub fn for_profile(profile: Profile) -> Self {
        let (namespace, error_http, json_call_status) = match profile {
            Profile::Nvr => (
                XmlNamespace::HikvisionVer20,
                ErrorHttp::Matching,
                JsonCallStatus::Json,
            ),
            Profile::Camera => (
                XmlNamespace::IsapiVer20,
                ErrorHttp::AlwaysOk,
                JsonCallStatus::Json,
            ),
            Profile::OldFirmware => (
                XmlNamespace::PsiaV10,
                ErrorHttp::Matching,
                JsonCallStatus::Xml,
            ),
            Profile::EmailNotReserved => (
                XmlNamespace::StdCgiVer20,
                ErrorHttp::Matching,
                JsonCallStatus::Json,
            ),
            Profile::ShortPasswords => {
                (XmlNamespace::None, ErrorHttp::AlwaysOk, JsonCallStatus::Xml)
            }
        };
        AnswerStyle {
            namespace,
            error_http,
            json_call_status,
        }
    }
}

/// What a profile can do, read by the routes and the SADP responder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Capabilities {
    /// The answer to `GET /ISAPI/Security/capabilities` (salt filled in per device).
    pub security: SecurityCap,
    /// The answer to `GET /ISAPI/Security/extern/capabilities`.
    pub reset_modes: ExternCapabilities,
    /// Whether a recovery e-mail was reserved at set-up.
    pub email_reserved: bool,
    /// Whether the device pushes a new password to its cameras (NVRs).
    pub sync_ipc_password: bool,
    /// Session-login hash settings: irreversible, `sessionIDVersion`, iterations.
    pub login: LoginScheme,
}

/// The session-login hash variant a profile uses; together they cover every branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LoginScheme {
    pub irreversible: bool,
    pub session_id_version: Option<&'static str>,
    pub iterations: u32,
}

impl Capabilities {
    pub fn for_profile(profile: Profile) -> Self {
        let nvr = profile == Profile::Nvr;
        let old = profile == Profile::OldFirmware;
        let email = !old;
        let password_length = match profile {
            Profile::ShortPasswords => LengthLimit { min: 1, max: 16 },
            _ => LengthLimit::DEFAULT_PASSWORD,
        };
        let security = SecurityCap {
            password_length,
            security_answer_length: (nvr || old).then_some(LengthLimit { min: 1, max: 128 }),
            is_irreversible: !old,
            supports_security_email: email,
            supports_security_question_config: nvr || old,
            supports_user_check: true,
            // Old firmware predates `security=1`: its logged-in writes take plain fields.
            security_version: (!old).then(|| "1".into()),
            supports_sync_ipc_password: nvr.then_some(true),
            rsa_key_length: Some(1024),
            ..SecurityCap::default()
        };
        let reset_modes = ExternCapabilities {
            guid_file: nvr || old,
            security_question: nvr || old,
            security_email: email,
            hik_connect_app: nvr,
            min_reset_admin_password_num: Some(1),
        };
        let login = match profile {
            Profile::OldFirmware => LoginScheme {
                irreversible: false,
                session_id_version: None,
                iterations: 2,
            },
            // A 2.1 login on a camera that says isIrreversible false: the UI's 2.1 test
            // comes first, so it still hashes with salt2.
            Profile::Camera => LoginScheme {
                irreversible: false,
                session_id_version: Some(SESSION_ID_VERSION_2_1),
                iterations: 50,
            },
            Profile::ShortPasswords => LoginScheme {
                irreversible: true,
                session_id_version: Some("2"),
                iterations: 50,
            },
            Profile::Nvr | Profile::EmailNotReserved => LoginScheme {
                irreversible: true,
                session_id_version: Some(SESSION_ID_VERSION_2_1),
                iterations: 100,
            },
        };
        Capabilities {
            security,
            reset_modes,
            email_reserved: email && profile != Profile::EmailNotReserved,
            sync_ipc_password: nvr,
            login,
        }
    }

    /// Whether the e-mail reset exists on this firmware at all.
    pub fn email_reset(&self) -> bool {
        self.reset_modes.security_email
    }

    /// Whether security questions can be configured.
    pub fn questions(&self) -> bool {
        self.security.supports_security_question_config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_namespace_and_both_error_habits_occur_across_profiles() {
        let styles: Vec<AnswerStyle> = Profile::ALL
            .into_iter()
            .map(AnswerStyle::for_profile)
            .collect();
        for ns in XmlNamespace::ALL {
            assert!(styles.iter().any(|s| s.namespace == ns), "{ns:?}");
        }
        assert!(styles.iter().any(|s| s.error_http == ErrorHttp::AlwaysOk));
        assert!(styles
            .iter()
            .any(|s| s.json_call_status == JsonCallStatus::Xml));
    }

    #[test]
    fn only_old_firmware_lacks_the_email_reset() {
        for profile in Profile::ALL {
            let caps = Capabilities::for_profile(profile);
            assert_eq!(caps.email_reset(), profile != Profile::OldFirmware);
        }
    }
}
