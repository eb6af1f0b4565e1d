//! What belongs to the phone, not to a worker, kept in the origin's `localStorage` (nothing
//! in it is personal data):
//! - `pingan.device_id`: the installation's id on the wire;
//! - `pingan.last_user`: who unlocked last (the login screen offers that name);
//! - `pingan.keyring.<username>`: per worker who has logged in here, packed and in hex: the
//!   salt and rounds of their password key, their data key wrapped under it (which is also
//!   the offline password check: a wrong password does not open it), failed unlock tries and
//!   when the next try is allowed, and whether the server said the account is disabled (the
//!   records then stay sealed until an online login succeeds).
//!
//! `localStorage` rather than IndexedDB: these few values are read and written whole, at
//! login only, and synchronously; the browser keeps and clears them with the origin's
//! IndexedDB. Each worker's records live in their own database (`DeviceStore`,
//! `pingan-user-<name>`).

use serde_bytes::ByteBuf;

use super::pack::Packed;
use crate::error::AppError;

const DEVICE_ID_KEY: &str = "pingan.device_id";
const LAST_USER_KEY: &str = "pingan.last_user";
const KEYRING_PREFIX: &str = "pingan.keyring.";

/// Unlock tries allowed before each further try must wait.
pub const FREE_TRIES: u32 = 3;
const FIRST_WAIT_MS: f64 = 30_000.0;
const MAX_WAIT_MS: f64 = 15.0 * 60_000.0;

/// One worker's key on this device, kept packed (`super::pack`).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyringEntry {
    pub username: String,
    pub salt: ByteBuf,
    pub rounds: u32,
    /// The data key sealed under the password key (`seal::wrap`).
    pub wrapped: ByteBuf,
    pub failed_tries: u32,
    /// Milliseconds since the epoch before which no unlock is tried.
    pub next_try_at_ms: i64,
    /// The server answered `account_disabled`: no offline unlock until an online login works.
    pub disabled: bool,
}
crate::packed!(KeyringEntry {
    username,
    salt,
    rounds,
    wrapped,
    failed_tries,
    next_try_at_ms,
    disabled
});

impl KeyringEntry {
    /// Counts a wrong password; from the [`FREE_TRIES`]th on, the next try waits 30 s, then
    /// twice as long each time, up to a quarter of an hour.
    pub fn failed(&mut self, now_ms: f64) {
        self.failed_tries = self.failed_tries.saturating_add(1);
        if self.failed_tries >= FREE_TRIES {
            let doublings = (self.failed_tries - FREE_TRIES).min(10);
            self.next_try_at_ms =
                (now_ms + (FIRST_WAIT_MS * f64::from(1u32 << doublings)).min(MAX_WAIT_MS)) as i64;
        }
    }

    pub fn succeeded(&mut self) {
        self.failed_tries = 0;
        self.next_try_at_ms = 0;
    }

    /// Whole seconds until the next try is allowed; 0 when it is.
    pub fn wait_seconds(&self, now_ms: f64) -> u64 {
        ((self.next_try_at_ms as f64 - now_ms).max(0.0) / 1000.0).ceil() as u64
    }
}

/// The phone's own settings.
#[derive(Clone)]
pub struct Device {
    storage: web_sys::Storage,
    device_id: String,
}

impl Device {
    /// Reads the phone's id, making one on the first start.
    pub fn open() -> Result<Self, AppError> {
        let storage = web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .ok_or_else(|| AppError::Storage("浏览器不允许本应用保存设置".into()))?;
        let mut device = Self {
            storage,
            device_id: String::new(),
        };
        device.device_id = match device.get(DEVICE_ID_KEY) {
            Some(id) => id,
            None => {
                let id = pingan_shared::document::hex(&super::seal::random::<16>()?);
                device.set(DEVICE_ID_KEY, &id)?;
                id
            }
        };
        Ok(device)
    }

    /// This installation's id, sent with every login and sync.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Who unlocked this device last, to offer their name.
    pub fn last_user(&self) -> Option<String> {
        self.get(LAST_USER_KEY)
    }

    pub fn set_last_user(&self, username: &str) -> Result<(), AppError> {
        self.set(LAST_USER_KEY, username)
    }

    pub fn entry(&self, username: &str) -> Result<Option<KeyringEntry>, AppError> {
        let Some(text) = self.get(&format!("{KEYRING_PREFIX}{username}")) else {
            return Ok(None);
        };
        from_hex(&text)
            .and_then(|bytes| KeyringEntry::unpack(&bytes))
            .map(Some)
            .ok_or_else(|| AppError::Storage(format!("{username} 的密钥记录格式不对")))
    }

    pub fn put_entry(&self, entry: &KeyringEntry) -> Result<(), AppError> {
        let key = format!("{KEYRING_PREFIX}{}", entry.username);
        self.set(&key, &pingan_shared::document::hex(&entry.pack()))
    }

    fn get(&self, key: &str) -> Option<String> {
        self.storage.get_item(key).ok().flatten()
    }

    fn set(&self, key: &str, value: &str) -> Result<(), AppError> {
        self.storage
            .set_item(key, value)
            .map_err(|e| AppError::Storage(crate::error::js_text(&e)))
    }
}

/// The bytes `document::hex` wrote, or `None` for anything else.
fn from_hex(text: &str) -> Option<Vec<u8>> {
    text.len().is_multiple_of(2).then_some(())?;
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> KeyringEntry {
        KeyringEntry {
            username: "worker01".into(),
            salt: ByteBuf::from(vec![0; 16]),
            rounds: 1,
            wrapped: ByteBuf::new(),
            failed_tries: 0,
            next_try_at_ms: 0,
            disabled: false,
        }
    }

    #[test]
    fn a_kept_entry_reads_back_from_its_hex() {
        let mut e = entry();
        e.wrapped = ByteBuf::from(vec![0x00, 0x0f, 0xa5, 0xff]);
        let text = pingan_shared::document::hex(&e.pack());
        assert_eq!(
            from_hex(&text).and_then(|b| KeyringEntry::unpack(&b)),
            Some(e)
        );
        assert_eq!(from_hex("0g"), None);
        assert_eq!(from_hex("abc"), None);
    }

    #[test]
    fn the_first_wrong_passwords_cost_nothing_then_waits_double_up_to_a_quarter_hour() {
        let mut e = entry();
        let now = 1_000_000.0;
        e.failed(now);
        e.failed(now);
        assert_eq!(e.wait_seconds(now), 0, "two slips are free");
        e.failed(now);
        assert_eq!(e.wait_seconds(now), 30);
        e.failed(now);
        assert_eq!(e.wait_seconds(now), 60);
        for _ in 0..20 {
            e.failed(now);
        }
        assert_eq!(e.wait_seconds(now), 15 * 60);
        assert_eq!(e.wait_seconds(now + 15.0 * 60_000.0), 0);
        e.succeeded();
        assert_eq!((e.failed_tries, e.wait_seconds(now)), (0, 0));
    }
}
