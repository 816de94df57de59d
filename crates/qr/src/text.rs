//! Turns the bytes a QR code carries into text. rqrr drops ECI markers and hands out Kanji as
//! Shift_JIS bytes, so, like other readers, we guess: UTF-8, then Shift_JIS, then Latin-1.

/// The text a person should see for `bytes`.
pub(crate) fn bytes_to_text(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.strip_prefix('\u{feff}').unwrap_or(text).to_owned();
    }
    if let Some(text) = shift_jis(bytes) {
        return text;
    }
    // ISO-8859-1 is the QR standard's default for byte mode, and maps every byte.
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(feature = "shift-jis")]
fn shift_jis(bytes: &[u8]) -> Option<String> {
    let (text, had_errors) = encoding_rs::SHIFT_JIS
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map_or((None, true), |text| (Some(text), false));
    if had_errors {
        return None;
    }
    text.map(|t| t.into_owned())
}

#[cfg(not(feature = "shift-jis"))]
fn shift_jis(_bytes: &[u8]) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_read_as_utf8() {
        assert_eq!(bytes_to_text("Grüße".as_bytes()), "Grüße");
    }

    #[test]
    fn bytes_that_are_not_utf8_fall_back_to_latin1() {
        assert_eq!(bytes_to_text(b"caf\xe9"), "café");
    }

    #[cfg(feature = "shift-jis")]
    #[test]
    fn shift_jis_kanji_is_read_as_japanese() {
        // "日本" in Shift_JIS.
        assert_eq!(bytes_to_text(&[0x93, 0xfa, 0x96, 0x7b]), "日本");
    }
}
