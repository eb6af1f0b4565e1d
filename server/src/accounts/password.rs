//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes), stored as a PHC
//! string so the parameters can be raised later without invalidating existing hashes.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Shorter passwords are refused: field phones get lost, and the token is only as strong as
/// the password that obtained it. Logins are rate-limited too (`http/throttle.rs`), so ten
/// characters are out of reach of guessing online.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Argon2 reads every byte: a megabyte "password" would be a cheap way to spend the server's
/// CPU, so longer ones are refused at login before hashing.
pub const MAX_PASSWORD_BYTES: usize = 256;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("password must be at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("password must be at most {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    #[error("password must not begin or end with spaces, nor be one character repeated")]
    Weak,
    #[error("password could not be hashed: {0}")]
    Hashing(String),
}

/// The policy a new password must meet.
pub fn check_policy(password: &str) -> Result<(), PasswordError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    if password.trim().chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    let mut chars = password.chars();
    let first = chars.next();
    if password.trim() != password || chars.all(|c| Some(c) == first) {
        return Err(PasswordError::Weak);
    }
    Ok(())
}

pub fn hash(password: &str) -> Result<String, PasswordError> {
    check_policy(password)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| PasswordError::Hashing(e.to_string()))
}

/// False for a wrong password and for a stored hash that cannot be parsed.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_right_password_verifies_and_a_wrong_one_does_not() {
        let stored = hash("幸福村2022年安全").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("幸福村2022年安全", &stored));
        assert!(!verify("幸福村2022年安", &stored));
        assert!(!verify("幸福村2022年安全", "not a hash"));
    }

    #[test]
    fn short_blank_and_repeated_passwords_are_refused() {
        assert_eq!(hash("123456789"), Err(PasswordError::TooShort));
        assert_eq!(hash("        "), Err(PasswordError::TooShort));
        assert_eq!(hash(&" ".repeat(20)), Err(PasswordError::TooShort));
        assert_eq!(hash(" padded password "), Err(PasswordError::Weak));
        assert_eq!(hash("aaaaaaaaaaaa"), Err(PasswordError::Weak));
        assert_eq!(hash(&"长".repeat(300)), Err(PasswordError::TooLong));
        assert!(check_policy("幸福村2022年安全").is_ok());
    }
}
