//! What a browser page may and may not make the proxy do: Host, Origin, Sec-Fetch-Site and the
//! wizard's header on every API route, CORS only for configured origins, and the page's headers.
#![allow(clippy::unwrap_used)]

use crate::support;

use std::net::SocketAddr;
use support::{config, start, Raw, RecordingDevice, Session};

/// Every API route, with a method it answers.
fn routes(device: SocketAddr) -> Vec<(&'static str, String)> {
    vec![
        ("GET", "/api/v1/health".to_string()),
        ("GET", "/api/v1/devices".to_string()),
        ("GET", "/api/v1/demo/mailbox".to_string()),
        ("GET", "/api/v1/demo/secrets".to_string()),
        ("GET", "/api/v1/transcript".to_string()),
        (
            "GET",
            format!(
                "/api/v1/devices/{}/{}/SDK/activateStatus",
                device.ip(),
                device.port()
            ),
        ),
        (
            "GET",
            format!(
                "/api/v1/devices/{}/{}/ISAPI/Security/email/qrCode?format=json",
                device.ip(),
                device.port()
            ),
        ),
    ]
}

#[tokio::test]
async fn every_api_route_refuses_foreign_hosts_origins_sites_and_missing_headers() {
    let device = RecordingDevice::ok().await;
    let proxy = start(config(&[device.addr])).await;
    let own = format!("http://{proxy}");
    for (method, path) in routes(device.addr) {
        let refused = [
            (
                Raw::new(method, &path).host(&format!("rebind.example:{}", proxy.port())),
                "host_not_allowed",
            ),
            (Raw::new(method, &path).host(""), "host_not_allowed"),
            (
                Raw::new(method, &path).header("origin", "https://evil.example"),
                "origin_not_allowed",
            ),
            (
                Raw::new(method, &path).header("origin", "null"),
                "origin_not_allowed",
            ),
            (
                Raw::new(method, &path).header(
                    "origin",
                    &format!("http://localhost.evil.example:{}", proxy.port()),
                ),
                "origin_not_allowed",
            ),
            (
                Raw::new(method, &path).header("sec-fetch-site", "cross-site"),
                "cross_site_request",
            ),
            (
                Raw::new(method, &path).header("sec-fetch-site", "same-site"),
                "cross_site_request",
            ),
            (
                Raw::new(method, &path).header("sec-fetch-site", "none"),
                "cross_site_request",
            ),
            (
                Raw::new(method, &path).without("x-reset-wizard"),
                "missing_header",
            ),
            (
                Raw::new(method, &path)
                    .without("x-reset-wizard")
                    .header("origin", &own)
                    .header("sec-fetch-site", "same-origin"),
                "missing_header",
            ),
        ];
        for (request, code) in refused {
            let answer = request.send(proxy).await;
            assert_eq!(
                (answer.status, answer.code().as_str()),
                (403, code),
                "{method} {path} {request:?}"
            );
            assert!(answer.header("access-control-allow-origin").is_none());
        }
        // What the wizard sends from its own page: same-origin, with or without Origin.
        for request in [
            Raw::new(method, &path).header("sec-fetch-site", "same-origin"),
            Raw::new(method, &path)
                .header("origin", &own)
                .header("sec-fetch-site", "same-origin"),
            Raw::new(method, &path).host(&format!("localhost:{}", proxy.port())),
        ] {
            let answer = request.send(proxy).await;
            assert!(
                answer.code() != "origin_not_allowed" && answer.status != 403,
                "{path}: {}",
                answer.body
            );
        }
    }
    assert!(
        device.requests().len() <= 2 * 3,
        "only accepted requests reach the device"
    );
}

#[tokio::test]
async fn a_cross_origin_preflight_is_refused_unless_the_origin_is_configured() {
    let device = RecordingDevice::ok().await;
    let mut config = config(&[device.addr]);
    config.allowed_origins = vec!["https://help.example".into()];
    let proxy = start(config).await;
    let preflight = |origin: &str| {
        Raw::new("OPTIONS", "/api/v1/health")
            .without("x-reset-wizard")
            .header("origin", origin)
            .header("sec-fetch-site", "cross-site")
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "x-reset-wizard")
            .header("access-control-request-private-network", "true")
    };
    let refused = preflight("https://evil.example").send(proxy).await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (403, "origin_not_allowed")
    );
    assert!(refused.header("access-control-allow-origin").is_none());

    let granted = preflight("https://help.example").send(proxy).await;
    assert_eq!(granted.status, 204);
    assert_eq!(
        granted.header("access-control-allow-origin"),
        Some("https://help.example")
    );
    assert_eq!(
        granted.header("access-control-allow-private-network"),
        Some("true")
    );
    assert!(granted
        .header("access-control-allow-headers")
        .unwrap()
        .contains("x-reset-wizard"));

    let call = Raw::new("GET", "/api/v1/health")
        .header("origin", "https://help.example")
        .header("sec-fetch-site", "cross-site")
        .send(proxy)
        .await;
    assert_eq!(call.status, 200);
    assert_eq!(
        call.header("access-control-allow-origin"),
        Some("https://help.example")
    );
    assert_ne!(call.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn configured_host_names_are_answered_and_others_are_not() {
    let mut config = config(&[]);
    config.host_names = vec!["reset.lan".into()];
    let proxy = start(config).await;
    let ok = Raw::new("GET", "/api/v1/health")
        .host("reset.lan:8080")
        .send(proxy)
        .await;
    assert_eq!(ok.status, 200);
    let page = Raw::new("GET", "/")
        .host("attacker.example")
        .send(proxy)
        .await;
    assert_eq!(
        (page.status, page.code().as_str()),
        (403, "host_not_allowed")
    );
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let proxy = start(config(&[])).await;
    for path in ["/", "/api/v1/health", "/api/v1/nothing-here"] {
        let answer = Raw::new("GET", path).send(proxy).await;
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            answer.header("referrer-policy"),
            Some("no-referrer"),
            "{path}"
        );
        assert!(answer.header("content-security-policy").is_some(), "{path}");
    }
    let missing = Raw::new("GET", "/api/v1/nothing-here").send(proxy).await;
    assert_eq!(
        (missing.status, missing.code().as_str()),
        (404, "not_found")
    );
}

#[tokio::test]
async fn a_wizard_on_another_origin_keeps_its_session_in_the_header_not_a_cookie() {
    let mut config = config(&[]);
    config.allowed_origins = vec!["https://wizard.example".into()];
    let proxy = start(config).await;
    let cross = |session: &str| {
        Raw::new("GET", "/api/v1/health")
            .header("origin", "https://wizard.example")
            .header("sec-fetch-site", "cross-site")
            .header("x-reset-wizard-session", session)
    };
    let first = cross("new").send(proxy).await;
    assert_eq!(first.status, 200);
    assert!(first.header("set-cookie").is_none(), "no cookie cross-site");
    let id = first.header("x-reset-wizard-session").unwrap().to_string();
    assert_eq!(id.len(), 64);
    assert!(first
        .header("access-control-expose-headers")
        .unwrap()
        .contains("x-reset-wizard-session"));

    // Presenting the id resumes the session: nothing new is issued.
    let again = cross(&id).send(proxy).await;
    assert_eq!(again.status, 200);
    assert!(again.header("x-reset-wizard-session").is_none());

    // A made-up id starts a fresh session instead of being adopted.
    let forged = "ab".repeat(32);
    let fresh = cross(&forged).send(proxy).await;
    let issued = fresh.header("x-reset-wizard-session").unwrap();
    assert_ne!(issued, forged);
    assert_ne!(issued, id);

    // The wizard on the proxy's own origin still gets the HttpOnly cookie and never the header.
    let own = Raw::new("GET", "/api/v1/health").send(proxy).await;
    assert!(own.header("set-cookie").unwrap().contains("HttpOnly"));
    assert!(own.header("x-reset-wizard-session").is_none());
}

#[tokio::test]
async fn an_allowed_origin_that_is_not_scheme_host_and_port_stops_the_start() {
    for bad in ["null", "*", "https://help.example/kb", "https://*.example"] {
        let mut config = config(&[]);
        config.allowed_origins = vec!["https://help.example".into(), bad.into()];
        let Err(err) = reset_proxy::Bound::bind(config).await else {
            panic!("the proxy started with --allow-origin {bad:?}");
        };
        let message = format!("{err:#}");
        assert!(
            message.contains(&format!("{bad:?}")) && message.contains("not an origin"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn two_session_cookies_get_a_fresh_session_never_either_one() {
    let proxy = start(config(&[])).await;
    let mut browser = Session::new(proxy);
    browser.send(Raw::new("GET", "/api/v1/health")).await;
    let own = browser.id().unwrap().to_string();
    let resumed = Raw::new("GET", "/api/v1/health")
        .header("cookie", &format!("reset_session={own}"))
        .send(proxy)
        .await;
    assert!(
        resumed.header("set-cookie").is_none(),
        "its own session is resumed"
    );

    // Another live session, as a page on another loopback port could plant.
    let mut other = Session::new(proxy);
    other.send(Raw::new("GET", "/api/v1/health")).await;
    let planted = other.id().unwrap().to_string();
    for request in [
        Raw::new("GET", "/api/v1/health").header(
            "cookie",
            &format!("reset_session={planted}; reset_session={own}"),
        ),
        Raw::new("GET", "/api/v1/health")
            .header("cookie", &format!("reset_session={own}"))
            .header("cookie", &format!("reset_session={planted}")),
        Raw::new("GET", "/api/v1/health").header(
            "cookie",
            &format!("reset_session={own}; reset_session={own}"),
        ),
    ] {
        let answer = request.send(proxy).await;
        let issued = answer
            .header("set-cookie")
            .expect("a fresh session is issued");
        let id = issued
            .strip_prefix("reset_session=")
            .and_then(|rest| rest.split(';').next())
            .unwrap();
        assert_ne!(id, own);
        assert_ne!(id, planted);
    }
}
