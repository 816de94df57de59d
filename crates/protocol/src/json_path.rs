//! Paths into device JSON answers, held as data in the device profile: keys, array indexes, and
//! `[*]` for "the first entry where the rest of the path finds a non-empty value".
//! The documented QR answer keeps its content inside an array, so plain key paths cannot reach it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::json;
use crate::ParseError;

/// One step of a [`JsonPath`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// An object member, matched case-insensitively.
    Key(String),
    /// The entry at this position of an array.
    Index(usize),
    /// The first entry of an array where the rest of the path finds a non-empty value.
    FirstNonEmpty,
}

/// A path such as `SecurityEmailQrCode.SecurityInformation[*].qrCode`.
#[derive(Clone, PartialEq, Eq)]
pub struct JsonPath {
    steps: Vec<Step>,
}

impl JsonPath {
    /// Parses the dotted form; keys may not be empty, indexes are digits or `*`.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let invalid = || ParseError::InvalidValue {
            context: "device profile",
            field: "JSON path".into(),
            value: text.to_owned(),
        };
        let mut steps = Vec::new();
        for segment in text.split('.') {
            let (key, mut rest) = segment.split_at(segment.find('[').unwrap_or(segment.len()));
            if key.is_empty() {
                return Err(invalid());
            }
            steps.push(Step::Key(key.to_owned()));
            while !rest.is_empty() {
                let close = rest.find(']').ok_or_else(invalid)?;
                let index = rest.get(1..close).ok_or_else(invalid)?;
                steps.push(match index {
                    "*" => Step::FirstNonEmpty,
                    digits => Step::Index(digits.parse().map_err(|_| invalid())?),
                });
                rest = &rest[close + 1..];
                if !rest.is_empty() && !rest.starts_with('[') {
                    return Err(invalid());
                }
            }
        }
        Ok(JsonPath { steps })
    }

    /// The last key of the path: the name of the field it finds.
    pub fn leaf_key(&self) -> Option<&str> {
        self.steps.iter().rev().find_map(|step| match step {
            Step::Key(key) => Some(key.as_str()),
            _ => None,
        })
    }

    /// The value at this path; `None` when a step finds nothing. A `[*]` step on an object (a
    /// one-entry list some firmware sends without brackets) treats it as that one entry.
    pub fn find<'a>(&self, value: &'a Value) -> Option<&'a Value> {
        find(&self.steps, value)
    }

    /// The string at this path, when it is a non-empty string (numbers given as their text).
    pub fn find_text(&self, value: &Value) -> Option<String> {
        match self.find(value)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// Puts `leaf` at this path inside `root`, creating the objects and arrays on the way
    /// (`[*]` writes the first entry). Used to write answers in a profile's shape.
    pub fn insert(&self, root: &mut Value, leaf: Value) {
        insert(&self.steps, root, leaf);
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn find<'a>(steps: &[Step], value: &'a Value) -> Option<&'a Value> {
    let Some((step, rest)) = steps.split_first() else {
        return Some(value);
    };
    match step {
        Step::Key(key) => find(rest, json::get(value, key)?),
        Step::Index(i) => find(rest, value.as_array()?.get(*i)?),
        Step::FirstNonEmpty => match value {
            Value::Array(items) => items
                .iter()
                .filter_map(|item| find(rest, item))
                .find(|found| !is_empty(found)),
            Value::Object(_) => find(rest, value).filter(|found| !is_empty(found)),
            _ => None,
        },
    }
}

fn insert(steps: &[Step], node: &mut Value, leaf: Value) {
    let Some((step, rest)) = steps.split_first() else {
        *node = leaf;
        return;
    };
    match step {
        Step::Key(key) => {
            if !node.is_object() {
                *node = Value::Object(Map::new());
            }
            if let Value::Object(map) = node {
                let child = map.entry(key.clone()).or_insert(Value::Null);
                insert(rest, child, leaf);
            }
        }
        Step::Index(_) | Step::FirstNonEmpty => {
            let at = match step {
                Step::Index(i) => *i,
                _ => 0,
            };
            if !node.is_array() {
                *node = Value::Array(Vec::new());
            }
            if let Value::Array(items) = node {
                if items.len() <= at {
                    items.resize(at + 1, Value::Null);
                }
                insert(rest, &mut items[at], leaf);
            }
        }
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                Step::Key(key) if i == 0 => write!(f, "{key}")?,
                Step::Key(key) => write!(f, ".{key}")?,
                Step::Index(n) => write!(f, "[{n}]")?,
                Step::FirstNonEmpty => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsonPath({self})")
    }
}

impl Serialize for JsonPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for JsonPath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        JsonPath::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The first non-empty text any of `paths` finds, in order.
pub fn first_text(paths: &[JsonPath], value: &Value) -> Option<String> {
    paths.iter().find_map(|path| path.find_text(value))
}

/// The structure of a JSON answer, each leaf replaced by its type's name ("string", "number",
/// "boolean", "null"): two answers of the same shape compare equal whatever their values.
pub fn shape_of(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape_of(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(shape_of).collect()),
        Value::String(_) => Value::from("string"),
        Value::Number(_) => Value::from("number"),
        Value::Bool(_) => Value::from("boolean"),
        Value::Null => Value::from("null"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn path(text: &str) -> JsonPath {
        JsonPath::parse(text).unwrap()
    }

    #[test]
    fn star_takes_the_first_entry_with_a_value() {
        let answer = json!({"SecurityEmailQrCode": {"SecurityInformation": [
            {"emailAddress": "a@example.com", "qrCode": ""},
            {"emailAddress": "b@example.com", "qrCode": "QR-2"}
        ]}});
        let qr = path("SecurityEmailQrCode.SecurityInformation[*].qrCode");
        assert_eq!(qr.find_text(&answer).as_deref(), Some("QR-2"));
        let first = path("SecurityEmailQrCode.SecurityInformation[0].qrCode");
        assert_eq!(first.find_text(&answer), None);
        let mail = path("securityemailqrcode.securityinformation[1].EMAILADDRESS");
        assert_eq!(mail.find_text(&answer).as_deref(), Some("b@example.com"));
    }

    #[test]
    fn star_reads_a_one_entry_list_sent_as_an_object() {
        let answer = json!({"A": {"B": {"c": "x"}}});
        assert_eq!(path("A.B[*].c").find_text(&answer).as_deref(), Some("x"));
    }

    #[test]
    fn paths_round_trip_as_text_and_reject_bad_forms() {
        for text in ["QRCode.content", "A.B[*].c", "A[0][2].b", "x"] {
            assert_eq!(path(text).to_string(), text);
        }
        for bad in ["", "A..b", "A[", "A[x]", "A[0]b", ".a", "A.[0]"] {
            assert!(JsonPath::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn insert_builds_what_find_reads() {
        let mut root = Value::Null;
        let qr = path("SecurityEmailQrCode.SecurityInformation[*].qrCode");
        let mail = path("SecurityEmailQrCode.SecurityInformation[*].emailAddress");
        let server = path("SecurityEmailQrCode.serverEmailAddress");
        qr.insert(&mut root, json!("QR"));
        mail.insert(&mut root, json!("o***@example.com"));
        server.insert(&mut root, json!("pw@example.com"));
        assert_eq!(
            root,
            json!({"SecurityEmailQrCode": {
                "SecurityInformation": [{"qrCode": "QR", "emailAddress": "o***@example.com"}],
                "serverEmailAddress": "pw@example.com"
            }})
        );
        assert_eq!(
            first_text(&[mail, qr], &root).as_deref(),
            Some("o***@example.com")
        );
    }
}
