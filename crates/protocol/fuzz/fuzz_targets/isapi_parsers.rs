//! Feeds arbitrary bytes to every ISAPI XML and JSON parser; any panic is a bug.
//! Run from crates/protocol: `cargo +nightly fuzz run isapi_parsers`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::field_crypto::{FieldCipher, FieldKey};
use protocol::isapi::{
    ActivationStatus, EmailCertification, ExternCapabilities, QrCode, ResponseStatus, SecurityCap,
    SecurityEmailCap,
};
use protocol::login::{SessionLogin, SessionLoginCap};
use protocol::profile::{DeviceProfile, SecretFieldScheme};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let _ = ActivationStatus::from_xml(text);
    let _ = SecurityCap::from_xml(text);
    let _ = ExternCapabilities::from_xml(text);
    let _ = SecurityEmailCap::from_json(text);
    let _ = ResponseStatus::parse(text);
    let _ = ResponseStatus::from_xml(text);
    let _ = ResponseStatus::from_json(text);
    let _ = SessionLoginCap::from_xml(text);
    let _ = SessionLogin::from_xml(text);
    let profile = DeviceProfile::default();
    let _ = QrCode::from_json(text, &profile);
    let _ = EmailCertification::from_json(text, &profile, None);
    let encrypted = DeviceProfile {
        email_certification_secrets: SecretFieldScheme::Security1,
        ..DeviceProfile::default()
    };
    let cipher = FieldCipher::new(FieldKey::from_bytes([1; 16]), [2; 16]);
    let _ = EmailCertification::from_json(text, &encrypted, Some(&cipher));
    let _ = DeviceProfile::from_json(text);
});
