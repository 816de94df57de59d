//! The wizard facing helpers of other versions, and offering the helper's download, in real
//! headless Chromium: every server is a loopback stand-in the test starts.

use anyhow::Result;
use e2e::{dist, xpath_literal, Browser};

/// A helper stand-in: the built wizard, with `/api/v1/health` answering `health` (JSON text).
struct StubHelper {
    addr: std::net::SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl StubHelper {
    async fn start(health: &'static str) -> Result<Self> {
        let router = axum::Router::new()
            .route(
                "/api/v1/health",
                axum::routing::get(move || async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        health,
                    )
                }),
            )
            .fallback_service(tower_http::services::ServeDir::new(dist()?));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(StubHelper { addr, task })
    }
}

impl Drop for StubHelper {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_helper_with_an_older_api_is_asked_to_be_updated() -> Result<()> {
    let helper = StubHelper::start(r#"{"version":"0.0.1","api":0,"demo":false}"#).await?;
    let browser = Browser::start().await?;
    browser
        .client
        .goto(&format!("http://{}/index.html", helper.addr))
        .await?;
    let notice = browser
        .wait_for(&format!(
            "//p[@role='alert' and contains(., {})]",
            xpath_literal("is too old for this wizard")
        ))
        .await?
        .text()
        .await?;
    assert!(notice.contains("reset-proxy 0.0.1"), "{notice}");
    let link = browser
        .wait_for("//a[normalize-space(.)='Download the current helper']")
        .await?;
    let href = link.attr("href").await?.unwrap_or_default();
    assert_eq!(href, "download/");
    // The old helper is not used: the wizard stays in guided mode.
    browser.wait_for_step("Find your device").await?;
    let text = browser.page_text().await;
    assert!(!text.contains("Looking for devices"), "{text}");
    let violations = browser.axe_violations().await?;
    assert!(violations.is_empty(), "{violations:#?}");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_helper_within_the_same_api_is_used() -> Result<()> {
    // A newer version with a field this wizard does not know: same api, so it is used.
    let helper =
        StubHelper::start(r#"{"version":"99.0.0","api":1,"demo":true,"somethingNew":{"a":1}}"#)
            .await?;
    let browser = Browser::start().await?;
    browser
        .client
        .goto(&format!("http://{}/index.html", helper.addr))
        .await?;
    // Connected mode with a demo helper shows the demo badge; no update notice appears.
    browser.wait_for("//p[@class='demo-badge']").await?;
    let text = browser.page_text().await;
    assert!(!text.contains("too old"), "{text}");
    assert!(!text.contains("older than the helper"), "{text}");
    browser.close().await
}

/// A Windows visitor's browser, as Chrome on Windows 11 introduces itself.
const WINDOWS_AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/// The built wizard with a `download/` folder holding stand-in archives and their index,
/// laid out as `cargo xtask dist --helpers` lays it out.
struct SiteWithDownloads {
    addr: std::net::SocketAddr,
    task: tokio::task::JoinHandle<()>,
    _download: tempfile::TempDir,
    windows_archive: (String, Vec<u8>),
}

impl SiteWithDownloads {
    async fn start() -> Result<Self> {
        use protocol::downloads::{HelperDownloads, HelperFile};
        use sha2::Digest;
        let download = tempfile::tempdir()?;
        let mut files = Vec::new();
        let mut windows_archive = None;
        for (target, ext, filler) in [
            ("x86_64-pc-windows-gnu", "zip", b'w'),
            ("x86_64-unknown-linux-musl", "tar.gz", b'l'),
        ] {
            let name = format!("reset-proxy-0.1.0-{target}.{ext}");
            // Different sizes, so a wrong pick shows in the size as well as the checksum.
            let bytes = vec![filler; if ext == "zip" { 2_345_678 } else { 1_234_567 }];
            std::fs::write(download.path().join(&name), &bytes)?;
            let sha256: String = sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            files.push(HelperFile {
                target: target.into(),
                name: name.clone(),
                size: bytes.len() as u64,
                sha256,
            });
            if ext == "zip" {
                windows_archive = Some((name, bytes));
            }
        }
        let index = HelperDownloads {
            version: "0.1.0".into(),
            files,
        };
        std::fs::write(
            download.path().join("helpers.json"),
            serde_json::to_string(&index)?,
        )?;
        let router = axum::Router::new()
            .nest_service(
                "/download",
                tower_http::services::ServeDir::new(download.path()),
            )
            .fallback_service(tower_http::services::ServeDir::new(dist()?));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(SiteWithDownloads {
            addr,
            task,
            _download: download,
            windows_archive: windows_archive.unwrap_or_default(),
        })
    }
}

impl Drop for SiteWithDownloads {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_windows_visitor_is_offered_the_windows_archive() -> Result<()> {
    if e2e::drivers::skip_unless_chromium("a user agent set by a Chromium flag")? {
        return Ok(());
    }
    use sha2::Digest;
    let site = SiteWithDownloads::start().await?;
    let browser = Browser::start_with(&[format!("--user-agent={WINDOWS_AGENT}")]).await?;
    browser
        .client
        .goto(&format!("http://{}/index.html", site.addr))
        .await?;
    let link = browser
        .wait_for("//a[starts-with(normalize-space(.), 'Download the helper for Windows')]")
        .await?;
    let label = link.text().await?;
    let (name, bytes) = &site.windows_archive;
    let size = protocol::downloads::size_text(bytes.len() as u64);
    assert_eq!(label, format!("Download the helper for Windows ({size})"));
    assert_eq!(size, "2.3 MB");
    let href = link.prop("href").await?.unwrap_or_default();
    assert_eq!(href, format!("http://{}/download/{name}", site.addr));
    let checksum = browser.text_of("//p[@class='checksum']").await?;
    let sha256: String = sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(checksum.ends_with(&sha256), "{checksum}");
    let text = browser.page_text().await;
    assert!(text.contains("Run anyway"), "{text}");
    assert!(!text.contains("x86_64-unknown-linux-musl"), "{text}");
    // The link serves exactly the file whose size and checksum are shown.
    let served = http_get(&href).await?;
    assert_eq!(&served, bytes);
    let violations = browser.axe_violations().await?;
    assert!(violations.is_empty(), "{violations:#?}");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_is_told_the_helper_runs_on_a_computer() -> Result<()> {
    if e2e::drivers::skip_unless_chromium("a user agent set by a Chromium flag")? {
        return Ok(());
    }
    let site = SiteWithDownloads::start().await?;
    let phone = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
    let browser = Browser::start_with(&[format!("--user-agent={phone}")]).await?;
    browser
        .client
        .goto(&format!("http://{}/index.html", site.addr))
        .await?;
    browser
        .wait_for("//p[contains(., 'runs on a computer')]")
        .await?;
    let text = browser.page_text().await;
    assert!(!text.contains("Download the helper for"), "{text}");
    browser.close().await
}

/// The bytes at `url` (loopback), read with a plain HTTP/1.1 request.
async fn http_get(url: &str) -> Result<Vec<u8>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream = tokio::net::TcpStream::connect(host).await?;
    stream
        .write_all(
            format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| anyhow::anyhow!("no HTTP head from {url}"))?;
    Ok(answer[split + 4..].to_vec())
}
