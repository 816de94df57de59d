//! Tests that run inside Chromium as WebAssembly (wasm-bindgen-test-runner).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use wizard::device::address::DeviceAddress;
use wizard::i18n::{text, Lang, Msg};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn address_parsing_behaves_the_same_in_wasm() {
    let parsed = DeviceAddress::parse("192.168.1.64:8000");
    assert_eq!(
        parsed.map(|a| a.to_string()),
        Ok("192.168.1.64:8000".to_string())
    );
}

#[wasm_bindgen_test]
fn the_wizard_mounts_and_shows_its_title() {
    wizard::start();
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser document");
    let heading = document
        .query_selector("h1")
        .ok()
        .flatten()
        .and_then(|h| h.text_content());
    assert_eq!(heading.as_deref(), Some(&*text(Lang::En, &Msg::AppTitle)));
}
