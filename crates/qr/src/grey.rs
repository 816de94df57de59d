//! Grey (luma) pixels: the checked view callers hand in, and the owned copies the pipeline
//! makes when it stretches contrast, rescales or blurs before binarising.

use crate::DecodeError;

/// The largest side we accept: far beyond any camera frame or exported QR picture, and small
/// enough that rqrr's `i32` pixel coordinates and our buffers cannot overflow.
pub const MAX_SIDE: usize = 16_384;

/// A borrowed grey picture: one luma byte per pixel (0 black, 255 white), rows top to bottom.
#[derive(Debug, Clone, Copy)]
pub struct GreyImage<'a> {
    width: usize,
    height: usize,
    pixels: &'a [u8],
}

impl<'a> GreyImage<'a> {
    /// Checks that `pixels` holds exactly `width * height` bytes and the sides are usable.
    pub fn new(width: usize, height: usize, pixels: &'a [u8]) -> Result<Self, DecodeError> {
        if width == 0 || height == 0 {
            return Err(DecodeError::Empty { width, height });
        }
        if width > MAX_SIDE || height > MAX_SIDE {
            return Err(DecodeError::TooLarge {
                width,
                height,
                max: MAX_SIDE,
            });
        }
        // Cannot overflow: both sides are at most MAX_SIDE.
        let expected = width * height;
        if pixels.len() != expected {
            return Err(DecodeError::WrongLength {
                width,
                height,
                expected,
                got: pixels.len(),
            });
        }
        Ok(GreyImage {
            width,
            height,
            pixels,
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The luma bytes, row-major.
    pub fn pixels(&self) -> &'a [u8] {
        self.pixels
    }
}

/// An owned grey picture produced by one of the pipeline's transforms.
#[derive(Debug, Clone)]
pub(crate) struct Grey {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

impl Grey {
    pub fn view(&self) -> GreyImage<'_> {
        GreyImage {
            width: self.width,
            height: self.height,
            pixels: &self.pixels,
        }
    }
}

/// Stretches the darkest 1 % to black and the brightest 1 % to white, so that a washed-out
/// photo or a dim screen gives rqrr's fixed-ratio threshold something to bite on.
pub(crate) fn stretch_contrast(image: GreyImage<'_>) -> Grey {
    let mut histogram = [0usize; 256];
    for &p in image.pixels {
        histogram[usize::from(p)] += 1;
    }
    let clip = image.pixels.len() / 100;
    let low = percentile(&histogram, clip);
    let high = 255 - percentile_from_top(&histogram, clip);
    let range = high.saturating_sub(low).max(1);
    let mut lut = [0u8; 256];
    for (value, out) in lut.iter_mut().enumerate() {
        let scaled = (value.saturating_sub(low) * 255) / range;
        *out = scaled.min(255) as u8;
    }
    Grey {
        width: image.width,
        height: image.height,
        pixels: image.pixels.iter().map(|&p| lut[usize::from(p)]).collect(),
    }
}

fn percentile(histogram: &[usize; 256], clip: usize) -> usize {
    let mut seen = 0;
    for (value, &count) in histogram.iter().enumerate() {
        seen += count;
        if seen > clip {
            return value;
        }
    }
    255
}

fn percentile_from_top(histogram: &[usize; 256], clip: usize) -> usize {
    let mut seen = 0;
    for (distance, &count) in histogram.iter().rev().enumerate() {
        seen += count;
        if seen > clip {
            return distance;
        }
    }
    255
}

/// Doubles both sides with bilinear interpolation: small modules (2–4 px) get sub-pixel
/// edges that a binariser can place, which rqrr's finder-pattern scan needs.
pub(crate) fn upscale2(image: GreyImage<'_>) -> Grey {
    let (w, h) = (image.width, image.height);
    let (ow, oh) = (w * 2, h * 2);
    let src = image.pixels;
    let mut pixels = vec![0u8; ow * oh];
    for oy in 0..oh {
        // Output pixel centres map to source coordinates (o + 0.5) / 2 - 0.5; in quarter steps.
        let (y0, y1, fy) = source_pair(oy, h);
        for ox in 0..ow {
            let (x0, x1, fx) = source_pair(ox, w);
            let top = u32::from(src[y0 * w + x0]) * (4 - fx) + u32::from(src[y0 * w + x1]) * fx;
            let bottom = u32::from(src[y1 * w + x0]) * (4 - fx) + u32::from(src[y1 * w + x1]) * fx;
            pixels[oy * ow + ox] = ((top * (4 - fy) + bottom * fy + 8) / 16) as u8;
        }
    }
    Grey {
        width: ow,
        height: oh,
        pixels,
    }
}

/// The two source samples and the weight (in quarters) of the second one for output index `o`.
fn source_pair(o: usize, len: usize) -> (usize, usize, u32) {
    let last = len - 1;
    if o.is_multiple_of(2) {
        // Lies a quarter before source pixel o/2.
        let i = o / 2;
        if i == 0 {
            (0, 0, 0)
        } else {
            (i - 1, i, 3)
        }
    } else {
        let i = o / 2;
        (i, (i + 1).min(last), 1)
    }
}

/// Halves both sides by averaging 2×2 blocks: removes moiré and JPEG speckle on pictures whose
/// modules are large enough to survive it, and quarters the work.
pub(crate) fn downscale2(image: GreyImage<'_>) -> Grey {
    let (w, h) = (image.width, image.height);
    let (ow, oh) = ((w / 2).max(1), (h / 2).max(1));
    let src = image.pixels;
    let mut pixels = Vec::with_capacity(ow * oh);
    for oy in 0..oh {
        let y0 = (oy * 2).min(h - 1);
        let y1 = (oy * 2 + 1).min(h - 1);
        for ox in 0..ow {
            let x0 = (ox * 2).min(w - 1);
            let x1 = (ox * 2 + 1).min(w - 1);
            let sum = u32::from(src[y0 * w + x0])
                + u32::from(src[y0 * w + x1])
                + u32::from(src[y1 * w + x0])
                + u32::from(src[y1 * w + x1]);
            pixels.push(((sum + 2) / 4) as u8);
        }
    }
    Grey {
        width: ow,
        height: oh,
        pixels,
    }
}

/// A 3×3 box blur: smooths JPEG ringing and screen moiré without changing the size.
pub(crate) fn blur3(image: GreyImage<'_>) -> Grey {
    let (w, h) = (image.width, image.height);
    let src = image.pixels;
    // Horizontal pass then vertical pass, both clamping at the borders.
    let mut rows = vec![0u16; w * h];
    for y in 0..h {
        let row = &src[y * w..(y + 1) * w];
        for x in 0..w {
            let l = row[x.saturating_sub(1)];
            let r = row[(x + 1).min(w - 1)];
            rows[y * w + x] = u16::from(l) + u16::from(row[x]) + u16::from(r);
        }
    }
    let mut pixels = vec![0u8; w * h];
    for y in 0..h {
        let up = y.saturating_sub(1);
        let down = (y + 1).min(h - 1);
        for x in 0..w {
            let sum = rows[up * w + x] + rows[y * w + x] + rows[down * w + x];
            pixels[y * w + x] = ((sum + 4) / 9) as u8;
        }
    }
    Grey {
        width: w,
        height: h,
        pixels,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_picture_whose_pixels_do_not_match_its_size_is_refused() {
        let pixels = [0u8; 11];
        assert!(matches!(
            GreyImage::new(3, 4, &pixels),
            Err(DecodeError::WrongLength {
                expected: 12,
                got: 11,
                ..
            })
        ));
    }

    #[test]
    fn an_empty_or_huge_picture_is_refused() {
        assert!(matches!(
            GreyImage::new(0, 4, &[]),
            Err(DecodeError::Empty { .. })
        ));
        assert!(matches!(
            GreyImage::new(MAX_SIDE + 1, 1, &[]),
            Err(DecodeError::TooLarge { .. })
        ));
    }

    #[test]
    fn stretching_maps_a_dim_range_onto_black_and_white() {
        let pixels: Vec<u8> = (0..100).map(|i| if i < 50 { 100 } else { 140 }).collect();
        let out = stretch_contrast(GreyImage::new(10, 10, &pixels).unwrap());
        assert_eq!(out.pixels[0], 0);
        assert_eq!(out.pixels[99], 255);
    }

    #[test]
    fn upscaling_keeps_flat_areas_flat_and_doubles_the_sides() {
        let pixels = vec![77u8; 6];
        let out = upscale2(GreyImage::new(3, 2, &pixels).unwrap());
        assert_eq!((out.width, out.height), (6, 4));
        assert!(out.pixels.iter().all(|&p| p == 77));
    }

    #[test]
    fn downscaling_averages_two_by_two_blocks() {
        let pixels = [0u8, 255, 255, 0];
        let out = downscale2(GreyImage::new(2, 2, &pixels).unwrap());
        assert_eq!(out.pixels, vec![128]);
    }
}
