//! Step 6, the new password: the device's own rules and strength meter, live, from the shared
//! protocol crate; submitted once together with the code, and the device's verdict explained.

use super::StepHeading;
use crate::device::address::DeviceAddress;
use crate::device::reset::{self, Proof, ResetVerdict, ADMIN};
use crate::i18n::{tr, use_i18n, Msg};
use crate::problem::Problem;
use crate::ui::alert::Alert;
use crate::wizard::clock::now_ms;
use crate::wizard::progress::Step;
use crate::wizard::state::{use_wizard, Wizard};
use leptos::prelude::*;
use protocol::isapi::LengthLimit;
use protocol::password::{check, Reason, Rule, RuleOutcome};

/// What one submission sends: the device, the route's proof and the new password.
type Submission = (DeviceAddress, Proof, String);

/// Step 6: choose the new password and reset.
#[component]
pub fn PasswordStep() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    // A batch's shared password is filled in (it is still checked with this device's rules).
    let shared = wizard.batch_password.get_untracked();
    let prefilled = !shared.is_empty();
    let password = RwSignal::new(shared.clone());
    let confirm = RwSignal::new(shared);
    let share = RwSignal::new(prefilled);
    let in_batch = wizard.in_batch();
    let problem = RwSignal::new(None::<Problem>);
    let limits = Memo::new(move |_| {
        wizard
            .facts
            .with(|f| f.as_ref().map(|f| f.security.password_length))
            .unwrap_or_default()
    });
    let report = Memo::new(move |_| check(&password.get(), ADMIN, limits.get()));
    // One submission per press: the proof and the new password go to the device once.
    let submit_action = Action::new_local(move |(address, proof, new_password): &Submission| {
        let (address, proof, new_password) = (*address, proof.clone(), new_password.clone());
        let profile = wizard.profile.get_value();
        let security = wizard
            .facts
            .with_untracked(|f| f.as_ref().map(|f| f.security.clone()))
            .unwrap_or_default();
        async move {
            match reset::submit(address, &profile, &security, &proof, &new_password).await {
                Ok(verdict) => {
                    if verdict == ResetVerdict::Accepted && in_batch {
                        let kept = if share.get_untracked() {
                            new_password.clone()
                        } else {
                            String::new()
                        };
                        wizard.batch_password.set(kept);
                    }
                    settle(wizard, verdict, new_password, problem)
                }
                // The answer was lost: the device may have taken the new password. Never send
                // the proof again by itself; the one login with the new password tells.
                Err(err) if err.answer_may_be_lost() => {
                    wizard.forget_proof();
                    match reset::prove_login(address, &new_password).await {
                        Ok(true) => settle(wizard, ResetVerdict::Accepted, new_password, problem),
                        Ok(false) => settle(wizard, ResetVerdict::NotTaken, new_password, problem),
                        Err(_) => problem.set(Some(Problem::ResetUnconfirmed)),
                    }
                }
                Err(err) => problem.set(Some(Problem::known_device(err, address))),
            }
        }
    });
    let busy = submit_action.pending();
    let matches = move || !confirm.get().is_empty() && password.get() == confirm.get();
    let ready = move || report.get().is_acceptable() && matches() && !busy.get();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !ready() {
            return;
        }
        let (Some(address), Some(proof)) = (wizard.address(), wizard.proof()) else {
            wizard.go(Step::Device);
            return;
        };
        problem.set(None);
        submit_action.dispatch_local((address, proof, password.get_untracked()));
    };
    view! {
        <section class="step" aria-labelledby="step-heading">
            <StepHeading step=Step::Password title=Msg::StepPassword />
            <form on:submit=submit novalidate>
                <NewPassword password report limits confirm=confirm>
                    {in_batch.then(|| view! {
                        <p class="checkbox">
                            <input id="batch-password" type="checkbox" bind:checked=share
                                aria-describedby="batch-password-hint" />
                            <label for="batch-password">{tr(Msg::BatchSamePassword)}</label>
                        </p>
                        <p id="batch-password-hint" class="hint">
                            {tr(if prefilled { Msg::BatchPasswordFilled } else { Msg::BatchPasswordKept })}
                        </p>
                    })}
                </NewPassword>
                <Alert problem />
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| wizard.go(Step::Code)>
                        {tr(Msg::Back)}
                    </button>
                    <button type="submit" class="primary" disabled=move || !ready()>
                        {move || i18n.t(if busy.get() { Msg::Resetting } else { Msg::ResetPassword })}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// Moves the wizard on according to the device's verdict.
/// Runs after the request, outside any component: the wizard is passed in, not looked up.
fn settle(
    wizard: Wizard,
    verdict: ResetVerdict,
    new_password: String,
    problem: RwSignal<Option<Problem>>,
) {
    match verdict {
        ResetVerdict::Accepted => {
            wizard.verdict.set(None);
            wizard.forget_proof();
            wizard.password.set(new_password);
            wizard.progress.update(|p| p.reset_done = true);
            wizard.go(Step::Proof);
        }
        ResetVerdict::WrongCode { .. }
        | ResetVerdict::ExpiredCode
        | ResetVerdict::Locked { .. }
        | ResetVerdict::WrongAnswers
        | ResetVerdict::NoQuestions
        | ResetVerdict::OtherQuestions
        | ResetVerdict::GuidMismatch
        | ResetVerdict::NotTaken => {
            if let ResetVerdict::Locked {
                unlock_in_secs: Some(secs),
            } = verdict
            {
                wizard
                    .locked_until
                    .set(Some(now_ms() + u64::from(secs) * 1000));
            }
            wizard.verdict.set(Some(verdict));
            // The proof was the problem: it must be given again, never resent by itself.
            wizard.forget_proof();
            wizard.go(Step::Code);
        }
        other => problem.set(Some(Problem::Refused(other))),
    }
}

/// The new password: its field, the confirmation when one is asked, the show toggle, then
/// `children` (e.g. a batch's choice), and the device's rules under it, live.
#[component]
pub fn NewPassword(
    password: RwSignal<String>,
    report: Memo<protocol::password::PolicyReport>,
    limits: Memo<LengthLimit>,
    /// The confirmation field's text, when the password must be typed twice.
    #[prop(optional)]
    confirm: Option<RwSignal<String>>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(false);
    let kind = move || if shown.get() { "text" } else { "password" };
    let confirm_field = confirm.map(|confirm| {
        let state = move || {
            let typed = confirm.get();
            (!typed.is_empty()).then(|| {
                i18n.t(if password.get() == typed {
                    Msg::PasswordsMatch
                } else {
                    Msg::PasswordsDiffer
                })
            })
        };
        view! {
            <label for="confirm-password">{tr(Msg::ConfirmPasswordLabel)}</label>
            <input id="confirm-password" type=kind autocomplete="new-password" bind:value=confirm
                aria-describedby="confirm-state" />
            <p id="confirm-state" class="hint" aria-live="polite">{state}</p>
        }
    });
    view! {
        <label for="new-password">{tr(Msg::NewPasswordLabel)}</label>
        <input id="new-password" type=kind autocomplete="new-password" bind:value=password
            aria-describedby="password-rules password-strength" />
        {confirm_field}
        <p class="checkbox">
            <input id="show-password" type="checkbox" bind:checked=shown />
            <label for="show-password">{tr(Msg::ShowPassword)}</label>
        </p>
        {children.map(|c| c())}
        <PasswordRules report limits />
    }
}

/// Every rule, ticked when met, and the device's strength meter.
#[component]
pub fn PasswordRules(
    report: Memo<protocol::password::PolicyReport>,
    limits: Memo<LengthLimit>,
) -> impl IntoView {
    let i18n = use_i18n();
    let items = move || {
        report
            .get()
            .rules
            .into_iter()
            .map(|outcome| {
                let mark = if outcome.holds { "✓" } else { "✗" };
                let state = if outcome.holds {
                    Msg::RuleMet
                } else {
                    Msg::RuleNotMet
                };
                let class = if outcome.holds {
                    "rule met"
                } else {
                    "rule unmet"
                };
                view! {
                    <li class=class>
                        <span aria-hidden="true">{mark}" "</span>
                        {i18n.t(rule_message(&outcome, limits.get()))}
                        <span class="sr-only">" ("{i18n.t(state)}")"</span>
                    </li>
                }
            })
            .collect_view()
    };
    let strength = move || report.get().strength;
    view! {
        <ul id="password-rules" class="rules">{items}</ul>
        // ASCII lowercasing: `to_lowercase` would pull Unicode's case tables into the bundle.
        <p id="password-strength" class=move || format!("strength {:?}", strength()).to_ascii_lowercase()>
            {move || i18n.t(Msg::Strength { level: strength() })}
        </p>
    }
}

fn rule_message(outcome: &RuleOutcome, limits: LengthLimit) -> Msg {
    match (&outcome.rule, &outcome.reason) {
        (Rule::Length, _) => Msg::RuleLength {
            min: limits.min,
            max: limits.max,
        },
        (Rule::AllowedCharacters, Reason::ForbiddenCharacters { characters }) => {
            Msg::RuleForbidden {
                characters: characters.iter().collect(),
            }
        }
        (Rule::AllowedCharacters, _) => Msg::RuleAllowedCharacters,
        (Rule::TwoCharacterClasses, _) => Msg::RuleTwoClasses,
        (Rule::NotTheUsername, _) => Msg::RuleNotUsername,
        (Rule::NotTheReversedUsername, _) => Msg::RuleNotReversedUsername,
        (Rule::DoesNotContainTheUsername, _) => Msg::RuleNoUsernameInside,
        (Rule::NotRisky, _) => Msg::RuleNotRisky,
    }
}
