//! ISAPI bodies a password reset touches: capabilities, activation, status answers.
//! Parsers match local element names only, ignore unknown elements and default what is missing.

mod activation;
mod email_certification;
mod extern_caps;
pub mod paths;
mod qr_code;
mod reset_rules;
mod security_cap;
mod status;

pub use activation::ActivationStatus;
pub use email_certification::EmailCertification;
pub use extern_caps::{ExternCapabilities, ResetMode, ResetModeSupport};
pub use qr_code::QrCode;
pub use reset_rules::{LockPolicy, RESET_CODE_VALID_FOR_SECS};
pub use security_cap::{LengthLimit, SecurityCap, DEFAULT_KEY_ITERATE_NUM};
pub use status::{LockState, ResponseStatus, StatusKind, SubStatus, STATUS_BODY_HTTP_CODES};

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
