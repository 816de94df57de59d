//! Support transcripts: what redaction replaces, that one value keeps one placeholder, and that
//! both file forms read back.
#![allow(clippy::unwrap_used)]

use crate::common;

use protocol::profile::DeviceProfile;
use protocol::transcript::{placeholders, RawExchange, Redactor, SecretKind, Transcript};

fn exchange<'a>(
    method: &'a str,
    path: &'a str,
    request: &'a str,
    response: &'a str,
    cookies: &'a [String],
) -> RawExchange<'a> {
    RawExchange {
        method,
        path_and_query: path,
        request_content_type: (!request.is_empty()).then_some("application/xml"),
        request_body: request.as_bytes(),
        authorization: None,
        status: 200,
        content_type: Some("application/xml"),
        response_body: response.as_bytes(),
        set_cookies: cookies,
    }
}

#[test]
fn login_secrets_become_placeholders_and_the_session_id_keeps_its_number() {
    let mut redactor = Redactor::new(&DeviceProfile::default(), 1);
    let cap = redactor.redact(&exchange(
        "GET",
        "/ISAPI/Security/sessionLogin/capabilities?username=admin",
        "",
        "<SessionLoginCap><sessionID>5e55i0n1d</sessionID><challenge>c4a11enge</challenge>\
         <iterations>100</iterations><isIrreversible>true</isIrreversible>\
         <sessionIDVersion>2.1</sessionIDVersion><salt>5a1t5a1t</salt><salt2>5a1t2222</salt2>\
         </SessionLoginCap>",
        &[],
    ));
    assert!(
        cap.response_body
            .contains("<sessionID>{{session.1}}</sessionID>"),
        "{}",
        cap.response_body
    );
    assert!(cap
        .response_body
        .contains("<challenge>{{challenge.1}}</challenge>"));
    assert!(cap.response_body.contains("<salt2>{{salt.2}}</salt2>"));
    assert!(cap.response_body.contains("<iterations>100</iterations>"));
    assert!(cap
        .response_body
        .contains("<sessionIDVersion>2.1</sessionIDVersion>"));

    let cookies = vec!["WebSession_686dbc=c00k1e5ecret; path=/; HttpOnly".to_string()];
    let login = redactor.redact(&exchange(
        "POST",
        "/ISAPI/Security/sessionLogin?timeStamp=1712345678901",
        "<SessionLogin><userName>admin</userName><password>9f86d081884c7d65</password>\
         <sessionID>5e55i0n1d</sessionID></SessionLogin>",
        "<SessionLogin><statusValue>200</statusValue><sessionID>c00k1e5ecret</sessionID></SessionLogin>",
        &cookies,
    ));
    assert!(login
        .request_body
        .contains("<sessionID>{{session.1}}</sessionID>"));
    assert!(login
        .request_body
        .contains("<password>{{password.1}}</password>"));
    assert!(login.request_body.contains("<userName>admin</userName>"));
    assert_eq!(login.set_cookies, ["WebSession_686dbc={{session.2}}"]);
    assert!(login
        .response_body
        .contains("<sessionID>{{session.2}}</sessionID>"));
    assert_eq!(
        login.path,
        "/ISAPI/Security/sessionLogin?timeStamp=1712345678901"
    );
}

#[test]
fn json_secrets_limits_and_echoes() {
    let mut redactor = Redactor::new(&DeviceProfile::default(), 3);
    let qr = redactor.redact(&exchange(
        "GET",
        "/ISAPI/Security/email/qrCode?format=json",
        "",
        r#"{"QRCode":{"content":"QRc0ntentSECRET=="}}"#,
        &[],
    ));
    assert_eq!(qr.response_body, r#"{"QRCode":{"content":"{{qr.1}}"}}"#);
    assert_eq!(qr.session, 3);
    let cert = redactor.redact(&exchange(
        "PUT",
        "/ISAPI/Security/emailCertification?format=json",
        r#"{"EmailCertification":{"securityCode":"RC7Q2M9X","resetPassword":"Tr0ub4dor&3"}}"#,
        // A device echoing the code in its message: swept too.
        r#"{"statusCode":6,"subStatusCode":"verificationCodeError","errorMsg":"code RC7Q2M9X wrong","retryTimes":4}"#,
        &[],
    ));
    assert!(
        cert.request_body.contains(r#""securityCode":"{{code.1}}""#),
        "{}",
        cert.request_body
    );
    assert!(cert
        .request_body
        .contains(r#""resetPassword":"{{password.1}}""#));
    assert!(
        cert.response_body.contains("code {{code.1}} wrong"),
        "{}",
        cert.response_body
    );
    assert!(cert.response_body.contains(r#""retryTimes":4"#));
    let caps = redactor.redact(&exchange(
        "GET",
        "/ISAPI/Security/capabilities?username=admin",
        "",
        "<SecurityCap><isSupportSecurityEmail>true</isSupportSecurityEmail><SecurityLimits>\
         <LoginPasswordLenLimit min=\"8\" max=\"16\">8</LoginPasswordLenLimit>\
         <SecurityAnswerLenLimit min=\"1\" max=\"128\"/></SecurityLimits><salt>AB12CD34</salt></SecurityCap>",
        &[],
    ));
    assert!(
        caps.response_body.contains(">8</LoginPasswordLenLimit>"),
        "{}",
        caps.response_body
    );
    assert!(caps.response_body.contains("<salt>{{salt.1}}</salt>"));
}

#[test]
fn guid_files_ivs_answers_and_unreadable_bodies_are_redacted_whole() {
    let mut redactor = Redactor::new(&DeviceProfile::default(), 1);
    let export = redactor.redact(&exchange(
        "POST",
        "/ISAPI/Security/GUIDFileData?security=1&iv=00112233445566778899aabbccddeeff",
        "<GUIDFileData><password>deadbeefcafe</password></GUIDFileData>",
        "HIKGUID\nfile-bytes-secret\n",
        &[],
    ));
    assert_eq!(
        export.path,
        "/ISAPI/Security/GUIDFileData?security=1&iv={{nonce.1}}"
    );
    assert_eq!(export.response_body, "{{guid.1}}");
    let answers = redactor.redact(&exchange(
        "PUT",
        "/ISAPI/Security/questionCertification",
        "<QuestionCertification><QuestionList><Question><id>2</id><answer>Lisbon</answer></Question>\
         </QuestionList><resetPassword>N3w-Pass!</resetPassword></QuestionCertification>",
        "<ResponseStatus><statusCode>6</statusCode><subStatusCode>SEQCertificateUnmatch</subStatusCode></ResponseStatus>",
        &[],
    ));
    assert!(answers
        .request_body
        .contains("<id>2</id><answer>{{answer.1}}</answer>"));
    assert!(answers.response_body.contains("SEQCertificateUnmatch"));
    let broken = redactor.redact(&exchange(
        "GET",
        "/x",
        "",
        "{\"password\":\"unfinished",
        &[],
    ));
    assert_eq!(broken.response_body, "{{blob.1}}");
    let found: Vec<SecretKind> = placeholders(&export.path)
        .into_iter()
        .map(|(_, p)| p.kind)
        .collect();
    assert_eq!(found, [SecretKind::Nonce]);
}

#[test]
fn transcripts_read_back_from_a_document_and_from_json_lines() {
    let mut redactor = Redactor::new(&DeviceProfile::default(), 1);
    let one = redactor.redact(&exchange(
        "GET",
        "/SDK/activateStatus",
        "",
        "<ActivateStatus><Activated>true</Activated></ActivateStatus>",
        &[],
    ));
    let doc = Transcript::new(vec![one.clone(), one.clone()], false);
    assert_eq!(Transcript::parse(&doc.to_json()).unwrap(), doc);
    let lines = format!(
        "{}\n\n{}\n",
        serde_json::to_string(&one).unwrap(),
        serde_json::to_string(&one).unwrap()
    );
    assert_eq!(Transcript::parse(&lines).unwrap(), doc);
    assert!(Transcript::parse("").is_err());
    assert!(Transcript::parse(r#"{"format":"other","version":1,"exchanges":[]}"#).is_err());
}

/// A transcript recorded through reset-proxy against devsim's NVR over every route (refreshed
/// by `TRANSCRIPT_FIXTURE_OUT=… cargo test -p reset-proxy --test all replay::`): with its
/// placeholders filled, every answer parses with the protocol type for its call.
#[test]
fn a_recorded_transcript_reads_as_a_fixture() {
    use protocol::isapi::{
        paths, EmailParameter, GuidFile, QrCode, QuestionConfiguration, ResponseStatus,
        SecurityCap, SyncIpcResult,
    };
    use protocol::login::SessionLoginCap;
    use protocol::transcript::fill;
    let text = common::fixture("transcripts/devsim_nvr_every_route.json");
    let transcript = Transcript::parse(&text).unwrap();
    let profile = DeviceProfile::default();
    let mut seen = Vec::new();
    for exchange in &transcript.exchanges {
        let body = fill(&exchange.response_body, |p| {
            format!("{}{}", p.kind.name(), p.n)
        });
        let path = exchange.path_only();
        let parsed = match (exchange.method.as_str(), path) {
            (_, paths::SECURITY_CAPABILITIES) => SecurityCap::from_xml(&body).map(drop),
            (_, paths::SESSION_LOGIN_CAPABILITIES) => SessionLoginCap::from_xml(&body).map(drop),
            (_, paths::EMAIL_QR_CODE) => QrCode::from_json(&body, &profile).map(drop),
            ("GET", paths::QUESTION_CONFIGURATION) => {
                QuestionConfiguration::from_xml(&body, &profile).map(drop)
            }
            ("POST", paths::GUID_FILE_DATA) => {
                GuidFile::from_export_answer(body.as_bytes()).map(drop)
            }
            (_, p) if p == profile.sync_ipc_password.path => {
                SyncIpcResult::from_json(&body).map(drop)
            }
            ("GET", paths::EMAIL_PARAMETER) => EmailParameter::from_json(&body, &profile).map(drop),
            (_, paths::SESSION_LOGIN | paths::USER_CHECK) => Ok(()),
            _ => ResponseStatus::parse(&body).map(drop),
        };
        assert!(
            parsed.is_ok(),
            "{} {path}: {parsed:?}\n{body}",
            exchange.method
        );
        seen.push(path.to_owned());
    }
    for route in [
        paths::EMAIL_CERTIFICATION,
        paths::QUESTION_CERTIFICATION,
        paths::QUESTION_CONFIGURATION,
        paths::GUID_FILE_DATA,
        paths::ASSUMED_GUID_RESET,
        paths::SYNC_IPC_PASSWORD,
        paths::EMAIL_PARAMETER,
    ] {
        assert!(
            seen.iter().any(|p| p == route),
            "{route} is not in the fixture"
        );
    }
}

/// A device answering huge or unreadable bodies, many times over, must not make the redactor
/// keep ever more (and ever larger) secrets to sweep every later exchange with.
#[test]
fn huge_and_unreadable_answers_do_not_grow_the_secret_store_beyond_its_caps() {
    use protocol::transcript::{MAX_SECRETS, MAX_SECRET_LEN};
    let mut redactor = Redactor::new(&DeviceProfile::default(), 1);
    let early = redactor.redact(&exchange(
        "GET",
        "/ISAPI/Security/capabilities?username=admin",
        "",
        "<RSAPublicKey><salt>early-salt-value</salt></RSAPublicKey>",
        &[],
    ));
    assert!(early.response_body.contains("{{salt.1}}"));

    for n in 0..(2 * MAX_SECRETS) {
        // Unreadable: looks like JSON but never ends, different every time, 60 KiB.
        let body = format!("{{\"n\":{n},\"x\":\"{}", "y".repeat(60 * 1024));
        let answer = redactor.redact(&exchange("GET", "/SDK/activateStatus", "", &body, &[]));
        assert!(
            answer.response_body.starts_with("{{blob."),
            "{}",
            &answer.response_body[..40.min(answer.response_body.len())]
        );
        // Short unreadable answers, each a secret of its own.
        let short = format!("{{\"n\":\"{n:06}");
        let answer = redactor.redact(&exchange("GET", "/SDK/activateStatus", "", &short, &[]));
        assert!(!answer.response_body.contains(&format!("{n:06}")));
    }
    assert!(redactor.is_full());
    assert!(
        redactor.kept_count() <= MAX_SECRETS,
        "{} secrets kept",
        redactor.kept_count()
    );
    assert!(redactor.kept_bytes() <= MAX_SECRETS * MAX_SECRET_LEN);

    // What it learnt before filling up is still swept, and a secret field is still replaced.
    let late = redactor.redact(&exchange(
        "PUT",
        "/ISAPI/Security/emailCertification",
        "<EmailCertification><securityCode>AB12CD</securityCode></EmailCertification>",
        "<ResponseStatus><statusString>early-salt-value</statusString></ResponseStatus>",
        &[],
    ));
    assert!(
        !late.request_body.contains("AB12CD"),
        "{}",
        late.request_body
    );
    assert!(
        late.response_body.contains("{{salt.1}}"),
        "{}",
        late.response_body
    );
}
