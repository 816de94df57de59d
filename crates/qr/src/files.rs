//! Native only (feature `native`): reads PNG, JPEG and GIF files into grey pixels, as the
//! browser does before it hands a picture to the worker. Never part of the wasm build.

use anyhow::{bail, Context, Result};
use std::path::Path;

/// An owned grey picture read from a file.
#[derive(Debug, Clone)]
pub struct GreyPicture {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Luma bytes, row-major.
    pub pixels: Vec<u8>,
}

impl GreyPicture {
    /// The checked view the decoder takes.
    pub fn view(&self) -> Result<crate::GreyImage<'_>> {
        Ok(crate::GreyImage::new(
            self.width,
            self.height,
            &self.pixels,
        )?)
    }

    /// The picture turned clockwise by `quarter_turns` × 90°.
    pub fn turned(&self, quarter_turns: u8) -> GreyPicture {
        let (w, h) = (self.width, self.height);
        let (ow, oh) = if quarter_turns % 2 == 1 {
            (h, w)
        } else {
            (w, h)
        };
        let mut pixels = Vec::with_capacity(w * h);
        for y in 0..oh {
            for x in 0..ow {
                let (sx, sy) = match quarter_turns % 4 {
                    0 => (x, y),
                    1 => (y, h - 1 - x),
                    2 => (w - 1 - x, h - 1 - y),
                    _ => (w - 1 - y, x),
                };
                pixels.push(self.pixels[sy * w + sx]);
            }
        }
        GreyPicture {
            width: ow,
            height: oh,
            pixels,
        }
    }
}

/// Reads a PNG, JPEG or GIF file (by extension) into grey pixels.
pub fn read_grey(path: &Path) -> Result<GreyPicture> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let picture = match ext.as_str() {
        "png" => png_grey(&bytes),
        "jpg" | "jpeg" => jpeg_grey(&bytes),
        "gif" => gif_grey(&bytes),
        other => bail!("unsupported picture type {other:?}"),
    };
    picture.with_context(|| format!("decoding {}", path.display()))
}

/// Rec. 601 luma, the weighting ZXing and browsers' canvas code commonly use.
fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b) + 500) / 1000) as u8
}

/// Transparent pixels are shown on white, as on a web page.
fn over_white(value: u8, alpha: u8) -> u8 {
    let (v, a) = (u32::from(value), u32::from(alpha));
    ((v * a + 255 * (255 - a) + 127) / 255) as u8
}

fn png_grey(bytes: &[u8]) -> Result<GreyPicture> {
    let mut decoder = png::Decoder::new(bytes);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info()?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf)?;
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = info.color_type.samples();
    let mut pixels = Vec::with_capacity(w * h);
    for row in buf.chunks(info.line_size).take(h) {
        for px in row.chunks(channels).take(w) {
            pixels.push(match *px {
                [v] => v,
                [v, a] => over_white(v, a),
                [r, g, b] => luma(r, g, b),
                [r, g, b, a] => over_white(luma(r, g, b), a),
                _ => bail!("unexpected PNG pixel layout ({channels} samples)"),
            });
        }
    }
    Ok(GreyPicture {
        width: w,
        height: h,
        pixels,
    })
}

fn jpeg_grey(bytes: &[u8]) -> Result<GreyPicture> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    let data = decoder.decode()?;
    let info = decoder.info().context("JPEG without a header")?;
    let (w, h) = (usize::from(info.width), usize::from(info.height));
    let pixels = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => data,
        jpeg_decoder::PixelFormat::L16 => data.chunks(2).map(|p| p[0]).collect(),
        jpeg_decoder::PixelFormat::RGB24 => {
            data.chunks(3).map(|p| luma(p[0], p[1], p[2])).collect()
        }
        jpeg_decoder::PixelFormat::CMYK32 => data
            .chunks(4)
            .map(|p| {
                let k = u32::from(p[3]);
                let ink = |c: u8| ((255 - u32::from(c)) * (255 - k) / 255) as u8;
                luma(ink(p[0]), ink(p[1]), ink(p[2]))
            })
            .collect(),
    };
    Ok(GreyPicture {
        width: w,
        height: h,
        pixels,
    })
}

fn gif_grey(bytes: &[u8]) -> Result<GreyPicture> {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(bytes)?;
    let frame = decoder.read_next_frame()?.context("GIF without a frame")?;
    let (w, h) = (usize::from(frame.width), usize::from(frame.height));
    let pixels = frame
        .buffer
        .chunks(4)
        .map(|p| over_white(luma(p[0], p[1], p[2]), p[3]))
        .collect();
    Ok(GreyPicture {
        width: w,
        height: h,
        pixels,
    })
}
