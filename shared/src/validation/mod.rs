//! Field-level validation errors.
//!
//! Every rule answers with the field it is about and what is wrong, in Chinese for the worker
//! holding the phone and in English for logs and API clients. Both the app (before saving,
//! offline) and the server (before anything enters the master copy) run the same rules.

use serde::{Deserialize, Serialize};

pub mod citizen_id;
pub mod date;
pub mod phone;
pub mod region;
pub mod time;

pub use citizen_id::{CitizenId, Sex, check_citizen_id, check_stored_citizen_id};
pub use date::{Date, check_date, check_optional_date, check_optional_past_date, check_past_date};
pub use phone::{Phone, check_optional_phone, check_phone, normalise_phone};
pub use time::{check_optional_time, parse_time_of_day};

/// One thing wrong with one field of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {message_en}")]
pub struct FieldError {
    /// The record field, as named in the Automerge document (e.g. `address`).
    pub field: String,
    /// What is wrong, for the worker (Simplified Chinese).
    pub message_zh: String,
    /// What is wrong, for logs and API clients.
    pub message_en: String,
}

/// A message in English, for the API's callers and the server's logs, as `format!` builds it.
/// The phone shows only Chinese: compiled for wasm the English is not built, so neither its text
/// nor its formatting (the error types' English `Display`) are in every phone's download.
#[macro_export]
macro_rules! en {
    ($($message:tt)*) => {
        if cfg!(target_arch = "wasm32") {
            ::std::string::String::new()
        } else {
            ::std::format!($($message)*)
        }
    };
}

impl FieldError {
    pub fn new(field: &str, message_zh: &str, message_en: &str) -> Self {
        Self {
            field: field.to_owned(),
            message_zh: message_zh.to_owned(),
            message_en: message_en.to_owned(),
        }
    }

    pub fn required(field: &str, label_zh: &str) -> Self {
        Self::new(
            field,
            &format!("请填写{label_zh}"),
            &crate::en!("{field} is required"),
        )
    }

    pub fn too_long(field: &str, label_zh: &str, max_chars: usize) -> Self {
        Self::new(
            field,
            &format!("{label_zh}不能超过{max_chars}个字"),
            &crate::en!("{field} must be at most {max_chars} characters"),
        )
    }
}

/// Checks a free-text field that must be present and of a sane length.
///
/// Whitespace-only counts as missing: a worker tapping the space bar has not entered an address.
pub fn required_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    label_zh: &str,
    value: &str,
    max_chars: usize,
) {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        errors.push(FieldError::required(field, label_zh));
    } else if trimmed.chars().count() > max_chars {
        errors.push(FieldError::too_long(field, label_zh, max_chars));
    }
}

/// Checks an optional free-text field: absent or blank is fine (a form's empty box), anything
/// written must be of a sane length.
pub fn optional_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    label_zh: &str,
    value: Option<&str>,
    max_chars: usize,
) {
    if value.is_some_and(|v| v.trim().chars().count() > max_chars) {
        errors.push(FieldError::too_long(field, label_zh, max_chars));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_only_is_missing() {
        let mut errors = Vec::new();
        required_text(&mut errors, "address", "住址", "  \t ", 10);
        assert_eq!(errors, vec![FieldError::required("address", "住址")]);
        assert_eq!(errors[0].message_zh, "请填写住址");
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let mut errors = Vec::new();
        // Ten Chinese characters are thirty UTF-8 bytes but still within a ten-character limit.
        required_text(&mut errors, "address", "住址", "幸福村三组十二号院内", 10);
        assert!(errors.is_empty(), "{errors:?}");
        required_text(&mut errors, "address", "住址", "幸福村三组十二号院内东", 10);
        assert_eq!(errors, vec![FieldError::too_long("address", "住址", 10)]);
    }
}
