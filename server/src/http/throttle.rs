//! What a login may cost: attempts per account and per address are rate-limited (`governor`,
//! a generic cell rate limiter: a burst, then one more attempt per interval), and Argon2 runs
//! on the blocking pool, a few at a time, so guessing cannot slow everyone else's syncs.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::Semaphore;

use crate::accounts::password;

/// Attempts on one account: ten at once, then one every six seconds (600 an hour, against
/// passwords of at least ten characters).
const PER_ACCOUNT_BURST: u32 = 10;
const PER_ACCOUNT_EVERY: Duration = Duration::from_secs(6);
/// Attempts from one address on any accounts: a township office behind one address logs its
/// whole staff in at eight in the morning; one sprayer does not get further.
const PER_ADDRESS_BURST: u32 = 60;
const PER_ADDRESS_EVERY: Duration = Duration::from_secs(1);
/// A refused login answers no sooner than this after the attempt began: longer than the
/// lookup and the hash take, so the answer's timing is the same for every refusal.
pub const REFUSED_LOGIN_FLOOR: Duration = Duration::from_millis(250);
/// Keys kept before forgotten ones are dropped.
const MAX_TRACKED_KEYS: usize = 10_000;

/// Login throttling and the hashing pool, shared by every request.
pub struct LoginGuard {
    per_account: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    hashing: Semaphore,
}

/// Whose attempt was refused, and when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooMany {
    pub retry_after_secs: u64,
}

impl Default for LoginGuard {
    fn default() -> Self {
        Self::new(
            (PER_ACCOUNT_BURST, PER_ACCOUNT_EVERY),
            (PER_ADDRESS_BURST, PER_ADDRESS_EVERY),
        )
    }
}

impl LoginGuard {
    /// `(burst, one more every)` per account and per address.
    pub fn new(per_account: (u32, Duration), per_address: (u32, Duration)) -> Self {
        let quota = |(burst, every): (u32, Duration)| {
            Quota::with_period(every)
                .expect("a period above zero")
                .allow_burst(NonZeroU32::new(burst.max(1)).expect("at least one"))
        };
        // Argon2 takes 19 MiB and one core per hash: as many at once as there are cores.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        LazyLock::force(&DUMMY_HASH);
        Self {
            per_account: RateLimiter::keyed(quota(per_account)),
            per_address: RateLimiter::keyed(quota(per_address)),
            hashing: Semaphore::new(cores),
        }
    }

    /// Counts one attempt on `username` from `address` (unknown when the server was not
    /// given the peer, as in tests driving the router directly); refused once either is over
    /// its quota. Every attempt counts, right or wrong, so a guesser learns nothing from
    /// which ones were refused.
    pub fn attempt(&self, username: &str, address: Option<IpAddr>) -> Result<(), TooMany> {
        if self.per_account.len() > MAX_TRACKED_KEYS {
            self.per_account.retain_recent();
        }
        if self.per_address.len() > MAX_TRACKED_KEYS {
            self.per_address.retain_recent();
        }
        let clock = governor::clock::DefaultClock::default();
        let wait = |not_until: governor::NotUntil<_>| TooMany {
            retry_after_secs: not_until
                .wait_time_from(governor::clock::Clock::now(&clock))
                .as_secs()
                .max(1),
        };
        if let Some(address) = address {
            self.per_address.check_key(&address).map_err(wait)?;
        }
        self.per_account
            .check_key(&username.to_owned())
            .map_err(wait)
    }

    /// Checks `password` against `stored`, or against a hash of nothing when the account does
    /// not exist, so both take the same time: the answer's timing does not tell which
    /// usernames exist. Runs on the blocking pool, at most one per core at a time.
    pub async fn verify(&self, password: String, stored: Option<String>) -> bool {
        let _permit = self
            .hashing
            .acquire()
            .await
            .expect("the semaphore is never closed");
        tokio::task::spawn_blocking(move || {
            let real = stored.is_some();
            let hash = stored.as_deref().unwrap_or(DUMMY_HASH.as_str());
            password::verify(&password, hash) && real
        })
        .await
        .unwrap_or(false)
    }
}

/// A hash with the same parameters as real ones, of a password nobody knows.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let mut secret = [0u8; 24];
    getrandom::fill(&mut secret).expect("the operating system provides randomness");
    password::hash(&format!("unused-{}", pingan_shared::document::hex(&secret)))
        .expect("a long random password hashes")
});

pub type SharedLoginGuard = Arc<LoginGuard>;
