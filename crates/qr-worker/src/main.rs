//! The QR decoding Web Worker: receives RGBA pixels from the page, answers with what it read.
//! It runs in its own wasm instance, so a panic inside the decoder kills only this worker,
//! which the page then restarts; the wizard itself never stops.

mod message;

use message::{Reply, Request};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let replies = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let reply = match Request::from_js(&event.data()) {
            Ok(request) => decode(&request, &replies),
            Err(problem) => Reply::Refused {
                id: message::id_of(&event.data()),
                problem,
            },
        };
        let _ = replies.post_message(&reply.to_js());
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker does.
    on_message.forget();
    let _ = scope.post_message(&Reply::Ready.to_js());
}

fn decode(request: &Request, scope: &DedicatedWorkerGlobalScope) -> Reply {
    let grey = message::rgba_to_grey(&request.rgba);
    let image = match qr::GreyImage::new(request.width, request.height, &grey) {
        Ok(image) => image,
        Err(err) => {
            return Reply::Refused {
                id: request.id,
                problem: err.to_string(),
            }
        }
    };
    let performance = scope.performance();
    let clock = move || performance.as_ref().map_or(0.0, |p| p.now());
    let found = qr::decode(image, request.budget, &clock);
    Reply::Decoded {
        id: request.id,
        found: found
            .codes
            .into_iter()
            .map(|c| (qr::classify(&c.text), c.text))
            .collect(),
        elapsed_ms: found.stats.elapsed_ms,
    }
}
