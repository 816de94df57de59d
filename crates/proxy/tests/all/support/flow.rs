//! A whole session over every reset route through the proxy, as the wizard would drive it:
//! e-mail reset (with a wrong code first), proof login, the logged-in writes under `security=1`,
//! a security-question reset (a wrong answer first) and a stale GUID file. Returns every
//! secret it saw or sent, so tests can search recordings for them.
#![allow(dead_code, clippy::unwrap_used)]

use super::{Raw, Session};
use base64::Engine as _;
use protocol::field_crypto::{FieldCipher, FieldKey, FieldProtection};
use protocol::isapi::{
    paths, GuidFile, GuidFileExport, GuidFileReset, QrCode, QuestionAnswer, QuestionCertification,
    ResponseStatus, SecurityCap, SetEmailParameter, SetQuestions, SyncIpcPassword, SyncIpcResult,
};
use protocol::login::{SessionLogin, SessionLoginCap};
use protocol::profile::DeviceProfile;
use protocol::proxy_api::Envelope;
use std::net::SocketAddr;

/// What the secrets of one run were.
#[derive(Debug, Default)]
pub struct Secrets {
    /// Every secret value, named, for messages.
    pub all: Vec<(&'static str, String)>,
    /// Whether each step ended as the device should answer it.
    pub outcomes: Vec<(&'static str, bool)>,
}

impl Secrets {
    fn add(&mut self, name: &'static str, value: impl Into<String>) {
        let value = value.into();
        assert!(!value.is_empty(), "{name}");
        self.all.push((name, value));
    }
}

/// The passwords and answers one run uses; change them to run the same flow with other secrets.
pub struct Inputs {
    pub new_password: String,
    pub second_password: String,
    pub email: String,
    pub answers: [String; 3],
}

impl Default for Inputs {
    fn default() -> Self {
        Inputs {
            new_password: "Qu1et-Harb0ur#77".into(),
            second_password: "Sec0nd-Lighth#5".into(),
            email: "owner.secret@example.org".into(),
            answers: [
                "Rex & <Fido>".into(),
                "Lisbon harbour".into(),
                "blue whale seven".into(),
            ],
        }
    }
}

struct Driver {
    browser: Session,
    prefix: String,
}

impl Driver {
    async fn call(&mut self, request: Raw) -> Envelope {
        let answer = self.browser.send(request).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.envelope()
    }

    fn get(&self, path: &str) -> Raw {
        Raw::new("GET", &format!("{}{path}", self.prefix))
    }

    fn send(&self, method: &str, path: &str, kind: &str, body: String) -> Raw {
        Raw::new(method, &format!("{}{path}", self.prefix)).body(kind, body)
    }
}

fn ok(envelope: &Envelope) -> bool {
    (200..300).contains(&envelope.status)
        && ResponseStatus::parse(&envelope.body).is_ok_and(|s| s.is_ok())
}

fn refused_with(envelope: &Envelope, sub: &str) -> bool {
    ResponseStatus::parse(&envelope.body).is_ok_and(|s| s.sub_status_code.as_deref() == Some(sub))
}

/// Runs the whole session through `proxy` against `device` (an NVR). `code` gives the code the
/// vendor "e-mails" after the QR export; `old_password` is the device's password at start.
pub async fn run(
    proxy: SocketAddr,
    device: SocketAddr,
    old_password: &str,
    code: impl Fn() -> String,
    inputs: &Inputs,
) -> (Session, Secrets) {
    let details = DeviceProfile::default();
    let mut secrets = Secrets::default();
    secrets.add("old password", old_password);
    secrets.add("new password", &inputs.new_password);
    secrets.add("second password", &inputs.second_password);
    secrets.add("e-mail address", &inputs.email);
    for answer in &inputs.answers {
        secrets.add("answer", answer);
    }
    let mut d = Driver {
        browser: Session::new(proxy),
        prefix: super::prefix_of(device),
    };

    let cap = d
        .call(d.get(&format!("{}?username=admin", paths::SECURITY_CAPABILITIES)))
        .await;
    let security = SecurityCap::from_xml(&cap.body).unwrap();
    if let Some(salt) = &security.salt {
        secrets.add("salt", salt);
    }

    // The e-mail reset: QR, a wrong code, the right one.
    let qr = d
        .call(d.get(&format!("{}?format=json", paths::EMAIL_QR_CODE)))
        .await;
    let qr = QrCode::from_json(&qr.body, &details).unwrap();
    secrets.add("QR content", &qr.content);
    let code = code();
    secrets.add("code", &code);
    let wrong: String = code.chars().rev().collect::<String>() + "Z";
    secrets.add("wrong code", &wrong);
    let path = format!("{}?format=json", paths::EMAIL_CERTIFICATION);
    let certify = |code: &str| {
        let body = super::certification(code, &inputs.new_password);
        d.send("PUT", &path, "application/json", body)
    };
    let (wrong_try, right_try) = (certify(&wrong), certify(&code));
    let refused = d.call(wrong_try).await;
    secrets.outcomes.push(("wrong code refused", !ok(&refused)));
    let reset = d.call(right_try).await;
    secrets.outcomes.push(("e-mail reset", ok(&reset)));

    // The proof login.
    let cap = d
        .call(d.get(&format!(
            "{}?username=admin",
            paths::SESSION_LOGIN_CAPABILITIES
        )))
        .await;
    let cap = SessionLoginCap::from_xml(&cap.body).unwrap();
    secrets.add("challenge", &cap.challenge);
    secrets.add("login session id", &cap.session_id);
    if let Some(salt2) = &cap.salt2 {
        secrets.add("salt2", salt2);
    }
    let login = SessionLogin::new(&cap, "admin", &inputs.new_password);
    secrets.add("login hash", &login.password);
    let logged_in = d
        .call(d.send(
            "POST",
            &format!("{}?timeStamp=1712345678901", paths::SESSION_LOGIN),
            "application/xml",
            login.to_xml(),
        ))
        .await;
    secrets.outcomes.push(("login", logged_in.status == 200));
    if let Some(start) = logged_in.body.find("<sessionID>") {
        let rest = &logged_in.body[start + 11..];
        secrets.add("device session", &rest[..rest.find('<').unwrap_or(0)]);
    }

    // Logged-in writes under security=1, keyed on the new password.
    let protection = || {
        let iv: [u8; 16] = rand::random();
        let p = FieldProtection::Encrypted(FieldCipher::new(
            FieldKey::after_login(&security, &cap, "admin", &inputs.new_password),
            iv,
        ));
        (p, hex_of(&iv))
    };
    let (p, iv) = protection();
    secrets.add("iv", iv);
    let export_body = GuidFileExport {
        admin_password: inputs.new_password.clone(),
    }
    .to_xml(&p);
    let exported = d
        .call(d.send(
            "POST",
            &p.apply_to(paths::GUID_FILE_DATA),
            "application/xml",
            export_body,
        ))
        .await;
    let guid = GuidFile::from_export_answer(exported.body.as_bytes()).unwrap();
    secrets.add("GUID file", String::from_utf8_lossy(&guid.0).into_owned());
    secrets.add("GUID file (base64)", guid.to_base64());
    if let Some(token) = String::from_utf8_lossy(&guid.0)
        .lines()
        .find_map(|l| l.strip_prefix("guid="))
    {
        secrets.add("GUID token", token);
    }
    secrets.add("encrypted password", p.protect(&inputs.new_password));

    let (p, iv) = protection();
    secrets.add("iv", iv);
    let set = d
        .call(
            d.send(
                "PUT",
                &p.apply_to(&format!("{}?format=json", paths::EMAIL_PARAMETER)),
                "application/json",
                SetEmailParameter {
                    email_address: inputs.email.clone(),
                    admin_password: inputs.new_password.clone(),
                }
                .to_json(&p),
            ),
        )
        .await;
    secrets.outcomes.push(("reserved e-mail set", ok(&set)));

    let answers: Vec<QuestionAnswer> = inputs
        .answers
        .iter()
        .zip([2, 4, 8])
        .map(|(answer, id)| QuestionAnswer {
            id,
            answer: answer.clone(),
        })
        .collect();
    let (p, iv) = protection();
    secrets.add("iv", iv);
    let set = d
        .call(
            d.send(
                "PUT",
                &p.apply_to(paths::QUESTION_CONFIGURATION),
                "application/xml",
                SetQuestions {
                    answers: answers.clone(),
                    admin_password: inputs.new_password.clone(),
                }
                .to_xml(&details, &p),
            ),
        )
        .await;
    secrets.outcomes.push(("questions set", ok(&set)));
    for a in &answers {
        secrets.add("encrypted answer", p.protect(&a.answer));
    }

    let (p, iv) = protection();
    secrets.add("iv", iv);
    let synced = d
        .call(
            d.send(
                "PUT",
                &p.apply_to(&details.sync_ipc_password.path_and_query()),
                "application/json",
                SyncIpcPassword {
                    admin_password: inputs.new_password.clone(),
                }
                .to_json(&p),
            ),
        )
        .await;
    let synced =
        SyncIpcResult::from_json(&synced.body).is_ok_and(|r| r.channels.iter().any(|c| c.synced));
    secrets.outcomes.push(("cameras synced", synced));

    // The question reset, a wrong answer first; then the GUID file, dead by now.
    let mut wrong = answers.clone();
    wrong[0].answer = "Wrong answer entirely".into();
    secrets.add("wrong answer", &wrong[0].answer);
    let cert = |answers: Vec<QuestionAnswer>, password: &str| {
        QuestionCertification {
            answers,
            reset_password: password.into(),
        }
        .to_xml(&details, &FieldProtection::Plain)
    };
    let refused = d
        .call(d.send(
            "PUT",
            paths::QUESTION_CERTIFICATION,
            "application/xml",
            cert(wrong, &inputs.second_password),
        ))
        .await;
    secrets.outcomes.push((
        "wrong answer refused",
        refused_with(&refused, "SEQCertificateUnmatch"),
    ));
    let reset = d
        .call(d.send(
            "PUT",
            paths::QUESTION_CERTIFICATION,
            "application/xml",
            cert(answers, &inputs.second_password),
        ))
        .await;
    secrets.outcomes.push(("question reset", ok(&reset)));
    let stale = d
        .call(
            d.send(
                "PUT",
                &details.guid_reset.path_and_query(),
                "application/json",
                GuidFileReset {
                    file: guid,
                    reset_password: "Th1rd-Password!".into(),
                }
                .to_json(&details, &FieldProtection::Plain),
            ),
        )
        .await;
    secrets.outcomes.push((
        "stale GUID refused",
        refused_with(&stale, "GUIDFileDataUnmatch"),
    ));

    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("admin:{}", inputs.second_password));
    secrets.add("basic auth", &basic);
    let checked = d
        .call(
            d.get(paths::USER_CHECK)
                .header("authorization", &format!("Basic {basic}")),
        )
        .await;
    secrets.outcomes.push(("user check", checked.status == 200));
    if let Some(id) = d.browser.id() {
        secrets.add("proxy session", id);
    }
    (d.browser, secrets)
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
