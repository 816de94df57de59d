//! What the vendor's support asks for when no e-mail reset is possible, ready to copy.

use crate::copy::CopyButton;
use crate::i18n::{use_i18n, Msg};
use crate::state::use_wizard;
use leptos::prelude::*;

/// The device's details in one copyable block, with what to do with them.
#[component]
pub fn SupportDetails() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    let details = wizard.progress.with_untracked(|p| {
        p.device
            .as_ref()
            .map(|d| {
                let line = |label: Msg, value: &Option<String>| {
                    let value = value.clone().unwrap_or_else(|| i18n.t(Msg::NotReported));
                    format!("{}: {value}", i18n.t(label))
                };
                [
                    line(Msg::Model, &d.model),
                    line(Msg::Serial, &d.serial),
                    line(Msg::Firmware, &d.firmware),
                    line(Msg::Mac, &d.mac),
                    line(Msg::BootTime, &d.boot_time),
                    line(Msg::Address, &Some(d.address.clone())),
                ]
                .join("\n")
            })
            .unwrap_or_default()
    });
    view! {
        <div class="support">
            <h3>{move || i18n.t(Msg::SupportHeading)}</h3>
            <p>{move || i18n.t(Msg::SupportExplain)}</p>
            <pre class="support-details">{details.clone()}</pre>
            <CopyButton text=details what=Msg::CopyDetails />
        </div>
    }
}
