//! Who may drive the proxy from a browser: a `Host` it answers to (against DNS rebinding), and on
//! the API an allowed `Origin`, an acceptable `Sec-Fetch-Site` and the wizard's custom header.

use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use protocol::proxy_api::API_HEADER;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// Older Chromium asks this before a public page may reach a private address.
const REQUEST_PRIVATE_NETWORK: &str = "access-control-request-private-network";
const ALLOW_PRIVATE_NETWORK: &str = "access-control-allow-private-network";

/// The names and origins the proxy answers to.
#[derive(Debug)]
pub struct BrowserGuard {
    names: Vec<String>,
    listen_ips: Vec<IpAddr>,
    any_ip_literal: bool,
    embedding_origins: Vec<String>,
    scheme: &'static str,
}

impl BrowserGuard {
    /// Answers to loopback names, the listen addresses and `names`; lets `origins` embed the wizard.
    pub fn new(listen: &[SocketAddr], names: &[String], origins: &[String], tls: bool) -> Self {
        BrowserGuard {
            names: names.iter().map(|n| n.to_ascii_lowercase()).collect(),
            listen_ips: listen.iter().map(SocketAddr::ip).collect(),
            // Rebinding needs a name: on a wildcard listener, any IP literal is the proxy itself.
            any_ip_literal: listen.iter().any(|a| a.ip().is_unspecified()),
            embedding_origins: origins
                .iter()
                .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
                .collect(),
            scheme: if tls { "https" } else { "http" },
        }
    }

    fn host_allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let name = match host.strip_prefix('[') {
            Some(rest) => rest.split(']').next().unwrap_or(""),
            None => host.rsplit_once(':').map(|(h, _)| h).unwrap_or(&host),
        };
        if name == "localhost" || self.names.iter().any(|n| n == name) {
            return true;
        }
        match name.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback() || self.any_ip_literal || self.listen_ips.contains(&ip),
            Err(_) => false,
        }
    }

    /// Whether `origin` may call the API across origins (the wizard's own origin needs no CORS).
    fn is_embedding_origin(&self, origin: &str) -> bool {
        self.embedding_origins
            .iter()
            .any(|o| o == &origin.to_ascii_lowercase())
    }

    fn own_origin(&self, host: &str) -> String {
        format!("{}://{}", self.scheme, host.to_ascii_lowercase())
    }

    /// Decides whether an API request may proceed, returning the origin to grant CORS to.
    fn check_api(&self, headers: &HeaderMap, host: &str) -> Result<Option<String>, ApiError> {
        let origin = text(headers, header::ORIGIN.as_str());
        let fetch_site = text(headers, "sec-fetch-site");
        let cross_origin = match origin {
            Some(origin) if origin.eq_ignore_ascii_case(&self.own_origin(host)) => None,
            Some(origin) if self.is_embedding_origin(origin) => Some(origin.to_string()),
            Some(origin) => return Err(ApiError::OriginNotAllowed(origin.to_string())),
            None => None,
        };
        match fetch_site {
            // Browsers omit Origin on same-origin GETs; non-browser clients send neither header.
            None | Some("same-origin") => {}
            Some(site @ ("same-site" | "cross-site")) if cross_origin.is_none() => {
                return Err(ApiError::CrossSite(format!("Sec-Fetch-Site: {site}")));
            }
            Some("same-site" | "cross-site") => {}
            Some(other) => return Err(ApiError::CrossSite(format!("Sec-Fetch-Site: {other}"))),
        }
        Ok(cross_origin)
    }
}

/// A configured origin that is not `http(s)://host[:port]`.
#[derive(Debug, thiserror::Error)]
#[error("--allow-origin {0:?} is not an origin like https://help.example or http://192.168.1.5:8080 (a scheme, a host and maybe a port: no path, no wildcard, not null)")]
pub struct BadOrigin(String);

/// Checks an `--allow-origin` value and gives it in the form browsers send in `Origin`
/// (lowercase, no trailing slash, no default port). Anything else would either never match or
/// match too much: `null` is what sandboxed frames and local files send, `*` and paths are not
/// origins at all.
pub fn embedding_origin(text: &str) -> Result<String, BadOrigin> {
    let bad = || BadOrigin(text.to_string());
    let lower = text.to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://").ok_or_else(bad)?;
    let default_port = match scheme {
        "http" => "80",
        "https" => "443",
        _ => return Err(bad()),
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (ip, after) = bracketed.split_once(']').ok_or_else(bad)?;
            ip.parse::<std::net::Ipv6Addr>().map_err(|_| bad())?;
            let port = match after {
                "" => None,
                _ => Some(after.strip_prefix(':').ok_or_else(bad)?),
            };
            (&authority[..ip.len() + 2], port)
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let host_ok = host.starts_with('[') || (host.len() <= 253 && host.split('.').all(label_ok));
    if !host_ok {
        return Err(bad());
    }
    match port {
        None => Ok(format!("{scheme}://{host}")),
        Some(port) => {
            let number: u16 = port
                .parse()
                .ok()
                .filter(|p| *p != 0 && port.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(bad)?;
            if port == default_port {
                Ok(format!("{scheme}://{host}"))
            } else {
                Ok(format!("{scheme}://{host}:{number}"))
            }
        }
    }
}

fn text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Every route: the `Host` must be one the proxy answers to, so a DNS-rebinding page can't use it.
pub async fn check_host(
    State(guard): State<Arc<BrowserGuard>>,
    request: Request,
    next: Next,
) -> Response {
    let host = text(request.headers(), header::HOST.as_str()).unwrap_or("");
    if !guard.host_allowed(host) {
        return ApiError::HostNotAllowed(host.to_string()).into_response();
    }
    next.run(request).await
}

/// The API: origin checks, the custom header (it forces a preflight on any cross-site caller),
/// and CORS only for configured embedding origins, never a wildcard.
pub async fn check_api(
    State(guard): State<Arc<BrowserGuard>>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let host = text(headers, header::HOST.as_str()).unwrap_or("");
    let granted = match guard.check_api(headers, host) {
        Ok(granted) => granted,
        Err(refusal) => return refusal.into_response(),
    };
    let preflight = request.method() == Method::OPTIONS
        && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        return match granted {
            Some(origin) => preflight_answer(&origin, headers),
            None => ApiError::OriginNotAllowed("(no cross-origin caller)".into()).into_response(),
        };
    }
    if !headers.contains_key(API_HEADER) {
        return ApiError::MissingHeader.into_response();
    }
    let mut response = next.run(request).await;
    if let Some(origin) = granted {
        grant(&mut response, &origin);
    }
    response
}

fn grant(response: &mut Response, origin: &str) {
    let headers = response.headers_mut();
    if let Ok(origin) = HeaderValue::from_str(origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("retry-after, x-reset-wizard-session"),
    );
    headers.append(header::VARY, HeaderValue::from_static("origin"));
}

fn preflight_answer(origin: &str, request: &HeaderMap) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    grant(&mut response, origin);
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, PUT, POST"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(
            "content-type, x-reset-wizard, x-reset-wizard-session, x-reset-wizard-pair",
        ),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    if text(request, REQUEST_PRIVATE_NETWORK) == Some("true") {
        headers.insert(ALLOW_PRIVATE_NETWORK, HeaderValue::from_static("true"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> BrowserGuard {
        BrowserGuard::new(
            &["127.0.0.1:8080".parse().unwrap_or_else(|_| unreachable!())],
            &["reset.lan".into()],
            &["https://help.example".into()],
            false,
        )
    }

    #[test]
    fn hosts_are_loopback_names_listen_addresses_and_configured_names() {
        let guard = guard();
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "[::1]:8080",
            "reset.lan",
            "RESET.LAN:8080",
        ] {
            assert!(guard.host_allowed(ok), "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "",
            "192.168.1.5:8080",
            "localhost.evil.example",
        ] {
            assert!(!guard.host_allowed(bad), "{bad}");
        }
        let wildcard = BrowserGuard::new(
            &["0.0.0.0:8443".parse().unwrap_or_else(|_| unreachable!())],
            &[],
            &[],
            true,
        );
        assert!(wildcard.host_allowed("192.168.1.5:8443"));
        assert!(!wildcard.host_allowed("rebind.example:8443"));
    }

    #[test]
    fn embedding_origins_are_scheme_host_and_port_only() {
        for (given, kept) in [
            ("https://help.example", "https://help.example"),
            ("HTTPS://Help.Example/", "https://help.example"),
            ("http://192.168.1.5:8080", "http://192.168.1.5:8080"),
            ("https://[fd00::5]:8443", "https://[fd00::5]:8443"),
            ("https://help.example:443", "https://help.example"),
            ("http://help.example:80", "http://help.example"),
            ("https://wizard.test:40123", "https://wizard.test:40123"),
        ] {
            assert_eq!(
                embedding_origin(given)
                    .map_err(|e| e.to_string())
                    .as_deref(),
                Ok(kept),
                "{given}"
            );
        }
        for bad in [
            "null",
            "*",
            "https://*.example",
            "https://help.example/kb",
            "https://help.example/*",
            "https://help.example?x=1",
            "https://help.example#top",
            "https://user@help.example",
            "ftp://help.example",
            "help.example",
            "https://",
            "https://help.example:0",
            "https://help.example:99999",
            "https://help..example",
            "https://-help.example",
            "https://help example",
            "https://[fd00::5",
            "",
        ] {
            assert!(embedding_origin(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
