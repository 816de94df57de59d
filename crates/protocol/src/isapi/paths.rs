//! The request paths of every ISAPI call in the reset flow, as the device's web UI sends them.
//! The proxy's allow-list and devsim's router both build on these, so they cannot drift apart.

/// `GET`: whether the device has been activated (no auth).
pub const ACTIVATE_STATUS: &str = "/SDK/activateStatus";
/// `GET`: security capabilities, password limits and salt (no auth; add `?username=admin`).
pub const SECURITY_CAPABILITIES: &str = "/ISAPI/Security/capabilities";
/// `GET`: which reset modes exist (no auth).
pub const EXTERN_CAPABILITIES: &str = "/ISAPI/Security/extern/capabilities";
/// `GET`: recovery-email limits (no auth; `?format=json`).
pub const EMAIL_PARAMETER_CAPABILITIES: &str = "/ISAPI/Security/email/parameter/capabilities";
/// `GET`/`PUT`: the reserved recovery email (`?format=json`; PUT needs the admin password).
pub const EMAIL_PARAMETER: &str = "/ISAPI/Security/email/parameter";
/// `GET`: the reset QR code's content (no auth; `?format=json`).
pub const EMAIL_QR_CODE: &str = "/ISAPI/Security/email/qrCode";
/// `PUT`: the emailed reset code and the new password (no auth; `?format=json`).
pub const EMAIL_CERTIFICATION: &str = "/ISAPI/Security/emailCertification";
/// `GET`/`PUT`: security questions (PUT needs the admin password).
pub const QUESTION_CONFIGURATION: &str = "/ISAPI/Security/questionConfiguration";
/// `PUT`: reset by answering the security questions (no auth).
pub const QUESTION_CERTIFICATION: &str = "/ISAPI/Security/questionCertification";
/// `POST`: GUID file export while logged in (`?security=1&iv=..`).
pub const GUID_FILE_DATA: &str = "/ISAPI/Security/GUIDFileData";
/// `GET`: session-login challenge (no auth; add `?username=admin`).
pub const SESSION_LOGIN_CAPABILITIES: &str = "/ISAPI/Security/sessionLogin/capabilities";
/// `POST`: session login (`?timeStamp=<ms>`).
pub const SESSION_LOGIN: &str = "/ISAPI/Security/sessionLogin";
/// `GET`: the older Basic/Digest login check.
pub const USER_CHECK: &str = "/ISAPI/Security/userCheck";
/// `GET`: the lockout policy (admin).
pub const ILLEGAL_LOGIN_LOCK: &str = "/ISAPI/Security/illegalLoginLock";

/// `PUT` [assumed]: reset with the GUID file exported earlier (`?format=json`). No public source
/// names this call; it is the default of `DeviceProfile::guid_reset`, which a capture corrects.
pub const ASSUMED_GUID_RESET: &str = "/ISAPI/Security/GUIDFileData/certification";
/// An NVR pushes its admin password to its cameras (logged in): the path is seen in three device
/// web UIs (`userSyncIPCPassword`); the method and body are [assumed] in
/// `DeviceProfile::sync_ipc_password`.
pub const SYNC_IPC_PASSWORD: &str = "/ISAPI/ContentMgmt/InputProxy/syncIPCPasswd";
