//! The browser's clock, in milliseconds since the epoch, in one place.

/// Now, in whole milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    // Date.now() is a non-negative double well inside u64 for the next few million years.
    js_sys::Date::now().max(0.0) as u64
}

/// A moment shown in the reader's own locale and time zone.
pub fn local_time(ms: u64, lang: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    date.to_locale_string(lang, &wasm_bindgen::JsValue::UNDEFINED)
        .into()
}
