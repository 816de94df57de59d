//! The offer to connect to the helper (reset-proxy) on this computer, for a wizard served
//! without one (a help-center widget, a static host). Nothing is sent to the helper before the
//! person clicks: probing on load would give every reader a browser permission prompt (Local
//! Network Access). A helper elsewhere on the LAN serves its own wizard: that one opens in a new
//! tab instead, since this page may only reach this computer.

use crate::device::client;
use crate::embed::{use_options, Helper, Origin};
use crate::guided::download_offer::HelperDownloadOffer;
use crate::i18n::{tr, use_i18n, Msg};
use crate::problem::Problem;
use crate::ui::alert::Alert;
use leptos::prelude::*;
use protocol::proxy_api::{helper_fit, Health, HelperFit};
use wasm_bindgen::JsCast;

/// Where the helper's downloads are, beside the wizard on its site (`cargo xtask dist --helpers`).
pub const DOWNLOAD_PAGE: &str = "download/";

/// What is wrong with a helper that answered, or `None` when it fits this wizard.
pub fn mismatch(health: &Health) -> Option<Problem> {
    let version = health.version.clone();
    match helper_fit(health.api) {
        HelperFit::Fits => None,
        HelperFit::TooOld => Some(Problem::HelperTooOld { version }),
        HelperFit::TooNew => Some(Problem::HelperTooNew { version }),
    }
}

/// The plain "update the helper" notice with its download link, while `problem` is `Some`.
#[component]
pub fn HelperMismatch(#[prop(into)] problem: Signal<Option<Problem>>) -> impl IntoView {
    let too_old = move || problem.with(|p| matches!(p, Some(Problem::HelperTooOld { .. })));
    view! {
        <Alert problem class="helper-mismatch" />
        <Show when=too_old>
            <p class="helper-download">
                <a href=DOWNLOAD_PAGE target="_blank" rel="noopener">{tr(Msg::HelperDownload)}</a>
            </p>
        </Show>
    }
}

/// The permission names Chromium has used for reaching loopback from a web page, newest first.
const LOOPBACK_PERMISSIONS: [&str; 2] = ["loopback-network", "local-network-access"];

/// The connect offer; `on_connected` runs once the helper answered.
#[component]
pub fn ConnectPanel(on_connected: Callback<Health>) -> impl IntoView {
    let i18n = use_i18n();
    let options = use_options();
    let helper = options.helper.clone();
    let address = match &helper {
        Helper::ThisComputer(origin) => origin.to_string(),
        Helper::OwnOrigin => own_origin(),
    };
    let problem = RwSignal::new(None::<Problem>);
    let outdated = RwSignal::new(None::<Problem>);
    let blocked = RwSignal::new(false);
    let connect_action = {
        let address = address.clone();
        Action::new_local(move |(): &()| {
            problem.set(None);
            outdated.set(None);
            blocked.set(false);
            let (helper, address) = (helper.clone(), address.clone());
            async move {
                match client::connect(&helper).await {
                    Ok(health) => match mismatch(&health) {
                        None => on_connected.run(health),
                        Some(mismatch) => outdated.set(Some(mismatch)),
                    },
                    Err(_) => {
                        // A failed request does not say why; the permission state can.
                        blocked.set(loopback_denied().await);
                        problem.set(Some(Problem::HelperNotReached {
                            address,
                            origin: own_origin(),
                        }));
                    }
                }
            }
        })
    };
    let connecting = connect_action.pending();
    // One try at a time: a press while one is under way does nothing.
    let connect = move |_| {
        if !connecting.get_untracked() {
            connect_action.dispatch_local(());
        }
    };
    let button_address = address.clone();
    view! {
        <section class="connect" aria-labelledby="connect-heading">
            <h2 id="connect-heading">{tr(Msg::HelperHeading)}</h2>
            <p>{tr(Msg::HelperOffer)}</p>
            <HelperDownloadOffer />
            <button type="button" on:click=connect disabled=move || connecting.get()>
                {move || i18n.t(Msg::HelperConnect { address: button_address.clone() })}
            </button>
            <p role="status">{move || connecting.get().then(|| i18n.t(Msg::HelperConnecting))}</p>
            <Alert problem />
            <HelperMismatch problem=outdated />
            <Show when=move || blocked.get()>
                <p class="error">{tr(Msg::HelperBlocked)}</p>
            </Show>
            <ElsewhereOnTheLan />
        </section>
    }
}

/// A helper's address on the LAN, opened in a new tab once it is a plain origin.
#[component]
fn ElsewhereOnTheLan() -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    let target = Memo::new(move |_| Origin::parse(&typed.get()).map(|o| o.to_string()));
    let invalid = move || !typed.get().trim().is_empty() && target.get().is_none();
    view! {
        <p class="field">
            <label for="helper-elsewhere">{tr(Msg::HelperElsewhereLabel)}</label>
            <input
                id="helper-elsewhere"
                type="url"
                inputmode="url"
                autocomplete="url"
                spellcheck="false"
                aria-describedby="helper-elsewhere-hint helper-elsewhere-error"
                aria-invalid=move || invalid().to_string()
                bind:value=typed
            />
            <span id="helper-elsewhere-hint" class="hint">{tr(Msg::HelperElsewhereHint)}</span>
            <span id="helper-elsewhere-error" class="error" aria-live="polite">
                {move || invalid().then(|| i18n.t(Msg::HelperElsewhereInvalid))}
            </span>
        </p>
        <Show when=move || target.get().is_some()>
            <p>
                <a href=move || target.get().map(|t| format!("{t}/")) target="_blank" rel="noopener noreferrer">
                    {tr(Msg::HelperOpenNewTab)}
                </a>
            </p>
        </Show>
    }
}

fn own_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Whether the browser says this page may not reach loopback (the person or a policy said no).
async fn loopback_denied() -> bool {
    let Some(permissions) = web_sys::window().and_then(|w| w.navigator().permissions().ok()) else {
        return false;
    };
    for name in LOOPBACK_PERMISSIONS {
        let descriptor = js_sys::Object::new();
        if js_sys::Reflect::set(&descriptor, &"name".into(), &name.into()).is_err() {
            continue;
        }
        let Ok(promise) = permissions.query(&descriptor) else {
            continue;
        };
        // A browser that does not know the name rejects the query: try the next one.
        let Ok(status) = wasm_bindgen_futures::JsFuture::from(promise).await else {
            continue;
        };
        if let Ok(status) = status.dyn_into::<web_sys::PermissionStatus>() {
            return status.state() == web_sys::PermissionState::Denied;
        }
    }
    false
}
