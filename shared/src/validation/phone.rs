//! Mainland China phone numbers: mobiles and landlines.
//!
//! Rules, and why:
//!
//! - **Spaces and hyphens are ignored when reading.** People group digits however they were
//!   taught (`138 1234 5678`, `0571-8881-2345`); the grouping carries no meaning, and the area
//!   code can be told apart from the digits alone.
//! - **Mobiles are 11 digits starting `13`–`19`**, optionally after `+86`, `0086` or `86`, because
//!   numbers copied from WeChat or a contact list often carry the country code. A bare `86` is
//!   only treated as a country code when a full mobile follows, so a local number such as
//!   `86123456` is not mangled. Stored without the prefix, so one person has one spelling.
//! - **Landlines are an area code then a 7–8 digit subscriber number** that does not begin with
//!   0 or 1 (those lead to trunk and service numbers). Beijing (`010`) and the big cities
//!   (`02X`) have 3-digit area codes, all others 4 (`0XXX`); that fixed split is what lets us
//!   store `AREA-NUMBER` whatever the worker typed.
//! - **A local number alone is accepted as a landline.** Rural workers write the village
//!   office's number as dialled locally; refusing it would lose the only number there is.
//! - **Extensions are refused** (`转123`, `-123`) with a message saying why: nobody can dial an
//!   extension from a stored number, and the switchboard number alone reaches the person.
//! - **Records hold the normalised form only**, as they do citizen ID numbers: a form saves
//!   what [`normalise_phone`] gives, and validation (on the device and on the server) refuses
//!   a readable number stored any other way, saying the form it should have. So a search or
//!   a duplicate check compares one spelling, and a client in another language cannot store
//!   `+8613812345678` beside `13812345678`.

use std::fmt;

use super::FieldError;

/// A normalised phone number: `Mobile("13812345678")`, `Landline("0571-88812345")`, or
/// `Landline("88812345")` when written without an area code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Phone {
    Mobile(String),
    Landline(String),
}

/// Why a string is not a usable phone number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("phone number is empty")]
    Empty,
    #[error("phone number contains '{found}'; only digits are allowed")]
    BadCharacter { found: char },
    #[error("phone number has an extension; give the main number only")]
    HasExtension,
    #[error("mobile number must be 11 digits starting with 13-19")]
    BadMobile,
    #[error("landline must be an area code and a 7-8 digit number not starting with 0 or 1")]
    BadLandline,
    #[error("not a mobile number or a landline number")]
    Unrecognised,
}

fn is_mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// A subscriber number is what is dialled inside an area: 7–8 digits, never led by 0 or 1.
fn is_subscriber(digits: &str) -> bool {
    (7..=8).contains(&digits.len()) && !digits.starts_with(['0', '1'])
}

/// `AREA-NUMBER` from all-digit input starting with `0`, if it splits into a real area code
/// and a subscriber number.
fn landline_with_area(digits: &str) -> Option<String> {
    let area_len = match digits.as_bytes().get(1)? {
        b'1' if digits.starts_with("010") => 3,
        b'2' => 3,
        b'3'..=b'9' => 4,
        _ => return None,
    };
    let (area, number) = digits.split_at(area_len.min(digits.len()));
    is_subscriber(number).then(|| format!("{area}-{number}"))
}

fn without_separators(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

/// `0571-88812345-123`: a full landline, then a short group of digits after the last hyphen.
fn ends_in_hyphen_extension(trimmed: &str) -> bool {
    trimmed.rsplit_once('-').is_some_and(|(head, tail)| {
        let tail = tail.trim();
        (1..=6).contains(&tail.len())
            && tail.bytes().all(|b| b.is_ascii_digit())
            && landline_with_area(&without_separators(head)).is_some()
    })
}

impl Phone {
    /// Reads a phone number as a worker might type it; see the module docs for the rules.
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        let trimmed = input.trim();
        if trimmed.contains('转') || trimmed.contains("分机") {
            return Err(PhoneError::HasExtension);
        }
        let compact = without_separators(trimmed);
        let (international, digits) = if let Some(rest) = compact.strip_prefix("+86") {
            (true, rest)
        } else if let Some(rest) = compact.strip_prefix("0086") {
            (true, rest)
        } else if compact.len() == 13 && compact.starts_with("861") {
            (true, &compact[2..])
        } else {
            (false, compact.as_str())
        };
        if let Some(found) = digits.chars().find(|c| !c.is_ascii_digit()) {
            return Err(PhoneError::BadCharacter { found });
        }
        match digits.as_bytes().first() {
            None if international => Err(PhoneError::BadMobile),
            None => Err(PhoneError::Empty),
            _ if international || digits.starts_with('1') => is_mobile(digits)
                .then(|| Phone::Mobile(digits.to_owned()))
                .ok_or(PhoneError::BadMobile),
            Some(b'0') => match landline_with_area(digits) {
                Some(landline) => Ok(Phone::Landline(landline)),
                None if ends_in_hyphen_extension(trimmed) => Err(PhoneError::HasExtension),
                None => Err(PhoneError::BadLandline),
            },
            Some(_) => is_subscriber(digits)
                .then(|| Phone::Landline(digits.to_owned()))
                .ok_or(PhoneError::Unrecognised),
        }
    }

    /// The normalised number as stored.
    pub fn as_str(&self) -> &str {
        match self {
            Phone::Mobile(s) | Phone::Landline(s) => s,
        }
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PhoneError {
    /// The error in words the worker can act on, naming the field by its Chinese label.
    pub fn into_field_error(self, field: &str, label_zh: &str) -> FieldError {
        let message_zh = match self {
            PhoneError::Empty => return FieldError::required(field, label_zh),
            PhoneError::BadCharacter { found } => {
                format!("{label_zh}里有“{found}”，只能填数字")
            }
            PhoneError::HasExtension => {
                format!("{label_zh}不能带分机号，请只填总机号码，如 0571-88812345")
            }
            PhoneError::BadMobile => {
                format!("{label_zh}格式不对：手机号应为11位数字，以13–19开头")
            }
            PhoneError::BadLandline => format!(
                "{label_zh}格式不对：固定电话应为区号加7–8位号码（号码不以0或1开头），如 0571-88812345"
            ),
            PhoneError::Unrecognised => format!(
                "{label_zh}格式不对：应为11位手机号，或7–8位固定电话号码（可加区号，如 0571-88812345）"
            ),
        };
        FieldError::new(field, &message_zh, &crate::en!("{field}: {self}"))
    }
}

/// The form a phone number is stored in, for a form to save: `+86 138-1234-5678` becomes
/// `13812345678`, `0571 8881 2345` becomes `0571-88812345`. Input that is not a phone number
/// comes back trimmed, for validation to say what is wrong with it.
pub fn normalise_phone(input: &str) -> String {
    match Phone::parse(input) {
        Ok(Phone::Mobile(number) | Phone::Landline(number)) => number,
        Err(_) => input.trim().to_owned(),
    }
}

/// Checks a required phone field as stored in a record: it must be a number, in its
/// normalised form. Blank is reported as missing.
pub fn check_phone(
    errors: &mut Vec<FieldError>,
    field: &str,
    label_zh: &str,
    value: &str,
) -> Option<Phone> {
    match Phone::parse(value) {
        Err(e) => {
            errors.push(e.into_field_error(field, label_zh));
            None
        }
        Ok(phone) if phone.as_str() != value => {
            errors.push(FieldError::new(
                field,
                &format!("{label_zh}需按标准格式保存：{phone}"),
                &crate::en!("{field} must be stored normalised, as \"{phone}\""),
            ));
            None
        }
        Ok(phone) => Some(phone),
    }
}

/// Checks an optional phone field: absent or blank is fine, anything written must be a number.
pub fn check_optional_phone(
    errors: &mut Vec<FieldError>,
    field: &str,
    label_zh: &str,
    value: Option<&str>,
) -> Option<Phone> {
    match value {
        Some(v) if !v.trim().is_empty() => check_phone(errors, field, label_zh, v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PhoneError::*;

    fn mobile(s: &str) -> Result<Phone, PhoneError> {
        Ok(Phone::Mobile(s.to_owned()))
    }

    fn landline(s: &str) -> Result<Phone, PhoneError> {
        Ok(Phone::Landline(s.to_owned()))
    }

    #[test]
    fn eleven_digit_mobile_is_kept_as_is() {
        assert_eq!(Phone::parse("13812345678"), mobile("13812345678"));
        assert_eq!(Phone::parse("19912345678"), mobile("19912345678"));
    }

    #[test]
    fn spaces_and_hyphens_in_mobiles_are_dropped() {
        for input in ["138 1234 5678", "138-1234-5678", " 138\u{3000}1234 5678 "] {
            assert_eq!(Phone::parse(input), mobile("13812345678"), "{input:?}");
        }
    }

    #[test]
    fn country_code_prefixes_are_dropped_from_mobiles() {
        for input in [
            "+8613812345678",
            "+86 138 1234 5678",
            "008613812345678",
            "8613812345678",
        ] {
            assert_eq!(Phone::parse(input), mobile("13812345678"), "{input:?}");
        }
    }

    #[test]
    fn a_country_code_must_be_followed_by_a_mobile() {
        assert_eq!(Phone::parse("+86 571 88812345"), Err(BadMobile));
        assert_eq!(Phone::parse("+86"), Err(BadMobile));
    }

    #[test]
    fn bare_86_before_a_local_number_is_not_a_country_code() {
        assert_eq!(Phone::parse("86123456"), landline("86123456"));
    }

    #[test]
    fn mobiles_must_start_with_13_to_19() {
        for input in ["10812345678", "11812345678", "12812345678"] {
            assert_eq!(Phone::parse(input), Err(BadMobile), "{input}");
        }
    }

    #[test]
    fn mobiles_must_have_exactly_eleven_digits() {
        assert_eq!(Phone::parse("1381234567"), Err(BadMobile));
        assert_eq!(Phone::parse("138123456789"), Err(BadMobile));
    }

    #[test]
    fn beijing_and_02x_landlines_have_three_digit_area_codes() {
        assert_eq!(Phone::parse("010-62751234"), landline("010-62751234"));
        assert_eq!(Phone::parse("01062751234"), landline("010-62751234"));
        assert_eq!(Phone::parse("021 5555 6666"), landline("021-55556666"));
        assert_eq!(Phone::parse("0298765432"), landline("029-8765432"));
    }

    #[test]
    fn other_landlines_have_four_digit_area_codes() {
        assert_eq!(Phone::parse("0571-88812345"), landline("0571-88812345"));
        assert_eq!(Phone::parse("057188812345"), landline("0571-88812345"));
        assert_eq!(Phone::parse("0571-8881-2345"), landline("0571-88812345"));
        assert_eq!(Phone::parse("0931 8123456"), landline("0931-8123456"));
    }

    #[test]
    fn subscriber_numbers_starting_with_0_or_1_are_rejected() {
        assert_eq!(Phone::parse("0571-08812345"), Err(BadLandline));
        assert_eq!(Phone::parse("010-12345678"), Err(BadLandline));
    }

    #[test]
    fn subscriber_numbers_must_have_seven_or_eight_digits() {
        assert_eq!(Phone::parse("0571-888123"), Err(BadLandline));
        assert_eq!(Phone::parse("0571-888123456"), Err(BadLandline));
    }

    #[test]
    fn area_codes_that_do_not_exist_are_rejected() {
        for input in ["011-62751234", "0062751234", "0", "05"] {
            assert_eq!(Phone::parse(input), Err(BadLandline), "{input}");
        }
    }

    #[test]
    fn local_number_without_area_code_is_a_landline() {
        assert_eq!(Phone::parse("8881234"), landline("8881234"));
        assert_eq!(Phone::parse("8881-2345"), landline("88812345"));
    }

    #[test]
    fn local_numbers_of_other_lengths_are_unrecognised() {
        assert_eq!(Phone::parse("888123"), Err(Unrecognised));
        assert_eq!(Phone::parse("888123456"), Err(Unrecognised));
    }

    #[test]
    fn extensions_are_rejected_with_their_own_error() {
        for input in [
            "0571-88812345转123",
            "0571-88812345 分机 8",
            "0571-88812345-123",
            "010 62751234-8",
        ] {
            assert_eq!(Phone::parse(input), Err(HasExtension), "{input:?}");
        }
    }

    #[test]
    fn letters_and_stray_symbols_are_bad_characters() {
        assert_eq!(
            Phone::parse("138abc45678"),
            Err(BadCharacter { found: 'a' })
        );
        assert_eq!(
            Phone::parse("138+12345678"),
            Err(BadCharacter { found: '+' })
        );
        assert_eq!(
            Phone::parse("(0571)88812345"),
            Err(BadCharacter { found: '(' })
        );
        assert_eq!(
            Phone::parse("１３８１２３４５６７８"),
            Err(BadCharacter { found: '１' })
        );
    }

    #[test]
    fn blank_input_is_empty() {
        assert_eq!(Phone::parse(" - "), Err(Empty));
    }

    #[test]
    fn normalised_form_is_displayed() {
        let phone = Phone::parse("0571 8881 2345").unwrap();
        assert_eq!(phone.as_str(), "0571-88812345");
        assert_eq!(phone.to_string(), "0571-88812345");
    }

    #[test]
    fn field_errors_explain_the_expected_form_in_chinese() {
        let zh = |e: PhoneError| e.into_field_error("phone", "联系电话").message_zh;
        assert_eq!(
            zh(BadMobile),
            "联系电话格式不对：手机号应为11位数字，以13–19开头"
        );
        assert_eq!(
            zh(BadCharacter { found: 'a' }),
            "联系电话里有“a”，只能填数字"
        );
        assert!(zh(HasExtension).contains("分机号"));
        assert!(zh(BadLandline).contains("0571-88812345"));
        assert_eq!(
            Empty.into_field_error("phone", "联系电话"),
            FieldError::required("phone", "联系电话")
        );
        assert_eq!(
            BadMobile.into_field_error("phone", "联系电话").field,
            "phone"
        );
    }

    #[test]
    fn normalising_gives_the_stored_form_or_the_input_trimmed() {
        assert_eq!(normalise_phone("+86 138-1234-5678"), "13812345678");
        assert_eq!(normalise_phone(" 138 1234 5678 "), "13812345678");
        assert_eq!(normalise_phone("0571 8881 2345"), "0571-88812345");
        assert_eq!(normalise_phone("8881-2345"), "88812345");
        assert_eq!(normalise_phone(" 12345 "), "12345");
    }

    #[test]
    fn a_stored_phone_must_be_in_its_normalised_form() {
        for (stored, normalised) in [
            ("+8613812345678", "13812345678"),
            ("138 1234 5678", "13812345678"),
            ("057188812345", "0571-88812345"),
        ] {
            let mut errors = Vec::new();
            assert_eq!(check_phone(&mut errors, "phone", "联系电话", stored), None);
            assert_eq!(errors.len(), 1, "{stored:?}");
            assert_eq!(errors[0].field, "phone");
            assert_eq!(
                errors[0].message_en,
                format!("phone must be stored normalised, as \"{normalised}\"")
            );
            assert_eq!(
                errors[0].message_zh,
                format!("联系电话需按标准格式保存：{normalised}")
            );
        }
    }

    #[test]
    fn check_phone_returns_the_number_or_records_the_problem() {
        let mut errors = Vec::new();
        let phone = check_phone(&mut errors, "phone", "联系电话", "13812345678");
        assert_eq!(phone, Some(Phone::Mobile("13812345678".into())));
        assert!(errors.is_empty());
        assert_eq!(check_phone(&mut errors, "phone", "联系电话", "12345"), None);
        check_phone(&mut errors, "phone", "联系电话", "");
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[1], FieldError::required("phone", "联系电话"));
    }

    #[test]
    fn optional_phone_may_be_absent_or_blank_but_not_wrong() {
        let mut errors = Vec::new();
        assert_eq!(
            check_optional_phone(&mut errors, "phone", "电话", None),
            None
        );
        assert_eq!(
            check_optional_phone(&mut errors, "phone", "电话", Some(" ")),
            None
        );
        assert!(errors.is_empty());
        let phone = check_optional_phone(&mut errors, "phone", "电话", Some("8881234"));
        assert_eq!(phone, Some(Phone::Landline("8881234".into())));
        check_optional_phone(&mut errors, "phone", "电话", Some("1234"));
        assert_eq!(errors.len(), 1);
    }
}
