//! QR codes: drawing the device's reset QR for export, and reading one from a picture or the
//! camera (decoding runs in a Web Worker).

mod camera;
pub mod draw;
pub(crate) mod reader;
mod scan;
