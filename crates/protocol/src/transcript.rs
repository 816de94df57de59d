//! Support transcripts: a wizard session's device exchange with every secret replaced by a
//! numbered placeholder (`{{code.1}}`), for bug reports, devsim's replay and protocol fixtures.
//!
//! # Redaction rules
//! - Recorded: method, path with query, request and answer content types, both bodies, the
//!   HTTP status, and the names of cookies the device set. Never headers otherwise.
//! - In JSON and XML bodies, the values of secret fields are replaced wherever they sit: any key
//!   or element whose name holds `password` (not `is…` flags, `…Len…`, `…Limit`, `…Num`,
//!   `…Level`), `answer` (not limits), `securityCode`/`verificationCode`/`resetCode`, `salt`,
//!   `salt2`, `challenge`, `sessionID`/`session`/`token`, `emailAddress`/`email`, the GUID file
//!   key and the QR content key from the [`DeviceProfile`], and `QRCode` when it holds a string.
//! - In the query: `iv`. Cookie values the device set. A `Basic` authorization's password is
//!   learnt (never written) so that it is swept below.
//! - A GUID file export's answer, any body that is not UTF-8, and any body that looks like JSON
//!   or XML but cannot be read become one placeholder.
//! - Then every secret value learnt so far in the session (4 characters or more, also in its
//!   XML- and JSON-escaped forms) is replaced wherever else it appears: in paths, in error
//!   messages that echo it, in later exchanges. At most [`MAX_SECRETS`] values of at most
//!   [`MAX_SECRET_LEN`] bytes are kept for this; once a secret no longer fits,
//!   [`Redactor::is_full`] says so and a transcript ends there, marked truncated.
//! - The same value always gets the same placeholder within a session, so a reader (and devsim)
//!   can see that the `sessionID` of a login is the one the challenge gave.

use std::collections::HashMap;
use std::fmt;

use quick_xml::events::Event;
use quick_xml::Reader;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::isapi::paths;
use crate::profile::DeviceProfile;
use crate::ParseError;

/// What the `format` field of a transcript document says.
pub const FORMAT: &str = "reset-wizard-transcript";
/// The version of the transcript format.
pub const VERSION: u32 = 1;

/// Secret values shorter than this are only redacted in their own field, never swept from
/// other text (a one-digit answer would otherwise eat every status code).
const MIN_SWEEP_LEN: usize = 4;

/// The most secret values (each escaped form counts) a redactor keeps to sweep later text with:
/// a session learns a few dozen; a device answering junk must not grow the store, or the sweep
/// over it, without end.
pub const MAX_SECRETS: usize = 256;
/// The longest secret value kept for sweeping; a longer one (a whole unreadable body) is
/// replaced where it stands and not looked for elsewhere.
pub const MAX_SECRET_LEN: usize = 4 * 1024;

/// One device call and its answer, redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exchange {
    /// Which wizard session this was (1, 2, … in order of appearance; never the session id).
    #[serde(default)]
    pub session: u32,
    /// The HTTP method.
    pub method: String,
    /// The device path and query, redacted.
    pub path: String,
    /// The request's content type, when it had a body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_content_type: Option<String>,
    /// The request body, redacted.
    #[serde(default)]
    pub request_body: String,
    /// The device's HTTP status.
    pub status: u16,
    /// The answer's content type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The answer body, redacted.
    #[serde(default)]
    pub response_body: String,
    /// Cookies the device set, as `name={{session.N}}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set_cookies: Vec<String>,
}

impl Exchange {
    /// The path without its query.
    pub fn path_only(&self) -> &str {
        self.path.split('?').next().unwrap_or_default()
    }
}

/// A whole transcript as one JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transcript {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`] of the writer.
    pub version: u32,
    /// Whether exchanges were left out because the recording reached its size limit.
    #[serde(default)]
    pub truncated: bool,
    /// The exchanges, in the order they happened.
    pub exchanges: Vec<Exchange>,
}

impl Transcript {
    /// A transcript of these exchanges.
    pub fn new(exchanges: Vec<Exchange>, truncated: bool) -> Self {
        Transcript {
            format: FORMAT.into(),
            version: VERSION,
            truncated,
            exchanges,
        }
    }

    /// Reads a transcript written as one JSON document or as JSON lines (one exchange a line;
    /// blank lines skipped).
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        const CONTEXT: &str = "transcript";
        let text = text.trim_start_matches('\u{feff}');
        if let Ok(doc) = serde_json::from_str::<Transcript>(text) {
            if doc.format != FORMAT {
                return Err(ParseError::InvalidValue {
                    context: CONTEXT,
                    field: "format".into(),
                    value: doc.format,
                });
            }
            return Ok(doc);
        }
        let mut exchanges = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let exchange = serde_json::from_str(line).map_err(|e| ParseError::Json {
                context: CONTEXT,
                detail: format!("line {}: {e}", n + 1),
            })?;
            exchanges.push(exchange);
        }
        if exchanges.is_empty() {
            return Err(ParseError::Empty { context: CONTEXT });
        }
        Ok(Transcript::new(exchanges, false))
    }

    /// The document form, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// The kinds of secret a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SecretKind {
    /// A password, or a login hash in a password field.
    Password,
    /// A reset code.
    Code,
    /// A security-question answer.
    Answer,
    /// A salt.
    Salt,
    /// A login challenge.
    Challenge,
    /// An IV or other per-request random value.
    Nonce,
    /// A session id or cookie value.
    Session,
    /// A GUID file.
    Guid,
    /// The reset QR code's content.
    Qr,
    /// An e-mail address.
    Email,
    /// A body that is not text.
    Blob,
}

impl SecretKind {
    /// Every kind.
    pub const ALL: [SecretKind; 11] = [
        SecretKind::Password,
        SecretKind::Code,
        SecretKind::Answer,
        SecretKind::Salt,
        SecretKind::Challenge,
        SecretKind::Nonce,
        SecretKind::Session,
        SecretKind::Guid,
        SecretKind::Qr,
        SecretKind::Email,
        SecretKind::Blob,
    ];

    /// The name inside a placeholder.
    pub fn name(self) -> &'static str {
        match self {
            SecretKind::Password => "password",
            SecretKind::Code => "code",
            SecretKind::Answer => "answer",
            SecretKind::Salt => "salt",
            SecretKind::Challenge => "challenge",
            SecretKind::Nonce => "nonce",
            SecretKind::Session => "session",
            SecretKind::Guid => "guid",
            SecretKind::Qr => "qr",
            SecretKind::Email => "email",
            SecretKind::Blob => "blob",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        SecretKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// `{{kind.n}}`: the n-th distinct secret of that kind in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Placeholder {
    /// What it stands for.
    pub kind: SecretKind,
    /// Which one (from 1).
    pub n: u32,
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{{{}.{}}}}}", self.kind.name(), self.n)
    }
}

/// Every placeholder in `text` with its byte range, in order.
pub fn placeholders(text: &str) -> Vec<(std::ops::Range<usize>, Placeholder)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("{{").map(|i| i + from) {
        let Some(end) = text[start + 2..].find("}}").map(|i| i + start + 2) else {
            break;
        };
        let inner = &text[start + 2..end];
        let parsed = inner.split_once('.').and_then(|(kind, n)| {
            Some(Placeholder {
                kind: SecretKind::from_name(kind)?,
                n: n.parse().ok()?,
            })
        });
        match parsed {
            Some(p) => {
                found.push((start..end + 2, p));
                from = end + 2;
            }
            None => from = start + 2,
        }
    }
    found
}

/// Replaces every placeholder in `text` with `value(placeholder)`.
pub fn fill(text: &str, mut value: impl FnMut(Placeholder) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (range, p) in placeholders(text) {
        out.push_str(&text[last..range.start]);
        out.push_str(&value(p));
        last = range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Whether `actual` fits the recorded `pattern`, each placeholder standing for any text.
/// JSON bodies are compared as values (key order does not matter); others as text.
pub fn fits(pattern: &str, actual: &str) -> bool {
    if let (Ok(p), Ok(a)) = (
        serde_json::from_str::<Value>(pattern),
        serde_json::from_str::<Value>(actual),
    ) {
        return value_fits(&p, &a);
    }
    text_fits(pattern, actual)
}

fn value_fits(pattern: &Value, actual: &Value) -> bool {
    match (pattern, actual) {
        (Value::String(p), a) if !placeholders(p).is_empty() => match a {
            Value::String(a) => text_fits(p, a),
            other => text_fits(p, &other.to_string()),
        },
        (Value::Object(p), Value::Object(a)) => {
            p.len() == a.len()
                && p.iter()
                    .all(|(k, pv)| a.get(k).is_some_and(|av| value_fits(pv, av)))
        }
        (Value::Array(p), Value::Array(a)) => {
            p.len() == a.len() && p.iter().zip(a).all(|(pv, av)| value_fits(pv, av))
        }
        (p, a) => p == a,
    }
}

fn text_fits(pattern: &str, actual: &str) -> bool {
    let marks = placeholders(pattern);
    if marks.is_empty() {
        return pattern == actual;
    }
    let mut literals = Vec::with_capacity(marks.len() + 1);
    let mut last = 0;
    for (range, _) in &marks {
        literals.push(&pattern[last..range.start]);
        last = range.end;
    }
    literals.push(&pattern[last..]);
    let (first, rest) = literals.split_first().unwrap_or((&"", &[]));
    let Some(mut at) = actual.strip_prefix(*first).map(|_| first.len()) else {
        return false;
    };
    let (tail, middle) = rest.split_last().unwrap_or((&"", &[]));
    for literal in middle {
        match actual[at..].find(*literal) {
            Some(i) => at += i + literal.len(),
            None => return false,
        }
    }
    actual.len() - at >= tail.len() && actual[at..].ends_with(*tail)
}

/// One exchange as it happened, before redaction.
#[derive(Debug, Clone, Copy)]
pub struct RawExchange<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The path and query sent to the device.
    pub path_and_query: &'a str,
    /// The request's content type.
    pub request_content_type: Option<&'a str>,
    /// The request body.
    pub request_body: &'a [u8],
    /// The `Authorization` header sent, if any (learnt, never written).
    pub authorization: Option<&'a str>,
    /// The device's HTTP status.
    pub status: u16,
    /// The answer's content type.
    pub content_type: Option<&'a str>,
    /// The answer body.
    pub response_body: &'a [u8],
    /// The `Set-Cookie` values the device sent.
    pub set_cookies: &'a [String],
}

/// Redacts the exchanges of one session, numbering secrets consistently across them.
#[derive(Debug, Clone)]
pub struct Redactor {
    session: u32,
    guid_key: String,
    qr_keys: Vec<String>,
    known: HashMap<String, Placeholder>,
    counts: HashMap<SecretKind, u32>,
    full: bool,
}

impl Redactor {
    /// A redactor for session number `session`, knowing the profile's field names.
    pub fn new(profile: &DeviceProfile, session: u32) -> Self {
        Redactor {
            session,
            guid_key: profile.guid_reset_file_key.to_ascii_lowercase(),
            qr_keys: profile
                .qr_answer
                .content
                .iter()
                .filter_map(|path| path.leaf_key())
                .map(str::to_ascii_lowercase)
                .collect(),
            known: HashMap::new(),
            counts: HashMap::new(),
            full: false,
        }
    }

    /// Learns `value` as a secret of `kind` without writing it anywhere: later text holding it
    /// is swept. Returns its placeholder. A value longer than [`MAX_SECRET_LEN`], or any new
    /// value once [`MAX_SECRETS`] are kept, gets a placeholder of its own but is not kept (see
    /// [`Redactor::is_full`]).
    pub fn learn(&mut self, kind: SecretKind, value: &str) -> Placeholder {
        if let Some(p) = self.known.get(value) {
            return *p;
        }
        let n = self.counts.entry(kind).or_insert(0);
        *n = n.saturating_add(1);
        let placeholder = Placeholder { kind, n: *n };
        if value.len() > MAX_SECRET_LEN {
            return placeholder;
        }
        let xml = quick_xml::escape::escape(value).into_owned();
        let json = serde_json::to_string(value).unwrap_or_default();
        let json = json.trim_matches('"').to_owned();
        let mut forms = vec![value.to_owned()];
        for variant in [xml, json] {
            if !forms.contains(&variant) && variant.len() <= MAX_SECRET_LEN {
                forms.push(variant);
            }
        }
        if self.known.len() + forms.len() > MAX_SECRETS {
            self.full = true;
            return placeholder;
        }
        for form in forms {
            self.known.entry(form).or_insert(placeholder);
        }
        placeholder
    }

    /// How many secret values (with their escaped forms) are kept for sweeping.
    pub fn kept_count(&self) -> usize {
        self.known.len()
    }

    /// How many bytes of secret text are kept for sweeping.
    pub fn kept_bytes(&self) -> usize {
        self.known.keys().map(String::len).sum()
    }

    /// Whether this redactor has had to leave a secret out of its store because the store was
    /// full. Text redacted from then on may echo a secret it no longer sweeps, so a transcript
    /// should end there and say it was truncated.
    pub fn is_full(&self) -> bool {
        self.full
    }

    /// The redacted form of one exchange.
    pub fn redact(&mut self, raw: &RawExchange<'_>) -> Exchange {
        if let Some(password) = raw.authorization.and_then(basic_password) {
            self.learn(SecretKind::Password, &password);
        }
        let path = self.redact_query(raw.path_and_query);
        let request_body = self.redact_body(raw.request_body, false, &path);
        let set_cookies = raw
            .set_cookies
            .iter()
            .filter_map(|cookie| {
                let (name, rest) = cookie.split_once('=')?;
                let value = rest.split(';').next().unwrap_or_default().trim();
                let p = self.learn(SecretKind::Session, value);
                Some(format!("{}={p}", name.trim()))
            })
            .collect();
        let response_body = self.redact_body(raw.response_body, true, &path);
        let mut exchange = Exchange {
            session: self.session,
            method: raw.method.to_owned(),
            path,
            request_content_type: raw.request_content_type.map(str::to_owned),
            request_body,
            status: raw.status,
            content_type: raw.content_type.map(str::to_owned),
            response_body,
            set_cookies,
        };
        // Secrets learnt from the answer may also sit in the request (and the other way round).
        exchange.path = self.sweep(&exchange.path);
        exchange.request_body = self.sweep(&exchange.request_body);
        exchange.response_body = self.sweep(&exchange.response_body);
        exchange
    }

    fn redact_query(&mut self, path_and_query: &str) -> String {
        let Some((path, query)) = path_and_query.split_once('?') else {
            return path_and_query.to_owned();
        };
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, value)) if key.eq_ignore_ascii_case("iv") && !value.is_empty() => {
                    format!("{key}={}", self.learn(SecretKind::Nonce, value))
                }
                _ => pair.to_owned(),
            })
            .collect();
        format!("{path}?{}", pairs.join("&"))
    }

    fn redact_body(&mut self, body: &[u8], answer: bool, path: &str) -> String {
        if body.is_empty() {
            return String::new();
        }
        let Ok(text) = std::str::from_utf8(body) else {
            return self.whole(SecretKind::Blob, &String::from_utf8_lossy(body));
        };
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        let structured = trimmed.starts_with('{') || trimmed.starts_with('<');
        let path_only = path.split('?').next().unwrap_or_default();
        if answer && path_only == paths::GUID_FILE_DATA && !structured {
            return self.whole(SecretKind::Guid, text);
        }
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            if let Ok(mut value) = serde_json::from_str::<Value>(trimmed) {
                self.redact_json(&mut value, None);
                return value.to_string();
            }
        }
        if trimmed.starts_with('<') {
            if let Some(redacted) = self.redact_xml(text) {
                return redacted;
            }
        }
        if structured {
            // Looks like XML or JSON but cannot be read: secrets could sit anywhere in it.
            return self.whole(SecretKind::Blob, text);
        }
        text.to_owned()
    }

    fn whole(&mut self, kind: SecretKind, text: &str) -> String {
        self.learn(kind, text).to_string()
    }

    fn redact_json(&mut self, value: &mut Value, key: Option<&str>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    self.redact_json(v, Some(k));
                }
            }
            Value::Array(items) => {
                for v in items {
                    self.redact_json(v, key);
                }
            }
            Value::String(s) if !s.is_empty() => {
                if let Some(kind) = key.and_then(|k| self.kind_of(k, true)) {
                    *s = self.learn(kind, s).to_string();
                }
            }
            Value::Number(n) => {
                if let Some(kind) = key.and_then(|k| self.kind_of(k, false)) {
                    *value = Value::from(self.learn(kind, &n.to_string()).to_string());
                }
            }
            _ => {}
        }
    }

    /// Replaces the text of secret elements; `None` when the XML cannot be scanned.
    fn redact_xml(&mut self, xml: &str) -> Option<String> {
        let mut reader = Reader::from_str(xml);
        let config = reader.config_mut();
        config.check_end_names = false;
        config.allow_unmatched_ends = true;
        // (start of content, element kind, whether a child opened) per open element.
        let mut stack: Vec<(usize, Option<SecretKind>, bool)> = Vec::new();
        let mut spans: Vec<(std::ops::Range<usize>, SecretKind)> = Vec::new();
        loop {
            let before = usize::try_from(reader.buffer_position()).ok()?;
            let event = reader.read_event().ok()?;
            let after = usize::try_from(reader.buffer_position()).ok()?;
            match event {
                Event::Start(start) => {
                    if let Some(parent) = stack.last_mut() {
                        parent.2 = true;
                    }
                    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                    stack.push((after, self.kind_of(&name, true), false));
                }
                Event::End(_) => {
                    if let Some((from, Some(kind), false)) = stack.pop() {
                        if from < before {
                            spans.push((from..before, kind));
                        }
                    }
                }
                Event::Empty(_) => {
                    if let Some(parent) = stack.last_mut() {
                        parent.2 = true;
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let mut out = String::with_capacity(xml.len());
        let mut last = 0;
        for (range, kind) in spans {
            let raw = xml.get(range.clone())?;
            out.push_str(xml.get(last..range.start)?);
            if raw.trim().is_empty() {
                out.push_str(raw);
            } else {
                let value = quick_xml::escape::unescape(raw.trim())
                    .map(|v| v.into_owned())
                    .unwrap_or_else(|_| raw.trim().to_owned());
                out.push_str(&self.learn(kind, &value).to_string());
            }
            last = range.end;
        }
        out.push_str(xml.get(last..)?);
        Some(out)
    }

    /// Which secret a field named `name` holds; `text` when its value is a string (a `QRCode`
    /// object is a wrapper, a `QRCode` string is the content).
    fn kind_of(&self, name: &str, text: bool) -> Option<SecretKind> {
        let k = name.to_ascii_lowercase();
        let counter = k.starts_with("is")
            || k.contains("len")
            || k.ends_with("limit")
            || k.ends_with("num")
            || k.ends_with("level")
            || k.ends_with("version")
            || k.ends_with("times");
        if k == self.guid_key || k == "guidfiledata" || k == "guid" {
            return Some(SecretKind::Guid);
        }
        if self.qr_keys.contains(&k) || (text && k == "qrcode") {
            return Some(SecretKind::Qr);
        }
        let kind = match k.as_str() {
            "securitycode" | "verificationcode" | "resetcode" => SecretKind::Code,
            "salt" | "salt2" => SecretKind::Salt,
            "challenge" => SecretKind::Challenge,
            "iv" => SecretKind::Nonce,
            "sessionid" | "session" | "token" | "cookie" => SecretKind::Session,
            "emailaddress" | "email" => SecretKind::Email,
            _ if counter => return None,
            _ if k.contains("password") => SecretKind::Password,
            _ if k.contains("answer") => SecretKind::Answer,
            _ => return None,
        };
        Some(kind)
    }

    /// Replaces every learnt secret (long enough to be unambiguous) wherever it appears, e.g.
    /// in a message about an answer redacted earlier.
    pub fn sweep(&self, text: &str) -> String {
        let mut secrets: Vec<(&String, &Placeholder)> = self
            .known
            .iter()
            .filter(|(value, _)| value.chars().count() >= MIN_SWEEP_LEN)
            .collect();
        // Longest first, so a secret that contains another is replaced whole.
        secrets.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0)));
        let mut out = text.to_owned();
        for (value, placeholder) in secrets {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), &placeholder.to_string());
            }
        }
        out
    }
}

/// The password of a `Basic` authorization value.
fn basic_password(authorization: &str) -> Option<String> {
    use base64::Engine as _;
    let (scheme, encoded) = authorization.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    decoded.split_once(':').map(|(_, p)| p.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_round_trip_through_their_text() {
        let p = Placeholder {
            kind: SecretKind::Code,
            n: 2,
        };
        assert_eq!(p.to_string(), "{{code.2}}");
        let text = format!("a {p} b {{{{nope}}}} {{{{qr.1}}}}");
        let found: Vec<Placeholder> = placeholders(&text).into_iter().map(|(_, p)| p).collect();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0], p);
        assert_eq!(
            fill(&text, |p| p.kind.name().to_uppercase()),
            "a CODE b {{nope}} QR"
        );
    }

    #[test]
    fn a_pattern_fits_whatever_its_placeholders_stand_for() {
        assert!(fits("<a>{{code.1}}</a><b>x</b>", "<a>ANY</a><b>x</b>"));
        assert!(!fits("<a>{{code.1}}</a><b>x</b>", "<a>ANY</a><b>y</b>"));
        assert!(fits(
            r#"{"A":{"c":"{{code.1}}","p":"{{password.1}}"}}"#,
            r#"{"A":{"p":"pw","c":"12"}}"#
        ));
        assert!(!fits(
            r#"{"A":{"c":"{{code.1}}"}}"#,
            r#"{"A":{"c":"1","d":2}}"#
        ));
        assert!(fits("plain", "plain"));
    }
}
