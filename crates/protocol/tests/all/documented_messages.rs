//! The developer guide's messages for the e-mail reset, built from the fields it documents:
//! each parses with the default profile, and what we write has the documented shape.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::fixture;
use protocol::field_crypto::FieldProtection;
use protocol::isapi::{EmailParameter, QrCode, ResponseStatus, SetEmailParameter, SubStatus};
use protocol::json_path::shape_of;
use protocol::profile::DeviceProfile;
use serde_json::Value;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn the_documented_qr_answer_gives_content_reserved_address_and_mailbox() {
    let body = fixture("developer_guide/security_email_qr_code.json");
    let profile = DeviceProfile::default();
    let qr = QrCode::from_json(&body, &profile).unwrap();
    assert_eq!(qr.content, "<opaque string, at most 1024 bytes>");
    assert_eq!(qr.reserved_email.as_deref(), Some("o****@example.com"));
    assert_eq!(
        qr.server_mailbox.as_deref(),
        Some("recovery@vendor.example")
    );
    assert_eq!(qr.disclaimer, Some(true));
    assert_eq!(
        shape_of(&json(&qr.to_json(&profile))),
        shape_of(&json(&body))
    );
}

#[test]
fn the_documented_recovery_email_reads_and_writes_in_its_shape() {
    let profile = DeviceProfile::default();
    let body = fixture("developer_guide/security_email.json");
    let read = EmailParameter::from_json(&body, &profile).unwrap();
    assert_eq!(read.email_address.as_deref(), Some("o****@example.com"));
    assert_eq!(
        shape_of(&json(&read.to_json(&profile))),
        shape_of(&json(&body))
    );

    let set_body = fixture("developer_guide/security_email.set.json");
    let set = SetEmailParameter::from_json(&set_body, &FieldProtection::Plain).unwrap();
    assert_eq!(set.email_address, "owner@example.org");
    assert_eq!(set.admin_password, "<admin password>");
    assert_eq!(json(&set.to_json(&FieldProtection::Plain)), json(&set_body));
}

#[test]
fn the_documented_no_reserved_email_refusal_is_recognised() {
    let body = fixture("developer_guide/response_status.no_set_security_email.json");
    let status = ResponseStatus::parse(&body).unwrap();
    assert_eq!(
        status.sub_status(&DeviceProfile::default()),
        Some(SubStatus::NoReservedEmail)
    );
    let early =
        ResponseStatus::parse(r#"{"statusCode":4,"subStatusCode":"noReservedEmail"}"#).unwrap();
    assert_eq!(
        early.sub_status(&DeviceProfile::default()),
        Some(SubStatus::NoReservedEmail)
    );
    let unknown =
        ResponseStatus::parse(r#"{"statusCode":4,"subStatusCode":"mailNotBound"}"#).unwrap();
    assert_eq!(
        unknown.sub_status(&DeviceProfile::default()),
        Some(SubStatus::Other("mailNotBound".into()))
    );
}
