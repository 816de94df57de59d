//! A transcript recorded through the proxy, replayed by devsim, carries the same session to the
//! end: every route's answers parse, refusals come where they came, and the report shows every
//! request answered from the recording with nothing unmatched or mismatched.
#![allow(clippy::unwrap_used)]

use crate::support;

use support::flow::{run, Inputs};
use support::{config, start};

fn roomy(devices: &[std::net::SocketAddr]) -> reset_proxy::Config {
    let mut config = config(devices);
    // The session fails three submissions on purpose and then checks the password once more.
    config.attempts_per_device = 10;
    config.attempts_per_client = 10;
    config
}

#[tokio::test]
async fn a_replayed_transcript_carries_the_same_session_to_the_end() {
    let device = support::devsim_of(devsim::Profile::Nvr).await;
    let file = std::env::temp_dir().join(format!(
        "replay-{}-{}.json",
        std::process::id(),
        rand::random::<u32>()
    ));
    let mut recording = roomy(&[device.http_addr]);
    recording.record = Some(file.clone());
    let proxy = start(recording).await;
    let old = device.admin_password();
    let (_, first) = run(
        proxy,
        device.http_addr,
        &old,
        || device.mailbox_code().unwrap(),
        &Inputs::default(),
    )
    .await;
    for (step, done) in &first.outcomes {
        assert!(done, "recording: {step}");
    }
    let text = std::fs::read_to_string(&file).unwrap();
    let _ = std::fs::remove_file(&file);
    // Refreshes protocol's fixture when asked:
    // TRANSCRIPT_FIXTURE_OUT=$PWD/crates/protocol/tests/fixtures/transcripts/devsim_nvr_every_route.json
    if let Some(out) = std::env::var_os("TRANSCRIPT_FIXTURE_OUT") {
        std::fs::write(out, &text).unwrap();
    }
    let transcript = devsim::Transcript::parse(&text).unwrap();
    let recorded = transcript.exchanges.len();

    // Another device identity, other passwords, answers and address: the same flow.
    let replayed = devsim::start(
        devsim::Config::loopback(devsim::DeviceIdentity::random(devsim::Profile::Nvr))
            .with_mailbox(true)
            .with_replay(transcript),
    )
    .await
    .unwrap();
    let proxy = start(roomy(&[replayed.http_addr])).await;
    let other = Inputs {
        new_password: "Other-Pass#2024".into(),
        second_password: "Yet-An0ther!pw".into(),
        email: "someone@example.net".into(),
        answers: ["one".into(), "two two".into(), "three & <3>".into()],
    };
    let code = reqwest::get(format!("{}/devsim/mailbox", replayed.url()))
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, second) = run(
        proxy,
        replayed.http_addr,
        "unknown",
        || code.clone(),
        &other,
    )
    .await;
    for (step, done) in &second.outcomes {
        assert!(done, "replay: {step}");
    }
    // What the client read (QR content, challenge, salts, GUID file) are generated values,
    // never the placeholders themselves.
    for (name, value) in &second.all {
        assert!(
            !value.contains("{{"),
            "the {name} came through unfilled: {value}"
        );
    }
    assert!(second.all.iter().any(|(name, _)| *name == "GUID token"));
    let report: devsim::ReplayReport = reqwest::get(format!("{}/devsim/replay", replayed.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(report.unmatched.is_empty(), "{report:?}");
    assert!(report.mismatched.is_empty(), "{report:?}");
    assert_eq!(report.cursor, recorded, "every recorded exchange was used");
    assert_eq!(report.answered as usize, recorded);

    // The replayed device is no simulation: a call the recording lacks is not answered.
    let missing = reqwest::get(format!(
        "{}/ISAPI/Security/illegalLoginLock",
        replayed.url()
    ))
    .await
    .unwrap();
    assert_eq!(missing.status(), 404);
}
