//! Session login: the challenge answer (`SessionLoginCap`), the hash and the login body.
//! A successful login with the new password is how the wizard proves a reset worked.

use serde::{Deserialize, Serialize};

use crate::field_crypto::sha256_hex;
use crate::isapi::read_xml;
use crate::xml::XmlWriter;
use crate::{ParseError, XmlNamespace};

const CAP_CONTEXT: &str = "session login capabilities";
const LOGIN_CONTEXT: &str = "session login";

/// The `sessionIDVersion` that adds the `salt2` round to the hash.
pub const SESSION_ID_VERSION_2_1: &str = "2.1";

/// `<SessionLoginCap>`: the challenge a login answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionLoginCap {
    /// `sessionID`, echoed in the login body.
    pub session_id: String,
    /// `challenge`, mixed into the hash.
    pub challenge: String,
    /// `iterations`: hash rounds; devices differ, so it is required, never assumed.
    pub iterations: u32,
    /// `isIrreversible`: the hash starts from the salted stored form; `false` when absent.
    pub is_irreversible: bool,
    /// `sessionIDVersion`, e.g. "2.1".
    pub session_id_version: Option<String>,
    /// `salt` (irreversible devices).
    pub salt: Option<String>,
    /// `salt2` (`sessionIDVersion` 2.1).
    pub salt2: Option<String>,
}

impl SessionLoginCap {
    /// Reads the capabilities; `sessionID`, `challenge` and `iterations` are required.
    pub fn from_xml(xml: &str) -> Result<Self, ParseError> {
        let root = read_xml(xml, CAP_CONTEXT)?;
        let required = |name: &str| -> Result<String, ParseError> {
            root.text_of(name)
                .map(str::to_owned)
                .ok_or_else(|| ParseError::MissingField {
                    context: CAP_CONTEXT,
                    field: name.into(),
                })
        };
        let iterations_text = required("iterations")?;
        let iterations = iterations_text
            .parse()
            .map_err(|_| ParseError::InvalidValue {
                context: CAP_CONTEXT,
                field: "iterations".into(),
                value: iterations_text.clone(),
            })?;
        Ok(SessionLoginCap {
            session_id: required("sessionID")?,
            challenge: required("challenge")?,
            iterations,
            is_irreversible: root.bool_of("isIrreversible").unwrap_or(false),
            session_id_version: root.text_of("sessionIDVersion").map(str::to_owned),
            salt: root.text_of("salt").map(str::to_owned),
            salt2: root.text_of("salt2").map(str::to_owned),
        })
    }

    /// Writes `<SessionLoginCap>` in the `hikvision.com/ver20` namespace.
    pub fn to_xml(&self) -> String {
        self.to_xml_with(XmlNamespace::HikvisionVer20)
    }

    /// Writes `<SessionLoginCap>` declaring the given namespace.
    pub fn to_xml_with(&self, ns: XmlNamespace) -> String {
        let mut w = XmlWriter::new("SessionLoginCap", ns);
        w.text("sessionID", &self.session_id)
            .text("challenge", &self.challenge)
            .text("iterations", self.iterations)
            .text("isIrreversible", self.is_irreversible)
            .opt("sessionIDVersion", self.session_id_version.as_deref())
            .opt("salt", self.salt.as_deref())
            .opt("salt2", self.salt2.as_deref());
        w.finish()
    }
}

/// The session-login hash a device's capabilities select, in the web UI's branch order (see
/// `shared/protocol/isapi.md`, "Session login hash"): `sessionIDVersion` "2.1" first, whatever
/// `isIrreversible` says, then `isIrreversible`, then the plain hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LoginHashVariant {
    /// `sessionIDVersion` 2.1: `H(user + salt2 + H(user + salt + password))`, then the challenge.
    Salt2,
    /// `isIrreversible`: `H(user + salt + password)`, then the challenge.
    Irreversible,
    /// Neither: `H(password) + challenge`.
    Plain,
}

impl LoginHashVariant {
    /// The variant for these capability values.
    pub fn select(session_id_version: Option<&str>, is_irreversible: bool) -> Self {
        if session_id_version.map(str::trim) == Some(SESSION_ID_VERSION_2_1) {
            LoginHashVariant::Salt2
        } else if is_irreversible {
            LoginHashVariant::Irreversible
        } else {
            LoginHashVariant::Plain
        }
    }

    /// The variant in a few words.
    pub fn describe(self) -> &'static str {
        match self {
            LoginHashVariant::Salt2 => {
                "sessionIDVersion 2.1: salt, then salt2, then the challenge (needs salt and salt2)"
            }
            LoginHashVariant::Irreversible => "irreversible: salt, then the challenge (needs salt)",
            LoginHashVariant::Plain => "plain: the password's hash, then the challenge",
        }
    }
}

impl SessionLoginCap {
    /// Which login hash these capabilities select.
    pub fn hash_variant(&self) -> LoginHashVariant {
        LoginHashVariant::select(self.session_id_version.as_deref(), self.is_irreversible)
    }

    /// Whether the device asks for the `sessionIDVersion` 2.1 login: the salt2 hash and the
    /// longer body, whatever `isIrreversible` says.
    pub fn is_version_2_1(&self) -> bool {
        self.hash_variant() == LoginHashVariant::Salt2
    }
}

/// The 2.1 login's intermediate value, `H(user + salt2 + H(user + salt + pwd))`: what the
/// web UI keeps ("encodepass") and derives the field key from after such a login.
fn version_2_1_intermediate(cap: &SessionLoginCap, user: &str, password: &str) -> String {
    let salt = cap.salt.as_deref().unwrap_or("");
    let salt2 = cap.salt2.as_deref().unwrap_or("");
    let a = sha256_hex(&format!("{user}{salt}{password}"));
    sha256_hex(&format!("{user}{salt2}{a}"))
}

/// The login hash, with the loops exactly as the device's web UI runs them; the 2.1 test comes
/// first, as in the UI.
pub fn session_login_hash(cap: &SessionLoginCap, user: &str, password: &str) -> String {
    let challenge = &cap.challenge;
    let salted = match cap.hash_variant() {
        LoginHashVariant::Salt2 => version_2_1_intermediate(cap, user, password),
        LoginHashVariant::Irreversible => {
            let salt = cap.salt.as_deref().unwrap_or("");
            sha256_hex(&format!("{user}{salt}{password}"))
        }
        LoginHashVariant::Plain => {
            let mut a = format!("{}{challenge}", sha256_hex(password));
            for _ in 1..cap.iterations {
                a = sha256_hex(&a);
            }
            return a;
        }
    };
    let mut a = sha256_hex(&format!("{salted}{challenge}"));
    for _ in 2..cap.iterations {
        a = sha256_hex(&a);
    }
    a
}

/// What the field key is derived from after a login answering `cap`: the 2.1 intermediate
/// value after a 2.1 login, the password itself otherwise (the NVR web UI's `encodePwd`).
pub fn field_key_secret(cap: &SessionLoginCap, user: &str, password: &str) -> String {
    if cap.is_version_2_1() {
        version_2_1_intermediate(cap, user, password)
    } else {
        password.to_owned()
    }
}

/// `<SessionLogin>`: the body of `POST /ISAPI/Security/sessionLogin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionLogin {
    /// `userName`.
    pub user_name: String,
    /// `password`: the hash from [`session_login_hash`], never the password itself.
    pub password: String,
    /// `sessionID` from the capabilities.
    pub session_id: String,
    /// `sessionIDVersion` "2.1" with `isSessionIDValidLongTerm` false, for a 2.1 login; the
    /// older body carries neither.
    pub version_2_1: bool,
}

impl SessionLogin {
    /// The login body answering `cap` for `user` with `password`.
    pub fn new(cap: &SessionLoginCap, user: &str, password: &str) -> Self {
        SessionLogin {
            user_name: user.to_owned(),
            password: session_login_hash(cap, user, password),
            session_id: cap.session_id.clone(),
            version_2_1: cap.is_version_2_1(),
        }
    }

    /// Reads a login body (for devsim); user, password and session are required.
    pub fn from_xml(xml: &str) -> Result<Self, ParseError> {
        let root = read_xml(xml, LOGIN_CONTEXT)?;
        let required = |name: &str| -> Result<String, ParseError> {
            root.text_of(name)
                .map(str::to_owned)
                .ok_or_else(|| ParseError::MissingField {
                    context: LOGIN_CONTEXT,
                    field: name.into(),
                })
        };
        Ok(SessionLogin {
            user_name: required("userName")?,
            password: required("password")?,
            session_id: required("sessionID")?,
            version_2_1: root.text_of("sessionIDVersion").map(str::trim)
                == Some(SESSION_ID_VERSION_2_1),
        })
    }

    /// Writes the body as the web UI sends it (no namespace): the 2.1 body adds
    /// `isSessionIDValidLongTerm` and `sessionIDVersion`.
    pub fn to_xml(&self) -> String {
        let mut w = XmlWriter::bare("", "SessionLogin");
        w.text("userName", &self.user_name)
            .text("password", &self.password)
            .text("sessionID", &self.session_id);
        if self.version_2_1 {
            w.text("isSessionIDValidLongTerm", false)
                .text("sessionIDVersion", SESSION_ID_VERSION_2_1);
        }
        w.finish()
    }
}
