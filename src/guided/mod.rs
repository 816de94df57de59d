//! Guided mode: with no reset-proxy in reach (a help-center widget, a phone), the same steps
//! as instructions for the device's own page or an NVR's local menu. Device buttons are named
//! by their English labels: we cannot know how each firmware translates them.

pub(crate) mod connect_panel;
mod download_offer;

use crate::i18n::{tr, use_i18n, Msg};
use crate::qr::reader::QrReader;
use crate::steps::email;
use crate::steps::stepper::step_title;
use crate::steps::{NewPassword, StepHeading};
use crate::wizard::progress::Step;
use crate::wizard::state::use_wizard;
use leptos::prelude::*;
use protocol::isapi::LengthLimit;
use protocol::password::check;

/// The step on screen, as guidance.
#[component]
pub fn GuidedStep(step: Step) -> impl IntoView {
    let body = match step {
        Step::Device => instructions(&[Msg::GuideOpenPage, Msg::GuideNvrMenu, Msg::GuideForgot]),
        Step::Mode => instructions(&[Msg::GuideChooseEmail, Msg::GuideNoEmail]),
        Step::Privacy => instructions(&[Msg::GuidePrivacy]),
        Step::Qr => view! { <GuidedQr /> }.into_any(),
        Step::Code => instructions(&[Msg::GuideTypeCode, Msg::QrValidity]),
        Step::Password => view! { <GuidedPassword /> }.into_any(),
        Step::Proof => instructions(&[Msg::GuideDone]),
    };
    view! {
        <section class="step guided" aria-labelledby="step-heading">
            <StepHeading step title=step_title(step, crate::wizard::progress::ResetRoute::Email) />
            <p class="hint">{tr(Msg::GuidedIntro)}</p>
            {body}
            <GuidedNav step />
        </section>
    }
}

fn instructions(lines: &[Msg]) -> AnyView {
    let items = lines
        .iter()
        .map(|msg| view! { <li>{tr(msg.clone())}</li> })
        .collect_view();
    view! { <ol class="instructions">{items}</ol> }.into_any()
}

/// Back and Continue between guided steps.
#[component]
fn GuidedNav(step: Step) -> impl IntoView {
    let wizard = use_wizard();
    let index = step.number() - 1;
    let previous = index.checked_sub(1).map(|i| Step::ALL[i]);
    let next = Step::ALL.get(index + 1).copied();
    view! {
        <div class="actions">
            {previous.map(|p| view! {
                <button type="button" class="secondary" on:click=move |_| wizard.go(p)>
                    {tr(Msg::Back)}
                </button>
            })}
            {next.map(|n| view! {
                <button type="button" class="primary" on:click=move |_| wizard.advance_guided(n)>
                    {tr(Msg::GuideDoneThis)}
                </button>
            })}
        </div>
    }
}

/// Exporting the QR code on the device, and where to send it.
#[component]
fn GuidedQr() -> impl IntoView {
    let i18n = use_i18n();
    let mailbox = crate::embed::use_options().mailbox;
    let mailto = email::mailto(i18n.lang(), mailbox.address, None);
    view! {
        <ol class="instructions">
            <li>{tr(Msg::GuideExportQr)}</li>
            <li>{tr(Msg::GuideNvrQr)}</li>
            <li>{tr(Msg::QrSendTo)}" "<strong class="address">{mailbox.address}</strong>
                " "<a href=mailto>{tr(Msg::QrWriteEmail)}</a></li>
            <li>{tr(Msg::QrWait)}</li>
        </ol>
        <p class="hint">{tr(Msg::QrValidity)}</p>
        <QrReader />
    }
}

/// The new password, checked here with the device's own rules before it is typed there.
#[component]
fn GuidedPassword() -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    // Without a device to ask, the common limits; the device has the last word.
    let limits = Memo::new(|_| LengthLimit::default());
    let report =
        Memo::new(move |_| check(&password.get(), crate::device::reset::ADMIN, limits.get()));
    view! {
        <p>{tr(Msg::GuideCheckPassword)}</p>
        <NewPassword password report limits />
        <p role="status">
            {move || (!password.get().is_empty()).then(|| i18n.t(
                if report.get().is_acceptable() { Msg::GuidePasswordGood } else { Msg::GuidePasswordNotYet }
            ))}
        </p>
        <ol class="instructions">
            <li>{tr(Msg::GuideTypePassword)}</li>
        </ol>
    }
}
