//! Drawing the device's QR content crisply: an SVG on screen and a PNG to download and attach.
//! The content is opaque to us; we only encode it as the device's own page would.

use qrcode::bits::Bits;
use qrcode::{Color, EcLevel, QrCode, Version};
use wasm_bindgen::JsCast;

/// Modules of white around the code, as the QR standard asks, so phones and the vendor read it.
const QUIET_ZONE: usize = 4;
/// Pixels per module in the downloaded PNG: large enough to survive e-mail clients' resizing.
const PNG_MODULE_PX: usize = 8;

/// A QR symbol as a square grid of dark/light modules, quiet zone not included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `content` (medium error correction, like the device's own page) in byte mode,
    /// in the smallest version it fits. Byte mode reads back the same whatever the content,
    /// and skipping the crate's mode optimiser keeps it out of the first-load bundle.
    pub fn encode(content: &str) -> Option<Self> {
        let code = (1..=40).find_map(|version| {
            let mut bits = Bits::new(Version::Normal(version));
            bits.push_byte_data(content.as_bytes()).ok()?;
            bits.push_terminator(EcLevel::M).ok()?;
            QrCode::with_bits(bits, EcLevel::M).ok()
        })?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        Some(QrMatrix { width, dark })
    }

    /// Modules per side, without the quiet zone.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether the module at column `x`, row `y` is dark.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// An SVG drawing: one path of unit squares, scaled by the page without blurring.
    pub fn to_svg(&self, label: &str) -> String {
        let side = self.width + 2 * QUIET_ZONE;
        let mut path = String::new();
        for y in 0..self.width {
            for x in 0..self.width {
                if self.is_dark(x, y) {
                    path.push_str(&format!("M{} {}h1v1h-1z", x + QUIET_ZONE, y + QUIET_ZONE));
                }
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" role=\"img\" \
             aria-label=\"{}\" shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" \
             fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>",
            escape_attr(label)
        )
    }

    /// A PNG data URL of the code with its quiet zone, drawn on a canvas.
    pub fn to_png_data_url(&self) -> Option<String> {
        let document = web_sys::window()?.document()?;
        let canvas: web_sys::HtmlCanvasElement =
            document.create_element("canvas").ok()?.dyn_into().ok()?;
        let side = (self.width + 2 * QUIET_ZONE) * PNG_MODULE_PX;
        canvas.set_width(side as u32);
        canvas.set_height(side as u32);
        let ctx: web_sys::CanvasRenderingContext2d =
            canvas.get_context("2d").ok()??.dyn_into().ok()?;
        ctx.set_fill_style_str("#fff");
        ctx.fill_rect(0.0, 0.0, side as f64, side as f64);
        ctx.set_fill_style_str("#000");
        for y in 0..self.width {
            for x in 0..self.width {
                if self.is_dark(x, y) {
                    let px = ((x + QUIET_ZONE) * PNG_MODULE_PX) as f64;
                    let py = ((y + QUIET_ZONE) * PNG_MODULE_PX) as f64;
                    ctx.fill_rect(px, py, PNG_MODULE_PX as f64, PNG_MODULE_PX as f64);
                }
            }
        }
        canvas.to_data_url_with_type("image/png").ok()
    }
}

/// The download name: the serial and the date, so several devices' codes are told apart.
pub fn png_file_name(serial: Option<&str>, date: &str) -> String {
    let serial: String = serial
        .unwrap_or("device")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    format!("reset-qr-{serial}-{date}.png")
}

fn escape_attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_encodes_to_a_square_symbol_with_finder_patterns() {
        let matrix = QrMatrix::encode("opaque-device-content-1234567890");
        let Some(matrix) = matrix else {
            panic!("encoding failed")
        };
        assert!(matrix.width() >= 21);
        // The top-left finder pattern: a dark ring around a light ring around a dark core.
        assert!(matrix.is_dark(0, 0) && matrix.is_dark(6, 6) && !matrix.is_dark(1, 1));
        assert!(matrix.is_dark(3, 3));
        let svg = matrix.to_svg("Reset \"QR\"");
        assert!(svg.contains("aria-label=\"Reset &quot;QR&quot;\""));
    }

    /// The drawing as grey pixels, 4 per module, with its quiet zone.
    fn pixels(matrix: &QrMatrix) -> (usize, Vec<u8>) {
        let side = (matrix.width() + 2 * QUIET_ZONE) * 4;
        let mut grey = vec![255u8; side * side];
        for y in 0..side {
            for x in 0..side {
                let (mx, my) = (
                    (x / 4).wrapping_sub(QUIET_ZONE),
                    (y / 4).wrapping_sub(QUIET_ZONE),
                );
                if matrix.is_dark(mx, my) {
                    grey[y * side + x] = 0;
                }
            }
        }
        (side, grey)
    }

    #[test]
    fn drawn_codes_read_back_as_their_content() {
        let long = "QR-RESET:".to_string() + &"0123456789ABCDEFabcdef+/=".repeat(20);
        for content in ["AB12", "opaque-device-content-1234567890", long.as_str()] {
            let Some(matrix) = QrMatrix::encode(content) else {
                panic!("encoding {content:?} failed")
            };
            let (side, grey) = pixels(&matrix);
            let image = qr::GreyImage::new(side, side, &grey).expect("a valid picture");
            let decoded = qr::decode(image, qr::Budget::Upload, &qr::NoClock);
            let texts: Vec<_> = decoded.codes.iter().map(|c| c.text.as_str()).collect();
            assert_eq!(texts, [content], "{} modules wide", matrix.width());
        }
    }

    #[test]
    fn content_beyond_the_largest_version_is_refused() {
        // Version 40 at medium error correction holds 2331 bytes.
        assert!(QrMatrix::encode(&"x".repeat(2331)).is_some());
        assert!(QrMatrix::encode(&"x".repeat(2332)).is_none());
    }

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(
            png_file_name(Some("DS-7608NI-K2/20240101AAWR"), "2026-11-22"),
            "reset-qr-DS-7608NI-K220240101AAWR-2026-11-22.png"
        );
        assert_eq!(
            png_file_name(None, "2026-11-22"),
            "reset-qr-device-2026-11-22.png"
        );
    }
}
