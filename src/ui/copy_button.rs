//! A button that copies a text to the clipboard and says so, for addresses and support details.

use crate::i18n::{tr, use_i18n, Msg};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Copies `text`; `what` names it for screen readers ("Copy the e-mail address").
#[component]
pub fn CopyButton(text: String, what: Msg) -> impl IntoView {
    let i18n = use_i18n();
    let done = RwSignal::new(None::<bool>);
    let copy = move |_| {
        let text = text.clone();
        spawn_local(async move {
            done.set(Some(write_clipboard(&text).await));
        });
    };
    view! {
        <button type="button" class="secondary copy" on:click=copy>{tr(what.clone())}</button>
        <span class="copy-result" role="status">
            {move || done.get().map(|ok| i18n.t(if ok { Msg::Copied } else { Msg::CopyFailed }))}
        </span>
    }
}

async fn write_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    // Only secure contexts have a clipboard; elsewhere the person selects the text by hand.
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}
