//! `GET /ISAPI/Security/email/qrCode?format=json`: the opaque string the reset QR code encodes,
//! the reserved address and the mailbox the device names. Where each sits comes from the
//! device profile: the developer guide's `SecurityEmailQrCode` first, earlier guesses after.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResponseStatus;
use crate::json;
use crate::json_path::first_text;
use crate::profile::DeviceProfile;
use crate::ParseError;

const CONTEXT: &str = "reset QR code";

/// The guide's limit on the QR content.
pub const MAX_QR_CONTENT_BYTES: usize = 1024;

/// The `email/qrCode` answer: the QR content (opaque to us, we only draw it) and what the device
/// says about where it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QrCode {
    /// The string the QR symbol encodes (serial, nonce, encrypted by the device).
    pub content: String,
    /// The reserved recovery address the code will be e-mailed to (usually masked).
    #[serde(default)]
    pub reserved_email: Option<String>,
    /// The vendor mailbox this device says to send the QR picture to (`serverEmailAddress`).
    #[serde(default)]
    pub server_mailbox: Option<String>,
    /// Whether the device's own page shows the privacy statement (`isDisclaimerDisplay`).
    #[serde(default)]
    pub disclaimer: Option<bool>,
}

impl QrCode {
    /// A QR answer holding only its content.
    pub fn with_content(content: impl Into<String>) -> Self {
        QrCode {
            content: content.into(),
            reserved_email: None,
            server_mailbox: None,
            disclaimer: None,
        }
    }

    /// Reads the answer at the profile's paths, each list in order; a status answer becomes an
    /// error, and so does content longer than the guide allows.
    pub fn from_json(body: &str, profile: &DeviceProfile) -> Result<Self, ParseError> {
        let value = json::parse(body, CONTEXT)?;
        let shape = &profile.qr_answer;
        let Some(content) = first_text(&shape.content, &value) else {
            return Err(match ResponseStatus::from_json(body) {
                Ok(status) => status.into_parse_error(CONTEXT),
                Err(_) => ParseError::MissingField {
                    context: CONTEXT,
                    field: shape
                        .content
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" or "),
                },
            });
        };
        if content.len() > MAX_QR_CONTENT_BYTES {
            return Err(ParseError::InvalidValue {
                context: CONTEXT,
                field: "qrCode".into(),
                value: format!("{} bytes", content.len()),
            });
        }
        let disclaimer = shape
            .disclaimer
            .iter()
            .find_map(|path| match path.find(&value)? {
                Value::Bool(b) => Some(*b),
                Value::String(s) => crate::xml::lenient_bool(s),
                _ => None,
            });
        Ok(QrCode {
            content,
            reserved_email: first_text(&shape.reserved_email, &value),
            server_mailbox: first_text(&shape.server_mailbox, &value),
            disclaimer,
        })
    }

    /// Writes the answer in the profile's shape (the first path of each list), leaving out what
    /// this answer or the shape does not have.
    pub fn to_json(&self, profile: &DeviceProfile) -> String {
        let shape = &profile.qr_answer;
        let mut root = Value::Object(serde_json::Map::new());
        let mut put = |paths: &[crate::json_path::JsonPath], leaf: Option<Value>| {
            if let (Some(path), Some(leaf)) = (paths.first(), leaf) {
                path.insert(&mut root, leaf);
            }
        };
        put(&shape.content, Some(Value::from(self.content.clone())));
        put(
            &shape.reserved_email,
            self.reserved_email.clone().map(Value::from),
        );
        put(
            &shape.server_mailbox,
            self.server_mailbox.clone().map(Value::from),
        );
        put(&shape.disclaimer, self.disclaimer.map(Value::from));
        root.to_string()
    }
}
