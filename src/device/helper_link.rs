//! Which reset-proxy the wizard talks to: the one serving it (same origin, the session in an
//! HttpOnly cookie), or the helper on this computer that the person agreed to connect to (cross
//! origin: the session id travels in a header, since no cookie is sent cross-site). The choice
//! and the session id are kept for this browser tab only, so a reload stays connected without
//! asking again, and closing the tab forgets both. A helper listening on the LAN also wants the
//! pairing secret it printed in the fragment of its address: read once from there, kept for the
//! tab, sent with every call to it.

use crate::embed::Helper;
use gloo_net::http::{RequestBuilder, Response};
use protocol::proxy_api::{
    API_HEADER, PAIR_FRAGMENT_KEY, PAIR_HEADER, SESSION_HEADER, SESSION_HEADER_NEW,
};
use std::cell::RefCell;

const STORAGE_KEY: &str = "reset-wizard.helper";
const PAIR_STORAGE_KEY: &str = "reset-wizard.pair";

/// A helper on another origin, and the session it issued.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    base: String,
    session: Option<String>,
}

thread_local! {
    static LINK: RefCell<Option<Link>> = RefCell::new(load());
    static PAIRING: RefCell<Option<String>> =
        RefCell::new(tab_storage().and_then(|s| s.get_item(PAIR_STORAGE_KEY).ok().flatten()));
}

/// Takes the pairing secret from the page address's fragment (`#pair=…`), keeps it for this tab,
/// and removes it from the address bar, so it is not bookmarked, shared or shown.
pub fn adopt_pairing_secret() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let hash = location.hash().unwrap_or_default();
    let Some(secret) = pairing_secret_in(&hash) else {
        return;
    };
    if let Some(storage) = tab_storage() {
        // Storage that refuses only costs pairing again after a reload.
        let _ = storage.set_item(PAIR_STORAGE_KEY, &secret);
    }
    PAIRING.with(|p| *p.borrow_mut() = Some(secret));
    let path = location.pathname().unwrap_or_default();
    let search = location.search().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{search}")),
        );
    }
}

/// The secret in a fragment like `#pair=0123…`: 64 hex characters, nothing else accepted.
fn pairing_secret_in(hash: &str) -> Option<String> {
    let secret = hash
        .trim_start_matches('#')
        .split('&')
        .find_map(|pair| pair.strip_prefix(PAIR_FRAGMENT_KEY)?.strip_prefix('='))?;
    let well_formed = secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit());
    well_formed.then(|| secret.to_string())
}

fn tab_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn load() -> Option<Link> {
    let text = tab_storage()?.get_item(STORAGE_KEY).ok()??;
    serde_json::from_str(&text).ok()
}

fn save(link: &Option<Link>) {
    let Some(storage) = tab_storage() else {
        return;
    };
    // Storage that refuses only costs the reconnection after a reload.
    let _ = match link {
        Some(link) => match serde_json::to_string(link) {
            Ok(text) => storage.set_item(STORAGE_KEY, &text),
            Err(_) => Ok(()),
        },
        None => storage.remove_item(STORAGE_KEY),
    };
}

fn replace(link: Option<Link>) {
    save(&link);
    LINK.with(|l| *l.borrow_mut() = link);
}

/// The link in use (`None`: the proxy serving the wizard).
pub fn current() -> Option<Link> {
    LINK.with(|l| l.borrow().clone())
}

/// Talks to `helper` from now on (a new session when it is another helper than before).
pub fn set(helper: &Helper) {
    let base = helper.base();
    if base.is_empty() {
        replace(None);
    } else if current().is_none_or(|link| link.base != base) {
        replace(Some(Link {
            base: base.to_string(),
            session: None,
        }));
    }
}

/// Goes back to `previous` (after a helper that did not answer).
pub fn restore(previous: Option<Link>) {
    replace(previous);
}

/// The full URL for an API path.
pub fn url(path: &str) -> String {
    match current() {
        Some(link) => format!("{}{path}", link.base),
        None => path.to_string(),
    }
}

/// Adds the headers every API call carries: the pairing secret only to the helper that serves
/// this page (the one that printed it), never to a helper elsewhere.
pub fn prepare(request: RequestBuilder) -> RequestBuilder {
    let request = request.header(API_HEADER, "1");
    match current() {
        Some(link) => request.header(
            SESSION_HEADER,
            link.session.as_deref().unwrap_or(SESSION_HEADER_NEW),
        ),
        None => match PAIRING.with(|p| p.borrow().clone()) {
            Some(secret) => request.header(PAIR_HEADER, &secret),
            None => request,
        },
    }
}

/// Keeps the session id a cross-origin helper issued.
pub fn remember(response: &Response) {
    let Some(id) = response.headers().get(SESSION_HEADER) else {
        return;
    };
    if let Some(mut link) = current() {
        link.session = Some(id);
        replace(Some(link));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_well_formed_secret_is_taken_from_the_fragment() {
        let secret = "0123456789abcdef".repeat(4);
        assert_eq!(
            pairing_secret_in(&format!("#pair={secret}")),
            Some(secret.clone())
        );
        assert_eq!(
            pairing_secret_in(&format!("#x=1&pair={secret}")),
            Some(secret.clone())
        );
        assert_eq!(pairing_secret_in(""), None);
        assert_eq!(pairing_secret_in("#pair="), None);
        assert_eq!(pairing_secret_in(&format!("#pair={secret}0")), None);
        assert_eq!(pairing_secret_in("#pair=<script>"), None);
        assert_eq!(pairing_secret_in(&format!("#repair={secret}")), None);
    }
}
