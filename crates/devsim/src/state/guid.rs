//! The GUID-file reset in the device's state: exporting the file of the current password
//! (logged in) and resetting with it.

use super::{Device, Refusal, ADMIN};
use protocol::isapi::GuidFileReset;

impl Device {
    /// `POST GUIDFileData` (logged in): the GUID file of the current password.
    pub fn export_guid(&self, admin_password: &str) -> Result<String, Refusal> {
        if !self.caps.reset_modes.guid_file {
            return Err(Refusal::NotSupported);
        }
        self.check_password(ADMIN, admin_password)?;
        let (mut state, _) = self.state();
        state.guid_exports += 1;
        Ok(guid_file(&self.identity.serial, &state.guid))
    }

    /// The [assumed] GUID-file reset: the file must be the current password's.
    pub fn certify_guid(&self, request: &GuidFileReset) -> Result<(), Refusal> {
        if !self.caps.reset_modes.guid_file {
            return Err(Refusal::NotSupported);
        }
        let (mut state, now) = self.state();
        self.ready(&state, now)?;
        let text = String::from_utf8_lossy(&request.file.0);
        let matches = text
            .lines()
            .find_map(|line| line.trim().strip_prefix("guid="))
            .is_some_and(|guid| guid == state.guid)
            && text.contains(&self.identity.serial);
        if !matches {
            state.failed_guid_tries += 1;
            if let Some(locked) = self.strike(&mut state, now) {
                return Err(locked);
            }
            return Err(Refusal::GuidMismatch {
                retries_left: self.retries_left(&state),
            });
        }
        self.change_password(&mut state, &request.reset_password)
    }

    /// The GUID file of the current password (for tests and the demo).
    pub fn current_guid_file(&self) -> String {
        guid_file(&self.identity.serial, &self.state().0.guid)
    }
}

/// The GUID file devsim exports ([assumed]: real files are opaque; this one names the device and
/// the token of the current password).
pub(super) fn guid_file(serial: &str, guid: &str) -> String {
    format!("HIKVISION GUID FILE\nserial={serial}\nguid={guid}\n")
}
