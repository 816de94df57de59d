//! Drawing the device's QR content crisply: an SVG on screen and a PNG to download and attach.
//! The content is opaque to us; we only encode it as the device's own page would.

use qrcode::{Color, EcLevel, QrCode};
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
    /// Encodes `content` (medium error correction, like the device's own page).
    pub fn encode(content: &str) -> Option<Self> {
        let code = QrCode::with_error_correction_level(content.as_bytes(), EcLevel::M).ok()?;
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
