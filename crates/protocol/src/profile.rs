//! Every protocol detail public sources do not confirm ([assumed] in the notes), held as data,
//! and the vendor's recovery mailboxes; a real capture corrects these values, never the code.

use serde::{Deserialize, Serialize};

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
        }
    }
}

impl DeviceProfile {
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
