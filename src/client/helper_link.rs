//! Which reset-proxy the wizard talks to: the one serving it (same origin, the session in an
//! HttpOnly cookie), or the helper on this computer that the person agreed to connect to (cross
//! origin: the session id travels in a header, since no cookie is sent cross-site). The choice
//! and the session id are kept for this browser tab only, so a reload stays connected without
//! asking again, and closing the tab forgets both.

use crate::embed::Helper;
use gloo_net::http::{RequestBuilder, Response};
use protocol::proxy_api::{API_HEADER, SESSION_HEADER, SESSION_HEADER_NEW};
use std::cell::RefCell;

const STORAGE_KEY: &str = "reset-wizard.helper";

/// A helper on another origin, and the session it issued.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    base: String,
    session: Option<String>,
}

thread_local! {
    static LINK: RefCell<Option<Link>> = RefCell::new(load());
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

/// Adds the headers every API call carries.
pub fn prepare(request: RequestBuilder) -> RequestBuilder {
    let request = request.header(API_HEADER, "1");
    match current() {
        Some(link) => request.header(
            SESSION_HEADER,
            link.session.as_deref().unwrap_or(SESSION_HEADER_NEW),
        ),
        None => request,
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
