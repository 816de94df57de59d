//! Progress kept in localStorage for 48 hours, so a person can leave while the e-mail comes.
//! Where storage is blocked (a sandboxed iframe, strict privacy settings) it lives in memory.

use crate::flow::Progress;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

const KEY: &str = "reset-wizard.progress.v1";
/// The reset code is valid 48 hours; progress older than that only misleads.
const KEEP_FOR_MS: u64 = 48 * 60 * 60 * 1000;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Saved {
    saved_at_ms: u64,
    progress: Progress,
}

thread_local! {
    static FALLBACK: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The saved progress, if any and not older than 48 hours.
pub fn load(now_ms: u64) -> Progress {
    let text = read().or_else(|| FALLBACK.with(|f| f.borrow().clone()));
    text.and_then(|t| decode(&t, now_ms)).unwrap_or_default()
}

/// Saves `progress` (falls back to memory when storage refuses).
pub fn save(progress: &Progress, now_ms: u64) {
    let saved = Saved {
        saved_at_ms: now_ms,
        progress: progress.clone(),
    };
    let Ok(text) = serde_json::to_string(&saved) else {
        return;
    };
    if !write(&text) {
        FALLBACK.with(|f| *f.borrow_mut() = Some(text));
    }
}

/// Whether progress can outlive the page: false where the browser refuses storage (switched
/// off, or a third-party frame under tracking protection), so the page can say so.
pub fn persists() -> bool {
    const PROBE: &str = "reset-wizard.probe";
    local_storage().is_some_and(|s| s.set_item(PROBE, "1").is_ok() && s.remove_item(PROBE).is_ok())
}

/// Reads saved progress, dropping it when unreadable or expired.
fn decode(text: &str, now_ms: u64) -> Option<Progress> {
    let saved: Saved = serde_json::from_str(text).ok()?;
    let age = now_ms.saturating_sub(saved.saved_at_ms);
    (age <= KEEP_FOR_MS).then_some(saved.progress)
}

fn local_storage() -> Option<web_sys::Storage> {
    // Accessing localStorage throws in some sandboxed frames: that is an Err, not a panic.
    web_sys::window()?.local_storage().ok().flatten()
}

fn read() -> Option<String> {
    local_storage()?.get_item(KEY).ok().flatten()
}

fn write(text: &str) -> bool {
    local_storage().is_some_and(|s| s.set_item(KEY, text).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::SavedDevice;

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
            progress: progress.clone(),
        })
        .unwrap_or_default();
        assert_eq!(decode(&text, 1_000 + KEEP_FOR_MS), Some(progress));
        assert_eq!(decode(&text, 1_001 + KEEP_FOR_MS), None);
        assert_eq!(decode("not json", 0), None);
    }
}
