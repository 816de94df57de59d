//! `GET /SDK/activateStatus`: whether the device has an admin password at all.
//! An inactive device has nothing to reset; the wizard sends the user to activation instead.

use serde::{Deserialize, Serialize};

use super::read_xml;
use crate::xml::XmlWriter;
use crate::{ParseError, XmlNamespace};

const CONTEXT: &str = "activation status";

/// Whether the device has been activated (given its first admin password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivationStatus {
    /// `true` once an admin password was set.
    pub activated: bool,
}

impl ActivationStatus {
    /// Reads `<Activated>` from the answer, whatever the root and namespace.
    pub fn from_xml(xml: &str) -> Result<Self, ParseError> {
        let root = read_xml(xml, CONTEXT)?;
        let field = "Activated";
        let activated = match root.find(field).or(root.is(field).then_some(&root)) {
            None => {
                return Err(ParseError::MissingField {
                    context: CONTEXT,
                    field: field.into(),
                })
            }
            Some(element) => {
                let text = element.value().unwrap_or_default();
                crate::xml::lenient_bool(text).ok_or_else(|| ParseError::InvalidValue {
                    context: CONTEXT,
                    field: field.into(),
                    value: text.into(),
                })?
            }
        };
        Ok(ActivationStatus { activated })
    }

    /// Writes the answer as devices send it (root `ActivateStatus`, no namespace).
    pub fn to_xml(&self) -> String {
        self.to_xml_with(XmlNamespace::None)
    }

    /// Writes the answer declaring the given namespace.
    pub fn to_xml_with(&self, ns: XmlNamespace) -> String {
        let mut w = XmlWriter::new("ActivateStatus", ns);
        w.text("Activated", self.activated);
        w.finish()
    }
}
