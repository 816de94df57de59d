//! Every parser, fed arbitrary bytes, mangled fixtures or hostile nesting, returns instead of panicking.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use protocol::field_crypto::{parse_iv, FieldCipher, FieldKey};
use protocol::isapi::{
    ActivationStatus, EmailCertification, ExternCapabilities, LengthLimit, QrCode, ResponseStatus,
    SecurityCap, SecurityEmailCap,
};
use protocol::login::{SessionLogin, SessionLoginCap};
use protocol::password;
use protocol::probe::{Assessment, ProbeStep};
use protocol::profile::{DeviceProfile, SecretFieldScheme};
use protocol::sadp::{Probe, ProbeMatch};

/// Runs every parser in the crate over one input; results are ignored, only panics matter.
fn parse_everything(bytes: &[u8]) {
    let _ = ProbeMatch::parse(bytes);
    let _ = Probe::parse(bytes);
    let text = String::from_utf8_lossy(bytes);
    let text = text.as_ref();
    let _ = ActivationStatus::from_xml(text);
    let _ = SecurityCap::from_xml(text);
    let _ = ExternCapabilities::from_xml(text);
    let _ = SecurityEmailCap::from_json(text);
    let _ = ResponseStatus::parse(text);
    let _ = ResponseStatus::from_xml(text);
    let _ = ResponseStatus::from_json(text);
    let _ = SessionLoginCap::from_xml(text);
    let _ = SessionLogin::from_xml(text);
    let plain = DeviceProfile::default();
    let encrypted = DeviceProfile {
        email_certification_secrets: SecretFieldScheme::Security1,
        ..DeviceProfile::default()
    };
    let cipher = FieldCipher::new(FieldKey::from_bytes([1; 16]), [2; 16]);
    let _ = QrCode::from_json(text, &plain);
    let _ = EmailCertification::from_json(text, &plain, None);
    let _ = EmailCertification::from_json(text, &encrypted, Some(&cipher));
    let _ = EmailCertification::from_json(text, &encrypted, None);
    let _ = cipher.decrypt(text);
    let _ = parse_iv(text);
    let _ = DeviceProfile::from_json(text);
    let _ = password::check(text, "admin", LengthLimit::DEFAULT_PASSWORD);
    for step in ProbeStep::ALL {
        let _ = Assessment::of(step, 200, text);
    }
}

fn fixtures() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for dir in ["isapi_md", "sadp_md"] {
        let path = format!("{}/tests/fixtures/{dir}", env!("CARGO_MANIFEST_DIR"));
        for entry in std::fs::read_dir(path).unwrap() {
            out.push(std::fs::read(entry.unwrap().path()).unwrap());
        }
    }
    out.sort();
    out
}

#[test]
fn deep_nesting_does_not_exhaust_the_stack() {
    let open = "<a>".repeat(200_000);
    parse_everything(open.as_bytes());
    let closed = format!("<ProbeMatch>{open}{}</ProbeMatch>", "</a>".repeat(200_000));
    parse_everything(closed.as_bytes());
    parse_everything("[".repeat(100_000).as_bytes());
    parse_everything("{\"a\":".repeat(100_000).as_bytes());
}

#[test]
fn fixtures_parse_without_panicking() {
    for fixture in fixtures() {
        parse_everything(&fixture);
    }
}

/// Fragments of real answers, so random documents reach the interesting code paths.
fn xmlish() -> impl Strategy<Value = String> {
    let pieces = proptest::sample::select(vec![
        "<ProbeMatch>",
        "</ProbeMatch>",
        "<ResponseStatus>",
        "</ResponseStatus>",
        "<statusCode>",
        "</statusCode>",
        "<SecurityCap xmlns=\"urn:psialliance-org\">",
        "</SecurityCap>",
        "<LoginPasswordLenLimit min=\"",
        "\" max=\"",
        "\"/>",
        "<salt>",
        "</salt>",
        "<lockStatus>",
        "lock",
        "</lockStatus>",
        "<unlockTime>",
        "</unlockTime>",
        "<Activated>",
        "flase",
        "</Activated>",
        "<iterations>",
        "</iterations>",
        "<x:MAC xmlns:x=\"a\">",
        "</x:MAC>",
        "&amp;",
        "&#x0;",
        "&#1114112;",
        "&bogus;",
        "<![CDATA[",
        "]]>",
        "<!--",
        "-->",
        "<?pi?>",
        "<!DOCTYPE a [<!ENTITY e \"x\">]>",
        "99999999999",
        "-1",
        "0x",
        "\u{feff}",
        "\0",
        "<",
        ">",
        "&",
        "{\"statusCode\":",
        "}",
        "\"QRCode\":{\"content\":",
        "[",
        "]",
        "\"",
        ",",
        "\u{2028}",
        "é",
    ]);
    proptest::collection::vec(pieces, 0..40).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        parse_everything(&bytes);
    }

    #[test]
    fn answer_shaped_noise_never_panics(text in xmlish()) {
        parse_everything(text.as_bytes());
    }

    #[test]
    fn whatever_a_datagram_yields_survives_a_rewrite(text in xmlish(), bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut datagram = text.into_bytes();
        datagram.extend(bytes);
        if let Ok(found) = ProbeMatch::parse(&datagram) {
            prop_assert_eq!(ProbeMatch::parse(found.to_xml().as_bytes()).ok(), Some(found));
        }
    }

    #[test]
    fn mangled_fixtures_never_panic(
        which in any::<proptest::sample::Index>(),
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<proptest::sample::Index>(),
    ) {
        let all = fixtures();
        let mut bytes = which.get(&all).clone();
        for (at, byte) in edits {
            if !bytes.is_empty() {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
        }
        parse_everything(&bytes);
        let end = cut.index(bytes.len() + 1);
        parse_everything(&bytes[..end]);
    }
}
