//! An NVR giving its new admin password to the cameras behind it, in the device's state.
//! Each camera keeps the password it was last given; unplugged ones keep the old one.

use super::{Device, Refusal, ADMIN};
use protocol::isapi::{ChannelSync, SyncIpcResult};

impl Device {
    /// The [assumed] SyncIPCPassword: checks the admin password, then gives it to every camera
    /// that answers; offline ones keep their old password.
    pub fn sync_ipc_password(&self, admin_password: &str) -> Result<SyncIpcResult, Refusal> {
        if !self.caps.sync_ipc_password {
            return Err(Refusal::NotSupported);
        }
        self.check_password(ADMIN, admin_password)?;
        let (mut state, _) = self.state();
        let password = state.admin_password.clone();
        let channels = state
            .cameras
            .iter_mut()
            .map(|camera| {
                if camera.online {
                    camera.password = password.clone();
                }
                ChannelSync {
                    id: camera.channel,
                    ip_address: Some(camera.ip.clone()),
                    synced: camera.online,
                    sub_status_code: (!camera.online).then(|| "offline".to_owned()),
                }
            })
            .collect();
        Ok(SyncIpcResult { channels })
    }
}
