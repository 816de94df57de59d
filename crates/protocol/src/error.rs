//! The one error type every parser in this crate returns.
//! Each variant names the answer being read, so a log line says what was going on.

/// Why a device answer (or a message for one) could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The body was empty or only whitespace.
    #[error("the {context} answer is empty")]
    Empty {
        /// Which answer was being read, e.g. "security capabilities".
        context: &'static str,
    },
    /// The body is not XML that can be read, even leniently.
    #[error("the {context} answer is not readable XML: {detail}")]
    Xml {
        /// Which answer was being read.
        context: &'static str,
        /// What the XML reader tripped over.
        detail: String,
    },
    /// The body is not JSON.
    #[error("the {context} answer is not valid JSON: {detail}")]
    Json {
        /// Which answer was being read.
        context: &'static str,
        /// What the JSON reader tripped over.
        detail: String,
    },
    /// The document's root element is not the one this answer has.
    #[error("the {context} answer has root element <{found}> where <{expected}> was expected")]
    UnexpectedRoot {
        /// Which answer was being read.
        context: &'static str,
        /// The root element this answer should have.
        expected: &'static str,
        /// The root element that was there.
        found: String,
    },
    /// A field this answer cannot do without is missing.
    #[error("the {context} answer has no {field} field")]
    MissingField {
        /// Which answer was being read.
        context: &'static str,
        /// The element or JSON key that is missing.
        field: String,
    },
    /// A field is there but its value makes no sense.
    #[error("the {context} answer's {field} field holds {value:?}, which is not a valid value")]
    InvalidValue {
        /// Which answer was being read.
        context: &'static str,
        /// The element or JSON key.
        field: String,
        /// The value as the device sent it.
        value: String,
    },
    /// The device answered with a status (an error report) instead of the expected body.
    #[error(
        "the device answered the {context} request with status {status_code} \
         ({status_string}{sub_status_note})",
        sub_status_note = sub_status_code
            .as_deref()
            .map(|s| format!(", {s}"))
            .unwrap_or_default()
    )]
    DeviceStatus {
        /// Which answer was being read.
        context: &'static str,
        /// The `statusCode` the device sent.
        status_code: u32,
        /// The `statusString` the device sent (may be empty).
        status_string: String,
        /// The `subStatusCode` the device sent, if any.
        sub_status_code: Option<String>,
    },
}
