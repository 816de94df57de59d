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
    Ok(path)
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
