//! Against the simulated device's own lockout: a script sending wrong codes as fast as it can,
//! all at once, never gets devsim past its limit, whichever way the firmware words a refusal.
#![allow(clippy::unwrap_used)]

use crate::support;

use protocol::isapi::{paths, ResponseStatus, SubStatus};
use protocol::profile::DeviceProfile;
use support::{certification, config, devsim, prefix_of, start, Raw};

/// A device that locks after 5 wrong codes, a proxy in front of it, and a QR code exported
/// through the proxy; with the path the codes go to.
async fn exported_behind_a_proxy(
    profile: devsim::Profile,
) -> (devsim::Running, std::net::SocketAddr, String) {
    let identity = devsim::DeviceIdentity::random(profile);
    let device = devsim(devsim::Config::loopback(identity).with_lock_policy(5, 1800)).await;
    let proxy = start(config(&[device.http_addr])).await;
    let prefix = prefix_of(device.http_addr);
    let qr = Raw::new(
        "GET",
        &format!("{prefix}{}?format=json", paths::EMAIL_QR_CODE),
    )
    .send(proxy)
    .await;
    assert_eq!(qr.envelope().status, 200, "{}", qr.body);
    let put = format!("{prefix}{}?format=json", paths::EMAIL_CERTIFICATION);
    (device, proxy, put)
}

/// Exports a QR code through the proxy, then fires ten wrong codes at once; returns the device.
async fn ten_wrong_codes_at_once(profile: devsim::Profile) -> devsim::Running {
    let (device, proxy, put) = exported_behind_a_proxy(profile).await;
    let attempts: Vec<_> = (0..10)
        .map(|i| {
            let request = Raw::new("PUT", &put).body(
                "application/json",
                certification(&format!("WRONG{i:03}"), "Passw0rd!x9"),
            );
            tokio::spawn(async move { request.send(proxy).await })
        })
        .collect();
    let (mut refused_by_device, mut limited) = (0, 0);
    for attempt in attempts {
        let answer = attempt.await.unwrap();
        if answer.status == 429 {
            limited += 1;
            assert_eq!(answer.code(), "too_many_attempts");
            assert!(
                answer
                    .header("retry-after")
                    .unwrap()
                    .parse::<u64>()
                    .unwrap()
                    > 0
            );
            continue;
        }
        let status = ResponseStatus::parse(&answer.envelope().body).unwrap();
        assert_eq!(
            status.sub_status(&DeviceProfile::default()),
            Some(SubStatus::WrongResetCode),
            "{}",
            answer.body
        );
        refused_by_device += 1;
    }
    assert_eq!((refused_by_device, limited), (3, 7));
    device
}

fn assert_not_locked(device: &devsim::Running) {
    let state = device.state();
    assert_eq!(state.failed_code_tries, 3, "{state:?}");
    assert!(!state.locked, "{state:?}");
    assert_eq!(state.retries_left, 2, "{state:?}");
}

#[tokio::test]
async fn ten_wrong_codes_never_lock_the_device() {
    // The NVR answers a wrong code with HTTP 400 and a JSON status.
    let device = ten_wrong_codes_at_once(devsim::Profile::Nvr).await;
    assert_not_locked(&device);
}

#[tokio::test]
async fn ten_wrong_codes_never_lock_a_device_that_refuses_with_http_200() {
    // The camera answers a wrong code with HTTP 200 and the refusal only in the body: the proxy
    // must not take that for an accepted code and give the attempt back.
    let device = ten_wrong_codes_at_once(devsim::Profile::Camera).await;
    assert_not_locked(&device);
}

/// Sends ten wrong codes one after the other, each as soon as the last was answered.
async fn ten_wrong_codes_in_a_row(profile: devsim::Profile) -> devsim::Running {
    let (device, proxy, put) = exported_behind_a_proxy(profile).await;
    let mut statuses = Vec::new();
    for i in 0..10 {
        let answer = Raw::new("PUT", &put)
            .body(
                "application/json",
                certification(&format!("WRONG{i:03}"), "Passw0rd!x9"),
            )
            .send(proxy)
            .await;
        statuses.push(answer.status);
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    device
}

#[tokio::test]
async fn ten_wrong_codes_in_a_row_never_lock_the_device() {
    let device = ten_wrong_codes_in_a_row(devsim::Profile::Nvr).await;
    assert_not_locked(&device);
}

#[tokio::test]
async fn ten_wrong_codes_in_a_row_never_lock_a_device_that_refuses_with_http_200() {
    let device = ten_wrong_codes_in_a_row(devsim::Profile::Camera).await;
    assert_not_locked(&device);
}
