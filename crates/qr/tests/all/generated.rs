//! Decoding pictures generated here: codes encoded with the `qrcode` crate, drawn to grey
//! pixels, then turned, inverted, shrunk, blurred or JPEG-compressed as cameras and exports do.
#![allow(clippy::unwrap_used)]

use qr::{classify, decode, Budget, Clock, ContentKind, Decoded, GreyImage, NoClock};

/// The kind of content a device's exported reset QR carries: base64, opaque.
const RESET_CONTENT: &str =
    "Qk9PVF9OT05DRV8xMjM0NTY3ODkwYWJjZGVmX0RTLTJDRDIxNDMtSV8yMDI0MDEwMVhZWl9ub25jZV9lbmQ=";

struct Picture {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Picture {
    fn view(&self) -> GreyImage<'_> {
        GreyImage::new(self.width, self.height, &self.pixels).unwrap()
    }

    fn decode(&self, budget: Budget) -> Decoded {
        decode(self.view(), budget, &NoClock)
    }
}

/// Draws `content` as a QR code with `module` pixels per module (fractions allowed) and a
/// four-module quiet zone, dark on light, averaging 4×4 sub-samples per pixel as a lens would.
fn draw(content: &str, module: f64) -> Picture {
    let code = qrcode::QrCode::new(content.as_bytes()).unwrap();
    let n = code.width();
    let colors = code.to_colors();
    let side = ((n + 8) as f64 * module).ceil() as usize;
    let mut pixels = Vec::with_capacity(side * side);
    for y in 0..side {
        for x in 0..side {
            let mut dark = 0;
            for sy in 0..4 {
                for sx in 0..4 {
                    let mx = ((x as f64 + (sx as f64 + 0.5) / 4.0) / module) as isize - 4;
                    let my = ((y as f64 + (sy as f64 + 0.5) / 4.0) / module) as isize - 4;
                    let inside = (0..n as isize).contains(&mx) && (0..n as isize).contains(&my);
                    if inside && colors[my as usize * n + mx as usize] == qrcode::Color::Dark {
                        dark += 1;
                    }
                }
            }
            // Ink is not pitch black nor paper pure white.
            pixels.push((230 - dark * (230 - 30) / 16) as u8);
        }
    }
    Picture {
        width: side,
        height: side,
        pixels,
    }
}

fn turned(p: &Picture) -> Picture {
    let (w, h) = (p.width, p.height);
    let mut pixels = Vec::with_capacity(w * h);
    for y in 0..w {
        for x in 0..h {
            pixels.push(p.pixels[(h - 1 - x) * w + y]);
        }
    }
    Picture {
        width: h,
        height: w,
        pixels,
    }
}

fn inverted(p: &Picture) -> Picture {
    Picture {
        pixels: p.pixels.iter().map(|v| 255 - v).collect(),
        ..*p
    }
}

fn jpeg_degraded(p: &Picture, quality: u8) -> Picture {
    let mut encoded = Vec::new();
    jpeg_encoder::Encoder::new(&mut encoded, quality)
        .encode(
            &p.pixels,
            p.width as u16,
            p.height as u16,
            jpeg_encoder::ColorType::Luma,
        )
        .unwrap();
    let pixels = jpeg_decoder::Decoder::new(encoded.as_slice())
        .decode()
        .unwrap();
    Picture { pixels, ..*p }
}

/// A picture on a larger, unevenly lit background (a photo of a sheet, not a clean export).
fn in_shaded_scene(p: &Picture) -> Picture {
    let (w, h) = (p.width * 2, p.height * 2);
    let (ox, oy) = (p.width / 3, p.height / 2);
    let mut pixels = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let light = 0.55 + 0.45 * (x as f64 / w as f64);
            let inside = (ox..ox + p.width).contains(&x) && (oy..oy + p.height).contains(&y);
            let base = if inside {
                f64::from(p.pixels[(y - oy) * p.width + (x - ox)])
            } else {
                90.0
            };
            pixels.push((base * light) as u8);
        }
    }
    Picture {
        width: w,
        height: h,
        pixels,
    }
}

fn texts(decoded: &Decoded) -> Vec<&str> {
    decoded.codes.iter().map(|c| c.text.as_str()).collect()
}

#[test]
fn a_clean_export_decodes_in_the_first_frame_stage() {
    let decoded = draw(RESET_CONTENT, 4.0).decode(Budget::Frame);
    assert_eq!(texts(&decoded), [RESET_CONTENT]);
    assert_eq!(decoded.stats.stages_tried, 1);
    assert_eq!(classify(&decoded.codes[0].text), ContentKind::ResetCode);
}

#[test]
fn a_code_turned_a_quarter_decodes() {
    let decoded = turned(&draw(RESET_CONTENT, 4.0)).decode(Budget::Frame);
    assert_eq!(texts(&decoded), [RESET_CONTENT]);
}

#[test]
fn a_light_on_dark_code_decodes_within_a_frame() {
    let decoded = inverted(&draw(RESET_CONTENT, 4.0)).decode(Budget::Frame);
    assert_eq!(texts(&decoded), [RESET_CONTENT]);
    assert!(decoded.stage.unwrap().inverted);
}

#[test]
fn small_modules_of_two_and_a_half_pixels_decode_as_an_upload() {
    let decoded = draw(RESET_CONTENT, 2.5).decode(Budget::Upload);
    assert_eq!(texts(&decoded), [RESET_CONTENT]);
}

#[test]
fn a_heavily_compressed_jpeg_decodes() {
    let picture = jpeg_degraded(&draw(RESET_CONTENT, 3.0), 25);
    let decoded = picture.decode(Budget::Upload);
    assert_eq!(texts(&decoded), [RESET_CONTENT]);
}

#[test]
fn a_photographed_sheet_in_uneven_light_decodes() {
    let picture = in_shaded_scene(&jpeg_degraded(&draw("https://example.com/a", 3.0), 50));
    let decoded = picture.decode(Budget::Upload);
    assert_eq!(texts(&decoded), ["https://example.com/a"]);
    assert_eq!(classify(&decoded.codes[0].text), ContentKind::Url);
}

#[test]
fn bytes_and_version_are_reported_with_the_text() {
    let decoded = draw("hello", 4.0).decode(Budget::Frame);
    let code = &decoded.codes[0];
    assert_eq!(code.bytes, b"hello");
    assert_eq!(code.version, 1);
}

#[test]
fn a_picture_without_a_code_decodes_to_nothing_after_trying_every_stage() {
    let pixels: Vec<u8> = (0..200 * 150).map(|i| (i * 7 % 251) as u8).collect();
    let decoded = decode(
        GreyImage::new(200, 150, &pixels).unwrap(),
        Budget::Upload,
        &NoClock,
    );
    assert!(decoded.codes.is_empty());
    assert_eq!(decoded.stage, None);
    assert!(decoded.stats.stages_tried > qr::stages(Budget::Frame).count());
    assert!(!decoded.stats.out_of_time);
}

/// A clock that advances 10 ms every time it is read.
struct SlowClock(std::cell::Cell<f64>);

impl Clock for SlowClock {
    fn now_ms(&self) -> f64 {
        let now = self.0.get();
        self.0.set(now + 10.0);
        now
    }
}

#[test]
fn a_frame_stops_when_the_next_stage_would_overrun_its_time_box() {
    let pixels = vec![200u8; 320 * 240];
    let clock = SlowClock(std::cell::Cell::new(0.0));
    let decoded = decode(
        GreyImage::new(320, 240, &pixels).unwrap(),
        Budget::Frame,
        &clock,
    );
    assert!(decoded.stats.out_of_time);
    assert!(decoded.stats.stages_tried < qr::stages(Budget::Frame).count());
}

#[test]
fn a_frame_gets_only_the_cheap_stages() {
    assert!(qr::stages(Budget::Frame).count() < qr::stages(Budget::Upload).count());
    assert!(qr::stages(Budget::Frame).all(|s| s.scale == qr::Scale::Original));
}
