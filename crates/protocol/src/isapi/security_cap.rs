//! `GET /ISAPI/Security/capabilities`: password length limits, key iterations and salt.
//! The wizard checks new passwords against these limits; devsim answers with them.

use serde::{Deserialize, Serialize};

use super::read_xml;
use crate::xml::{escape, Element, XmlWriter};
use crate::{ParseError, XmlNamespace};

const CONTEXT: &str = "security capabilities";

/// `keyIterateNum` when the device does not say: what the web UI's own fallback uses.
pub const DEFAULT_KEY_ITERATE_NUM: u32 = 100;

/// An inclusive length range in characters, as `<LoginPasswordLenLimit min=".." max="..">`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LengthLimit {
    /// The fewest characters allowed.
    pub min: u32,
    /// The most characters allowed.
    pub max: u32,
}

impl LengthLimit {
    /// The limit devices use when they report none: 8 to 16 characters.
    pub const DEFAULT_PASSWORD: LengthLimit = LengthLimit { min: 8, max: 16 };

    /// A limit, or `None` when `min > max`.
    pub fn new(min: u32, max: u32) -> Option<Self> {
        (min <= max).then_some(LengthLimit { min, max })
    }

    /// Whether `len` lies within the limit.
    pub fn contains(&self, len: usize) -> bool {
        u32::try_from(len).is_ok_and(|len| self.min <= len && len <= self.max)
    }

    /// Reads the `min`/`max` attributes, each falling back to `default` when absent.
    fn from_element(
        element: &Element,
        default: LengthLimit,
        field: &str,
    ) -> Result<Self, ParseError> {
        let bound = |name: &str, fallback: u32| -> Result<u32, ParseError> {
            match element.attr(name) {
                None | Some("") => Ok(fallback),
                Some(v) => v.parse().map_err(|_| ParseError::InvalidValue {
                    context: CONTEXT,
                    field: format!("{field}@{name}"),
                    value: v.into(),
                }),
            }
        };
        let (min, max) = (bound("min", default.min)?, bound("max", default.max)?);
        LengthLimit::new(min, max).ok_or_else(|| ParseError::InvalidValue {
            context: CONTEXT,
            field: field.into(),
            value: format!("min={min} max={max}"),
        })
    }
}

impl Default for LengthLimit {
    fn default() -> Self {
        LengthLimit::DEFAULT_PASSWORD
    }
}

/// What `<SecurityCap>` says about passwords and the reset features behind them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityCap {
    /// `LoginPasswordLenLimit`; 8..16 when absent.
    pub password_length: LengthLimit,
    /// `SecurityAnswerLenLimit`, when the device reports one.
    pub security_answer_length: Option<LengthLimit>,
    /// `keyIterateNum`, the hash rounds for `security=1` keys; [`DEFAULT_KEY_ITERATE_NUM`] when absent.
    pub key_iterate_num: u32,
    /// `isIrreversible`: passwords are stored salted, so keys mix in user and salt; `false` when absent.
    pub is_irreversible: bool,
    /// `salt`, used with `is_irreversible`.
    pub salt: Option<String>,
    /// `isSupportSecurityEmail`: a recovery email can be reserved; `false` when absent.
    pub supports_security_email: bool,
    /// `isSupportSecurityQuestionConfig`: security questions can be set; `false` when absent.
    pub supports_security_question_config: bool,
    /// `isSupportUserCheck`: `/ISAPI/Security/userCheck` works; `false` when absent.
    pub supports_user_check: bool,
    /// `securityVersion@opt`, verbatim.
    pub security_version: Option<String>,
    /// `RSAKeyLength@def` (or `@opt` when there is no default).
    pub rsa_key_length: Option<u32>,
    /// `isSupportSyncIPCPassword` [assumed]: an NVR can push its password to its cameras.
    /// SADP's `SyncIPCPassword` [seen] says the same; `None` when the answer does not say.
    pub supports_sync_ipc_password: Option<bool>,
}

impl Default for SecurityCap {
    fn default() -> Self {
        SecurityCap {
            password_length: LengthLimit::DEFAULT_PASSWORD,
            security_answer_length: None,
            key_iterate_num: DEFAULT_KEY_ITERATE_NUM,
            is_irreversible: false,
            salt: None,
            supports_security_email: false,
            supports_security_question_config: false,
            supports_user_check: false,
            security_version: None,
            rsa_key_length: None,
            supports_sync_ipc_password: None,
        }
    }
}

impl SecurityCap {
    /// Reads the capabilities; unknown elements are ignored, missing ones take their defaults.
    pub fn from_xml(xml: &str) -> Result<Self, ParseError> {
        let root = read_xml(xml, CONTEXT)?;
        if !root.is("SecurityCap") {
            return Err(ParseError::UnexpectedRoot {
                context: CONTEXT,
                expected: "SecurityCap",
                found: root.name,
            });
        }
        let password_length = match root.find("LoginPasswordLenLimit") {
            Some(e) => LengthLimit::from_element(
                e,
                LengthLimit::DEFAULT_PASSWORD,
                "LoginPasswordLenLimit",
            )?,
            None => LengthLimit::DEFAULT_PASSWORD,
        };
        let security_answer_length = root
            .find("SecurityAnswerLenLimit")
            .map(|e| {
                LengthLimit::from_element(
                    e,
                    LengthLimit { min: 1, max: 128 },
                    "SecurityAnswerLenLimit",
                )
            })
            .transpose()?;
        let key_iterate_num = match root.text_of("keyIterateNum") {
            None => DEFAULT_KEY_ITERATE_NUM,
            Some(t) => t.parse().map_err(|_| ParseError::InvalidValue {
                context: CONTEXT,
                field: "keyIterateNum".into(),
                value: t.into(),
            })?,
        };
        let rsa = root.find("RSAKeyLength");
        let rsa_key_length = rsa
            .and_then(|e| e.attr("def").or(e.attr("opt")).or(e.value()))
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok());
        Ok(SecurityCap {
            password_length,
            security_answer_length,
            key_iterate_num,
            is_irreversible: root.bool_of("isIrreversible").unwrap_or(false),
            salt: root.text_of("salt").map(str::to_owned),
            supports_security_email: root.bool_of("isSupportSecurityEmail").unwrap_or(false),
            supports_security_question_config: root
                .bool_of("isSupportSecurityQuestionConfig")
                .unwrap_or(false),
            supports_user_check: root.bool_of("isSupportUserCheck").unwrap_or(false),
            security_version: root
                .find("securityVersion")
                .and_then(|e| e.attr("opt").or(e.value()))
                .filter(|v| !v.is_empty())
                .map(str::to_owned),
            rsa_key_length,
            supports_sync_ipc_password: root.bool_of("isSupportSyncIPCPassword"),
        })
    }

    /// Writes `<SecurityCap>` in the `isapi.org/ver20` namespace.
    pub fn to_xml(&self) -> String {
        self.to_xml_with(XmlNamespace::IsapiVer20)
    }

    /// Writes `<SecurityCap>` declaring the given namespace.
    pub fn to_xml_with(&self, ns: XmlNamespace) -> String {
        let mut w = XmlWriter::new("SecurityCap", ns);
        if let Some(v) = &self.security_version {
            w.raw(&format!("<securityVersion opt=\"{}\"/>", escape(v)));
        }
        w.text("keyIterateNum", self.key_iterate_num);
        w.text("isSupportUserCheck", self.supports_user_check);
        if let Some(bits) = self.rsa_key_length {
            w.raw(&format!("<RSAKeyLength opt=\"{bits}\" def=\"{bits}\"/>"));
        }
        w.text(
            "isSupportSecurityQuestionConfig",
            self.supports_security_question_config,
        );
        w.text("isSupportSecurityEmail", self.supports_security_email);
        w.open("SecurityLimits");
        let LengthLimit { min, max } = self.password_length;
        w.raw(&format!(
            "<LoginPasswordLenLimit min=\"{min}\" max=\"{max}\">{min}</LoginPasswordLenLimit>"
        ));
        if let Some(LengthLimit { min, max }) = self.security_answer_length {
            w.raw(&format!(
                "<SecurityAnswerLenLimit min=\"{min}\" max=\"{max}\"/>"
            ));
        }
        w.close();
        w.opt("isSupportSyncIPCPassword", self.supports_sync_ipc_password);
        w.text("isIrreversible", self.is_irreversible);
        w.opt("salt", self.salt.as_deref());
        w.finish()
    }
}
