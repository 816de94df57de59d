//! The built wizard's size (raw, gzip, brotli) against the first-load budget, the QR worker
//! apart, and what each crate contributes to the main wasm, read with twiggy.

use super::{target_dir, Bench, Section};
use crate::size::{self, FileSize, FIRST_LOAD_BUDGET};
use crate::{shell, tools};
use anyhow::{bail, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// How many crates the breakdown names before "everything else".
const TOP_CRATES: usize = 15;

pub fn run(bench: &mut Bench) -> Result<Section> {
    let dist = bench.dist()?;
    let twiggy = tools::ensure_twiggy()?;
    let files = size::measure(&dist)?;
    let (worker, first): (Vec<_>, Vec<_>) = files.into_iter().partition(FileSize::is_worker);
    let mut markdown = String::from("| file | raw B | gzip B | brotli B |\n|---|---:|---:|---:|\n");
    let first_total = rows(&mut markdown, "first load (html + js + wasm + css)", &first);
    let worker_total = rows(&mut markdown, "QR worker (loaded on demand)", &worker);
    let verdict = if first_total.brotli <= FIRST_LOAD_BUDGET {
        "within"
    } else {
        "over"
    };
    markdown.push_str(&format!(
        "\nFirst load: **{:.1} KB brotli**, {verdict} the budget of {:.0} KB ({:.2}× the budget); \
         the QR worker adds {:.1} KB brotli only when a picture is read.\n",
        first_total.brotli as f64 / 1000.0,
        FIRST_LOAD_BUDGET as f64 / 1000.0,
        first_total.brotli as f64 / FIRST_LOAD_BUDGET as f64,
        worker_total.brotli as f64 / 1000.0,
    ));
    let mut missed = Vec::new();
    if first_total.brotli > FIRST_LOAD_BUDGET {
        missed.push(format!(
            "bundle: the first load is {:.1} KB brotli, over its 200 KB budget",
            first_total.brotli as f64 / 1000.0
        ));
    }
    // Trunk's cargo build leaves the wasm here before wasm-bindgen and wasm-opt, with the
    // function names that the shipped file no longer carries.
    let named = target_dir(bench.root())
        .join("wasm32-unknown-unknown")
        .join("release")
        .join("wizard.wasm");
    markdown.push_str(&breakdown(&twiggy, &named)?);
    Ok(Section {
        title: "Bundle (the built wizard)".into(),
        markdown,
        missed,
    })
}

struct Totals {
    raw: usize,
    gzip: usize,
    brotli: usize,
}

/// Adds one row per file and a bold total row; returns the totals.
fn rows(markdown: &mut String, title: &str, files: &[FileSize]) -> Totals {
    let mut total = Totals {
        raw: 0,
        gzip: 0,
        brotli: 0,
    };
    for file in files {
        markdown.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            file.name, file.raw, file.gzip, file.brotli
        ));
        total.raw += file.raw;
        total.gzip += file.gzip;
        total.brotli += file.brotli;
    }
    markdown.push_str(&format!(
        "| **total, {title}** | **{}** | **{}** | **{}** |\n",
        total.raw, total.gzip, total.brotli
    ));
    total
}

/// twiggy's `top` over every item of `wasm`, summed per crate.
fn breakdown(twiggy: &Path, wasm: &Path) -> Result<String> {
    if !wasm.exists() {
        bail!(
            "{} is missing: the Trunk build did not leave it",
            wasm.display()
        );
    }
    let out = shell::capture(
        Command::new(twiggy)
            .args(["top", "-n", "1000000", "-f", "csv"])
            .arg(wasm),
    )?;
    if !out.status.success() {
        bail!(
            "twiggy top failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut per_crate: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0usize;
    for line in text.lines().skip(1) {
        let Some((name, size)) = parse_csv_row(line) else {
            continue;
        };
        // Names and wasm-bindgen's description are gone from the shipped file.
        if is_metadata(&name) {
            continue;
        }
        total += size;
        *per_crate.entry(crate_of(&name)).or_default() += size;
    }
    if total == 0 {
        bail!("twiggy reported no items in {}", wasm.display());
    }
    let mut ranked: Vec<(String, usize)> = per_crate.into_iter().collect();
    ranked.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
    let mut out = format!(
        "\n### What each crate adds to the main wasm\n\n\
         twiggy 0.8.0 `top` over `wizard.wasm` as cargo built it, before wasm-bindgen and \
         wasm-opt shrink it to the shipped file: its code and data ({total} B; the function \
         names and custom sections, which the shipped file drops, left out), summed by the crate that owns each function (generic code counts for the crate that defines \
         it; `std` includes core and alloc).\n\n| crate | bytes | share |\n|---|---:|---:|\n"
    );
    let mut rest = 0usize;
    for (i, (name, size)) in ranked.iter().enumerate() {
        if i < TOP_CRATES {
            out.push_str(&format!(
                "| {name} | {size} | {:.1} % |\n",
                *size as f64 * 100.0 / total as f64
            ));
        } else {
            rest += size;
        }
    }
    if rest > 0 {
        out.push_str(&format!(
            "| everything else ({} crates) | {rest} | {:.1} % |\n",
            ranked.len() - TOP_CRATES,
            rest as f64 * 100.0 / total as f64
        ));
    }
    Ok(out)
}

/// `"name",size,percent` (the name quoted when it holds commas) into its name and size.
fn parse_csv_row(line: &str) -> Option<(String, usize)> {
    let (name, rest) = if let Some(quoted) = line.strip_prefix('"') {
        let end = quoted.find("\",")?;
        (quoted[..end].replace("\"\"", "\""), &quoted[end + 2..])
    } else {
        let (name, rest) = line.split_once(',')?;
        (name.to_string(), rest)
    };
    let size = rest.split(',').next()?.trim().parse().ok()?;
    Some((name, size))
}

/// Custom sections and name subsections: stripped by wasm-bindgen and wasm-opt.
fn is_metadata(name: &str) -> bool {
    name.contains("subsection") || name.starts_with("custom section")
}

/// The crate a demangled item name belongs to; wasm's own sections by kind. A generic
/// parameter's impl (`<F as tachys::…>::f`) counts for the trait's crate.
fn crate_of(name: &str) -> String {
    if name.starts_with("data[") || name.starts_with("data segment") {
        return "(data: strings and tables)".into();
    }
    let name = match name
        .strip_prefix('<')
        .and_then(|rest| rest.split_once(" as "))
    {
        Some((subject, trait_path)) if !subject.contains("::") => trait_path,
        _ => name,
    };
    let trimmed = name.trim_start_matches(['<', '&', '*', '(', '[', ' ']);
    let trimmed = trimmed
        .strip_prefix("mut ")
        .or_else(|| trimmed.strip_prefix("dyn "))
        .or_else(|| trimmed.strip_prefix("const "))
        .unwrap_or(trimmed);
    let head: String = trimmed
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let is_path = trimmed[head.len()..].starts_with("::");
    match head.as_str() {
        "core" | "alloc" | "std" if is_path => "std".into(),
        _ if is_path && !head.is_empty() => head,
        _ => "(wasm sections, imports, unnamed)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_summed_by_their_crate() {
        assert_eq!(crate_of("leptos::mount::mount_to::h12"), "leptos");
        assert_eq!(
            crate_of("<alloc::vec::Vec<T> as core::ops::Drop>::drop"),
            "std"
        );
        assert_eq!(
            crate_of("<&mut serde_json::de::Deserializer<R> as x>::f"),
            "serde_json"
        );
        assert_eq!(crate_of("data[12]"), "(data: strings and tables)");
        assert_eq!(crate_of("<F as tachys::view::Render>::build"), "tachys");
        assert!(is_metadata("\"function names\" subsection"));
        assert!(is_metadata("custom section '__wasm_bindgen_unstable'"));
        assert_eq!(
            crate_of("code section headers"),
            "(wasm sections, imports, unnamed)"
        );
    }

    #[test]
    fn csv_rows_with_commas_in_names_are_read() {
        assert_eq!(
            parse_csv_row("\"a::<b, c>::d\",120,1.5"),
            Some(("a::<b, c>::d".into(), 120))
        );
        assert_eq!(
            parse_csv_row("plain::f,7,0.1"),
            Some(("plain::f".into(), 7))
        );
        assert_eq!(parse_csv_row("Name,ShallowSize,ShallowSizePercent"), None);
    }
}
