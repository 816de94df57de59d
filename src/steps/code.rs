//! Step 5, the reset code: typed by the person, kept in memory only, and the device's last
//! verdict on it in plain words. Nothing here sends the code: the password step does, once.

use super::StepHeading;
use crate::device::reset::ResetVerdict;
use crate::i18n::{tr, use_i18n, Msg};
use crate::problem::{BadInput, Problem};
use crate::ui::alert::Alert;
use crate::ui::text_field::TextField;
use crate::wizard::clock::now_ms;
use crate::wizard::progress::Step;
use crate::wizard::state::use_wizard;
use leptos::prelude::*;
use std::time::Duration;

/// Step 5: type the reset code from the e-mail.
#[component]
pub fn CodeStep() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    let typed = RwSignal::new(wizard.code.get_untracked());
    let problem = RwSignal::new(None::<Problem>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let code = typed.get_untracked().trim().to_string();
        if code.is_empty() {
            problem.set(Some(Problem::Input(BadInput::Empty)));
            return;
        }
        problem.set(None);
        wizard.code.set(code);
        wizard.go(Step::Password);
    };
    let expired = move || {
        wizard
            .verdict
            .with(|v| matches!(v, Some(ResetVerdict::ExpiredCode)))
    };
    view! {
        <section class="step" aria-labelledby="step-heading">
            <StepHeading step=Step::Code title=Msg::StepCode />
            <Verdict />
            <PlainHttpNotice />
            <Show when=move || wizard.demo.get()>
                <DemoMailbox />
            </Show>
            <form on:submit=submit novalidate>
                <TextField id="reset-code" label=Msg::CodeLabel hint=Msg::CodeHint value=typed
                    autocomplete="one-time-code" spellcheck="false" autocapitalize="off"
                    error=Signal::derive(move || problem.get().map(|p| p.message())) />
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| wizard.go(Step::Qr)>
                        {move || i18n.t(if expired() { Msg::QrExportAgain } else { Msg::Back })}
                    </button>
                    <button type="submit" class="primary">{tr(Msg::Continue)}</button>
                </div>
            </form>
        </section>
    }
}

/// Before the code is sent, when the device offers only plain HTTP: said once, plainly; the
/// person may go on (many cameras on a home LAN have nothing else).
#[component]
fn PlainHttpNotice() -> impl IntoView {
    let wizard = use_wizard();
    // Known from the calls before this step, so drawn with the step (no shift after it); only
    // after a reload is the device asked.
    let known = wizard
        .address()
        .and_then(crate::device::client::known_transport);
    let transport = RwSignal::new(known);
    if let (None, Some(address)) = (known, wizard.address()) {
        leptos::task::spawn_local(async move {
            transport.set(crate::device::client::transport(address).await);
        });
    }
    let shown = move || transport.get() == Some(protocol::proxy_api::DeviceTransport::Http);
    view! {
        <Show when=shown>
            <p class="notice plain-http" role="status">{tr(Msg::PlainHttpNotice)}</p>
        </Show>
    }
}

/// In the demo only: what the simulated vendor "e-mailed", clearly labelled as such.
#[component]
fn DemoMailbox() -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(None::<Msg>);
    let open = move |_| {
        leptos::task::spawn_local(async move {
            shown.set(Some(match crate::device::client::demo_mailbox().await {
                Ok(Some(code)) => Msg::DemoMailboxCode { code },
                Ok(None) => Msg::DemoMailboxEmpty,
                Err(err) => Problem::client(err, "").message(),
            }));
        });
    };
    view! {
        <div class="demo-mailbox">
            <button type="button" class="secondary" on:click=open>{tr(Msg::DemoMailboxOpen)}</button>
            <p role="status">{move || shown.get().map(|m| i18n.t(m))}</p>
        </div>
    }
}

/// The device's last verdict on a code, with a live countdown while it is locked.
#[component]
pub(super) fn Verdict() -> impl IntoView {
    let wizard = use_wizard();
    let now = RwSignal::new(now_ms());
    // A one-second tick only matters while a lock is shown; it stops with the component.
    if let Ok(handle) = set_interval_with_handle(move || now.set(now_ms()), Duration::from_secs(1))
    {
        on_cleanup(move || handle.clear());
    }
    let problem = Signal::derive(move || {
        let verdict = wizard.verdict.get()?;
        Some(Problem::Refused(
            match (verdict, wizard.locked_until.get()) {
                (ResetVerdict::Locked { .. }, Some(until)) => {
                    let secs = until.saturating_sub(now.get()) / 1000;
                    ResetVerdict::Locked {
                        unlock_in_secs: Some(u32::try_from(secs).unwrap_or(u32::MAX)),
                    }
                }
                (verdict, _) => verdict,
            },
        ))
    });
    view! { <Alert problem class="verdict" /> }
}
