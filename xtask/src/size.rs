//! The built wizard's size, raw and brotli-compressed, so every change sees its cost.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

/// The first-load budget for html + js + wasm + css, brotli-compressed (DESIGN.md).
const FIRST_LOAD_BUDGET: usize = 200_000;

/// Prints each file of `dist` with its raw and brotli size: the first load (what every
/// visitor downloads) against its budget, and the QR worker (loaded only to read a picture).
pub fn report(dist: &Path) -> Result<()> {
    let mut rows = Vec::new();
    collect(dist, dist, &mut rows)?;
    rows.sort();
    let (worker, first): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|(name, _, _)| name.starts_with("qr-worker"));
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
fn table(title: &str, rows: &[(String, usize, usize)]) -> usize {
    let (mut raw_total, mut br_total) = (0usize, 0usize);
    for (name, raw, br) in rows {
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

fn collect(base: &Path, dir: &Path, rows: &mut Vec<(String, usize, usize)>) -> Result<()> {
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
        rows.push((name, bytes.len(), brotli_len(&bytes)?));
    }
    Ok(())
}

fn brotli_len(bytes: &[u8]) -> Result<usize> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(bytes).context("compressing with brotli")?;
    }
    Ok(out.len())
}
