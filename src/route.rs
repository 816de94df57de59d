//! The step in the page URL (`?step=code`), so back/forward work and a reload keeps the place.

use crate::flow::Step;

/// The step named in the current URL, if any.
pub fn current() -> Option<Step> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("step="))
        .and_then(Step::from_slug)
}

/// Records `step` as a new history entry.
pub fn push(step: Step) {
    update(step, true);
}

/// Shows `step` in the URL without a new history entry.
pub fn replace(step: Step) {
    update(step, false);
}

fn update(step: Step, new_entry: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(history) = window.history() else {
        return;
    };
    let url = format!("?step={}", step.slug());
    let state = wasm_bindgen::JsValue::NULL;
    // Failing to update the URL only loses back/forward support; the wizard goes on.
    let _ = if new_entry {
        history.push_state_with_url(&state, "", Some(&url))
    } else {
        history.replace_state_with_url(&state, "", Some(&url))
    };
}
