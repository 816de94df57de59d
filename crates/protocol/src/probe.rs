//! The read-only field check of a real device (`reset-proxy probe`, and the wizard's "Save a probe
//! report"): which calls it makes, what it looks for in each answer, and the report it writes.
//! Pure assessment only: the proxy makes the calls and redacts the bodies with [`crate::transcript`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::isapi::{
    paths, ActivationStatus, ExternCapabilities, ResetMode, ResponseStatus, SecurityCap,
    SecurityEmailCap,
};
use crate::login::SessionLoginCap;
use crate::xml::{self, Element, Leniency};
use crate::{json, ParseError};

/// What the `format` field of a probe report says.
pub const FORMAT: &str = "reset-wizard-probe";
/// The version of the probe report format.
pub const VERSION: u32 = 1;

/// What every report says about itself, so a reader of a bug report knows the device was safe.
pub const READ_ONLY_NOTE: &str = "Read-only check: only the GET requests listed below were sent, \
     reads the device answers without a login. Nothing was changed on the device: no QR code \
     exported, no login, no setting written, no code or password tried.";

/// One call of the probe, in the order it runs them. Every one is a `GET` that the device
/// answers without a login and that changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ProbeStep {
    /// `GET /SDK/activateStatus`.
    ActivateStatus,
    /// `GET /ISAPI/Security/capabilities?username=admin`.
    SecurityCapabilities,
    /// `GET /ISAPI/Security/extern/capabilities`.
    ExternCapabilities,
    /// `GET /ISAPI/Security/email/parameter/capabilities?format=json`.
    EmailParameterCapabilities,
    /// `GET /ISAPI/Security/sessionLogin/capabilities?username=admin` (a challenge is handed
    /// out, never answered: no login is tried).
    SessionLoginCapabilities,
}

impl ProbeStep {
    /// Every call, in the order the probe makes them.
    pub const ALL: [ProbeStep; 5] = [
        ProbeStep::ActivateStatus,
        ProbeStep::SecurityCapabilities,
        ProbeStep::ExternCapabilities,
        ProbeStep::EmailParameterCapabilities,
        ProbeStep::SessionLoginCapabilities,
    ];

    /// The method of every probe call.
    pub const METHOD: &'static str = "GET";

    /// The device path and query this call requests.
    pub fn path_and_query(self) -> String {
        match self {
            ProbeStep::ActivateStatus => paths::ACTIVATE_STATUS.to_owned(),
            ProbeStep::SecurityCapabilities => {
                format!("{}?username=admin", paths::SECURITY_CAPABILITIES)
            }
            ProbeStep::ExternCapabilities => paths::EXTERN_CAPABILITIES.to_owned(),
            ProbeStep::EmailParameterCapabilities => {
                format!("{}?format=json", paths::EMAIL_PARAMETER_CAPABILITIES)
            }
            ProbeStep::SessionLoginCapabilities => {
                format!("{}?username=admin", paths::SESSION_LOGIN_CAPABILITIES)
            }
        }
    }

    /// What the answer is, in a few words.
    pub fn title(self) -> &'static str {
        match self {
            ProbeStep::ActivateStatus => "activation status",
            ProbeStep::SecurityCapabilities => "security capabilities",
            ProbeStep::ExternCapabilities => "reset modes",
            ProbeStep::EmailParameterCapabilities => "recovery e-mail capabilities",
            ProbeStep::SessionLoginCapabilities => "session login capabilities",
        }
    }

    /// The fields the wizard relies on in this answer; any of them absent is reported missing.
    pub fn expected_fields(self) -> &'static [&'static str] {
        match self {
            ProbeStep::ActivateStatus => &["Activated"],
            ProbeStep::SecurityCapabilities => &[
                "securityVersion",
                "isIrreversible",
                "salt",
                "keyIterateNum",
                "LoginPasswordLenLimit",
            ],
            ProbeStep::ExternCapabilities => &[
                "isSupportWithSecurityEmail",
                "isSupportWithGUIDFileData",
                "isSupportWithSecurityQuestion",
                "isSupportWithHCApp",
            ],
            ProbeStep::EmailParameterCapabilities => &[
                SecurityEmailCap::WRAPPER,
                "emailAddress",
                "emailAddress@min",
                "emailAddress@max",
            ],
            ProbeStep::SessionLoginCapabilities => &[
                "sessionID",
                "challenge",
                "iterations",
                "isIrreversible",
                "sessionIDVersion",
                "salt",
                "salt2",
            ],
        }
    }

    /// Fields the wizard reads when present and does without otherwise.
    pub fn optional_fields(self) -> &'static [&'static str] {
        match self {
            ProbeStep::SecurityCapabilities => &[
                "SecurityLimits",
                "SecurityAnswerLenLimit",
                "isSupportSecurityEmail",
                "isSupportSecurityQuestionConfig",
                "isSupportUserCheck",
                "RSAKeyLength",
                "isSupportSyncIPCPassword",
            ],
            ProbeStep::ExternCapabilities => &["minResetAdminPassWordNum"],
            _ => &[],
        }
    }
}

pub use crate::login::LoginHashVariant;

/// What the probe made of one answer: read with the protocol parser, and field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assessment {
    /// Whether the protocol crate's parser for this answer read it.
    pub parsed: bool,
    /// Why it did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parse_error: Option<String>,
    /// Expected and optional fields the answer has, by name.
    #[serde(default)]
    pub found: Vec<String>,
    /// Expected fields the answer lacks.
    #[serde(default)]
    pub missing: Vec<String>,
    /// Other field names in the answer, for what the notes do not know yet.
    #[serde(default)]
    pub other_fields: Vec<String>,
    /// What the values mean for a reset (never a secret value).
    #[serde(default)]
    pub notes: Vec<String>,
    /// For the session login capabilities: which login hash applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_hash: Option<LoginHashVariant>,
}

impl Assessment {
    /// Reads the answer to `step` (HTTP `status`, `body` as sent) field by field and with the
    /// protocol crate's parser. Never fails: whatever the body is, the result says so.
    pub fn of(step: ProbeStep, status: u16, body: &str) -> Self {
        let mut assessment = match step {
            ProbeStep::EmailParameterCapabilities => json_fields(step, body),
            _ => xml_fields(step, body),
        };
        match parsed_notes(step, body) {
            Ok(notes) => {
                assessment.parsed = true;
                assessment.notes.extend(notes);
            }
            Err(err) => assessment.parse_error = Some(err.to_string()),
        }
        if let Ok(status_body) = ResponseStatus::parse(body) {
            let sub = status_body
                .sub_status_code
                .as_deref()
                .map(|s| format!(", subStatusCode {s}"))
                .unwrap_or_default();
            assessment.notes.push(format!(
                "the device answered with a status instead: statusCode {} ({}){sub}",
                status_body.status_code,
                status_body.status_string.as_deref().unwrap_or(""),
            ));
        }
        if !(200..300).contains(&status) {
            assessment
                .notes
                .push(format!("HTTP {status} is not a success status"));
        }
        assessment
    }

    /// Every text of the assessment passed through `f` (the proxy's redaction sweep).
    pub fn map_text(mut self, f: impl Fn(&str) -> String) -> Self {
        self.parse_error = self.parse_error.as_deref().map(&f);
        for text in self
            .found
            .iter_mut()
            .chain(&mut self.missing)
            .chain(&mut self.other_fields)
            .chain(&mut self.notes)
        {
            *text = f(text);
        }
        self
    }
}

/// Which expected, optional and other elements an XML answer holds, and the login hash.
fn xml_fields(step: ProbeStep, body: &str) -> Assessment {
    let mut assessment = Assessment::default();
    let root = match xml::parse(body, Leniency::Strict, "probe") {
        Ok(root) => root,
        Err(_) => {
            assessment.missing = owned(step.expected_fields());
            return assessment;
        }
    };
    let has = |name: &str| root.is(name) || root.find(name).is_some();
    for name in step.expected_fields() {
        if has(name) {
            assessment.found.push((*name).to_owned());
        } else {
            assessment.missing.push((*name).to_owned());
        }
    }
    for name in step.optional_fields() {
        if has(name) {
            assessment.found.push((*name).to_owned());
        }
    }
    let known = |name: &str| {
        step.expected_fields()
            .iter()
            .chain(step.optional_fields())
            .any(|k| k.eq_ignore_ascii_case(name))
    };
    for name in element_names(&root) {
        if !known(&name) && !assessment.other_fields.contains(&name) {
            assessment.other_fields.push(name);
        }
    }
    if step == ProbeStep::SessionLoginCapabilities {
        assessment.login_hash = Some(login_hash_of(&root, &mut assessment.notes));
    }
    assessment
}

/// The names of every element below the root, in document order.
fn element_names(root: &Element) -> Vec<String> {
    let mut names = Vec::new();
    let mut stack: Vec<&Element> = root.children.iter().rev().collect();
    while let Some(element) = stack.pop() {
        names.push(element.name.clone());
        stack.extend(element.children.iter().rev());
    }
    names
}

/// The login hash the capability selects, with a warning for each salt it needs and lacks.
fn login_hash_of(root: &Element, notes: &mut Vec<String>) -> LoginHashVariant {
    let version = root.text_of("sessionIDVersion");
    let irreversible = root.bool_of("isIrreversible").unwrap_or(false);
    let variant = LoginHashVariant::select(version, irreversible);
    notes.push(format!("login hash: {}", variant.describe()));
    let needs: &[&str] = match variant {
        LoginHashVariant::Salt2 => &["salt", "salt2"],
        LoginHashVariant::Irreversible => &["salt"],
        LoginHashVariant::Plain => &[],
    };
    for salt in needs {
        if root.text_of(salt).is_none() {
            notes.push(format!(
                "this login hash needs {salt}, which the answer does not give"
            ));
        }
    }
    if variant == LoginHashVariant::Salt2 && !irreversible {
        notes.push(
            "sessionIDVersion 2.1 without isIrreversible true: the web UI still uses the salt2 hash"
                .to_owned(),
        );
    }
    notes.extend(
        root.text_of("iterations")
            .map(|n| format!("iterations: {n}")),
    );
    variant
}

/// Which members the JSON recovery e-mail capabilities hold.
fn json_fields(step: ProbeStep, body: &str) -> Assessment {
    let mut assessment = Assessment::default();
    let Ok(value) = json::parse(body, "probe") else {
        assessment.missing = owned(step.expected_fields());
        return assessment;
    };
    let wrapper = json::get(&value, SecurityEmailCap::WRAPPER);
    let fields = wrapper.unwrap_or(&value);
    let email = json::get(fields, "emailAddress");
    let present = [
        wrapper.is_some(),
        email.is_some(),
        email.is_some_and(|e| json::get(e, "@min").is_some()),
        email.is_some_and(|e| json::get(e, "@max").is_some()),
    ];
    for (name, present) in step.expected_fields().iter().zip(present) {
        if present {
            assessment.found.push((*name).to_owned());
        } else {
            assessment.missing.push((*name).to_owned());
        }
    }
    let members = |v: &Value| -> Vec<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut other = members(fields);
    if wrapper.is_some() {
        other.extend(members(&value));
    }
    assessment.other_fields = other
        .into_iter()
        .filter(|k| {
            !k.eq_ignore_ascii_case("emailAddress")
                && !k.eq_ignore_ascii_case(SecurityEmailCap::WRAPPER)
        })
        .collect();
    assessment
}

/// Reads the answer with the protocol crate's parser; notes what it says for a reset.
fn parsed_notes(step: ProbeStep, body: &str) -> Result<Vec<String>, ParseError> {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    Ok(match step {
        ProbeStep::ActivateStatus => {
            let status = ActivationStatus::from_xml(body)?;
            vec![format!("activated: {}", yes_no(status.activated))]
        }
        ProbeStep::SecurityCapabilities => {
            let cap = SecurityCap::from_xml(body)?;
            vec![
                format!(
                    "password length: {} to {} characters",
                    cap.password_length.min, cap.password_length.max
                ),
                format!("keyIterateNum: {}", cap.key_iterate_num),
                format!(
                    "securityVersion: {}",
                    cap.security_version.as_deref().unwrap_or("(none)")
                ),
                format!("isIrreversible: {}", cap.is_irreversible),
                format!(
                    "a recovery e-mail can be reserved: {}",
                    yes_no(cap.supports_security_email)
                ),
            ]
        }
        ProbeStep::ExternCapabilities => {
            let modes = ExternCapabilities::from_xml(body)?;
            let offered: Vec<&str> = modes
                .reset_modes()
                .into_iter()
                .filter(|m| m.supported)
                .map(|m| match m.mode {
                    ResetMode::Email => "e-mail",
                    ResetMode::SecurityQuestions => "security questions",
                    ResetMode::GuidFile => "GUID file",
                    ResetMode::HikConnectApp => "Hik-Connect app",
                })
                .collect();
            let offered = if offered.is_empty() {
                "none".to_owned()
            } else {
                offered.join(", ")
            };
            vec![format!("reset modes offered: {offered}")]
        }
        ProbeStep::EmailParameterCapabilities => {
            let cap = SecurityEmailCap::from_json(body)?;
            vec![match cap.email_address_length {
                Some(limit) => format!(
                    "recovery e-mail address length: {} to {} characters",
                    limit.min, limit.max
                ),
                None => "no recovery e-mail length limits reported".to_owned(),
            }]
        }
        ProbeStep::SessionLoginCapabilities => {
            SessionLoginCap::from_xml(body)?;
            Vec::new()
        }
    })
}

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// One probe call and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeCall {
    /// Which call.
    pub step: ProbeStep,
    /// Always [`ProbeStep::METHOD`].
    pub method: String,
    /// The device path and query.
    pub path: String,
    /// `http` or `https`, when the device answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<String>,
    /// The device's HTTP status, when it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The answer's content type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Why there is no answer (unreachable, timeout, TLS, too large, not HTTP), when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// What the answer holds.
    #[serde(flatten)]
    pub assessment: Assessment,
    /// The answer body, every secret replaced by a placeholder.
    #[serde(default)]
    pub body: String,
}

impl ProbeCall {
    /// A call the device answered; `body` is already redacted.
    pub fn answered(
        step: ProbeStep,
        transport: &str,
        status: u16,
        content_type: Option<String>,
        assessment: Assessment,
        body: String,
    ) -> Self {
        ProbeCall {
            transport: Some(transport.to_owned()),
            status: Some(status),
            content_type,
            assessment,
            body,
            ..ProbeCall::failed(step, String::new())
        }
    }

    /// A call that got no answer, and why.
    pub fn failed(step: ProbeStep, failure: String) -> Self {
        ProbeCall {
            step,
            method: ProbeStep::METHOD.to_owned(),
            path: step.path_and_query(),
            transport: None,
            status: None,
            content_type: None,
            failure: (!failure.is_empty()).then_some(failure),
            assessment: Assessment {
                missing: owned(step.expected_fields()),
                ..Assessment::default()
            },
            body: String::new(),
        }
    }
}

/// A whole probe report, ready to attach to a bug report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeReport {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`] of the writer.
    pub version: u32,
    /// The program and version that made it, e.g. `reset-proxy 0.1.0`.
    pub made_by: String,
    /// [`READ_ONLY_NOTE`].
    pub note: String,
    /// The device's address and port as probed.
    pub device: String,
    /// Whether the device answered at least one call over HTTP(S).
    pub reachable: bool,
    /// The calls, in order.
    pub calls: Vec<ProbeCall>,
}

impl ProbeReport {
    /// The report of `calls` to `device`, made by `made_by`.
    pub fn new(made_by: String, device: String, calls: Vec<ProbeCall>) -> Self {
        ProbeReport {
            format: FORMAT.to_owned(),
            version: VERSION,
            made_by,
            note: READ_ONLY_NOTE.to_owned(),
            device,
            reachable: calls.iter().any(|c| c.status.is_some()),
            calls,
        }
    }

    /// Reads a report (the wizard and tests); another format is an error.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        const CONTEXT: &str = "probe report";
        let report: ProbeReport = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| ParseError::Json {
                context: CONTEXT,
                detail: e.to_string(),
            })?;
        if report.format != FORMAT {
            return Err(ParseError::InvalidValue {
                context: CONTEXT,
                field: "format".into(),
                value: report.format,
            });
        }
        Ok(report)
    }

    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
