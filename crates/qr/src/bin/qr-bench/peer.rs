//! The peer decoder, zxing-cpp from PyPI, in a venv in the per-user tool cache. It reads the
//! very grey pixels we decode (written as PGM files), through `scripts/zxing_decode.py`.

use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One symbol zxing-cpp read.
#[derive(Debug, Clone)]
pub struct PeerSymbol {
    /// Its text.
    pub text: String,
    /// Its raw bytes.
    pub bytes: Vec<u8>,
}

/// What zxing-cpp made of one picture.
#[derive(Debug, Clone)]
pub struct PeerResult {
    /// Decode time in milliseconds, measured inside Python around the call.
    pub ms: f64,
    /// The symbols read.
    pub symbols: Vec<PeerSymbol>,
}

/// The venv's Python with zxing-cpp importable, installing it on first use.
pub fn python() -> Result<PathBuf> {
    let cache = match std::env::var_os("XDG_CACHE_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?).join(".cache"),
    };
    let venv = cache.join("reset-wizard/tools/zxing-cpp-venv");
    let python = venv.join("bin/python");
    if imports_zxing(&python) {
        return Ok(python);
    }
    eprintln!("qr-bench: installing zxing-cpp into {}", venv.display());
    run(
        Command::new("python3").arg("-m").arg("venv").arg(&venv),
        "creating the venv",
    )?;
    run(
        Command::new(venv.join("bin/pip")).args(["install", "--quiet", "zxing-cpp"]),
        "pip install zxing-cpp",
    )?;
    if !imports_zxing(&python) {
        bail!("zxing-cpp installed but `import zxingcpp` fails");
    }
    Ok(python)
}

fn imports_zxing(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import zxingcpp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run(command: &mut Command, what: &str) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("{what}: could not start"))?;
    if !status.success() {
        bail!("{what}: failed ({status})");
    }
    Ok(())
}

/// Writes a binary PGM, the simplest file both sides read without an image library.
pub fn write_pgm(path: &Path, width: usize, height: usize, pixels: &[u8]) -> Result<()> {
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
    );
    write!(file, "P5\n{width} {height}\n255\n")?;
    file.write_all(pixels)?;
    file.flush()?;
    Ok(())
}

/// Runs the peer script over `files`, keyed by file path.
pub fn decode_all(python: &Path, files: &[PathBuf]) -> Result<HashMap<PathBuf, PeerResult>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/zxing_decode.py");
    let mut child = Command::new(python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", script.display()))?;
    let mut list = String::new();
    for file in files {
        list.push_str(&file.to_string_lossy());
        list.push('\n');
    }
    // Write from a thread so a full stdout pipe cannot deadlock us.
    let mut stdin = child.stdin.take().context("peer stdin")?;
    let writer = std::thread::spawn(move || stdin.write_all(list.as_bytes()));
    let output = child.wait_with_output().context("waiting for the peer")?;
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("peer writer thread panicked"))??;
    if !output.status.success() {
        bail!("{} failed ({})", script.display(), output.status);
    }
    let mut results = HashMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let mut fields = line.split('\t');
        let (Some(file), Some(ms)) = (fields.next(), fields.next()) else {
            continue;
        };
        let ms: f64 = ms.parse().with_context(|| format!("peer time {ms:?}"))?;
        let mut symbols = Vec::new();
        for symbol in fields {
            let (text, bytes) = symbol.split_once(':').context("peer symbol without ':'")?;
            symbols.push(PeerSymbol {
                text: String::from_utf8_lossy(&unhex(text)?).into_owned(),
                bytes: unhex(bytes)?,
            });
        }
        results.insert(PathBuf::from(file), PeerResult { ms, symbols });
    }
    Ok(results)
}

fn unhex(hex: &str) -> Result<Vec<u8>> {
    (0..hex.len())
        .step_by(2)
        .map(|i| {
            let pair = hex.get(i..i + 2).context("odd hex length")?;
            u8::from_str_radix(pair, 16).with_context(|| format!("bad hex {pair:?}"))
        })
        .collect()
}
