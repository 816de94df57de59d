//! The step in the page URL (`?step=code`), so back/forward work and a reload keeps the place.
//! Other query parameters (e.g. `mode=guided` from an embedder) are kept as they are.

use crate::wizard::progress::Step;

/// The step named in the current URL, if any.
pub fn current() -> Option<Step> {
    param("step").as_deref().and_then(Step::from_slug)
}

/// The value of query parameter `key` in the current URL.
pub fn param(key: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let value = pairs(&search)
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_string());
    value
}

/// Records `step` as a new history entry.
pub fn push(step: Step) {
    update(step, true);
}

/// Shows `step` in the URL without a new history entry.
pub fn replace(step: Step) {
    update(step, false);
}

fn pairs(search: &str) -> impl Iterator<Item = (&str, &str)> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
}

/// `?step=<slug>` followed by the other parameters of `search`, unchanged.
fn with_step(search: &str, step: Step) -> String {
    let mut url = format!("?step={}", step.slug());
    for (key, value) in pairs(search).filter(|(k, _)| *k != "step") {
        url.push('&');
        url.push_str(key);
        if !value.is_empty() {
            url.push('=');
            url.push_str(value);
        }
    }
    url
}

fn update(step: Step, new_entry: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(history) = window.history() else {
        return;
    };
    let search = window.location().search().unwrap_or_default();
    let url = with_step(&search, step);
    let state = wasm_bindgen::JsValue::NULL;
    // Failing to update the URL only loses back/forward support; the wizard goes on.
    let _ = if new_entry {
        history.push_state_with_url(&state, "", Some(&url))
    } else {
        history.replace_state_with_url(&state, "", Some(&url))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_replaces_only_itself_in_the_query() {
        assert_eq!(with_step("", Step::Code), "?step=code");
        assert_eq!(
            with_step("?mode=guided&step=qr-code&lang=fr", Step::Code),
            "?step=code&mode=guided&lang=fr"
        );
    }
}
