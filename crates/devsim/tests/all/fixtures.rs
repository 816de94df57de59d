//! Every fixture quoted from the notes parses with the protocol type devsim answers with, so
//! devsim's shapes and the real ones are read by the same code.
#![allow(clippy::unwrap_used)]

use protocol::field_crypto::FieldProtection;
use protocol::isapi::{
    ActivationStatus, EmailCertification, ExternCapabilities, QrCode, QuestionCertification,
    QuestionConfiguration, ResponseStatus, SecurityCap, SecurityEmailCap,
};
use protocol::login::{SessionLogin, SessionLoginCap};
use protocol::profile::DeviceProfile;
use protocol::sadp::{Probe, ProbeMatch};
use std::path::PathBuf;

fn fixtures() -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../protocol/tests/fixtures");
    let mut out = Vec::new();
    for dir in ["isapi_md", "sadp_md"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.push((
                format!("{dir}/{name}"),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    out
}

#[test]
fn every_fixture_from_the_notes_parses() {
    let profile = DeviceProfile::default();
    let all = fixtures();
    assert!(all.len() >= 25, "{}", all.len());
    for (name, body) in all {
        let file = name.rsplit('/').next().unwrap();
        let parsed = match file.split('.').next().unwrap() {
            "activate_status" => ActivationStatus::from_xml(&body).map(drop),
            "email_certification" => EmailCertification::from_json(&body, &profile, None).map(drop),
            "extern_capabilities" => ExternCapabilities::from_xml(&body).map(drop),
            "qr_code" => QrCode::from_json(&body, &profile).map(drop),
            "question_configuration" => QuestionConfiguration::from_xml(&body, &profile).map(drop),
            "question_certification" => {
                QuestionCertification::from_xml(&body, &profile, &FieldProtection::Plain).map(drop)
            }
            "response_status" => ResponseStatus::parse(&body).map(drop),
            "security_capabilities" => SecurityCap::from_xml(&body).map(drop),
            "security_email_cap" => SecurityEmailCap::from_json(&body).map(drop),
            "session_login" => SessionLogin::from_xml(&body).map(drop),
            "session_login_capabilities" => SessionLoginCap::from_xml(&body).map(drop),
            "probe" => Probe::parse(body.as_bytes()).map(drop),
            "probe_match" => ProbeMatch::parse(body.as_bytes()).map(drop),
            // A fragment: the sloppy value as a real device sends it, inside a reply.
            "hc_platform_enable_flase" => {
                let reply = format!("<ProbeMatch>{body}</ProbeMatch>");
                let parsed = ProbeMatch::parse(reply.as_bytes()).unwrap();
                assert_eq!(parsed.hc_platform_enable, Some(false));
                Ok(())
            }
            other => panic!("no parser known for fixture {name} ({other})"),
        };
        assert!(parsed.is_ok(), "{name}: {parsed:?}");
    }
}
