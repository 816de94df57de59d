//! `GET /ISAPI/Security/extern/capabilities`: which password-reset modes the device offers.
//! The wizard lists these modes, e-mail first; a failed request means none is available.

use serde::{Deserialize, Serialize};

use super::read_xml;
use crate::xml::XmlWriter;
use crate::{ParseError, XmlNamespace};

const CONTEXT: &str = "reset capabilities";

/// The reset modes a device may offer, in the order the wizard shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ResetMode {
    /// Export a QR code, mail it to the vendor, type in the code that comes back.
    Email,
    /// Answer the security questions set up earlier.
    SecurityQuestions,
    /// Import the GUID file exported while the password was still known.
    GuidFile,
    /// Reset from the Hik-Connect phone app.
    HikConnectApp,
}

impl ResetMode {
    /// Every mode, e-mail first: the order every list of modes uses.
    pub const ALL: [ResetMode; 4] = [
        ResetMode::Email,
        ResetMode::SecurityQuestions,
        ResetMode::GuidFile,
        ResetMode::HikConnectApp,
    ];
}

/// Whether one reset mode is available on a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResetModeSupport {
    /// The mode.
    pub mode: ResetMode,
    /// Whether the device offers it.
    pub supported: bool,
}

/// The reset modes as the device reports them; every flag is `false` when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternCapabilities {
    /// `isSupportWithGUIDFileData`.
    pub guid_file: bool,
    /// `isSupportWithSecurityQuestion`.
    pub security_question: bool,
    /// `isSupportWithSecurityEmail`.
    pub security_email: bool,
    /// `isSupportWithHCApp` (Hik-Connect app).
    pub hik_connect_app: bool,
    /// `minResetAdminPassWordNum`, when present.
    pub min_reset_admin_password_num: Option<u32>,
}

impl ExternCapabilities {
    /// The root element devsim writes; the real one was never seen and readers ignore it.
    pub const ROOT: &'static str = "ExternCapabilities";

    /// Reads the flags by child name, whatever the root element is called.
    pub fn from_xml(xml: &str) -> Result<Self, ParseError> {
        let root = read_xml(xml, CONTEXT)?;
        let flag = |name| root.bool_of(name).unwrap_or(false);
        Ok(ExternCapabilities {
            guid_file: flag("isSupportWithGUIDFileData"),
            security_question: flag("isSupportWithSecurityQuestion"),
            security_email: flag("isSupportWithSecurityEmail"),
            hik_connect_app: flag("isSupportWithHCApp"),
            min_reset_admin_password_num: root.u32_of("minResetAdminPassWordNum"),
        })
    }

    /// Writes the answer in the `isapi.org/ver20` namespace.
    pub fn to_xml(&self) -> String {
        self.to_xml_with(XmlNamespace::IsapiVer20)
    }

    /// Writes the answer declaring the given namespace.
    pub fn to_xml_with(&self, ns: XmlNamespace) -> String {
        let mut w = XmlWriter::new(Self::ROOT, ns);
        w.text("isSupportWithGUIDFileData", self.guid_file)
            .text("isSupportWithSecurityQuestion", self.security_question)
            .text("isSupportWithSecurityEmail", self.security_email)
            .text("isSupportWithHCApp", self.hik_connect_app)
            .opt(
                "minResetAdminPassWordNum",
                self.min_reset_admin_password_num,
            );
        w.finish()
    }

    /// Whether the device offers `mode`.
    pub fn supports(&self, mode: ResetMode) -> bool {
        match mode {
            ResetMode::Email => self.security_email,
            ResetMode::SecurityQuestions => self.security_question,
            ResetMode::GuidFile => self.guid_file,
            ResetMode::HikConnectApp => self.hik_connect_app,
        }
    }

    /// Every mode with its availability, e-mail first.
    pub fn reset_modes(&self) -> Vec<ResetModeSupport> {
        ResetMode::ALL
            .iter()
            .map(|&mode| ResetModeSupport {
                mode,
                supported: self.supports(mode),
            })
            .collect()
    }
}
