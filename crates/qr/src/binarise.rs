//! Our locally adaptive binariser: each pixel is compared with the mean of the blocks around
//! it, so shadows, glare and light-on-dark codes all become clean black-and-white bitmaps.

use crate::grey::GreyImage;

/// A black-and-white picture, one byte per pixel: 1 is black (a dark module), 0 is white.
#[derive(Debug, Clone)]
pub(crate) struct Bitmap {
    pub width: usize,
    pub height: usize,
    pub bits: Vec<u8>,
}

/// How the pipeline reads a bitmap into rqrr: turned and/or with black and white swapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct View {
    /// Quarter turns clockwise, 0..=3.
    pub quarter_turns: u8,
    /// Swap black and white (light-on-dark codes).
    pub inverted: bool,
}

impl View {
    pub const PLAIN: View = View {
        quarter_turns: 0,
        inverted: false,
    };
}

impl Bitmap {
    /// Width and height as rqrr sees them through `view`.
    pub fn size_in(&self, view: View) -> (usize, usize) {
        if view.quarter_turns % 2 == 1 {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }

    /// Whether the pixel at (x, y) of the turned picture is black.
    pub fn is_black_in(&self, view: View, x: usize, y: usize) -> bool {
        (self.value_in(view, x, y) == 1) != view.inverted
    }

    /// The stored byte that lands at (x, y) once the picture is turned (inversion ignored).
    pub fn value_in(&self, view: View, x: usize, y: usize) -> u8 {
        let (w, h) = (self.width, self.height);
        let (sx, sy) = match view.quarter_turns % 4 {
            0 => (x, y),
            1 => (y, h - 1 - x),
            2 => (w - 1 - x, h - 1 - y),
            _ => (w - 1 - y, x),
        };
        self.bits[sy * w + sx]
    }
}

/// Parameters of the adaptive binariser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Adaptive {
    /// Side of a square block, in pixels; a few modules wide works best.
    pub block: usize,
    /// Blocks on each side of a block whose means form its threshold (2 gives a 5×5 window).
    pub radius: usize,
    /// Blocks whose darkest and brightest pixels differ by less than this carry no edge,
    /// so their mean says nothing about the threshold and they are left out of it.
    pub min_contrast: u8,
}

impl Adaptive {
    pub const DEFAULT: Adaptive = Adaptive {
        block: 8,
        radius: 2,
        min_contrast: 24,
    };
}

/// Binarises `image` against a threshold that follows local brightness.
pub(crate) fn adaptive(image: GreyImage<'_>, params: Adaptive) -> Bitmap {
    let (w, h) = (image.width(), image.height());
    let px = image.pixels();
    let b = params.block.max(2);
    let (bw, bh) = (w.div_ceil(b), h.div_ceil(b));

    // Per block: mean, and whether it has enough contrast to vote on a threshold.
    let mut means = vec![0u32; bw * bh];
    let mut voting = vec![false; bw * bh];
    let mut vote_sum = 0u64;
    let mut vote_count = 0u64;
    for by in 0..bh {
        let (y0, y1) = (by * b, ((by + 1) * b).min(h));
        for bx in 0..bw {
            let (x0, x1) = (bx * b, ((bx + 1) * b).min(w));
            let (mut sum, mut lo, mut hi) = (0u32, u8::MAX, u8::MIN);
            for y in y0..y1 {
                for &p in &px[y * w + x0..y * w + x1] {
                    sum += u32::from(p);
                    lo = lo.min(p);
                    hi = hi.max(p);
                }
            }
            let count = ((y1 - y0) * (x1 - x0)) as u32;
            let i = by * bw + bx;
            means[i] = sum / count.max(1);
            if hi - lo >= params.min_contrast {
                voting[i] = true;
                vote_sum += u64::from(means[i]);
                vote_count += 1;
            }
        }
    }
    // Flat neighbourhoods (quiet zone, inside a large module) fall back to the picture's overall
    // threshold, which keeps a big dark module dark and the paper white.
    let global = vote_sum
        .checked_div(vote_count)
        .map_or(128, |mean| mean as u32);

    let thresholds = window_thresholds(&means, &voting, bw, bh, params.radius, global);

    let mut bits = vec![0u8; w * h];
    for y in 0..h {
        let row_thresholds = &thresholds[(y / b) * bw..(y / b + 1) * bw];
        let row = &px[y * w..(y + 1) * w];
        let out = &mut bits[y * w..(y + 1) * w];
        for x in 0..w {
            out[x] = u8::from(u32::from(row[x]) <= row_thresholds[x / b]);
        }
    }
    Bitmap {
        width: w,
        height: h,
        bits,
    }
}

/// For every block, the mean of the voting blocks' means in the surrounding window.
fn window_thresholds(
    means: &[u32],
    voting: &[bool],
    bw: usize,
    bh: usize,
    radius: usize,
    global: u32,
) -> Vec<u32> {
    // Summed-area tables over blocks make each window O(1).
    let stride = bw + 1;
    let mut sums = vec![0u64; stride * (bh + 1)];
    let mut counts = vec![0u32; stride * (bh + 1)];
    for by in 0..bh {
        for bx in 0..bw {
            let i = by * bw + bx;
            let (v, c) = if voting[i] {
                (u64::from(means[i]), 1)
            } else {
                (0, 0)
            };
            let o = (by + 1) * stride + bx + 1;
            sums[o] = v + sums[o - 1] + sums[o - stride] - sums[o - stride - 1];
            counts[o] = c + counts[o - 1] + counts[o - stride] - counts[o - stride - 1];
        }
    }
    let mut thresholds = vec![global; bw * bh];
    for by in 0..bh {
        let (y0, y1) = (by.saturating_sub(radius), (by + radius + 1).min(bh));
        for bx in 0..bw {
            let (x0, x1) = (bx.saturating_sub(radius), (bx + radius + 1).min(bw));
            let at = |y: usize, x: usize| y * stride + x;
            let sum = sums[at(y1, x1)] + sums[at(y0, x0)] - sums[at(y0, x1)] - sums[at(y1, x0)];
            let count =
                counts[at(y1, x1)] + counts[at(y0, x0)] - counts[at(y0, x1)] - counts[at(y1, x0)];
            if count > 0 {
                thresholds[by * bw + bx] = (sum / u64::from(count)) as u32;
            }
        }
    }
    thresholds
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn picture(w: usize, h: usize, f: impl Fn(usize, usize) -> u8) -> Vec<u8> {
        (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| f(x, y))
            .collect()
    }

    #[test]
    fn dark_marks_on_a_shaded_page_come_out_black_and_the_page_white() {
        // Brightness falls from 250 to 90 across the page; marks are 60 below their surround.
        let px = picture(64, 64, |x, y| {
            let page = 250 - (x * 160 / 63) as u8;
            if (x / 4 + y / 4) % 2 == 0 {
                page - 60
            } else {
                page
            }
        });
        let bm = adaptive(GreyImage::new(64, 64, &px).unwrap(), Adaptive::DEFAULT);
        for (i, &p) in px.iter().enumerate() {
            let (x, y) = (i % 64, i / 64);
            assert_eq!(
                bm.bits[i] == 1,
                (x / 4 + y / 4) % 2 == 0,
                "pixel {x},{y} = {p}"
            );
        }
    }

    #[test]
    fn a_turned_view_reads_the_pixel_that_was_turned_there() {
        let bm = Bitmap {
            width: 3,
            height: 2,
            bits: vec![1, 0, 0, 0, 0, 0],
        };
        let quarter = View {
            quarter_turns: 1,
            inverted: false,
        };
        assert_eq!(bm.size_in(quarter), (2, 3));
        // Turning clockwise moves the top-left corner to the top-right.
        assert!(bm.is_black_in(quarter, 1, 0));
        assert!(!bm.is_black_in(quarter, 0, 0));
        let inverted = View {
            quarter_turns: 0,
            inverted: true,
        };
        assert!(!bm.is_black_in(inverted, 0, 0));
    }
}
