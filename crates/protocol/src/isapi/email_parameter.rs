//! The reserved recovery e-mail: read it (`GET email/parameter?format=json`) and, logged in,
//! set it (`PUT`, the admin password in the body), so the next reset can go by e-mail.
//! The JSON shape is the one devsim answers (no public source quotes it: [assumed]).

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::field_crypto::FieldProtection;
use crate::json;
use crate::ParseError;

const CONTEXT: &str = "recovery e-mail";
const WRAPPER: &str = "EmailParameter";

/// The longest address devices take (their capabilities say `emailAddress@max` 64).
pub const MAX_EMAIL_LEN: usize = 64;

/// `GET email/parameter`: whether an address is reserved, and the address (often masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailParameter {
    /// `enabled`: an address is reserved.
    pub enabled: bool,
    /// `emailAddress`, as the device shows it before login (e.g. `o****@example.com`).
    pub email_address: String,
}

impl EmailParameter {
    /// Reads the answer, wrapped in `EmailParameter` or flat; a status answer is an error.
    pub fn from_json(body: &str) -> Result<Self, ParseError> {
        let value = json::parse(body, CONTEXT)?;
        let fields = json::get(&value, WRAPPER).unwrap_or(&value);
        let enabled = json::string(fields, "enabled");
        let address = json::string(fields, "emailAddress");
        if enabled.is_none() && address.is_none() {
            if let Ok(status) = super::ResponseStatus::from_json(body) {
                return Err(ParseError::DeviceStatus {
                    context: CONTEXT,
                    status_code: status.status_code,
                    status_string: status.status_string.unwrap_or_default(),
                    sub_status_code: status.sub_status_code,
                });
            }
        }
        let address = address.unwrap_or_default();
        Ok(EmailParameter {
            enabled: enabled
                .as_deref()
                .and_then(crate::xml::lenient_bool)
                .unwrap_or(!address.is_empty()),
            email_address: address,
        })
    }

    /// Writes the answer as devsim sends it.
    pub fn to_json(&self) -> String {
        json!({ WRAPPER: { "enabled": self.enabled, "emailAddress": self.email_address } })
            .to_string()
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
    /// `{"EmailParameter":{"enabled":..,"emailAddress":"..","password":".."}}`, the password
    /// protected as `protection` says.
    pub fn to_json(&self, protection: &FieldProtection) -> String {
        json!({ WRAPPER: {
            "enabled": !self.email_address.trim().is_empty(),
            "emailAddress": self.email_address.trim(),
            "password": protection.protect(&self.admin_password),
        }})
        .to_string()
    }

    /// Reads the body (for devsim).
    pub fn from_json(body: &str, protection: &FieldProtection) -> Result<Self, ParseError> {
        let value = json::parse(body, CONTEXT)?;
        let fields = json::get(&value, WRAPPER).unwrap_or(&value);
        let field = |name: &str| {
            json::string(fields, name).ok_or_else(|| ParseError::MissingField {
                context: CONTEXT,
                field: name.into(),
            })
        };
        let admin_password =
            protection
                .reveal(&field("password")?)
                .map_err(|e| ParseError::InvalidValue {
                    context: CONTEXT,
                    field: "password".into(),
                    value: e.to_string(),
                })?;
        Ok(SetEmailParameter {
            email_address: field("emailAddress")?,
            admin_password,
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
