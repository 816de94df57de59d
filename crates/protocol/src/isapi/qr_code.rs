//! `GET /ISAPI/Security/email/qrCode?format=json`: the opaque string the reset QR code encodes.
//! Where the string sits in the JSON is [assumed], so the path comes from the device profile.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResponseStatus;
use crate::json;
use crate::profile::DeviceProfile;
use crate::ParseError;

const CONTEXT: &str = "reset QR code";

/// The content of the reset QR code; opaque to us, we only draw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QrCode {
    /// The string the QR symbol encodes (serial, nonce, encrypted by the device).
    pub content: String,
}

impl QrCode {
    /// Reads the content at the profile's JSON path; a status answer becomes an error.
    pub fn from_json(body: &str, profile: &DeviceProfile) -> Result<Self, ParseError> {
        let value = json::parse(body, CONTEXT)?;
        let path = &profile.qr_code_json_path;
        match json::walk(&value, path) {
            Some(Value::String(content)) if !content.trim().is_empty() => Ok(QrCode {
                content: content.clone(),
            }),
            Some(other) => Err(ParseError::InvalidValue {
                context: CONTEXT,
                field: path.join("."),
                value: other.to_string(),
            }),
            None => Err(match ResponseStatus::from_json(body) {
                Ok(status) => ParseError::DeviceStatus {
                    context: CONTEXT,
                    status_code: status.status_code,
                    status_string: status.status_string.unwrap_or_default(),
                    sub_status_code: status.sub_status_code,
                },
                Err(_) => ParseError::MissingField {
                    context: CONTEXT,
                    field: path.join("."),
                },
            }),
        }
    }

    /// Writes the answer with the content at the profile's JSON path.
    pub fn to_json(&self, profile: &DeviceProfile) -> String {
        nest(
            &profile.qr_code_json_path,
            Value::from(self.content.clone()),
        )
        .to_string()
    }
}

/// Wraps `leaf` in one object per key of `path`, outermost first.
pub(crate) fn nest(path: &[String], leaf: Value) -> Value {
    path.iter().rev().fold(leaf, |inner, key| {
        let mut map = serde_json::Map::new();
        map.insert(key.clone(), inner);
        Value::Object(map)
    })
}
