//! The e-mail to the vendor's recovery mailbox (chosen from the protocol crate's table by the
//! embedder's options),
//! subject and body from the translations, as a mailto link the person's mail program opens.

use crate::i18n::{text, Lang, Msg};

/// A `mailto:` link with the subject and body filled in for the device `serial`.
pub fn mailto(lang: Lang, address: &str, serial: Option<&str>) -> String {
    let serial = serial.unwrap_or("").to_string();
    let subject = text(
        lang,
        &Msg::EmailSubject {
            serial: serial.clone(),
        },
    );
    let body = text(lang, &Msg::EmailBody { serial });
    format!(
        "mailto:{address}?subject={}&body={}",
        percent_encode(&subject),
        percent_encode(&body)
    )
}

/// A `mailto:` link to whoever the person chooses (support addresses differ by country and
/// seller), with the device's `details` in the body.
pub fn support_mailto(lang: Lang, details: &str) -> String {
    let subject = text(lang, &Msg::SupportEmailSubject);
    let body = text(
        lang,
        &Msg::SupportEmailBody {
            details: details.to_string(),
        },
    );
    format!(
        "mailto:?subject={}&body={}",
        percent_encode(&subject),
        percent_encode(&body)
    )
}

/// Percent-encodes everything but unreserved characters (RFC 3986), as mailto needs.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_support_mailto_carries_the_details_and_no_address() {
        let link = support_mailto(Lang::En, "Serial number: DS-1 X");
        assert!(link.starts_with("mailto:?subject="));
        assert!(link.contains("Serial%20number%3A%20DS-1%20X"));
    }

    #[test]
    fn the_mailto_link_carries_an_encoded_subject_with_the_serial() {
        let link = mailto(Lang::En, "pw_recovery@hikvision.com", Some("DS-1 X&Y"));
        assert!(link.starts_with("mailto:pw_recovery@hikvision.com?subject="));
        assert!(link.contains("DS-1%20X%26Y"));
        assert!(!link.contains(' '));
        assert!(link.contains("&body="));
    }
}
