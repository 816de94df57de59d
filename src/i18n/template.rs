//! Translation tables: a language's sentences as templates keyed by message name, with
//! `{field}` where a message's value goes, and counted phrases (`Key.field.category`) for
//! values that are counts. English is built in; the browser fetches the other languages.

use super::{plural, Lang, Msg};
use protocol::password::Strength;
use std::collections::BTreeMap;

/// Unicode's "first strong isolate" and "pop directional isolate": a value shown inside a
/// right-to-left sentence keeps its own direction ("--allow-origin https://…" stays whole).
const ISOLATE: (char, char) = ('\u{2068}', '\u{2069}');

/// What a value carried by a message does to its sentence.
pub enum Part {
    /// Its text goes where the template says `{field}`; a count also picks its phrase.
    Shown { text: String, count: Option<u64> },
    /// It picks one of several sentences (the table key gets `.` and this name), for values
    /// that are words the language must choose itself, such as a strength level.
    Selects(&'static str),
}

/// A type a [`Msg`] may carry.
pub trait MsgValue {
    fn part(&self) -> Part;
}

/// What the tables must hold for a field of this type (checked by the tests, not compiled
/// into the page): the sentences it chooses between, if it chooses.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub trait FieldKind {
    const CHOICES: &'static [&'static str] = &[];
}

impl MsgValue for String {
    fn part(&self) -> Part {
        Part::Shown {
            text: self.clone(),
            count: None,
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
impl FieldKind for String {}

macro_rules! numbers {
    ($($ty:ty),*) => {
        $(impl MsgValue for $ty {
            fn part(&self) -> Part {
                Part::Shown { text: self.to_string(), count: u64::try_from(*self).ok() }
            }
        }

        #[cfg(all(test, not(target_arch = "wasm32")))]
        impl FieldKind for $ty {})*
    };
}

numbers!(u16, u32, u64, usize);

impl MsgValue for Strength {
    fn part(&self) -> Part {
        Part::Selects(match self {
            Strength::Risky => "risky",
            Strength::Weak => "weak",
            Strength::Medium => "medium",
            Strength::Strong => "strong",
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
impl FieldKind for Strength {
    const CHOICES: &'static [&'static str] = &["risky", "weak", "medium", "strong"];
}

/// One value of a message, ready for its sentence.
struct Value {
    field: &'static str,
    text: String,
    count: Option<u64>,
}

impl Msg {
    /// The message's key in a table and its shown values.
    fn key_and_values(&self) -> (String, Vec<Value>) {
        let mut key = self.name().to_string();
        let mut values = Vec::new();
        self.each_value(&mut |field, value| match value.part() {
            Part::Shown { text, count } => values.push(Value { field, text, count }),
            Part::Selects(choice) => {
                key.push('.');
                key.push_str(choice);
            }
        });
        (key, values)
    }

    /// The message's name, for when even English lacks it (a newer page, an older table).
    pub(super) fn fallback(&self) -> String {
        self.key_and_values().0
    }
}

/// One language's sentences as templates, by key.
#[derive(Debug)]
pub struct Table {
    lang: Lang,
    templates: BTreeMap<String, String>,
}

impl Table {
    /// Reads `lang`'s table from its JSON object (`{"Key": "template", …}`).
    pub fn parse(lang: Lang, json: &str) -> Result<Table, serde_json::Error> {
        let templates = serde_json::from_str(json)?;
        Ok(Table { lang, templates })
    }

    /// The language the table is for.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Every key and its template.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub fn templates(&self) -> &BTreeMap<String, String> {
        &self.templates
    }

    /// The table without `key`, to show that the checks notice a missing sentence.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub fn without(mut self, key: &str) -> Table {
        self.templates.remove(key);
        self
    }

    /// The sentence for `msg`, or `None` when the table lacks it (an older cached table).
    /// A count is shown with its phrase for the language's plural category
    /// (`WrongCodeTriesLeft.left.one` → "1 try"); in a right-to-left language every value
    /// is isolated, so a Latin address or command keeps its order.
    pub fn text(&self, msg: &Msg) -> Option<String> {
        let (key, values) = msg.key_and_values();
        let template = self.templates.get(&key)?;
        let rtl = self.lang.is_rtl();
        let shown: Vec<(&str, String)> = values
            .into_iter()
            .map(|Value { field, text, count }| {
                let text = if rtl {
                    format!("{}{text}{}", ISOLATE.0, ISOLATE.1)
                } else {
                    text
                };
                let phrase = count.and_then(|n| {
                    let category = plural::category(self.lang, n);
                    self.templates.get(&format!("{key}.{field}.{category}"))
                });
                let text = match phrase {
                    Some(phrase) => fill(phrase, &[(field, text)]),
                    None => text,
                };
                (field, text)
            })
            .collect();
        Some(fill(template, &shown))
    }
}

/// Puts each value where the template names its field, in one pass, so a value that itself
/// contains `{…}` (a device's error text) is shown as it is.
pub fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let value = values.iter().find(|(field, _)| *field == name)?;
            Some((close, &value.1))
        });
        match value {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
        pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
    }

    #[test]
    fn fill_puts_each_value_in_its_place() {
        let shown = fill(
            "Step {number} of {total}",
            &values(&[("number", "2"), ("total", "6")]),
        );
        assert_eq!(shown, "Step 2 of 6");
    }

    #[test]
    fn fill_shows_braces_in_values_and_unknown_names_as_they_are() {
        let shown = fill(
            "It said: {detail} {other} {",
            &values(&[("detail", "{detail} {x}")]),
        );
        assert_eq!(shown, "It said: {detail} {x} {other} {");
    }

    #[test]
    fn a_table_fills_its_template_and_lacks_what_it_lacks() {
        let table = Table::parse(
            Lang::Fr,
            r#"{"StepOf": "{number}/{total}", "Strength.weak": "faible"}"#,
        )
        .expect("a valid table");
        let step = Msg::StepOf {
            number: 1,
            total: 7,
        };
        assert_eq!(table.text(&step).as_deref(), Some("1/7"));
        let weak = Msg::Strength {
            level: Strength::Weak,
        };
        assert_eq!(table.text(&weak).as_deref(), Some("faible"));
        assert_eq!(table.text(&Msg::AppTitle), None);
    }

    #[test]
    fn a_count_picks_its_phrase_and_keeps_its_number() {
        let table = Table::parse(
            Lang::Ru,
            r#"{"WrongCodeTriesLeft": "Осталось: {left}.",
                "WrongCodeTriesLeft.left.one": "{left} попытка",
                "WrongCodeTriesLeft.left.few": "{left} попытки",
                "WrongCodeTriesLeft.left.many": "{left} попыток",
                "WrongCodeTriesLeft.left.other": "{left} попытки"}"#,
        )
        .expect("a valid table");
        let shown = |left| table.text(&Msg::WrongCodeTriesLeft { left });
        assert_eq!(shown(1).as_deref(), Some("Осталось: 1 попытка."));
        assert_eq!(shown(3).as_deref(), Some("Осталось: 3 попытки."));
        assert_eq!(shown(5).as_deref(), Some("Осталось: 5 попыток."));
        assert_eq!(shown(21).as_deref(), Some("Осталось: 21 попытка."));
    }

    #[test]
    fn right_to_left_isolates_each_value() {
        let table = Table::parse(Lang::Ar, r#"{"FoundOn": "عبر {adapter}."}"#).expect("valid");
        let msg = Msg::FoundOn {
            adapter: "eth0 (192.168.1.20)".into(),
        };
        assert_eq!(
            table.text(&msg).as_deref(),
            Some("عبر \u{2068}eth0 (192.168.1.20)\u{2069}.")
        );
    }
}
