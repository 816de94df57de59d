//! The list of steps at the top, with the current one marked for assistive technology.

use crate::i18n::{tr, use_i18n, Msg};
use crate::wizard::progress::{ResetRoute, Step};
use crate::wizard::state::use_wizard;
use leptos::prelude::*;

/// The step list; steps already reached are links back to them.
#[component]
pub fn Stepper() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    let route = Memo::new(move |_| wizard.progress.with(|p| p.route));
    let items = Step::ALL
        .into_iter()
        .map(|step| {
            let included = move || route.get().includes(step);
            let current = move || wizard.step.get() == step;
            let reachable = move || {
                wizard
                    .progress
                    .with(|p| p.allowed(step, wizard.memory()) == step)
            };
            view! {
                <li class:current=current aria-current=move || current().then_some("step")
                    hidden=move || !included()>
                    <button type="button" class="link" disabled=move || !reachable() || current()
                        on:click=move |_| wizard.go(step)>
                        {move || i18n.t(step_title(step, route.get()))}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="stepper" aria-label=tr(Msg::StepsLabel)>
            <ol>{items}</ol>
        </nav>
    }
}

/// The title of each step on `route`, used by the step list and the step headings alike.
pub fn step_title(step: Step, route: ResetRoute) -> Msg {
    match step {
        Step::Code if route == ResetRoute::Questions => Msg::StepAnswers,
        Step::Code if route == ResetRoute::GuidFile => Msg::StepGuid,
        Step::Device => Msg::StepDevice,
        Step::Mode => Msg::StepMode,
        Step::Privacy => Msg::StepPrivacy,
        Step::Qr => Msg::StepQr,
        Step::Code => Msg::StepCode,
        Step::Password => Msg::StepPassword,
        Step::Proof => Msg::StepProof,
    }
}
