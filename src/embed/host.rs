//! The wizard's side of the host page, in the browser: events posted to the embedding page's
//! origin only, the frame's height reported as the content changes, the checked theme applied.
//! The wizard takes no messages from the host page: nothing it could say would be trusted.

use super::events::HostEvent;
use super::options::{EmbedOptions, Origin};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The embedding page's origin, once known: messages go there and nowhere else.
    static HOST: RefCell<Option<Origin>> = const { RefCell::new(None) };
}

/// Applies `options` to the page: theme, frame mode, and where events go.
pub fn install(options: &EmbedOptions) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    if let Some(root) = root.dyn_ref::<web_sys::HtmlElement>() {
        let style = root.style();
        for (name, value) in options.theme.properties() {
            let _ = style.set_property(name, &value);
        }
    }
    let framed = web_sys::window().is_some_and(|w| {
        let own = w.window();
        w.parent()
            .ok()
            .flatten()
            .is_some_and(|parent| parent != own)
    });
    if let (true, Some(host)) = (framed, options.host.clone()) {
        let _ = root.class_list().add_1("embedded");
        HOST.with(|h| *h.borrow_mut() = Some(host));
        observe_height();
    }
}

/// Posts `event` to the embedding page, if there is one.
pub fn post(event: HostEvent) {
    let Some(host) = HOST.with(|h| h.borrow().clone()) else {
        return;
    };
    let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
        return;
    };
    let Ok(message) = js_sys::JSON::parse(&event.envelope().to_string()) else {
        return;
    };
    // The target origin makes the browser drop the message if the frame was re-parented.
    let _ = parent.post_message(&message, host.as_str());
}

/// Reports the content's height whenever it changes (a ResizeObserver on the body).
fn observe_height() {
    let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    let measured = body.clone();
    let last = RefCell::new(0u32);
    let callback = Closure::<dyn FnMut()>::new(move || {
        let height = measured.get_bounding_client_rect().height().ceil().max(0.0) as u32;
        if *last.borrow() != height {
            *last.borrow_mut() = height;
            post(HostEvent::Resize { height });
        }
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(&body);
        // Both live as long as the page.
        std::mem::forget(observer);
        callback.forget();
    }
}

/// Reports options the wizard did not accept, to the console of whoever embeds it.
pub fn warn(rejected: &[super::options::Rejected]) {
    for problem in rejected {
        web_sys::console::warn_1(&problem.to_string().into());
    }
}
