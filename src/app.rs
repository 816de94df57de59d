//! The app shell: title, demo badge, the step list, and the step on screen.

use crate::client;
use crate::flow::Step;
use crate::i18n::{provide_i18n, Msg};
use crate::state::Wizard;
use crate::stepper::Stepper;
use crate::steps::{CodeStep, DeviceStep, ModeStep, PasswordStep, PrivacyStep, ProofStep, QrStep};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The whole wizard.
#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    let wizard = Wizard::provide();
    let demo = wizard.demo;
    spawn_local(async move {
        if let Ok(health) = client::health().await {
            demo.set(health.demo);
        }
    });
    let _ = window_event_listener(leptos::ev::popstate, move |_| wizard.follow_history());
    refresh_facts_after_reload(wizard);

    let current = move || match wizard.step.get() {
        Step::Device => view! { <DeviceStep /> }.into_any(),
        Step::Mode => view! { <ModeStep /> }.into_any(),
        Step::Privacy => view! { <PrivacyStep /> }.into_any(),
        Step::Qr => view! { <QrStep /> }.into_any(),
        Step::Code => view! { <CodeStep /> }.into_any(),
        Step::Password => view! { <PasswordStep /> }.into_any(),
        Step::Proof => view! { <ProofStep /> }.into_any(),
    };
    view! {
        <header class="app-header">
            <h1>{move || i18n.t(Msg::AppTitle)}</h1>
            <p class="tagline">{move || i18n.t(Msg::AppTagline)}</p>
            <Show when=move || demo.get()>
                <p class="demo-badge">{move || i18n.t(Msg::DemoBadge)}</p>
            </Show>
        </header>
        <Stepper />
        <main id="main">{current}</main>
    }
}

/// After a reload the device's capabilities are read again (a harmless read; never an export).
fn refresh_facts_after_reload(wizard: Wizard) {
    let Some(address) = wizard.address() else {
        return;
    };
    if wizard.facts.get_untracked().is_some() {
        return;
    }
    spawn_local(async move {
        if let Ok(facts) = client::read_device(address).await {
            wizard.facts.set(Some(facts));
        }
    });
}
