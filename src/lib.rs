//! The password-reset wizard: a Leptos single-page app that talks to devices through reset-proxy.
//! Folders by feature: the wizard's state (`wizard`), talking to devices (`device`), the steps,
//! batches, guided mode, QR codes, small shared UI pieces, the embedding page, and translations.

mod app;
pub mod batch;
pub mod device;
pub mod embed;
mod guided;
pub mod i18n;
pub mod problem;
pub mod qr;
mod steps;
mod ui;
pub mod wizard;

/// Mounts the wizard into the page's body, once the page's language can be shown.
pub fn start() {
    console_error_panic_hook::set_once();
    // Before anything rewrites the address (the step in the query drops the fragment).
    device::client::adopt_pairing_secret();
    i18n::with_page_language(|| {
        remove_first_screen();
        leptos::mount::mount_to_body(app::App)
    });
}

/// Takes away the static first screen `index.html` draws before the wasm has loaded, so the
/// wizard replaces it rather than adding to it.
fn remove_first_screen() {
    let first = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("first-screen"));
    if let Some(first) = first {
        first.remove();
    }
}
