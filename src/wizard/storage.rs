//! What the wizard keeps in localStorage for 48 hours (the progress, and a batch beside it), so a
//! person can leave while the e-mail comes. Where storage is blocked (a sandboxed iframe, strict
//! privacy settings) it lives in memory.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;

/// Where the progress is kept.
pub const PROGRESS_KEY: &str = "reset-wizard.progress.v1";
/// Where a batch is kept, beside the progress of its current device.
pub const BATCH_KEY: &str = "reset-wizard.batch.v1";
/// The reset code is valid 48 hours; anything saved longer ago only misleads.
const KEEP_FOR_MS: u64 = 48 * 60 * 60 * 1000;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Saved<T> {
    saved_at_ms: u64,
    /// Named `progress` by the first version, which kept nothing else.
    #[serde(alias = "progress")]
    value: T,
}

thread_local! {
    static FALLBACK: RefCell<HashMap<&'static str, String>> = RefCell::new(HashMap::new());
}

/// What is saved under `key`, if anything readable and not older than 48 hours.
pub fn load<T: DeserializeOwned>(key: &'static str, now_ms: u64) -> Option<T> {
    let text = read(key).or_else(|| FALLBACK.with(|f| f.borrow().get(key).cloned()));
    text.and_then(|t| decode(&t, now_ms))
}

/// Saves `value` under `key` (falls back to memory when storage refuses).
pub fn save<T: Serialize>(key: &'static str, value: &T, now_ms: u64) {
    let saved = Saved {
        saved_at_ms: now_ms,
        value,
    };
    let Ok(text) = serde_json::to_string(&saved) else {
        return;
    };
    if !write(key, &text) {
        FALLBACK.with(|f| f.borrow_mut().insert(key, text));
    }
}

/// Reads a saved value, dropping it when unreadable or expired.
fn decode<T: DeserializeOwned>(text: &str, now_ms: u64) -> Option<T> {
    let saved: Saved<T> = serde_json::from_str(text).ok()?;
    let age = now_ms.saturating_sub(saved.saved_at_ms);
    (age <= KEEP_FOR_MS).then_some(saved.value)
}

/// Whether progress can outlive the page: false where the browser refuses storage (switched
/// off, or a third-party frame under tracking protection), so the page can say so.
pub fn persists() -> bool {
    const PROBE: &str = "reset-wizard.probe";
    local_storage().is_some_and(|s| s.set_item(PROBE, "1").is_ok() && s.remove_item(PROBE).is_ok())
}

fn local_storage() -> Option<web_sys::Storage> {
    // Accessing localStorage throws in some sandboxed frames: that is an Err, not a panic.
    web_sys::window()?.local_storage().ok().flatten()
}

fn read(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

fn write(key: &str, text: &str) -> bool {
    local_storage().is_some_and(|s| s.set_item(key, text).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wizard::progress::{Progress, SavedDevice};

    #[test]
    fn progress_older_than_48_hours_is_forgotten() {
        let progress = Progress {
            device: Some(SavedDevice {
                address: "10.0.0.9".into(),
                serial: None,
                model: None,
                firmware: None,
                mac: None,
                boot_time: None,
            }),
            ..Progress::default()
        };
        let text = serde_json::to_string(&Saved {
            saved_at_ms: 1_000,
            value: progress.clone(),
        })
        .unwrap_or_default();
        assert_eq!(decode(&text, 1_000 + KEEP_FOR_MS), Some(progress.clone()));
        assert_eq!(decode::<Progress>(&text, 1_001 + KEEP_FOR_MS), None);
        assert_eq!(decode::<Progress>("not json", 0), None);
        // What the first version saved still loads.
        let first = text.replace("\"value\"", "\"progress\"");
        assert_eq!(decode(&first, 1_000), Some(progress));
    }
}
