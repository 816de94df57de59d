//! The [assumed] reset bodies: QR content and e-mail certification, shaped by the device profile.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::fixture;
use proptest::prelude::*;
use protocol::field_crypto::{FieldCipher, FieldCryptoError, FieldKey};
use protocol::isapi::{EmailCertification, QrCode};
use protocol::json_path::JsonPath;
use protocol::profile::{DeviceProfile, SecretFieldScheme};
use protocol::ParseError;

#[test]
fn the_earlier_qr_guess_still_parses_as_a_fallback() {
    let qr = QrCode::from_json(
        &fixture("isapi_md/qr_code.assumed.json"),
        &DeviceProfile::default(),
    )
    .unwrap();
    assert_eq!(qr.content, "<opaque string>");
    assert_eq!(qr.server_mailbox, None);
    let early = DeviceProfile::early_guesses();
    assert_eq!(QrCode::from_json(&qr.to_json(&early), &early).unwrap(), qr);
}

#[test]
fn a_capture_with_another_qr_path_is_fixed_by_profile_data() {
    let profile = DeviceProfile {
        qr_answer: protocol::profile::QrAnswerShape {
            content: vec![JsonPath::parse("EZVIZQRCode.QRCode").unwrap()],
            ..Default::default()
        },
        ..DeviceProfile::default()
    };
    let qr = QrCode::from_json(r#"{"EZVIZQRCode":{"QRCode":"abc"}}"#, &profile).unwrap();
    assert_eq!(qr.content, "abc");
    assert_eq!(
        QrCode::from_json(&qr.to_json(&profile), &profile).unwrap(),
        qr
    );
}

#[test]
fn status_answer_instead_of_qr_is_a_device_status_error() {
    let body =
        r#"{"statusCode":4,"statusString":"Invalid Operation","subStatusCode":"notSupport"}"#;
    let err = QrCode::from_json(body, &DeviceProfile::default()).unwrap_err();
    assert!(
        matches!(err, ParseError::DeviceStatus { status_code: 4, .. }),
        "{err}"
    );
    assert!(matches!(
        QrCode::from_json("{}", &DeviceProfile::default()),
        Err(ParseError::MissingField { .. })
    ));
    assert!(matches!(
        QrCode::from_json(
            r#"{"QRCode":{"content":{"x":7}}}"#,
            &DeviceProfile::default()
        ),
        Err(ParseError::MissingField { .. })
    ));
    let too_long = format!(r#"{{"QRCode":{{"content":"{}"}}}}"#, "Q".repeat(1025));
    assert!(matches!(
        QrCode::from_json(&too_long, &DeviceProfile::default()),
        Err(ParseError::InvalidValue { .. })
    ));
}

#[test]
fn assumed_email_certification_body_is_what_we_send() {
    let body = EmailCertification {
        security_code: "..".into(),
        reset_password: "..".into(),
    };
    let sent: serde_json::Value =
        serde_json::from_str(&body.to_json(&DeviceProfile::default(), None).unwrap()).unwrap();
    let quoted: serde_json::Value =
        serde_json::from_str(&fixture("isapi_md/email_certification.assumed.json")).unwrap();
    assert_eq!(sent, quoted);
}

#[test]
fn flat_email_certification_body_is_accepted() {
    let body = r#"{"securityCode":"123456","resetPassword":"Abc12345!"}"#;
    let cert = EmailCertification::from_json(body, &DeviceProfile::default(), None).unwrap();
    assert_eq!(cert.security_code, "123456");
    let flat = DeviceProfile {
        email_certification_wrapper: None,
        ..DeviceProfile::default()
    };
    assert_eq!(cert.to_json(&flat, None).unwrap(), body);
}

#[test]
fn debug_output_never_shows_the_secrets() {
    let cert = EmailCertification {
        security_code: "123456".into(),
        reset_password: "Secret#1".into(),
    };
    let shown = format!("{cert:?}");
    assert!(
        !shown.contains("123456") && !shown.contains("Secret#1"),
        "{shown}"
    );
}

#[test]
fn security1_profile_needs_a_key() {
    let profile = DeviceProfile {
        email_certification_secrets: SecretFieldScheme::Security1,
        ..DeviceProfile::default()
    };
    let cert = EmailCertification {
        security_code: "1".into(),
        reset_password: "2".into(),
    };
    assert_eq!(
        cert.to_json(&profile, None),
        Err(FieldCryptoError::MissingKey)
    );
}

proptest! {
    #[test]
    fn email_certification_round_trips_in_both_schemes(
        code in ".{0,12}",
        password in ".{0,20}",
        key in any::<[u8; 16]>(),
        iv in any::<[u8; 16]>(),
        encrypted in any::<bool>(),
        wrapped in any::<bool>(),
    ) {
        let profile = DeviceProfile {
            email_certification_secrets: if encrypted { SecretFieldScheme::Security1 } else { SecretFieldScheme::Plaintext },
            email_certification_wrapper: wrapped.then(|| "EmailCertification".to_owned()),
            ..DeviceProfile::default()
        };
        let cipher = FieldCipher::new(FieldKey::from_bytes(key), iv);
        let cert = EmailCertification { security_code: code, reset_password: password };
        let body = cert.to_json(&profile, Some(&cipher)).unwrap();
        prop_assert_eq!(EmailCertification::from_json(&body, &profile, Some(&cipher)).unwrap(), cert);
    }

    #[test]
    fn qr_content_round_trips(content in "\\PC{0,100}[^\\s]\\PC{0,100}") {
        let profile = DeviceProfile::default();
        let qr = QrCode::with_content(content);
        prop_assert_eq!(QrCode::from_json(&qr.to_json(&profile), &profile).unwrap(), qr);
    }
}
