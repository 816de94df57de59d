//! The calls into rqrr: find grids in one binarised (or grey) picture and decode each.
//! Everything rqrr-specific stays here so the pipeline only speaks of pictures and views.

use crate::binarise::{Bitmap, View};
use crate::grey::GreyImage;

/// One QR symbol rqrr decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Symbol {
    pub bytes: Vec<u8>,
    pub version: usize,
    pub ecc_level: u16,
}

/// What one attempt saw: decoded symbols, and how many grids were found but not decoded.
#[derive(Debug, Default)]
pub(crate) struct Attempt {
    pub symbols: Vec<Symbol>,
    pub grids: usize,
}

/// Reads `bitmap` through `view` with rqrr's grid finder.
pub(crate) fn read_bitmap(bitmap: &Bitmap, view: View) -> Attempt {
    let (w, h) = bitmap.size_in(view);
    let mut prepared =
        rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| bitmap.is_black_in(view, x, y));
    decode_grids(prepared.detect_grids())
}

/// Reads a grey picture with rqrr's own binariser (its fast path for clean pictures).
pub(crate) fn read_grey(image: GreyImage<'_>) -> Attempt {
    let (w, px) = (image.width(), image.pixels());
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w, image.height(), |x, y| px[y * w + x]);
    decode_grids(prepared.detect_grids())
}

fn decode_grids<G: rqrr::BitGrid>(grids: Vec<rqrr::Grid<G>>) -> Attempt {
    let mut attempt = Attempt {
        symbols: Vec::new(),
        grids: grids.len(),
    };
    for grid in grids {
        let mut bytes = Vec::new();
        // Reed–Solomon has checked the data when this succeeds, so a result is trustworthy.
        if let Ok(meta) = grid.decode_to(&mut bytes) {
            let symbol = Symbol {
                bytes,
                version: meta.version.0,
                ecc_level: meta.ecc_level,
            };
            if !attempt.symbols.contains(&symbol) {
                attempt.symbols.push(symbol);
            }
        }
    }
    attempt
}
