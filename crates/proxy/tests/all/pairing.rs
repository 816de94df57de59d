//! Pairing over real sockets: a listener that asks for the secret refuses every API call
//! without it (403 `pairing_required`, no session made) and serves it with it; loopback
//! listeners ask for nothing by default. Which listeners ask is decided by
//! `pairing::PairingPolicy::applies_to` (unit-tested in `src/pairing.rs` for LAN addresses); here
//! the operator's "every listener" setting makes a loopback listener ask, since tests may only
//! use loopback.
#![allow(clippy::unwrap_used)]

use crate::support;

use protocol::proxy_api::PAIR_HEADER;
use reset_proxy::pairing::PairingPolicy;
use reset_proxy::Bound;
use std::net::SocketAddr;
use support::{config, Raw};

async fn start(policy: PairingPolicy) -> (SocketAddr, Option<String>, String) {
    let mut config = config(&[]);
    config.pairing = policy;
    let bound = Bound::bind(config).await.unwrap();
    let addr = bound.local_addr().unwrap();
    let secret = bound.pairing_secret().map(str::to_string);
    let url = bound.wizard_url(addr);
    tokio::spawn(bound.serve(std::future::pending()));
    (addr, secret, url)
}

#[tokio::test]
async fn a_listener_that_asks_for_pairing_serves_only_the_paired_wizard() {
    let (proxy, secret, url) = start(PairingPolicy::EveryListener).await;
    let secret = secret.expect("a secret is made when a listener asks for one");
    assert_eq!(url, format!("http://{proxy}/#pair={secret}"));

    for path in [
        "health",
        "devices",
        "transcript",
        "devices/192.168.1.64/80/SDK/activateStatus",
    ] {
        let refused = Raw::new("GET", &format!("/api/v1/{path}"))
            .send(proxy)
            .await;
        assert_eq!(
            (refused.status, refused.code().as_str()),
            (403, "pairing_required"),
            "{path}: {}",
            refused.body
        );
        assert!(
            refused.header("set-cookie").is_none(),
            "no session for an unpaired caller"
        );
        let wrong = Raw::new("GET", &format!("/api/v1/{path}"))
            .header(PAIR_HEADER, &"0".repeat(64))
            .send(proxy)
            .await;
        assert_eq!(wrong.code(), "pairing_required", "{path}");
    }

    let paired = Raw::new("GET", "/api/v1/health")
        .header(PAIR_HEADER, &secret)
        .send(proxy)
        .await;
    assert_eq!(paired.status, 200, "{}", paired.body);
    assert!(paired.header("set-cookie").is_some());

    // The wizard's page itself is public: it holds no secret and can do nothing unpaired.
    let page = Raw::new("GET", "/").send(proxy).await;
    assert_eq!(page.status, 200);
}

#[tokio::test]
async fn loopback_listeners_need_no_pairing_by_default() {
    let (proxy, secret, url) = start(PairingPolicy::LanListeners).await;
    assert_eq!(secret, None);
    assert_eq!(url, format!("http://{proxy}/"));
    let answer = Raw::new("GET", "/api/v1/health").send(proxy).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}
