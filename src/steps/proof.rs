//! Step 7, the proof: one login with the new password, never retried (a failed proof must not
//! spend the device's login tries), then the end of the reset.

use super::StepHeading;
use crate::batch::view::BatchNextButton;
use crate::device::address::DeviceAddress;
use crate::device::reset;
use crate::i18n::{tr, use_i18n, Msg};
use crate::problem::Problem;
use crate::steps::after_reset::PreventionOffers;
use crate::wizard::progress::Step;
use crate::wizard::state::use_wizard;
use leptos::prelude::*;

/// What the one login with the new password showed.
#[derive(Debug, Clone, PartialEq)]
enum Proof {
    Proven,
    NotProven,
    Failed(Msg),
}

/// Step 7: prove the new password and finish.
#[component]
pub fn ProofStep() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    let password = wizard.password.get_untracked();
    // After a reload the password is no longer in memory: nothing to prove with.
    let possible = !password.is_empty();
    // Kept for the one login and for the prevention offers, which the device checks it with
    // once more.
    let kept = StoredValue::new(password);
    let proof = RwSignal::new(None::<Proof>);
    // Typed like the QR export's action, so both share one copy of the action's code.
    let prove = Action::new_local(move |&address: &DeviceAddress| {
        let password = kept.get_value();
        async move {
            proof.set(Some(match reset::prove_login(address, &password).await {
                Ok(true) => Proof::Proven,
                Ok(false) => Proof::NotProven,
                Err(err) => Proof::Failed(Problem::reset(err, address).message()),
            }));
        }
    });
    if let (true, Some(address)) = (possible, wizard.address()) {
        // Taken out of memory before the one attempt, so nothing can send it twice.
        wizard.password.set(String::new());
        prove.dispatch_local(address);
    }
    let start_over = move |_| {
        wizard.progress.update(|p| p.start_over());
        wizard.facts.set(None);
        wizard.verdict.set(None);
        wizard.go(Step::Device);
    };
    let status = move || {
        let (msg, class) = match proof.get() {
            None if !possible => (Msg::ResetAccepted, "done"),
            None => (Msg::Proving, "pending"),
            Some(Proof::Proven) => (Msg::Proven, "done"),
            Some(Proof::NotProven) => (Msg::NotProven, "warning"),
            Some(Proof::Failed(msg)) => (msg, "warning"),
        };
        view! { <p class=class role="status">{i18n.t(msg)}</p> }
    };
    view! {
        <section class="step" aria-labelledby="step-heading">
            <StepHeading step=Step::Proof title=Msg::StepProof />
            <p>{tr(Msg::ResetAccepted)}</p>
            {status}
            {move || match (proof.get(), wizard.address()) {
                (Some(Proof::Proven), Some(address)) => {
                    Some(view! { <PreventionOffers address password=kept.get_value() /> })
                }
                _ => None,
            }}
            {if wizard.in_batch() {
                view! { <BatchNextButton /> }.into_any()
            } else {
                view! {
                    <button type="button" class="secondary" on:click=start_over>{tr(Msg::ResetAnother)}</button>
                }
                .into_any()
            }}
        </section>
    }
}
