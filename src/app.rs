//! The app shell: title, demo badge, the step list, and the step on screen, connected to the
//! device through reset-proxy when one answers, or as guidance when none does.

use crate::batch::view::{BatchBar, BatchSummary};
use crate::device::client;
use crate::embed::{self, HostEvent, ModeChoice};
use crate::guided::connect_panel::{mismatch, ConnectPanel, HelperMismatch};
use crate::guided::GuidedStep;
use crate::i18n::{provide_i18n, tr, I18n, Msg};
use crate::problem::Problem;
use crate::steps::stepper::Stepper;
use crate::steps::{
    AnswersStep, CodeStep, DeviceStep, GuidStep, ModeStep, PasswordStep, PrivacyStep, ProofStep,
    QrStep,
};
use crate::wizard::progress::ResetRoute;
use crate::wizard::progress::Step;
use crate::wizard::state::{Mode, Wizard};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// How often guided mode looks for a reset-proxy that was started later, and for how long.
const PROXY_POLL: Duration = Duration::from_secs(15);
const PROXY_POLLS: u32 = 40;

/// The whole wizard.
#[component]
pub fn App() -> impl IntoView {
    let options = embed::provide();
    let i18n = provide_i18n();
    let wizard = Wizard::provide();
    // Asked once: a browser that refuses storage does not change its mind while the page is open.
    let progress_persists = crate::wizard::storage::persists();
    let proxy_appeared = RwSignal::new(false);
    let helper_mismatch = RwSignal::new(None::<Problem>);
    detect_mode(wizard, proxy_appeared, helper_mismatch, options.mode);
    report_to_host(wizard, i18n);
    let _ = window_event_listener(leptos::ev::popstate, move |_| wizard.follow_history());

    // "Connected" first offers the helper on this computer; the guide stays one click away.
    let offer_first = RwSignal::new(options.mode == ModeChoice::Connected);
    let offer_helper = options.mode != ModeChoice::Guided;
    let on_connected = Callback::new(move |health: protocol::proxy_api::Health| {
        spawn_local(async move {
            adopt_helper(wizard, health).await;
            switch_to_connected(wizard);
        });
    });
    // A memo, so that saving other progress does not draw the step again.
    let route = Memo::new(move |_| wizard.progress.with(|p| p.route));
    // In a batch: `Some(Some(i))` while its device `i` is on screen, `Some(None)` for its summary.
    let batch_at = Memo::new(move |_| wizard.batch.with(|b| b.as_ref().map(|b| b.current)));
    let current = move || match (wizard.mode.get(), wizard.step.get()) {
        (Mode::Checking, _) => {
            view! { <p role="status">{i18n.t(Msg::LookingForHelper)}</p> }.into_any()
        }
        (Mode::Guided, _) if offer_first.get() => view! {
            <ConnectPanel on_connected />
            <p>
                <button type="button" class="secondary" on:click=move |_| offer_first.set(false)>
                    {tr(Msg::ShowGuideInstead)}
                </button>
            </p>
        }
        .into_any(),
        (Mode::Guided, step) => view! {
            <GuidedStep step />
            <Show when=move || offer_helper>
                <ConnectPanel on_connected />
            </Show>
        }
        .into_any(),
        (Mode::Connected, step) => match batch_at.get() {
            Some(None) => view! { <BatchSummary /> }.into_any(),
            Some(Some(_)) => view! { <BatchBar /> {connected_step(step, route.get())} }.into_any(),
            None => connected_step(step, route.get()),
        },
    };
    view! {
        <header class="app-header">
            <h1>{tr(Msg::AppTitle)}</h1>
            <p class="tagline">{tr(Msg::AppTagline)}</p>
            <Show when=move || wizard.demo.get()>
                <p class="demo-badge">{tr(Msg::DemoBadge)}</p>
            </Show>
            <Show when=move || proxy_appeared.get() && wizard.mode.get() == Mode::Guided>
                <p class="notice" role="status">
                    {tr(Msg::HelperAppeared)}" "
                    <button type="button" on:click=move |_| switch_to_connected(wizard)>
                        {tr(Msg::SwitchToConnected)}
                    </button>
                </p>
            </Show>
            <HelperMismatch problem=helper_mismatch />
            {(!progress_persists).then(|| view! {
                <p class="notice" role="status">{tr(Msg::ProgressInMemory)}</p>
            })}
        </header>
        <Stepper />
        <main id="main">{current}</main>
    }
}

fn connected_step(step: Step, route: ResetRoute) -> AnyView {
    match step {
        Step::Code if route == ResetRoute::Questions => view! { <AnswersStep /> }.into_any(),
        Step::Code if route == ResetRoute::GuidFile => view! { <GuidStep /> }.into_any(),
        Step::Device => view! { <DeviceStep /> }.into_any(),
        Step::Mode => view! { <ModeStep /> }.into_any(),
        Step::Privacy => view! { <PrivacyStep /> }.into_any(),
        Step::Qr => view! { <QrStep /> }.into_any(),
        Step::Code => view! { <CodeStep /> }.into_any(),
        Step::Password => view! { <PasswordStep /> }.into_any(),
        Step::Proof => view! { <ProofStep /> }.into_any(),
    }
}

/// Takes on what a helper that answered says: whether it is a demo, and the device profile it
/// runs with (a helper too old to say keeps the built-in one).
async fn adopt_helper(wizard: Wizard, health: protocol::proxy_api::Health) {
    wizard.demo.set(health.demo);
    if let Ok(profile) = client::device_profile().await {
        wizard.profile.set_value(profile);
    }
}

/// Connected when a reset-proxy that fits this wizard answers (unless the page asks for
/// guidance), else guided, with the "update the helper" notice when one answered that does not
/// fit; guided mode keeps looking, a bounded number of times, for a proxy started later.
fn detect_mode(
    wizard: Wizard,
    proxy_appeared: RwSignal<bool>,
    helper_mismatch: RwSignal<Option<Problem>>,
    choice: ModeChoice,
) {
    let forced_guided = choice == ModeChoice::Guided;
    spawn_local(async move {
        match client::health().await {
            Ok(health) if !forced_guided && mismatch(&health).is_some() => {
                helper_mismatch.set(mismatch(&health));
                wizard.mode.set(Mode::Guided);
                // The person must first update the helper; a reload finds the new one.
                return;
            }
            Ok(health) if !forced_guided => {
                adopt_helper(wizard, health).await;
                wizard.mode.set(Mode::Connected);
                refresh_facts_after_reload(wizard);
                return;
            }
            // A helper on the LAN opened without its pairing secret: it is there, and every
            // call will say what is missing.
            Err(client::ClientError::Proxy {
                code: protocol::proxy_api::ErrorCode::PairingRequired,
                ..
            }) if !forced_guided => {
                wizard.mode.set(Mode::Connected);
                return;
            }
            _ => wizard.mode.set(Mode::Guided),
        }
        if forced_guided {
            return;
        }
        for _ in 0..PROXY_POLLS {
            client::sleep_ms(PROXY_POLL.as_millis() as i32).await;
            if wizard.mode.get_untracked() != Mode::Guided {
                return;
            }
            match client::health().await {
                Ok(health) if mismatch(&health).is_none() => {
                    proxy_appeared.set(true);
                    return;
                }
                Ok(health) => {
                    helper_mismatch.set(mismatch(&health));
                    return;
                }
                Err(_) => {}
            }
        }
    });
}

/// Tells an embedding page when the wizard is ready, which step is on screen, and when the
/// reset is done (events carry step names and modes only).
fn report_to_host(wizard: Wizard, i18n: I18n) {
    let mode_name = |mode| match mode {
        Mode::Connected => Some("connected"),
        Mode::Guided => Some("guided"),
        Mode::Checking => None,
    };
    Effect::new(move |ready: Option<bool>| {
        let Some(mode) = mode_name(wizard.mode.get()) else {
            return ready.unwrap_or(false);
        };
        if ready != Some(true) {
            embed::post(HostEvent::Ready {
                mode,
                lang: i18n.lang().tag(),
                title: i18n.t(Msg::AppTitle),
            });
        }
        let step = wizard.step.get();
        embed::post(HostEvent::Step { step, mode });
        if step == Step::Proof {
            embed::post(HostEvent::Done { mode });
        }
        true
    });
}

/// Leaves guided mode: the device must now be found through the proxy, from the first step.
fn switch_to_connected(wizard: Wizard) {
    wizard.progress.update(|p| p.start_over());
    wizard.mode.set(Mode::Connected);
    wizard.go(Step::Device);
    wizard.step.set(Step::Device);
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
