//! The password-reset wizard: a Leptos single-page app that talks to devices through reset-proxy.
//! Modules: the app shell, one module per step, the proxy client, and the translation layer.

mod app;
pub mod client;
pub mod device_address;
mod device_step;
pub mod i18n;

/// Mounts the wizard into the page's body.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
