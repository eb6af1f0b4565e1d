//! Citizen ID numbers (公民身份号码, GB 11643-1999).
//!
//! An 18-character number is 6 digits of region code, 8 of birth date (`YYYYMMDD`), 3 of
//! sequence (the last odd for men, even for women) and one ISO 7064 MOD 11-2 check character
//! (a digit or `X` for ten). Rules, and why:
//!
//! - **Whitespace is trimmed and a lower-case `x` is upper-cased.** Both are keyboard accidents,
//!   not different numbers; storing one spelling lets the server match duplicates.
//! - **The check character must match.** It catches almost every single-digit typo and swapped
//!   pair, which is most of what goes wrong when a number is copied from a card in bad light.
//! - **The region must be plausible**: a province-level prefix that exists (11–15, 21–23, 31–37,
//!   41–46, 50–54, 61–65, 71, 81–83) and not a bare province (`XX0000`), because numbers are
//!   issued by counties. Exception: residence permits for Hong Kong, Macao and Taiwan residents
//!   (港澳台居民居住证) are issued under exactly `810000`, `820000` and `830000`, so for 81–83 the
//!   bare code is allowed. We do not carry the full county table: it changes every year and a
//!   stale copy on an offline phone would reject real people.
//! - **The birth date must exist, not be after today and not be before 1900-01-01.** An
//!   impossible or future date means a mistyped number; nobody we register was born earlier.
//!   "Today" is passed in because this crate never reads a clock.
//! - **Legacy 15-digit numbers (GB 11643-1989) are converted, not refused.** Older residents
//!   still hold first-generation cards: 6 region digits, `YYMMDD`, 3 sequence digits. The
//!   official upgrade inserts `19` before the year and appends the computed check character, so
//!   we do exactly that and then apply every rule above; the record then holds one canonical
//!   18-character form. (The rare 15-digit cards of people born in the 1800s cannot be
//!   upgraded this way; they fall outside the 1900 limit anyway.)

use std::fmt;

use super::FieldError;
use super::date::Date;

/// The 17th digit encodes sex. The type is the records' stored vocabulary (so a person's `sex`
/// field and [`CitizenId::sex`] compare directly); it is re-exported here for callers that only
/// validate numbers.
pub use crate::records::vocabulary::Sex;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS: &[u8; 11] = b"10X98765432";

/// A citizen ID number that passed every rule: 18 characters, upper-case `X`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CitizenId(String);

/// Why a string is not an acceptable citizen ID. Positions count from 1, as a worker would.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CitizenIdError {
    #[error("citizen ID must have 18 characters (or a legacy 15), got {len}")]
    WrongLength { len: usize },
    #[error("citizen ID character {position} is '{found}'; only digits (and a final X) allowed")]
    BadCharacter { position: usize, found: char },
    #[error("citizen ID region code {code} does not exist")]
    UnknownRegion { code: String },
    #[error("citizen ID birth date {digits} does not exist")]
    ImpossibleBirthDate { digits: String },
    #[error("citizen ID birth date {date} is in the future")]
    BirthDateInFuture { date: Date },
    #[error("citizen ID birth date {date} is before 1900")]
    BirthDateTooEarly { date: Date },
    #[error("citizen ID check character should be {expected}, found {found}")]
    WrongCheckCharacter { expected: char, found: char },
}

/// The check character for 17 leading digits, or `None` if they are not 17 ASCII digits.
fn check_character(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(char::from(CHECK_CHARACTERS[(sum % 11) as usize]))
}

/// Completes 17 digits into an 18-character number with the right check character; for
/// building test data and demo records.
pub fn with_check_character(first17: &str) -> Option<String> {
    check_character(first17).map(|c| format!("{first17}{c}"))
}

/// Province-level codes with their Simplified Chinese names. 83 is not a province: it prefixes
/// residence permits for Taiwan residents, hence "台湾地区" rather than a second "台湾省".
const PROVINCES: &str = "11北京市 12天津市 13河北省 14山西省 15内蒙古自治区 \
    21辽宁省 22吉林省 23黑龙江省 \
    31上海市 32江苏省 33浙江省 34安徽省 35福建省 36江西省 37山东省 \
    41河南省 42湖北省 43湖南省 44广东省 45广西壮族自治区 46海南省 \
    50重庆市 51四川省 52贵州省 53云南省 54西藏自治区 \
    61陕西省 62甘肃省 63青海省 64宁夏回族自治区 65新疆维吾尔自治区 \
    71台湾省 81香港特别行政区 82澳门特别行政区 83台湾地区";

pub(crate) fn province_for(code: &str) -> Option<&'static str> {
    let two_digits = code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit());
    two_digits
        .then(|| {
            PROVINCES
                .split_whitespace()
                .find_map(|p| p.strip_prefix(code))
        })
        .flatten()
}

/// Birth date from a normalised 18-character number, if it is a real date.
fn birth_date_of(id: &str) -> Option<Date> {
    let b = &id[6..14];
    Date::parse(&format!("{}-{}-{}", &b[..4], &b[4..6], &b[6..])).ok()
}

/// Rejects anything but ASCII digits, allowing `x`/`X` last only when a check character is due.
fn check_characters(chars: &[char], ends_in_check: bool) -> Result<(), CitizenIdError> {
    let last = chars.len() - 1;
    match chars.iter().enumerate().find(|&(i, c)| {
        !(c.is_ascii_digit() || (ends_in_check && i == last && matches!(c, 'x' | 'X')))
    }) {
        Some((i, &found)) => Err(CitizenIdError::BadCharacter {
            position: i + 1,
            found,
        }),
        None => Ok(()),
    }
}

impl CitizenId {
    /// Validates and normalises a citizen ID as typed; see the module docs for the rules.
    pub fn parse(input: &str, today: Date) -> Result<CitizenId, CitizenIdError> {
        let chars: Vec<char> = input.trim().chars().map(half_width).collect();
        let id = match chars.len() {
            18 => {
                check_characters(&chars, true)?;
                chars.iter().collect::<String>().to_ascii_uppercase()
            }
            15 => {
                check_characters(&chars, false)?;
                let old: String = chars.iter().collect();
                let first17 = format!("{}19{}", &old[..6], &old[6..]);
                with_check_character(&first17).expect("17 ASCII digits")
            }
            len => return Err(CitizenIdError::WrongLength { len }),
        };

        let region = &id[..6];
        let residence_permit = matches!(&region[..2], "81" | "82" | "83");
        if province_for(&region[..2]).is_none() || (&region[2..] == "0000" && !residence_permit) {
            return Err(CitizenIdError::UnknownRegion {
                code: region.to_owned(),
            });
        }

        let birth = birth_date_of(&id).ok_or_else(|| CitizenIdError::ImpossibleBirthDate {
            digits: id[6..14].to_owned(),
        })?;
        if birth > today {
            return Err(CitizenIdError::BirthDateInFuture { date: birth });
        }
        if birth < Date::new(1900, 1, 1).expect("real date") {
            return Err(CitizenIdError::BirthDateTooEarly { date: birth });
        }

        let expected = check_character(&id[..17]).expect("17 ASCII digits");
        let found = char::from(id.as_bytes()[17]);
        if found != expected {
            return Err(CitizenIdError::WrongCheckCharacter { expected, found });
        }
        Ok(CitizenId(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> Date {
        birth_date_of(&self.0).expect("checked when parsed")
    }

    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The six-digit administrative region code of the issuing office.
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }

    pub fn province_name(&self) -> Option<&'static str> {
        province_for(&self.0[..2])
    }

    /// Where the number was issued, as precisely as [`super::region::region_name`] knows it.
    pub fn region_name(&self) -> Option<String> {
        super::region::region_name(self.region_code())
    }
}

impl fmt::Display for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Full-width digits and X (a Chinese input method's ０–９, Ｘ) as the ASCII the number is
/// stored in: they are the same number, typed in the other mode.
fn half_width(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        'Ｘ' | 'ｘ' => 'X',
        other => other,
    }
}

impl CitizenIdError {
    /// The error in words that tell the worker which part of the number to look at again.
    pub fn into_field_error(self, field: &str) -> FieldError {
        let message_en = crate::en!("{field}: {self}");
        let message_zh = match self {
            CitizenIdError::WrongLength { len } => format!("身份证号应为18位，现在是{len}位"),
            CitizenIdError::BadCharacter { position, found } => {
                format!("身份证号第{position}位是“{found}”，只能是数字（最后一位可以是X）")
            }
            CitizenIdError::UnknownRegion { code } => {
                format!("身份证号前6位地区码 {code} 不存在，请核对")
            }
            CitizenIdError::ImpossibleBirthDate { digits } => format!(
                "身份证号中的出生日期 {}-{}-{} 不存在",
                &digits[..4],
                &digits[4..6],
                &digits[6..]
            ),
            CitizenIdError::BirthDateInFuture { date } => {
                format!("身份证号中的出生日期 {date} 在今天之后，请核对")
            }
            CitizenIdError::BirthDateTooEarly { date } => {
                format!("身份证号中的出生日期 {date} 早于1900年，请核对")
            }
            // The typo may be in any digit: naming the expected last character would invite
            // changing only that one and saving a wrong number that passes.
            CitizenIdError::WrongCheckCharacter { .. } => {
                "身份证号校验不通过，可能有数字输错或前后颠倒，请对照证件逐位核对".to_owned()
            }
        };
        FieldError::new(field, &message_zh, &message_en)
    }
}

/// Checks a required citizen ID field; blank is reported as missing.
pub fn check_citizen_id(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    today: Date,
) -> Option<CitizenId> {
    if value.trim().is_empty() {
        errors.push(FieldError::required(field, "身份证号"));
        return None;
    }
    CitizenId::parse(value, today)
        .map_err(|e| errors.push(e.into_field_error(field)))
        .ok()
}

/// Checks an optional citizen ID field as stored in a record: absent or blank is fine, a
/// number must be valid and stored normalised (18 characters, upper-case `X`), as the form
/// saves it. Returns the number when it is valid, normalised or not, so rules comparing it
/// with other fields (sex, birth date) still run.
pub fn check_stored_citizen_id(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: Option<&str>,
    today: Date,
) -> Option<CitizenId> {
    let written = value.filter(|v| !v.trim().is_empty())?;
    let id = check_citizen_id(errors, field, written, today)?;
    if id.as_str() != written {
        errors.push(FieldError::new(
            field,
            "身份证号需按标准格式保存（18位，末位大写X）",
            &crate::en!("{field} must be stored normalised"),
        ));
    }
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CitizenIdError::*;

    fn today() -> Date {
        Date::new(2025, 6, 1).unwrap()
    }

    fn parse(s: &str) -> Result<CitizenId, CitizenIdError> {
        CitizenId::parse(s, today())
    }

    /// A number with the right check character from its parts, via the public helper.
    fn valid(region: &str, birth: &str, seq: &str) -> String {
        with_check_character(&format!("{region}{birth}{seq}")).unwrap()
    }

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn bad(position: usize, found: char) -> Result<CitizenId, CitizenIdError> {
        Err(BadCharacter { position, found })
    }

    #[test]
    fn well_known_example_with_x_check_character_is_valid() {
        let id = parse("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.to_string(), "11010519491231002X");
        assert_eq!(id.birth_date(), date("1949-12-31"));
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.region_code(), "110105");
        assert_eq!(id.province_name(), Some("北京市"));
    }

    #[test]
    fn numbers_built_with_the_helper_are_valid_and_decoded() {
        let cases = [
            ("330106", "19900307", "001", Sex::Male, "浙江省"),
            ("450102", "19861115", "123", Sex::Male, "广西壮族自治区"),
            ("500101", "20100101", "004", Sex::Female, "重庆市"),
            ("440304", "20000229", "002", Sex::Female, "广东省"),
        ];
        for (region, birth, seq, sex, province) in cases {
            let id = parse(&valid(region, birth, seq)).unwrap();
            assert_eq!((id.sex(), id.province_name()), (sex, Some(province)));
            assert_eq!(id.birth_date().to_string().replace('-', ""), birth);
        }
        assert_eq!(valid("330106", "19900307", "001"), "330106199003070014");
    }

    #[test]
    fn helper_refuses_anything_but_seventeen_digits() {
        assert_eq!(with_check_character("1101051949123100"), None);
        assert_eq!(with_check_character("110105194912310021"), None);
        assert_eq!(with_check_character("1101051949123100A"), None);
    }

    #[test]
    fn lower_case_x_is_accepted_and_upper_cased() {
        let id = parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        let id = parse(" 110105491231002\t").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn wrong_check_character_reports_the_expected_one() {
        let (expected, found) = ('X', '1');
        assert_eq!(
            parse("110105194912310021"),
            Err(WrongCheckCharacter { expected, found })
        );
    }

    #[test]
    fn a_single_mistyped_sequence_digit_is_caught_by_the_check_character() {
        // 002 → 003 keeps region and date plausible; only the checksum notices.
        let err = parse("11010519491231003X").unwrap_err();
        assert!(matches!(err, WrongCheckCharacter { .. }), "{err:?}");
    }

    #[test]
    fn february_30_is_an_impossible_birth_date_and_february_29_needs_a_leap_year() {
        let digits = "20220230".to_owned();
        let result = parse(&valid("110105", &digits, "002"));
        assert_eq!(result, Err(ImpossibleBirthDate { digits }));
        let leap_day = |year: &str| parse(&valid("440304", &format!("{year}0229"), "002"));
        assert!(matches!(leap_day("1900"), Err(ImpossibleBirthDate { .. })));
        assert!(matches!(leap_day("2023"), Err(ImpossibleBirthDate { .. })));
        assert!(leap_day("2000").is_ok());
        assert!(leap_day("2024").is_ok());
    }

    #[test]
    fn birth_date_must_fall_between_1900_and_today_inclusive() {
        let born = |birth: &str| parse(&valid("110105", birth, "001")).map(|id| id.birth_date());
        let (future, early) = (date("2025-06-02"), date("1899-12-31"));
        assert_eq!(born("20250602"), Err(BirthDateInFuture { date: future }));
        assert_eq!(born("18991231"), Err(BirthDateTooEarly { date: early }));
        assert_eq!(born("20250601"), Ok(today()));
        assert_eq!(born("19000101"), Ok(date("1900-01-01")));
    }

    #[test]
    fn legacy_15_digit_number_is_upgraded_to_18() {
        let id = parse("110105491231002").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), date("1949-12-31"));
    }

    #[test]
    fn legacy_numbers_are_held_to_the_same_rules_after_upgrade() {
        let digits = "19230230".to_owned();
        let impossible = parse("110105230230002");
        assert_eq!(impossible, Err(ImpossibleBirthDate { digits }));
        let code = "990105".to_owned();
        assert_eq!(parse("990105491231002"), Err(UnknownRegion { code }));
        // A legacy number has no check character, so a final x is just a bad character.
        assert_eq!(parse("11010549123100x"), bad(15, 'x'));
    }

    #[test]
    fn wrong_lengths_report_the_length_in_characters() {
        assert_eq!(parse("11010519491231002"), Err(WrongLength { len: 17 }));
        assert_eq!(parse("11010519491231002X1"), Err(WrongLength { len: 19 }));
        assert_eq!(parse("1101051949123100"), Err(WrongLength { len: 16 }));
        assert_eq!(parse("   "), Err(WrongLength { len: 0 }));
        // Full-width digits are three bytes each but still one character.
        let full_width = "１１０１０５１９４９１２３１００２";
        assert_eq!(parse(full_width), Err(WrongLength { len: 17 }));
    }

    #[test]
    fn full_width_digits_are_read_as_the_same_number() {
        let typed = "１１０１０５１９４９１２３１００２ｘ";
        assert_eq!(parse(typed).unwrap().as_str(), "11010519491231002X");
    }

    #[test]
    fn letters_in_the_middle_are_bad_characters_at_their_position() {
        assert_eq!(parse("1101051949X231002X"), bad(11, 'X'));
        assert_eq!(parse("11010519491231 02X"), bad(15, ' '));
        assert_eq!(parse("11010519491231002Ａ"), bad(18, 'Ａ'));
    }

    #[test]
    fn unknown_province_99_and_bare_province_codes_are_rejected() {
        for code in ["990105", "330000", "160101"] {
            let result = parse(&valid(code, "19491231", "002"));
            assert_eq!(result, Err(UnknownRegion { code: code.into() }));
        }
    }

    #[test]
    fn residence_permits_of_hong_kong_macao_and_taiwan_residents_are_accepted() {
        let permits = [
            ("810000", "香港特别行政区"),
            ("820000", "澳门特别行政区"),
            ("830000", "台湾地区"),
        ];
        for (region, name) in permits {
            let id = parse(&valid(region, "19800101", "001")).unwrap();
            assert_eq!(id.province_name(), Some(name));
        }
    }

    #[test]
    fn every_listed_province_code_has_a_name() {
        let codes = "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 \
                     50 51 52 53 54 61 62 63 64 65 71 81 82 83";
        let named = codes
            .split_whitespace()
            .filter(|c| province_for(c).is_some());
        assert_eq!(named.count(), 35);
        assert_eq!(province_for("44"), Some("广东省"));
        assert_eq!(province_for("71"), Some("台湾省"));
        for not_a_code in ["16", "1", "111", "", "北"] {
            assert_eq!(province_for(not_a_code), None, "{not_a_code:?}");
        }
    }

    #[test]
    fn seventeenth_digit_odd_is_male_and_even_is_female() {
        let sex = |seq: &str| parse(&valid("110105", "19800101", seq)).unwrap().sex();
        assert_eq!((sex("019"), sex("010")), (Sex::Male, Sex::Female));
        assert_eq!((Sex::Male.as_str(), Sex::Female.label_zh()), ("male", "女"));
        assert_eq!(Sex::parse("female"), Some(Sex::Female));
    }

    #[test]
    fn field_errors_tell_the_worker_what_to_check() {
        let zh = |e: CitizenIdError| e.into_field_error("id_number").message_zh;
        let (expected, found, date) = ('X', '1', date("2030-01-01"));
        assert_eq!(
            zh(WrongCheckCharacter { expected, found }),
            "身份证号校验不通过，可能有数字输错或前后颠倒，请对照证件逐位核对"
        );
        assert!(
            !zh(WrongCheckCharacter { expected, found }).contains('X'),
            "the expected character is not given away"
        );
        assert_eq!(zh(WrongLength { len: 17 }), "身份证号应为18位，现在是17位");
        let digits = "20220230".to_owned();
        assert_eq!(
            zh(ImpossibleBirthDate { digits }),
            "身份证号中的出生日期 2022-02-30 不存在"
        );
        let future = "身份证号中的出生日期 2030-01-01 在今天之后，请核对";
        assert_eq!(zh(BirthDateInFuture { date }), future);
        let (position, found) = (11, 'A');
        let letter = "身份证号第11位是“A”，只能是数字（最后一位可以是X）";
        assert_eq!(zh(BadCharacter { position, found }), letter);
        let error = WrongLength { len: 3 }.into_field_error("id");
        assert_eq!(error.field, "id");
        assert_eq!(
            error.message_en,
            "id: citizen ID must have 18 characters (or a legacy 15), got 3"
        );
    }

    #[test]
    fn check_citizen_id_returns_the_number_or_records_the_problem() {
        let mut errors = Vec::new();
        let id = check_citizen_id(&mut errors, "id_number", "11010519491231002x", today());
        assert_eq!(id.unwrap().as_str(), "11010519491231002X");
        assert!(errors.is_empty());
        let wrong = check_citizen_id(&mut errors, "id_number", "123", today());
        assert_eq!(wrong, None);
        assert_eq!(errors[0].message_zh, "身份证号应为18位，现在是3位");
        check_citizen_id(&mut errors, "id_number", " ", today());
        assert_eq!(errors[1], FieldError::required("id_number", "身份证号"));
    }
}
