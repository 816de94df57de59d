//! Says what a decoded QR content looks like, so the wizard can warn when a user scanned a
//! web link or a Hik-Connect/EZVIZ sticker instead of the reset QR the device exported.

/// What a QR content looks like to the wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentKind {
    /// One unbroken run of printable characters, long enough to carry a serial number and a
    /// nonce: what the device's exported reset QR holds (its content is opaque to us).
    ResetCode,
    /// A web or other URI link (not a reset code).
    Url,
    /// A Hik-Connect or EZVIZ code: a cloud link or a device sticker with serial and
    /// verification code; it adds the device to an app and does not reset it.
    HikConnect,
    /// Nothing, or only white space.
    Empty,
    /// Anything else: contact cards, Wi-Fi settings, plain sentences, binary data.
    Other,
}

impl ContentKind {
    /// Every kind, for the name round trip.
    pub const ALL: [ContentKind; 5] = [
        ContentKind::ResetCode,
        ContentKind::Url,
        ContentKind::HikConnect,
        ContentKind::Empty,
        ContentKind::Other,
    ];

    /// The kind's name in messages between the decoding worker and the page.
    pub fn name(self) -> &'static str {
        match self {
            ContentKind::ResetCode => "resetCode",
            ContentKind::Url => "url",
            ContentKind::HikConnect => "hikConnect",
            ContentKind::Empty => "empty",
            ContentKind::Other => "other",
        }
    }

    /// The kind called `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        ContentKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// Reset contents are encrypted serial + nonce; anything shorter cannot be one.
const MIN_RESET_CODE_LEN: usize = 16;

/// Cloud names that mark a Hik-Connect/EZVIZ code, in lower case.
const CLOUD_MARKS: &[&str] = &[
    "hik-connect",
    "hikconnect",
    "ezviz",
    "ys7.com",
    "hik-online",
];

/// Classifies decoded QR text.
pub fn classify(content: &str) -> ContentKind {
    let trimmed = content.trim();
    if trimmed.is_empty() {
        return ContentKind::Empty;
    }
    // Checked before links because Hik-Connect codes are often links too.
    if is_hik_connect(trimmed) {
        return ContentKind::HikConnect;
    }
    if is_url(trimmed) {
        return ContentKind::Url;
    }
    let printable = trimmed.bytes().all(|b| b.is_ascii_graphic());
    if printable && trimmed.len() >= MIN_RESET_CODE_LEN && !is_tagged_payload(trimmed) {
        ContentKind::ResetCode
    } else {
        ContentKind::Other
    }
}

fn is_hik_connect(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if CLOUD_MARKS.iter().any(|mark| lower.contains(mark)) {
        return true;
    }
    // Device stickers list, one per line, a 9-character serial and a 6-letter verification code.
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let serial = lines
        .iter()
        .any(|l| l.len() == 9 && l.bytes().all(|b| b.is_ascii_alphanumeric()));
    let verification = lines
        .iter()
        .any(|l| l.len() == 6 && l.bytes().all(|b| b.is_ascii_uppercase()));
    lines.len() >= 2 && serial && verification
}

/// Contact cards, bookmarks, Wi-Fi settings and the like start with an upper-case tag and a
/// colon (`MECARD:`, `BEGIN:VCARD`, `WIFI:`); base64-like reset contents never do.
fn is_tagged_payload(text: &str) -> bool {
    text.split_once(':')
        .is_some_and(|(tag, _)| !tag.is_empty() && tag.bytes().all(|b| b.is_ascii_uppercase()))
}

fn is_url(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("www.") {
        return true;
    }
    // A URI scheme (RFC 3986: a letter, then letters, digits, + - .) followed by "://",
    // or one of the schemes that go without slashes.
    if let Some((scheme, _)) = lower.split_once("://") {
        let mut chars = scheme.chars();
        let first_is_letter = chars.next().is_some_and(|c| c.is_ascii_lowercase());
        return first_is_letter
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c));
    }
    ["mailto:", "tel:", "sms:", "geo:"]
        .iter()
        .any(|s| lower.starts_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip() {
        for kind in ContentKind::ALL {
            assert_eq!(ContentKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(ContentKind::from_name("nope"), None);
    }

    #[test]
    fn an_exported_reset_content_is_a_reset_code() {
        let content = "q3Vx9M0bJ2k+Yf7wLrZ1c8T4aPn6eD5hUoQiWsXvBgKyN3lRmC0tE2jH9uIzOpAd==";
        assert_eq!(classify(content), ContentKind::ResetCode);
    }

    #[test]
    fn a_trailing_newline_does_not_spoil_a_reset_code() {
        assert_eq!(
            classify("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345\n"),
            ContentKind::ResetCode
        );
    }

    #[test]
    fn web_links_are_urls() {
        assert_eq!(classify("https://example.com/reset?x=1"), ContentKind::Url);
        assert_eq!(classify("HTTP://EXAMPLE.COM"), ContentKind::Url);
        assert_eq!(classify("www.example.com"), ContentKind::Url);
        assert_eq!(classify("mailto:someone@example.com"), ContentKind::Url);
    }

    #[test]
    fn hik_connect_and_ezviz_codes_are_recognised_before_links() {
        assert_eq!(
            classify("https://www.hik-connect.com/d/ABC"),
            ContentKind::HikConnect
        );
        assert_eq!(classify("http://qr.ys7.com/?a=1"), ContentKind::HikConnect);
        assert_eq!(classify("EZVIZ device"), ContentKind::HikConnect);
        assert_eq!(
            classify("ZJ\r\nD12345678\r\nABCDEF\r\nCS-C6N"),
            ContentKind::HikConnect
        );
    }

    #[test]
    fn nothing_or_white_space_is_empty() {
        assert_eq!(classify(""), ContentKind::Empty);
        assert_eq!(classify(" \r\n\t"), ContentKind::Empty);
    }

    #[test]
    fn sentences_cards_and_short_strings_are_other() {
        assert_eq!(
            classify("Hello, world, this is a sentence."),
            ContentKind::Other
        );
        assert_eq!(
            classify("MECARD:N:Owen,Sean;TEL:+12125551212;;"),
            ContentKind::Other
        );
        assert_eq!(
            classify("WIFI:S:home network;T:WPA;P:secret;;"),
            ContentKind::Other
        );
        assert_eq!(classify("12345"), ContentKind::Other);
        assert_eq!(
            classify("Grüße aus Köln, eine Nachricht"),
            ContentKind::Other
        );
    }
}
