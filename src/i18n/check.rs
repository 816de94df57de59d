//! The one check of the translation tables (native, in `cargo test`): each table has exactly
//! `Msg`'s keys, each sentence uses exactly its message's `{fields}`, counts have a phrase
//! per plural category, and nothing is left in English unless listed here with a reason.

use super::load::files;
use super::template::Table;
use super::{plural, Lang, MSG_SPECS};
use std::collections::BTreeSet;

/// A message as `Msg` declares it.
pub struct MsgSpec {
    pub name: &'static str,
    pub fields: &'static [FieldSpec],
}

/// One field of a message.
pub struct FieldSpec {
    pub name: &'static str,
    /// The sentences it chooses between (a strength level), or none for a shown value.
    pub choices: &'static [&'static str],
    /// Whether it is a number of things, with a phrase per plural category.
    pub count: bool,
}

/// Texts that may equal the English one: (language tag, key, why).
const SAME_AS_ENGLISH: &[(&str, &str, &str)] = &[
    (
        "fr",
        "LockedFor.minutes.one",
        "« minute » is spelt as in English",
    ),
    (
        "fr",
        "LockedFor.minutes.other",
        "« minutes » is spelt as in English",
    ),
    (
        "fr",
        "TooManyAttempts.minutes.one",
        "« minute » is spelt as in English",
    ),
    (
        "fr",
        "TooManyAttempts.minutes.other",
        "« minutes » is spelt as in English",
    ),
];

/// The directional isolates (LRI, RLI, FSI) and their end (PDI).
const ISOLATE_OPEN: [char; 3] = ['\u{2066}', '\u{2067}', '\u{2068}'];
const ISOLATE_CLOSE: char = '\u{2069}';

/// Every key `lang`'s table must have, with the placeholders its template must use
/// (`None` for a counted phrase, which may use its own field or leave the number out).
fn expected_keys(lang: Lang) -> Vec<(String, Option<BTreeSet<&'static str>>, &'static str)> {
    let mut keys = Vec::new();
    for spec in MSG_SPECS {
        let mut names = vec![spec.name.to_string()];
        for field in spec.fields.iter().filter(|f| !f.choices.is_empty()) {
            names = names
                .iter()
                .flat_map(|name| field.choices.iter().map(move |c| format!("{name}.{c}")))
                .collect();
        }
        let shown: BTreeSet<_> = spec
            .fields
            .iter()
            .filter(|f| f.choices.is_empty())
            .map(|f| f.name)
            .collect();
        for name in names {
            keys.push((name, Some(shown.clone()), ""));
        }
        let categories = plural::categories(lang);
        if categories.len() > 1 {
            for field in spec.fields.iter().filter(|f| f.count) {
                for category in categories {
                    let key = format!("{}.{}.{category}", spec.name, field.name);
                    keys.push((key, None, field.name));
                }
            }
        }
    }
    keys
}

/// The `{field}` names a template uses, or what is wrong with its braces.
fn placeholders(template: &str) -> Result<BTreeSet<&str>, String> {
    let mut names = BTreeSet::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("a `}` without `{`".into());
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("a `{` without `}`")?;
        let name = &after[..close];
        let well_formed = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !well_formed {
            return Err(format!("`{{{name}}}` is not a field name"));
        }
        names.insert(name);
        rest = &after[close + 1..];
    }
    Ok(names)
}

/// Problems of a right-to-left template: isolates that do not pair up, and Latin runs that
/// start or end with punctuation outside an isolate ("Forgot Password?" would read
/// "?Forgot Password", "--allow-origin" "allow-origin--").
fn rtl_problems(template: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut depth = 0usize;
    let mut runs = vec![String::new()];
    let mut in_placeholder = false;
    for c in template.chars() {
        // A placeholder's value is isolated when it is filled in, and its name is not text.
        if c == '{' || c == '}' {
            in_placeholder = c == '{';
            runs.push(String::new());
            continue;
        }
        if in_placeholder {
            continue;
        }
        if ISOLATE_OPEN.contains(&c) {
            depth += 1;
            runs.push(String::new());
        } else if c == ISOLATE_CLOSE {
            if depth == 0 {
                problems.push("an isolate closed that was never opened".into());
            }
            depth = depth.saturating_sub(1);
        } else if depth == 0 && c.is_ascii() {
            if let Some(run) = runs.last_mut() {
                run.push(c);
            }
        } else if depth == 0 {
            runs.push(String::new());
        }
    }
    if depth != 0 {
        problems.push("an isolate is never closed".into());
    }
    let edge = |c: char| c.is_whitespace() || "()[]\"'".contains(c);
    for run in &runs {
        let run = run
            .trim_matches(edge)
            .trim_end_matches(['.', ',', ';', ':']);
        let run = run.trim_matches(edge);
        let has_letter = run.chars().any(|c| c.is_ascii_alphabetic());
        let (Some(first), Some(last)) = (run.chars().next(), run.chars().last()) else {
            continue;
        };
        if has_letter && !(first.is_ascii_alphanumeric() && last.is_ascii_alphanumeric()) {
            problems.push(format!(
                "the Latin run {run:?} needs an isolate (U+2066 … U+2069)"
            ));
        }
    }
    problems
}

/// Every problem of `table` against `Msg` and the English `english`; empty when it is right.
pub fn check(table: &Table, english: &Table) -> Vec<String> {
    let lang = table.lang();
    let mut problems = Vec::new();
    let templates = table.templates();
    let expected = expected_keys(lang);
    let expected_names: BTreeSet<&str> = expected.iter().map(|(k, _, _)| k.as_str()).collect();
    for key in templates.keys() {
        if !expected_names.contains(key.as_str()) {
            problems.push(format!(
                "{key}: not a message (or not a counted field) of Msg"
            ));
        }
    }
    for (key, fields, counted) in &expected {
        let Some(template) = templates.get(key) else {
            problems.push(format!("{key}: missing"));
            continue;
        };
        if template.trim().is_empty() {
            problems.push(format!("{key}: empty"));
        }
        match (placeholders(template), fields) {
            (Err(err), _) => problems.push(format!("{key}: {err}")),
            (Ok(used), Some(fields)) if used != *fields => problems.push(format!(
                "{key}: uses {used:?}, but the message's fields are {fields:?}"
            )),
            (Ok(used), None) if used.iter().any(|name| name != counted) => problems.push(format!(
                "{key}: a counted phrase may only use {{{counted}}}"
            )),
            _ => {}
        }
        let allowed = SAME_AS_ENGLISH
            .iter()
            .any(|(tag, same, _)| *tag == lang.tag() && *same == key.as_str());
        if lang != Lang::En && !allowed && english.templates().get(key) == Some(template) {
            problems.push(format!("{key}: still the English text {template:?}"));
        }
        if lang.is_rtl() {
            for problem in rtl_problems(template) {
                problems.push(format!("{key}: {problem}"));
            }
        }
    }
    problems
}

fn committed(lang: Lang) -> Table {
    let (path, json) = files::json(lang);
    Table::parse(lang, json).unwrap_or_else(|err| panic!("{path} is not a table: {err}"))
}

#[test]
fn every_table_matches_msg() {
    let english = committed(Lang::En);
    let mut report = String::new();
    for lang in Lang::ALL {
        for problem in check(&committed(lang), &english) {
            report.push_str(&format!("\n  {}: {problem}", files::json(lang).0));
        }
    }
    assert!(
        report.is_empty(),
        "the translation tables need work:{report}"
    );
}

#[test]
fn a_missing_translation_fails() {
    let english = committed(Lang::En);
    let german = committed(Lang::De).without("QrIsUrl");
    assert_eq!(check(&german, &english), ["QrIsUrl: missing"]);
    let russian = committed(Lang::Ru).without("WrongCodeTriesLeft.left.few");
    assert_eq!(
        check(&russian, &english),
        ["WrongCodeTriesLeft.left.few: missing"]
    );
}

#[test]
fn a_sentence_left_in_english_or_with_wrong_fields_fails() {
    let english = committed(Lang::En);
    let json = |template: &str| {
        let mut all: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(files::json(Lang::Fr).1).expect("a table");
        all.insert("AskingDevice".into(), template.into());
        serde_json::to_string(&all).expect("JSON")
    };
    let english_text = english.templates()["AskingDevice"].clone();
    let cases = [
        (english_text.as_str(), "still the English text"),
        ("Interrogation de l’appareil…", "uses {}"),
        ("Appareil {adress}…", "uses {\"adress\"}"),
        ("Appareil {address} {x y}…", "is not a field name"),
    ];
    for (template, expected) in cases {
        let table = Table::parse(Lang::Fr, &json(template)).expect("a table");
        let problems = check(&table, &english);
        assert_eq!(problems.len(), 1, "{template}: {problems:?}");
        assert!(problems[0].contains(expected), "{template}: {problems:?}");
    }
}

#[test]
fn latin_runs_in_right_to_left_need_isolates() {
    assert!(rtl_problems("انقر على \"Forgot Password?\".")[0].contains("Forgot Password?"));
    assert!(!rtl_problems("شغّل مع الخيار --allow-origin {origin}").is_empty());
    assert!(rtl_problems("انقر على \"\u{2066}Forgot Password?\u{2069}\".").is_empty());
    assert!(rtl_problems("كاميرا Hikvision أو جهاز NVR (reset-proxy.exe).").is_empty());
    assert!(!rtl_problems("\u{2066}open").is_empty());
}
