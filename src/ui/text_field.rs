//! A labelled text field: its label, a hint, the typed text, and the error under it, tied
//! together for screen readers (`aria-describedby`, `aria-invalid`).

use crate::i18n::{tr, use_i18n, Msg};
use leptos::prelude::*;

/// One text field with ids `{id}`, `{id}-hint` and `{id}-error`; the error shows while `error`
/// is `Some`, and the field is marked invalid meanwhile.
#[component]
pub fn TextField(
    id: &'static str,
    label: Msg,
    hint: Msg,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<Msg>>,
    /// The input's `type`.
    #[prop(default = "text")]
    kind: &'static str,
    autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] autocapitalize: Option<&'static str>,
    /// `Some("false")` for codes and addresses, which are no words.
    #[prop(optional)]
    spellcheck: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = format!("{hint_id} {error_id}");
    let invalid = move || {
        if error.with(Option::is_some) {
            "true"
        } else {
            "false"
        }
    };
    view! {
        <label for=id>{tr(label)}</label>
        <p id=hint_id class="hint">{tr(hint)}</p>
        <input id=id type=kind autocomplete=autocomplete inputmode=inputmode spellcheck=spellcheck
            autocapitalize=autocapitalize bind:value=value aria-describedby=described
            aria-invalid=invalid />
        <p id=error_id class="error" aria-live="polite">
            {move || error.get().map(|m| i18n.t(m))}
        </p>
    }
}
