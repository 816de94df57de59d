//! Reading a QR picture in the browser: the decoding runs in the qr-worker (its own wasm
//! instance), so camera frames never freeze the page and a decoder panic only ends the
//! worker, which is started afresh for the next picture.

use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

/// The worker's loader, as Trunk names it (no content hash: it must not be cached long).
const WORKER_URL: &str = "./qr-worker_loader.js";
/// How long the worker may take to load its wasm.
const START_MS: i32 = 15_000;

/// How much effort a picture gets (see `qr::Budget`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// A camera frame: cheap and time-boxed; the next frame is another chance.
    Frame,
    /// An uploaded or pasted picture: the whole pipeline.
    Upload,
}

impl Effort {
    fn name(self) -> &'static str {
        match self {
            Effort::Frame => "frame",
            Effort::Upload => "upload",
        }
    }

    fn wait_ms(self) -> i32 {
        match self {
            Effort::Frame => 3_000,
            Effort::Upload => 10_000,
        }
    }
}

/// What a decoded QR content looks like; the worker classifies it with the qr crate (only
/// this small type of that crate reaches the first-load bundle).
pub use qr::ContentKind;

/// One QR symbol read from a picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Its content.
    pub text: String,
    /// What that content looks like.
    pub kind: ContentKind,
}

/// Why a picture could not be read at all (as opposed to "read, but no QR in it").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanError {
    /// The browser cannot run the decoder (no workers, or the worker file is missing).
    NoWorker,
    /// The decoder stopped on this picture (it crashed or took too long); it is restarted.
    DecoderStopped,
    /// The picture itself could not be opened as an image.
    NotAnImage,
}

thread_local! {
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
    static NEXT_ID: RefCell<f64> = const { RefCell::new(1.0) };
}

/// Decodes RGBA pixels; returns the texts found (empty when nothing was readable).
pub async fn decode_rgba(
    width: u32,
    height: u32,
    rgba: &[u8],
    effort: Effort,
) -> Result<Vec<Found>, ScanError> {
    let worker = worker().await?;
    let id = NEXT_ID.with(|n| {
        let id = *n.borrow();
        *n.borrow_mut() = id + 1.0;
        id
    });
    let request = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = js_sys::Reflect::set(&request, &JsValue::from_str(k), v);
    };
    set("id", &id.into());
    set("width", &width.into());
    set("height", &height.into());
    set("budget", &effort.name().into());
    set("rgba", &js_sys::Uint8Array::from(rgba).into());
    let reply = exchange(&worker, &request, id, effort.wait_ms()).await;
    match reply {
        Ok(reply) => Ok(found_in(&reply)),
        Err(()) => {
            // Crashed (a panic aborts its wasm) or stuck: end it, the next call starts anew.
            stop_worker();
            Err(ScanError::DecoderStopped)
        }
    }
}

fn found_in(reply: &JsValue) -> Vec<Found> {
    let list = |key: &str| {
        let value =
            js_sys::Reflect::get(reply, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
        js_sys::Array::from(&value)
            .iter()
            .map(|v| v.as_string().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    let kinds = list("kinds");
    list("texts")
        .into_iter()
        .enumerate()
        .map(|(i, text)| Found {
            kind: kinds
                .get(i)
                .and_then(|k| ContentKind::from_name(k))
                .unwrap_or(ContentKind::Other),
            text,
        })
        .collect()
}

/// The running worker, started (and awaited until ready) when there is none.
async fn worker() -> Result<Worker, ScanError> {
    if let Some(worker) = WORKER.with(|w| w.borrow().clone()) {
        return Ok(worker);
    }
    let worker = Worker::new(WORKER_URL).map_err(|_| ScanError::NoWorker)?;
    let ready = wait_for(&worker, START_MS, |data| {
        kind_of(data).as_deref() == Some("ready")
    })
    .await;
    if ready.is_err() {
        worker.terminate();
        return Err(ScanError::NoWorker);
    }
    WORKER.with(|w| *w.borrow_mut() = Some(worker.clone()));
    Ok(worker)
}

fn stop_worker() {
    if let Some(worker) = WORKER.with(|w| w.borrow_mut().take()) {
        worker.terminate();
    }
}

fn kind_of(data: &JsValue) -> Option<String> {
    js_sys::Reflect::get(data, &JsValue::from_str("kind"))
        .ok()
        .and_then(|k| k.as_string())
}

/// Posts `request` and waits for the reply with `id`.
async fn exchange(
    worker: &Worker,
    request: &JsValue,
    id: f64,
    wait_ms: i32,
) -> Result<JsValue, ()> {
    let reply = wait_for(worker, wait_ms, move |data| {
        js_sys::Reflect::get(data, &JsValue::from_str("id"))
            .ok()
            .and_then(|v| v.as_f64())
            == Some(id)
    });
    // The listener is in place before the request leaves, so no reply can be missed.
    let posted = worker.post_message(request);
    if posted.is_err() {
        return Err(());
    }
    reply.await
}

/// Resolves with the first message `wanted` accepts; fails on a worker error or after `ms`.
fn wait_for(
    worker: &Worker,
    ms: i32,
    wanted: impl Fn(&JsValue) -> bool + 'static,
) -> impl std::future::Future<Output = Result<JsValue, ()>> {
    let worker = worker.clone();
    let mut wanted = Some(wanted);
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let Some(wanted) = wanted.take() else {
            return;
        };
        let resolve_message = resolve.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            if wanted(&data) {
                let _ = resolve_message.call1(&JsValue::NULL, &data);
            }
        });
        let fail = reject.clone();
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_event: JsValue| {
            let _ = fail.call0(&JsValue::NULL);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // Each handler is replaced by the next wait; leaking these two small closures per
        // picture is the price of not tracking them (a few bytes each).
        on_message.forget();
        on_error.forget();
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&reject, ms);
        }
    });
    async move {
        wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(|_| ())
    }
}

/// Draws `source` (an ImageBitmap or a video) at `width`×`height` and returns its RGBA pixels.
pub fn pixels_of(
    draw: impl FnOnce(&web_sys::CanvasRenderingContext2d) -> Result<(), JsValue>,
    width: u32,
    height: u32,
) -> Option<Vec<u8>> {
    let document = web_sys::window()?.document()?;
    let canvas: web_sys::HtmlCanvasElement =
        document.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    draw(&ctx).ok()?;
    let data = ctx
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .ok()?;
    Some(data.data().0)
}

/// Reads a picture file (upload, drop or paste) and decodes it with the whole pipeline.
pub async fn decode_file(blob: &web_sys::Blob) -> Result<Vec<Found>, ScanError> {
    let window = web_sys::window().ok_or(ScanError::NoWorker)?;
    let promise = window
        .create_image_bitmap_with_blob(blob)
        .map_err(|_| ScanError::NotAnImage)?;
    let bitmap: web_sys::ImageBitmap = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| ScanError::NotAnImage)?
        .dyn_into()
        .map_err(|_| ScanError::NotAnImage)?;
    let (width, height) = fit(bitmap.width(), bitmap.height());
    let rgba = pixels_of(
        |ctx| {
            ctx.draw_image_with_image_bitmap_and_dw_and_dh(
                &bitmap,
                0.0,
                0.0,
                f64::from(width),
                f64::from(height),
            )
        },
        width,
        height,
    )
    .ok_or(ScanError::NotAnImage)?;
    decode_rgba(width, height, &rgba, Effort::Upload).await
}

/// Photos from phones are large; a QR code reads as well at 2048 px, and far faster.
fn fit(width: u32, height: u32) -> (u32, u32) {
    const MAX: u32 = 2048;
    let longest = width.max(height).max(1);
    if longest <= MAX {
        return (width.max(1), height.max(1));
    }
    let scale = f64::from(MAX) / f64::from(longest);
    (
        ((f64::from(width) * scale) as u32).max(1),
        ((f64::from(height) * scale) as u32).max(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_photos_are_scaled_to_2048_on_the_long_side() {
        assert_eq!(fit(4000, 3000), (2048, 1536));
        assert_eq!(fit(640, 480), (640, 480));
        assert_eq!(fit(0, 0), (1, 1));
    }
}
