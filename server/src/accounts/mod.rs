//! Accounts, roles and login sessions.
//!
//! A village worker (村居综治专干, 网格员) reads and writes only the villages assigned to them;
//! township reviewers (镇综治办) and admins see the whole township. A login returns a bearer
//! token bound to the device that logged in; it expires after [`SESSION_DAYS`] so a lost phone
//! stops syncing on its own, and it can be revoked at once (logout, or disabling the account).

pub mod password;

use crate::store::Scope;

/// Long, because workers may be out of signal for weeks; an expired token only blocks
/// uploads, and unsynced work waits on the device until the worker logs in again.
pub const SESSION_DAYS: i64 = 30;
pub const SESSION_MS: i64 = SESSION_DAYS * 24 * 60 * 60 * 1000;

/// Usernames: 3–32 of `a-z`, `0-9`, `_`, `-`. Short and plain so an account is typed the
/// same on every phone and never holds anything a log or a CSV would misread.
pub fn check_username(username: &str) -> Result<(), String> {
    let plain = username
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if (3..=32).contains(&username.len()) && plain {
        Ok(())
    } else {
        Err("a username is 3 to 32 characters of a-z, 0-9, _ and -".into())
    }
}

/// Device ids: what the app makes is 32 hex characters; any client's is 1–64 of
/// `A-Za-z0-9`, `_`, `-`, `.`, `:`.
pub const MAX_DEVICE_ID_CHARS: usize = 64;

pub fn device_id_is_plausible(device_id: &str) -> bool {
    (1..=MAX_DEVICE_ID_CHARS).contains(&device_id.len())
        && device_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Worker,
    Reviewer,
    Admin,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Worker => "worker",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "worker" => Some(Role::Worker),
            "reviewer" => Some(Role::Reviewer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Assigned villages (workers only).
    pub villages: Vec<String>,
    pub disabled: bool,
}

impl User {
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::Worker => Scope::Villages(self.villages.clone()),
            Role::Reviewer | Role::Admin => Scope::Township,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Village {
    pub id: String,
    pub name: String,
}

/// A fresh bearer token and the hash under which it is stored.
pub fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    let token = pingan_shared::document::hex(&bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_device_ids_are_bounded() {
        assert!(check_username("worker_01").is_ok());
        assert!(check_username("worker-xingfu").is_ok());
        for bad in ["", "ab", "Worker", "王五", "a b", &"a".repeat(33)] {
            assert!(check_username(bad).is_err(), "{bad:?}");
        }
        assert!(device_id_is_plausible("5f0c9a1b2d4e6f708192a3b4c5d6e7f8"));
        assert!(!device_id_is_plausible(""));
        assert!(!device_id_is_plausible(&"d".repeat(1_000_000)));
        assert!(!device_id_is_plausible("phone 1"));
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, hash_a) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), hash_a);
        assert_ne!(hash_a, a.as_bytes());
    }

    #[test]
    fn workers_are_scoped_to_their_villages_and_staff_to_the_township() {
        let mut user = User {
            username: "w".into(),
            display_name: "W".into(),
            role: Role::Worker,
            villages: vec!["v01".into()],
            disabled: false,
        };
        assert_eq!(user.scope(), Scope::Villages(vec!["v01".into()]));
        user.role = Role::Reviewer;
        assert_eq!(user.scope(), Scope::Township);
    }
}
