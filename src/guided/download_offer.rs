//! The helper's download offer in the connect panel: the archive for the visitor's system with
//! its size, checksum and plain steps, from the site's `download/helpers.json` when it has one.

use crate::guided::connect_panel::DOWNLOAD_PAGE;
use crate::i18n::{tr, Msg};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::downloads::{size_text, HelperDownloads, HelperFile, System, INDEX_PATH};

/// How long the index may take before the offer is left out.
const INDEX_TIMEOUT_MS: u32 = 5_000;

/// The offer; nothing when the site has no downloads (a help center without them).
#[component]
pub fn HelperDownloadOffer() -> impl IntoView {
    let system = visitor_system();
    let index = RwSignal::new(None::<HelperDownloads>);
    if system != System::Mobile {
        spawn_local(async move {
            if let Some(found) = fetch_index().await {
                index.set(Some(found));
            }
        });
    }
    let file = move || index.get().and_then(|i| i.for_system(system).cloned());
    view! {
        {(system == System::Mobile).then(|| view! { <p class="helper-phone">{tr(Msg::HelperOnPhone)}</p> })}
        {move || file().map(|file| offer(file, system))}
        <Show when=move || index.get().is_some()>
            <p>
                <a href=DOWNLOAD_PAGE>{tr(Msg::HelperOtherSystems)}</a>
            </p>
        </Show>
    }
}

fn offer(file: HelperFile, system: System) -> impl IntoView {
    let href = format!("{DOWNLOAD_PAGE}{}", file.name);
    let size = size_text(file.size);
    let label = Msg::HelperDownloadFor {
        system: system_name(system).to_string(),
        size,
    };
    let checksum = Msg::HelperChecksum {
        sha256: file.sha256.clone(),
    };
    let steps = if system == System::Windows {
        Msg::HelperStepsWindows
    } else {
        Msg::HelperStepsUnix
    };
    view! {
        <div class="helper-download-offer">
            <p>
                <a class="button" href=href download=file.name.clone()>
                    {tr(label.clone())}
                </a>
            </p>
            <p>{tr(steps.clone())}</p>
            <p class="checksum">{tr(checksum.clone())}</p>
        </div>
    }
}

/// The system's name as its makers write it (not translated).
fn system_name(system: System) -> &'static str {
    match system {
        System::Windows => "Windows",
        System::MacOs => "macOS",
        System::LinuxX86_64 => "Linux (x86_64)",
        System::LinuxAarch64 => "Linux (ARM64)",
        System::Mobile | System::Unknown => "",
    }
}

fn visitor_system() -> System {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return System::Unknown;
    };
    let agent = navigator.user_agent().unwrap_or_default();
    let touch = navigator.max_touch_points().max(0) as u32;
    System::from_user_agent(&agent, touch)
}

/// The site's download index, relative to the page like the translation tables.
async fn fetch_index() -> Option<HelperDownloads> {
    let deadline = web_sys::AbortSignal::timeout_with_u32(INDEX_TIMEOUT_MS);
    let response = gloo_net::http::Request::get(INDEX_PATH)
        .abort_signal(Some(&deadline))
        .send()
        .await
        .ok()?;
    if !response.ok() {
        return None;
    }
    response.json().await.ok()
}
