//! devsim answers in the developer guide's shapes by default (the fixtures protocol parses),
//! and in the earlier guesses' shapes when told to, so the wizard's fallbacks stay tested.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::*;
use devsim::{DeviceProfile, Profile};
use protocol::field_crypto::{FieldCipher, FieldKey};
use protocol::isapi::{EmailCertification, QrCode, SecurityCap, SubStatus};
use protocol::json_path::shape_of;
use serde_json::Value;

fn documented(name: &str) -> Value {
    let path = format!(
        "{}/../protocol/tests/fixtures/developer_guide/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[tokio::test]
async fn the_qr_and_recovery_email_answers_have_the_documented_shapes() {
    let device = start(config(Profile::Nvr)).await;
    let qr = get(&device, "/ISAPI/Security/email/qrCode?format=json").await;
    assert_eq!(qr.status, 200, "{}", qr.body);
    assert_eq!(
        shape_of(&json(&qr.body)),
        shape_of(&documented("security_email_qr_code.json"))
    );
    let read = QrCode::from_json(&qr.body, &DeviceProfile::default()).unwrap();
    assert_eq!(read.server_mailbox.as_deref(), Some(devsim::SERVER_MAILBOX));

    let email = get(&device, "/ISAPI/Security/email/parameter?format=json").await;
    assert_eq!(
        shape_of(&json(&email.body)),
        shape_of(&documented("security_email.json"))
    );
}

#[tokio::test]
async fn no_reserved_email_is_refused_with_the_documented_sub_status() {
    let device = start(config(Profile::EmailNotReserved)).await;
    let refused = get(&device, "/ISAPI/Security/email/qrCode?format=json").await;
    let expected = documented("response_status.no_set_security_email.json");
    let status = refused.status_body();
    assert_eq!(status.status_code, 4);
    assert_eq!(
        status.sub_status_code.as_deref(),
        expected["subStatusCode"].as_str()
    );
}

#[tokio::test]
async fn the_early_guesses_profile_answers_the_earlier_shapes() {
    let early = DeviceProfile::early_guesses();
    let device = start(config(Profile::Nvr).with_profile_details(early.clone())).await;
    let qr = get(&device, "/ISAPI/Security/email/qrCode?format=json").await;
    let value = json(&qr.body);
    assert!(value["QRCode"]["content"].is_string(), "{}", qr.body);
    assert!(value.get("SecurityEmailQrCode").is_none());
    // The wizard's default profile still finds it, as a fallback.
    QrCode::from_json(&qr.body, &DeviceProfile::default()).unwrap();
    let email = get(&device, "/ISAPI/Security/email/parameter?format=json").await;
    assert!(json(&email.body)["EmailParameter"]["emailAddress"].is_string());

    let none = start(config(Profile::EmailNotReserved).with_profile_details(early)).await;
    let refused = get(&none, "/ISAPI/Security/email/qrCode?format=json").await;
    assert_eq!(
        refused.status_body().sub_status(&DeviceProfile::default()),
        Some(SubStatus::NoReservedEmail)
    );
    assert_eq!(
        refused.status_body().sub_status_code.as_deref(),
        Some("noReservedEmail")
    );
}

/// The NVR web UI keys calls made before a login on the empty password: a device profile
/// asking for it gets the code and new password encrypted that way, and nothing else passes.
#[tokio::test]
async fn a_security1_profile_takes_the_code_under_the_empty_password_key() {
    let profile = DeviceProfile::security1_before_login();
    let device = start(config(Profile::Camera).with_profile_details(profile.clone())).await;
    export_qr(&device).await;
    let code = device.mailbox_code().unwrap();
    let cert = EmailCertification {
        security_code: code,
        reset_password: NEW_PASSWORD.into(),
    };
    let path = "/ISAPI/Security/emailCertification?format=json";
    let plain = put(
        &device,
        path,
        cert.to_json(&DeviceProfile::default(), None).unwrap(),
    )
    .await;
    assert!(!plain.status_body().is_ok(), "{}", plain.body);

    let cap = get(&device, "/ISAPI/Security/capabilities?username=admin").await;
    let cap = SecurityCap::from_xml(&cap.body).unwrap();
    let cipher = FieldCipher::new(FieldKey::before_login(&cap, "admin"), [3; 16]);
    let body = cert.to_json(&profile, Some(&cipher)).unwrap();
    assert!(!body.contains(NEW_PASSWORD));
    let accepted = put(&device, &format!("{path}&{}", cipher.query()), body).await;
    assert!(accepted.status_body().is_ok(), "{}", accepted.body);
    assert_eq!(login(&device, NEW_PASSWORD).await.status, 200);
}
