//! QR decoding for the reset wizard: a pipeline around rqrr that closes most of the gap to
//! zxing-cpp on hard pictures, and a classifier that says what a decoded content looks like.
//!
//! The same code runs natively (the benchmark, `src/bin/qr-bench.rs`) and in the browser's
//! decoding worker (wasm32). It never reads the clock itself: `std::time::Instant` panics on
//! wasm32-unknown-unknown, so callers pass a [`Clock`] (`performance.now()` in the browser,
//! [`SystemClock`] natively).
//!
//! ```
//! use qr::{decode, Budget, GreyImage, NoClock};
//! let pixels = vec![255u8; 64 * 48];
//! let image = GreyImage::new(64, 48, &pixels)?;
//! let found = decode(image, Budget::Frame, &NoClock);
//! assert!(found.codes.is_empty());
//! # Ok::<(), qr::DecodeError>(())
//! ```

mod binarise;
mod classify;
mod grey;
mod pipeline;
mod read;
mod text;

#[cfg(feature = "native")]
pub mod files;

pub use classify::{classify, ContentKind};
pub use grey::{GreyImage, MAX_SIDE};
#[cfg(not(target_arch = "wasm32"))]
pub use pipeline::SystemClock;
pub use pipeline::{
    decode, decode_stage, stages, Binariser, Budget, Clock, Code, Decoded, NoClock, Scale, Stage,
    Stats, FRAME_MS, QUAD_MAX_SIDE, UPLOAD_MS,
};

/// Why a picture cannot be handed to the decoder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A side is zero.
    #[error("the picture is empty ({width}×{height} pixels)")]
    Empty {
        /// Width given.
        width: usize,
        /// Height given.
        height: usize,
    },
    /// A side is beyond [`MAX_SIDE`].
    #[error("the picture is too large ({width}×{height} pixels; at most {max} per side)")]
    TooLarge {
        /// Width given.
        width: usize,
        /// Height given.
        height: usize,
        /// The largest side accepted.
        max: usize,
    },
    /// The pixel buffer does not hold one byte per pixel.
    #[error("a {width}×{height} grey picture needs {expected} bytes, got {got}")]
    WrongLength {
        /// Width given.
        width: usize,
        /// Height given.
        height: usize,
        /// `width * height`.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
}
