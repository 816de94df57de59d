//! SyncIPCPassword: an NVR pushes its (new) admin password to the cameras behind it, so they
//! stay reachable after a reset. The call and both bodies are [assumed] (the notes name only
//! the SADP flag); the call comes from the profile, the shapes are written here once.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::field_crypto::FieldProtection;
use crate::json;
use crate::ParseError;

const CONTEXT: &str = "camera password sync";
const REQUEST_WRAPPER: &str = "SyncIPCPassword";
const RESULT_WRAPPER: &str = "SyncIPCPasswordResult";
const CHANNELS: &str = "ChannelList";

/// The request (logged in): the admin password the cameras should take.
#[derive(Clone, PartialEq, Eq)]
pub struct SyncIpcPassword {
    /// The NVR's admin password, which it checks and then pushes.
    pub admin_password: String,
}

impl std::fmt::Debug for SyncIpcPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SyncIpcPassword { admin_password: <hidden> }")
    }
}

impl SyncIpcPassword {
    /// `{"SyncIPCPassword":{"password":".."}}`, protected as `protection` says.
    pub fn to_json(&self, protection: &FieldProtection) -> String {
        let mut inner = serde_json::Map::new();
        inner.insert(
            "password".into(),
            protection.protect(&self.admin_password).into(),
        );
        let mut outer = serde_json::Map::new();
        outer.insert(REQUEST_WRAPPER.into(), Value::Object(inner));
        Value::Object(outer).to_string()
    }

    /// Reads the request (for devsim).
    pub fn from_json(body: &str, protection: &FieldProtection) -> Result<Self, ParseError> {
        let value = json::parse(body, CONTEXT)?;
        let fields = json::get(&value, REQUEST_WRAPPER).unwrap_or(&value);
        let raw = json::string(fields, "password").ok_or_else(|| ParseError::MissingField {
            context: CONTEXT,
            field: "password".into(),
        })?;
        let admin_password = protection
            .reveal(&raw)
            .map_err(|e| ParseError::InvalidValue {
                context: CONTEXT,
                field: "password".into(),
                value: e.to_string(),
            })?;
        Ok(SyncIpcPassword { admin_password })
    }
}

/// What happened to one camera.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelSync {
    /// The NVR's channel number.
    pub id: u32,
    /// The camera's address, when the NVR says.
    pub ip_address: Option<String>,
    /// Whether the camera took the password.
    pub synced: bool,
    /// Why not, in device words (e.g. `offline`), shown verbatim beside a plain sentence.
    pub sub_status_code: Option<String>,
}

/// The answer: one entry per camera channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncIpcResult {
    /// Every channel the NVR tried.
    pub channels: Vec<ChannelSync>,
}

impl SyncIpcResult {
    /// Reads `{"SyncIPCPasswordResult":{"ChannelList":[{"id":1,"ipAddress":"..",
    /// "status":"success"|"failed","subStatusCode":".."}]}}`; a status answer is an error.
    pub fn from_json(body: &str) -> Result<Self, ParseError> {
        let value = json::parse(body, CONTEXT)?;
        let Some(result) = json::get(&value, RESULT_WRAPPER) else {
            let status =
                super::ResponseStatus::from_json(body).map_err(|_| ParseError::MissingField {
                    context: CONTEXT,
                    field: RESULT_WRAPPER.into(),
                })?;
            return Err(status.into_parse_error(CONTEXT));
        };
        let list = json::get(result, CHANNELS)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let channels = list
            .iter()
            .map(|entry| {
                let id = json::string(entry, "id")
                    .and_then(|t| t.trim().parse().ok())
                    .ok_or_else(|| ParseError::MissingField {
                        context: CONTEXT,
                        field: format!("{CHANNELS}.id"),
                    })?;
                let status = json::string(entry, "status").unwrap_or_default();
                Ok(ChannelSync {
                    id,
                    ip_address: json::string(entry, "ipAddress"),
                    synced: matches!(
                        status.trim().to_ascii_lowercase().as_str(),
                        "success" | "ok" | "true"
                    ),
                    sub_status_code: json::string(entry, "subStatusCode")
                        .filter(|s| !s.trim().is_empty()),
                })
            })
            .collect::<Result<_, ParseError>>()?;
        Ok(SyncIpcResult { channels })
    }

    /// Writes the answer as devsim sends it.
    pub fn to_json(&self) -> String {
        let list: Vec<Value> = self
            .channels
            .iter()
            .map(|c| {
                let mut entry = json!({
                    "id": c.id,
                    "status": if c.synced { "success" } else { "failed" },
                });
                if let (Some(ip), Some(map)) = (&c.ip_address, entry.as_object_mut()) {
                    map.insert("ipAddress".into(), ip.clone().into());
                }
                if let (Some(sub), Some(map)) = (&c.sub_status_code, entry.as_object_mut()) {
                    map.insert("subStatusCode".into(), sub.clone().into());
                }
                entry
            })
            .collect();
        let mut result = serde_json::Map::new();
        result.insert(CHANNELS.into(), Value::Array(list));
        let mut outer = serde_json::Map::new();
        outer.insert(RESULT_WRAPPER.into(), Value::Object(result));
        Value::Object(outer).to_string()
    }
}
