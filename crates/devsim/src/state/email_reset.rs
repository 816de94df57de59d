//! The e-mail reset in the device's state: export a QR code with the code the vendor would
//! mail for it, check a submitted code, and the reserved recovery address.

use super::{Device, Export, Refusal};
use base64::Engine as _;
use protocol::isapi::{EmailCertification, SubStatus, RESET_CODE_VALID_FOR_SECS};
use rand::Rng;
use std::time::Duration;

impl Device {
    /// `GET email/qrCode`: a fresh QR content with a fresh reset code; the previous one is void.
    pub fn export_qr(&self) -> Result<String, Refusal> {
        let (mut state, now) = self.state();
        if state.booting_until > now {
            return Err(Refusal::Booting);
        }
        if !self.identity.activated {
            return Err(Refusal::NotActivated);
        }
        if !self.caps.email_reset() {
            return Err(Refusal::NotSupported);
        }
        if state.email.is_none() {
            return Err(Refusal::NoReservedEmail);
        }
        let export = Export {
            content: qr_content(&self.identity.serial),
            code: reset_code(),
            at: now,
        };
        state.qr_exports += 1;
        state.active_qr = Some(export.clone());
        state.last_export = Some(export.clone());
        Ok(export.content)
    }

    /// `PUT emailCertification`: checks the code, then the new password, then changes it.
    pub fn certify(&self, request: &EmailCertification) -> Result<(), Refusal> {
        let (mut state, now) = self.state();
        state.code_submissions += 1;
        if !self.caps.email_reset() && state.booting_until <= now {
            return Err(Refusal::NotSupported);
        }
        self.ready(&state, now)?;
        let code = request.security_code.trim();
        let matching = state
            .active_qr
            .as_ref()
            .filter(|qr| !code.is_empty() && qr.code == code)
            .map(|qr| qr.at);
        let Some(exported_at) = matching else {
            state.failed_code_tries += 1;
            if let Some(locked) = self.strike(&mut state, now) {
                return Err(locked);
            }
            return Err(Refusal::WrongCode {
                retries_left: self.retries_left(&state),
            });
        };
        if now.saturating_duration_since(exported_at)
            > Duration::from_secs(RESET_CODE_VALID_FOR_SECS)
        {
            return Err(Refusal::ExpiredCode);
        }
        self.change_password(&mut state, &request.reset_password)
    }

    /// The reserved recovery e-mail, if any.
    pub fn email(&self) -> Option<String> {
        self.state().0.email.clone()
    }

    /// `PUT email/parameter`: a new recovery e-mail voids the exported code.
    pub fn set_email(&self, email: &str) -> Result<(), Refusal> {
        let (mut state, now) = self.state();
        self.ready(&state, now)?;
        if !self.caps.email_reset() {
            return Err(Refusal::NotSupported);
        }
        let email = email.trim();
        if email.is_empty() {
            state.email = None;
        } else if email.contains('@') && email.len() <= 64 {
            state.email = Some(email.to_owned());
        } else {
            return Err(Refusal::BadBody(SubStatus::BadParameters));
        }
        state.active_qr = None;
        Ok(())
    }

    /// The code the vendor would e-mail for the last exported QR code (demo mailbox).
    pub fn mailbox_code(&self) -> Option<String> {
        if !self.mailbox {
            return None;
        }
        self.state().0.last_export.as_ref().map(|e| e.code.clone())
    }

    /// The last exported QR content, if any.
    pub fn last_qr_content(&self) -> Option<String> {
        self.state()
            .0
            .last_export
            .as_ref()
            .map(|e| e.content.clone())
    }
}

/// A reset code as the vendor's mail carries it: 8 to 12 capitals and digits.
pub(super) fn reset_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let len = rng.random_range(8..=12);
    (0..len)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// Opaque QR content: a serial-bound nonce the client must never interpret.
pub(super) fn qr_content(serial: &str) -> String {
    let mut rng = rand::rng();
    let mut bytes: Vec<u8> = (0..96).map(|_| rng.random()).collect();
    // Mixing the serial in keeps contents of different devices apart, as the real ones are.
    for (b, s) in bytes.iter_mut().zip(serial.bytes().cycle()) {
        *b ^= s;
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
