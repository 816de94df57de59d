//! The password-reset wizard: a Leptos single-page app that talks to devices through reset-proxy.
//! Modules: the app shell, the step rules and state, one module per step, the proxy client,
//! the reset calls, QR drawing, and the translation layer.

mod alert;
mod app;
pub mod batch;
mod batch_view;
mod camera;
pub mod client;
mod clock;
mod connect;
mod copy;
pub mod device_address;
mod download;
pub mod email;
pub mod embed;
pub mod flow;
mod guided;
pub mod i18n;
mod prevention;
pub mod qr_draw;
mod qr_reader;
mod qr_scan;
pub mod reset;
mod route;
mod state;
mod stepper;
mod steps;
mod storage;
mod support;

/// Mounts the wizard into the page's body, once the page's language can be shown.
pub fn start() {
    console_error_panic_hook::set_once();
    // Before anything rewrites the address (the step in the query drops the fragment).
    client::adopt_pairing_secret();
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
