//! `PUT /ISAPI/Security/emailCertification?format=json`: the emailed reset code and new password.
//! Field names are seen; the wrapper and how secrets are protected come from the device profile.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::field_crypto::{FieldCipher, FieldCryptoError};
use crate::json;
use crate::profile::{DeviceProfile, SecretFieldScheme};
use crate::ParseError;

const CONTEXT: &str = "e-mail certification";

/// The reset request body's content; `Debug` hides both secrets.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailCertification {
    /// `securityCode`: the code the vendor e-mailed.
    pub security_code: String,
    /// `resetPassword`: the new admin password.
    pub reset_password: String,
}

impl std::fmt::Debug for EmailCertification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailCertification")
            .field("security_code", &"<hidden>")
            .field("reset_password", &"<hidden>")
            .finish()
    }
}

impl EmailCertification {
    /// Writes the body the profile describes; `cipher` is needed only for `security=1` profiles.
    pub fn to_json(
        &self,
        profile: &DeviceProfile,
        cipher: Option<&FieldCipher>,
    ) -> Result<String, FieldCryptoError> {
        let protect = |field: &str| -> Result<String, FieldCryptoError> {
            match profile.email_certification_secrets {
                SecretFieldScheme::Plaintext => Ok(field.to_owned()),
                SecretFieldScheme::Security1 => cipher
                    .map(|c| c.encrypt(field))
                    .ok_or(FieldCryptoError::MissingKey),
            }
        };
        // Serialised from a struct, not a map, to keep the UI's field order
        // (serde_json maps sort their keys).
        let fields = EmailCertification {
            security_code: protect(&self.security_code)?,
            reset_password: protect(&self.reset_password)?,
        };
        let fields = serde_json::to_string(&fields).unwrap_or_default();
        Ok(match &profile.email_certification_wrapper {
            Some(wrapper) => format!("{{{}:{fields}}}", Value::from(wrapper.as_str())),
            None => fields,
        })
    }

    /// Reads a body (for devsim); a flat body is accepted even when a wrapper is expected.
    pub fn from_json(
        body: &str,
        profile: &DeviceProfile,
        cipher: Option<&FieldCipher>,
    ) -> Result<Self, ParseError> {
        let value = json::parse(body, CONTEXT)?;
        let fields = profile
            .email_certification_wrapper
            .as_deref()
            .and_then(|w| json::get(&value, w))
            .filter(|v| v.is_object())
            .unwrap_or(&value);
        let field = |name: &'static str| -> Result<String, ParseError> {
            let raw = json::string(fields, name).ok_or_else(|| ParseError::MissingField {
                context: CONTEXT,
                field: name.into(),
            })?;
            match profile.email_certification_secrets {
                SecretFieldScheme::Plaintext => Ok(raw),
                SecretFieldScheme::Security1 => cipher
                    .ok_or(FieldCryptoError::MissingKey)
                    .and_then(|c| c.decrypt(&raw))
                    .map_err(|e| ParseError::InvalidValue {
                        context: CONTEXT,
                        field: name.into(),
                        value: e.to_string(),
                    }),
            }
        };
        Ok(EmailCertification {
            security_code: field("securityCode")?,
            reset_password: field("resetPassword")?,
        })
    }
}
