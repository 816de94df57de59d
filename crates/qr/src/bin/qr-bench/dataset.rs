//! The ZXing blackbox layout: qrcode-N folders of N.png/.jpg/.gif pictures, each beside its
//! expected content, N.txt (UTF-8, one trailing newline ignored) or N.bin (raw bytes).

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// What a picture should decode to.
#[derive(Debug, Clone)]
pub enum Expected {
    /// Text, compared with the decoded text; the file's one trailing newline may or may not
    /// belong to the content (ZXing's files differ), so both readings are accepted.
    Text(String),
    /// Bytes (ISO-8859-1 content), compared with the decoded bytes.
    Bytes(Vec<u8>),
}

impl Expected {
    /// Whether a decoded symbol with this text and these bytes is the expected content.
    pub fn matches(&self, text: &str, bytes: &[u8]) -> bool {
        match self {
            Expected::Text(expected) => {
                let trimmed = expected
                    .strip_suffix('\n')
                    .map(|t| t.strip_suffix('\r').unwrap_or(t));
                expected == text || trimmed == Some(text)
            }
            Expected::Bytes(expected) => expected == bytes,
        }
    }
}

/// One picture of the data set.
#[derive(Debug, Clone)]
pub struct Case {
    /// The folder name, e.g. `qrcode-2`.
    pub set: String,
    /// The picture's name in its folder without extension, e.g. `7` or `07`.
    pub number: String,
    /// The picture file.
    pub picture: PathBuf,
    /// Its expected content.
    pub expected: Expected,
}

/// Every case under `root`, ordered by set and number; `only` keeps the sets named.
pub fn cases(root: &Path, only: &[String]) -> Result<Vec<Case>> {
    let mut sets: Vec<PathBuf> = std::fs::read_dir(root)
        .with_context(|| format!("listing {}", root.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .filter(|p| {
            let name = file_name(p);
            name.starts_with("qrcode-") && (only.is_empty() || only.contains(&name))
        })
        .collect();
    sets.sort_by_key(|p| numeric_suffix(&file_name(p)));
    let mut cases = Vec::new();
    for set in sets {
        let mut found = Vec::new();
        for entry in
            std::fs::read_dir(&set).with_context(|| format!("listing {}", set.display()))?
        {
            let path = entry?.path();
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            if !matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "gif") {
                continue;
            }
            let Some(number) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
                continue;
            };
            let expected = expected_for(&set, &number)?;
            found.push(Case {
                set: file_name(&set),
                number,
                picture: path,
                expected,
            });
        }
        found.sort_by_key(|c| {
            (
                c.number.parse::<u32>().unwrap_or(u32::MAX),
                c.number.clone(),
            )
        });
        cases.extend(found);
    }
    Ok(cases)
}

fn expected_for(set: &Path, number: &str) -> Result<Expected> {
    let txt = set.join(format!("{number}.txt"));
    if txt.exists() {
        let text =
            std::fs::read_to_string(&txt).with_context(|| format!("reading {}", txt.display()))?;
        return Ok(Expected::Text(text));
    }
    let bin = set.join(format!("{number}.bin"));
    let bytes = std::fs::read(&bin)
        .with_context(|| format!("{}: neither {number}.txt nor {number}.bin", set.display()))?;
    Ok(Expected::Bytes(bytes))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_owned()
}

fn numeric_suffix(name: &str) -> u32 {
    name.rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(u32::MAX)
}
