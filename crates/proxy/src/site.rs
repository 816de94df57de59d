//! Serving the wizard's files, from a folder (development) or from inside the binary (a release
//! built with the `embed-wizard` feature), with the hash-based CSP and cache rules.

use crate::csp;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

mod embedded {
    #[cfg(feature = "embed-wizard")]
    include!(concat!(env!("OUT_DIR"), "/wizard_files.rs"));

    /// The built wizard, when this binary carries one: (path without leading slash, bytes).
    #[cfg(not(feature = "embed-wizard"))]
    pub static FILES: &[(&str, &[u8])] = &[];
}

/// Where the wizard's files come from.
#[derive(Debug, Clone)]
pub enum WizardFiles {
    /// A `trunk build` output folder, read on each request (so rebuilds show up).
    Folder(PathBuf),
    /// The files built into this binary.
    Embedded,
    /// No wizard: `/` explains how to build one.
    Missing,
}

impl WizardFiles {
    /// The folder if given, else the embedded wizard if this binary has one.
    pub fn choose(dist: Option<PathBuf>) -> Self {
        match dist {
            Some(dir) => WizardFiles::Folder(dir),
            None if !embedded::FILES.is_empty() => WizardFiles::Embedded,
            None => WizardFiles::Missing,
        }
    }

    async fn read(&self, relative: &str) -> Option<Cow<'static, [u8]>> {
        match self {
            WizardFiles::Folder(dir) => tokio::fs::read(dir.join(relative))
                .await
                .ok()
                .map(Cow::Owned),
            WizardFiles::Embedded => embedded::FILES
                .iter()
                .find(|(path, _)| *path == relative)
                .map(|(_, bytes)| Cow::Borrowed(*bytes)),
            WizardFiles::Missing => None,
        }
    }
}

/// The site's settings.
#[derive(Debug)]
pub struct Site {
    /// Where the files are.
    pub files: WizardFiles,
    /// Who may frame the wizard.
    pub frame_ancestors: String,
}

/// Answers `GET /anything` with a wizard file, or the app itself for its step URLs.
pub async fn serve(State(site): State<Arc<Site>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    if let WizardFiles::Missing = site.files {
        return not_built().into_response();
    }
    let Some(relative) = safe_relative(uri.path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if let Some(bytes) = site.files.read(relative).await {
        if relative != "index.html" {
            return file(relative, bytes);
        }
    } else if relative.contains('.') {
        return StatusCode::NOT_FOUND.into_response();
    }
    // The page itself, or a step URL of the single-page app.
    match site.files.read("index.html").await {
        Some(index) => page(&index, &site.frame_ancestors),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A URL path as a file name inside the folder, or `None` for anything that could climb out
/// or is encoded (Trunk's names are plain).
fn safe_relative(path: &str) -> Option<&str> {
    let relative = path.strip_prefix('/')?;
    if relative.is_empty() {
        return Some("index.html");
    }
    let plain = relative.split('/').all(|segment| {
        !segment.is_empty()
            && !segment.starts_with('.')
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
    });
    plain.then_some(relative)
}

fn page(index: &[u8], frame_ancestors: &str) -> Response {
    let html = String::from_utf8_lossy(index);
    let policy = csp::header_value(&html, frame_ancestors);
    let mut response = Html(html.into_owned()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

fn file(relative: &str, bytes: Cow<'static, [u8]>) -> Response {
    let cache = if is_content_hashed(relative) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let body = match bytes {
        Cow::Borrowed(bytes) => Body::from(bytes),
        Cow::Owned(bytes) => Body::from(bytes),
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(relative)),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

fn content_type(relative: &str) -> &'static str {
    let extension = relative.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match extension {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Trunk names built files `name-<hash>.ext` (`name-<hash>_bg.wasm`); only those may be cached
/// for long, since a rebuild gives them a new name.
fn is_content_hashed(relative: &str) -> bool {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (12..=20).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn not_built() -> impl IntoResponse {
    Html(
        "<!doctype html><title>Wizard not built</title>\
         <p>reset-proxy is running, but no built wizard was given. \
         Run <code>cargo xtask demo</code>, or pass <code>--dist DIR</code>.</p>",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_reach_the_folder() {
        assert_eq!(safe_relative("/"), Some("index.html"));
        assert_eq!(safe_relative("/wizard-1a2b.js"), Some("wizard-1a2b.js"));
        for bad in [
            "/../etc/passwd",
            "/a/../../b",
            "/%2e%2e/x",
            "/.git/config",
            "//x",
            "/a\\b",
        ] {
            assert_eq!(safe_relative(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_content_hashed_files_are_cached_for_long() {
        assert!(is_content_hashed("wizard-b7d3a687094c1fc_bg.wasm"));
        assert!(is_content_hashed("main-f793853088f674ec.css"));
        assert!(!is_content_hashed("index.html"));
        assert!(!is_content_hashed("public/embed.js"));
        assert!(!is_content_hashed("public/reset-wizard.png"));
    }
}
