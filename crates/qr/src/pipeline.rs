//! The decoding pipeline: a fixed list of stages ordered by cost, tried until one decodes.
//! Easy pictures stop at the first, cheap stage; hard ones climb towards the scale pyramid.

use crate::binarise::{self, Adaptive, Bitmap, View};
use crate::grey::{self, Grey, GreyImage};
use crate::read::{self, Attempt};
use crate::text;
use std::fmt;

/// How much effort a picture deserves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// A live camera frame: cheap stages only, stopped at [`FRAME_MS`]; a frame that fails
    /// just waits for the next one.
    Frame,
    /// An uploaded picture: the whole pipeline, stopped at [`UPLOAD_MS`].
    Upload,
}

/// Time box for [`Budget::Frame`]: a stage starts only if it is expected to end by then, which
/// keeps the 95th percentile under one frame at 30 fps (33 ms).
pub const FRAME_MS: f64 = 25.0;

/// Time box for [`Budget::Upload`]: the user waits at most half a second for a verdict.
pub const UPLOAD_MS: f64 = 500.0;

impl Budget {
    fn limit_ms(self) -> f64 {
        match self {
            Budget::Frame => FRAME_MS,
            Budget::Upload => UPLOAD_MS,
        }
    }
}

/// A source of milliseconds for the time box. `std::time::Instant` panics on
/// wasm32-unknown-unknown, so the browser worker passes `performance.now()` instead.
pub trait Clock {
    /// Milliseconds since any fixed point in the past.
    fn now_ms(&self) -> f64;
}

impl<F: Fn() -> f64> Clock for F {
    fn now_ms(&self) -> f64 {
        self()
    }
}

/// A clock that never moves: no time box at all, every stage of the budget runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoClock;

impl Clock for NoClock {
    fn now_ms(&self) -> f64 {
        0.0
    }
}

/// The native clock (not on wasm32, where `Instant` panics).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, Copy)]
pub struct SystemClock(std::time::Instant);

#[cfg(not(target_arch = "wasm32"))]
impl SystemClock {
    /// A clock counting from now.
    pub fn start() -> Self {
        SystemClock(std::time::Instant::now())
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Clock for SystemClock {
    fn now_ms(&self) -> f64 {
        self.0.elapsed().as_secs_f64() * 1000.0
    }
}

/// Which copy of the picture a stage binarises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// The picture as given.
    Original,
    /// Contrast stretched to the full range.
    Stretched,
    /// Doubled in both sides (small modules).
    Double,
    /// Blurred 3×3 (JPEG speckle, moiré).
    Blurred,
    /// Halved in both sides (noisy pictures with large modules).
    Half,
    /// Four times both sides; only for small pictures (see [`QUAD_MAX_SIDE`]), whose modules
    /// are likely to be two or three pixels wide.
    Quad,
}

/// The largest side a picture may have to get the 4× stages: beyond it the cost (16× the
/// pixels) outweighs the chance, as codes in large pictures rarely have such small modules.
pub const QUAD_MAX_SIDE: usize = 400;

/// Which binariser turns grey into black and white.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binariser {
    /// rqrr's own row-average threshold.
    Rqrr,
    /// Our block-mean threshold, with this block side in pixels.
    Adaptive(u8),
}

/// One step of the pipeline: a picture copy, a binariser and a way to hand it to rqrr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stage {
    /// The picture copy.
    pub scale: Scale,
    /// The binariser.
    pub binariser: Binariser,
    /// Quarter turns clockwise before rqrr looks (it finds some codes only at 90° or 270°).
    pub quarter_turns: u8,
    /// Black and white swapped (light-on-dark codes).
    pub inverted: bool,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale = match self.scale {
            Scale::Original => "1x",
            Scale::Stretched => "stretched",
            Scale::Double => "2x",
            Scale::Blurred => "blurred",
            Scale::Half => "half",
            Scale::Quad => "4x",
        };
        match self.binariser {
            Binariser::Rqrr => write!(f, "{scale} rqrr")?,
            Binariser::Adaptive(block) => write!(f, "{scale} adaptive/{block}")?,
        }
        if self.quarter_turns != 0 {
            write!(f, " {}°", u32::from(self.quarter_turns) * 90)?;
        }
        if self.inverted {
            write!(f, " inverted")?;
        }
        Ok(())
    }
}

const fn stage(scale: Scale, binariser: Binariser, quarter_turns: u8, inverted: bool) -> Stage {
    Stage {
        scale,
        binariser,
        quarter_turns,
        inverted,
    }
}

use Binariser::{Adaptive as Adapt, Rqrr};
use Scale::{Blurred, Double, Half, Original, Quad, Stretched};

/// The stages a camera frame gets, cheapest first. Our binariser comes first because, measured
/// on the ZXing pictures (`qr-bench --stages`), with 16-pixel blocks it reads a quarter more
/// than rqrr's own at the same cost.
const FRAME_STAGES: &[Stage] = &[
    stage(Original, Adapt(16), 0, false),
    stage(Original, Adapt(16), 1, false),
    stage(Original, Adapt(16), 0, true),
];

/// The stages an upload gets after [`FRAME_STAGES`], cheapest first: other block sizes and
/// rqrr's binariser at the original size, then the scale pyramid.
const UPLOAD_STAGES: &[Stage] = &[
    stage(Original, Adapt(8), 0, false),
    stage(Original, Adapt(4), 0, false),
    stage(Original, Adapt(8), 1, false),
    stage(Original, Rqrr, 0, false),
    stage(Original, Adapt(16), 1, true),
    stage(Stretched, Rqrr, 0, false),
    stage(Half, Adapt(8), 0, false),
    stage(Half, Adapt(8), 1, false),
    stage(Blurred, Adapt(8), 0, false),
    stage(Blurred, Adapt(8), 1, false),
    stage(Double, Adapt(32), 0, false),
    stage(Double, Adapt(32), 1, false),
    stage(Double, Adapt(16), 0, false),
    stage(Double, Adapt(16), 1, false),
    stage(Double, Adapt(32), 0, true),
    stage(Double, Adapt(32), 1, true),
    stage(Quad, Adapt(32), 0, false),
    stage(Quad, Adapt(32), 1, false),
    stage(Quad, Adapt(32), 0, true),
];

/// Every stage of `budget`, in the order the pipeline tries them.
pub fn stages(budget: Budget) -> impl Iterator<Item = &'static Stage> {
    let extra: &[Stage] = match budget {
        Budget::Frame => &[],
        Budget::Upload => UPLOAD_STAGES,
    };
    FRAME_STAGES.iter().chain(extra)
}

/// One decoded QR symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// The bytes the symbol carries, exactly.
    pub bytes: Vec<u8>,
    /// Those bytes as text (UTF-8, else Shift_JIS, else Latin-1).
    pub text: String,
    /// QR version, 1–40 (the symbol's size).
    pub version: usize,
    /// Error-correction level as rqrr reports it (0 M, 1 L, 2 H, 3 Q).
    pub ecc_level: u16,
}

/// Counters that say how hard the picture was.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Stages tried, the successful one included.
    pub stages_tried: usize,
    /// Grids rqrr found over all stages (found but undecodable ones show up here).
    pub grids_found: usize,
    /// Milliseconds spent, by the caller's clock.
    pub elapsed_ms: f64,
    /// Stages left untried because the time box would have been exceeded.
    pub out_of_time: bool,
}

/// What the pipeline found in one picture.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decoded {
    /// The decoded symbols (usually one); empty when nothing was readable.
    pub codes: Vec<Code>,
    /// The stage that decoded them.
    pub stage: Option<Stage>,
    /// How much work it took.
    pub stats: Stats,
}

/// Decodes the QR codes in `image`, trying the stages of `budget` cheapest first and stopping
/// at the first that reads anything, or when the time box by `clock` runs out.
pub fn decode(image: GreyImage<'_>, budget: Budget, clock: &dyn Clock) -> Decoded {
    let start = clock.now_ms();
    let mut work = Workbench::new(image);
    let mut decoded = Decoded::default();
    // Learned from the stages already run, so the time box can skip a stage that would overrun.
    let mut ms_per_unit: Option<f64> = None;
    let mut units_done = 0.0;
    for &stage in stages(budget) {
        if !work.worth_trying(stage) {
            continue;
        }
        let elapsed = clock.now_ms() - start;
        let units = work.cost_units(stage);
        if let Some(rate) = ms_per_unit {
            if elapsed + units * rate > budget.limit_ms() {
                decoded.stats.out_of_time = true;
                break;
            }
        }
        let attempt = work.run(stage);
        units_done += units;
        let elapsed = clock.now_ms() - start;
        if elapsed > 0.0 {
            ms_per_unit = Some(elapsed / units_done);
        }
        decoded.stats.stages_tried += 1;
        decoded.stats.grids_found += attempt.grids;
        if !attempt.symbols.is_empty() {
            decoded.codes = attempt.symbols.into_iter().map(code).collect();
            decoded.stage = Some(stage);
            break;
        }
    }
    decoded.stats.elapsed_ms = clock.now_ms() - start;
    decoded
}

/// Runs one stage alone (for the benchmark's per-stage table).
pub fn decode_stage(image: GreyImage<'_>, stage: Stage) -> Vec<Code> {
    Workbench::new(image)
        .run(stage)
        .symbols
        .into_iter()
        .map(code)
        .collect()
}

fn code(symbol: read::Symbol) -> Code {
    Code {
        text: text::bytes_to_text(&symbol.bytes),
        bytes: symbol.bytes,
        version: symbol.version,
        ecc_level: symbol.ecc_level,
    }
}

/// The picture copies and bitmaps made so far, kept so later stages reuse them.
struct Workbench<'a> {
    original: GreyImage<'a>,
    copies: Vec<(Scale, Grey)>,
    bitmaps: Vec<(Scale, u8, Bitmap)>,
}

impl<'a> Workbench<'a> {
    fn new(original: GreyImage<'a>) -> Self {
        Workbench {
            original,
            copies: Vec::new(),
            bitmaps: Vec::new(),
        }
    }

    fn worth_trying(&self, stage: Stage) -> bool {
        stage.scale != Scale::Quad
            || self.original.width().max(self.original.height()) <= QUAD_MAX_SIDE
    }

    /// Rough work of a stage in units of "one pass of rqrr over the original picture".
    fn cost_units(&self, stage: Stage) -> f64 {
        let area = match stage.scale {
            Scale::Double => 4.0,
            Scale::Quad => 16.0,
            Scale::Half => 0.25,
            _ => 1.0,
        };
        let making = match stage.scale {
            Scale::Original => 0.0,
            Scale::Double => 1.0,
            Scale::Quad => 4.0,
            _ => 0.3,
        };
        area + making
    }

    fn run(&mut self, stage: Stage) -> Attempt {
        let view = View {
            quarter_turns: stage.quarter_turns,
            inverted: stage.inverted,
        };
        match stage.binariser {
            Binariser::Rqrr if view == View::PLAIN => read::read_grey(self.grey(stage.scale)),
            Binariser::Rqrr => {
                // rqrr's binariser only reads grey, so a turned or inverted view goes through
                // a turned or inverted grey copy; the pipeline uses these rarely.
                let grey = self.grey(stage.scale);
                let (w, h) = (grey.width(), grey.height());
                let as_bitmap = Bitmap {
                    width: w,
                    height: h,
                    bits: grey.pixels().to_vec(),
                };
                let turned = turn_grey(&as_bitmap, view);
                read::read_grey(turned.view())
            }
            Binariser::Adaptive(block) => {
                let bitmap = self.bitmap(stage.scale, block);
                read::read_bitmap(bitmap, view)
            }
        }
    }

    fn grey(&mut self, scale: Scale) -> GreyImage<'_> {
        if scale == Scale::Original {
            return self.original;
        }
        let index = match self.copies.iter().position(|(s, _)| *s == scale) {
            Some(index) => index,
            None => {
                let copy = match scale {
                    Scale::Original | Scale::Stretched => grey::stretch_contrast(self.original),
                    Scale::Double => grey::upscale2(self.original),
                    // Doubling twice gives the same interpolation steps as a 4× filter would.
                    Scale::Quad => grey::upscale2(self.grey(Scale::Double)),
                    Scale::Blurred => grey::blur3(self.original),
                    Scale::Half => grey::downscale2(self.original),
                };
                self.copies.push((scale, copy));
                self.copies.len() - 1
            }
        };
        self.copies[index].1.view()
    }

    fn bitmap(&mut self, scale: Scale, block: u8) -> &Bitmap {
        let index = match self
            .bitmaps
            .iter()
            .position(|(s, b, _)| *s == scale && *b == block)
        {
            Some(index) => index,
            None => {
                let params = Adaptive {
                    block: usize::from(block),
                    ..Adaptive::DEFAULT
                };
                let bitmap = binarise::adaptive(self.grey(scale), params);
                self.bitmaps.push((scale, block, bitmap));
                self.bitmaps.len() - 1
            }
        };
        &self.bitmaps[index].2
    }
}

/// A grey copy turned and/or inverted; reuses the bitmap view logic on grey bytes.
fn turn_grey(grey: &Bitmap, view: View) -> Grey {
    let (w, h) = grey.size_in(view);
    let turn = View {
        quarter_turns: view.quarter_turns,
        inverted: false,
    };
    let mut pixels = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let value = grey.value_in(turn, x, y);
            pixels.push(if view.inverted { 255 - value } else { value });
        }
    }
    Grey {
        width: w,
        height: h,
        pixels,
    }
}
