//! The security-question route's proof: the person types the answers, kept in memory only; the
//! password step sends them once, together with the new password. Real devices list their
//! questions only after a login, so when that read is refused the answers are asked for in the
//! order the device's own page shows the questions.

use super::code::Verdict;
use super::StepHeading;
use crate::device::address::DeviceAddress;
use crate::device::client::ClientError;
use crate::device::reset::{self, ResetError, ResetVerdict};
use crate::i18n::{tr, use_i18n, Msg};
use crate::problem::{BadInput, Problem};
use crate::steps::support_details::SupportDetails;
use crate::ui::read::Read;
use crate::wizard::progress::Step;
use crate::wizard::state::use_wizard;
use leptos::prelude::*;
use protocol::isapi::{QuestionAnswer, QUESTIONS_PER_DEVICE};
use protocol::profile::DeviceProfile;

/// The answers' numbers when the device will not list its questions: their positions on the
/// device's own page, 1 to 3 ([assumed]: how a device matches answers it did not list is not
/// public; devsim takes positions when the numbers are not its question numbers).
fn by_position_ids() -> Vec<u32> {
    (1..=QUESTIONS_PER_DEVICE as u32).collect()
}

/// What the device's question list means for the form.
#[derive(Debug, Clone, PartialEq)]
enum Questions {
    /// The question numbers to answer, with a field for each; `by_position` when the device
    /// would not list them and the numbers are positions on the device's own page.
    Ask {
        fields: Vec<(u32, RwSignal<String>)>,
        by_position: bool,
    },
    NeverSet,
    Failed(Problem),
}

/// The code step of the security-question route.
#[component]
pub fn AnswersStep() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    let address = wizard.address();
    // Read once when the step opens. The progress allows this step only with a device; were
    // there none, nothing is read and the step stays on its reading line.
    let questions = Read::new(move || async move {
        match address {
            Some(address) => read_questions(address, &wizard.profile.get_value()).await,
            None => std::future::pending().await,
        }
    });
    let problem = RwSignal::new(None::<Problem>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(Questions::Ask { fields, .. }) = questions.get_untracked() else {
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
            problem.set(Some(Problem::Input(BadInput::Empty)));
            return;
        }
        problem.set(None);
        wizard.answers.set(answers);
        wizard.go(Step::Password);
    };
    let body = move || match questions.get() {
        None => view! { <p role="status">{i18n.t(Msg::ReadingQuestions)}</p> }.into_any(),
        Some(Questions::NeverSet) => view! {
            <p class="notice" role="alert">{i18n.t(Msg::AnswersNeverSet)}</p>
            <SupportDetails />
        }
        .into_any(),
        Some(Questions::Failed(problem)) => {
            view! { <crate::ui::alert::Alert problem=Signal::stored(Some(problem)) /> }.into_any()
        }
        // Only the device's refusal of the answers can tell that none were ever set when it
        // would not list them: then the support route, not the form again.
        Some(Questions::Ask { .. })
            if wizard
                .verdict
                .with(|v| matches!(v, Some(ResetVerdict::NoQuestions))) =>
        {
            view! { <SupportDetails /> }.into_any()
        }
        Some(Questions::Ask {
            fields,
            by_position,
        }) => {
            let explain = if by_position {
                Msg::AnswersByPositionExplain
            } else {
                Msg::AnswersExplain
            };
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
                    <p id="answers-hint" class="hint">{tr(explain.clone())}</p>
                    {inputs}
                    <p class="error" aria-live="polite">{move || problem.get().map(|p| i18n.t(p.message()))}</p>
                    <div class="actions">
                        <button type="submit" class="primary">{tr(Msg::Continue)}</button>
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
                {tr(Msg::Back)}
            </button>
        </section>
    }
}

/// Reads the device's questions and decides what to ask; the answer fields are made here so
/// typed answers outlive any redraw of the form.
async fn read_questions(address: DeviceAddress, profile: &DeviceProfile) -> Questions {
    let ask = |ids: Vec<u32>, by_position: bool| Questions::Ask {
        fields: ids
            .into_iter()
            .map(|id| (id, RwSignal::new(String::new())))
            .collect(),
        by_position,
    };
    match reset::read_questions(address, profile).await {
        Ok(config) if config.is_set() => ask(config.to_ask(), false),
        Ok(_) | Err(ResetError::Refused(ResetVerdict::NoQuestions)) => Questions::NeverSet,
        Err(ResetError::Refused(verdict @ ResetVerdict::Locked { .. })) => {
            Questions::Failed(Problem::Refused(verdict))
        }
        // The device answered but would not list its questions (it wants a login, or says so
        // in words we do not know): ask by position instead.
        Err(ResetError::Refused(_))
        | Err(ResetError::Client(ClientError::DeviceStatus { .. }))
        | Err(ResetError::Client(ClientError::Garbage { .. })) => ask(by_position_ids(), true),
        Err(ResetError::Client(err)) => Questions::Failed(Problem::known_device(err, address)),
    }
}
