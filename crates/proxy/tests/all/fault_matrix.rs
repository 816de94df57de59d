//! The fault matrix: every step of the e-mail reset, through the proxy, with each device fault
//! striking that step: the connection dropped before the device acted, the answer dropped after
//! it acted, a truncated answer, a 10-second stall, a reboot, a lock, a replaced certificate.
//! The client here does what the wizard does (ask a read again, export a new QR code, check a
//! lost answer with the proof login before anything else, never resend a code by itself), and
//! every case is judged on devsim's state: no code reached the device twice unless the person
//! typed it again after the device had said it was not taken, and what the client believes
//! about the password is what the device has.
#![allow(clippy::unwrap_used)]

use crate::support;

use devsim::Fault;
use protocol::isapi::{paths, QrCode, ResponseStatus};
use protocol::login::{SessionLogin, SessionLoginCap};
use protocol::profile::DeviceProfile;
use protocol::proxy_api::Discovery;
use std::net::SocketAddr;
use std::time::Duration;
use support::{certification, config, get, prefix_of, start, Answer, Raw, Session};

const NEW_PASSWORD: &str = "Quiet-Harb0ur#77";
/// The lock the device applies (and the clock is moved past when it strikes).
const LOCK_SECONDS: u32 = 600;

/// The e-mail reset's device calls, in the wizard's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Activation,
    Security,
    ResetModes,
    RecoveryEmail,
    QrExport,
    Code,
    LoginChallenge,
    ProofLogin,
}

impl Step {
    fn path(self) -> &'static str {
        match self {
            Step::Activation => paths::ACTIVATE_STATUS,
            Step::Security => paths::SECURITY_CAPABILITIES,
            Step::ResetModes => paths::EXTERN_CAPABILITIES,
            Step::RecoveryEmail => paths::EMAIL_PARAMETER,
            Step::QrExport => paths::EMAIL_QR_CODE,
            Step::Code => paths::EMAIL_CERTIFICATION,
            Step::LoginChallenge => paths::SESSION_LOGIN_CAPABILITIES,
            Step::ProofLogin => paths::SESSION_LOGIN,
        }
    }

    /// Reads the proxy asks again by itself when the device drops the answer.
    fn retried_by_the_proxy(self) -> bool {
        matches!(
            self,
            Step::Activation | Step::Security | Step::ResetModes | Step::LoginChallenge
        )
    }
}

/// What goes wrong at the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trouble {
    /// The connection is reset before the device acts.
    Dropped,
    /// The device acts, then closes the connection unanswered (once).
    AnswerDropped,
    /// The answer is cut in half (with HTTP framing that matches the cut).
    Truncated,
    /// The device stalls 10 s before answering (the proxy's limit here is 3 s).
    Stalled,
    /// The device reboots just before the step.
    Rebooted,
    /// The device locks itself just before the step.
    Locked,
    /// The device shows another HTTPS certificate from this step on.
    CertificateReplaced,
}

/// How a call ended, as the client saw it.
#[derive(Debug)]
enum Outcome {
    /// The device's answer (any status).
    Answered(protocol::proxy_api::Envelope),
    /// The proxy's own refusal: status and code.
    Failed(u16, String),
}

impl Outcome {
    fn of(answer: &Answer) -> Self {
        // The proxy's own refusals never come with 200; device answers always do, enveloped.
        if answer.status == 200 {
            Outcome::Answered(answer.envelope())
        } else {
            Outcome::Failed(answer.status, answer.code())
        }
    }

    fn failure_code(&self) -> Option<&str> {
        match self {
            Outcome::Failed(_, code) => Some(code),
            Outcome::Answered(_) => None,
        }
    }
}

/// One reset through the proxy, driven like the wizard drives it.
struct Reset {
    device: devsim::Running,
    browser: Session,
    prefix: String,
    old_password: String,
    /// Every code submission the client made (a code typed again counts again).
    sent_codes: Vec<String>,
    /// Whether the client knows the new password is set (the device said so, or a login with
    /// it worked).
    believes_reset: bool,
    /// Whether the client logged in with the new password.
    proven: bool,
    /// Why the reset stopped early, if it did.
    stopped: Option<String>,
    /// The first outcome of the troubled step.
    first: Option<Outcome>,
    /// What happened, for failure messages.
    log: Vec<String>,
}

impl Reset {
    async fn start(trouble: Trouble) -> (Self, SocketAddr) {
        let identity = devsim::DeviceIdentity::random(devsim::Profile::Camera);
        let mut device = devsim::Config::loopback(identity)
            .with_mailbox(true)
            .with_lock_policy(5, LOCK_SECONDS);
        if trouble == Trouble::CertificateReplaced {
            device = device
                .with_https()
                .with_sadp("127.0.0.1:0".parse().unwrap());
        }
        let device = devsim::start(device).await.unwrap();
        let mut allowed = vec![device.http_addr];
        allowed.extend(device.https_addr);
        let mut proxy_config = config(&allowed);
        if let Some(sadp) = device.sadp_addr {
            proxy_config.sadp_target = sadp;
        }
        let proxy = start(proxy_config).await;
        if trouble == Trouble::CertificateReplaced {
            // Discovery heard its HTTPS port: every call goes over HTTPS, pinned.
            for _ in 0..20 {
                let listed: Discovery =
                    serde_json::from_str(&get(proxy, "devices").await.body).unwrap();
                if !listed.devices.is_empty() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        let reset = Reset {
            prefix: prefix_of(device.http_addr),
            old_password: device.admin_password(),
            device,
            browser: Session::new(proxy),
            sent_codes: Vec::new(),
            believes_reset: false,
            proven: false,
            stopped: None,
            first: None,
            log: Vec::new(),
        };
        (reset, proxy)
    }

    fn note(&mut self, line: String) {
        self.log.push(line);
    }

    /// Sends one step's call as the wizard would.
    async fn call(&mut self, step: Step, code: Option<&str>) -> Outcome {
        let target = |query: &str| format!("{}{}{query}", self.prefix, step.path());
        let request = match step {
            Step::Security | Step::LoginChallenge => Raw::new("GET", &target("?username=admin")),
            Step::RecoveryEmail | Step::QrExport => Raw::new("GET", &target("?format=json")),
            Step::Code => {
                let code = code.unwrap_or_default().to_string();
                self.sent_codes.push(code.clone());
                Raw::new("PUT", &target("?format=json"))
                    .body("application/json", certification(&code, NEW_PASSWORD))
            }
            Step::ProofLogin => unreachable!("logins go through prove()"),
            _ => Raw::new("GET", &target("")),
        };
        let answer = self.browser.send(request).await;
        let outcome = Outcome::of(&answer);
        self.note(format!("{step:?}: {outcome:?}"));
        outcome
    }

    /// The proof login with the new password (a challenge, then the login); true when it worked.
    /// `Err` with the proxy's code when the proxy could not get an answer.
    async fn prove(&mut self) -> Result<bool, String> {
        let challenge = self.call(Step::LoginChallenge, None).await;
        let cap = match &challenge {
            Outcome::Answered(envelope) => SessionLoginCap::from_xml(&envelope.body)
                .map_err(|err| format!("challenge unreadable: {err}"))?,
            Outcome::Failed(_, code) => return Err(code.clone()),
        };
        let login = SessionLogin::new(&cap, "admin", NEW_PASSWORD).to_xml();
        let answer = self
            .browser
            .send(
                Raw::new(
                    "POST",
                    &format!(
                        "{}{}?timeStamp=1712345678901",
                        self.prefix,
                        paths::SESSION_LOGIN
                    ),
                )
                .body("application/xml", login),
            )
            .await;
        let outcome = Outcome::of(&answer);
        self.note(format!("ProofLogin: {outcome:?}"));
        match outcome {
            Outcome::Answered(envelope) => Ok((200..300).contains(&envelope.status)
                && ResponseStatus::parse(&envelope.body)
                    .ok()
                    .is_none_or(|s| s.is_ok())),
            Outcome::Failed(_, code) => Err(code),
        }
    }

    /// Makes the trouble strike `step`.
    fn strike(&self, trouble: Trouble, step: Step) {
        let fault = match trouble {
            Trouble::Dropped => Some(Fault::Reset),
            Trouble::AnswerDropped => Some(Fault::DropAnswer { every: 1_000 }),
            Trouble::Truncated => Some(Fault::Truncated),
            Trouble::Stalled => Some(Fault::Delay { ms: 10_000 }),
            Trouble::Rebooted => {
                self.device.reboot();
                None
            }
            Trouble::Locked => {
                self.device.lock();
                None
            }
            Trouble::CertificateReplaced => {
                self.device.replace_certificate().unwrap().unwrap();
                None
            }
        };
        if let Some(fault) = fault {
            self.device.set_fault(step.path(), fault);
        }
    }

    /// After a stall, waits (boundedly) until the device has dealt with what it was sent, as a
    /// person who was told "the device did not answer in time" would wait a moment.
    async fn let_the_device_finish(&self) {
        for _ in 0..60 {
            let state = self.device.state();
            if state.code_submissions as usize >= self.sent_codes.len() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        // The stalled request's answer is written after its 10 s, to a closed connection.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    /// The whole e-mail reset, `trouble` striking at `at`.
    async fn run(&mut self, trouble: Trouble, at: Step) {
        let profile = DeviceProfile::default();
        let mut code = None;
        for step in [
            Step::Activation,
            Step::Security,
            Step::ResetModes,
            Step::RecoveryEmail,
            Step::QrExport,
            Step::Code,
            Step::ProofLogin,
        ] {
            let troubled = step == at || (at == Step::LoginChallenge && step == Step::ProofLogin);
            if troubled {
                self.strike(trouble, at);
            }
            let result = match step {
                Step::ProofLogin => self.proof_step(troubled, trouble).await,
                Step::Code => self.code_step(&mut code, troubled, trouble).await,
                Step::QrExport => {
                    let outcome = self.call(step, None).await;
                    let outcome = self.settle(troubled, trouble, step, outcome).await;
                    match outcome {
                        Some(Outcome::Answered(envelope)) => {
                            match QrCode::from_json(&envelope.body, &profile) {
                                Ok(_) => {
                                    code = self.device.mailbox_code();
                                    Ok(())
                                }
                                Err(_) => self.export_again(&mut code, &profile).await,
                            }
                        }
                        Some(Outcome::Failed(_, failure)) => {
                            if failure == "device_certificate_changed" {
                                Err(failure)
                            } else {
                                self.export_again(&mut code, &profile).await
                            }
                        }
                        None => Err("no outcome".into()),
                    }
                }
                read => {
                    let outcome = self.call(read, None).await;
                    match self.settle(troubled, trouble, read, outcome).await {
                        Some(Outcome::Failed(_, failure))
                            if failure == "device_certificate_changed" =>
                        {
                            Err(failure)
                        }
                        Some(Outcome::Answered(envelope))
                            if (200..300).contains(&envelope.status)
                                && readable(read, &envelope.body) =>
                        {
                            Ok(())
                        }
                        // Unreadable or failed: the person presses "Try again".
                        _ => match self.call(read, None).await {
                            Outcome::Answered(envelope)
                                if (200..300).contains(&envelope.status) =>
                            {
                                Ok(())
                            }
                            other => Err(format!("{read:?} failed again: {other:?}")),
                        },
                    }
                }
            };
            if let Err(why) = result {
                self.stopped = Some(why);
                return;
            }
        }
    }

    /// Records the troubled step's first outcome and lifts a fault (the device recovers); other
    /// outcomes pass through.
    async fn settle(
        &mut self,
        troubled: bool,
        trouble: Trouble,
        step: Step,
        outcome: Outcome,
    ) -> Option<Outcome> {
        if troubled && self.first.is_none() {
            self.device.clear_faults();
            if trouble == Trouble::Stalled && step == Step::QrExport {
                // The stalled export may still happen; the next one replaces it either way.
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            self.first = Some(outcome);
            return self.first.as_ref().map(|o| match o {
                Outcome::Answered(envelope) => Outcome::Answered(envelope.clone()),
                Outcome::Failed(status, code) => Outcome::Failed(*status, code.clone()),
            });
        }
        Some(outcome)
    }

    async fn export_again(
        &mut self,
        code: &mut Option<String>,
        profile: &DeviceProfile,
    ) -> Result<(), String> {
        if self.trouble_was_stall() {
            // A stalled export may still land; wait for it so the fresh one is the last.
            for _ in 0..60 {
                if self.device.state().qr_exports >= 1 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
        match self.call(Step::QrExport, None).await {
            Outcome::Answered(envelope) if QrCode::from_json(&envelope.body, profile).is_ok() => {
                *code = self.device.mailbox_code();
                Ok(())
            }
            other => Err(format!("the second export failed: {other:?}")),
        }
    }

    fn trouble_was_stall(&self) -> bool {
        matches!(self.first, Some(Outcome::Failed(504, _)))
    }

    /// Submits the code once, then acts on the verdict as the wizard does.
    async fn code_step(
        &mut self,
        code: &mut Option<String>,
        troubled: bool,
        trouble: Trouble,
    ) -> Result<(), String> {
        let typed = code.clone().ok_or("no code was mailed")?;
        let outcome = self.call(Step::Code, Some(&typed)).await;
        let outcome = self
            .settle(troubled, trouble, Step::Code, outcome)
            .await
            .ok_or("no outcome")?;
        match outcome {
            Outcome::Answered(envelope) => {
                let status = ResponseStatus::parse(&envelope.body).ok();
                let refused = status.as_ref().is_some_and(|s| !s.is_ok());
                if (200..300).contains(&envelope.status) && !refused {
                    // Accepted (a cut answer that is not a refusal counts as accepted, and the
                    // proof login checks it).
                    self.believes_reset = true;
                    return Ok(());
                }
                let sub = status.and_then(|s| s.sub_status_code).unwrap_or_default();
                if self.device.state().locked {
                    // Locked: the code was not looked at; after the lock the person types it again.
                    self.note(format!("locked ({sub}); waiting out the lock"));
                    self.device
                        .advance_clock(Duration::from_secs(u64::from(LOCK_SECONDS) + 1));
                    return self.submit_again(&typed).await;
                }
                // A code the device no longer knows (a reboot voided it): a new QR code, a new code.
                self.note(format!("refused ({sub}); exporting again"));
                let profile = DeviceProfile::default();
                self.export_again(code, &profile).await?;
                let fresh = code.clone().ok_or("no new code")?;
                self.submit_again(&fresh).await
            }
            Outcome::Failed(_, failure) if failure == "device_certificate_changed" => Err(failure),
            Outcome::Failed(status, failure) => {
                // The answer is lost: the code may or may not have been taken. Never resend it by
                // itself: the proof login finds out first.
                if status == 504 {
                    self.let_the_device_finish().await;
                }
                match self.prove().await {
                    Ok(true) => {
                        self.note(format!("{failure}, yet the proof login works: reset done"));
                        self.believes_reset = true;
                        self.proven = true;
                        Ok(())
                    }
                    Ok(false) => {
                        // Not taken: the old password still works; the person types the code
                        // again (still valid, as the device never looked at it).
                        self.note(format!("{failure}, and the proof login fails: not reset"));
                        self.submit_again(&typed).await
                    }
                    Err(why) => Err(format!("the proof login could not run: {why}")),
                }
            }
        }
    }

    async fn submit_again(&mut self, code: &str) -> Result<(), String> {
        match self.call(Step::Code, Some(code)).await {
            Outcome::Answered(envelope)
                if (200..300).contains(&envelope.status)
                    && ResponseStatus::parse(&envelope.body).is_ok_and(|s| s.is_ok()) =>
            {
                self.believes_reset = true;
                Ok(())
            }
            other => Err(format!("the second submission failed: {other:?}")),
        }
    }

    /// The proof login, again after a failure the person can retry.
    async fn proof_step(&mut self, troubled: bool, trouble: Trouble) -> Result<(), String> {
        if self.proven {
            return Ok(());
        }
        let first = self.prove().await;
        let first_outcome = match &first {
            Ok(true) => Outcome::Answered(protocol::proxy_api::Envelope {
                status: 200,
                content_type: None,
                body: String::new(),
                transport: None,
            }),
            Ok(false) => Outcome::Failed(200, "login refused".into()),
            Err(code) => Outcome::Failed(502, code.clone()),
        };
        self.settle(troubled, trouble, Step::ProofLogin, first_outcome)
            .await;
        match first {
            Ok(true) => {
                self.proven = true;
                Ok(())
            }
            Err(code) if code == "device_certificate_changed" => Err(code),
            _ => {
                if self.device.state().locked {
                    self.device
                        .advance_clock(Duration::from_secs(u64::from(LOCK_SECONDS) + 1));
                }
                match self.prove().await {
                    Ok(true) => {
                        self.proven = true;
                        Ok(())
                    }
                    other => Err(format!("the proof login failed twice: {other:?}")),
                }
            }
        }
    }
}

/// Whether a read's answer is one the wizard can read.
fn readable(step: Step, body: &str) -> bool {
    use protocol::isapi::{ActivationStatus, EmailParameter, ExternCapabilities, SecurityCap};
    match step {
        Step::Activation => ActivationStatus::from_xml(body).is_ok(),
        Step::Security => SecurityCap::from_xml(body).is_ok(),
        Step::ResetModes => ExternCapabilities::from_xml(body).is_ok(),
        Step::RecoveryEmail => EmailParameter::from_json(body, &DeviceProfile::default()).is_ok(),
        Step::LoginChallenge => SessionLoginCap::from_xml(body).is_ok(),
        _ => true,
    }
}

/// Runs one case and checks what must hold whatever the trouble, then returns the run for the
/// case's own checks.
async fn case(trouble: Trouble, at: Step) -> Reset {
    let (mut reset, _proxy) = Reset::start(trouble).await;
    reset.run(trouble, at).await;
    // Faults lifted, so the last look at the device is not itself troubled.
    reset.device.clear_faults();
    let state = reset.device.state();
    let now = reset.device.admin_password();
    let context = format!(
        "{trouble:?} at {at:?}: {:#?}\nstopped: {:?}\nstate: {state:?}",
        reset.log, reset.stopped
    );

    // What the client believes about the password is what the device has: never unknown.
    let changed = now == NEW_PASSWORD;
    assert!(
        changed || now == reset.old_password,
        "the password is neither the old nor the new one: {context}"
    );
    assert_eq!(reset.believes_reset, changed, "{context}");
    // The proxy never sent a code on its own: the device saw at most what the client sent.
    assert!(
        state.code_submissions as usize <= reset.sent_codes.len(),
        "{context}"
    );
    // A code sent a second time only after the device said it was not taken (a failed proof
    // login or a lock), which the client logs.
    let repeats = reset
        .sent_codes
        .iter()
        .enumerate()
        .filter(|(i, c)| reset.sent_codes[..*i].contains(c))
        .count();
    let explained = reset
        .log
        .iter()
        .filter(|l| l.contains("not reset") || l.contains("locked ("))
        .count();
    assert!(repeats <= explained, "{context}");
    // A certificate replaced before the first call is simply the one pinned.
    if trouble != Trouble::CertificateReplaced || at == Step::Activation {
        assert!(reset.stopped.is_none(), "{context}");
        assert!(
            changed && reset.proven,
            "every reset ends proven: {context}"
        );
    }
    reset
}

fn context(reset: &Reset) -> String {
    format!("{:#?}\n{:?}", reset.log, reset.device.state())
}

/// The checks that tell one trouble from another at the step it strikes.
async fn check(trouble: Trouble, at: Step) {
    let reset = case(trouble, at).await;
    let state = reset.device.state();
    let ctx = context(&reset);
    let first = reset
        .first
        .as_ref()
        .unwrap_or_else(|| panic!("no outcome: {ctx}"));
    match (trouble, at) {
        // Reads that change nothing are asked again on a fresh connection: a dropped answer is
        // never seen.
        (Trouble::AnswerDropped, step) if step.retried_by_the_proxy() => {
            assert!(matches!(first, Outcome::Answered(_)), "{ctx}");
        }
        // The export happened even though its answer was lost; a second export replaces it.
        (Trouble::AnswerDropped, Step::QrExport) => {
            assert_eq!(first.failure_code(), Some("device_bad_answer"), "{ctx}");
            assert_eq!(state.qr_exports, 2, "{ctx}");
        }
        // The code was taken and the answer lost: the proof login finds the reset done, and
        // the code is not sent again.
        (Trouble::AnswerDropped, Step::Code) => {
            assert_eq!(first.failure_code(), Some("device_bad_answer"), "{ctx}");
            assert_eq!(reset.sent_codes.len(), 1, "{ctx}");
            assert_eq!(state.code_submissions, 1, "{ctx}");
            assert!(
                reset.log.iter().any(|l| l.contains("proof login works")),
                "{ctx}"
            );
        }
        // Dropped before the device acted: nothing happened on it.
        (Trouble::Dropped, Step::QrExport) => {
            assert_eq!(first.failure_code(), Some("device_bad_answer"), "{ctx}");
            assert_eq!(
                state.qr_exports, 1,
                "only the second export happened: {ctx}"
            );
        }
        (Trouble::Dropped, Step::Code) => {
            assert_eq!(first.failure_code(), Some("device_bad_answer"), "{ctx}");
            assert_eq!(
                state.code_submissions, 1,
                "the dropped submission never reached the device: {ctx}"
            );
            assert_eq!(reset.sent_codes.len(), 2, "{ctx}");
        }
        (Trouble::Dropped, _) => {
            assert_eq!(first.failure_code(), Some("device_bad_answer"), "{ctx}");
        }
        (Trouble::Stalled, _) => {
            assert_eq!(first.failure_code(), Some("device_timeout"), "{ctx}");
            if at == Step::Code {
                assert!(state.code_submissions <= 2, "{ctx}");
            }
        }
        (Trouble::Truncated, Step::Code) => {
            // A cut answer to an accepted code still counts as accepted; the proof confirms.
            assert_eq!(state.code_submissions, 1, "{ctx}");
        }
        (Trouble::Rebooted, Step::Code) => {
            // The reboot voided the code: refused as unknown, a new QR code, a new code.
            assert_eq!(state.reboots, 1, "{ctx}");
            assert_eq!(state.qr_exports, 2, "{ctx}");
            let distinct: std::collections::HashSet<_> = reset.sent_codes.iter().collect();
            assert_eq!(distinct.len(), 2, "{ctx}");
        }
        (Trouble::Locked, Step::Code) => {
            assert!(
                matches!(first, Outcome::Answered(e) if e.status == 403),
                "{ctx}"
            );
            assert_eq!(state.code_submissions, 2, "{ctx}");
        }
        (Trouble::Locked, Step::ProofLogin | Step::LoginChallenge) => {
            assert!(state.login_attempts >= 2, "{ctx}");
        }
        // Before the first call nothing is pinned yet: the certificate shown then is the pin.
        (Trouble::CertificateReplaced, Step::Activation) => {
            assert!(matches!(first, Outcome::Answered(_)), "{ctx}");
        }
        (Trouble::CertificateReplaced, step) => {
            assert_eq!(
                first.failure_code(),
                Some("device_certificate_changed"),
                "{ctx}"
            );
            assert!(reset.stopped.is_some(), "{ctx}");
            // Nothing reached the device from the step on.
            let before_qr = matches!(
                step,
                Step::Activation | Step::Security | Step::ResetModes | Step::RecoveryEmail
            );
            if before_qr || step == Step::QrExport {
                assert_eq!(state.qr_exports, 0, "{ctx}");
            }
            if before_qr || matches!(step, Step::QrExport | Step::Code) {
                assert_eq!(state.code_submissions, 0, "{ctx}");
                assert!(!state.password_changed, "{ctx}");
            } else {
                // The reset was accepted before; only the proof could not be made.
                assert!(state.password_changed && reset.believes_reset, "{ctx}");
                assert_eq!(state.login_attempts, 0, "{ctx}");
            }
        }
        _ => {}
    }
}

macro_rules! matrix {
    ($($name:ident: $trouble:ident at $step:ident;)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                check(Trouble::$trouble, Step::$step).await;
            }
        )*
    };
}

matrix! {
    dropped_at_activation: Dropped at Activation;
    dropped_at_security: Dropped at Security;
    dropped_at_reset_modes: Dropped at ResetModes;
    dropped_at_recovery_email: Dropped at RecoveryEmail;
    dropped_at_qr_export: Dropped at QrExport;
    dropped_at_code: Dropped at Code;
    dropped_at_login_challenge: Dropped at LoginChallenge;
    dropped_at_proof_login: Dropped at ProofLogin;

    answer_dropped_at_activation: AnswerDropped at Activation;
    answer_dropped_at_security: AnswerDropped at Security;
    answer_dropped_at_reset_modes: AnswerDropped at ResetModes;
    answer_dropped_at_recovery_email: AnswerDropped at RecoveryEmail;
    answer_dropped_at_qr_export: AnswerDropped at QrExport;
    answer_dropped_at_code: AnswerDropped at Code;
    answer_dropped_at_login_challenge: AnswerDropped at LoginChallenge;
    answer_dropped_at_proof_login: AnswerDropped at ProofLogin;

    truncated_at_activation: Truncated at Activation;
    truncated_at_security: Truncated at Security;
    truncated_at_reset_modes: Truncated at ResetModes;
    truncated_at_recovery_email: Truncated at RecoveryEmail;
    truncated_at_qr_export: Truncated at QrExport;
    truncated_at_code: Truncated at Code;
    truncated_at_login_challenge: Truncated at LoginChallenge;
    truncated_at_proof_login: Truncated at ProofLogin;

    stalled_at_activation: Stalled at Activation;
    stalled_at_security: Stalled at Security;
    stalled_at_reset_modes: Stalled at ResetModes;
    stalled_at_recovery_email: Stalled at RecoveryEmail;
    stalled_at_qr_export: Stalled at QrExport;
    stalled_at_code: Stalled at Code;
    stalled_at_login_challenge: Stalled at LoginChallenge;
    stalled_at_proof_login: Stalled at ProofLogin;

    rebooted_at_activation: Rebooted at Activation;
    rebooted_at_security: Rebooted at Security;
    rebooted_at_reset_modes: Rebooted at ResetModes;
    rebooted_at_recovery_email: Rebooted at RecoveryEmail;
    rebooted_at_qr_export: Rebooted at QrExport;
    rebooted_at_code: Rebooted at Code;
    rebooted_at_login_challenge: Rebooted at LoginChallenge;
    rebooted_at_proof_login: Rebooted at ProofLogin;

    locked_at_activation: Locked at Activation;
    locked_at_security: Locked at Security;
    locked_at_reset_modes: Locked at ResetModes;
    locked_at_recovery_email: Locked at RecoveryEmail;
    locked_at_qr_export: Locked at QrExport;
    locked_at_code: Locked at Code;
    locked_at_login_challenge: Locked at LoginChallenge;
    locked_at_proof_login: Locked at ProofLogin;

    certificate_replaced_at_activation: CertificateReplaced at Activation;
    certificate_replaced_at_security: CertificateReplaced at Security;
    certificate_replaced_at_reset_modes: CertificateReplaced at ResetModes;
    certificate_replaced_at_recovery_email: CertificateReplaced at RecoveryEmail;
    certificate_replaced_at_qr_export: CertificateReplaced at QrExport;
    certificate_replaced_at_code: CertificateReplaced at Code;
    certificate_replaced_at_login_challenge: CertificateReplaced at LoginChallenge;
    certificate_replaced_at_proof_login: CertificateReplaced at ProofLogin;
}
