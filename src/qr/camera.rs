//! The camera, for scanning the QR an NVR shows on its monitor: rear camera preferred, torch
//! when the phone has one. Browsers only offer it in secure contexts (https, localhost) and,
//! inside an iframe, only where the page allowed `camera`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlVideoElement, MediaStream, MediaStreamTrack};

/// Why the camera cannot be used, each with its own explanation and next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CameraError {
    /// No camera API here: not a secure context, or an iframe without `allow="camera"`.
    Unavailable,
    /// The person (or a policy) refused the permission.
    Denied,
    /// No camera is connected.
    NoCamera,
    /// Any other failure to start it (in use by another app, hardware error).
    Failed,
}

/// Opens the camera into `video` and starts playing it; returns the stream to stop later.
pub async fn open(video: &HtmlVideoElement) -> Result<MediaStream, CameraError> {
    let window = web_sys::window().ok_or(CameraError::Unavailable)?;
    if !window.is_secure_context() {
        return Err(CameraError::Unavailable);
    }
    let devices = window
        .navigator()
        .media_devices()
        .map_err(|_| CameraError::Unavailable)?;
    let constraints = js_sys::JSON::parse(
        r#"{"audio": false, "video": {"facingMode": {"ideal": "environment"}, "width": {"ideal": 1280}}}"#,
    )
    .map_err(|_| CameraError::Failed)?;
    let constraints: web_sys::MediaStreamConstraints = constraints.unchecked_into();
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|_| CameraError::Unavailable)?;
    let stream: MediaStream = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|err| classify(&err))?
        .dyn_into()
        .map_err(|_| CameraError::Failed)?;
    video.set_muted(true);
    let _ = video.set_attribute("playsinline", "");
    video.set_src_object(Some(&stream));
    if let Ok(playing) = video.play() {
        let _ = wasm_bindgen_futures::JsFuture::from(playing).await;
    }
    Ok(stream)
}

fn classify(err: &JsValue) -> CameraError {
    let name = err
        .dyn_ref::<web_sys::DomException>()
        .map(|e| e.name())
        .unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "SecurityError" => CameraError::Denied,
        "NotFoundError" | "OverconstrainedError" => CameraError::NoCamera,
        _ => CameraError::Failed,
    }
}

/// Stops every track of `stream` (the camera light goes off).
pub fn close(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// The video track, if the camera has a torch.
pub fn torch_track(stream: &MediaStream) -> Option<MediaStreamTrack> {
    let track: MediaStreamTrack = stream.get_video_tracks().get(0).dyn_into().ok()?;
    let capabilities = js_sys::Reflect::get(&track, &JsValue::from_str("getCapabilities"))
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?
        .call0(&track)
        .ok()?;
    let torch = js_sys::Reflect::get(&capabilities, &JsValue::from_str("torch")).ok()?;
    torch.as_bool().filter(|t| *t).map(|_| track)
}

/// Turns the torch on or off.
pub fn set_torch(track: &MediaStreamTrack, on: bool) {
    let text = format!(r#"{{"advanced": [{{"torch": {on}}}]}}"#);
    if let Ok(constraints) = js_sys::JSON::parse(&text) {
        let _ = track.apply_constraints_with_constraints(constraints.unchecked_ref());
    }
}
