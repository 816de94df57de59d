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
    let value = query_pairs(&search)
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned());
    value
}

/// The decoded `(key, value)` pairs of a query string such as `?step=code&lang=pt-BR`
/// (with or without its `?`), percent-encoding and `+` decoded as a browser's form would.
/// The one reader of the page's query: the step, the language and the embedder's options.
pub fn query_pairs(search: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
}

/// Records `step` as a new history entry.
pub fn push(step: Step) {
    update(step, true);
}

/// Shows `step` in the URL without a new history entry.
pub fn replace(step: Step) {
    update(step, false);
}

/// `?step=<slug>` followed by the other parameters of `search` (the same pairs, encoded again).
fn with_step(search: &str, step: Step) -> String {
    let mut query = form_urlencoded::Serializer::for_suffix(String::from("?"), 1);
    query.append_pair("step", step.slug());
    for (key, value) in query_pairs(search).filter(|(k, _)| k != "step") {
        query.append_pair(&key, &value);
    }
    query.finish()
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
        assert_eq!(
            with_step("?host=https%3A%2F%2Fhelp.example&step=qr", Step::Code),
            "?step=code&host=https%3A%2F%2Fhelp.example"
        );
    }

    #[test]
    fn query_values_are_decoded() {
        let pairs: Vec<_> = query_pairs("?lang=pt%2DBR&note=a+b%20c&flag").collect();
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (&**k, &**v)).collect();
        assert_eq!(pairs, [("lang", "pt-BR"), ("note", "a b c"), ("flag", "")]);
    }
}
