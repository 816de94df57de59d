//! Step 4, the QR code: exported from the device once, drawn crisply, downloaded as PNG and
//! e-mailed to the vendor. A new export voids the code already in the inbox, so it never
//! happens silently: not on return, not as a retry.

use super::StepHeading;
use crate::device::address::DeviceAddress;
use crate::device::reset::{self, ResetError, ResetVerdict};
use crate::i18n::{tr, use_i18n, Msg};
use crate::problem::Problem;
use crate::qr::draw::{png_file_name, QrMatrix};
use crate::steps::email;
use crate::steps::support_details::SupportDetails;
use crate::ui::alert::Alert;
use crate::ui::copy_button::CopyButton;
use crate::wizard::clock::{local_time, now_ms};
use crate::wizard::progress::Step;
use crate::wizard::state::use_wizard;
use leptos::prelude::*;
use protocol::isapi::is_plausible_email;

/// Step 4: export and send the QR code.
#[component]
pub fn QrStep() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    // The drawn code and the mailbox the device named for it, if any.
    let drawn = RwSignal::new(None::<(QrMatrix, Option<String>)>);
    let problem = RwSignal::new(None::<Problem>);
    let no_email = RwSignal::new(false);
    let exported_before = move || wizard.progress.with(|p| p.qr_exported_at_ms);

    // One export per press, never retried: each voids the code sent before.
    let export_action = Action::new_local(move |&address: &DeviceAddress| {
        let profile = wizard.profile.get_value();
        async move {
            match reset::export_qr(address, &profile).await {
                Ok(qr) => match QrMatrix::encode(&qr.content) {
                    Some(matrix) => {
                        wizard
                            .progress
                            .update(|p| p.qr_exported_at_ms = Some(now_ms()));
                        let mailbox = qr
                            .server_mailbox
                            .filter(|address| is_plausible_email(address));
                        drawn.set(Some((matrix, mailbox)));
                    }
                    None => problem.set(Some(Problem::QrTooLong)),
                },
                Err(ResetError::Client(err)) => {
                    let shown = Problem::known_device(err, address);
                    no_email.set(matches!(shown.message(), Msg::FirmwareAnswerUnknown { .. }));
                    problem.set(Some(shown))
                }
                Err(ResetError::Refused(verdict)) => {
                    // No reserved e-mail, and any refusal the wizard does not know, are shown
                    // beside the support route: waiting would not change them.
                    no_email.set(matches!(
                        verdict,
                        ResetVerdict::NoReservedEmail | ResetVerdict::Other { .. }
                    ));
                    problem.set(Some(Problem::Refused(verdict)));
                }
            }
        }
    });
    let busy = export_action.pending();
    let export = move || {
        let Some(address) = wizard.address() else {
            wizard.go(Step::Device);
            return;
        };
        problem.set(None);
        export_action.dispatch_local(address);
    };

    let body = move || {
        match (drawn.get(), exported_before()) {
        (Some((matrix, mailbox)), _) => view! { <QrReady matrix mailbox /> }.into_any(),
        (None, Some(at)) => view! { <ExportedEarlier at on_export=Callback::new(move |()| export()) /> }.into_any(),
        (None, None) => view! {
            <p>{i18n.t(Msg::QrExplain)}</p>
            <button type="button" class="primary" disabled=move || busy.get() on:click=move |_| export()>
                {move || i18n.t(if busy.get() { Msg::QrExporting } else { Msg::QrExport })}
            </button>
        }
        .into_any(),
    }
    };
    view! {
        <section class="step" aria-labelledby="step-heading">
            <StepHeading step=Step::Qr title=Msg::StepQr />
            {body}
            <Alert problem />
            <Show when=move || no_email.get()>
                <SupportDetails />
            </Show>
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| wizard.go(Step::Privacy)>
                    {tr(Msg::Back)}
                </button>
            </div>
        </section>
    }
}

/// Coming back after an export: go on with the code, or knowingly export again.
#[component]
fn ExportedEarlier(at: u64, on_export: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    let confirming = RwSignal::new(false);
    let when = local_time(at, i18n.lang().tag());
    view! {
        <p>{move || i18n.t(Msg::QrExportedAt { when: when.clone() })}</p>
        <button type="button" class="primary" on:click=move |_| wizard.go(Step::Code)>
            {tr(Msg::HaveCode)}
        </button>
        <Show
            when=move || confirming.get()
            fallback=move || view! {
                <button type="button" class="secondary" on:click=move |_| confirming.set(true)>
                    {tr(Msg::QrExportAgain)}
                </button>
            }
        >
            <div class="warning" role="alert">
                <p>{tr(Msg::QrExportAgainWarning)}</p>
                <button type="button" class="danger" on:click=move |_| on_export.run(())>
                    {tr(Msg::QrExportAgainConfirm)}
                </button>
                <button type="button" class="secondary" on:click=move |_| confirming.set(false)>
                    {tr(Msg::Cancel)}
                </button>
            </div>
        </Show>
    }
}

/// The drawn code and what to do with it, then on to the code step.
#[component]
fn QrReady(matrix: QrMatrix, mailbox: Option<String>) -> impl IntoView {
    let wizard = use_wizard();
    let serial = wizard
        .progress
        .with_untracked(|p| p.device.as_ref().and_then(|d| d.serial.clone()));
    view! {
        <QrSend matrix serial device_mailbox=mailbox />
        <button type="button" class="primary" on:click=move |_| wizard.go(Step::Code)>
            {tr(Msg::HaveCode)}
        </button>
    }
}

/// The drawn code, its download, the mailbox and the prepared e-mail (connected and guided).
/// The mailbox the device named (`serverEmailAddress`) wins over the built-in list; the page
/// says which one it is and why.
#[component]
pub fn QrSend(
    matrix: QrMatrix,
    serial: Option<String>,
    #[prop(default = None)] device_mailbox: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let svg = matrix.to_svg(&i18n.t(Msg::QrImageLabel));
    let png = matrix.to_png_data_url().unwrap_or_default();
    let file = png_file_name(serial.as_deref(), &today());
    let (address, why) = match device_mailbox {
        Some(address) => (address, Msg::QrMailboxFromDevice),
        None => (
            crate::embed::use_options().mailbox.address.to_string(),
            Msg::QrMailboxBuiltIn,
        ),
    };
    let mailto = email::mailto(i18n.lang(), &address, serial.as_deref());
    view! {
        <div class="qr" inner_html=svg></div>
        <p><a class="button" href=png download=file.clone()>{tr(Msg::QrDownload)}</a></p>
        <ol class="instructions">
            <li>{tr(Msg::QrSendTo)}" " <strong class="address" data-mailbox-source=if why == Msg::QrMailboxFromDevice { "device" } else { "built-in" }>{address.clone()}</strong>" "
                <CopyButton text=address.clone() what=Msg::CopyAddress />
                <span class="hint mailbox-why">" "{tr(why.clone())}</span>
            </li>
            <li><a href=mailto>{tr(Msg::QrWriteEmail)}</a>" "{move || i18n.t(Msg::QrAttach { file: file.clone() })}</li>
            <li>{tr(Msg::QrWait)}</li>
        </ol>
        <p class="hint">{tr(Msg::QrValidity)}</p>
    }
}

/// Today's date as YYYY-MM-DD, for file names.
fn today() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    iso.chars().take(10).collect()
}
