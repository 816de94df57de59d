//! The wizard's Content-Security-Policy, the same wherever it is hosted (served by reset-proxy,
//! or as static files from `cargo xtask dist`): scripts and styles only from its own origin plus
//! the hashes of the page's inline ones (Trunk's loader, the first screen's script, the style
//! sheet inlined so the first screen paints without waiting for a fetch), so no nonce (and no
//! page rewriting) is needed.

use base64::Engine;
use sha2::{Digest, Sha256};

/// Where a wizard served elsewhere (a help center) may find a proxy: the helper on this computer.
fn proxy_origins() -> String {
    crate::proxy_api::LOCAL_HELPER_HOSTS
        .map(|host| format!("http://{host}:*"))
        .join(" ")
}

/// The policy for a page whose HTML is `index_html` (every inline script and style element gets
/// its hash).
pub fn policy(index_html: &str) -> String {
    let scripts = hashes(inline_elements(index_html, "script"));
    let styles = hashes(inline_elements(index_html, "style"));
    format!(
        "default-src 'self'; script-src 'self'{scripts} 'wasm-unsafe-eval'; \
         style-src 'self'{styles}; \
         connect-src 'self' {}; img-src 'self' data: blob:; \
         worker-src 'self' blob:; object-src 'none'; base-uri 'none'",
        proxy_origins()
    )
}

/// The policy as a header, with who may frame the wizard.
pub fn header_value(index_html: &str, frame_ancestors: &str) -> String {
    format!("{}; frame-ancestors {frame_ancestors}", policy(index_html))
}

/// Each text as a CSP source: `'sha256-<base64>'`, each after a space.
fn hashes<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    texts
        .map(|text| {
            let digest = Sha256::digest(text.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect()
}

/// The text of every `<tag>` element without a `src` (a `<script>` or a `<style>`), exactly as
/// the browser hashes it.
fn inline_elements<'a>(html: &'a str, tag: &'a str) -> impl Iterator<Item = &'a str> {
    let (open, close_tag) = (format!("<{tag}"), format!("</{tag}"));
    let mut rest = html;
    std::iter::from_fn(move || loop {
        let start = find_ignore_case(rest, &open)?;
        let after_tag = &rest[start..];
        let open_end = after_tag.find('>')?;
        let attributes = &after_tag[..open_end];
        let body = &after_tag[open_end + 1..];
        let close = find_ignore_case(body, &close_tag)?;
        rest = &body[close..];
        if !attributes.to_ascii_lowercase().contains("src=") {
            return Some(&body[..close]);
        }
    })
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inline_loader_is_hashed_and_external_scripts_are_not() {
        let html = "<html><script type=module>init()</script>\
                    <SCRIPT src=/x.js></SCRIPT><script>b</script></html>";
        let scripts: Vec<&str> = inline_elements(html, "script").collect();
        assert_eq!(scripts, ["init()", "b"]);
        let policy = policy(html);
        // sha256("init()"), base64.
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"init()"));
        assert!(policy.contains(&format!("'sha256-{expected}'")), "{policy}");
        assert!(policy.contains("'wasm-unsafe-eval'"));
        assert!(policy.contains("object-src 'none'; base-uri 'none'"));
    }

    #[test]
    fn an_inline_style_sheet_is_hashed_for_styles_only() {
        let html = "<html><style>p{color:red}</style><link rel=stylesheet href=/x.css></html>";
        let expected =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"p{color:red}"));
        let policy = policy(html);
        assert!(
            policy.contains(&format!("style-src 'self' 'sha256-{expected}';")),
            "{policy}"
        );
        assert!(
            policy.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{policy}"
        );
    }

    #[test]
    fn frame_ancestors_comes_from_the_configuration() {
        assert!(header_value("", "'self' https://help.example")
            .ends_with("frame-ancestors 'self' https://help.example"));
    }
}
