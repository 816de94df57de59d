//! Lenient lookups in device JSON: keys match case-insensitively and numbers may be strings.
//! Kept apart from the types so every JSON answer is read the same forgiving way.

use serde_json::Value;

use crate::ParseError;

/// Parses a JSON body, naming the answer in the error.
pub(crate) fn parse(body: &str, context: &'static str) -> Result<Value, ParseError> {
    let body = body.trim_start_matches('\u{feff}');
    if body.trim().is_empty() {
        return Err(ParseError::Empty { context });
    }
    serde_json::from_str(body).map_err(|e| ParseError::Json {
        context,
        detail: e.to_string(),
    })
}

/// The member `key` of an object, matching the key case-insensitively.
pub(crate) fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    let object = value.as_object()?;
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// A string member; numbers and booleans are given as their text.
pub(crate) fn string(value: &Value, key: &str) -> Option<String> {
    match get(value, key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
