//! The e-mail reset over real HTTP on loopback: QR export, code, new password, login, lock.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::*;
use devsim::Profile;
use protocol::field_crypto::{FieldCipher, FieldKey, FieldProtection};
use protocol::isapi::{SecurityCap, SetEmailParameter, StatusKind, SubStatus};
use protocol::login::SessionLoginCap;
use protocol::profile::DeviceProfile;
use std::time::Duration;

fn sub(answer: &Answer) -> Option<SubStatus> {
    answer.status_body().sub_status(&DeviceProfile::default())
}

#[tokio::test]
async fn the_emailed_code_resets_the_password_and_only_the_new_one_logs_in() {
    let device = start(config(Profile::Nvr)).await;
    let old = device.admin_password();
    export_qr(&device).await;
    let code = mailbox(&device).await;

    let answer = certify(&device, &code, NEW_PASSWORD).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.status_body().is_ok());
    assert_eq!(device.admin_password(), NEW_PASSWORD);
    assert!(state(&device).await.password_changed);

    let refused = login(&device, &old).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    let accepted = login(&device, NEW_PASSWORD).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    let cookie = accepted.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("WebSession_"), "{cookie}");
    // A used code cannot reset the password a second time.
    let again = certify(&device, &code, "Another-Pass77").await;
    assert_eq!(sub(&again), Some(SubStatus::WrongResetCode));
}

#[tokio::test]
async fn each_export_is_fresh_and_voids_the_previous_code() {
    let device = start(config(Profile::Camera)).await;
    let first = export_qr(&device).await;
    let first_code = mailbox(&device).await;
    let second = export_qr(&device).await;
    let second_code = mailbox(&device).await;
    assert_ne!(first, second);
    assert_ne!(first_code, second_code);
    assert!((8..=12).contains(&second_code.len()), "{second_code}");
    assert_eq!(state(&device).await.qr_exports, 2);

    let stale = certify(&device, &first_code, NEW_PASSWORD).await;
    assert_eq!(sub(&stale), Some(SubStatus::WrongResetCode));
    let fresh = certify(&device, &second_code, NEW_PASSWORD).await;
    assert!(fresh.status_body().is_ok(), "{}", fresh.body);
}

#[tokio::test]
async fn a_code_is_valid_48_hours_and_no_longer() {
    let young = start(config(Profile::Nvr)).await;
    export_qr(&young).await;
    young.advance_clock(Duration::from_secs(47 * 3600));
    let code = mailbox(&young).await;
    assert!(certify(&young, &code, NEW_PASSWORD)
        .await
        .status_body()
        .is_ok());

    let old = start(config(Profile::Nvr)).await;
    export_qr(&old).await;
    let answer = post(
        &old,
        "/devsim/clock",
        r#"{"advance_seconds": 172801}"#.into(),
    )
    .await;
    assert_eq!(answer.status, 200);
    let expired = certify(&old, &mailbox(&old).await, NEW_PASSWORD).await;
    assert_eq!(expired.status, 400);
    assert_eq!(sub(&expired), Some(SubStatus::ExpiredResetCode));
    assert!(!old.state().password_changed);
}

#[tokio::test]
async fn a_reboot_voids_the_code() {
    let device = start(config(Profile::Nvr)).await;
    export_qr(&device).await;
    let code = mailbox(&device).await;
    let answer = post(&device, "/devsim/reboot", String::new()).await;
    assert_eq!(answer.status, 200);
    let refused = certify(&device, &code, NEW_PASSWORD).await;
    assert_eq!(sub(&refused), Some(SubStatus::WrongResetCode));
    assert_eq!(device.state().reboots, 1);
    assert!(!device.state().qr_active);
}

#[tokio::test]
async fn wrong_code_five_times_locks_the_device() {
    let device = start(config(Profile::Nvr)).await;
    export_qr(&device).await;
    for left in (1..=4).rev() {
        let wrong = certify(&device, "WRONG0000", NEW_PASSWORD).await;
        assert_eq!(wrong.status, 400, "{}", wrong.body);
        let status = wrong.status_body();
        assert_eq!(
            status.sub_status(&DeviceProfile::default()),
            Some(SubStatus::WrongResetCode)
        );
        assert_eq!(status.lock.and_then(|l| l.retries_left()), Some(left));
    }
    let locking = certify(&device, "WRONG0000", NEW_PASSWORD).await;
    assert_eq!(locking.status, 403, "{}", locking.body);
    let status = locking.status_body();
    assert!(status.is_locked());
    assert_eq!(status.lock.and_then(|l| l.unlock_in_seconds()), Some(1800));

    // Locked: even the right code and the right password are refused.
    let code = mailbox(&device).await;
    let refused = certify(&device, &code, NEW_PASSWORD).await;
    assert_eq!(refused.status, 403);
    assert!(refused.status_body().is_locked());
    let login = login(&device, &device.admin_password()).await;
    assert_eq!(login.status, 403, "{}", login.body);
    let snapshot = state(&device).await;
    assert!(snapshot.locked && snapshot.failed_code_tries == 5);

    device.advance_clock(Duration::from_secs(1800));
    assert!(certify(&device, &code, NEW_PASSWORD)
        .await
        .status_body()
        .is_ok());
}

#[tokio::test]
async fn the_lock_policy_is_configurable() {
    let device = start(config(Profile::Nvr).with_lock_policy(2, 60)).await;
    export_qr(&device).await;
    certify(&device, "WRONG0000", NEW_PASSWORD).await;
    let locked = certify(&device, "WRONG0000", NEW_PASSWORD).await;
    assert_eq!(
        locked
            .status_body()
            .lock
            .and_then(|l| l.unlock_in_seconds()),
        Some(60)
    );
    device.advance_clock(Duration::from_secs(30));
    assert_eq!(device.state().unlock_in_seconds, Some(30));
}

#[tokio::test]
async fn a_password_the_device_refuses_gets_its_reason_and_keeps_the_code() {
    let device = start(config(Profile::Nvr)).await;
    export_qr(&device).await;
    let code = mailbox(&device).await;
    let cases = [
        ("with:colon1A", SubStatus::ResetPasswordIllegal),
        ("admin1234", SubStatus::ResetPasswordIllegal),
        ("abcdefghij", SubStatus::RiskPassword),
        ("Abcdefgh123456789", SubStatus::PasswordTooLong),
    ];
    for (password, expected) in cases {
        let refused = certify(&device, &code, password).await;
        assert_eq!(refused.status, 400, "{password}: {}", refused.body);
        assert_eq!(sub(&refused), Some(expected), "{password}");
    }
    let same = certify(&device, &code, &device.admin_password()).await;
    assert_eq!(sub(&same), Some(SubStatus::CannotSameAsOldPassword));
    // Refused passwords are not wrong codes: no try was counted.
    assert_eq!(device.state().retries_left, 5);
    assert!(certify(&device, &code, NEW_PASSWORD)
        .await
        .status_body()
        .is_ok());
}

#[tokio::test]
async fn a_booting_device_answers_403_invalid_operation_until_booted() {
    let device = start(config(Profile::Nvr).with_booting(Duration::from_secs(90))).await;
    let caps = get(&device, "/ISAPI/Security/capabilities?username=admin").await;
    assert_eq!(caps.status, 200);
    let busy = get(&device, "/ISAPI/Security/email/qrCode?format=json").await;
    assert_eq!(busy.status, 403, "{}", busy.body);
    assert_eq!(busy.status_body().kind(), StatusKind::InvalidOperation);
    let busy = certify(&device, "ANYCODE00", NEW_PASSWORD).await;
    assert_eq!(busy.status, 403);
    assert!(state(&device).await.booting);

    device.advance_clock(Duration::from_secs(91));
    assert!(!device.state().booting);
    export_qr(&device).await;
    // A reboot boots again.
    device.reboot();
    let busy = get(&device, "/ISAPI/Security/email/qrCode?format=json").await;
    assert_eq!(busy.status, 403);
}

#[tokio::test]
async fn old_firmware_has_no_email_reset_and_says_so_in_xml() {
    let device = start(config(Profile::OldFirmware)).await;
    let refused = get(&device, "/ISAPI/Security/email/qrCode?format=json").await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.trim_start().starts_with("<?xml"),
        "{}",
        refused.body
    );
    let status = refused.status_body();
    assert_eq!(status.kind(), StatusKind::InvalidOperation);
    assert_eq!(status.sub_status_code.as_deref(), Some("notSupport"));
    let caps = get(&device, "/ISAPI/Security/capabilities?username=admin").await;
    assert!(
        !SecurityCap::from_xml(&caps.body)
            .unwrap()
            .supports_security_email
    );
}

#[tokio::test]
async fn without_a_reserved_email_no_qr_code_until_one_is_set() {
    let device = start(config(Profile::EmailNotReserved)).await;
    let parameter = get(&device, "/ISAPI/Security/email/parameter?format=json").await;
    let value: serde_json::Value = serde_json::from_str(&parameter.body).unwrap();
    assert_eq!(
        value["SecurityEmail"]["SecurityInformation"][0]["emailAddress"],
        ""
    );
    let refused = get(&device, "/ISAPI/Security/email/qrCode?format=json").await;
    assert_eq!(refused.status, 403);
    let status = refused.status_body();
    assert_eq!(status.kind(), StatusKind::InvalidOperation);
    assert_eq!(
        status.sub_status_code.as_deref(),
        Some("noSetSecurityEmail")
    );
    assert_eq!(mailbox_status(&device).await, 404);

    // Setting one needs a login and the admin password in the body, under security=1.
    let password = device.admin_password();
    let set = SetEmailParameter {
        email_address: "me@example.org".into(),
        admin_password: password.clone(),
    };
    let path = "/ISAPI/Security/email/parameter?format=json";
    let anonymous = put(&device, path, set.to_json(&FieldProtection::Plain)).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    let session = login(&device, &password).await;
    let cookie = session.headers["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let cap = SecurityCap::from_xml(
        &get(&device, "/ISAPI/Security/capabilities?username=admin")
            .await
            .body,
    )
    .unwrap();
    let login_cap = SessionLoginCap::from_xml(
        &get(
            &device,
            "/ISAPI/Security/sessionLogin/capabilities?username=admin",
        )
        .await
        .body,
    )
    .unwrap();
    let protection = FieldProtection::Encrypted(FieldCipher::new(
        FieldKey::after_login(&cap, &login_cap, "admin", &password),
        [9; 16],
    ));
    let put_with = |path: String, body: String| {
        reqwest::Client::new()
            .put(format!("{}{path}", device.url()))
            .header("cookie", cookie.clone())
            .body(body)
            .send()
    };
    let plain = put_with(path.into(), set.to_json(&FieldProtection::Plain))
        .await
        .unwrap();
    assert_eq!(plain.status(), 400, "the device asks for field encryption");
    let response = put_with(protection.apply_to(path), set.to_json(&protection))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let parameter = get(&device, path).await;
    assert!(
        parameter.body.contains("m****@example.org"),
        "{}",
        parameter.body
    );
    export_qr(&device).await;
}

async fn mailbox_status(device: &devsim::Running) -> u16 {
    get(device, "/devsim/mailbox").await.status
}

#[tokio::test]
async fn the_mailbox_is_off_unless_asked_for() {
    let quiet = start(devsim::Config::loopback(devsim::DeviceIdentity::random(
        Profile::Nvr,
    )))
    .await;
    export_qr(&quiet).await;
    assert_eq!(mailbox_status(&quiet).await, 404);
    assert_eq!(quiet.mailbox_code(), None);

    let demo = start(config(Profile::Nvr)).await;
    assert_eq!(mailbox_status(&demo).await, 404);
    export_qr(&demo).await;
    assert_eq!(demo.mailbox_code(), Some(mailbox(&demo).await));
    let reader = demo.mailbox_reader();
    assert_eq!(reader(), demo.mailbox_code());
}

#[tokio::test]
async fn short_password_cameras_report_1_to_16_and_refuse_risky_short_ones() {
    let device = start(config(Profile::ShortPasswords)).await;
    let caps = get(&device, "/ISAPI/Security/capabilities?username=admin").await;
    let caps = SecurityCap::from_xml(&caps.body).unwrap();
    assert_eq!(
        (caps.password_length.min, caps.password_length.max),
        (1, 16)
    );
    export_qr(&device).await;
    let refused = certify(&device, &mailbox(&device).await, "Ab1").await;
    // This profile answers errors with HTTP 200 and XML, even to a JSON call.
    assert_eq!(refused.status, 200);
    assert!(refused.body.contains("<ResponseStatus"), "{}", refused.body);
    assert_eq!(sub(&refused), Some(SubStatus::RiskPassword));
}

#[tokio::test]
async fn a_camera_reports_errors_with_http_200_and_json() {
    let device = start(config(Profile::Camera)).await;
    export_qr(&device).await;
    let wrong = certify(&device, "WRONG0000", NEW_PASSWORD).await;
    assert_eq!(wrong.status, 200);
    let status = wrong.status_body();
    assert!(wrong.body.starts_with('{'), "{}", wrong.body);
    assert_eq!(status.kind(), StatusKind::InvalidXmlContent);
    assert_eq!(status.lock.and_then(|l| l.retries_left()), Some(4));
}

#[tokio::test]
async fn an_unparsable_reset_body_is_a_bad_json_format() {
    let device = start(config(Profile::Nvr)).await;
    let answer = put(
        &device,
        "/ISAPI/Security/emailCertification?format=json",
        "{".into(),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(sub(&answer), Some(SubStatus::BadJsonFormat));
}
