//! The reset routes beyond e-mail and the prevention settings, over real HTTP: security
//! questions (set, never set, wrong, locked), the GUID file (export, reset, dead after a
//! password change), the reserved e-mail and questions set while logged in under `security=1`,
//! and SyncIPCPassword with cameras behind an NVR.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{config, get, login, start, state, Answer, NEW_PASSWORD};
use devsim::{Profile, QuestionAnswer, Questions, Running};
use protocol::field_crypto::{FieldCipher, FieldKey, FieldProtection};
use protocol::isapi::{
    paths, EmailParameter, GuidFile, GuidFileExport, GuidFileReset, QuestionCertification,
    QuestionConfiguration, SecurityCap, SetEmailParameter, SetQuestions, SubStatus,
    SyncIpcPassword, SyncIpcResult,
};
use protocol::profile::DeviceProfile;

async fn send(
    device: &Running,
    method: reqwest::Method,
    path: &str,
    cookie: Option<&str>,
    body: String,
) -> Answer {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", device.url()))
        .body(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

/// Logs in with `password` and returns the session cookie.
async fn session(device: &Running, password: &str) -> String {
    let answer = login(device, password).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let cookie = answer.headers.get("set-cookie").unwrap().to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

/// `security=1` for a logged-in write, keyed on `password` as the web UI derives it.
async fn encryption(device: &Running, password: &str) -> FieldProtection {
    let cap = get(device, "/ISAPI/Security/capabilities?username=admin").await;
    let cap = SecurityCap::from_xml(&cap.body).unwrap();
    let login = get(
        device,
        "/ISAPI/Security/sessionLogin/capabilities?username=admin",
    )
    .await;
    let login = protocol::login::SessionLoginCap::from_xml(&login.body).unwrap();
    let iv: [u8; 16] = rand_iv();
    FieldProtection::Encrypted(FieldCipher::new(
        FieldKey::after_login(&cap, &login, "admin", password),
        iv,
    ))
}

fn rand_iv() -> [u8; 16] {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    nanos.to_le_bytes()
}

fn sub_status(answer: &Answer) -> Option<SubStatus> {
    answer.status_body().sub_status(&DeviceProfile::default())
}

async fn certify_questions(device: &Running, answers: Vec<QuestionAnswer>, new: &str) -> Answer {
    let body = QuestionCertification {
        answers,
        reset_password: new.into(),
    }
    .to_xml(&DeviceProfile::default(), &FieldProtection::Plain);
    send(
        device,
        reqwest::Method::PUT,
        paths::QUESTION_CERTIFICATION,
        None,
        body,
    )
    .await
}

async fn guid_reset(device: &Running, file: &[u8], new: &str) -> Answer {
    let profile = DeviceProfile::default();
    let body = GuidFileReset {
        file: GuidFile(file.to_vec()),
        reset_password: new.into(),
    }
    .to_json(&profile, &FieldProtection::Plain);
    send(
        device,
        reqwest::Method::PUT,
        &profile.guid_reset.path_and_query(),
        None,
        body,
    )
    .await
}

/// The questions the device lists: a read that needs a login, so it is refused before one.
async fn asked_questions(device: &Running) -> QuestionConfiguration {
    let anonymous = get(device, paths::QUESTION_CONFIGURATION).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    let cookie = session(device, &device.admin_password()).await;
    let answer = send(
        device,
        reqwest::Method::GET,
        paths::QUESTION_CONFIGURATION,
        Some(&cookie),
        String::new(),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    QuestionConfiguration::from_xml(&answer.body, &DeviceProfile::default()).unwrap()
}

#[tokio::test]
async fn the_right_answers_reset_the_password_and_wrong_ones_are_counted() {
    let device = start(config(Profile::Nvr)).await;
    let set = device.question_answers().unwrap();
    let asked = asked_questions(&device).await;
    assert!(asked.is_set());
    assert_eq!(asked.to_ask(), set.iter().map(|a| a.id).collect::<Vec<_>>());

    let mut wrong = set.clone();
    wrong[1].answer.push('x');
    let refused = certify_questions(&device, wrong, NEW_PASSWORD).await;
    assert_eq!(sub_status(&refused), Some(SubStatus::SeqCertificateUnmatch));
    assert_eq!(refused.status_body().lock.unwrap().retries_left(), Some(4));
    assert_eq!(state(&device).await.failed_answer_tries, 1);

    let fewer = set[..2].to_vec();
    let refused = certify_questions(&device, fewer, NEW_PASSWORD).await;
    assert_eq!(sub_status(&refused), Some(SubStatus::SeqConfigNumError));

    let weak = certify_questions(&device, set.clone(), "aaaaaaaa").await;
    assert_eq!(sub_status(&weak), Some(SubStatus::RiskPassword));

    let reset = certify_questions(&device, set, NEW_PASSWORD).await;
    assert!(reset.status_body().is_ok(), "{}", reset.body);
    assert_eq!(device.admin_password(), NEW_PASSWORD);
    assert_eq!(login(&device, NEW_PASSWORD).await.status, 200);
}

/// Without a login nobody can list the questions, so the wizard numbers the answers by their
/// position on the device's own page; devsim matches those in its list's order.
#[tokio::test]
async fn answers_numbered_by_position_reset_the_password() {
    let device = start(config(Profile::Nvr)).await;
    let set = device.question_answers().unwrap();
    assert!(
        set.iter().any(|a| a.id > 3),
        "catalogue numbers, not positions"
    );
    let by_position = |answers: &[QuestionAnswer]| -> Vec<QuestionAnswer> {
        answers
            .iter()
            .enumerate()
            .map(|(i, a)| QuestionAnswer {
                id: u32::try_from(i + 1).unwrap(),
                answer: a.answer.clone(),
            })
            .collect()
    };
    let mut swapped = set.clone();
    swapped.swap(0, 1);
    let refused = certify_questions(&device, by_position(&swapped), NEW_PASSWORD).await;
    assert_eq!(sub_status(&refused), Some(SubStatus::SeqCertificateUnmatch));
    let reset = certify_questions(&device, by_position(&set), NEW_PASSWORD).await;
    assert!(reset.status_body().is_ok(), "{}", reset.body);
    assert_eq!(device.admin_password(), NEW_PASSWORD);
}

#[tokio::test]
async fn questions_never_set_are_said_so_and_cost_no_try() {
    let device = start(config(Profile::Nvr).with_questions(Questions::NeverSet)).await;
    assert!(!asked_questions(&device).await.is_set());
    let answers = vec![QuestionAnswer {
        id: 1,
        answer: "anything".into(),
    }];
    let refused = certify_questions(&device, answers, NEW_PASSWORD).await;
    assert_eq!(sub_status(&refused), Some(SubStatus::ResetErrorNoSeq));
    let after = state(&device).await;
    assert!(!after.questions_set);
    assert_eq!(after.retries_left, 5);
}

#[tokio::test]
async fn wrong_answers_lock_the_device_like_wrong_codes() {
    let device = start(config(Profile::Nvr).with_lock_policy(2, 600)).await;
    let mut wrong = device.question_answers().unwrap();
    wrong[0].answer = "no".into();
    certify_questions(&device, wrong.clone(), NEW_PASSWORD).await;
    let locked = certify_questions(&device, wrong, NEW_PASSWORD).await;
    assert_eq!(locked.status, 403);
    assert!(locked.status_body().is_locked());
    let right = certify_questions(&device, device.question_answers().unwrap(), NEW_PASSWORD).await;
    assert!(
        right.status_body().is_locked(),
        "a locked device refuses even right answers"
    );
}

#[tokio::test]
async fn a_camera_without_the_routes_says_not_supported() {
    let camera = start(config(Profile::Camera)).await;
    let answers = vec![QuestionAnswer {
        id: 1,
        answer: "x".into(),
    }];
    let refused = certify_questions(&camera, answers, NEW_PASSWORD).await;
    assert_eq!(
        refused.status_body().sub_status_code.as_deref(),
        Some("notSupport")
    );
    let refused = guid_reset(&camera, b"HIKVISION GUID FILE", NEW_PASSWORD).await;
    assert_eq!(
        refused.status_body().sub_status_code.as_deref(),
        Some("notSupport")
    );
}

#[tokio::test]
async fn an_exported_guid_file_resets_once_and_dies_with_the_password() {
    let device = start(config(Profile::Nvr)).await;
    let old = device.admin_password();
    let export = GuidFileExport {
        admin_password: old.clone(),
    };
    let refused = send(
        &device,
        reqwest::Method::POST,
        paths::GUID_FILE_DATA,
        None,
        export.to_xml(&FieldProtection::Plain),
    )
    .await;
    assert_eq!(refused.status, 401, "export needs a login");

    let cookie = session(&device, &old).await;
    let protection = encryption(&device, &old).await;
    let plain = send(
        &device,
        reqwest::Method::POST,
        paths::GUID_FILE_DATA,
        Some(&cookie),
        export.to_xml(&FieldProtection::Plain),
    )
    .await;
    assert_eq!(
        sub_status(&plain),
        Some(SubStatus::BadParameters),
        "this device asks for security=1"
    );
    let exported = send(
        &device,
        reqwest::Method::POST,
        &protection.apply_to(paths::GUID_FILE_DATA),
        Some(&cookie),
        export.to_xml(&protection),
    )
    .await;
    assert_eq!(exported.status, 200, "{}", exported.body);
    let file = GuidFile::from_export_answer(exported.body.as_bytes()).unwrap();
    assert_eq!(exported.body, device.guid_file());

    let forged = guid_reset(&device, b"HIKVISION GUID FILE\nguid=0000\n", NEW_PASSWORD).await;
    assert_eq!(sub_status(&forged), Some(SubStatus::GuidFileDataUnmatch));
    assert_eq!(forged.status_body().lock.unwrap().retries_left(), Some(4));
    let reset = guid_reset(&device, &file.0, NEW_PASSWORD).await;
    assert!(reset.status_body().is_ok(), "{}", reset.body);
    assert_eq!(device.admin_password(), NEW_PASSWORD);

    // Any password change kills the file: the same file no longer matches.
    let again = guid_reset(&device, &file.0, "Another-Pass77").await;
    assert_eq!(sub_status(&again), Some(SubStatus::GuidFileDataUnmatch));
    let after = state(&device).await;
    assert_eq!((after.failed_guid_tries, after.guid_exports), (2, 1));
}

#[tokio::test]
async fn after_an_email_reset_the_old_guid_file_no_longer_matches() {
    let device = start(config(Profile::Nvr)).await;
    let file = device.guid_file();
    common::export_qr(&device).await;
    let code = common::mailbox(&device).await;
    assert!(common::certify(&device, &code, NEW_PASSWORD)
        .await
        .status_body()
        .is_ok());
    let refused = guid_reset(&device, file.as_bytes(), "Another-Pass77").await;
    assert_eq!(sub_status(&refused), Some(SubStatus::GuidFileDataUnmatch));
}

#[tokio::test]
async fn prevention_sets_the_reserved_email_and_questions_while_logged_in() {
    let device = start(config(Profile::EmailNotReserved)).await;
    let qr = get(&device, "/ISAPI/Security/email/qrCode?format=json").await;
    assert_eq!(
        qr.status_body().sub_status_code.as_deref(),
        Some("noSetSecurityEmail")
    );
    let password = device.admin_password();
    let path = format!("{}?format=json", paths::EMAIL_PARAMETER);
    let set = SetEmailParameter {
        email_address: "owner@example.org".into(),
        admin_password: password.clone(),
    };
    let anonymous = send(
        &device,
        reqwest::Method::PUT,
        &path,
        None,
        set.to_json(&FieldProtection::Plain),
    )
    .await;
    assert_eq!(anonymous.status, 401);

    let cookie = session(&device, &password).await;
    let wrong_key = encryption(&device, "Not-The-Password1").await;
    let wrong = send(
        &device,
        reqwest::Method::PUT,
        &wrong_key.apply_to(&path),
        Some(&cookie),
        set.to_json(&wrong_key),
    )
    .await;
    assert_eq!(
        sub_status(&wrong),
        Some(SubStatus::BadAuthorization),
        "{}",
        wrong.body
    );
    assert_eq!(state(&device).await.failed_login_tries, 1);

    let protection = encryption(&device, &password).await;
    let done = send(
        &device,
        reqwest::Method::PUT,
        &protection.apply_to(&path),
        Some(&cookie),
        set.to_json(&protection),
    )
    .await;
    assert!(done.status_body().is_ok(), "{}", done.body);
    let read = EmailParameter::from_json(
        &get(&device, &path).await.body,
        &protocol::profile::DeviceProfile::default(),
    )
    .unwrap();
    assert_eq!(read.email_address.as_deref(), Some("o****@example.org"));
    assert!(!common::export_qr(&device).await.is_empty());
}

#[tokio::test]
async fn questions_set_while_logged_in_then_reset_the_password() {
    let device = start(config(Profile::Nvr).with_questions(Questions::NeverSet)).await;
    let password = device.admin_password();
    let cookie = session(&device, &password).await;
    let protection = encryption(&device, &password).await;
    let chosen = vec![
        QuestionAnswer {
            id: 2,
            answer: "Rex & <Fido>".into(),
        },
        QuestionAnswer {
            id: 4,
            answer: "Lisbon".into(),
        },
        QuestionAnswer {
            id: 8,
            answer: "blue".into(),
        },
    ];
    let too_few = SetQuestions {
        answers: chosen[..2].to_vec(),
        admin_password: password.clone(),
    };
    let profile = DeviceProfile::default();
    let refused = send(
        &device,
        reqwest::Method::PUT,
        &protection.apply_to(paths::QUESTION_CONFIGURATION),
        Some(&cookie),
        too_few.to_xml(&profile, &protection),
    )
    .await;
    assert_eq!(sub_status(&refused), Some(SubStatus::BadParameters));
    let set = SetQuestions {
        answers: chosen.clone(),
        admin_password: password,
    };
    let done = send(
        &device,
        reqwest::Method::PUT,
        &protection.apply_to(paths::QUESTION_CONFIGURATION),
        Some(&cookie),
        set.to_xml(&profile, &protection),
    )
    .await;
    assert!(done.status_body().is_ok(), "{}", done.body);
    assert_eq!(asked_questions(&device).await.to_ask(), [2, 4, 8]);
    let reset = certify_questions(&device, chosen, NEW_PASSWORD).await;
    assert!(reset.status_body().is_ok(), "{}", reset.body);
}

#[tokio::test]
async fn old_firmware_takes_logged_in_fields_in_clear() {
    let device = start(config(Profile::OldFirmware)).await;
    let password = device.admin_password();
    let cookie = session(&device, &password).await;
    let set = SetQuestions {
        answers: (1..=3)
            .map(|id| QuestionAnswer {
                id,
                answer: format!("answer {id}"),
            })
            .collect(),
        admin_password: password,
    };
    let done = send(
        &device,
        reqwest::Method::PUT,
        paths::QUESTION_CONFIGURATION,
        Some(&cookie),
        set.to_xml(&DeviceProfile::default(), &FieldProtection::Plain),
    )
    .await;
    assert!(done.status_body().is_ok(), "{}", done.body);
}

#[tokio::test]
async fn sync_ipc_password_pushes_the_new_password_to_cameras_that_answer() {
    let device = start(config(Profile::Nvr).with_cameras(4)).await;
    common::export_qr(&device).await;
    let code = common::mailbox(&device).await;
    assert!(common::certify(&device, &code, NEW_PASSWORD)
        .await
        .status_body()
        .is_ok());
    let before = state(&device).await;
    assert_eq!(before.cameras.len(), 4);
    assert!(before.cameras.iter().all(|c| !c.password_synced));

    let cookie = session(&device, NEW_PASSWORD).await;
    let protection = encryption(&device, NEW_PASSWORD).await;
    let call = DeviceProfile::default().sync_ipc_password;
    let answer = send(
        &device,
        reqwest::Method::PUT,
        &protection.apply_to(&call.path_and_query()),
        Some(&cookie),
        SyncIpcPassword {
            admin_password: NEW_PASSWORD.into(),
        }
        .to_json(&protection),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let result = SyncIpcResult::from_json(&answer.body).unwrap();
    let synced: Vec<(u32, bool)> = result.channels.iter().map(|c| (c.id, c.synced)).collect();
    assert_eq!(synced, [(1, true), (2, true), (3, false), (4, true)]);
    assert_eq!(
        result.channels[2].sub_status_code.as_deref(),
        Some("offline")
    );
    let after = state(&device).await;
    let cameras: Vec<bool> = after.cameras.iter().map(|c| c.password_synced).collect();
    assert_eq!(cameras, [true, true, false, true]);

    let camera = start(config(Profile::Camera)).await;
    let password = camera.admin_password();
    let cookie = session(&camera, &password).await;
    let protection = encryption(&camera, &password).await;
    let refused = send(
        &camera,
        reqwest::Method::PUT,
        &protection.apply_to(&call.path_and_query()),
        Some(&cookie),
        SyncIpcPassword {
            admin_password: password,
        }
        .to_json(&protection),
    )
    .await;
    assert_eq!(
        refused.status_body().sub_status_code.as_deref(),
        Some("notSupport")
    );
}

#[tokio::test]
async fn demo_secrets_show_the_answers_and_the_guid_file_only_with_the_mailbox_on() {
    let device = start(config(Profile::Nvr)).await;
    let answers = get(&device, "/devsim/answers").await;
    assert_eq!(answers.status, 200);
    let value: serde_json::Value = serde_json::from_str(&answers.body).unwrap();
    let first = device.question_answers().unwrap()[0].answer.clone();
    assert_eq!(value["questions"][0]["answer"], first.as_str());
    assert_eq!(
        get(&device, "/devsim/guid-file").await.body,
        device.guid_file()
    );
    let quiet = start(config(Profile::Nvr).with_mailbox(false)).await;
    assert_eq!(get(&quiet, "/devsim/answers").await.status, 404);
    assert_eq!(get(&quiet, "/devsim/guid-file").await.status, 404);
}
