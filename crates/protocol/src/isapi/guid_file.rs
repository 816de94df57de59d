//! The GUID file: exported while logged in (`POST GUIDFileData?security=1&iv=..`, seen) and
//! given back to reset the password (a call no public source names: [assumed], from the profile).
//! The file is opaque to us; it dies with every password change.

use base64::Engine as _;
use serde_json::Value;

use super::{read_xml, ResponseStatus};
use crate::field_crypto::FieldProtection;
use crate::json;
use crate::profile::DeviceProfile;
use crate::xml::XmlWriter;
use crate::{ParseError, XmlNamespace};

const EXPORT_CONTEXT: &str = "GUID file export";
const RESET_CONTEXT: &str = "GUID file reset";

/// The root of the export request body ([assumed]; the call itself is seen).
const EXPORT_ROOT: &str = "GUIDFileData";
/// The admin password in the export request body ([assumed]).
const EXPORT_PASSWORD: &str = "password";
/// The new password in the reset body ([assumed], as the e-mail reset's seen field name).
const RESET_PASSWORD: &str = "resetPassword";

/// The largest GUID file accepted: real ones are a few hundred bytes.
pub const MAX_GUID_FILE_BYTES: usize = 16 * 1024;

/// A GUID file's bytes; `Debug` shows only the length (the file is as good as a password).
#[derive(Clone, PartialEq, Eq)]
pub struct GuidFile(pub Vec<u8>);

impl std::fmt::Debug for GuidFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GuidFile({} bytes)", self.0.len())
    }
}

impl GuidFile {
    /// Reads the export answer: the file itself, unless the device sent a status instead.
    pub fn from_export_answer(body: &[u8]) -> Result<Self, ParseError> {
        if body.is_empty() {
            return Err(ParseError::Empty {
                context: EXPORT_CONTEXT,
            });
        }
        if body.len() > MAX_GUID_FILE_BYTES {
            return Err(ParseError::InvalidValue {
                context: EXPORT_CONTEXT,
                field: "file".into(),
                value: format!("{} bytes", body.len()),
            });
        }
        if let Ok(Ok(status)) = std::str::from_utf8(body).map(ResponseStatus::parse) {
            return Err(status.into_parse_error(EXPORT_CONTEXT));
        }
        Ok(GuidFile(body.to_vec()))
    }

    /// The file as base64, as the reset body carries it.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.0)
    }
}

/// `POST GUIDFileData` (logged in): asks for the file, proving the admin password once more.
#[derive(Clone, PartialEq, Eq)]
pub struct GuidFileExport {
    /// The admin password.
    pub admin_password: String,
}

impl std::fmt::Debug for GuidFileExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GuidFileExport { admin_password: <hidden> }")
    }
}

impl GuidFileExport {
    /// Writes the request body (the password protected as `protection` says).
    pub fn to_xml(&self, protection: &FieldProtection) -> String {
        let mut w = XmlWriter::new(EXPORT_ROOT, XmlNamespace::IsapiVer20);
        w.text(EXPORT_PASSWORD, protection.protect(&self.admin_password));
        w.finish()
    }

    /// Reads the request body (for devsim).
    pub fn from_xml(xml: &str, protection: &FieldProtection) -> Result<Self, ParseError> {
        let root = read_xml(xml, EXPORT_CONTEXT)?;
        let raw = root
            .text_of(EXPORT_PASSWORD)
            .ok_or_else(|| ParseError::MissingField {
                context: EXPORT_CONTEXT,
                field: EXPORT_PASSWORD.into(),
            })?;
        let admin_password = protection
            .reveal(raw)
            .map_err(|e| ParseError::InvalidValue {
                context: EXPORT_CONTEXT,
                field: EXPORT_PASSWORD.into(),
                value: e.to_string(),
            })?;
        Ok(GuidFileExport { admin_password })
    }
}

/// The GUID-file reset body ([assumed] call and shape, from the profile): the file and the new
/// password.
#[derive(Clone, PartialEq, Eq)]
pub struct GuidFileReset {
    /// The file the user exported earlier.
    pub file: GuidFile,
    /// The new admin password.
    pub reset_password: String,
}

impl std::fmt::Debug for GuidFileReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuidFileReset")
            .field("file", &self.file)
            .field("reset_password", &"<hidden>")
            .finish()
    }
}

impl GuidFileReset {
    /// Writes `{"<wrapper>":{"<file key>":"<base64>","resetPassword":".."}}`.
    pub fn to_json(&self, profile: &DeviceProfile, protection: &FieldProtection) -> String {
        let mut fields = serde_json::Map::new();
        fields.insert(
            profile.guid_reset_file_key.clone(),
            Value::from(self.file.to_base64()),
        );
        fields.insert(
            RESET_PASSWORD.into(),
            Value::from(protection.protect(&self.reset_password)),
        );
        let fields = Value::Object(fields);
        match &profile.guid_reset_wrapper {
            Some(wrapper) => {
                let mut outer = serde_json::Map::new();
                outer.insert(wrapper.clone(), fields);
                Value::Object(outer)
            }
            None => fields,
        }
        .to_string()
    }

    /// Reads the body (for devsim); a flat body is accepted even when a wrapper is expected.
    pub fn from_json(
        body: &str,
        profile: &DeviceProfile,
        protection: &FieldProtection,
    ) -> Result<Self, ParseError> {
        let value = json::parse(body, RESET_CONTEXT)?;
        let fields = profile
            .guid_reset_wrapper
            .as_deref()
            .and_then(|w| json::get(&value, w))
            .filter(|v| v.is_object())
            .unwrap_or(&value);
        let text = |name: &str| {
            json::string(fields, name).ok_or_else(|| ParseError::MissingField {
                context: RESET_CONTEXT,
                field: name.into(),
            })
        };
        let invalid = |field: &str, value: String| ParseError::InvalidValue {
            context: RESET_CONTEXT,
            field: field.into(),
            value,
        };
        let key = profile.guid_reset_file_key.as_str();
        let encoded = text(key)?;
        if encoded.len() > MAX_GUID_FILE_BYTES * 2 {
            return Err(invalid(key, format!("{} characters", encoded.len())));
        }
        let file = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|e| invalid(key, e.to_string()))?;
        let reset_password = protection
            .reveal(&text(RESET_PASSWORD)?)
            .map_err(|e| invalid(RESET_PASSWORD, e.to_string()))?;
        Ok(GuidFileReset {
            file: GuidFile(file),
            reset_password,
        })
    }
}
