//! The recovery e-mail capabilities (JSON_SecurityEmailCap): the length limits the web UI reads
//! from `SecurityEmailCap.emailAddress["@min"]`/`["@max"]`, read as leniently as devices write.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::fixture;
use proptest::prelude::*;
use protocol::isapi::{LengthLimit, SecurityEmailCap, MAX_EMAIL_LEN};
use protocol::ParseError;

fn limit(min: u32, max: u32) -> Option<LengthLimit> {
    Some(LengthLimit { min, max })
}

#[test]
fn the_fields_the_web_ui_reads_give_the_address_length() {
    let cap = SecurityEmailCap::from_json(&fixture("isapi_md/security_email_cap.field_names.json"))
        .unwrap();
    assert_eq!(cap.email_address_length, limit(1, 64));
}

#[test]
fn numbers_in_strings_and_keys_in_another_case_read_the_same() {
    let cap = SecurityEmailCap::from_json(&fixture(
        "isapi_md/security_email_cap.strings_other_case.json",
    ))
    .unwrap();
    assert_eq!(cap.email_address_length, limit(1, 64));
}

#[test]
fn an_answer_without_the_wrapper_or_with_other_members_still_reads() {
    let flat = r#"{"emailAddress":{"@min":3,"@max":"40"},"enabled":{"@opt":[true,false]}}"#;
    assert_eq!(
        SecurityEmailCap::from_json(flat)
            .unwrap()
            .email_address_length,
        limit(3, 40)
    );
    let extra = r#"{"SecurityEmailCap":{"isSupportQRCode":true,"emailAddress":{"@max":32}}}"#;
    assert_eq!(
        SecurityEmailCap::from_json(extra)
            .unwrap()
            .email_address_length,
        limit(0, 32)
    );
    let only_min = r#"{"SecurityEmailCap":{"emailAddress":{"@min":"5"}}}"#;
    let max = u32::try_from(MAX_EMAIL_LEN).unwrap();
    assert_eq!(
        SecurityEmailCap::from_json(only_min)
            .unwrap()
            .email_address_length,
        limit(5, max)
    );
}

#[test]
fn a_capability_without_limits_reads_as_none() {
    for body in [
        r#"{"SecurityEmailCap":{}}"#,
        r#"{"SecurityEmailCap":{"emailAddress":{}}}"#,
        r#"{"SecurityEmailCap":{"emailAddress":{"@min":"","@max":null}}}"#,
        r#"{"SecurityEmailCap":{"emailAddress":"x"}}"#,
    ] {
        let cap = SecurityEmailCap::from_json(body).unwrap_or_else(|e| panic!("{body}: {e}"));
        assert_eq!(cap.email_address_length, None, "{body}");
    }
}

#[test]
fn limits_that_make_no_sense_are_errors_naming_the_field() {
    let backwards = r#"{"SecurityEmailCap":{"emailAddress":{"@min":64,"@max":1}}}"#;
    assert!(matches!(
        SecurityEmailCap::from_json(backwards),
        Err(ParseError::InvalidValue { field, .. }) if field == "emailAddress"
    ));
    let words = r#"{"SecurityEmailCap":{"emailAddress":{"@min":1,"@max":"lots"}}}"#;
    assert!(matches!(
        SecurityEmailCap::from_json(words),
        Err(ParseError::InvalidValue { field, value, .. })
            if field == "emailAddress@max" && value == "lots"
    ));
    let negative = r#"{"SecurityEmailCap":{"emailAddress":{"@min":-1,"@max":64}}}"#;
    assert!(SecurityEmailCap::from_json(negative).is_err());
}

#[test]
fn a_status_or_other_document_in_its_place_is_an_error() {
    assert!(matches!(
        SecurityEmailCap::from_json(&fixture("isapi_md/response_status.risk_password.json")),
        Err(ParseError::DeviceStatus { status_code: 6, .. })
    ));
    assert!(matches!(
        SecurityEmailCap::from_json(r#"{"EmailParameter":{"enabled":true}}"#),
        Err(ParseError::MissingField { field, .. }) if field == "SecurityEmailCap"
    ));
    assert!(matches!(
        SecurityEmailCap::from_json("<html><body>Login</body></html>"),
        Err(ParseError::Json { .. })
    ));
    assert!(matches!(
        SecurityEmailCap::from_json(" \n"),
        Err(ParseError::Empty { .. })
    ));
}

#[test]
fn devsims_answer_has_the_shape_the_web_ui_reads() {
    let cap = SecurityEmailCap {
        email_address_length: limit(0, 64),
    };
    let value: serde_json::Value = serde_json::from_str(&cap.to_json()).unwrap();
    assert_eq!(value["SecurityEmailCap"]["emailAddress"]["@min"], 0);
    assert_eq!(value["SecurityEmailCap"]["emailAddress"]["@max"], 64);
    let none = SecurityEmailCap::default().to_json();
    assert_eq!(
        SecurityEmailCap::from_json(&none).unwrap(),
        SecurityEmailCap::default()
    );
}

proptest! {
    #[test]
    fn any_sensible_limit_round_trips(min in 0u32..500, extra in 0u32..500) {
        let cap = SecurityEmailCap { email_address_length: limit(min, min + extra) };
        prop_assert_eq!(SecurityEmailCap::from_json(&cap.to_json()).unwrap(), cap);
    }
}
