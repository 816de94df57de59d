//! Step 2, the reset mode: e-mail verification first; modes the device lacks shown disabled,
//! and a way forward when no e-mail reset is possible.

use super::device::mode_name;
use super::StepHeading;
use crate::device::reset;
use crate::i18n::{tr, use_i18n, Msg};
use crate::steps::support_details::SupportDetails;
use crate::ui::read::Read;
use crate::wizard::progress::{ResetRoute, Step};
use crate::wizard::state::use_wizard;
use leptos::prelude::*;
use protocol::isapi::{EmailParameter, ResetMode};

/// Step 2: choose how to reset.
#[component]
pub fn ModeStep() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    // Where the code would go, asked before anyone exports a QR code. `None` while reading,
    // and when the device would not say: then the export itself will tell.
    let reserved = Read::new(move || async move {
        let address = wizard.address()?;
        let supported = wizard
            .facts
            .with_untracked(|f| f.as_ref().map(|f| f.modes.supports(ResetMode::Email)))?;
        if !supported {
            return None;
        }
        let profile = wizard.profile.get_value();
        reset::read_recovery_email(address, &profile).await.ok()
    });
    let body = move || {
        let Some(facts) = wizard.facts.get() else {
            return view! { <p role="status">{i18n.t(Msg::ReadingDevice)}</p> }.into_any();
        };
        let reserved = reserved.get().flatten();
        let none_reserved = reserved.as_ref().is_some_and(|r| !r.is_reserved());
        let email = facts.modes.supports(ResetMode::Email) && !none_reserved;
        let email_why = match email {
            true => Msg::ModeEmailExplain,
            false if none_reserved => Msg::NoReservedEmail,
            false => Msg::ModeEmailMissing,
        };
        let goes_to = match reserved {
            Some(EmailParameter {
                email_address: Some(address),
            }) if email => Some(Msg::ModeEmailGoesTo { address }),
            _ => None,
        };
        let choose = move |route: ResetRoute| {
            wizard.progress.update(|p| p.route = route);
            wizard.forget_proof();
            wizard.verdict.set(None);
            wizard.go(if route == ResetRoute::Email {
                Step::Privacy
            } else {
                Step::Code
            });
        };
        let others = facts
            .modes
            .reset_modes()
            .into_iter()
            .filter(|m| m.mode != ResetMode::Email)
            .map(|m| {
                let name = mode_name(m.mode);
                let route = match m.mode {
                    ResetMode::SecurityQuestions => Some(ResetRoute::Questions),
                    ResetMode::GuidFile => Some(ResetRoute::GuidFile),
                    ResetMode::Email | ResetMode::HikConnectApp => None,
                };
                let why = match (m.supported, route) {
                    (false, _) => Msg::ModeUnavailable,
                    (true, Some(ResetRoute::Questions)) => Msg::ModeQuestionsExplain,
                    (true, Some(_)) => Msg::ModeGuidExplain,
                    (true, None) => Msg::ModeLater,
                };
                let usable = m.supported && route.is_some();
                view! {
                    <li>
                        <button type="button" disabled=!usable aria-describedby=format!("why-{:?}", m.mode)
                            on:click=move |_| {
                                if let Some(route) = route {
                                    choose(route);
                                }
                            }>
                            {i18n.t(name)}
                        </button>
                        <span id=format!("why-{:?}", m.mode) class="hint">{i18n.t(why)}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <ul class="mode-choices">
                <li>
                    <button type="button" class="primary" disabled=!email
                        aria-describedby="why-email"
                        on:click=move |_| choose(ResetRoute::Email)>
                        {i18n.t(Msg::ModeEmail)}
                    </button>
                    <span id="why-email" class="hint">
                        {i18n.t(email_why)}
                        {goes_to.map(|msg| view! { " " <strong class="reserved-email">{i18n.t(msg)}</strong> })}
                    </span>
                </li>
                {others}
            </ul>
            {(!email).then(|| view! { <SupportDetails /> })}
        }
        .into_any()
    };
    view! {
        <section class="step" aria-labelledby="step-heading">
            <StepHeading step=Step::Mode title=Msg::StepMode />
            {body}
            <button type="button" class="secondary" on:click=move |_| wizard.go(Step::Device)>
                {tr(Msg::Back)}
            </button>
        </section>
    }
}
