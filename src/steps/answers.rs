//! The security-question route's proof: the device says which questions it asks (never the
//! answers), the person types the answers, kept in memory only; the password step sends them
//! once, together with the new password.

use super::code::Verdict;
use super::StepHeading;
use crate::flow::Step;
use crate::i18n::{use_i18n, Msg};
use crate::reset::{self, ResetError, ResetVerdict};
use crate::state::use_wizard;
use crate::support::SupportDetails;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::isapi::QuestionAnswer;

#[derive(Debug, Clone, PartialEq)]
enum Questions {
    Reading,
    /// The question numbers to answer, with a field for each.
    Ask(Vec<(u32, RwSignal<String>)>),
    NeverSet,
    Failed(Msg),
}

/// The code step of the security-question route.
#[component]
pub fn AnswersStep() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    let questions = RwSignal::new(Questions::Reading);
    let problem = RwSignal::new(None::<Msg>);
    if let Some(address) = wizard.address() {
        let profile = wizard.profile.get_value();
        spawn_local(async move {
            questions.set(match reset::read_questions(address, &profile).await {
                Ok(config) if config.is_set() => Questions::Ask(
                    config
                        .to_ask()
                        .into_iter()
                        .map(|id| (id, RwSignal::new(String::new())))
                        .collect(),
                ),
                Ok(_) | Err(ResetError::Refused(ResetVerdict::NoQuestions)) => Questions::NeverSet,
                Err(ResetError::Client(err)) => {
                    Questions::Failed(err.message(&address.to_string()))
                }
                Err(ResetError::Refused(verdict)) => {
                    Questions::Failed(super::code::verdict_message(&verdict))
                }
            });
        });
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Questions::Ask(fields) = questions.get_untracked() else {
            return;
        };
        let answers: Vec<QuestionAnswer> = fields
            .iter()
            .map(|(id, typed)| QuestionAnswer {
                id: *id,
                answer: typed.get_untracked().trim().to_string(),
            })
            .collect();
        if answers.iter().any(|a| a.answer.is_empty()) {
            problem.set(Some(Msg::CodeEmpty));
            return;
        }
        problem.set(None);
        wizard.answers.set(answers);
        wizard.go(Step::Password);
    };
    let body = move || match questions.get() {
        Questions::Reading => {
            view! { <p role="status">{i18n.t(Msg::ReadingQuestions)}</p> }.into_any()
        }
        Questions::NeverSet => view! {
            <p class="notice" role="alert">{i18n.t(Msg::AnswersNeverSet)}</p>
            <SupportDetails />
        }
        .into_any(),
        Questions::Failed(msg) => {
            view! { <crate::alert::Alert msg=Signal::stored(Some(msg)) /> }.into_any()
        }
        Questions::Ask(fields) => {
            let inputs = fields
                .into_iter()
                .map(|(id, typed)| {
                    let field = format!("answer-{id}");
                    view! {
                        <label for=field.clone()>{move || i18n.t(Msg::AnswerLabel { number: id })}</label>
                        <input id=field type="text" autocomplete="off" spellcheck="false"
                            autocapitalize="off" bind:value=typed aria-describedby="answers-hint" />
                    }
                })
                .collect_view();
            view! {
                <form on:submit=submit novalidate>
                    <p id="answers-hint" class="hint">{move || i18n.t(Msg::AnswersExplain)}</p>
                    {inputs}
                    <p class="error" aria-live="polite">{move || problem.get().map(|m| i18n.t(m))}</p>
                    <div class="actions">
                        <button type="submit" class="primary">{move || i18n.t(Msg::Continue)}</button>
                    </div>
                </form>
            }
            .into_any()
        }
    };
    view! {
        <section class="step" aria-labelledby="step-heading">
            <StepHeading step=Step::Code title=Msg::StepAnswers />
            <Verdict />
            {body}
            <button type="button" class="secondary" on:click=move |_| wizard.go(Step::Mode)>
                {move || i18n.t(Msg::Back)}
            </button>
        </section>
    }
}
