//! The login hash and `security=1` encryption against vectors computed by testvectors/generate.py.
#![allow(clippy::unwrap_used)]

use protocol::field_crypto::{parse_iv, FieldCipher, FieldKey};
use protocol::isapi::SecurityCap;
use protocol::login::{session_login_hash, SessionLoginCap};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Vectors {
    login: Vec<LoginVector>,
    field_keys: Vec<KeyVector>,
    session_keys: Vec<SessionKeyVector>,
    fields: Vec<FieldVector>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionKeyVector {
    is_irreversible: bool,
    salt: String,
    key_iterate_num: u32,
    user: String,
    password: String,
    #[serde(rename = "sessionIDVersion")]
    session_id_version: Option<String>,
    login_salt: Option<String>,
    login_salt2: Option<String>,
    key: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginVector {
    user: String,
    password: String,
    challenge: String,
    iterations: u32,
    is_irreversible: bool,
    #[serde(rename = "sessionIDVersion")]
    session_id_version: Option<String>,
    salt: Option<String>,
    salt2: Option<String>,
    hash: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyVector {
    is_irreversible: bool,
    salt: String,
    key_iterate_num: u32,
    user: String,
    password: String,
    key: String,
}

#[derive(Deserialize)]
struct FieldVector {
    key: String,
    iv: String,
    plaintext: String,
    ciphertext: String,
}

fn vectors() -> Vectors {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testvectors/vectors.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn key_from_hex(hex_key: &str) -> FieldKey {
    let mut bytes = [0u8; 16];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex_key[2 * i..2 * i + 2], 16).unwrap();
    }
    FieldKey::from_bytes(bytes)
}

#[test]
fn login_hash_matches_python_for_every_variant() {
    let cases = vectors().login;
    assert!(cases.len() >= 10);
    for v in cases {
        let cap = SessionLoginCap {
            session_id: "s".into(),
            challenge: v.challenge.clone(),
            iterations: v.iterations,
            is_irreversible: v.is_irreversible,
            session_id_version: v.session_id_version.clone(),
            salt: v.salt.clone(),
            salt2: v.salt2.clone(),
        };
        assert_eq!(
            session_login_hash(&cap, &v.user, &v.password),
            v.hash,
            "user {:?} iterations {} irreversible {} version {:?}",
            v.user,
            v.iterations,
            v.is_irreversible,
            v.session_id_version
        );
    }
}

#[test]
fn field_key_matches_python() {
    for v in vectors().field_keys {
        let key = FieldKey::derive_with(
            v.is_irreversible,
            &v.salt,
            v.key_iterate_num,
            &v.user,
            &v.password,
        );
        assert_eq!(key.to_hex(), v.key, "keyIterateNum {}", v.key_iterate_num);
    }
}

/// The key before any login (the empty password) and after a login (the 2.1 login's
/// intermediate value, or the password for older logins).
#[test]
fn keys_around_a_login_match_python() {
    let cases = vectors().session_keys;
    assert!(cases.len() >= 5);
    for v in cases {
        let xml = format!(
            "<SecurityCap><keyIterateNum>{}</keyIterateNum><isIrreversible>{}</isIrreversible><salt>{}</salt></SecurityCap>",
            v.key_iterate_num, v.is_irreversible, v.salt
        );
        let cap = SecurityCap::from_xml(&xml).unwrap();
        let key = if v.password.is_empty() {
            FieldKey::before_login(&cap, &v.user)
        } else {
            let login = SessionLoginCap {
                session_id: "s".into(),
                challenge: "c".into(),
                iterations: 100,
                is_irreversible: v.is_irreversible,
                session_id_version: v.session_id_version.clone(),
                salt: v.login_salt.clone(),
                salt2: v.login_salt2.clone(),
            };
            FieldKey::after_login(&cap, &login, &v.user, &v.password)
        };
        assert_eq!(key.to_hex(), v.key, "version {:?}", v.session_id_version);
    }
}

#[test]
fn field_encryption_matches_python_and_decrypts_back() {
    for v in vectors().fields {
        let cipher = FieldCipher::new(key_from_hex(&v.key), parse_iv(&v.iv).unwrap());
        assert_eq!(
            cipher.encrypt(&v.plaintext),
            v.ciphertext,
            "{:?}",
            v.plaintext
        );
        assert_eq!(cipher.decrypt(&v.ciphertext).unwrap(), v.plaintext);
        assert_eq!(cipher.query(), format!("security=1&iv={}", v.iv));
    }
}

#[test]
fn wrong_key_or_iv_text_is_refused() {
    assert!(parse_iv("00").is_err());
    assert!(parse_iv("zz000000000000000000000000000000").is_err());
    let cipher = FieldCipher::new(FieldKey::from_bytes([7; 16]), [0; 16]);
    assert!(cipher.decrypt("not hex").is_err());
    assert!(cipher.decrypt("00112233").is_err());
}
