//! After a proven reset, while the proxy is still logged in with the new password: offer to
//! reserve a recovery e-mail and to set security questions, so the next reset is easy. Each is
//! explained in one sentence, optional, and written only when the person presses its button.

use crate::alert::Alert;
use crate::device_address::DeviceAddress;
use crate::i18n::{use_i18n, Msg};
use crate::reset::{self, Prevention, ResetError};
use crate::state::use_wizard;
use crate::steps::code::verdict_message;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::isapi::{is_plausible_email, QuestionAnswer, RouteGates, QUESTIONS_PER_DEVICE};
use protocol::profile::DeviceProfile;

/// What a save did, per form.
#[derive(Debug, Clone, PartialEq)]
enum Saved {
    Not,
    Saving,
    Done,
    Failed(Msg),
}

/// The prevention offers the device supports; `password` is the new admin password.
#[component]
pub fn PreventionOffers(address: DeviceAddress, password: String) -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    let Some(facts) = wizard.facts.get_untracked() else {
        return ().into_any();
    };
    let gates = RouteGates::new(&facts.modes, &facts.security, None);
    if !gates.set_reserved_email && !gates.set_questions {
        return ().into_any();
    }
    let profile = wizard.profile.get_value();
    let save = StoredValue::new((address, profile, facts.security.clone(), password));
    view! {
        <section class="prevention" aria-labelledby="prevention-heading">
            <h3 id="prevention-heading">{move || i18n.t(Msg::PreventHeading)}</h3>
            {gates.set_reserved_email.then(|| view! { <EmailForm save /> })}
            {gates.set_questions.then(|| view! { <QuestionsForm save /> })}
        </section>
    }
    .into_any()
}

type Context = (
    DeviceAddress,
    DeviceProfile,
    protocol::isapi::SecurityCap,
    String,
);

fn write(save: StoredValue<Context>, setting: Prevention, state: RwSignal<Saved>) {
    state.set(Saved::Saving);
    let (address, profile, security, password) = save.get_value();
    spawn_local(async move {
        let result =
            reset::save_prevention(address, &profile, &security, &password, &setting).await;
        state.set(match result {
            Ok(()) => Saved::Done,
            Err(ResetError::Client(err)) => Saved::Failed(err.message(&address.to_string())),
            Err(ResetError::Refused(verdict)) => Saved::Failed(verdict_message(&verdict)),
        });
    });
}

#[component]
fn Outcome(state: RwSignal<Saved>) -> impl IntoView {
    let i18n = use_i18n();
    let failed = Signal::derive(move || match state.get() {
        Saved::Failed(msg) => Some(msg),
        _ => None,
    });
    view! {
        <p role="status">{move || (state.get() == Saved::Done).then(|| i18n.t(Msg::PreventSaved))}</p>
        <Alert msg=failed />
    }
}

#[component]
fn EmailForm(save: StoredValue<Context>) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    let state = RwSignal::new(Saved::Not);
    let invalid = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let address = typed.get_untracked().trim().to_string();
        invalid.set(!is_plausible_email(&address));
        if !invalid.get_untracked() && state.get_untracked() != Saved::Saving {
            write(save, Prevention::Email(address), state);
        }
    };
    view! {
        <form on:submit=submit novalidate>
            <p id="prevent-email-hint" class="hint">{move || i18n.t(Msg::PreventEmailExplain)}</p>
            <label for="prevent-email">{move || i18n.t(Msg::PreventEmailLabel)}</label>
            <input id="prevent-email" type="email" autocomplete="email" bind:value=typed
                aria-describedby="prevent-email-hint prevent-email-error"
                aria-invalid=move || invalid.get().to_string() />
            <p id="prevent-email-error" class="error" aria-live="polite">
                {move || invalid.get().then(|| i18n.t(Msg::PreventEmailInvalid))}
            </p>
            <button type="submit" disabled=move || state.get() == Saved::Saving>
                {move || i18n.t(Msg::PreventEmailSave)}
            </button>
            <Outcome state />
        </form>
    }
}

#[component]
fn QuestionsForm(save: StoredValue<Context>) -> impl IntoView {
    let i18n = use_i18n();
    // The device's catalogue is numbered; the wizard asks for the first ones.
    let fields: Vec<(u32, RwSignal<String>)> = (1..=QUESTIONS_PER_DEVICE as u32)
        .map(|id| (id, RwSignal::new(String::new())))
        .collect();
    let state = RwSignal::new(Saved::Not);
    let problem = RwSignal::new(None::<Msg>);
    let answers = fields.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed: Vec<QuestionAnswer> = answers
            .iter()
            .map(|(id, answer)| QuestionAnswer {
                id: *id,
                answer: answer.get_untracked().trim().to_string(),
            })
            .collect();
        if typed.iter().any(|a| a.answer.is_empty()) {
            problem.set(Some(Msg::CodeEmpty));
            return;
        }
        problem.set(None);
        if state.get_untracked() != Saved::Saving {
            write(save, Prevention::Questions(typed), state);
        }
    };
    let inputs = fields
        .into_iter()
        .map(|(id, answer)| {
            let field = format!("prevent-answer-{id}");
            view! {
                <label for=field.clone()>{move || i18n.t(Msg::AnswerLabel { number: id })}</label>
                <input id=field type="text" autocomplete="off" spellcheck="false" bind:value=answer
                    aria-describedby="prevent-questions-hint" />
            }
        })
        .collect_view();
    view! {
        <form on:submit=submit novalidate>
            <p id="prevent-questions-hint" class="hint">{move || i18n.t(Msg::PreventQuestionsExplain)}</p>
            {inputs}
            <p class="error" aria-live="polite">{move || problem.get().map(|m| i18n.t(m))}</p>
            <button type="submit" disabled=move || state.get() == Saved::Saving>
                {move || i18n.t(Msg::PreventQuestionsSave)}
            </button>
            <Outcome state />
        </form>
    }
}
