//! `cargo xtask i18n`: writes the translation tables the browser fetches
//! (`public/i18n/<tag>.json`) from the Rust sources in `src/i18n/`.

use crate::shell;
use anyhow::Result;
use std::path::Path;
use std::process::Command;

/// The wizard's test that compares the tables; with `WIZARD_I18N_WRITE` set it writes them.
const TABLES_TEST: &str = "i18n::tables::tests::committed_tables_are_made_from_the_rust_sources";

/// Makes every language's table again from `src/i18n/*.rs`.
pub fn run(root: &Path) -> Result<()> {
    shell::run(
        Command::new(env!("CARGO"))
            .current_dir(root)
            .args([
                "test",
                "-p",
                "wizard",
                "--lib",
                "--",
                "--exact",
                TABLES_TEST,
            ])
            .env("WIZARD_I18N_WRITE", "1"),
    )?;
    println!("wrote src/i18n/en.json and public/i18n/*.json");
    Ok(())
}
