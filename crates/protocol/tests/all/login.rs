//! Session login capabilities, the login body, and the hash against the Python vectors.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{fixture, opt_text, trimmed_text};
use proptest::prelude::*;
use protocol::login::{session_login_hash, SessionLogin, SessionLoginCap};
use protocol::{ParseError, XmlNamespace};

#[test]
fn capabilities_with_every_seen_field_parse() {
    let cap = SessionLoginCap::from_xml(&fixture(
        "isapi_md/session_login_capabilities.field_names.xml",
    ))
    .unwrap();
    assert_eq!(cap.iterations, 100);
    assert!(cap.is_irreversible);
    assert_eq!(cap.session_id_version.as_deref(), Some("2.1"));
    assert_eq!(cap.challenge, "5f4dcc3b5aa765d61d8327deb882cf99");
    assert!(cap.salt.is_some() && cap.salt2.is_some());
}

#[test]
fn iterations_are_never_assumed() {
    let xml = "<SessionLoginCap><sessionID>s</sessionID><challenge>c</challenge></SessionLoginCap>";
    let err = SessionLoginCap::from_xml(xml).unwrap_err();
    assert!(
        matches!(err, ParseError::MissingField { ref field, .. } if field == "iterations"),
        "{err}"
    );
}

#[test]
fn quoted_login_body_parses_and_is_what_we_send() {
    for name in ["session_login.xml", "session_login.older.xml"] {
        let quoted = fixture(&format!("isapi_md/{name}"));
        let body = SessionLogin::from_xml(&quoted).unwrap();
        assert_eq!(body.password, "HASH");
        assert_eq!(body.to_xml(), quoted.trim_end());
    }
}

#[test]
fn login_body_carries_the_hash_not_the_password() {
    let cap = SessionLoginCap::from_xml(&fixture(
        "isapi_md/session_login_capabilities.field_names.xml",
    ))
    .unwrap();
    let body = SessionLogin::new(&cap, "admin", "Abc12345!");
    assert_eq!(
        body.password,
        session_login_hash(&cap, "admin", "Abc12345!")
    );
    assert!(!body.to_xml().contains("Abc12345!"));
    assert_eq!(body.session_id, cap.session_id);
}

#[test]
fn version_2_1_selects_the_salt2_hash_whatever_is_irreversible_says() {
    let mut cap = SessionLoginCap::from_xml(&fixture(
        "isapi_md/session_login_capabilities.field_names.xml",
    ))
    .unwrap();
    let irreversible = session_login_hash(&cap, "admin", "Abc12345!");
    cap.is_irreversible = false;
    assert_eq!(session_login_hash(&cap, "admin", "Abc12345!"), irreversible);
    cap.session_id_version = Some("2.0".into());
    assert_ne!(session_login_hash(&cap, "admin", "Abc12345!"), irreversible);
}

#[test]
fn only_the_2_1_body_carries_the_long_term_flag_and_version() {
    let mut cap = SessionLoginCap::from_xml(&fixture(
        "isapi_md/session_login_capabilities.field_names.xml",
    ))
    .unwrap();
    let body = SessionLogin::new(&cap, "admin", "Abc12345!").to_xml();
    assert!(body.contains("<isSessionIDValidLongTerm>false</isSessionIDValidLongTerm>"));
    assert!(body.contains("<sessionIDVersion>2.1</sessionIDVersion>"));
    cap.session_id_version = Some("2.0".into());
    let older = SessionLogin::new(&cap, "admin", "Abc12345!").to_xml();
    assert!(!older.contains("isSessionIDValidLongTerm"), "{older}");
    assert!(!older.contains("sessionIDVersion"), "{older}");
    assert!(older.contains("<userName>admin</userName>") && older.contains("<sessionID>"));
}

prop_compose! {
    fn session_login_cap()(
        session_id in trimmed_text(),
        challenge in trimmed_text(),
        iterations in any::<u32>(),
        is_irreversible in any::<bool>(),
        session_id_version in opt_text(),
        salt in opt_text(),
        salt2 in opt_text(),
    ) -> SessionLoginCap {
        SessionLoginCap { session_id, challenge, iterations, is_irreversible, session_id_version, salt, salt2 }
    }
}

proptest! {
    #[test]
    fn capabilities_round_trip(cap in session_login_cap(), ns in proptest::sample::select(XmlNamespace::ALL.to_vec())) {
        prop_assert_eq!(SessionLoginCap::from_xml(&cap.to_xml_with(ns)).unwrap(), cap);
    }

    #[test]
    fn login_body_round_trips(user in trimmed_text(), password in trimmed_text(), session_id in trimmed_text(), version_2_1 in any::<bool>()) {
        let body = SessionLogin { user_name: user, password, session_id, version_2_1 };
        prop_assert_eq!(SessionLogin::from_xml(&body.to_xml()).unwrap(), body);
    }
}
