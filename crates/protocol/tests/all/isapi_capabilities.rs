//! Activation status, security capabilities and reset modes, read from every namespace variant.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{fixture, opt_text};
use proptest::prelude::*;
use protocol::isapi::{
    ActivationStatus, ExternCapabilities, LengthLimit, ResetMode, ResetModeSupport, SecurityCap,
    XmlNamespace,
};
use protocol::ParseError;

const NAMESPACE_VARIANTS: [&str; 6] = [
    "isapi_ver20",
    "hikvision_ver20",
    "std_cgi_ver20",
    "psia_v10",
    "no_namespace",
    "prefixed",
];

fn quoted_security_cap() -> SecurityCap {
    SecurityCap {
        password_length: LengthLimit { min: 8, max: 16 },
        security_answer_length: Some(LengthLimit { min: 1, max: 128 }),
        key_iterate_num: 100,
        is_irreversible: true,
        salt: Some("2F1C...1A92".into()),
        supports_security_email: true,
        supports_security_question_config: true,
        supports_user_check: true,
        security_version: Some("1".into()),
        rsa_key_length: Some(1024),
        supports_sync_ipc_password: None,
    }
}

#[test]
fn quoted_security_capabilities_parse_field_by_field() {
    let cap =
        SecurityCap::from_xml(&fixture("isapi_md/security_capabilities.isapi_ver20.xml")).unwrap();
    assert_eq!(cap, quoted_security_cap());
}

#[test]
fn wrong_namespace_still_parses() {
    for variant in NAMESPACE_VARIANTS {
        let xml = fixture(&format!("isapi_md/security_capabilities.{variant}.xml"));
        let cap = SecurityCap::from_xml(&xml).unwrap_or_else(|e| panic!("{variant}: {e}"));
        assert_eq!(cap, quoted_security_cap(), "{variant}");
    }
}

#[test]
fn a_camera_reporting_min_1_keeps_its_own_limit() {
    let cap = SecurityCap::from_xml(&fixture(
        "isapi_md/security_capabilities.one_camera_min_1.xml",
    ))
    .unwrap();
    assert_eq!(cap.password_length, LengthLimit { min: 1, max: 16 });
}

#[test]
fn silent_device_gets_documented_defaults() {
    let cap = SecurityCap::from_xml("<SecurityCap/>").unwrap();
    assert_eq!(cap, SecurityCap::default());
    assert_eq!(cap.password_length, LengthLimit { min: 8, max: 16 });
    assert_eq!(cap.key_iterate_num, 100);
    assert!(!cap.is_irreversible);
    assert_eq!(cap.salt, None);
}

#[test]
fn unknown_elements_are_ignored() {
    let xml = "<SecurityCap><futureThing><deep>1</deep></futureThing><isIrreversible>true</isIrreversible></SecurityCap>";
    assert!(SecurityCap::from_xml(xml).unwrap().is_irreversible);
}

#[test]
fn length_limit_with_min_above_max_is_refused() {
    let xml = r#"<SecurityCap><SecurityLimits><LoginPasswordLenLimit min="17" max="16"/></SecurityLimits></SecurityCap>"#;
    assert!(matches!(
        SecurityCap::from_xml(xml),
        Err(ParseError::InvalidValue { .. })
    ));
}

#[test]
fn status_answer_instead_of_capabilities_is_reported_as_device_status() {
    let xml = "<ResponseStatus><statusCode>4</statusCode><statusString>Invalid Operation</statusString></ResponseStatus>";
    let err = SecurityCap::from_xml(xml).unwrap_err();
    assert!(matches!(
        err,
        ParseError::DeviceStatus { status_code: 4, .. }
    ));
    assert!(err.to_string().contains("Invalid Operation"), "{err}");
}

#[test]
fn broken_xml_is_an_error_that_names_the_answer() {
    let err = SecurityCap::from_xml("<SecurityCap><salt>ab").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("the security capabilities answer"),
        "{err}"
    );
    assert!(matches!(
        SecurityCap::from_xml("  "),
        Err(ParseError::Empty { .. })
    ));
}

#[test]
fn quoted_activation_fragment_parses() {
    let status = ActivationStatus::from_xml(&fixture("isapi_md/activate_status.xml")).unwrap();
    assert_eq!(status, ActivationStatus { activated: true });
}

#[test]
fn activation_status_is_found_under_any_root() {
    let xml = r#"<?xml version="1.0"?><ActivateStatus xmlns="http://www.std-cgi.org/ver20/XMLSchema"><Activated>false</Activated></ActivateStatus>"#;
    assert!(!ActivationStatus::from_xml(xml).unwrap().activated);
}

#[test]
fn activation_status_without_the_flag_is_an_error() {
    assert!(matches!(
        ActivationStatus::from_xml("<ActivateStatus/>"),
        Err(ParseError::MissingField { .. })
    ));
    assert!(matches!(
        ActivationStatus::from_xml("<Activated>maybe</Activated>"),
        Err(ParseError::InvalidValue { .. })
    ));
}

#[test]
fn extern_capabilities_read_every_flag() {
    let caps =
        ExternCapabilities::from_xml(&fixture("isapi_md/extern_capabilities.field_names.xml"))
            .unwrap();
    assert_eq!(
        caps,
        ExternCapabilities {
            guid_file: true,
            security_question: true,
            security_email: true,
            hik_connect_app: false,
            min_reset_admin_password_num: Some(1),
        }
    );
}

#[test]
fn reset_modes_list_email_first() {
    let caps = ExternCapabilities {
        security_email: true,
        hik_connect_app: true,
        ..ExternCapabilities::default()
    };
    let modes = caps.reset_modes();
    assert_eq!(modes[0].mode, ResetMode::Email);
    assert_eq!(
        modes,
        vec![
            ResetModeSupport {
                mode: ResetMode::Email,
                supported: true
            },
            ResetModeSupport {
                mode: ResetMode::SecurityQuestions,
                supported: false
            },
            ResetModeSupport {
                mode: ResetMode::GuidFile,
                supported: false
            },
            ResetModeSupport {
                mode: ResetMode::HikConnectApp,
                supported: true
            },
        ]
    );
}

#[test]
fn missing_reset_flags_mean_unavailable() {
    let caps = ExternCapabilities::from_xml(
        "<Whatever><isSupportWithHCApp>1</isSupportWithHCApp></Whatever>",
    )
    .unwrap();
    assert!(caps.hik_connect_app);
    assert!(!caps.security_email && !caps.guid_file && !caps.security_question);
    assert_eq!(caps.min_reset_admin_password_num, None);
}

#[test]
fn types_travel_as_camel_case_json() {
    let json = serde_json::to_value(ExternCapabilities::default().reset_modes()).unwrap();
    assert_eq!(json[0]["mode"], "email");
    let json = serde_json::to_value(SecurityCap::default()).unwrap();
    assert_eq!(json["passwordLength"]["min"], 8);
    assert_eq!(json["keyIterateNum"], 100);
}

fn namespace() -> impl Strategy<Value = XmlNamespace> {
    proptest::sample::select(XmlNamespace::ALL.to_vec())
}

fn length_limit() -> impl Strategy<Value = LengthLimit> {
    (0u32..64, 0u32..64).prop_map(|(a, b)| LengthLimit {
        min: a.min(b),
        max: a.max(b),
    })
}

prop_compose! {
    fn security_cap()(
        password_length in length_limit(),
        security_answer_length in proptest::option::of(length_limit()),
        key_iterate_num in any::<u32>(),
        flags in any::<[bool; 4]>(),
        salt in opt_text(),
        security_version in opt_text(),
        rsa_key_length in proptest::option::of(any::<u32>()),
        supports_sync_ipc_password in proptest::option::of(any::<bool>()),
    ) -> SecurityCap {
        SecurityCap {
            password_length,
            security_answer_length,
            key_iterate_num,
            is_irreversible: flags[0],
            salt,
            supports_security_email: flags[1],
            supports_security_question_config: flags[2],
            supports_user_check: flags[3],
            security_version,
            rsa_key_length,
            supports_sync_ipc_password,
        }
    }
}

proptest! {
    #[test]
    fn security_cap_round_trips_in_every_namespace(cap in security_cap(), ns in namespace()) {
        prop_assert_eq!(SecurityCap::from_xml(&cap.to_xml_with(ns)).unwrap(), cap);
    }

    #[test]
    fn extern_capabilities_round_trip(
        flags in any::<[bool; 4]>(),
        min in proptest::option::of(any::<u32>()),
        ns in namespace(),
    ) {
        let caps = ExternCapabilities {
            guid_file: flags[0],
            security_question: flags[1],
            security_email: flags[2],
            hik_connect_app: flags[3],
            min_reset_admin_password_num: min,
        };
        prop_assert_eq!(ExternCapabilities::from_xml(&caps.to_xml_with(ns)).unwrap(), caps);
    }

    #[test]
    fn activation_status_round_trips(activated in any::<bool>(), ns in namespace()) {
        let status = ActivationStatus { activated };
        prop_assert_eq!(ActivationStatus::from_xml(&status.to_xml_with(ns)).unwrap(), status);
    }
}
