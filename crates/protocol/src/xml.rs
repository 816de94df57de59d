//! A small, namespace-blind XML tree reader and writer helpers for device answers.
//! Devices differ in namespaces, prefixes and letter case, so lookups use local names only.

use std::fmt::Write as _;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;
use serde::{Deserialize, Serialize};

use crate::ParseError;

/// Deeper elements than this are skipped: no device answer nests this far, and a flat
/// tree keeps hostile input from exhausting the stack.
const MAX_DEPTH: usize = 32;

/// The `xmlns` a serialised ISAPI document declares; readers never look at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum XmlNamespace {
    /// `http://www.hikvision.com/ver20/XMLSchema`, version 2.0.
    HikvisionVer20,
    /// `http://www.isapi.org/ver20/XMLSchema`, version 2.0 (what current firmware sends).
    #[default]
    IsapiVer20,
    /// `http://www.std-cgi.org/ver20/XMLSchema`, version 2.0.
    StdCgiVer20,
    /// `urn:psialliance-org`, version 1.0 (older firmware).
    PsiaV10,
    /// No `xmlns` and no `version` attribute at all.
    None,
}

impl XmlNamespace {
    /// Every namespace seen in the wild, for tests and for devsim profiles.
    pub const ALL: [XmlNamespace; 5] = [
        XmlNamespace::HikvisionVer20,
        XmlNamespace::IsapiVer20,
        XmlNamespace::StdCgiVer20,
        XmlNamespace::PsiaV10,
        XmlNamespace::None,
    ];

    /// The namespace URI, or `None` when no `xmlns` is written.
    pub fn uri(self) -> Option<&'static str> {
        match self {
            XmlNamespace::HikvisionVer20 => Some("http://www.hikvision.com/ver20/XMLSchema"),
            XmlNamespace::IsapiVer20 => Some("http://www.isapi.org/ver20/XMLSchema"),
            XmlNamespace::StdCgiVer20 => Some("http://www.std-cgi.org/ver20/XMLSchema"),
            XmlNamespace::PsiaV10 => Some("urn:psialliance-org"),
            XmlNamespace::None => None,
        }
    }

    /// The `version` attribute that goes with the namespace.
    pub fn version(self) -> Option<&'static str> {
        match self {
            XmlNamespace::PsiaV10 => Some("1.0"),
            XmlNamespace::None => None,
            _ => Some("2.0"),
        }
    }
}

/// One element of a parsed document: local name, attributes, text and children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    fn open(start: &BytesStart<'_>) -> Self {
        let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
        let attrs = start
            .attributes()
            .with_checks(false)
            .flatten()
            .filter(|a| a.key.as_namespace_binding().is_none())
            .map(|a| {
                let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
                let value = match a.unescape_value() {
                    Ok(v) => v.into_owned(),
                    Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
                };
                (key, value)
            })
            .collect();
        Element {
            name,
            attrs,
            ..Element::default()
        }
    }

    /// Whether this element's local name is `name`, ignoring ASCII case.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The shallowest descendant named `name` (case-insensitive), so answers that nest a
    /// field one level deeper than expected still parse.
    pub fn find(&self, name: &str) -> Option<&Element> {
        let mut level: Vec<&Element> = self.children.iter().collect();
        while !level.is_empty() {
            if let Some(hit) = level.iter().find(|e| e.is(name)) {
                return Some(hit);
            }
            level = level.iter().flat_map(|e| e.children.iter()).collect();
        }
        None
    }

    /// The trimmed text of this element, `None` when empty.
    pub fn value(&self) -> Option<&str> {
        let t = self.text.trim();
        (!t.is_empty()).then_some(t)
    }

    /// The trimmed, non-empty text of the descendant `name`.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.find(name).and_then(Element::value)
    }

    /// The descendant `name` read leniently as a boolean.
    pub fn bool_of(&self, name: &str) -> Option<bool> {
        self.text_of(name).and_then(lenient_bool)
    }

    /// The descendant `name` read as an unsigned number.
    pub fn u32_of(&self, name: &str) -> Option<u32> {
        self.text_of(name).and_then(|t| t.parse().ok())
    }

    /// The attribute `name` (case-insensitive), trimmed.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }
}

/// Reads a boolean the way sloppy firmware writes it (`true`, `1`, even `flase`).
pub(crate) fn lenient_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" | "ture" => Some(true),
        "false" | "0" | "no" | "off" | "flase" | "fasle" => Some(false),
        _ => None,
    }
}

/// How forgiving [`parse`] is with broken documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leniency {
    /// A truncated or broken document is an error (HTTP answers arrive whole).
    Strict,
    /// Keep whatever was read before a document broke off (UDP datagrams from sloppy firmware).
    Salvage,
}

/// Parses a document into its root element; anything after the root closes is ignored.
pub(crate) fn parse(
    xml: &str,
    leniency: Leniency,
    context: &'static str,
) -> Result<Element, ParseError> {
    let xml = xml.trim_start_matches('\u{feff}');
    if xml.trim().is_empty() {
        return Err(ParseError::Empty { context });
    }
    let mut reader = Reader::from_str(xml);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    config.expand_empty_elements = false;

    let mut stack: Vec<Element> = Vec::new();
    let mut skipped = 0usize;
    let broken = |stack: Vec<Element>, detail: String| -> Result<Element, ParseError> {
        match (leniency, fold(stack)) {
            (Leniency::Salvage, Some(root)) => Ok(root),
            _ => Err(ParseError::Xml { context, detail }),
        }
    };
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => return broken(stack, e.to_string()),
        };
        match event {
            Event::Start(start) => {
                if skipped > 0 || stack.len() >= MAX_DEPTH {
                    skipped += 1;
                } else {
                    stack.push(Element::open(&start));
                }
            }
            Event::Empty(start) => {
                if skipped > 0 || stack.len() >= MAX_DEPTH {
                    continue;
                }
                let element = Element::open(&start);
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return Ok(element),
                }
            }
            Event::End(_) => {
                if skipped > 0 {
                    skipped -= 1;
                    continue;
                }
                // A stray end tag before the root opens is ignored.
                if let Some(element) = stack.pop() {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(element),
                        None => return Ok(element),
                    }
                }
            }
            Event::Text(text) => {
                if let (0, Some(top)) = (skipped, stack.last_mut()) {
                    // XML 1.0 end-of-line rules: devices speak XML 1.0, and 1.1 would fold U+2028 into a newline.
                    match text.xml10_content() {
                        Ok(t) => top.text.push_str(&t),
                        Err(e) => return broken(stack, e.to_string()),
                    }
                }
            }
            Event::CData(data) => {
                if let (0, Some(top)) = (skipped, stack.last_mut()) {
                    top.text.push_str(&String::from_utf8_lossy(&data));
                }
            }
            Event::GeneralRef(reference) => {
                if let (0, Some(top)) = (skipped, stack.last_mut()) {
                    push_reference(&mut top.text, &reference);
                }
            }
            Event::Eof => {
                return if stack.is_empty() {
                    Err(ParseError::Xml {
                        context,
                        detail: "there is no root element".into(),
                    })
                } else {
                    let open = stack.last().map(|e| e.name.clone()).unwrap_or_default();
                    broken(stack, format!("the document ends inside <{open}>"))
                };
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
}

/// Closes every open element, returning the root.
fn fold(mut stack: Vec<Element>) -> Option<Element> {
    while stack.len() > 1 {
        let child = stack.pop()?;
        stack.last_mut()?.children.push(child);
    }
    stack.pop()
}

/// Appends what an entity or character reference stands for; unknown entities stay verbatim.
fn push_reference(text: &mut String, reference: &BytesRef<'_>) {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        text.push(c);
        return;
    }
    let name = String::from_utf8_lossy(reference);
    match name.as_ref() {
        "lt" => text.push('<'),
        "gt" => text.push('>'),
        "amp" => text.push('&'),
        "apos" => text.push('\''),
        "quot" => text.push('"'),
        other => {
            text.push('&');
            text.push_str(other);
            text.push(';');
        }
    }
}

/// Builds an XML document as a string; values are escaped, names are trusted literals.
pub(crate) struct XmlWriter {
    out: String,
    open: Vec<String>,
}

impl XmlWriter {
    /// Starts a document with the XML declaration and the root element.
    pub fn new(root: &str, ns: XmlNamespace) -> Self {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<");
        out.push_str(root);
        if let Some(version) = ns.version() {
            let _ = write!(out, " version=\"{version}\"");
        }
        if let Some(uri) = ns.uri() {
            let _ = write!(out, " xmlns=\"{uri}\"");
        }
        out.push('>');
        XmlWriter {
            out,
            open: vec![root.to_owned()],
        }
    }

    /// Starts a document whose root has no attributes (SADP style, UTF-8 declaration).
    pub fn bare(declaration: &str, root: &str) -> Self {
        XmlWriter {
            out: format!("{declaration}<{root}>"),
            open: vec![root.to_owned()],
        }
    }

    /// Opens a child element.
    pub fn open(&mut self, name: &str) -> &mut Self {
        let _ = write!(self.out, "<{name}>");
        self.open.push(name.to_owned());
        self
    }

    /// Closes the innermost open element.
    pub fn close(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            let _ = write!(self.out, "</{name}>");
        }
        self
    }

    /// Writes `<name>value</name>` with the value escaped.
    pub fn text(&mut self, name: &str, value: impl std::fmt::Display) -> &mut Self {
        let value = value.to_string();
        let _ = write!(self.out, "<{name}>{}</{name}>", escape(&value));
        self
    }

    /// Writes `<name>value</name>` only when there is a value.
    pub fn opt(&mut self, name: &str, value: Option<impl std::fmt::Display>) -> &mut Self {
        if let Some(value) = value {
            self.text(name, value);
        }
        self
    }

    /// Writes a raw fragment (attributes built by the caller with [`escape`]).
    pub fn raw(&mut self, fragment: &str) -> &mut Self {
        self.out.push_str(fragment);
        self
    }

    /// Closes every open element and returns the document.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out
    }
}

/// Escapes text for element content or a double-quoted attribute.
pub(crate) fn escape(value: &str) -> String {
    quick_xml::escape::escape(value).into_owned()
}
