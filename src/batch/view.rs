//! The batch on screen: which device of how many, leaving one for later, and the summary table
//! at the end (done / waiting for the code / failed and why), each open device one click away.

use crate::batch::{Batch, FailReason, Outcome};
use crate::i18n::{tr, use_i18n, Msg};
use crate::wizard::clock::local_time;
use crate::wizard::progress::{Progress, SavedDevice, Step};
use crate::wizard::state::{use_wizard, Wizard};
use leptos::html;
use leptos::prelude::*;
use protocol::isapi::RESET_CODE_VALID_FOR_SECS;

/// A reset code is valid this long after the QR code was exported.
const CODE_VALID_MS: u64 = RESET_CODE_VALID_FOR_SECS * 1000;

/// Starts a batch of `devices` with the first of them.
pub fn start(wizard: Wizard, devices: Vec<SavedDevice>) {
    let Some(batch) = Batch::new(devices) else {
        return;
    };
    wizard.progress.update(Progress::start_over);
    wizard.batch.set(Some(batch));
    open(wizard, 0);
}

/// Shows device `index` of the batch: its device step, or its code step when it waits for one.
pub fn open(wizard: Wizard, index: usize) {
    let mut resumed = None;
    wizard
        .batch
        .update(|b| resumed = b.as_mut().map(|b| b.resume(index)));
    if let Some(resumed) = resumed {
        wizard.progress.set(resumed.unwrap_or_default());
    }
    forget_device(wizard);
    wizard.go(Step::Device);
}

/// Records how the device on screen ended and goes on with the next one, or the summary.
pub fn leave_current(wizard: Wizard) {
    let last_failure = wizard.last_failure.get_untracked();
    let mut next = None;
    let outcome = wizard
        .progress
        .with_untracked(|p| Batch::outcome_of(p, last_failure));
    wizard.progress.update(Progress::start_over);
    wizard.batch.update(|b| {
        if let Some(batch) = b.as_mut() {
            batch.leave(outcome);
            next = batch.next();
        }
    });
    forget_device(wizard);
    match next {
        Some(index) => open(wizard, index),
        None => wizard.go(Step::Device),
    }
}

/// Ends the batch (its summary is gone) and goes back to the first step.
fn end(wizard: Wizard) {
    wizard.progress.update(Progress::start_over);
    wizard.batch.set(None);
    wizard.batch_password.set(String::new());
    wizard.go(Step::Device);
}

/// What the page holds for one device only.
fn forget_device(wizard: Wizard) {
    wizard.facts.set(None);
    wizard.verdict.set(None);
    wizard.locked_until.set(None);
    wizard.last_failure.set(None);
    wizard.forget_proof();
}

/// Above the step: which device of the batch this is, and a way to leave it for later.
#[component]
pub fn BatchBar() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    let place = move || {
        wizard.batch.with(|b| {
            let batch = b.as_ref()?;
            let item = batch.current_item()?;
            Some(Msg::BatchProgress {
                number: batch.current? + 1,
                total: batch.items.len(),
                device: device_name(&item.device),
            })
        })
    };
    let done = move || wizard.progress.with(|p| p.reset_done);
    view! {
        <aside class="batch-bar" aria-labelledby="batch-bar-place">
            <p id="batch-bar-place">
                {move || place().map(|msg| i18n.t(msg))}
            </p>
            <Show when=move || !done()>
                <button type="button" class="secondary" on:click=move |_| leave_current(wizard)>
                    {tr(Msg::BatchLeave)}
                </button>
            </Show>
        </aside>
    }
}

/// On the last step of a batch's device: on to the next one.
#[component]
pub fn BatchNextButton() -> impl IntoView {
    let wizard = use_wizard();
    view! {
        <button type="button" class="primary" on:click=move |_| leave_current(wizard)>
            {tr(Msg::BatchNext)}
        </button>
    }
}

/// The end of a batch: every device and how it ended, the open ones one click away.
#[component]
pub fn BatchSummary() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    let heading = NodeRef::<html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let items = wizard
        .batch
        .with_untracked(|b| b.as_ref().map(|b| b.items.clone()))
        .unwrap_or_default();
    let rows = items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let model = item.device.model.clone().unwrap_or_default();
            let serial = item.device.serial.clone().unwrap_or_default();
            let result = outcome_message(item.outcome, i18n.lang().tag());
            let class = match item.outcome {
                Outcome::Done => "done",
                Outcome::Failed { .. } => "warning",
                _ => "pending",
            };
            let label = Msg::BatchResume {
                model: model.clone(),
                serial: serial.clone(),
            };
            let action = item.outcome.is_open().then(|| {
                view! {
                    <button type="button" aria-label=move || i18n.t(label.clone())
                        on:click=move |_| open(wizard, index)>
                        {tr(Msg::BatchContinue)}
                    </button>
                }
            });
            view! {
                <tr>
                    <td data-label=tr(Msg::ColumnModel)>{model.clone()}</td>
                    <td class="serial" data-label=tr(Msg::ColumnSerial)>{serial.clone()}</td>
                    <td data-label=tr(Msg::ColumnAddress)>{item.device.address.clone()}</td>
                    <td class=class data-label=tr(Msg::BatchColumnResult)>
                        {tr(result.clone())}
                    </td>
                    <td>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="step batch-summary" aria-labelledby="batch-summary-heading">
            <h2 id="batch-summary-heading" tabindex="-1" node_ref=heading>
                {tr(Msg::BatchSummaryHeading)}
            </h2>
            <p>{tr(Msg::BatchSummaryExplain)}</p>
            <table class="devices">
                <thead>
                    <tr>
                        <th scope="col">{tr(Msg::ColumnModel)}</th>
                        <th scope="col">{tr(Msg::ColumnSerial)}</th>
                        <th scope="col">{tr(Msg::ColumnAddress)}</th>
                        <th scope="col">{tr(Msg::BatchColumnResult)}</th>
                        <td></td>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <button type="button" class="secondary" on:click=move |_| end(wizard)>
                {tr(Msg::BatchEnd)}
            </button>
        </section>
    }
}

/// A device as people tell them apart: model and serial number, else its address.
fn device_name(device: &SavedDevice) -> String {
    match (&device.model, &device.serial) {
        (Some(model), Some(serial)) => format!("{model} ({serial})"),
        (Some(name), None) | (None, Some(name)) => name.clone(),
        (None, None) => device.address.clone(),
    }
}

/// How a device of the batch ended, in words.
fn outcome_message(outcome: Outcome, lang: &str) -> Msg {
    match outcome {
        Outcome::NotStarted => Msg::BatchNotStarted,
        Outcome::Done => Msg::BatchDone,
        Outcome::Skipped => Msg::BatchSkipped,
        Outcome::WaitingForCode { qr_exported_at_ms } => Msg::BatchWaiting {
            until: local_time(qr_exported_at_ms + CODE_VALID_MS, lang),
        },
        Outcome::Failed { reason } => match reason {
            FailReason::Unreachable => Msg::BatchFailedUnreachable,
            FailReason::ProofRefused => Msg::BatchFailedProof,
            FailReason::Locked => Msg::BatchFailedLocked,
            FailReason::NoRoute => Msg::BatchFailedNoRoute,
            FailReason::PasswordRefused => Msg::BatchFailedPassword,
            FailReason::BadAnswer => Msg::BatchFailedBadAnswer,
            FailReason::Other => Msg::BatchFailedOther,
        },
    }
}
