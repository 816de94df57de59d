//! Serving the wizard: the page with its hash-based CSP, long caching only for content-hashed
//! files, compression, and nothing outside the folder.
#![allow(clippy::unwrap_used)]

use crate::support;

use support::{config, start, Raw};

const INDEX: &str = "<!doctype html><title>Wizard</title><script type=module>import init from '/wizard-0123456789abcdef.js';await init();</script>";

fn dist() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("reset-proxy-site-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), INDEX).unwrap();
    std::fs::write(
        dir.join("wizard-0123456789abcdef.js"),
        "export default function init() {}\n".repeat(200),
    )
    .unwrap();
    std::fs::write(dir.join("embed.js"), "// loader").unwrap();
    dir
}

#[tokio::test]
async fn the_page_carries_the_csp_with_its_loaders_hash() {
    let mut config = config(&[]);
    config.dist = Some(dist());
    config.frame_ancestors = "'self' https://help.example".into();
    let proxy = start(config).await;
    for path in ["/", "/steps/code"] {
        let page = Raw::new("GET", path).send(proxy).await;
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(page.body, INDEX);
        let csp = page.header("content-security-policy").unwrap();
        assert_eq!(
            csp,
            format!(
                "{}; frame-ancestors 'self' https://help.example",
                reset_proxy::csp::policy(INDEX)
            )
        );
        assert!(
            csp.starts_with("default-src 'self'; script-src 'self' 'sha256-"),
            "{csp}"
        );
        assert_eq!(page.header("cache-control"), Some("no-cache"));
    }
}

#[tokio::test]
async fn only_hashed_files_are_cached_long_and_big_ones_are_compressed() {
    let mut config = config(&[]);
    config.dist = Some(dist());
    let proxy = start(config).await;
    let js = Raw::new("GET", "/wizard-0123456789abcdef.js")
        .header("accept-encoding", "br, gzip")
        .send(proxy)
        .await;
    assert_eq!(js.status, 200);
    assert_eq!(
        js.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(js.header("content-encoding"), Some("br"));
    assert!(js
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
    let plain = Raw::new("GET", "/embed.js").send(proxy).await;
    assert_eq!(plain.header("cache-control"), Some("no-cache"));
    for outside in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/missing.js",
        "/.hidden",
    ] {
        assert_eq!(
            Raw::new("GET", outside).send(proxy).await.status,
            404,
            "{outside}"
        );
    }
}
