//! `cargo xtask dist`: the wizard as static files for any static host or CDN, with the headers
//! to configure there (the same Content-Security-Policy reset-proxy sends) written beside them.

use crate::tools::Toolbox;
use crate::{wizard, workspace_root};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// What `dist` was asked for.
pub struct Options {
    /// Where the files go.
    pub out: PathBuf,
    /// Who may frame the wizard (CSP `frame-ancestors`): help-center origins, or `'self'`.
    pub frame_ancestors: Vec<String>,
    /// The helper's archives and SHA256SUMS (`cargo xtask release`'s output), offered under
    /// `download/`.
    pub helpers: Option<PathBuf>,
}

impl Options {
    /// Reads `[--out DIR] [--frame-ancestors ORIGIN]...`.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options> {
        let mut options = Options {
            out: workspace_root().join("target").join("wizard-static"),
            frame_ancestors: Vec::new(),
            helpers: None,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--out" => {
                    options.out = PathBuf::from(args.next().context("--out needs a folder")?)
                }
                "--frame-ancestors" => {
                    let value = args.next().context("--frame-ancestors needs an origin")?;
                    for origin in value.split([',', ' ']).filter(|o| !o.is_empty()) {
                        options.frame_ancestors.push(checked_ancestor(origin)?);
                    }
                }
                "--helpers" => {
                    options.helpers = Some(PathBuf::from(
                        args.next().context("--helpers needs a folder")?,
                    ))
                }
                other => bail!("unknown dist option {other}"),
            }
        }
        if options.frame_ancestors.is_empty() {
            options.frame_ancestors.push("'self'".into());
        }
        Ok(options)
    }
}

/// Accepts `'self'` or an https origin (http only for loopback names, for testing), since the
/// value goes into a header verbatim.
fn checked_ancestor(origin: &str) -> Result<String> {
    if origin == "'self'" {
        return Ok(origin.into());
    }
    let origin = origin.trim_end_matches('/');
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| {
            origin
                .strip_prefix("http://")
                .filter(|r| r.starts_with("localhost") || r.starts_with("127.0.0.1"))
        })
        .with_context(|| format!("--frame-ancestors {origin}: expected https://host[:port]"))?;
    let host_ok = !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:*".contains(&b));
    if !host_ok {
        bail!("--frame-ancestors {origin}: expected an origin only (no path, query or spaces)");
    }
    Ok(origin.to_ascii_lowercase())
}

/// Builds the wizard into `options.out` and writes its headers beside it.
pub fn run(options: Options) -> Result<()> {
    let root = workspace_root();
    let tools = Toolbox::for_build(&root)?;
    wizard::build_into(&root, &tools, &options.out)?;
    let headers = write_headers(&options.out, &options.frame_ancestors.join(" "))?;
    if let Some(helpers) = &options.helpers {
        let index = add_helpers(helpers, &options.out.join("download"))?;
        println!("the helper's downloads are in {}", index.display());
    }
    println!(
        "\nthe wizard is in {}\nconfigure these headers on every file there (also written to {}):\n\n{}",
        options.out.display(),
        headers.display(),
        header_lines(&std::fs::read_to_string(options.out.join("index.html"))?, &options.frame_ancestors.join(" "))
            .join("\n")
    );
    println!(
        "\nembed it in a help-center article with:\n  <script src=\"https://WIZARD-HOST/public/embed.js\" async></script>\n  <div data-reset-wizard></div>"
    );
    Ok(())
}

/// Copies the archives named in `from/SHA256SUMS` and that file into `download`, checking each
/// checksum, and writes the index the wizard reads ([`protocol::downloads::INDEX_PATH`]).
pub fn add_helpers(from: &Path, download: &Path) -> Result<PathBuf> {
    use protocol::downloads::{HelperDownloads, HelperFile};
    use sha2::Digest;
    let sums_path = from.join("SHA256SUMS");
    let sums = std::fs::read_to_string(&sums_path).with_context(|| {
        format!(
            "reading {} (run `cargo xtask release` first)",
            sums_path.display()
        )
    })?;
    std::fs::create_dir_all(download)
        .with_context(|| format!("creating {}", download.display()))?;
    let mut files = Vec::new();
    let mut version = None;
    for line in sums.lines().filter(|l| !l.trim().is_empty()) {
        let (sha256, name) = line
            .split_once("  ")
            .with_context(|| format!("SHA256SUMS: unreadable line {line:?}"))?;
        // reset-proxy-<version>-<target>.zip|.tar.gz
        let stem = name
            .strip_suffix(".zip")
            .or_else(|| name.strip_suffix(".tar.gz"))
            .and_then(|s| s.strip_prefix("reset-proxy-"))
            .with_context(|| format!("SHA256SUMS: unexpected file name {name}"))?;
        let (file_version, target) = stem
            .split_once('-')
            .with_context(|| format!("SHA256SUMS: no version in {name}"))?;
        let bytes = std::fs::read(from.join(name))
            .with_context(|| format!("reading {}", from.join(name).display()))?;
        let actual = crate::release::hex(&sha2::Sha256::digest(&bytes));
        if actual != sha256 {
            bail!("{name}: its SHA-256 is {actual}, but SHA256SUMS says {sha256}");
        }
        std::fs::write(download.join(name), &bytes).with_context(|| format!("copying {name}"))?;
        version.get_or_insert_with(|| file_version.to_string());
        files.push(HelperFile {
            target: target.to_string(),
            name: name.to_string(),
            size: bytes.len() as u64,
            sha256: sha256.to_string(),
        });
    }
    let index = HelperDownloads {
        version: version.context("SHA256SUMS lists no archive")?,
        files,
    };
    std::fs::write(download.join("SHA256SUMS"), &sums).context("copying SHA256SUMS")?;
    let path = download.join("helpers.json");
    std::fs::write(&path, serde_json::to_string_pretty(&index)?)
        .with_context(|| format!("writing {}", path.display()))?;
    std::fs::write(download.join("index.html"), download_page(&index))
        .context("writing download/index.html")?;
    Ok(path)
}

/// A plain page listing every archive with its size and checksum (the wizard's "other
/// systems" link), so static hosts without folder listings still show them.
fn download_page(index: &protocol::downloads::HelperDownloads) -> String {
    let mut rows = String::new();
    for file in &index.files {
        rows.push_str(&format!(
            "<tr><td><a href=\"{name}\">{name}</a></td><td>{size}</td><td><code>{sha}</code></td></tr>\n",
            name = file.name,
            size = protocol::downloads::size_text(file.size),
            sha = file.sha256,
        ));
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Password-reset helper {version}: downloads</title>\n<main>\n\
         <h1>Password-reset helper {version}</h1>\n\
         <p>Unpack the archive for your computer and start reset-proxy in it; the README.txt \
         inside explains each step, the messages Windows shows for an unsigned program, and \
         how to check the SHA-256 checksum against this list (also in <a href=\"SHA256SUMS\">SHA256SUMS</a>).</p>\n\
         <table>\n<tr><th>File</th><th>Size</th><th>SHA-256</th></tr>\n{rows}</table>\n</main>\n",
        version = index.version
    )
}

/// The headers every file of the static wizard should be served with.
fn header_lines(index_html: &str, frame_ancestors: &str) -> Vec<String> {
    vec![
        format!(
            "Content-Security-Policy: {}",
            protocol::csp::header_value(index_html, frame_ancestors)
        ),
        "X-Content-Type-Options: nosniff".into(),
        "Referrer-Policy: no-referrer".into(),
    ]
}

/// Writes `_headers` (the format Netlify and Cloudflare Pages read) and returns its path.
fn write_headers(out: &Path, frame_ancestors: &str) -> Result<PathBuf> {
    let index = std::fs::read_to_string(out.join("index.html"))
        .with_context(|| format!("reading {}/index.html", out.display()))?;
    let mut text = String::from("/*\n");
    for line in header_lines(&index, frame_ancestors) {
        text.push_str("  ");
        text.push_str(&line);
        text.push('\n');
    }
    let path = out.join("_headers");
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_are_copied_with_their_checked_sums() -> Result<()> {
        use sha2::Digest;
        let base = std::env::temp_dir().join(format!("xtask-helpers-{}", std::process::id()));
        let (from, to) = (base.join("from"), base.join("to"));
        std::fs::create_dir_all(&from)?;
        let name = "reset-proxy-0.1.0-x86_64-pc-windows-gnu.zip";
        std::fs::write(from.join(name), b"zip bytes")?;
        let sum = crate::release::hex(&sha2::Sha256::digest(b"zip bytes"));
        std::fs::write(from.join("SHA256SUMS"), format!("{sum}  {name}\n"))?;
        let index_path = add_helpers(&from, &to)?;
        let index: protocol::downloads::HelperDownloads =
            serde_json::from_str(&std::fs::read_to_string(index_path)?)?;
        assert_eq!(index.version, "0.1.0");
        assert_eq!(index.files[0].target, "x86_64-pc-windows-gnu");
        assert_eq!(index.files[0].size, 9);
        assert_eq!(index.files[0].sha256, sum);
        assert_eq!(std::fs::read(to.join(name))?, b"zip bytes");
        // A file that does not match its sum is refused.
        std::fs::write(from.join(name), b"other bytes")?;
        let refused = add_helpers(&from, &to);
        std::fs::remove_dir_all(&base)?;
        assert!(refused.is_err());
        Ok(())
    }

    #[test]
    fn frame_ancestors_are_origins_only() {
        assert_eq!(
            checked_ancestor("https://Help.Example/").ok().as_deref(),
            Some("https://help.example")
        );
        assert!(checked_ancestor("'self'").is_ok());
        assert!(checked_ancestor("http://127.0.0.1:8000").is_ok());
        for bad in [
            "help.example",
            "http://help.example",
            "https://help.example/x",
            "https://a.example; script-src *",
            "https://",
            "*",
        ] {
            assert!(checked_ancestor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_headers_file_carries_the_proxys_policy() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("xtask-dist-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let html = "<html><script type=module>init()</script></html>";
        std::fs::write(dir.join("index.html"), html)?;
        let path = write_headers(&dir, "https://help.example")?;
        let text = std::fs::read_to_string(path)?;
        std::fs::remove_dir_all(&dir)?;
        assert!(text.starts_with("/*\n  Content-Security-Policy: "));
        assert!(text.contains(&protocol::csp::header_value(html, "https://help.example")));
        assert!(text.contains("  X-Content-Type-Options: nosniff\n"));
        Ok(())
    }
}
