//! An error shown to the person: announced at once by screen readers (`role="alert"`), and
//! reported to an embedding page as an `error` event carrying a stable name, never the sentence
//! (which can hold an address or a device's words).

use crate::embed::{self, HostEvent};
use crate::i18n::{use_i18n, Msg};
use leptos::prelude::*;

/// Shows `msg` while it is `Some`.
#[component]
pub fn Alert(
    #[prop(into)] msg: Signal<Option<Msg>>,
    /// Extra classes besides `error`.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_context::<crate::wizard::state::Wizard>();
    // Reported once per error, not again while its text changes (a lock's countdown).
    Effect::new(move |reported: Option<Option<&'static str>>| {
        let code = msg.get().map(|m| error_code(&m));
        if let Some(code) = code.filter(|c| reported.flatten() != Some(*c)) {
            embed::post(HostEvent::Error { code });
            if let Some(wizard) = wizard {
                wizard.last_error.set(Some(code));
            }
        }
        code
    });
    let class = if class.is_empty() {
        "error".to_string()
    } else {
        format!("{class} error")
    };
    view! { <p class=class role="alert">{move || msg.get().map(|m| i18n.t(m))}</p> }
}

/// The stable name of an error, for the embedding page.
pub fn error_code(msg: &Msg) -> &'static str {
    match msg {
        Msg::ProxyUnreachable => "proxy_unreachable",
        Msg::HelperNotReached { .. } => "helper_unreachable",
        Msg::HelperTooOld { .. } => "helper_too_old",
        Msg::HelperTooNew { .. } => "helper_too_new",
        Msg::ProxyRefused { .. } | Msg::OpenFromProxy | Msg::PairingNeeded => "proxy_refused",
        Msg::ProxyBusy => "proxy_busy",
        Msg::TooManyAttempts { .. } => "too_many_attempts",
        Msg::DeviceUnreachable { .. } => "device_unreachable",
        Msg::DeviceTimeout { .. } => "device_timeout",
        Msg::DeviceAnswerTooLarge | Msg::DeviceGarbage { .. } => "device_bad_answer",
        Msg::DeviceStatus { .. } | Msg::DeviceSaid { .. } => "device_refused",
        Msg::DeviceStarting => "device_starting",
        Msg::TargetNotAllowed => "device_not_allowed",
        Msg::DiscoveryFailed => "discovery_failed",
        Msg::CertificateChanged | Msg::TlsFailed => "device_tls",
        Msg::WrongCode | Msg::WrongCodeTriesLeft { .. } => "wrong_code",
        Msg::ExpiredCode => "expired_code",
        Msg::Locked | Msg::LockedFor { .. } => "device_locked",
        Msg::QrTooLong => "qr_too_long",
        Msg::WrongAnswers => "wrong_answers",
        Msg::AnswersNeverSet => "no_questions",
        Msg::OtherQuestions => "other_questions",
        Msg::GuidMismatch => "guid_mismatch",
        Msg::ResetNotTaken => "reset_not_taken",
        Msg::ResetUnconfirmed => "reset_unconfirmed",
        Msg::GuidUnusable => "guid_unusable",
        Msg::NoReservedEmail | Msg::ModeEmailMissing => "no_reserved_email",
        Msg::PasswordIllegal
        | Msg::PasswordRisky
        | Msg::PasswordSameAsOld
        | Msg::PasswordTooLongDevice
        | Msg::PasswordsDiffer => "password_refused",
        _ => "other",
    }
}
