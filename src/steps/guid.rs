//! The GUID-file route's proof: the file the person exported earlier, read on this computer and
//! kept in memory only; the password step sends it once, together with the new password.

use super::code::Verdict;
use super::StepHeading;
use crate::i18n::{tr, use_i18n, Msg};
use crate::problem::{BadInput, Problem};
use crate::wizard::progress::Step;
use crate::wizard::state::use_wizard;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::isapi::{GuidFile, MAX_GUID_FILE_BYTES};
use wasm_bindgen::JsCast;

/// The code step of the GUID-file route.
#[component]
pub fn GuidStep() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    let chosen = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<Problem>);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(file) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        wizard.guid_file.set(None);
        chosen.set(None);
        problem.set(None);
        // Checked before reading: a GUID file is small; anything else is the wrong file.
        let size = file.size();
        if size <= 0.0 || size > MAX_GUID_FILE_BYTES as f64 {
            problem.set(Some(Problem::Input(BadInput::GuidFile)));
            return;
        }
        spawn_local(async move {
            match read_bytes(&file).await {
                Some(bytes) => {
                    chosen.set(Some(file.name()));
                    wizard.guid_file.set(Some(GuidFile(bytes)));
                }
                None => problem.set(Some(Problem::Input(BadInput::GuidFile))),
            }
        });
    };
    let ready = move || wizard.guid_file.with(Option::is_some);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if ready() {
            wizard.go(Step::Password);
        } else {
            problem.set(Some(Problem::Input(BadInput::GuidFile)));
        }
    };
    view! {
        <section class="step" aria-labelledby="step-heading">
            <StepHeading step=Step::Code title=Msg::StepGuid />
            <Verdict />
            <form on:submit=submit novalidate>
                <p id="guid-hint" class="hint">{tr(Msg::GuidExplain)}</p>
                <label for="guid-file">{tr(Msg::GuidFileLabel)}</label>
                <input id="guid-file" type="file" on:change=on_change aria-describedby="guid-hint guid-status" />
                <p id="guid-status" role="status">
                    {move || chosen.get().map(|name| i18n.t(Msg::GuidChosen { name }))}
                </p>
                <p class="error" aria-live="polite">{move || problem.get().map(|p| i18n.t(p.message()))}</p>
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| wizard.go(Step::Mode)>
                        {tr(Msg::Back)}
                    </button>
                    <button type="submit" class="primary" disabled=move || !ready()>
                        {tr(Msg::Continue)}
                    </button>
                </div>
            </form>
        </section>
    }
}

async fn read_bytes(file: &web_sys::File) -> Option<Vec<u8>> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}
