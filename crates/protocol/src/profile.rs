//! Every protocol detail public sources do not confirm ([assumed] in the notes), held as data.
//! A capture from a real device corrects a [`DeviceProfile`] value, never the code that uses it.

use serde::{Deserialize, Serialize};

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
        }
    }
}
