//! Sealing what the device stores (decision 31): every row of a worker's records — the
//! Automerge bytes, each list summary, the login — is one ChaCha20-Poly1305 box under the
//! worker's data key, bound to the row's id so boxes cannot be swapped between rows.
//!
//! Nonces are 96 random bits. A device seals a few rows per save: a worker saving a hundred
//! times a day for ten years seals about a million boxes under one key, where two equal
//! nonces have a chance near 10⁻¹⁷ (NIST's bound for random nonces is 2³² boxes).
//! XChaCha20's 192-bit nonces would remove even that, for 1.8 KB more of the field app.
//!
//! The data key is 32 random bytes made at the worker's first login on this device. It is
//! kept only wrapped (sealed under a key-encryption key that PBKDF2 derives from the password
//! in the browser's WebCrypto, [`derive_kek`]): unlocking is unwrapping, and a wrong password
//! is a box that does not open. A password change rewraps the one key; nothing else is
//! re-encrypted.
//!
//! Why not WebCrypto's AES-GCM for the rows: WebCrypto answers with promises, and an
//! IndexedDB transaction commits as soon as its code awaits anything else, so every save
//! and every sync page would lose its atomic read-modify-write. Sealing here is synchronous
//! and runs inside the transaction, as the writes did before.
//!
//! Pure except [`derive_kek`]; the rest is tested natively below.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::AppError;

pub const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 12;
/// PBKDF2-SHA256 rounds for a new wrap (OWASP's 2023 figure; about half a second on a
/// township's phone, paid at unlock only).
pub const PBKDF2_ROUNDS: u32 = 600_000;

/// Opens and seals one worker's rows. Holds the data key; dropped at logout.
#[derive(Clone)]
pub struct Sealer {
    key: [u8; KEY_BYTES],
    cipher: ChaCha20Poly1305,
    /// Keys the citizen-ID tags: a separate key derived from the data key, so a tag reveals
    /// nothing of the data key and the same ID tags differently for each worker.
    tag_key: [u8; KEY_BYTES],
}

impl Sealer {
    pub fn new(key: [u8; KEY_BYTES]) -> Self {
        let cipher = ChaCha20Poly1305::new(&key.into());
        let tag_key = hmac_sha256(&key, b"pingan citizen-id tag key");
        Self {
            key,
            cipher,
            tag_key,
        }
    }

    /// The data key itself, only to wrap it again under a new password.
    pub fn key(&self) -> &[u8; KEY_BYTES] {
        &self.key
    }

    /// `plain` sealed for the row `id`: a fresh random nonce, then the ciphertext and tag.
    pub fn seal(&self, id: &str, plain: &[u8]) -> Result<Vec<u8>, AppError> {
        seal_with(&self.cipher, id.as_bytes(), plain)
    }

    /// What [`Sealer::seal`] sealed for the same row id; an error for anything else.
    pub fn open(&self, id: &str, sealed: &[u8]) -> Result<Vec<u8>, AppError> {
        open_with(&self.cipher, id.as_bytes(), sealed)
            .ok_or_else(|| AppError::Storage(format!("记录 {id} 的加密数据无法解开")))
    }

    /// A keyed tag of a citizen ID number, for the duplicate check's index: equal numbers give
    /// equal tags, and without the key a tag cannot be tested against guesses.
    pub fn citizen_tag(&self, citizen_id: &str) -> String {
        pingan_shared::document::hex(&hmac_sha256(&self.tag_key, citizen_id.as_bytes())[..16])
    }
}

/// The data key sealed under a key-encryption key, bound to the username.
pub fn wrap(
    kek: &[u8; KEY_BYTES],
    username: &str,
    key: &[u8; KEY_BYTES],
) -> Result<Vec<u8>, AppError> {
    seal_with(
        &ChaCha20Poly1305::new(&(*kek).into()),
        username.as_bytes(),
        key,
    )
}

/// The data key, or `None` when `kek` is not the one it was wrapped under (a wrong password).
pub fn unwrap(kek: &[u8; KEY_BYTES], username: &str, wrapped: &[u8]) -> Option<[u8; KEY_BYTES]> {
    open_with(
        &ChaCha20Poly1305::new(&(*kek).into()),
        username.as_bytes(),
        wrapped,
    )?
    .try_into()
    .ok()
}

/// Fresh random bytes (a data key, a salt).
pub fn random<const N: usize>() -> Result<[u8; N], AppError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Storage(e.to_string()))?;
    Ok(bytes)
}

fn seal_with(cipher: &ChaCha20Poly1305, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, AppError> {
    let nonce: [u8; NONCE_BYTES] = random()?;
    let sealed = cipher
        .encrypt(&Nonce::from(nonce), Payload { msg: plain, aad })
        .map_err(|_| AppError::Storage("加密失败".into()))?;
    let mut out = Vec::with_capacity(NONCE_BYTES + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

fn open_with(cipher: &ChaCha20Poly1305, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    let (nonce, body) = sealed.split_at_checked(NONCE_BYTES)?;
    let nonce: [u8; NONCE_BYTES] = nonce.try_into().ok()?;
    cipher
        .decrypt(&Nonce::from(nonce), Payload { msg: body, aad })
        .ok()
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; KEY_BYTES] {
    let mut mac = <Hmac<Sha256>>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The key-encryption key for `password`: PBKDF2-SHA256 in the browser's WebCrypto (native
/// code, far faster than the same rounds in wasm). Needs a secure context (HTTPS or
/// localhost), as the service worker does.
pub async fn derive_kek(
    password: &str,
    salt: &[u8],
    rounds: u32,
) -> Result<[u8; KEY_BYTES], AppError> {
    use js_sys::{Array, Reflect, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    // Worded for the worker: the likeliest cause is the app opened over plain HTTP, where
    // browsers offer no WebCrypto (nor a service worker).
    let unavailable = |cause: String| {
        AppError::Login(format!(
            "本机无法生成密钥，不能解锁：请通过 https:// 地址打开本应用（{cause}）"
        ))
    };
    let failed = |e: JsValue| unavailable(crate::error::js_text(&e));
    let subtle = web_sys::window()
        .ok_or_else(|| unavailable("window".into()))?
        .crypto()
        .map_err(failed)?
        .subtle();
    let base = JsFuture::from(
        subtle
            .import_key_with_str(
                "raw",
                &Uint8Array::from(password.as_bytes()),
                "PBKDF2",
                false,
                &Array::of1(&JsValue::from_str("deriveBits")),
            )
            .map_err(failed)?,
    )
    .await
    .map_err(failed)?;
    let params = js_sys::JSON::parse(&format!(
        r#"{{"name":"PBKDF2","hash":"SHA-256","iterations":{rounds}}}"#
    ))
    .map_err(failed)?;
    Reflect::set(&params, &JsValue::from_str("salt"), &Uint8Array::from(salt)).map_err(failed)?;
    let bits = JsFuture::from(
        subtle
            .derive_bits_with_object(
                &params.unchecked_into(),
                &base.unchecked_into(),
                (KEY_BYTES * 8) as u32,
            )
            .map_err(failed)?,
    )
    .await
    .map_err(failed)?;
    Uint8Array::new(&bits)
        .to_vec()
        .try_into()
        .map_err(|_| unavailable("deriveBits".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_row_opens_only_with_its_key_and_its_id() {
        let sealer = Sealer::new([7; KEY_BYTES]);
        let sealed = sealer
            .seal("h1", "王建国 330110199001011238".as_bytes())
            .unwrap();
        assert_eq!(
            sealer.open("h1", &sealed).unwrap(),
            "王建国 330110199001011238".as_bytes()
        );
        assert!(sealer.open("h2", &sealed).is_err(), "moved to another row");
        assert!(
            Sealer::new([8; KEY_BYTES]).open("h1", &sealed).is_err(),
            "another key"
        );
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(sealer.open("h1", &tampered).is_err(), "a changed byte");
    }

    #[test]
    fn nothing_of_the_plain_text_shows_in_the_box() {
        let sealer = Sealer::new([7; KEY_BYTES]);
        let plain = "13800138000".repeat(4);
        let sealed = sealer.seal("p1", plain.as_bytes()).unwrap();
        assert!(!sealed.windows(11).any(|w| w == b"13800138000"));
        // A fresh nonce each time: the same row sealed twice gives different boxes.
        assert_ne!(sealed, sealer.seal("p1", plain.as_bytes()).unwrap());
    }

    #[test]
    fn the_data_key_unwraps_only_with_the_right_password_key_and_username() {
        let (kek, key) = ([1; KEY_BYTES], [9; KEY_BYTES]);
        let wrapped = wrap(&kek, "worker01", &key).unwrap();
        assert_eq!(unwrap(&kek, "worker01", &wrapped), Some(key));
        assert_eq!(unwrap(&[2; KEY_BYTES], "worker01", &wrapped), None);
        assert_eq!(unwrap(&kek, "worker02", &wrapped), None);
    }

    #[test]
    fn citizen_tags_match_for_the_same_number_and_differ_between_workers() {
        let mine = Sealer::new([7; KEY_BYTES]);
        let theirs = Sealer::new([8; KEY_BYTES]);
        let id = "11010519491231002X";
        assert_eq!(mine.citizen_tag(id), mine.citizen_tag(id));
        assert_ne!(mine.citizen_tag(id), mine.citizen_tag("110105194912310037"));
        assert_ne!(mine.citizen_tag(id), theirs.citizen_tag(id));
        assert_eq!(mine.citizen_tag(id).len(), 32);
    }
}
