//! Step 3, the privacy notice: what the e-mail reset shares with the vendor, accepted first.

use super::StepHeading;
use crate::i18n::{tr, Msg};
use crate::wizard::progress::Step;
use crate::wizard::state::use_wizard;
use leptos::prelude::*;

/// Step 3: read and accept the privacy notice.
#[component]
pub fn PrivacyStep() -> impl IntoView {
    let wizard = use_wizard();
    let accepted = RwSignal::new(wizard.progress.with_untracked(|p| p.privacy_accepted));
    let go_on = move |_| {
        wizard.progress.update(|p| p.privacy_accepted = true);
        wizard.go(Step::Qr);
    };
    view! {
        <section class="step" aria-labelledby="step-heading">
            <StepHeading step=Step::Privacy title=Msg::StepPrivacy />
            <div class="notice-text">
                <p>{tr(Msg::PrivacyWhat)}</p>
                <p>{tr(Msg::PrivacyWho)}</p>
                <p>{tr(Msg::PrivacyKept)}</p>
            </div>
            <p class="checkbox">
                <input id="privacy-accept" type="checkbox" bind:checked=accepted />
                <label for="privacy-accept">{tr(Msg::PrivacyAccept)}</label>
            </p>
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| wizard.go(Step::Mode)>
                    {tr(Msg::Back)}
                </button>
                <button type="button" class="primary" disabled=move || !accepted.get() on:click=go_on>
                    {tr(Msg::Continue)}
                </button>
            </div>
        </section>
    }
}
