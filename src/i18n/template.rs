//! Translation tables: a language's sentences as templates keyed by message name, with
//! `{field}` where a message's value goes. The browser fetches the tables of languages other
//! than English; natively they are made from the Rust sources (see `tables.rs`).

use super::Msg;
use protocol::password::Strength;
#[cfg(any(test, target_arch = "wasm32"))]
use std::collections::BTreeMap;
use std::fmt;

/// Seconds of a minute (0 to 59), always shown with two digits: "2 min 05 s".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TwoDigits(u32);

impl TwoDigits {
    /// The seconds past the minute of `seconds` (so always below 60).
    pub fn of(seconds: u64) -> TwoDigits {
        TwoDigits((seconds % 60) as u32)
    }
}

impl fmt::Display for TwoDigits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

/// What a value carried by a message does to its sentence.
pub enum Part {
    /// Its text goes where the template says `{field}`.
    Shown(String),
    /// It picks one of several sentences (the table key gets `.` and this name), for values
    /// that are words the language must choose itself, such as a strength level.
    Selects(&'static str),
}

/// A type a [`Msg`] may carry.
pub trait MsgValue {
    fn part(&self) -> Part;
}

impl MsgValue for String {
    fn part(&self) -> Part {
        Part::Shown(self.clone())
    }
}

macro_rules! shown_with_display {
    ($($ty:ty),*) => {
        $(impl MsgValue for $ty {
            fn part(&self) -> Part {
                Part::Shown(self.to_string())
            }
        })*
    };
}

shown_with_display!(u16, u32, u64, usize, TwoDigits);

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

impl Msg {
    /// The message's key in a table and the text of each of its `{field}`s.
    pub(super) fn key_and_values(&self) -> (String, Vec<(&'static str, String)>) {
        let mut key = self.name().to_string();
        let mut values = Vec::new();
        self.each_value(&mut |field, value| match value.part() {
            Part::Shown(text) => values.push((field, text)),
            Part::Selects(choice) => {
                key.push('.');
                key.push_str(choice);
            }
        });
        (key, values)
    }
}

/// One language's sentences as templates, by key.
#[cfg(any(test, target_arch = "wasm32"))]
#[derive(Debug)]
pub struct Table(BTreeMap<String, String>);

#[cfg(any(test, target_arch = "wasm32"))]
impl Table {
    /// Reads a table from its JSON object (`{"Key": "template", …}`).
    pub fn parse(json: &str) -> Result<Table, serde_json::Error> {
        serde_json::from_str(json).map(Table)
    }

    /// The sentence for `msg`, or `None` when the table lacks it (an older cached table).
    pub fn text(&self, msg: &Msg) -> Option<String> {
        let (key, values) = msg.key_and_values();
        self.0.get(&key).map(|template| fill(template, &values))
    }
}

/// Puts each value where the template names its field, in one pass, so a value that itself
/// contains `{…}` (a device's error text) is shown as it is.
#[cfg(any(test, target_arch = "wasm32"))]
pub fn fill(template: &str, values: &[(&'static str, String)]) -> String {
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

/// A value standing in for a field while a template is made: its text must not occur in any
/// sentence by chance (the tables' round-trip test would catch it if it did).
#[cfg(not(target_arch = "wasm32"))]
pub trait Marker: Sized {
    /// How many sentences this value chooses between (1 for values shown as text).
    const CHOICES: usize = 1;

    /// The marker for field `name`; for choosing values, choice number `choice` (modulo
    /// [`Marker::CHOICES`], so a message with two choosing values still gets every choice
    /// of the one with more).
    fn marker(name: &'static str, choice: usize) -> Self;
}

#[cfg(not(target_arch = "wasm32"))]
impl Marker for String {
    /// The placeholder itself, so the sentence already reads as the template.
    fn marker(name: &'static str, _choice: usize) -> Self {
        format!("{{{name}}}")
    }
}

/// A number made from the field's name, long (10 digits, 5 for `u16`) so that it is unlike any
/// number a sentence holds; `tables_give_exactly_the_rust_sentences` would notice if it were.
#[cfg(not(target_arch = "wasm32"))]
fn marker_number(name: &str, base: u64, span: u64) -> u64 {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    base + hash % span
}

#[cfg(not(target_arch = "wasm32"))]
macro_rules! numeric_marker {
    ($($ty:ty => ($base:expr, $span:expr)),*) => {
        $(impl Marker for $ty {
            fn marker(name: &'static str, _choice: usize) -> Self {
                marker_number(name, $base, $span) as $ty
            }
        })*
    };
}

#[cfg(not(target_arch = "wasm32"))]
numeric_marker!(
    u16 => (40_000, 20_000),
    u32 => (3_000_000_000, 1_000_000_000),
    u64 => (3_000_000_000, 1_000_000_000),
    usize => (3_000_000_000, 1_000_000_000)
);

#[cfg(not(target_arch = "wasm32"))]
impl Marker for TwoDigits {
    fn marker(name: &'static str, _choice: usize) -> Self {
        TwoDigits(marker_number(name, 3_000_000_000, 1_000_000_000) as u32)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Marker for Strength {
    const CHOICES: usize = 4;

    fn marker(_name: &'static str, choice: usize) -> Self {
        [
            Strength::Risky,
            Strength::Weak,
            Strength::Medium,
            Strength::Strong,
        ][choice % Self::CHOICES]
    }
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
    fn two_digits_pads_seconds() {
        assert_eq!(TwoDigits::of(5).to_string(), "05");
        assert_eq!(TwoDigits::of(125).to_string(), "05");
        assert_eq!(TwoDigits::of(59).to_string(), "59");
    }

    #[test]
    fn a_table_fills_its_template_and_lacks_what_it_lacks() {
        let table = Table::parse(r#"{"StepOf": "{number}/{total}", "Strength.weak": "faible"}"#)
            .expect("a valid table");
        assert_eq!(
            table
                .text(&Msg::StepOf {
                    number: 1,
                    total: 7
                })
                .as_deref(),
            Some("1/7")
        );
        assert_eq!(
            table
                .text(&Msg::Strength {
                    level: Strength::Weak
                })
                .as_deref(),
            Some("faible")
        );
        assert_eq!(table.text(&Msg::AppTitle), None);
    }
}
