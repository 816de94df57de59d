//! The end-to-end browser tests, one binary with a module per subject: real headless Chromium
//! through chromedriver, against a real reset-proxy and devsim on loopback (see `e2e`).

mod batch;
mod browser;
mod first_screen;
mod flow;
mod guided;
mod helper;
mod i18n_rtl;
mod real_firmware;
mod routes;
mod transcript;
mod widget;
