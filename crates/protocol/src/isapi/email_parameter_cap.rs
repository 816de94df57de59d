//! `GET /ISAPI/Security/email/parameter/capabilities?format=json` (the developer guide's message
//! JSON_SecurityEmailCap): how long a recovery e-mail address may be.
//!
//! What is [seen]: the guide names the call and the message; an older device web UI reads
//! `SecurityEmailCap.emailAddress["@min"]` and `["@max"]` as the address's length limits. The
//! guide's own field table was not found in any public copy, so everything else is [assumed]
//! and read leniently: the wrapper may be missing, bounds may be numbers or strings, keys match
//! case-insensitively, and other members are ignored.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{LengthLimit, ResponseStatus, MAX_EMAIL_LEN};
use crate::json;
use crate::ParseError;

const CONTEXT: &str = "recovery e-mail capabilities";

/// What the web UI reads: the answer's wrapper and the member holding the limits.
const WRAPPER: &str = "SecurityEmailCap";
const EMAIL_ADDRESS: &str = "emailAddress";

/// The recovery e-mail capabilities a device reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityEmailCap {
    /// `emailAddress["@min"]` / `["@max"]`: how many characters a recovery address may have;
    /// `None` when the device gives neither bound. When it gives only one, the other is
    /// [assumed]: 0 for the minimum, [`MAX_EMAIL_LEN`] for the maximum.
    pub email_address_length: Option<LengthLimit>,
}

impl SecurityEmailCap {
    /// The key the answer is wrapped in (`SecurityEmailCap`, as the web UI reads it).
    pub const WRAPPER: &'static str = WRAPPER;

    /// Reads the answer, wrapped in `SecurityEmailCap` or flat. An answer with neither the
    /// wrapper nor `emailAddress` is an error: a status answer says so, anything else is a
    /// missing field.
    pub fn from_json(body: &str) -> Result<Self, ParseError> {
        let value = json::parse(body, CONTEXT)?;
        let fields = match json::get(&value, WRAPPER) {
            Some(wrapped) => wrapped,
            None if json::get(&value, EMAIL_ADDRESS).is_some() => &value,
            None => return Err(not_a_capability(body)),
        };
        let email_address_length = match json::get(fields, EMAIL_ADDRESS) {
            Some(limits) => length_limit(limits)?,
            None => None,
        };
        Ok(SecurityEmailCap {
            email_address_length,
        })
    }

    /// Writes the answer in the shape the web UI reads (devsim's answer).
    pub fn to_json(&self) -> String {
        let fields = match self.email_address_length {
            Some(LengthLimit { min, max }) => {
                json!({ EMAIL_ADDRESS: { "@min": min, "@max": max } })
            }
            None => json!({}),
        };
        json!({ WRAPPER: fields }).to_string()
    }
}

/// The `@min`/`@max` pair of `emailAddress`, when it holds either.
fn length_limit(limits: &Value) -> Result<Option<LengthLimit>, ParseError> {
    let min = bound(limits, "@min")?;
    let max = bound(limits, "@max")?;
    if min.is_none() && max.is_none() {
        return Ok(None);
    }
    let default_max = u32::try_from(MAX_EMAIL_LEN).unwrap_or(u32::MAX);
    let (min, max) = (min.unwrap_or(0), max.unwrap_or(default_max));
    LengthLimit::new(min, max)
        .map(Some)
        .ok_or_else(|| ParseError::InvalidValue {
            context: CONTEXT,
            field: EMAIL_ADDRESS.into(),
            value: format!("@min={min} @max={max}"),
        })
}

/// One bound, a number or a string holding one; `None` when absent or empty.
fn bound(limits: &Value, key: &str) -> Result<Option<u32>, ParseError> {
    let Some(text) = json::string(limits, key) else {
        return Ok(None);
    };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| ParseError::InvalidValue {
            context: CONTEXT,
            field: format!("{EMAIL_ADDRESS}{key}"),
            value: text.into(),
        })
}

/// The error for JSON that carries no capability at all.
fn not_a_capability(body: &str) -> ParseError {
    match ResponseStatus::from_json(body) {
        Ok(status) => status.into_parse_error(CONTEXT),
        Err(_) => ParseError::MissingField {
            context: CONTEXT,
            field: WRAPPER.into(),
        },
    }
}
