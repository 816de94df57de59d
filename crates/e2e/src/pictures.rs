//! QR pictures and camera videos made by the tests, so nothing depends on fixture files.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// What devsim's reset QR holds: an opaque base64 run, as a real device's would be.
pub const RESET_CONTENT: &str = "rbZnfgi61IFVpkYaYajBNDwPta4iNzEXxl5VULh0LmHjDoPLgzYe9PvczkQ9g9ao";

/// A QR code of `content` as grey pixels: `scale` px per module, a 4-module quiet zone.
pub fn qr_pixels(content: &str, scale: usize) -> Result<(usize, Vec<u8>)> {
    let code = qrcode::QrCode::new(content.as_bytes()).context("encoding a test QR code")?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 8) * scale;
    let mut pixels = vec![255u8; side * side];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = ((x / scale) as isize - 4, (y / scale) as isize - 4);
            let inside = mx >= 0 && my >= 0 && (mx as usize) < modules && (my as usize) < modules;
            if inside && colors[my as usize * modules + mx as usize] == qrcode::Color::Dark {
                pixels[y * side + x] = 0;
            }
        }
    }
    Ok((side, pixels))
}

/// How a test picture is spoilt, as photos and screenshots of real codes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spoil {
    /// A clean code, 6 px per module.
    Clean,
    /// Turned a quarter (the picture is transposed and mirrored back).
    Rotated,
    /// Light modules on dark, as some monitors show it.
    Inverted,
    /// Only 3 px per module.
    SmallModules,
}

/// Writes a QR code of `content` as a PNG file in `dir`.
pub fn qr_png(dir: &Path, name: &str, content: &str) -> Result<PathBuf> {
    spoilt_png(dir, name, content, Spoil::Clean)
}

/// Writes a QR code of `content`, spoilt as `spoil` says, as a PNG file in `dir`.
pub fn spoilt_png(dir: &Path, name: &str, content: &str, spoil: Spoil) -> Result<PathBuf> {
    let scale = if spoil == Spoil::SmallModules { 3 } else { 6 };
    let (side, mut pixels) = qr_pixels(content, scale)?;
    match spoil {
        Spoil::Rotated => {
            let turned: Vec<u8> = (0..side * side)
                .map(|i| {
                    let (x, y) = (i % side, i / side);
                    pixels[(side - 1 - x) * side + y]
                })
                .collect();
            pixels = turned;
        }
        Spoil::Inverted => pixels.iter_mut().for_each(|p| *p = 255 - *p),
        Spoil::Clean | Spoil::SmallModules => {}
    }
    let path = dir.join(name);
    let file =
        std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), side as u32, side as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(path)
}

/// Writes a short 640×480 Y4M video showing a QR code of `content` on grey, the format
/// Chromium's fake camera plays (`--use-file-for-fake-video-capture`).
pub fn qr_y4m(dir: &Path, content: &str) -> Result<PathBuf> {
    const W: usize = 640;
    const H: usize = 480;
    let (side, qr) = qr_pixels(content, 5)?;
    let mut luma = vec![200u8; W * H];
    let (left, top) = ((W - side) / 2, (H - side) / 2);
    for y in 0..side {
        luma[(top + y) * W + left..(top + y) * W + left + side]
            .copy_from_slice(&qr[y * side..(y + 1) * side]);
    }
    let chroma = vec![128u8; (W / 2) * (H / 2)];
    let mut video = format!("YUV4MPEG2 W{W} H{H} F10:1 Ip A1:1 C420jpeg\n").into_bytes();
    for _ in 0..5 {
        video.extend_from_slice(b"FRAME\n");
        video.extend_from_slice(&luma);
        video.extend_from_slice(&chroma);
        video.extend_from_slice(&chroma);
    }
    let path = dir.join("qr-camera.y4m");
    std::fs::write(&path, video).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}
