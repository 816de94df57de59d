//! The messages between the page and the worker, as plain JS objects.
//! Request: `{id, width, height, rgba: Uint8ClampedArray, budget: "frame" | "upload"}`.
//! Reply: `{kind: "ready"}`, `{kind: "decoded", id, texts: [..], kinds: [..], elapsedMs}`
//! (`kinds[i]` says what `texts[i]` looks like: resetCode, url, hikConnect, empty, other) or
//! `{kind: "refused", id, problem}`.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsValue;

/// One picture to decode.
pub struct Request {
    pub id: f64,
    pub width: usize,
    pub height: usize,
    pub rgba: Vec<u8>,
    pub budget: qr::Budget,
}

/// What the worker says back.
pub enum Reply {
    /// The worker has started and takes requests.
    Ready,
    /// The texts read, each with what it looks like (none when nothing was readable).
    Decoded {
        id: f64,
        found: Vec<(qr::ContentKind, String)>,
        elapsed_ms: f64,
    },
    /// The request could not be decoded at all (bad dimensions, wrong shape).
    Refused { id: f64, problem: String },
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

/// The request's id, for a reply even when the rest of it is malformed.
pub fn id_of(value: &JsValue) -> f64 {
    get(value, "id").as_f64().unwrap_or(-1.0)
}

impl Request {
    /// Reads a request, checking every field.
    pub fn from_js(value: &JsValue) -> Result<Self, String> {
        let number = |key: &str| {
            get(value, key)
                .as_f64()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .ok_or_else(|| format!("{key} is missing or not a number"))
        };
        let budget = match get(value, "budget").as_string().as_deref() {
            Some("frame") => qr::Budget::Frame,
            Some("upload") => qr::Budget::Upload,
            _ => return Err("budget must be \"frame\" or \"upload\"".into()),
        };
        let pixels = get(value, "rgba");
        if !pixels.is_object() {
            return Err("rgba is missing".into());
        }
        Ok(Request {
            id: number("id")?,
            width: number("width")? as usize,
            height: number("height")? as usize,
            rgba: Uint8Array::new(&pixels).to_vec(),
            budget,
        })
    }
}

impl Reply {
    /// The reply as a JS object for `postMessage`.
    pub fn to_js(&self) -> JsValue {
        let object = Object::new();
        match self {
            Reply::Ready => set(&object, "kind", &"ready".into()),
            Reply::Decoded {
                id,
                found,
                elapsed_ms,
            } => {
                set(&object, "kind", &"decoded".into());
                set(&object, "id", &(*id).into());
                let texts: Array = found.iter().map(|(_, t)| JsValue::from_str(t)).collect();
                let kinds: Array = found
                    .iter()
                    .map(|(k, _)| JsValue::from_str(k.name()))
                    .collect();
                set(&object, "texts", &texts);
                set(&object, "kinds", &kinds);
                set(&object, "elapsedMs", &(*elapsed_ms).into());
            }
            Reply::Refused { id, problem } => {
                set(&object, "kind", &"refused".into());
                set(&object, "id", &(*id).into());
                set(&object, "problem", &JsValue::from_str(problem));
            }
        }
        object.into()
    }
}

/// Luma from RGBA (ITU-R BT.601 weights), the grey the decoder reads.
pub fn rgba_to_grey(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| {
            ((299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2])) / 1000) as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grey_weights_green_most() {
        assert_eq!(
            rgba_to_grey(&[255, 255, 255, 255, 0, 0, 0, 255]),
            vec![255, 0]
        );
        assert_eq!(rgba_to_grey(&[0, 255, 0, 255]), vec![149]);
        assert_eq!(rgba_to_grey(&[1, 2, 3]), Vec::<u8>::new());
    }
}
