//! ISAPI bodies a password reset touches: capabilities, activation, status answers, every reset
//! route (e-mail, security questions, GUID file) and the prevention settings.
//! Parsers match local element names only, ignore unknown elements and default what is missing.

mod activation;
mod email_certification;
mod email_parameter;
mod email_parameter_cap;
mod extern_caps;
mod guid_file;
pub mod paths;
mod qr_code;
mod reset_rules;
mod route_gates;
mod security_cap;
mod security_questions;
mod status;
mod sync_ipc;

pub use activation::ActivationStatus;
pub use email_certification::EmailCertification;
pub use email_parameter::{is_plausible_email, EmailParameter, SetEmailParameter, MAX_EMAIL_LEN};
pub use email_parameter_cap::SecurityEmailCap;
pub use extern_caps::{ExternCapabilities, ResetMode, ResetModeSupport};
pub use guid_file::{GuidFile, GuidFileExport, GuidFileReset, MAX_GUID_FILE_BYTES};
pub use qr_code::QrCode;
pub use reset_rules::{LockPolicy, RESET_CODE_VALID_FOR_SECS};
pub use route_gates::RouteGates;
pub use security_cap::{LengthLimit, SecurityCap, DEFAULT_KEY_ITERATE_NUM};
pub use security_questions::{
    ConfiguredQuestion, QuestionAnswer, QuestionCertification, QuestionConfiguration, SetQuestions,
    QUESTIONS_PER_DEVICE, QUESTION_IDS,
};
pub use status::{LockState, ResponseStatus, StatusKind, SubStatus, STATUS_BODY_HTTP_CODES};
pub use sync_ipc::{ChannelSync, SyncIpcPassword, SyncIpcResult};

pub use crate::xml::XmlNamespace;

use crate::xml::{self, Element, Leniency};
use crate::ParseError;

/// Reads an ISAPI XML answer, turning a `<ResponseStatus>` sent in its place into an error.
pub(crate) fn read_xml(xml: &str, context: &'static str) -> Result<Element, ParseError> {
    let root = xml::parse(xml, Leniency::Strict, context)?;
    // A login page or an error page from a web server is no device answer, however lenient
    // the reading of the fields below: never let it pass as defaults.
    if root.is("html") {
        return Err(ParseError::UnexpectedRoot {
            context,
            expected: "an ISAPI document",
            found: root.name,
        });
    }
    if root.is("ResponseStatus") {
        return Err(ParseError::DeviceStatus {
            context,
            status_code: root.u32_of("statusCode").unwrap_or(0),
            status_string: root.text_of("statusString").unwrap_or_default().into(),
            sub_status_code: root.text_of("subStatusCode").map(str::to_owned),
        });
    }
    Ok(root)
}
