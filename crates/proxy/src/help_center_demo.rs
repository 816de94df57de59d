//! The demo help-center article (`help-center-demo/`), served on an origin of its own as a real
//! help center is, never from the wizard's site: its page may load scripts and frames from the
//! one wizard origin it is served for and nowhere else, which its CSP also enforces.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

const PAGE: &str = include_str!("../help-center-demo/demo.html");
const STYLES: &str = include_str!("../help-center-demo/demo.css");
const SCRIPT: &str = include_str!("../help-center-demo/demo.js");

/// Where the page reads the wizard's origin; a copy on another host keeps the placeholder.
const ORIGIN_PLACEHOLDER: &str = "{{wizard-origin}}";

/// The article's router for a wizard at `wizard_origin` (`http://127.0.0.1:8080`): `/demo.html`,
/// its stylesheet and script, and `/` leading to the article.
pub fn router(wizard_origin: &str) -> Router {
    let origin = wizard_origin.trim_end_matches('/').to_string();
    let page = PAGE.replace(ORIGIN_PLACEHOLDER, &html_attribute(&origin));
    let policy = policy(&origin);
    let answer = move |content_type: &'static str, body: String| {
        let policy = policy.clone();
        move || {
            let body = body.clone();
            let policy = policy.clone();
            async move { served(content_type, body, &policy) }
        }
    };
    Router::new()
        .route("/", get(|| async { Redirect::to("/demo.html") }))
        .route("/demo.html", get(answer("text/html; charset=utf-8", page)))
        .route("/demo.css", get(answer("text/css", STYLES.to_string())))
        .route(
            "/demo.js",
            get(answer("text/javascript", SCRIPT.to_string())),
        )
        .fallback(|| async { StatusCode::NOT_FOUND })
}

/// The article's CSP: its own files, the wizard's loader script and frame, nothing else.
pub fn policy(wizard_origin: &str) -> String {
    format!(
        "default-src 'none'; script-src 'self' {wizard_origin}; style-src 'self'; \
         frame-src {wizard_origin}; img-src 'self'; form-action 'self'; base-uri 'none'; \
         frame-ancestors 'none'"
    )
}

fn served(content_type: &'static str, body: String, policy: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(policy) = HeaderValue::from_str(policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// `text` safe inside a double-quoted HTML attribute.
fn html_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_its_wizard_and_its_policy_allows_that_origin_alone() {
        assert!(PAGE.contains(ORIGIN_PLACEHOLDER));
        let policy = policy("http://127.0.0.1:8080");
        assert!(policy.contains("script-src 'self' http://127.0.0.1:8080;"));
        assert!(policy.contains("frame-src http://127.0.0.1:8080;"));
        assert!(!policy.contains('*'));
        assert_eq!(html_attribute("a\"<b>&"), "a&quot;&lt;b&gt;&amp;");
    }
}
