//! The reset routes beyond e-mail and the prevention settings: security questions, GUID file,
//! reserved e-mail, SyncIPCPassword and the capability gates, with both secret protections.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::fixture;
use protocol::field_crypto::{FieldCipher, FieldKey, FieldProtection};
use protocol::isapi::{
    ChannelSync, EmailParameter, ExternCapabilities, GuidFile, GuidFileExport, GuidFileReset,
    QuestionAnswer, QuestionCertification, QuestionConfiguration, RouteGates, SecurityCap,
    SetEmailParameter, SetQuestions, SyncIpcPassword, SyncIpcResult,
};
use protocol::profile::{DeviceProfile, SecretFieldScheme};
use protocol::sadp::ProbeMatch;
use protocol::{ParseError, XmlNamespace};

fn encrypted() -> FieldProtection {
    let key = FieldKey::derive_with(true, "SALT", 100, "admin", "Harbour-Light42");
    FieldProtection::Encrypted(FieldCipher::new(key, [7; 16]))
}

fn answers() -> Vec<QuestionAnswer> {
    vec![
        QuestionAnswer {
            id: 2,
            answer: "Rex & <Fido>".into(),
        },
        QuestionAnswer {
            id: 5,
            answer: "Lisbon".into(),
        },
    ]
}

#[test]
fn assumed_question_list_says_which_questions_to_ask() {
    let profile = DeviceProfile::default();
    let config = QuestionConfiguration::from_xml(
        &fixture("isapi_md/question_configuration.assumed.xml"),
        &profile,
    )
    .unwrap();
    assert!(config.is_set());
    assert_eq!(config.to_ask(), [2, 5, 7]);
    for ns in XmlNamespace::ALL {
        let again =
            QuestionConfiguration::from_xml(&config.to_xml_with(&profile, ns), &profile).unwrap();
        assert_eq!(again, config);
    }
}

#[test]
fn questions_never_set_ask_nothing() {
    let xml = "<SecurityQuestion><QuestionList><Question><id>1</id><mark>false</mark></Question>\
               <Question><id>2</id></Question></QuestionList></SecurityQuestion>";
    let config = QuestionConfiguration::from_xml(xml, &DeviceProfile::default()).unwrap();
    assert!(!config.is_set());
    assert!(config.to_ask().is_empty());
    let status = "<ResponseStatus><statusCode>4</statusCode><subStatusCode>notSupport</subStatusCode></ResponseStatus>";
    assert!(matches!(
        QuestionConfiguration::from_xml(status, &DeviceProfile::default()),
        Err(ParseError::DeviceStatus { status_code: 4, .. })
    ));
}

#[test]
fn question_certification_round_trips_in_clear_and_encrypted() {
    let profile = DeviceProfile::default();
    let body = QuestionCertification {
        answers: answers(),
        reset_password: "Harbour-Light42".into(),
    };
    for protection in [FieldProtection::Plain, encrypted()] {
        let xml = body.to_xml(&profile, &protection);
        assert_eq!(
            QuestionCertification::from_xml(&xml, &profile, &protection).unwrap(),
            body
        );
        let in_clear = xml.contains("Lisbon");
        assert_eq!(in_clear, protection == FieldProtection::Plain, "{xml}");
    }
    let shape = fixture("isapi_md/question_certification.assumed.xml");
    let read = QuestionCertification::from_xml(&shape, &profile, &FieldProtection::Plain).unwrap();
    assert_eq!(read.answers.len(), 1);
    assert_eq!(read.reset_password, "..");
    assert!(!format!("{body:?}").contains("Lisbon"));
}

#[test]
fn a_captured_question_shape_is_fixed_by_profile_data() {
    let mut profile = DeviceProfile::default();
    profile.questions.answer = "securityAnswer".into();
    profile.questions.certification_root = "SecurityQuestionCertification".into();
    let body = QuestionCertification {
        answers: answers(),
        reset_password: "Harbour-Light42".into(),
    };
    let xml = body.to_xml(&profile, &FieldProtection::Plain);
    assert!(
        xml.contains("<securityAnswer>Lisbon</securityAnswer>"),
        "{xml}"
    );
    assert_eq!(
        QuestionCertification::from_xml(&xml, &profile, &FieldProtection::Plain).unwrap(),
        body
    );
}

#[test]
fn setting_questions_carries_the_admin_password_encrypted_when_asked() {
    let profile = DeviceProfile::default();
    let body = SetQuestions {
        answers: answers(),
        admin_password: "Harbour-Light42".into(),
    };
    let protection = encrypted();
    let xml = body.to_xml(&profile, &protection);
    assert!(!xml.contains("Harbour-Light42"));
    assert_eq!(
        SetQuestions::from_xml(&xml, &profile, &protection).unwrap(),
        body
    );
    // The wrong key (another password) does not decrypt.
    let other =
        FieldProtection::Encrypted(FieldCipher::new(FieldKey::from_bytes([1; 16]), [7; 16]));
    assert!(SetQuestions::from_xml(&xml, &profile, &other).is_err());
}

#[test]
fn guid_reset_carries_the_file_as_base64_at_the_profile_key() {
    let profile = DeviceProfile::default();
    let file = GuidFile(b"GUID\x00\xffbytes".to_vec());
    let body = GuidFileReset {
        file: file.clone(),
        reset_password: "Harbour-Light42".into(),
    };
    let json = body.to_json(&profile, &FieldProtection::Plain);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["GUIDFileCertification"]["GUIDFileData"],
        file.to_base64()
    );
    assert_eq!(
        value["GUIDFileCertification"]["resetPassword"],
        "Harbour-Light42"
    );
    assert_eq!(
        GuidFileReset::from_json(&json, &profile, &FieldProtection::Plain).unwrap(),
        body
    );
    let flat = DeviceProfile {
        guid_reset_wrapper: None,
        guid_reset_file_key: "guidFile".into(),
        ..DeviceProfile::default()
    };
    let json = body.to_json(&flat, &encrypted());
    assert!(json.starts_with("{\"guidFile\""), "{json}");
    assert_eq!(
        GuidFileReset::from_json(&json, &flat, &encrypted()).unwrap(),
        body
    );
    assert!(!format!("{body:?}").contains("GUID"));
}

#[test]
fn the_guid_reset_call_is_assumed_data_in_the_profile() {
    let profile = DeviceProfile::default();
    assert_eq!(profile.guid_reset.method, "PUT");
    assert_eq!(
        profile.guid_reset.path_and_query(),
        "/ISAPI/Security/GUIDFileData/certification?format=json"
    );
    assert_eq!(
        profile.sync_ipc_password.path,
        "/ISAPI/ContentMgmt/InputProxy/syncIPCPasswd"
    );
    let captured = DeviceProfile::from_json(
        r#"{"guidReset":{"method":"POST","path":"/ISAPI/Security/GUIDReset","queryKeys":[]}}"#,
    )
    .unwrap();
    assert_eq!(
        captured.guid_reset.path_and_query(),
        "/ISAPI/Security/GUIDReset"
    );
}

#[test]
fn a_guid_export_answer_is_the_file_unless_it_is_a_status() {
    let file = GuidFile::from_export_answer(b"HIKGUID\nabc").unwrap();
    assert_eq!(file.0, b"HIKGUID\nabc");
    let status = br#"{"statusCode":4,"statusString":"Invalid Operation","subStatusCode":"badAuthorization"}"#;
    assert!(matches!(
        GuidFile::from_export_answer(status),
        Err(ParseError::DeviceStatus { .. })
    ));
    assert!(GuidFile::from_export_answer(b"").is_err());
    let request = GuidFileExport {
        admin_password: "Harbour-Light42".into(),
    };
    let xml = request.to_xml(&encrypted());
    assert!(xml.contains("<GUIDFileData"));
    assert_eq!(
        GuidFileExport::from_xml(&xml, &encrypted()).unwrap(),
        request
    );
}

#[test]
fn reserved_email_reads_and_sets_with_both_secrets_protected() {
    let profile = DeviceProfile::default();
    let read = EmailParameter::from_json(
        r#"{"SecurityEmail":{"SecurityInformation":[{"emailAddress":"o****@example.com"}]}}"#,
        &profile,
    )
    .unwrap();
    assert_eq!(read.email_address.as_deref(), Some("o****@example.com"));
    assert_eq!(
        EmailParameter::from_json(&read.to_json(&profile), &profile).unwrap(),
        read
    );
    let none = EmailParameter::from_json(
        r#"{"SecurityEmail":{"SecurityInformation":[{"emailAddress":""}]}}"#,
        &profile,
    )
    .unwrap();
    assert!(!none.is_reserved());
    // The earlier guess's shape still reads, as a fallback.
    let early = EmailParameter::from_json(
        r#"{"EmailParameter":{"enabled":true,"emailAddress":"o****@example.com"}}"#,
        &profile,
    )
    .unwrap();
    assert_eq!(early, read);
    assert!(EmailParameter::from_json(
        r#"{"statusCode":4,"subStatusCode":"notSupport"}"#,
        &profile
    )
    .is_err());

    let set = SetEmailParameter {
        email_address: "owner@example.org".into(),
        admin_password: "Harbour-Light42".into(),
    };
    let body = set.to_json(&encrypted());
    assert!(!body.contains("owner@example.org") && !body.contains("Harbour-Light42"));
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(value["SecurityEmail"]["SecurityInformation"][0]["emailAddress"].is_string());
    assert!(value["SecurityEmail"]["password"].is_string());
    assert_eq!(
        SetEmailParameter::from_json(&body, &encrypted()).unwrap(),
        set
    );
    assert!(protocol::isapi::is_plausible_email("a@b.co"));
    assert!(!protocol::isapi::is_plausible_email("a b@c.d"));
    assert!(!protocol::isapi::is_plausible_email("nobody"));
}

#[test]
fn sync_ipc_password_says_which_cameras_took_it() {
    let request = SyncIpcPassword {
        admin_password: "Harbour-Light42".into(),
    };
    let body = request.to_json(&encrypted());
    assert!(!body.contains("Harbour-Light42"));
    assert_eq!(
        SyncIpcPassword::from_json(&body, &encrypted()).unwrap(),
        request
    );
    let result = SyncIpcResult {
        channels: vec![
            ChannelSync {
                id: 1,
                ip_address: Some("192.168.254.2".into()),
                synced: true,
                sub_status_code: None,
            },
            ChannelSync {
                id: 2,
                ip_address: None,
                synced: false,
                sub_status_code: Some("offline".into()),
            },
        ],
    };
    assert_eq!(SyncIpcResult::from_json(&result.to_json()).unwrap(), result);
    assert!(matches!(
        SyncIpcResult::from_json(r#"{"statusCode":6,"subStatusCode":"badParameters"}"#),
        Err(ParseError::DeviceStatus { status_code: 6, .. })
    ));
}

#[test]
fn each_route_is_gated_by_its_own_capability() {
    let modes = ExternCapabilities {
        guid_file: true,
        security_question: false,
        security_email: true,
        ..ExternCapabilities::default()
    };
    let security = SecurityCap {
        supports_security_email: true,
        supports_security_question_config: true,
        security_version: Some("1".into()),
        ..SecurityCap::default()
    };
    let gates = RouteGates::new(&modes, &security, None);
    assert!(gates.email_reset && gates.guid_reset && !gates.question_reset);
    assert!(gates.set_reserved_email && gates.set_questions && gates.field_encryption);
    assert!(!gates.sync_ipc_password, "unknown means no");
    let nvr = ProbeMatch {
        sync_ipc_password: Some(true),
        ..ProbeMatch::default()
    };
    assert!(RouteGates::new(&modes, &security, Some(&nvr)).sync_ipc_password);
    let said_by_caps = SecurityCap {
        supports_sync_ipc_password: Some(true),
        ..security.clone()
    };
    assert!(RouteGates::new(&modes, &said_by_caps, None).sync_ipc_password);
    let old = SecurityCap {
        security_version: None,
        ..security
    };
    assert!(!RouteGates::new(&modes, &old, None).field_encryption);
    let profile = DeviceProfile::default();
    assert_eq!(profile.logged_in_scheme(&old), SecretFieldScheme::Plaintext);
    assert_eq!(
        profile.logged_in_scheme(&said_by_caps),
        SecretFieldScheme::Security1
    );
}
