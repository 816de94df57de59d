//! Helpers shared by the integration tests: fixture loading and value strategies.
#![allow(dead_code, clippy::unwrap_used)]

use proptest::prelude::*;

/// Reads `tests/fixtures/<path>`.
pub fn fixture(path: &str) -> String {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {full}: {e}"))
}

/// Text as a parser hands it back: non-empty, no surrounding whitespace, no control characters.
pub fn trimmed_text() -> impl Strategy<Value = String> {
    "[^\\s\\p{C}]([^\\p{C}]{0,20}[^\\s\\p{C}])?"
}

/// An optional [`trimmed_text`].
pub fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(trimmed_text())
}
