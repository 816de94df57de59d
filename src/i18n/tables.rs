//! The translation tables the browser fetches, made from the Rust sources (compiled natively
//! only): each language's sentence for every message, with markers in its values turned into
//! `{field}` placeholders. `cargo xtask i18n` writes them to `public/i18n/<tag>.json`; a test
//! fails while a committed table differs from what the sources make.

use super::{text, Lang, Msg};
use std::path::PathBuf;

/// Set (to anything) while running this module's tests to write the tables instead of
/// comparing them; `cargo xtask i18n` does that.
pub const WRITE_ENV: &str = "WIZARD_I18N_WRITE";

/// Where `lang`'s table lives in the source tree (Trunk copies `public/` into the build).
pub fn path(lang: Lang) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("public")
        .join("i18n")
        .join(format!("{}.json", lang.tag()))
}

/// The languages that are fetched (English is built into the page).
pub fn fetched_languages() -> impl Iterator<Item = Lang> {
    Lang::ALL.into_iter().filter(|&lang| lang != Lang::En)
}

/// `lang`'s table as `(key, template)`, in the order messages are declared.
pub fn entries(lang: Lang) -> Result<Vec<(String, String)>, String> {
    Msg::markers()
        .iter()
        .map(|marker| {
            let (key, values) = marker.key_and_values();
            let mut template = text(lang, marker).into_owned();
            for (field, shown) in values {
                let placeholder = format!("{{{field}}}");
                if !template.contains(&shown) {
                    return Err(format!(
                        "{lang:?}: {key} does not show its {field}: {template:?}"
                    ));
                }
                template = template.replace(&shown, &placeholder);
            }
            Ok((key, template))
        })
        .collect()
}

/// `lang`'s table as the JSON the browser reads: one message a line, in declaration order,
/// so a new message is a one-line change.
pub fn json(lang: Lang) -> Result<String, String> {
    let mut out = String::from("{\n");
    let entries = entries(lang)?;
    for (i, (key, template)) in entries.iter().enumerate() {
        let key = serde_json::to_string(key).map_err(|err| err.to_string())?;
        let template = serde_json::to_string(template).map_err(|err| err.to_string())?;
        let comma = if i + 1 < entries.len() { "," } else { "" };
        out.push_str(&format!("  {key}: {template}{comma}\n"));
    }
    out.push_str("}\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::template::{MsgValue, Part, Table};
    use super::super::tests::samples;
    use super::*;

    /// Whether `msg` carries a value that picks its sentence (its key then names the choice).
    fn selects(msg: &Msg) -> bool {
        msg.fields()
            .1
            .iter()
            .any(|(_, value)| matches!(MsgValue::part(*value), Part::Selects(_)))
    }

    #[test]
    fn committed_tables_are_made_from_the_rust_sources() {
        let write = std::env::var_os(WRITE_ENV).is_some();
        let mut stale = Vec::new();
        for lang in fetched_languages() {
            let made = json(lang).unwrap_or_else(|err| panic!("{err}"));
            let path = path(lang);
            if write {
                std::fs::create_dir_all(path.parent().expect("public/i18n"))
                    .expect("creating public/i18n");
                std::fs::write(&path, &made)
                    .unwrap_or_else(|err| panic!("writing {}: {err}", path.display()));
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(made.as_str()) {
                stale.push(path.display().to_string());
            }
        }
        assert!(
            stale.is_empty(),
            "these tables differ from src/i18n/*.rs (or are missing): {}\n\
             run `cargo xtask i18n` to write them again, and commit them",
            stale.join(", ")
        );
    }

    #[test]
    fn tables_give_exactly_the_rust_sentences() {
        let mut cases = samples();
        cases.extend([
            Msg::locked_for(605),
            Msg::locked_for(59),
            Msg::locked_for(0),
        ]);
        for lang in Lang::ALL {
            let table = Table::parse(&json(lang).expect("a table")).expect("valid JSON");
            for msg in &cases {
                assert_eq!(
                    table.text(msg).as_deref(),
                    Some(&*text(lang, msg)),
                    "{lang:?}: {msg:?}"
                );
            }
        }
    }

    #[test]
    fn every_message_has_a_key_of_its_own() {
        let markers = Msg::markers();
        let keys: Vec<String> = markers.iter().map(|m| m.key_and_values().0).collect();
        for (i, key) in keys.iter().enumerate() {
            assert!(!keys[i + 1..].contains(key), "{key} twice");
        }
        // Every kind of message has at least one marker, and choices get one each.
        assert!(markers.len() >= samples().len());
        assert!(markers.iter().filter(|m| selects(m)).count() >= 4);
    }
}
