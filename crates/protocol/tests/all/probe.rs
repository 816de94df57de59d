//! The probe's reading of each answer: parsed or not, which fields are there and which are
//! missing, which login hash applies, and a report that survives its own JSON.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::fixture;
use protocol::probe::{
    Assessment, LoginHashVariant, ProbeCall, ProbeReport, ProbeStep, FORMAT, READ_ONLY_NOTE,
};

fn assess(step: ProbeStep, fixture_path: &str) -> Assessment {
    Assessment::of(step, 200, &fixture(fixture_path))
}

#[test]
fn the_calls_are_the_five_reads_in_order() {
    let paths: Vec<String> = ProbeStep::ALL.iter().map(|s| s.path_and_query()).collect();
    assert_eq!(
        paths,
        [
            "/SDK/activateStatus",
            "/ISAPI/Security/capabilities?username=admin",
            "/ISAPI/Security/extern/capabilities",
            "/ISAPI/Security/email/parameter/capabilities?format=json",
            "/ISAPI/Security/sessionLogin/capabilities?username=admin",
        ]
    );
    assert_eq!(ProbeStep::METHOD, "GET");
}

#[test]
fn documented_answers_parse_with_every_expected_field_found() {
    let cases = [
        (ProbeStep::ActivateStatus, "isapi_md/activate_status.xml"),
        (
            ProbeStep::SecurityCapabilities,
            "isapi_md/security_capabilities.isapi_ver20.xml",
        ),
        (
            ProbeStep::ExternCapabilities,
            "isapi_md/extern_capabilities.field_names.xml",
        ),
        (
            ProbeStep::EmailParameterCapabilities,
            "isapi_md/security_email_cap.field_names.json",
        ),
        (
            ProbeStep::SessionLoginCapabilities,
            "isapi_md/session_login_capabilities.field_names.xml",
        ),
    ];
    for (step, path) in cases {
        let a = assess(step, path);
        assert!(a.parsed, "{step:?}: {:?}", a.parse_error);
        assert!(a.missing.is_empty(), "{step:?} misses {:?}", a.missing);
        for expected in step.expected_fields() {
            assert!(
                a.found.iter().any(|f| f == expected),
                "{step:?}: {expected}"
            );
        }
    }
}

#[test]
fn the_security_capabilities_notes_say_the_limits_and_optional_fields_are_found() {
    let a = assess(
        ProbeStep::SecurityCapabilities,
        "isapi_md/security_capabilities.isapi_ver20.xml",
    );
    assert!(
        a.notes
            .contains(&"password length: 8 to 16 characters".to_owned()),
        "{:?}",
        a.notes
    );
    assert!(a.found.contains(&"SecurityAnswerLenLimit".to_owned()));
    assert!(a.found.contains(&"RSAKeyLength".to_owned()));
    assert!(a.other_fields.is_empty(), "{:?}", a.other_fields);
    // The salt's presence is reported, never its value.
    assert!(!format!("{a:?}").contains("2F1C...1A92"));
}

#[test]
fn missing_and_unknown_fields_are_named() {
    let body = "<SecurityCap><keyIterateNum>100</keyIterateNum><isSupportFoo>true</isSupportFoo>\
                <Nested><deeper/></Nested></SecurityCap>";
    let a = Assessment::of(ProbeStep::SecurityCapabilities, 200, body);
    assert!(a.parsed, "{:?}", a.parse_error);
    assert_eq!(a.found, ["keyIterateNum"]);
    assert_eq!(
        a.missing,
        [
            "securityVersion",
            "isIrreversible",
            "salt",
            "LoginPasswordLenLimit"
        ]
    );
    assert_eq!(a.other_fields, ["isSupportFoo", "Nested", "deeper"]);
}

#[test]
fn version_2_1_selects_the_salt2_hash_whatever_is_irreversible_says() {
    assert_eq!(
        LoginHashVariant::select(Some("2.1"), false),
        LoginHashVariant::Salt2
    );
    assert_eq!(
        LoginHashVariant::select(Some(" 2.1 "), true),
        LoginHashVariant::Salt2
    );
    assert_eq!(
        LoginHashVariant::select(Some("2"), true),
        LoginHashVariant::Irreversible
    );
    assert_eq!(
        LoginHashVariant::select(None, false),
        LoginHashVariant::Plain
    );

    let a = assess(
        ProbeStep::SessionLoginCapabilities,
        "isapi_md/session_login_capabilities.field_names.xml",
    );
    assert_eq!(a.login_hash, Some(LoginHashVariant::Salt2));
    assert!(
        a.notes.contains(&"iterations: 100".to_owned()),
        "{:?}",
        a.notes
    );

    let reversible_2_1 = "<SessionLoginCap><sessionID>s</sessionID><challenge>c</challenge>\
        <iterations>100</iterations><isIrreversible>false</isIrreversible>\
        <sessionIDVersion>2.1</sessionIDVersion><salt>abc</salt></SessionLoginCap>";
    let a = Assessment::of(ProbeStep::SessionLoginCapabilities, 200, reversible_2_1);
    assert_eq!(a.login_hash, Some(LoginHashVariant::Salt2));
    assert_eq!(a.missing, ["salt2"]);
    let warnings = a.notes.join("\n");
    assert!(warnings.contains("needs salt2"), "{warnings}");
    assert!(warnings.contains("without isIrreversible"), "{warnings}");
}

#[test]
fn garbage_html_and_empty_answers_are_reported_not_parsed() {
    for step in ProbeStep::ALL {
        for body in [
            "",
            "<html><body>Please log in</body></html>",
            "\u{0}\u{1}\u{fffd}garbage{<",
            "<SecurityCap><salt>half",
            "{\"a\":",
        ] {
            let a = Assessment::of(step, 200, body);
            assert!(!a.parsed, "{step:?} parsed {body:?}");
            assert!(a.parse_error.is_some(), "{step:?} {body:?}");
            assert!(!a.missing.is_empty(), "{step:?} {body:?}");
        }
    }
}

#[test]
fn a_status_answer_is_named_with_its_codes() {
    let status = "<ResponseStatus><statusCode>4</statusCode><statusString>Invalid Operation\
                  </statusString><subStatusCode>notSupport</subStatusCode></ResponseStatus>";
    let a = Assessment::of(ProbeStep::ExternCapabilities, 403, status);
    assert!(!a.parsed);
    let notes = a.notes.join("\n");
    assert!(notes.contains("statusCode 4"), "{notes}");
    assert!(notes.contains("notSupport"), "{notes}");
    assert!(notes.contains("HTTP 403"), "{notes}");
    let json = fixture("isapi_md/response_status.risk_password.json");
    let a = Assessment::of(ProbeStep::EmailParameterCapabilities, 200, &json);
    assert!(!a.parsed);
    assert!(a.notes.join("\n").contains("riskPassword"));
}

#[test]
fn the_report_says_who_made_it_and_survives_its_json() {
    let answered = ProbeCall::answered(
        ProbeStep::ActivateStatus,
        "http",
        200,
        Some("application/xml".into()),
        assess(ProbeStep::ActivateStatus, "isapi_md/activate_status.xml"),
        "<Activated>true</Activated>".into(),
    );
    let failed = ProbeCall::failed(ProbeStep::SecurityCapabilities, "timed out".into());
    let report = ProbeReport::new(
        "reset-proxy 9.9.9".into(),
        "192.168.1.64:80".into(),
        vec![answered, failed.clone()],
    );
    assert!(report.reachable);
    assert_eq!(report.note, READ_ONLY_NOTE);
    let text = report.to_json();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["format"], FORMAT);
    assert_eq!(value["madeBy"], "reset-proxy 9.9.9");
    assert_eq!(value["calls"][0]["parsed"], true);
    assert_eq!(value["calls"][1]["failure"], "timed out");
    assert_eq!(ProbeReport::parse(&text).unwrap(), report);

    let nobody = ProbeReport::new("x".into(), "y".into(), vec![failed]);
    assert!(!nobody.reachable);
    let other = text.replace(FORMAT, "something-else");
    assert!(ProbeReport::parse(&other).is_err());
}

#[test]
fn every_text_of_an_assessment_can_be_swept() {
    let a = Assessment {
        parse_error: Some("bad SECRET".into()),
        notes: vec!["note SECRET".into()],
        ..Assessment::default()
    }
    .map_text(|t| t.replace("SECRET", "{{salt.1}}"));
    assert_eq!(a.parse_error.as_deref(), Some("bad {{salt.1}}"));
    assert_eq!(a.notes, ["note {{salt.1}}"]);
}
