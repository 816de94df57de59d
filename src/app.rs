//! The app shell: title, demo badge, and the current step.

use crate::client;
use crate::device_step::DeviceStep;
use crate::i18n::{provide_i18n, Msg};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The whole wizard.
#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    let demo = RwSignal::new(false);
    spawn_local(async move {
        if let Ok(health) = client::health().await {
            demo.set(health.demo);
        }
    });
    view! {
        <header class="app-header">
            <h1>{move || i18n.t(Msg::AppTitle)}</h1>
            <p class="tagline">{move || i18n.t(Msg::AppTagline)}</p>
            <Show when=move || demo.get()>
                <p class="demo-badge">{move || i18n.t(Msg::DemoBadge)}</p>
            </Show>
        </header>
        <main id="main">
            <DeviceStep />
        </main>
    }
}
