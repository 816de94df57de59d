//! A problem shown to the person: announced at once by screen readers (`role="alert"`), and
//! reported to an embedding page as an `error` event carrying the problem's stable name, never
//! the sentence (which can hold an address or a device's words).

use crate::embed::{self, HostEvent};
use crate::i18n::use_i18n;
use crate::problem::{Problem, ProblemName};
use crate::wizard::state::Wizard;
use leptos::prelude::*;

/// Shows `problem` while it is `Some`.
#[component]
pub fn Alert(
    #[prop(into)] problem: Signal<Option<Problem>>,
    /// Extra classes besides `error`.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_context::<Wizard>();
    // Reported once per problem, not again while its text changes (a lock's countdown).
    Effect::new(move |reported: Option<Option<ProblemName>>| {
        let name = problem.with(|p| p.as_ref().map(Problem::name));
        if let Some(name) = name.filter(|n| reported.flatten() != Some(*n)) {
            embed::post(HostEvent::Error { code: name });
            if let Some(wizard) = wizard {
                wizard.last_failure.set(Some(name.batch_reason()));
            }
        }
        name
    });
    let class = if class.is_empty() {
        "error".to_string()
    } else {
        format!("{class} error")
    };
    view! { <p class=class role="alert">{move || problem.get().map(|p| i18n.t(p.message()))}</p> }
}
