//! The built wizard's size, raw and brotli-compressed, so every change sees its cost.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

/// The first-load budget for html + js + wasm + css, brotli-compressed (DESIGN.md).
pub const FIRST_LOAD_BUDGET: usize = 200_000;

/// One built file's size, raw and compressed as a server would send it.
pub struct FileSize {
    /// Its path inside the dist folder.
    pub name: String,
    /// Bytes on disk.
    pub raw: usize,
    /// Bytes gzip-compressed (level 9).
    pub gzip: usize,
    /// Bytes brotli-compressed (quality 11).
    pub brotli: usize,
}

impl FileSize {
    /// The QR worker's files are loaded only to read a picture, outside the first load.
    pub fn is_worker(&self) -> bool {
        self.name.starts_with("qr-worker")
    }
}

/// Every html, js, wasm and css file of `dist`, in name order.
pub fn measure(dist: &Path) -> Result<Vec<FileSize>> {
    let mut rows = Vec::new();
    collect(dist, dist, &mut rows)?;
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(rows)
}

/// Prints each file of `dist` with its raw and brotli size: the first load (what every
/// visitor downloads) against its budget, and the QR worker (loaded only to read a picture).
pub fn report(dist: &Path) -> Result<()> {
    let (worker, first): (Vec<_>, Vec<_>) =
        measure(dist)?.into_iter().partition(FileSize::is_worker);
    println!("\nbuilt wizard size ({}):", dist.display());
    let first_br = table("first load (html + js + wasm + css)", &first);
    let verdict = if first_br <= FIRST_LOAD_BUDGET {
        "within"
    } else {
        "OVER"
    };
    println!(
        "  first load is {verdict} its budget of {:.0} KB brotli",
        FIRST_LOAD_BUDGET as f64 / 1000.0
    );
    table("QR worker (loaded on demand)", &worker);
    Ok(())
}

/// Prints `rows` and their total; returns the brotli total.
fn table(title: &str, rows: &[FileSize]) -> usize {
    let (mut raw_total, mut br_total) = (0usize, 0usize);
    for FileSize {
        name,
        raw,
        brotli: br,
        ..
    } in rows
    {
        println!("  {name:<48} {raw:>9} B raw {br:>9} B brotli");
        raw_total += raw;
        br_total += br;
    }
    println!(
        "  {:<48} {:>9} B raw {:>9} B brotli ({:.1} KB)",
        format!("total, {title}"),
        raw_total,
        br_total,
        br_total as f64 / 1000.0
    );
    br_total
}

fn collect(base: &Path, dir: &Path, rows: &mut Vec<FileSize>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect(base, &path, rows)?;
            continue;
        }
        let counted = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("html" | "js" | "wasm" | "css")
        );
        if !counted {
            continue;
        }
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let name = path
            .strip_prefix(base)
            .unwrap_or(&path)
            .display()
            .to_string();
        rows.push(FileSize {
            name,
            raw: bytes.len(),
            gzip: gzip_len(&bytes)?,
            brotli: brotli_len(&bytes)?,
        });
    }
    Ok(())
}

fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut writer = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    writer.write_all(bytes).context("compressing with gzip")?;
    Ok(writer.finish().context("compressing with gzip")?.len())
}

fn brotli_len(bytes: &[u8]) -> Result<usize> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(bytes).context("compressing with brotli")?;
    }
    Ok(out.len())
}
