//! Security questions: which are set (`questionConfiguration` read), setting them while logged
//! in (`questionConfiguration` PUT) and resetting by answering them (`questionCertification`).
//! The paths are seen; every element name is [assumed] and comes from the profile's shape.

use serde::{Deserialize, Serialize};

use super::read_xml;
use crate::field_crypto::FieldProtection;
use crate::profile::{DeviceProfile, QuestionShape};
use crate::xml::{Element, XmlWriter};
use crate::{ParseError, XmlNamespace};

const READ_CONTEXT: &str = "security questions";
const SET_CONTEXT: &str = "security question setting";
const CERT_CONTEXT: &str = "security question reset";

/// How many questions a device asks for when they are set ([assumed]: three, as NVR set-up
/// pages show three question pickers).
pub const QUESTIONS_PER_DEVICE: usize = 3;

/// The question numbers a device's catalogue may hold ([assumed]: the web UI picks from a fixed,
/// translated list by number; the wizard shows its own translation of each number).
pub const QUESTION_IDS: std::ops::RangeInclusive<u32> = 1..=8;

/// One question slot as the device lists it (never with its answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfiguredQuestion {
    /// The question's number in the device's catalogue.
    pub id: u32,
    /// Whether an answer is set for it.
    pub answered: bool,
}

/// `GET questionConfiguration`: the questions the device would ask.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionConfiguration {
    /// Every slot the device lists, in its order.
    pub questions: Vec<ConfiguredQuestion>,
}

impl QuestionConfiguration {
    /// Whether the questions were ever set: a reset by questions is possible only then.
    pub fn is_set(&self) -> bool {
        self.questions.iter().any(|q| q.answered)
    }

    /// The questions to ask, in the device's order.
    pub fn to_ask(&self) -> Vec<u32> {
        self.questions
            .iter()
            .filter(|q| q.answered)
            .map(|q| q.id)
            .collect()
    }

    /// Reads the list; a slot without a readable number is an error, a missing flag is "not set".
    pub fn from_xml(xml: &str, profile: &DeviceProfile) -> Result<Self, ParseError> {
        let shape = &profile.questions;
        let root = read_xml(xml, READ_CONTEXT)?;
        let questions = items(&root, shape)
            .map(|item| {
                Ok(ConfiguredQuestion {
                    id: id_of(item, shape, READ_CONTEXT)?,
                    answered: item.bool_of(&shape.answered).unwrap_or(false),
                })
            })
            .collect::<Result<_, ParseError>>()?;
        Ok(QuestionConfiguration { questions })
    }

    /// Writes the read answer declaring `ns`.
    pub fn to_xml_with(&self, profile: &DeviceProfile, ns: XmlNamespace) -> String {
        let shape = &profile.questions;
        let mut w = XmlWriter::new(&shape.configuration_root, ns);
        w.open(&shape.list);
        for q in &self.questions {
            w.open(&shape.item)
                .text(&shape.id, q.id)
                .text(&shape.answered, q.answered)
                .close();
        }
        w.finish()
    }
}

/// The answer to one question; `Debug` hides it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionAnswer {
    /// The question's number.
    pub id: u32,
    /// The answer as the user typed it.
    pub answer: String,
}

impl std::fmt::Debug for QuestionAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuestionAnswer")
            .field("id", &self.id)
            .field("answer", &"<hidden>")
            .finish()
    }
}

/// `PUT questionConfiguration` (logged in): new questions and answers, with the admin password.
#[derive(Clone, PartialEq, Eq)]
pub struct SetQuestions {
    /// The questions and their answers.
    pub answers: Vec<QuestionAnswer>,
    /// The admin password, which the device checks once more.
    pub admin_password: String,
}

impl std::fmt::Debug for SetQuestions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetQuestions")
            .field("answers", &self.answers)
            .field("admin_password", &"<hidden>")
            .finish()
    }
}

impl SetQuestions {
    /// Writes the body; answers and password are protected as `protection` says.
    pub fn to_xml(&self, profile: &DeviceProfile, protection: &FieldProtection) -> String {
        let shape = &profile.questions;
        let password = (shape.admin_password.as_str(), self.admin_password.as_str());
        write_body(
            &shape.configuration_root,
            shape,
            &self.answers,
            password,
            protection,
        )
    }

    /// Reads the body (for devsim).
    pub fn from_xml(
        xml: &str,
        profile: &DeviceProfile,
        protection: &FieldProtection,
    ) -> Result<Self, ParseError> {
        let shape = &profile.questions;
        let (answers, admin_password) =
            read_body(xml, shape, &shape.admin_password, protection, SET_CONTEXT)?;
        Ok(SetQuestions {
            answers,
            admin_password,
        })
    }
}

/// `PUT questionCertification` (no login): the answers and the new password.
#[derive(Clone, PartialEq, Eq)]
pub struct QuestionCertification {
    /// The answers, one per question the device asks.
    pub answers: Vec<QuestionAnswer>,
    /// The new admin password.
    pub reset_password: String,
}

impl std::fmt::Debug for QuestionCertification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuestionCertification")
            .field("answers", &self.answers)
            .field("reset_password", &"<hidden>")
            .finish()
    }
}

impl QuestionCertification {
    /// Writes the body; secrets are protected as `protection` says (the profile's
    /// `question_certification_secrets` decides which one the caller builds).
    pub fn to_xml(&self, profile: &DeviceProfile, protection: &FieldProtection) -> String {
        let shape = &profile.questions;
        let password = (shape.reset_password.as_str(), self.reset_password.as_str());
        write_body(
            &shape.certification_root,
            shape,
            &self.answers,
            password,
            protection,
        )
    }

    /// Reads the body (for devsim).
    pub fn from_xml(
        xml: &str,
        profile: &DeviceProfile,
        protection: &FieldProtection,
    ) -> Result<Self, ParseError> {
        let shape = &profile.questions;
        let (answers, reset_password) =
            read_body(xml, shape, &shape.reset_password, protection, CERT_CONTEXT)?;
        Ok(QuestionCertification {
            answers,
            reset_password,
        })
    }
}

/// The question items, under the list element or (leniently) straight under the root.
fn items<'a>(root: &'a Element, shape: &'a QuestionShape) -> impl Iterator<Item = &'a Element> {
    let parent = root.find(&shape.list).unwrap_or(root);
    parent.children.iter().filter(|e| e.is(&shape.item))
}

fn id_of(item: &Element, shape: &QuestionShape, context: &'static str) -> Result<u32, ParseError> {
    let text = item
        .text_of(&shape.id)
        .ok_or_else(|| ParseError::MissingField {
            context,
            field: format!("{}.{}", shape.item, shape.id),
        })?;
    text.parse().map_err(|_| ParseError::InvalidValue {
        context,
        field: format!("{}.{}", shape.item, shape.id),
        value: text.into(),
    })
}

/// Writes a body of both PUTs: under `root`, the answers, then one password given as its
/// element name and value; answers and password protected as `protection` says.
fn write_body(
    root: &str,
    shape: &QuestionShape,
    answers: &[QuestionAnswer],
    (password_name, password): (&str, &str),
    protection: &FieldProtection,
) -> String {
    let mut w = XmlWriter::new(root, XmlNamespace::IsapiVer20);
    w.open(&shape.list);
    for a in answers {
        w.open(&shape.item)
            .text(&shape.id, a.id)
            .text(&shape.answer, protection.protect(&a.answer))
            .close();
    }
    w.close();
    w.text(password_name, protection.protect(password));
    w.finish()
}

/// Reads a body [`write_body`] writes: the answers, and the password under `password_name`.
fn read_body(
    xml: &str,
    shape: &QuestionShape,
    password_name: &str,
    protection: &FieldProtection,
    context: &'static str,
) -> Result<(Vec<QuestionAnswer>, String), ParseError> {
    let root = read_xml(xml, context)?;
    let answers = items(&root, shape)
        .map(|item| {
            Ok(QuestionAnswer {
                id: id_of(item, shape, context)?,
                answer: secret(item, &shape.answer, protection, context)?,
            })
        })
        .collect::<Result<_, ParseError>>()?;
    let password = secret(&root, password_name, protection, context)?;
    Ok((answers, password))
}

/// A secret field, revealed from its wire form; an empty field is missing.
fn secret(
    parent: &Element,
    name: &str,
    protection: &FieldProtection,
    context: &'static str,
) -> Result<String, ParseError> {
    let raw = parent
        .find(name)
        .map(|e| e.text.trim().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ParseError::MissingField {
            context,
            field: name.into(),
        })?;
    protection
        .reveal(&raw)
        .map_err(|e| ParseError::InvalidValue {
            context,
            field: name.into(),
            value: e.to_string(),
        })
}
