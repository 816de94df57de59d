//! What the vendor's support asks for when no self-service reset is possible, ready to copy
//! and to mail, the support route's steps and time limits, the support transcript and the
//! device's probe report.

use crate::device::client;
use crate::i18n::{tr, use_i18n, Msg};
use crate::problem::Problem;
use crate::steps::email;
use crate::ui::alert::Alert;
use crate::ui::copy_button::CopyButton;
use crate::wizard::state::{use_wizard, Mode};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// The device's details in one copyable block, with what to do with them.
#[component]
pub fn SupportDetails() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    let details = wizard.progress.with_untracked(|p| {
        p.device
            .as_ref()
            .map(|d| {
                let line = |label: Msg, value: &Option<String>| {
                    let value = value.clone().unwrap_or_else(|| i18n.t(Msg::NotReported));
                    format!("{}: {value}", i18n.t(label))
                };
                // Support cannot help without the serial: when the device did not say it,
                // ask for the one on its label.
                let serial = match &d.serial {
                    Some(_) => line(Msg::Serial, &d.serial),
                    None => format!("{}: {}", i18n.t(Msg::Serial), i18n.t(Msg::SerialFromLabel)),
                };
                [
                    line(Msg::Model, &d.model),
                    serial,
                    line(Msg::Firmware, &d.firmware),
                    line(Msg::Mac, &d.mac),
                    line(Msg::BootTime, &d.boot_time),
                    line(Msg::Address, &Some(d.address.clone())),
                ]
                .join("\n")
            })
            .unwrap_or_default()
    });
    let mailto = {
        let details = details.clone();
        move || email::support_mailto(i18n.lang(), &details)
    };
    view! {
        <div class="support">
            <h3>{tr(Msg::SupportHeading)}</h3>
            <p>{tr(Msg::SupportExplain)}</p>
            <pre class="support-details">{details.clone()}</pre>
            <CopyButton text=details what=Msg::CopyDetails />
            <ol class="instructions">
                <li>
                    {tr(Msg::SupportStepSend)}" "
                    <a href=mailto>{tr(Msg::SupportEmailPrepare)}</a>
                </li>
                <li>{tr(Msg::SupportStepUse)}</li>
                <li>{tr(Msg::SupportStepValidity)}</li>
            </ol>
            <Show when=move || wizard.mode.get() == Mode::Connected>
                <TranscriptButton />
                <ProbeButton />
            </Show>
        </div>
    }
}

/// Saves the proxy's redacted record of this session's device exchange, for a bug report.
#[component]
pub fn TranscriptButton() -> impl IntoView {
    let problem = RwSignal::new(None::<Problem>);
    let save = move |_| {
        problem.set(None);
        spawn_local(async move {
            match client::transcript().await {
                Ok(text) => offer_download(&text, "reset-transcript.json"),
                Err(err) => problem.set(Some(Problem::client(err, ""))),
            }
        });
    };
    view! {
        <p id="transcript-hint" class="hint">{tr(Msg::TranscriptExplain)}</p>
        <button type="button" class="secondary" aria-describedby="transcript-hint" on:click=save>
            {tr(Msg::TranscriptSave)}
        </button>
        <Alert problem />
    }
}

/// Saves the proxy's read-only probe report of the chosen device, for a bug report.
#[component]
pub fn ProbeButton() -> impl IntoView {
    let wizard = use_wizard();
    let problem = RwSignal::new(None::<Problem>);
    let save = move |_| {
        problem.set(None);
        let Some(address) = wizard.address() else {
            return;
        };
        spawn_local(async move {
            match client::probe_report(address).await {
                Ok(text) => offer_download(&text, "reset-probe.json"),
                Err(err) => problem.set(Some(Problem::client(err, address))),
            }
        });
    };
    view! {
        <Show when=move || wizard.address().is_some()>
            <p id="probe-hint" class="hint">{tr(Msg::ProbeExplain)}</p>
            <button type="button" class="secondary" aria-describedby="probe-hint" on:click=save>
                {tr(Msg::ProbeSave)}
            </button>
        </Show>
        <Alert problem />
    }
}

/// Hands `text` to the browser as a file download named `name`.
fn offer_download(text: &str, name: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(link) = document
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return;
    };
    let encoded: String = js_sys::encode_uri_component(text).into();
    link.set_href(&format!("data:application/json;charset=utf-8,{encoded}"));
    link.set_download(name);
    link.click();
}
