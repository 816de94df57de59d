//! Every protocol detail public sources do not confirm ([assumed] in the notes), held as data,
//! and the vendor's recovery mailboxes; a real capture corrects these values, never the code.

use serde::{Deserialize, Serialize};

use crate::isapi::{paths, SecurityCap};
use crate::ParseError;

/// How the secret fields of a pre-login call (reset code, new password) travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SecretFieldScheme {
    /// In clear, as the mobile web UI sends `security1` fields (over HTTPS when the device offers it).
    #[default]
    Plaintext,
    /// The web UI's `security=1` scheme: AES-128-CBC under a key derived from a password.
    Security1,
}

/// The [assumed] details of one device family; `DeviceProfile::default()` is our best guess.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeviceProfile {
    /// A name for logs and devsim's command line.
    pub name: String,
    /// JSON keys leading to the QR content string in the `email/qrCode` answer
    /// ([assumed]: `{"QRCode":{"content":".."}}`).
    pub qr_code_json_path: Vec<String>,
    /// The object wrapping `securityCode`/`resetPassword` in the `emailCertification` body,
    /// or `None` for a flat body ([assumed]: `EmailCertification`).
    pub email_certification_wrapper: Option<String>,
    /// How the `emailCertification` secrets are protected ([assumed]: plaintext).
    pub email_certification_secrets: SecretFieldScheme,
    /// The `subStatusCode` for a wrong reset code ([assumed]: `verificationCodeError`).
    pub wrong_code_sub_status: String,
    /// The `subStatusCode` for an expired reset code ([assumed]: `verificationCodeExpired`).
    pub expired_code_sub_status: String,
    /// The `subStatusCode` for a QR export on a device with no reserved recovery e-mail
    /// ([assumed]: `noReservedEmail`).
    pub no_reserved_email_sub_status: String,
    /// Element names of the security-question bodies (`questionConfiguration` read and set,
    /// `questionCertification`); paths are seen, bodies [assumed].
    pub questions: QuestionShape,
    /// How the answers and new password of `questionCertification` travel ([assumed]: plaintext,
    /// as for the e-mail reset: nobody is logged in).
    pub question_certification_secrets: SecretFieldScheme,
    /// The GUID-file reset call: not in the notes at all ([assumed]:
    /// `PUT /ISAPI/Security/GUIDFileData/certification?format=json`).
    pub guid_reset: AssumedCall,
    /// The object wrapping the GUID-file reset body, or `None` for a flat body
    /// ([assumed]: `GUIDFileCertification`).
    pub guid_reset_wrapper: Option<String>,
    /// The key carrying the GUID file, base64-encoded ([assumed]: `GUIDFileData`).
    pub guid_reset_file_key: String,
    /// How the new password of the GUID-file reset travels ([assumed]: plaintext).
    pub guid_reset_secrets: SecretFieldScheme,
    /// The NVR call pushing the admin password to its cameras: not in the notes ([assumed]:
    /// `PUT /ISAPI/Security/SyncIPCPassword?format=json`).
    pub sync_ipc_password: AssumedCall,
    /// How logged-in calls protect the passwords and answers they carry, when the device asks
    /// for field encryption (its capabilities report a `securityVersion`): `security=1` [seen].
    pub logged_in_secrets: SecretFieldScheme,
}

/// An ISAPI call no public source names, held as data so a capture corrects it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssumedCall {
    /// The HTTP method, upper case.
    pub method: String,
    /// The exact path.
    pub path: String,
    /// Query keys the call carries besides `security`/`iv` (e.g. `format`).
    pub query_keys: Vec<String>,
}

impl AssumedCall {
    fn new(method: &str, path: &str, query_keys: &[&str]) -> Self {
        AssumedCall {
            method: method.into(),
            path: path.into(),
            query_keys: query_keys.iter().map(|k| (*k).to_owned()).collect(),
        }
    }

    /// Whether the call asks for JSON (`format=json`).
    pub fn is_json(&self) -> bool {
        self.query_keys.iter().any(|k| k == "format")
    }

    /// The path with `format=json` when the call takes it, ready for an extra `&security=1..`.
    pub fn path_and_query(&self) -> String {
        if self.is_json() {
            format!("{}?format=json", self.path)
        } else {
            self.path.clone()
        }
    }
}

/// The element names of the security-question bodies ([assumed]; only the paths are seen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QuestionShape {
    /// Root of the `questionConfiguration` read and set bodies (`SecurityQuestion`).
    pub configuration_root: String,
    /// Root of the `questionCertification` body (`QuestionCertification`).
    pub certification_root: String,
    /// The list element (`QuestionList`).
    pub list: String,
    /// One question (`Question`).
    pub item: String,
    /// The question's number in the device's catalogue (`id`).
    pub id: String,
    /// Whether an answer is set for it, in the read body (`mark`).
    pub answered: String,
    /// The answer, in the set and certification bodies (`answer`).
    pub answer: String,
    /// The admin password in the set body (`password`).
    pub admin_password: String,
    /// The new password in the certification body (`resetPassword`, as the e-mail reset's).
    pub reset_password: String,
}

impl Default for QuestionShape {
    fn default() -> Self {
        QuestionShape {
            configuration_root: "SecurityQuestion".into(),
            certification_root: "QuestionCertification".into(),
            list: "QuestionList".into(),
            item: "Question".into(),
            id: "id".into(),
            answered: "mark".into(),
            answer: "answer".into(),
            admin_password: "password".into(),
            reset_password: "resetPassword".into(),
        }
    }
}

impl Default for DeviceProfile {
    fn default() -> Self {
        DeviceProfile {
            name: "hikvision-assumed".into(),
            qr_code_json_path: vec!["QRCode".into(), "content".into()],
            email_certification_wrapper: Some("EmailCertification".into()),
            email_certification_secrets: SecretFieldScheme::Plaintext,
            wrong_code_sub_status: "verificationCodeError".into(),
            expired_code_sub_status: "verificationCodeExpired".into(),
            no_reserved_email_sub_status: "noReservedEmail".into(),
            questions: QuestionShape::default(),
            question_certification_secrets: SecretFieldScheme::Plaintext,
            guid_reset: AssumedCall::new("PUT", paths::ASSUMED_GUID_RESET, &["format"]),
            guid_reset_wrapper: Some("GUIDFileCertification".into()),
            guid_reset_file_key: "GUIDFileData".into(),
            guid_reset_secrets: SecretFieldScheme::Plaintext,
            sync_ipc_password: AssumedCall::new(
                "PUT",
                paths::ASSUMED_SYNC_IPC_PASSWORD,
                &["format"],
            ),
            logged_in_secrets: SecretFieldScheme::Security1,
        }
    }
}

impl DeviceProfile {
    /// How a logged-in call to a device with these capabilities protects its secret fields:
    /// the profile's scheme when the device reports a `securityVersion`, plaintext otherwise
    /// (old firmware without the scheme).
    pub fn logged_in_scheme(&self, cap: &SecurityCap) -> SecretFieldScheme {
        if cap.security_version.is_some() {
            self.logged_in_secrets
        } else {
            SecretFieldScheme::Plaintext
        }
    }

    /// Reads a profile from JSON (e.g. one written after a capture); missing keys keep the defaults.
    pub fn from_json(json: &str) -> Result<Self, ParseError> {
        serde_json::from_str(json).map_err(|e| ParseError::Json {
            context: "device profile",
            detail: e.to_string(),
        })
    }
}

/// One vendor mailbox the exported QR picture is e-mailed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryMailbox {
    /// What an embedding page may pass to choose this mailbox (never an address).
    pub key: &'static str,
    /// The address to send the QR picture to.
    pub address: &'static str,
    /// Which devices or region it serves, in a few words.
    pub serves: &'static str,
    /// Where the address was read, so anyone can check it.
    pub source: &'static str,
}

/// The key of the mailbox used when none (or an unknown one) is asked for.
pub const DEFAULT_MAILBOX_KEY: &str = "global";

/// The recovery mailboxes we could source from public vendor manuals; kept small on purpose
/// (no guessed regional addresses: a wrong address silently loses the user's QR code).
pub const RECOVERY_MAILBOXES: &[RecoveryMailbox] = &[
    RecoveryMailbox {
        key: DEFAULT_MAILBOX_KEY,
        address: "pw_recovery@hikvision.com",
        serves: "Hikvision-branded devices, all regions",
        source: "Hikvision camera and NVR user manuals, \"Reset Password by Reserved Email\"",
    },
    RecoveryMailbox {
        key: "guarding-vision",
        address: "pw_recovery@device-service.com",
        serves: "OEM devices managed with the Guarding Vision app",
        source: "NVST HNR series NVR user manual, \"Reset Password by Reserved Email\"",
    },
];

/// The mailbox for `key` (case-insensitive), if the table has it.
pub fn find_recovery_mailbox(key: &str) -> Option<&'static RecoveryMailbox> {
    RECOVERY_MAILBOXES
        .iter()
        .find(|m| m.key.eq_ignore_ascii_case(key.trim()))
}

/// The mailbox for `key`, or the global one when the key is unknown.
pub fn recovery_mailbox(key: &str) -> &'static RecoveryMailbox {
    find_recovery_mailbox(key).unwrap_or(&RECOVERY_MAILBOXES[0])
}
