//! The reserved recovery e-mail: read it (`GET email/parameter?format=json`, no login) and,
//! logged in, set it (`PUT`), so the next reset can go by e-mail. Both shapes follow the
//! developer guide's JSON_SecurityEmail; where the read looks comes from the device profile.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::field_crypto::FieldProtection;
use crate::json;
use crate::json_path::first_text;
use crate::profile::DeviceProfile;
use crate::ParseError;

const CONTEXT: &str = "recovery e-mail";
const WRAPPER: &str = "SecurityEmail";
const LIST: &str = "SecurityInformation";

/// The longest address devices take (their capabilities say `emailAddress@max` 64).
pub const MAX_EMAIL_LEN: usize = 64;

/// `GET email/parameter`: the reserved address, as the device shows it before login (often
/// masked, e.g. `o****@example.com`), or none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailParameter {
    /// The reserved address; `None` when no recovery e-mail is set.
    pub email_address: Option<String>,
}

impl EmailParameter {
    /// Whether a recovery address is reserved.
    pub fn is_reserved(&self) -> bool {
        self.email_address.is_some()
    }

    /// Reads the answer at the profile's paths; a status answer is an error.
    pub fn from_json(body: &str, profile: &DeviceProfile) -> Result<Self, ParseError> {
        let value = json::parse(body, CONTEXT)?;
        let email_address = first_text(&profile.recovery_email, &value);
        if email_address.is_none() {
            if let Ok(status) = super::ResponseStatus::from_json(body) {
                return Err(status.into_parse_error(CONTEXT));
            }
        }
        Ok(EmailParameter { email_address })
    }

    /// Writes the answer in the profile's shape (its first path), as devsim sends it; with no
    /// address reserved, the entry's address is empty.
    pub fn to_json(&self, profile: &DeviceProfile) -> String {
        let mut root = Value::Object(serde_json::Map::new());
        if let Some(path) = profile.recovery_email.first() {
            let address = self.email_address.clone().unwrap_or_default();
            path.insert(&mut root, Value::from(address));
        }
        root.to_string()
    }
}

/// `PUT email/parameter` (logged in): the new address and the admin password.
#[derive(Clone, PartialEq, Eq)]
pub struct SetEmailParameter {
    /// The address to reserve; empty clears it.
    pub email_address: String,
    /// The admin password, which the device checks once more.
    pub admin_password: String,
}

impl std::fmt::Debug for SetEmailParameter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetEmailParameter")
            .field("email_address", &"<hidden>")
            .field("admin_password", &"<hidden>")
            .finish()
    }
}

impl SetEmailParameter {
    /// `{"SecurityEmail":{"SecurityInformation":[{"emailAddress":".."}],"password":".."}}`, both
    /// secret fields (the UI's `security1` list) protected as `protection` says.
    pub fn to_json(&self, protection: &FieldProtection) -> String {
        json!({ WRAPPER: {
            LIST: [{ "emailAddress": protection.protect(self.email_address.trim()) }],
            "password": protection.protect(&self.admin_password),
        }})
        .to_string()
    }

    /// Reads the body (for devsim).
    pub fn from_json(body: &str, protection: &FieldProtection) -> Result<Self, ParseError> {
        let value = json::parse(body, CONTEXT)?;
        let fields = json::get(&value, WRAPPER).unwrap_or(&value);
        let missing = |field: &str| ParseError::MissingField {
            context: CONTEXT,
            field: field.into(),
        };
        let reveal = |field: &str, raw: String| {
            protection
                .reveal(&raw)
                .map_err(|e| ParseError::InvalidValue {
                    context: CONTEXT,
                    field: field.into(),
                    value: e.to_string(),
                })
        };
        let entry = json::get(fields, LIST)
            .and_then(|list| match list {
                Value::Array(items) => items.first(),
                other => Some(other),
            })
            .ok_or_else(|| missing("SecurityInformation"))?;
        let address = json::string(entry, "emailAddress").ok_or_else(|| missing("emailAddress"))?;
        let password = json::string(fields, "password").ok_or_else(|| missing("password"))?;
        Ok(SetEmailParameter {
            email_address: reveal("emailAddress", address)?,
            admin_password: reveal("password", password)?,
        })
    }
}

/// Whether `address` looks like one a device takes: one `@`, something on both sides, short.
pub fn is_plausible_email(address: &str) -> bool {
    let address = address.trim();
    match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && address.len() <= MAX_EMAIL_LEN
                && !address.chars().any(char::is_whitespace)
        }
        None => false,
    }
}
