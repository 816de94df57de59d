//! The browser's clock, in milliseconds since the epoch, in one place.

/// Now, in whole milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    // Date.now() is a non-negative double well inside u64 for the next few million years.
    js_sys::Date::now().max(0.0) as u64
}
