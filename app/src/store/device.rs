//! The device's own database (IndexedDB `pingan-device`): what belongs to the phone, not to a
//! worker. Nothing in it is personal data.
//!
//! One object store, `device`, with fixed keys:
//! - `device_id`: the installation's id on the wire; `last_user`: who unlocked last (the
//!   login screen offers that name);
//! - `keyring:<username>`: per worker who has logged in here, packed: the salt and rounds of
//!   their password key,
//!   their data key wrapped under it (which is also the offline password check: a wrong
//!   password does not open it), failed unlock tries and when the next try is allowed, and
//!   whether the server said the account is disabled (the records then stay sealed until an
//!   online login succeeds).
//!
//! Each worker's records live in their own database (`DeviceStore`, `pingan-user-<name>`).

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use js_sys::Uint8Array;
use serde_bytes::ByteBuf;
use wasm_bindgen::{JsCast, JsValue};

use super::pack::Packed;
use crate::error::AppError;

const DATABASE: &str = "pingan-device";
const DEVICE: &str = "device";
/// A worker's keyring entry is kept under this prefix and their username.
const KEYRING_PREFIX: &str = "keyring:";
const DEVICE_ID_KEY: &str = "device_id";
const LAST_USER_KEY: &str = "last_user";

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

/// The device database, open.
#[derive(Clone)]
pub struct DeviceDb {
    db: Database,
    device_id: String,
}

impl DeviceDb {
    pub async fn open() -> Result<Self, AppError> {
        let db = Database::open(DATABASE)
            .with_version(1u8)
            .with_on_upgrade_needed(|_, db| {
                db.create_object_store(DEVICE).build()?;
                Ok(())
            })
            .await?;
        let mut device = Self {
            db,
            device_id: String::new(),
        };
        device.device_id = match device.get(DEVICE_ID_KEY).await?.and_then(|v| v.as_string()) {
            Some(id) => id,
            None => {
                let id = pingan_shared::document::hex(&super::seal::random::<16>()?);
                device.put(DEVICE_ID_KEY, JsValue::from_str(&id)).await?;
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
    pub async fn last_user(&self) -> Result<Option<String>, AppError> {
        Ok(self.get(LAST_USER_KEY).await?.and_then(|v| v.as_string()))
    }

    pub async fn set_last_user(&self, username: &str) -> Result<(), AppError> {
        self.put(LAST_USER_KEY, JsValue::from_str(username)).await
    }

    pub async fn entry(&self, username: &str) -> Result<Option<KeyringEntry>, AppError> {
        let Some(raw) = self.get(&keyring_key(username)).await? else {
            return Ok(None);
        };
        let bytes = raw
            .dyn_into::<Uint8Array>()
            .map_err(|_| AppError::Storage(format!("{username} 的密钥记录格式不对")))?
            .to_vec();
        KeyringEntry::unpack(&bytes)
            .map(Some)
            .ok_or_else(|| AppError::Storage(format!("{username} 的密钥记录格式不对")))
    }

    pub async fn put_entry(&self, entry: &KeyringEntry) -> Result<(), AppError> {
        let bytes = Uint8Array::from(entry.pack().as_slice());
        self.put(&keyring_key(&entry.username), bytes.into()).await
    }

    async fn get(&self, key: &str) -> Result<Option<JsValue>, AppError> {
        let tx = self.db.transaction(DEVICE).build()?;
        Ok(tx.object_store(DEVICE)?.get(key).primitive()?.await?)
    }

    async fn put(&self, key: &str, value: JsValue) -> Result<(), AppError> {
        let tx = self
            .db
            .transaction(DEVICE)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(DEVICE)?
            .put(value)
            .with_key(JsValue::from_str(key))
            .primitive()?
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn keyring_key(username: &str) -> String {
    format!("{KEYRING_PREFIX}{username}")
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
