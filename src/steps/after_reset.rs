//! After a proven reset, while the proxy is still logged in with the new password: offer to
//! reserve a recovery e-mail and to set security questions, so the next reset is easy, and on
//! an NVR to give the new password to its cameras. Each is explained in one sentence, optional,
//! and written only when the person presses its button.

use crate::device::address::DeviceAddress;
use crate::device::reset::{self, Prevention, ResetError};
use crate::i18n::{tr, use_i18n, Msg};
use crate::problem::{BadInput, Problem};
use crate::ui::alert::Alert;
use crate::ui::text_field::TextField;
use crate::wizard::state::use_wizard;
use leptos::prelude::*;
use protocol::isapi::{
    is_plausible_email, ChannelSync, QuestionAnswer, RouteGates, SyncIpcResult,
    QUESTIONS_PER_DEVICE,
};
use protocol::profile::DeviceProfile;

/// One prevention write, once per press; its value is how the last one ended.
type SaveAction = Action<Prevention, Result<(), Problem>>;

/// The prevention offers the device supports; `password` is the new admin password.
#[component]
pub fn PreventionOffers(address: DeviceAddress, password: String) -> impl IntoView {
    let wizard = use_wizard();
    let Some(facts) = wizard.facts.get_untracked() else {
        return ().into_any();
    };
    let gates = RouteGates::new(&facts.modes, &facts.security, None);
    let next_reset = gates.set_reserved_email || gates.set_questions;
    if !next_reset && !gates.sync_ipc_password {
        return ().into_any();
    }
    let profile = wizard.profile.get_value();
    let save = StoredValue::new((address, profile, facts.security.clone(), password));
    view! {
        {next_reset.then(|| view! {
            <section class="prevention" aria-labelledby="prevention-heading">
                <h3 id="prevention-heading">{tr(Msg::PreventHeading)}</h3>
                {gates.set_reserved_email.then(|| view! { <EmailForm save /> })}
                {gates.set_questions.then(|| view! { <QuestionsForm save /> })}
            </section>
        })}
        {gates.sync_ipc_password.then(|| view! { <CameraSync save /> })}
    }
    .into_any()
}

type Context = (
    DeviceAddress,
    DeviceProfile,
    protocol::isapi::SecurityCap,
    String,
);

/// The write of one form: local, since the device calls run on the page's thread.
fn write_action(save: StoredValue<Context>) -> SaveAction {
    Action::new_local(move |setting: &Prevention| {
        let setting = setting.clone();
        let (address, profile, security, password) = save.get_value();
        async move {
            reset::save_prevention(address, &profile, &security, &password, &setting)
                .await
                .map_err(|err| failure(address, err))
        }
    })
}

/// The problem with a logged-in write that did not complete.
fn failure(address: DeviceAddress, err: ResetError) -> Problem {
    Problem::reset(err, address)
}

/// How the last write ended; nothing while one is under way.
#[component]
fn Outcome(write: SaveAction) -> impl IntoView {
    let i18n = use_i18n();
    let ended = move || {
        (!write.pending().get())
            .then(|| write.value().get())
            .flatten()
    };
    let failed = Signal::derive(move || ended().and_then(Result::err));
    view! {
        <p role="status">{move || matches!(ended(), Some(Ok(()))).then(|| i18n.t(Msg::PreventSaved))}</p>
        <Alert problem=failed />
    }
}

#[component]
fn EmailForm(save: StoredValue<Context>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let write = write_action(save);
    let invalid = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let address = typed.get_untracked().trim().to_string();
        invalid.set(!is_plausible_email(&address));
        if !invalid.get_untracked() && !write.pending().get_untracked() {
            write.dispatch_local(Prevention::Email(address));
        }
    };
    view! {
        <form on:submit=submit novalidate>
            <TextField id="prevent-email" label=Msg::PreventEmailLabel hint=Msg::PreventEmailExplain
                value=typed kind="email" autocomplete="email"
                error=Signal::derive(move || invalid.get().then_some(Msg::PreventEmailInvalid)) />
            <button type="submit" disabled=move || write.pending().get()>
                {tr(Msg::PreventEmailSave)}
            </button>
            <Outcome write />
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
    let write = write_action(save);
    let problem = RwSignal::new(None::<Problem>);
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
            problem.set(Some(Problem::Input(BadInput::Empty)));
            return;
        }
        problem.set(None);
        if !write.pending().get_untracked() {
            write.dispatch_local(Prevention::Questions(typed));
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
            <p id="prevent-questions-hint" class="hint">{tr(Msg::PreventQuestionsExplain)}</p>
            {inputs}
            <p class="error" aria-live="polite">{move || problem.get().map(|p| i18n.t(p.message()))}</p>
            <button type="submit" disabled=move || write.pending().get()>
                {tr(Msg::PreventQuestionsSave)}
            </button>
            <Outcome write />
        </form>
    }
}

/// NVRs: give the new admin password to the cameras behind the recorder, then say per channel
/// which took it. Pressing again retries (e.g. after plugging an offline camera back in).
#[component]
fn CameraSync(save: StoredValue<Context>) -> impl IntoView {
    let i18n = use_i18n();
    let push_action = Action::new_local(move |(): &()| {
        let (address, profile, security, password) = save.get_value();
        async move {
            reset::sync_ipc_password(address, &profile, &security, &password)
                .await
                .map_err(|err| failure(address, err))
        }
    });
    let pushing = push_action.pending();
    let push = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !pushing.get_untracked() {
            push_action.dispatch_local(());
        }
    };
    // How the last push ended; nothing while one is under way.
    let ended = move || {
        (!pushing.get())
            .then(|| push_action.value().get())
            .flatten()
    };
    let failed = Signal::derive(move || ended().and_then(Result::err));
    view! {
        <section class="camera-sync" aria-labelledby="camera-sync-heading">
            <h3 id="camera-sync-heading">{tr(Msg::SyncHeading)}</h3>
            <form on:submit=push>
                <p class="hint">{tr(Msg::SyncExplain)}</p>
                <button type="submit" disabled=move || pushing.get()>
                    {tr(Msg::SyncButton)}
                </button>
                <p role="status">
                    {move || match ended() {
                        _ if pushing.get() => Some(i18n.t(Msg::SyncPushing)),
                        Some(Ok(result)) => Some(i18n.t(summary(&result))),
                        None | Some(Err(_)) => None,
                    }}
                </p>
                {move || match ended() {
                    Some(Ok(result)) => Some(view! { <ChannelList channels=result.channels /> }),
                    _ => None,
                }}
                <Alert problem=failed />
            </form>
        </section>
    }
}

/// One line for the whole push.
fn summary(result: &SyncIpcResult) -> Msg {
    let total = result.channels.len() as u32;
    if total == 0 {
        return Msg::SyncNoCameras;
    }
    let synced = result.channels.iter().filter(|c| c.synced).count() as u32;
    Msg::SyncSummary { synced, total }
}

/// Each camera channel, with its address when the recorder gave one, and what happened.
#[component]
fn ChannelList(channels: Vec<ChannelSync>) -> impl IntoView {
    let items = channels
        .into_iter()
        .map(|channel| {
            let label = match channel.ip_address.clone() {
                Some(address) => Msg::SyncChannelAt {
                    channel: channel.id,
                    address,
                },
                None => Msg::SyncChannel {
                    channel: channel.id,
                },
            };
            let (class, outcome) = channel_outcome(&channel);
            view! {
                <dt>{tr(label.clone())}</dt>
                <dd class=class>{tr(outcome.clone())}</dd>
            }
        })
        .collect_view();
    view! { <dl class="camera-channels">{items}</dl> }
}

/// What happened to one camera, in plain words; the recorder's own reason verbatim when it
/// is not one the wizard can word.
fn channel_outcome(channel: &ChannelSync) -> (&'static str, Msg) {
    if channel.synced {
        return ("done", Msg::SyncChannelTook);
    }
    let outcome = match channel.sub_status_code.as_deref().map(str::trim) {
        Some(code) if code.to_ascii_lowercase().contains("offline") => Msg::SyncChannelOffline,
        Some(code) => Msg::SyncChannelRefused {
            reason: code.to_string(),
        },
        None => Msg::SyncChannelNoReason,
    };
    ("warning", outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(id: u32, synced: bool, sub_status_code: Option<&str>) -> ChannelSync {
        ChannelSync {
            id,
            ip_address: None,
            synced,
            sub_status_code: sub_status_code.map(str::to_string),
        }
    }

    #[test]
    fn an_offline_camera_is_explained_in_plain_words() {
        let outcome = channel_outcome(&channel(3, false, Some("offline")));
        assert_eq!(outcome, ("warning", Msg::SyncChannelOffline));
        let outcome = channel_outcome(&channel(3, false, Some(" deviceOffline ")));
        assert_eq!(outcome, ("warning", Msg::SyncChannelOffline));
    }

    #[test]
    fn another_refusal_shows_the_recorders_words() {
        let outcome = channel_outcome(&channel(2, false, Some("passwordError")));
        let reason = "passwordError".to_string();
        assert_eq!(outcome, ("warning", Msg::SyncChannelRefused { reason }));
        let outcome = channel_outcome(&channel(2, false, None));
        assert_eq!(outcome, ("warning", Msg::SyncChannelNoReason));
    }

    #[test]
    fn the_summary_counts_the_cameras_that_took_the_password() {
        let result = SyncIpcResult {
            channels: vec![
                channel(1, true, None),
                channel(2, true, None),
                channel(3, false, Some("offline")),
            ],
        };
        assert_eq!(
            summary(&result),
            Msg::SyncSummary {
                synced: 2,
                total: 3
            }
        );
        assert_eq!(summary(&SyncIpcResult::default()), Msg::SyncNoCameras);
    }
}
