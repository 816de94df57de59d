//! The web UI's `security=1` field encryption: key derivation from a password and AES-128-CBC.
//! The IV is always passed in, so this stays free of random sources and builds for wasm32.

use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::isapi::SecurityCap;

type Encryptor = cbc::Encryptor<aes::Aes128>;
type Decryptor = cbc::Decryptor<aes::Aes128>;

/// The constant the web UI appends before hashing the key.
const KEY_SUFFIX: &str = "AaBbCcDd1234!@#$";

/// Why a secret field could not be encrypted or decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldCryptoError {
    /// The profile asks for `security=1` but no key was supplied.
    #[error("the device expects encrypted secret fields but no key was supplied")]
    MissingKey,
    /// A hex string (IV or field) has the wrong length or non-hex characters.
    #[error("{what} is not valid hex of the expected length")]
    BadHex {
        /// What was being decoded, e.g. "the IV".
        what: &'static str,
    },
    /// The ciphertext does not decrypt under this key and IV.
    #[error("the encrypted field does not decrypt with this key and IV")]
    BadCiphertext,
    /// The decrypted bytes are not the base64 text the scheme wraps fields in.
    #[error("the decrypted field is not base64-encoded UTF-8 text")]
    BadPlaintext,
}

/// Lowercase hex SHA-256 of `input`, the `H` of the notes.
pub fn sha256_hex(input: &str) -> String {
    hex::encode(Sha256::digest(input.as_bytes()))
}

/// A 128-bit field key; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct FieldKey([u8; 16]);

impl std::fmt::Debug for FieldKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FieldKey(..)")
    }
}

impl FieldKey {
    /// Derives the key as the web UI does from the capabilities, user and password.
    pub fn derive(cap: &SecurityCap, user: &str, password: &str) -> Self {
        Self::derive_with(
            cap.is_irreversible,
            cap.salt.as_deref().unwrap_or(""),
            cap.key_iterate_num,
            user,
            password,
        )
    }

    /// The key the web UI uses before anyone is logged in (its "no login" state): derived from
    /// the empty password with the user name.
    pub fn before_login(cap: &SecurityCap, user: &str) -> Self {
        Self::derive(cap, user, "")
    }

    /// The key after a login answering `login`: from the 2.1 login's intermediate value, or
    /// from the password for older logins.
    pub fn after_login(
        cap: &SecurityCap,
        login: &crate::login::SessionLoginCap,
        user: &str,
        password: &str,
    ) -> Self {
        Self::derive(
            cap,
            user,
            &crate::login::field_key_secret(login, user, password),
        )
    }

    /// Derives the key from its raw inputs: `base = irreversible ? H(user+salt+pwd) : pwd`,
    /// `k = H(base + suffix)`, then `k = H(k)` `key_iterate_num - 1` times; first 32 hex digits.
    pub fn derive_with(
        is_irreversible: bool,
        salt: &str,
        key_iterate_num: u32,
        user: &str,
        password: &str,
    ) -> Self {
        let base = if is_irreversible {
            sha256_hex(&format!("{user}{salt}{password}"))
        } else {
            password.to_owned()
        };
        let mut k = sha256_hex(&format!("{base}{KEY_SUFFIX}"));
        for _ in 1..key_iterate_num {
            k = sha256_hex(&k);
        }
        let mut key = [0u8; 16];
        // `k` is always 64 hex digits, so the first 32 always decode.
        if hex::decode_to_slice(&k[..32], &mut key).is_err() {
            key = [0; 16];
        }
        FieldKey(key)
    }

    /// Wraps raw key bytes (for tests and devsim).
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        FieldKey(bytes)
    }

    /// The key as 32 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// Reads a 32-hex-digit IV as sent in `?iv=`.
pub fn parse_iv(hex_iv: &str) -> Result<[u8; 16], FieldCryptoError> {
    let mut iv = [0u8; 16];
    hex::decode_to_slice(hex_iv.trim(), &mut iv)
        .map_err(|_| FieldCryptoError::BadHex { what: "the IV" })?;
    Ok(iv)
}

/// A key and IV pair that encrypts and decrypts the secret fields of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCipher {
    key: FieldKey,
    iv: [u8; 16],
}

impl FieldCipher {
    /// A cipher for one request; the caller picks a fresh random IV per request.
    pub fn new(key: FieldKey, iv: [u8; 16]) -> Self {
        FieldCipher { key, iv }
    }

    /// The IV as the 32 lowercase hex digits of `?iv=`.
    pub fn iv_hex(&self) -> String {
        hex::encode(self.iv)
    }

    /// The query string the request carries: `security=1&iv=<hex>`.
    pub fn query(&self) -> String {
        format!("security=1&iv={}", self.iv_hex())
    }

    /// XML-escapes (`& < >`), base64-encodes, encrypts and hex-encodes one field.
    pub fn encrypt(&self, field: &str) -> String {
        let escaped = escape_field(field);
        let b64 = base64::engine::general_purpose::STANDARD.encode(escaped.as_bytes());
        let cipher = Encryptor::new(&self.key.0.into(), &self.iv.into());
        hex::encode(cipher.encrypt_padded_vec_mut::<Pkcs7>(b64.as_bytes()))
    }

    /// Reverses [`FieldCipher::encrypt`].
    pub fn decrypt(&self, hex_field: &str) -> Result<String, FieldCryptoError> {
        let bytes = hex::decode(hex_field.trim()).map_err(|_| FieldCryptoError::BadHex {
            what: "the encrypted field",
        })?;
        let cipher = Decryptor::new(&self.key.0.into(), &self.iv.into());
        let b64 = cipher
            .decrypt_padded_vec_mut::<Pkcs7>(&bytes)
            .map_err(|_| FieldCryptoError::BadCiphertext)?;
        let escaped = base64::engine::general_purpose::STANDARD
            .decode(&b64)
            .map_err(|_| FieldCryptoError::BadPlaintext)?;
        let escaped = String::from_utf8(escaped).map_err(|_| FieldCryptoError::BadPlaintext)?;
        Ok(unescape_field(&escaped))
    }
}

/// The UI escapes only these three before encoding; quotes pass through.
fn escape_field(field: &str) -> String {
    field
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Undoes [`escape_field`]; `&amp;` last so `&amp;lt;` stays `&lt;`.
fn unescape_field(field: &str) -> String {
    field
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// How one request's secret fields travel: in clear, or under `security=1` with one cipher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldProtection {
    /// In clear (pre-login calls on most firmware, or old firmware without the scheme).
    Plain,
    /// Encrypted with this key and IV; the request carries [`FieldCipher::query`].
    Encrypted(FieldCipher),
}

impl FieldProtection {
    /// The protection `scheme` asks for; `cipher` is needed only for `security=1`.
    pub fn for_scheme(
        scheme: crate::profile::SecretFieldScheme,
        cipher: Option<FieldCipher>,
    ) -> Result<Self, FieldCryptoError> {
        match scheme {
            crate::profile::SecretFieldScheme::Plaintext => Ok(FieldProtection::Plain),
            crate::profile::SecretFieldScheme::Security1 => cipher
                .map(FieldProtection::Encrypted)
                .ok_or(FieldCryptoError::MissingKey),
        }
    }

    /// The field as it goes on the wire.
    pub fn protect(&self, field: &str) -> String {
        match self {
            FieldProtection::Plain => field.to_owned(),
            FieldProtection::Encrypted(cipher) => cipher.encrypt(field),
        }
    }

    /// The field as the user typed it, from its wire form.
    pub fn reveal(&self, field: &str) -> Result<String, FieldCryptoError> {
        match self {
            FieldProtection::Plain => Ok(field.to_owned()),
            FieldProtection::Encrypted(cipher) => cipher.decrypt(field),
        }
    }

    /// What the request's query gains: `security=1&iv=..` when encrypted.
    pub fn query(&self) -> Option<String> {
        match self {
            FieldProtection::Plain => None,
            FieldProtection::Encrypted(cipher) => Some(cipher.query()),
        }
    }

    /// Appends [`FieldProtection::query`] to `path_and_query`.
    pub fn apply_to(&self, path_and_query: &str) -> String {
        match self.query() {
            None => path_and_query.to_owned(),
            Some(query) if path_and_query.contains('?') => format!("{path_and_query}&{query}"),
            Some(query) => format!("{path_and_query}?{query}"),
        }
    }
}
