//! The device profile's [assumed] defaults and the recovery mailbox table.
#![allow(clippy::unwrap_used)]

use protocol::profile::{
    find_recovery_mailbox, recovery_mailbox, DeviceProfile, SecretFieldScheme, DEFAULT_MAILBOX_KEY,
    RECOVERY_MAILBOXES,
};

#[test]
fn default_profile_reads_the_documented_shapes_first() {
    let p = DeviceProfile::default();
    let qr: Vec<String> = p
        .qr_answer
        .content
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        qr,
        [
            "SecurityEmailQrCode.SecurityInformation[*].qrCode",
            "QRCode.content"
        ]
    );
    assert_eq!(p.no_reserved_email_sub_statuses[0], "noSetSecurityEmail");
    assert_eq!(
        p.sync_ipc_password.path,
        "/ISAPI/ContentMgmt/InputProxy/syncIPCPasswd"
    );
    assert_eq!(
        p.email_certification_wrapper.as_deref(),
        Some("EmailCertification")
    );
    assert_eq!(p.email_certification_secrets, SecretFieldScheme::Plaintext);
    assert_eq!(p.wrong_code_sub_status, "verificationCodeError");
    assert_eq!(p.expired_code_sub_status, "verificationCodeExpired");
}

#[test]
fn a_capture_corrects_the_profile_as_data() {
    let p = DeviceProfile::from_json(
        r#"{"name":"captured","emailCertificationWrapper":null,"wrongCodeSubStatus":"securityCodeError"}"#,
    )
    .unwrap();
    assert_eq!(p.email_certification_wrapper, None);
    assert_eq!(p.wrong_code_sub_status, "securityCodeError");
    assert_eq!(p.qr_answer, DeviceProfile::default().qr_answer);
    let fixed = DeviceProfile::from_json(
        r#"{"qrAnswer":{"content":["Answer.items[*].code"]},"recoveryEmail":["Mail.address"]}"#,
    )
    .unwrap();
    assert_eq!(
        fixed.qr_answer.content[0].to_string(),
        "Answer.items[*].code"
    );
    assert!(DeviceProfile::from_json(r#"{"recoveryEmail":["Mail..address"]}"#).is_err());
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(DeviceProfile::from_json(&json).unwrap(), p);
    assert!(DeviceProfile::from_json("{").is_err());
}

#[test]
fn global_mailbox_is_the_default() {
    assert_eq!(
        recovery_mailbox(DEFAULT_MAILBOX_KEY).address,
        "pw_recovery@hikvision.com"
    );
    assert_eq!(
        recovery_mailbox("no-such-region").address,
        "pw_recovery@hikvision.com"
    );
    assert_eq!(recovery_mailbox("").key, DEFAULT_MAILBOX_KEY);
}

#[test]
fn an_address_is_never_accepted_as_a_key() {
    assert!(find_recovery_mailbox("attacker@example.com").is_none());
    assert_eq!(
        recovery_mailbox("attacker@example.com").key,
        DEFAULT_MAILBOX_KEY
    );
}

#[test]
fn mailbox_table_is_small_unique_and_sourced() {
    assert!(RECOVERY_MAILBOXES.len() <= 8);
    for (i, m) in RECOVERY_MAILBOXES.iter().enumerate() {
        assert!(m.address.contains('@') && !m.source.is_empty(), "{m:?}");
        assert!(
            m.key.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{m:?}"
        );
        assert!(RECOVERY_MAILBOXES[..i].iter().all(|o| o.key != m.key));
        assert_eq!(find_recovery_mailbox(&m.key.to_uppercase()), Some(m));
    }
}
