//! The phone's own database (IndexedDB `pingan-device`): what belongs to the phone, not to a
//! worker; nothing in it is personal data. It has a worker database's shape
//! (`super::open_database`) and uses only its `state` store, with fixed keys:
//! - `device_id`: the installation's id on the wire; `last_user`: who unlocked last (the
//!   login screen offers that name);
//! - `keyring:<username>`: per worker who has logged in here, packed: the salt and rounds of
//!   their password key, their data key wrapped under it (which is also the offline password
//!   check: a wrong password does not open it), failed unlock tries and when the next try is
//!   allowed, and whether the server said the account is disabled (the records then stay
//!   sealed until an online login succeeds).
//!
//! IndexedDB with strict durability, not `localStorage`: Chromium writes `localStorage` to
//! disk lazily, and a phone killed right after a first login lost its keyring — and with it
//! every record sealed under that key (the browser test that kills Chromium found it).
//! Each worker's records live in their own database (`DeviceStore`, `pingan-user-<name>`).

use indexed_db_futures::database::Database;
use serde_bytes::ByteBuf;

use super::pack::Packed;
use super::{open_database, read_state, write_state};
use crate::error::AppError;

const DATABASE: &str = "pingan-device";
const DEVICE_ID_KEY: &str = "device_id";
const LAST_USER_KEY: &str = "last_user";
const KEYRING_PREFIX: &str = "keyring:";

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

/// The phone's own database, open.
#[derive(Clone)]
pub struct Device {
    db: Database,
    device_id: String,
    /// Who unlocked this device last, to offer their name.
    pub last_user: Option<String>,
}

impl Device {
    /// Opens it, making the phone's id on the first start.
    pub async fn open() -> Result<Self, AppError> {
        let db = open_database(DATABASE).await?;
        let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
        let device_id = match read_state(&db, DEVICE_ID_KEY).await? {
            Some(id) => text(id),
            None => {
                let id = pingan_shared::document::hex(&super::seal::random::<16>()?);
                write_state(&db, DEVICE_ID_KEY, id.as_bytes()).await?;
                id
            }
        };
        let last_user = read_state(&db, LAST_USER_KEY).await?.map(text);
        Ok(Self {
            db,
            device_id,
            last_user,
        })
    }

    /// This installation's id, sent with every login and sync.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    pub async fn set_last_user(&self, username: &str) -> Result<(), AppError> {
        write_state(&self.db, LAST_USER_KEY, username.as_bytes()).await
    }

    pub async fn entry(&self, username: &str) -> Result<Option<KeyringEntry>, AppError> {
        let Some(bytes) = read_state(&self.db, &format!("{KEYRING_PREFIX}{username}")).await?
        else {
            return Ok(None);
        };
        KeyringEntry::unpack(&bytes)
            .map(Some)
            .ok_or_else(|| AppError::Storage(format!("{username} 的密钥记录格式不对")))
    }

    pub async fn put_entry(&self, entry: &KeyringEntry) -> Result<(), AppError> {
        let key = format!("{KEYRING_PREFIX}{}", entry.username);
        write_state(&self.db, &key, &entry.pack()).await
    }
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
    fn a_kept_entry_reads_back_as_packed() {
        let mut e = entry();
        e.wrapped = ByteBuf::from(vec![0x00, 0x0f, 0xa5, 0xff]);
        e.failed(1_000_000.0);
        assert_eq!(KeyringEntry::unpack(&e.pack()), Some(e));
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
