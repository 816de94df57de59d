//! ResponseStatus in XML and JSON, both lockout shapes, and sub-status classification.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{fixture, opt_text};
use proptest::prelude::*;
use protocol::isapi::{LockState, ResponseStatus, StatusKind, SubStatus, XmlNamespace};
use protocol::profile::DeviceProfile;
use protocol::ParseError;

const NAMESPACE_VARIANTS: [&str; 6] = [
    "std_cgi_ver20",
    "hikvision_ver20",
    "isapi_ver20",
    "psia_v10",
    "no_namespace",
    "prefixed",
];

#[test]
fn quoted_status_parses_in_every_namespace() {
    for variant in NAMESPACE_VARIANTS {
        let xml = fixture(&format!("isapi_md/response_status.{variant}.xml"));
        let status = ResponseStatus::from_xml(&xml).unwrap_or_else(|e| panic!("{variant}: {e}"));
        assert_eq!(
            status.request_url.as_deref(),
            Some("/ISAPI/..."),
            "{variant}"
        );
        assert_eq!(status.status_code, 6);
        assert_eq!(status.kind(), StatusKind::InvalidXmlContent);
        assert_eq!(status.status_string.as_deref(), Some("Invalid Content"));
        assert_eq!(status.sub_status_code.as_deref(), Some("..."));
        assert_eq!(status.lock, None);
        assert!(!status.is_ok());
    }
}

#[test]
fn xml_lock_shape_keeps_unlock_time() {
    let status =
        ResponseStatus::parse(&fixture("isapi_md/response_status.lock_xml_shape.xml")).unwrap();
    let lock = status.lock.unwrap();
    assert_eq!(
        lock,
        LockState::UnlockTime {
            locked: true,
            unlock_time: Some(717),
            retry_login_time: Some(0)
        }
    );
    assert!(status.is_locked());
    assert_eq!(lock.unlock_in_seconds(), Some(717));
    assert_eq!(lock.retries_left(), Some(0));
}

#[test]
fn json_lock_shape_keeps_retry_times() {
    let status =
        ResponseStatus::parse(&fixture("isapi_md/response_status.lock_json_shape.json")).unwrap();
    assert_eq!(
        status.lock,
        Some(LockState::RetryTimes {
            locked: true,
            retry_times: Some(0),
            res_lock_time: Some(1800)
        })
    );
    assert_eq!(status.error_code, Some(1_073_741_830));
    assert_eq!(status.error_msg.as_deref(), Some("maxPasswordAttempts"));
    assert_eq!(
        status.sub_status(&DeviceProfile::default()),
        Some(SubStatus::MaxPasswordAttempts)
    );
}

#[test]
fn unlocked_device_reports_retries_left() {
    let json = r#"{"statusCode":6,"subStatusCode":"verificationCodeError","lockStatus":"unlock","retryTimes":3}"#;
    let status = ResponseStatus::from_json(json).unwrap();
    assert!(!status.is_locked());
    assert_eq!(status.lock.unwrap().retries_left(), Some(3));
}

#[test]
fn json_status_may_be_wrapped_and_use_string_numbers() {
    let json = r#"{"ResponseStatus":{"statusCode":"4","statusString":"Invalid Operation","errorCode":"0x400010E8"}}"#;
    let status = ResponseStatus::from_json(json).unwrap();
    assert_eq!(status.kind(), StatusKind::InvalidOperation);
    assert_eq!(status.error_code, Some(0x4000_10E8));
}

#[test]
fn risk_password_is_recognised_with_its_error_code() {
    let status =
        ResponseStatus::parse(&fixture("isapi_md/response_status.risk_password.json")).unwrap();
    let sub = status.sub_status(&DeviceProfile::default()).unwrap();
    assert_eq!(sub, SubStatus::RiskPassword);
    assert_eq!(sub.error_code(), status.error_code);
}

#[test]
fn wrong_and_expired_code_sub_statuses_come_from_the_profile() {
    let mut profile = DeviceProfile::default();
    assert_eq!(
        SubStatus::parse("verificationCodeError", &profile),
        SubStatus::WrongResetCode
    );
    assert_eq!(
        SubStatus::parse("verificationCodeExpired", &profile),
        SubStatus::ExpiredResetCode
    );
    assert_eq!(
        SubStatus::parse("noReservedEmail", &profile),
        SubStatus::NoReservedEmail
    );
    profile.wrong_code_sub_status = "securityCodeError".into();
    assert_eq!(
        SubStatus::parse("securityCodeError", &profile),
        SubStatus::WrongResetCode
    );
    assert_eq!(
        SubStatus::WrongResetCode.code(&profile),
        "securityCodeError"
    );
}

#[test]
fn unknown_sub_status_is_kept_verbatim() {
    let profile = DeviceProfile::default();
    assert_eq!(
        SubStatus::parse("someNewThing", &profile),
        SubStatus::Other("someNewThing".into())
    );
    assert_eq!(
        SubStatus::parse("wanNOTsupport", &profile),
        SubStatus::WanNotSupport
    );
    assert_eq!(
        SubStatus::PasswordTooLong.code(&profile),
        "passworLlenNoMoreThan16"
    );
}

#[test]
fn status_without_status_code_is_an_error() {
    assert!(matches!(
        ResponseStatus::from_xml(
            "<ResponseStatus><statusString>OK</statusString></ResponseStatus>"
        ),
        Err(ParseError::MissingField { .. })
    ));
    assert!(matches!(
        ResponseStatus::from_json("[1]"),
        Err(ParseError::MissingField { .. })
    ));
    assert!(matches!(
        ResponseStatus::from_json("{"),
        Err(ParseError::Json { .. })
    ));
}

#[test]
fn devsim_statuses_carry_the_usual_strings() {
    let profile = DeviceProfile::default();
    let status = ResponseStatus::with_sub_status(
        StatusKind::InvalidXmlContent,
        &SubStatus::RiskPassword,
        &profile,
    );
    let back = ResponseStatus::from_json(&status.to_json()).unwrap();
    assert_eq!(back.status_string.as_deref(), Some("Invalid Content"));
    assert_eq!(back.sub_status_code.as_deref(), Some("riskPassword"));
    assert_eq!(back.error_code, Some(0x1000_0002));
    assert!(ResponseStatus::new(StatusKind::Ok).is_ok());
}

fn lock_state() -> impl Strategy<Value = Option<LockState>> {
    let n = || proptest::option::of(any::<u32>());
    proptest::option::of(prop_oneof![
        (any::<bool>(), n(), n()).prop_map(|(locked, retry_times, res_lock_time)| {
            LockState::RetryTimes {
                locked,
                retry_times,
                res_lock_time,
            }
        }),
        (any::<bool>(), n(), n()).prop_map(|(locked, unlock_time, retry_login_time)| {
            LockState::UnlockTime {
                locked,
                unlock_time,
                retry_login_time,
            }
        }),
    ])
}

prop_compose! {
    fn response_status()(
        request_url in opt_text(),
        status_code in any::<u32>(),
        status_string in opt_text(),
        sub_status_code in opt_text(),
        error_code in proptest::option::of(any::<u32>()),
        error_msg in opt_text(),
        lock in lock_state(),
    ) -> ResponseStatus {
        ResponseStatus { request_url, status_code, status_string, sub_status_code, error_code, error_msg, lock }
    }
}

/// An unlocked status with no counters cannot show its shape; it reads as the format's own.
fn shape_is_ambiguous(status: &ResponseStatus, xml: bool) -> bool {
    match status.lock {
        Some(LockState::RetryTimes {
            locked: false,
            retry_times: None,
            res_lock_time: None,
        }) => xml,
        Some(LockState::UnlockTime {
            locked: false,
            unlock_time: None,
            retry_login_time: None,
        }) => !xml,
        _ => false,
    }
}

#[test]
fn bare_unlock_reads_as_the_formats_own_shape() {
    let xml = ResponseStatus::from_xml("<ResponseStatus><statusCode>1</statusCode><lockStatus>unlock</lockStatus></ResponseStatus>").unwrap();
    assert!(matches!(
        xml.lock,
        Some(LockState::UnlockTime { locked: false, .. })
    ));
    let json = ResponseStatus::from_json(r#"{"statusCode":1,"lockStatus":"unlock"}"#).unwrap();
    assert!(matches!(
        json.lock,
        Some(LockState::RetryTimes { locked: false, .. })
    ));
}

proptest! {
    #[test]
    fn status_round_trips_through_xml(status in response_status(), ns in proptest::sample::select(XmlNamespace::ALL.to_vec())) {
        prop_assume!(!shape_is_ambiguous(&status, true));
        prop_assert_eq!(ResponseStatus::parse(&status.to_xml_with(ns)).unwrap(), status);
    }

    #[test]
    fn status_round_trips_through_json(status in response_status()) {
        prop_assume!(!shape_is_ambiguous(&status, false));
        prop_assert_eq!(ResponseStatus::parse(&status.to_json()).unwrap(), status);
    }
}

#[test]
fn a_web_page_is_never_taken_for_capabilities() {
    let page = "<html><head><title>Login</title></head><body><p>Please log in</p></body></html>";
    assert!(protocol::isapi::SecurityCap::from_xml(page).is_err());
    assert!(protocol::isapi::ExternCapabilities::from_xml(page).is_err());
    assert!(protocol::isapi::ActivationStatus::from_xml(page).is_err());
}

#[test]
fn only_a_bare_invalid_operation_means_starting_up() {
    let booting =
        ResponseStatus::parse(r#"{"statusCode":4,"statusString":"Invalid Operation"}"#).unwrap();
    assert!(booting.is_booting_signal());
    for named in [
        r#"{"statusCode":4,"subStatusCode":"noSetSecurityEmail"}"#,
        r#"{"statusCode":4,"subStatusCode":"someFirmwareReason"}"#,
        r#"{"statusCode":4,"subStatusCode":"maxPasswordAttempts"}"#,
        r#"{"statusCode":6,"statusString":"Invalid Content"}"#,
    ] {
        assert!(
            !ResponseStatus::parse(named).unwrap().is_booting_signal(),
            "{named}"
        );
    }
}
