//! Every protocol detail public sources do not confirm ([assumed] in the notes), held as data,
//! and the vendor's recovery mailboxes; a real capture corrects these values, never the code.

use serde::{Deserialize, Serialize};

use crate::isapi::{paths, SecurityCap};
use crate::json_path::JsonPath;
use crate::ParseError;

/// How the secret fields of a pre-login call (reset code, new password) travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SecretFieldScheme {
    /// In clear, as the mobile web UI sends `security1` fields (over HTTPS when the device offers it).
    #[default]
    Plaintext,
    /// The web UI's `security=1` scheme: AES-128-CBC under a key derived from a password.
    Security1,
}

/// Where the parts of the `email/qrCode` answer sit: each list is tried in order, the
/// documented place first; devsim writes each part at the first path of its list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QrAnswerShape {
    /// The QR content to draw.
    pub content: Vec<JsonPath>,
    /// The reserved recovery address (usually masked).
    pub reserved_email: Vec<JsonPath>,
    /// The mailbox the device itself says to send the QR picture to.
    pub server_mailbox: Vec<JsonPath>,
    /// Whether the device's own page shows the privacy statement.
    pub disclaimer: Vec<JsonPath>,
}

impl Default for QrAnswerShape {
    fn default() -> Self {
        QrAnswerShape {
            content: paths_of(&[QR_CONTENT_DOCUMENTED, QR_CONTENT_EARLY_GUESS]),
            reserved_email: paths_of(&["SecurityEmailQrCode.SecurityInformation[*].emailAddress"]),
            server_mailbox: paths_of(&["SecurityEmailQrCode.serverEmailAddress"]),
            disclaimer: paths_of(&["SecurityEmailQrCode.isDisclaimerDisplay"]),
        }
    }
}

/// Where the ISAPI developer guide (message JSON_SecurityEmailQrCode) puts the QR content.
pub const QR_CONTENT_DOCUMENTED: &str = "SecurityEmailQrCode.SecurityInformation[*].qrCode";
/// The first working guess, with no public evidence: kept as a fallback only.
pub const QR_CONTENT_EARLY_GUESS: &str = "QRCode.content";
/// Where the guide (JSON_SecurityEmail) and an older device UI read the reserved address.
pub const RECOVERY_EMAIL_DOCUMENTED: &str = "SecurityEmail.SecurityInformation[*].emailAddress";
/// The first working guess for the reserved address: a fallback only.
pub const RECOVERY_EMAIL_EARLY_GUESS: &str = "EmailParameter.emailAddress";
/// The no-reserved-e-mail `subStatusCode` the device UIs' error table names [seen].
pub const NO_RESERVED_EMAIL_SEEN: &str = "noSetSecurityEmail";
/// The first working guess for that `subStatusCode`: still recognised.
pub const NO_RESERVED_EMAIL_EARLY_GUESS: &str = "noReservedEmail";

fn paths_of(texts: &[&str]) -> Vec<JsonPath> {
    texts
        .iter()
        .filter_map(|t| JsonPath::parse(t).ok())
        .collect()
}

/// Every protocol detail that differs between firmware or lacks public evidence, as data.
/// `DeviceProfile::default()` reads the documented shapes first and the earlier guesses as
/// fallbacks; [`DeviceProfile::evidence`] says which field rests on what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeviceProfile {
    /// A name for logs and devsim's command line.
    pub name: String,
    /// Where the `email/qrCode` answer keeps its parts.
    pub qr_answer: QrAnswerShape,
    /// Where the `GET email/parameter` answer keeps the reserved address, tried in order.
    pub recovery_email: Vec<JsonPath>,
    /// The object wrapping `securityCode`/`resetPassword` in the `emailCertification` body,
    /// or `None` for a flat body ([assumed]: `EmailCertification`).
    pub email_certification_wrapper: Option<String>,
    /// How the `emailCertification` secrets are protected before anyone is logged in:
    /// plaintext, or `security=1` under the key of the empty password.
    pub email_certification_secrets: SecretFieldScheme,
    /// The `subStatusCode` for a wrong reset code ([assumed]: `verificationCodeError`).
    pub wrong_code_sub_status: String,
    /// The `subStatusCode` for an expired reset code ([assumed]: `verificationCodeExpired`).
    pub expired_code_sub_status: String,
    /// The `subStatusCode`s meaning "no reserved recovery e-mail"; devsim answers the first.
    pub no_reserved_email_sub_statuses: Vec<String>,
    /// Element names of the security-question bodies (`questionConfiguration` read and set,
    /// `questionCertification`); paths are seen, bodies [assumed].
    pub questions: QuestionShape,
    /// How the answers and new password of `questionCertification` travel ([assumed]: plaintext,
    /// as for the e-mail reset: nobody is logged in).
    pub question_certification_secrets: SecretFieldScheme,
    /// The GUID-file reset call: not in the notes at all ([assumed]:
    /// `PUT /ISAPI/Security/GUIDFileData/certification?format=json`).
    pub guid_reset: AssumedCall,
    /// The object wrapping the GUID-file reset body, or `None` for a flat body
    /// ([assumed]: `GUIDFileCertification`).
    pub guid_reset_wrapper: Option<String>,
    /// The key carrying the GUID file, base64-encoded ([assumed]: `GUIDFileData`).
    pub guid_reset_file_key: String,
    /// How the new password of the GUID-file reset travels ([assumed]: plaintext).
    pub guid_reset_secrets: SecretFieldScheme,
    /// The NVR call pushing the admin password to its cameras: the path is seen
    /// (`/ISAPI/ContentMgmt/InputProxy/syncIPCPasswd`), the method and body [assumed].
    pub sync_ipc_password: AssumedCall,
    /// How logged-in calls protect the passwords and answers they carry, when the device asks
    /// for field encryption (its capabilities report a `securityVersion`): `security=1` [seen].
    pub logged_in_secrets: SecretFieldScheme,
}

/// An ISAPI call no public source names, held as data so a capture corrects it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssumedCall {
    /// The HTTP method, upper case.
    pub method: String,
    /// The exact path.
    pub path: String,
    /// Query keys the call carries besides `security`/`iv` (e.g. `format`).
    pub query_keys: Vec<String>,
}

impl AssumedCall {
    fn new(method: &str, path: &str, query_keys: &[&str]) -> Self {
        AssumedCall {
            method: method.into(),
            path: path.into(),
            query_keys: query_keys.iter().map(|k| (*k).to_owned()).collect(),
        }
    }

    /// Whether the call asks for JSON (`format=json`).
    pub fn is_json(&self) -> bool {
        self.query_keys.iter().any(|k| k == "format")
    }

    /// The path with `format=json` when the call takes it, ready for an extra `&security=1..`.
    pub fn path_and_query(&self) -> String {
        if self.is_json() {
            format!("{}?format=json", self.path)
        } else {
            self.path.clone()
        }
    }
}

/// The element names of the security-question bodies ([assumed]; only the paths are seen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QuestionShape {
    /// Root of the `questionConfiguration` read and set bodies (`SecurityQuestion`).
    pub configuration_root: String,
    /// Root of the `questionCertification` body (`QuestionCertification`).
    pub certification_root: String,
    /// The list element (`QuestionList`).
    pub list: String,
    /// One question (`Question`).
    pub item: String,
    /// The question's number in the device's catalogue (`id`).
    pub id: String,
    /// Whether an answer is set for it, in the read body (`mark`).
    pub answered: String,
    /// The answer, in the set and certification bodies (`answer`).
    pub answer: String,
    /// The admin password in the set body (`password`).
    pub admin_password: String,
    /// The new password in the certification body (`resetPassword`, as the e-mail reset's).
    pub reset_password: String,
}

impl Default for QuestionShape {
    fn default() -> Self {
        QuestionShape {
            configuration_root: "SecurityQuestion".into(),
            certification_root: "QuestionCertification".into(),
            list: "QuestionList".into(),
            item: "Question".into(),
            id: "id".into(),
            answered: "mark".into(),
            answer: "answer".into(),
            admin_password: "password".into(),
            reset_password: "resetPassword".into(),
        }
    }
}

impl Default for DeviceProfile {
    fn default() -> Self {
        DeviceProfile {
            name: "documented".into(),
            qr_answer: QrAnswerShape::default(),
            recovery_email: paths_of(&[RECOVERY_EMAIL_DOCUMENTED, RECOVERY_EMAIL_EARLY_GUESS]),
            email_certification_wrapper: Some("EmailCertification".into()),
            email_certification_secrets: SecretFieldScheme::Plaintext,
            wrong_code_sub_status: "verificationCodeError".into(),
            expired_code_sub_status: "verificationCodeExpired".into(),
            no_reserved_email_sub_statuses: vec![
                NO_RESERVED_EMAIL_SEEN.into(),
                NO_RESERVED_EMAIL_EARLY_GUESS.into(),
            ],
            questions: QuestionShape::default(),
            question_certification_secrets: SecretFieldScheme::Plaintext,
            guid_reset: AssumedCall::new("PUT", paths::ASSUMED_GUID_RESET, &["format"]),
            guid_reset_wrapper: Some("GUIDFileCertification".into()),
            guid_reset_file_key: "GUIDFileData".into(),
            guid_reset_secrets: SecretFieldScheme::Plaintext,
            sync_ipc_password: AssumedCall::new("PUT", paths::SYNC_IPC_PASSWORD, &["format"]),
            logged_in_secrets: SecretFieldScheme::Security1,
        }
    }
}

impl DeviceProfile {
    /// How a logged-in call to a device with these capabilities protects its secret fields:
    /// the profile's scheme when the device reports a `securityVersion`, plaintext otherwise
    /// (old firmware without the scheme).
    pub fn logged_in_scheme(&self, cap: &SecurityCap) -> SecretFieldScheme {
        if cap.security_version.is_some() {
            self.logged_in_secrets
        } else {
            SecretFieldScheme::Plaintext
        }
    }

    /// The profile devsim answers with when told to act out the earlier working guesses
    /// (`{"QRCode":{"content":..}}`, `EmailParameter`, `noReservedEmail`), so the wizard's
    /// fallbacks stay tested.
    pub fn early_guesses() -> Self {
        DeviceProfile {
            name: "early-guesses".into(),
            qr_answer: QrAnswerShape {
                content: paths_of(&[QR_CONTENT_EARLY_GUESS]),
                reserved_email: Vec::new(),
                server_mailbox: Vec::new(),
                disclaimer: Vec::new(),
            },
            recovery_email: paths_of(&[RECOVERY_EMAIL_EARLY_GUESS]),
            no_reserved_email_sub_statuses: vec![NO_RESERVED_EMAIL_EARLY_GUESS.into()],
            ..DeviceProfile::default()
        }
    }

    /// The documented shapes, with the reset code and new password sent under `security=1`
    /// with the key of the empty password, as the NVR web UI keys calls made before a login.
    pub fn security1_before_login() -> Self {
        DeviceProfile {
            name: "security1-before-login".into(),
            email_certification_secrets: SecretFieldScheme::Security1,
            ..DeviceProfile::default()
        }
    }

    /// The named profiles devsim and the proxy can be started with.
    pub fn preset(name: &str) -> Option<Self> {
        match name.trim() {
            "documented" => Some(DeviceProfile::default()),
            "early-guesses" => Some(DeviceProfile::early_guesses()),
            "security1-before-login" => Some(DeviceProfile::security1_before_login()),
            _ => None,
        }
    }

    /// The names [`DeviceProfile::preset`] knows.
    pub const PRESETS: [&'static str; 3] =
        ["documented", "early-guesses", "security1-before-login"];

    /// Each field of the profile with its value and what it rests on, in field order.
    pub fn evidence(&self) -> Vec<FieldEvidence> {
        let values = serde_json::to_value(self).unwrap_or_default();
        PROFILE_EVIDENCE
            .iter()
            .map(|(field, evidence)| FieldEvidence {
                field,
                value: values.get(*field).cloned().unwrap_or_default(),
                evidence: *evidence,
            })
            .collect()
    }

    /// [`DeviceProfile::evidence`] as a plain-text table, one field per line.
    pub fn evidence_table(&self) -> String {
        let mut out = format!(
            "Device profile \"{}\": field | value | evidence\n",
            self.name
        );
        for row in self.evidence() {
            out.push_str(&format!(
                "{} | {} | {}\n",
                row.field, row.value, row.evidence
            ));
        }
        out
    }

    /// Reads a profile from JSON (e.g. one written after a capture); missing keys keep the defaults.
    pub fn from_json(json: &str) -> Result<Self, ParseError> {
        serde_json::from_str(json).map_err(|e| ParseError::Json {
            context: "device profile",
            detail: e.to_string(),
        })
    }
}

/// One vendor mailbox the exported QR picture is e-mailed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryMailbox {
    /// What an embedding page may pass to choose this mailbox (never an address).
    pub key: &'static str,
    /// The address to send the QR picture to.
    pub address: &'static str,
    /// Which devices or region it serves, in a few words.
    pub serves: &'static str,
    /// Where the address was read, so anyone can check it.
    pub source: &'static str,
}

/// The key of the mailbox used when none (or an unknown one) is asked for.
pub const DEFAULT_MAILBOX_KEY: &str = "global";

/// The recovery mailboxes we could source from public vendor manuals; kept small on purpose
/// (no guessed regional addresses: a wrong address silently loses the user's QR code).
pub const RECOVERY_MAILBOXES: &[RecoveryMailbox] = &[
    RecoveryMailbox {
        key: DEFAULT_MAILBOX_KEY,
        address: "pw_recovery@hikvision.com",
        serves: "Hikvision-branded devices, all regions",
        source: "Hikvision camera and NVR user manuals, \"Reset Password by Reserved Email\"",
    },
    RecoveryMailbox {
        key: "guarding-vision",
        address: "pw_recovery@device-service.com",
        serves: "OEM devices managed with the Guarding Vision app",
        source: "NVST HNR series NVR user manual, \"Reset Password by Reserved Email\"",
    },
];

/// The mailbox for `key` (case-insensitive), if the table has it.
pub fn find_recovery_mailbox(key: &str) -> Option<&'static RecoveryMailbox> {
    RECOVERY_MAILBOXES
        .iter()
        .find(|m| m.key.eq_ignore_ascii_case(key.trim()))
}

/// The mailbox for `key`, or the global one when the key is unknown.
pub fn recovery_mailbox(key: &str) -> &'static RecoveryMailbox {
    find_recovery_mailbox(key).unwrap_or(&RECOVERY_MAILBOXES[0])
}

/// What one profile field rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "source")]
pub enum Evidence {
    /// Read in a public source, named here.
    Seen(&'static str),
    /// Not found in any public source: a guess, with what it rests on.
    Assumed(&'static str),
    /// The documented value first, earlier guesses after it as fallbacks.
    SeenWithFallbacks(&'static str),
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Evidence::Seen(source) => write!(f, "seen: {source}"),
            Evidence::Assumed(why) => write!(f, "assumed: {why}"),
            Evidence::SeenWithFallbacks(source) => {
                write!(f, "seen: {source}; later entries assumed (earlier guesses)")
            }
        }
    }
}

/// One row of [`DeviceProfile::evidence`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldEvidence {
    /// The field's JSON key in a profile file.
    pub field: &'static str,
    /// Its value in this profile.
    pub value: serde_json::Value,
    /// What it rests on.
    pub evidence: Evidence,
}

const NVR_UI: &str = "NVR web UI request table (wacelvpn-png/NVR, doc/js/index.76895487.js)";

/// The evidence for every profile field, keyed as in a profile file; a test checks that no
/// field is missing here.
const PROFILE_EVIDENCE: [(&str, Evidence); 16] = [
    ("name", Evidence::Seen("a label, not a protocol detail")),
    (
        "qrAnswer",
        Evidence::SeenWithFallbacks(
            "ISAPI developer guide, message JSON_SecurityEmailQrCode (SecurityInformation[].qrCode, emailAddress, serverEmailAddress, isDisclaimerDisplay)",
        ),
    ),
    (
        "recoveryEmail",
        Evidence::SeenWithFallbacks(
            "ISAPI developer guide, message JSON_SecurityEmail; older SeaJS device UI reads SecurityEmail.SecurityInformation[0].emailAddress",
        ),
    ),
    (
        "emailCertificationWrapper",
        Evidence::Assumed("field names securityCode/resetPassword are seen in the NVR web UI; the wrapper is not"),
    ),
    (
        "emailCertificationSecrets",
        Evidence::Assumed("the NVR web UI lists both fields as security1 and keys calls before login on the empty password; the mobile UI sends them in clear; which a device expects is not known"),
    ),
    ("wrongCodeSubStatus", Evidence::Assumed("no source names the subStatusCode of a wrong e-mailed code")),
    ("expiredCodeSubStatus", Evidence::Assumed("no source names the subStatusCode of an expired e-mailed code")),
    (
        "noReservedEmailSubStatuses",
        Evidence::SeenWithFallbacks("device UIs' error table, noSetSecurityEmail"),
    ),
    (
        "questions",
        Evidence::Assumed("paths seen; element names of questionConfiguration and questionCertification bodies not public; the read needs a login, so answers may be numbered by their position on the device's page"),
    ),
    (
        "questionCertificationSecrets",
        Evidence::Assumed("the UI request table lists no secret fields for questionAuth; plaintext"),
    ),
    ("guidReset", Evidence::Assumed("no public source names the GUID-file reset call")),
    ("guidResetWrapper", Evidence::Assumed("no public source shows the GUID-file reset body")),
    ("guidResetFileKey", Evidence::Assumed("no public source shows the GUID-file reset body")),
    ("guidResetSecrets", Evidence::Assumed("no public source shows the GUID-file reset body")),
    (
        "syncIpcPassword",
        Evidence::Assumed("path seen in three web UIs (userSyncIPCPassword: /ISAPI/ContentMgmt/InputProxy/syncIPCPasswd); method PUT, format=json and the body are guesses"),
    ),
    ("loggedInSecrets", Evidence::Seen(NVR_UI)),
];

#[cfg(test)]
mod evidence_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_profile_field_names_its_evidence() {
        let value = serde_json::to_value(DeviceProfile::default()).unwrap();
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        let rows: Vec<&str> = PROFILE_EVIDENCE.iter().map(|(field, _)| *field).collect();
        for key in &keys {
            assert!(rows.contains(&key.as_str()), "no evidence for {key}");
        }
        assert_eq!(
            keys.len(),
            rows.len(),
            "evidence rows for fields that do not exist"
        );
        let table = DeviceProfile::default().evidence_table();
        println!("{table}");
        assert!(table.contains("qrAnswer |"));
        assert!(table.contains("assumed: no source names the subStatusCode"));
    }

    #[test]
    fn presets_are_found_by_name() {
        for name in DeviceProfile::PRESETS {
            assert_eq!(DeviceProfile::preset(name).unwrap().name, name);
        }
        assert!(DeviceProfile::preset("nope").is_none());
    }
}
