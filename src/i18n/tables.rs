//! The translation tables the browser fetches, made from the Rust sources (compiled natively
//! only): each language's sentence for every message, with markers in its values turned into
//! `{field}` placeholders. `cargo xtask i18n` writes them (`src/i18n/en.json`, built into the
//! page, and `public/i18n/<tag>.json`, fetched); a test fails while a committed table differs
//! from what the sources make.

use super::{text, Lang, Msg};
use std::path::PathBuf;

/// Set (to anything) while running this module's tests to write the tables instead of
/// comparing them; `cargo xtask i18n` does that.
pub const WRITE_ENV: &str = "WIZARD_I18N_WRITE";

/// Where `lang`'s table lives in the source tree: English's beside the module that builds it
/// into the wasm, the others in `public/`, which Trunk copies into the build.
pub fn path(lang: Lang) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    match lang {
        Lang::En => root.join("src").join("i18n").join("en.json"),
        _ => root
            .join("public")
            .join("i18n")
            .join(format!("{}.json", lang.tag())),
    }
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
    use super::super::template::{Part, Table};
    use super::super::tests::samples;
    use super::*;

    /// Whether `msg` carries a value that picks its sentence (its key then names the choice).
    fn selects(msg: &Msg) -> bool {
        let mut selects = false;
        msg.each_value(&mut |_, value| {
            selects |= matches!(value.part(), Part::Selects(_));
        });
        selects
    }

    #[test]
    fn committed_tables_are_made_from_the_rust_sources() {
        let write = std::env::var_os(WRITE_ENV).is_some();
        let mut stale = Vec::new();
        for lang in Lang::ALL {
            let made = json(lang).unwrap_or_else(|err| panic!("{err}"));
            let path = path(lang);
            if write {
                std::fs::create_dir_all(path.parent().expect("a folder"))
                    .expect("creating the tables' folder");
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
