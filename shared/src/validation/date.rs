//! Calendar dates as workers write them: `YYYY-MM-DD`, nothing else.
//!
//! Rules, and why:
//!
//! - **Exactly `YYYY-MM-DD`, zero-padded.** One spelling means dates sort as text, compare equal
//!   across devices and read the same on paper forms. `2022-2-1` or `2022/02/01` are refused
//!   rather than guessed at, so the worker fixes the entry while the person is still at the door.
//!   Surrounding whitespace is forgiven because phone keyboards add it.
//! - **Proleptic Gregorian calendar.** Every date we record (births from 1900 on, visit dates)
//!   falls under the Gregorian calendar; extending it backwards keeps the arithmetic uniform.
//! - **Day counts from 1970-01-01 (UTC).** Timestamps in records are Unix milliseconds, so the
//!   same epoch lets a device clock reading become a date without a time library.
//!
//! The crate must stay dependency-light for the wasm build, so the small amount of civil-date
//! arithmetic is done here by hand instead of pulling in `chrono` or `time`.

use std::fmt;

use super::FieldError;

/// A day in the proleptic Gregorian calendar. Field order makes the derived `Ord` chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a string is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("date must be written as YYYY-MM-DD")]
    NotIsoFormat,
    #[error("{year:04}-{month:02}-{day:02} does not exist")]
    ImpossibleDate { year: i32, month: u8, day: u8 },
}

const MS_PER_DAY: i64 = 86_400_000;

/// Days before the first of each month in a common year; leap days are added separately.
const DAYS_BEFORE_MONTH: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/// Leap years every 4, except centuries, except every 400 (so 1900 no, 2000 yes).
pub fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Number of days in `month` of `year`, or `None` if the month is not 1–12.
pub fn days_in_month(year: i32, month: u8) -> Option<u8> {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if is_leap_year(year) => Some(29),
        2 => Some(28),
        _ => None,
    }
}

/// Days from 0001-01-01 to January 1st of `year`. Floor division keeps years before 1 correct.
fn days_before_year(year: i64) -> i64 {
    let prior = year - 1;
    365 * prior + prior.div_euclid(4) - prior.div_euclid(100) + prior.div_euclid(400)
}

/// `days_before_year(1970)`: shifts counts from 0001-01-01 to the Unix epoch.
const UNIX_EPOCH_OFFSET: i64 = 719_162;
/// Days in a full 400-year Gregorian cycle; used to estimate a year from a day count.
const DAYS_PER_400_YEARS: i64 = 146_097;

impl Date {
    /// The date, if it exists on the calendar.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let last = days_in_month(year, month)?;
        (1..=last)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD` after trimming surrounding whitespace.
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let b = s.trim().as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return Err(DateError::NotIsoFormat);
        }
        let number =
            |r: std::ops::Range<usize>| b[r].iter().fold(0, |n, c| n * 10 + i32::from(c - b'0'));
        // At most two digits each, so the narrowing cannot truncate.
        let (year, month, day) = (number(0..4), number(5..7) as u8, number(8..10) as u8);
        Date::new(year, month, day).ok_or(DateError::ImpossibleDate { year, month, day })
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn month(&self) -> u8 {
        self.month
    }

    pub fn day(&self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(&self) -> i64 {
        let leap_day = i64::from(self.month > 2 && is_leap_year(self.year));
        days_before_year(i64::from(self.year))
            + DAYS_BEFORE_MONTH[usize::from(self.month - 1)]
            + leap_day
            + i64::from(self.day)
            - 1
            - UNIX_EPOCH_OFFSET
    }

    /// The date `days` after 1970-01-01.
    ///
    /// # Panics
    /// If the year would not fit in an `i32` — two billion years from any record,
    /// so only a corrupted number can get there, and silently wrapping would hide it.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let count = |year, month, day| Date { year, month, day }.days_since_epoch();
        let representable = count(i32::MIN, 1, 1)..=count(i32::MAX, 12, 31);
        assert!(
            representable.contains(&days),
            "day count {days} is outside the representable calendar"
        );
        let from_year_one = days + UNIX_EPOCH_OFFSET;
        // The average year length gives a guess within one year; the loops settle it exactly.
        let mut year = from_year_one.div_euclid(DAYS_PER_400_YEARS) * 400
            + from_year_one.rem_euclid(DAYS_PER_400_YEARS) * 400 / DAYS_PER_400_YEARS
            + 1;
        while days_before_year(year) > from_year_one {
            year -= 1;
        }
        while days_before_year(year + 1) <= from_year_one {
            year += 1;
        }
        let year = i32::try_from(year).expect("range checked above");
        let mut day_of_year = from_year_one - days_before_year(i64::from(year));
        let mut month = 1u8;
        loop {
            let length = i64::from(days_in_month(year, month).expect("month stays within 1–12"));
            if day_of_year < length {
                // `day_of_year` is below a month length here, so it fits in a u8.
                let day = day_of_year as u8 + 1;
                return Date { year, month, day };
            }
            day_of_year -= length;
            month += 1;
        }
    }

    /// The date `days` later (earlier if negative). Panics as [`Date::from_days_since_epoch`].
    pub fn add_days(&self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch().saturating_add(days))
    }

    /// 1 for Monday … 7 for Sunday, as ISO 8601 and Chinese calendars number the week.
    pub fn iso_weekday(&self) -> u8 {
        // 1970-01-01 was a Thursday (weekday 4); the remainder is below 7, so it fits a u8.
        (self.days_since_epoch() + 3).rem_euclid(7) as u8 + 1
    }

    /// The ISO 8601 week `(year, week)` the date falls in: weeks run Monday to Sunday and
    /// belong to the year holding their Thursday, so a week is counted once however the new
    /// year falls in it (2021-01-03 is in week 53 of 2020). The weekly screening ledger
    /// counts rounds by this week. Panics as [`Date::add_days`] for the last days of year
    /// `i32::MAX`.
    pub fn iso_week(&self) -> (i32, u32) {
        let thursday = self.add_days(4 - i64::from(self.iso_weekday()));
        let year = thursday.year;
        let day_of_year =
            thursday.days_since_epoch() + UNIX_EPOCH_OFFSET - days_before_year(i64::from(year));
        // A day of the year is below 366, so its week number fits a u32.
        (year, (day_of_year / 7 + 1) as u32)
    }

    /// The UTC calendar day of a Unix timestamp in milliseconds. Times before 1970 round down
    /// to the earlier day, as a clock would read them.
    pub fn from_unix_ms(ms: i64) -> Date {
        Date::from_days_since_epoch(ms.div_euclid(MS_PER_DAY))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse(s)
    }
}

impl DateError {
    /// The error as a worker would need to read it, naming the field by its Chinese label.
    pub fn into_field_error(self, field: &str, label_zh: &str) -> FieldError {
        match self {
            DateError::NotIsoFormat => FieldError::new(
                field,
                &format!("{label_zh}格式应为 年-月-日，如 2022-05-01"),
                &crate::en!("{field} must be written as YYYY-MM-DD, e.g. 2022-05-01"),
            ),
            DateError::ImpossibleDate { year, month, day } => {
                let written = format!("{year:04}-{month:02}-{day:02}");
                FieldError::new(
                    field,
                    &format!("{label_zh}是不存在的日期：{written}"),
                    &crate::en!("{field}: {written} is not a real calendar date"),
                )
            }
        }
    }
}

/// Checks a required date field. An empty value is reported as missing rather than malformed,
/// because "please fill in" is the instruction the worker actually needs.
pub fn check_date(
    errors: &mut Vec<FieldError>,
    field: &str,
    label_zh: &str,
    value: &str,
) -> Option<Date> {
    if value.trim().is_empty() {
        errors.push(FieldError::required(field, label_zh));
        return None;
    }
    Date::parse(value)
        .map_err(|e| errors.push(e.into_field_error(field, label_zh)))
        .ok()
}

/// Checks an optional date field: absent or blank is fine, anything written must be a date.
pub fn check_optional_date(
    errors: &mut Vec<FieldError>,
    field: &str,
    label_zh: &str,
    value: Option<&str>,
) -> Option<Date> {
    match value {
        Some(v) if !v.trim().is_empty() => check_date(errors, field, label_zh, v),
        _ => None,
    }
}

/// Checks a required date of something already done (a visit, a signing): a date, and not
/// after `today`. Returns the date even when it is in the future, so rules comparing it with
/// other dates still run and every problem is reported at once.
pub fn check_past_date(
    errors: &mut Vec<FieldError>,
    field: &str,
    label_zh: &str,
    value: &str,
    today: Date,
) -> Option<Date> {
    let date = check_date(errors, field, label_zh, value);
    if date.is_some_and(|d| d > today) {
        errors.push(FieldError::new(
            field,
            &format!("{label_zh}不能晚于今天"),
            &crate::en!("{field} is in the future"),
        ));
    }
    date
}

/// [`check_past_date`] for an optional field: absent or blank is fine.
pub fn check_optional_past_date(
    errors: &mut Vec<FieldError>,
    field: &str,
    label_zh: &str,
    value: Option<&str>,
    today: Date,
) -> Option<Date> {
    match value {
        Some(v) if !v.trim().is_empty() => check_past_date(errors, field, label_zh, v, today),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u8, day: u8) -> Date {
        Date::new(year, month, day).unwrap()
    }

    #[test]
    fn iso_date_is_parsed_and_displayed_unchanged() {
        let date = Date::parse("2022-05-01").unwrap();
        assert_eq!((date.year(), date.month(), date.day()), (2022, 5, 1));
        assert_eq!(date.to_string(), "2022-05-01");
        let early: Date = "0999-12-31".parse().unwrap();
        assert_eq!(early.to_string(), "0999-12-31");
    }

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        assert_eq!(Date::parse(" 2022-05-01 \n"), Ok(d(2022, 5, 1)));
    }

    #[test]
    fn unpadded_slashed_or_otherwise_misshapen_dates_are_not_iso() {
        let bad = "2022-2-1|2022/02/01|20220201|22-02-01|2022-02-01T00:00|2022-02-0a|\
                   ２０２２-02-01||2022-02-1 |+022-02-01";
        for text in bad.split('|') {
            assert_eq!(Date::parse(text), Err(DateError::NotIsoFormat), "{text:?}");
        }
    }

    #[test]
    fn well_formed_but_nonexistent_dates_are_impossible() {
        for (year, month, day) in [(2022, 2, 30), (2022, 13, 1), (2022, 0, 10), (2022, 4, 31)] {
            let text = format!("{year:04}-{month:02}-{day:02}");
            let expected = DateError::ImpossibleDate { year, month, day };
            assert_eq!(Date::parse(&text), Err(expected));
        }
        assert!(Date::parse("2022-01-00").is_err());
    }

    #[test]
    fn february_29_exists_only_in_gregorian_leap_years() {
        // Divisible by 400, divisible by 4, a century not divisible by 400, not divisible by 4.
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2023, 2, 29).is_none());
    }

    #[test]
    fn ordering_is_chronological() {
        assert!(d(2021, 12, 31) < d(2022, 1, 1));
        assert!(d(2022, 1, 31) < d(2022, 2, 1));
        assert!(d(2022, 2, 1) < d(2022, 2, 2));
    }

    #[test]
    fn epoch_and_known_dates_have_known_day_counts() {
        assert_eq!(d(1970, 1, 1).days_since_epoch(), 0);
        assert_eq!(d(1970, 1, 2).days_since_epoch(), 1);
        assert_eq!(d(1969, 12, 31).days_since_epoch(), -1);
        assert_eq!(d(2000, 3, 1).days_since_epoch(), 11_017);
        assert_eq!(d(2024, 1, 1).days_since_epoch(), 19_723);
        assert_eq!(d(1900, 1, 1).days_since_epoch(), -25_567);
        assert_eq!(Date::from_days_since_epoch(19_723), d(2024, 1, 1));
    }

    /// An independent, obviously-correct successor used to check the arithmetic.
    fn next_day_by_counting(date: Date) -> Date {
        Date::new(date.year, date.month, date.day + 1)
            .or_else(|| Date::new(date.year, date.month + 1, 1))
            .unwrap_or(d(date.year + 1, 1, 1))
    }

    #[test]
    fn day_counts_match_counting_day_by_day_across_four_centuries() {
        let mut expected = d(1800, 1, 1);
        let start = expected.days_since_epoch();
        for n in start..start + DAYS_PER_400_YEARS + 800 {
            let date = Date::from_days_since_epoch(n);
            assert_eq!(date, expected, "day {n}");
            assert_eq!(date.days_since_epoch(), n);
            expected = next_day_by_counting(expected);
        }
    }

    #[test]
    fn day_counts_round_trip_for_distant_and_negative_years() {
        let extremes = [d(i32::MIN, 1, 1), d(i32::MAX, 12, 31)];
        for date in [d(1, 1, 1), d(0, 2, 29), d(-1, 12, 31)]
            .into_iter()
            .chain(extremes)
        {
            assert_eq!(Date::from_days_since_epoch(date.days_since_epoch()), date);
        }
    }

    #[test]
    #[should_panic(expected = "outside the representable calendar")]
    fn day_counts_beyond_an_i32_year_panic_instead_of_wrapping() {
        Date::from_days_since_epoch(i64::MAX);
    }

    #[test]
    fn adding_days_crosses_months_years_and_leap_days() {
        assert_eq!(d(2024, 2, 28).add_days(1), d(2024, 2, 29));
        assert_eq!(d(2023, 2, 28).add_days(1), d(2023, 3, 1));
        assert_eq!(d(2022, 12, 31).add_days(1), d(2023, 1, 1));
        assert_eq!(d(2023, 1, 1).add_days(-1), d(2022, 12, 31));
        assert_eq!(d(2022, 5, 1).add_days(365), d(2023, 5, 1));
        assert_eq!(d(2022, 5, 1).add_days(0), d(2022, 5, 1));
    }

    #[test]
    fn unix_milliseconds_give_the_utc_day_rounding_down() {
        assert_eq!(Date::from_unix_ms(0), d(1970, 1, 1));
        assert_eq!(Date::from_unix_ms(MS_PER_DAY - 1), d(1970, 1, 1));
        assert_eq!(Date::from_unix_ms(-1), d(1969, 12, 31));
        assert_eq!(Date::from_unix_ms(1_651_406_400_000), d(2022, 5, 1)); // 12:00 UTC
        // Even extreme timestamps land on a representable year rather than panicking.
        assert!(Date::from_unix_ms(i64::MAX).year() > 200_000_000);
        assert!(Date::from_unix_ms(i64::MIN).year() < -200_000_000);
    }

    #[test]
    fn check_date_returns_the_date_and_reports_nothing_when_valid() {
        let mut errors = Vec::new();
        let date = check_date(&mut errors, "birth_date", "出生日期", "2022-05-01");
        assert_eq!((date, errors), (Some(d(2022, 5, 1)), vec![]));
    }

    #[test]
    fn check_date_explains_the_expected_format_in_chinese() {
        let mut errors = Vec::new();
        assert_eq!(
            check_date(&mut errors, "birth_date", "出生日期", "2022/5/1"),
            None
        );
        assert_eq!(errors[0].field, "birth_date");
        assert_eq!(
            errors[0].message_zh,
            "出生日期格式应为 年-月-日，如 2022-05-01"
        );
    }

    #[test]
    fn check_date_names_the_impossible_date() {
        let mut errors = Vec::new();
        check_date(&mut errors, "visit_date", "走访日期", "2022-02-30");
        assert_eq!(errors[0].message_zh, "走访日期是不存在的日期：2022-02-30");
        assert!(errors[0].message_en.contains("2022-02-30"));
    }

    #[test]
    fn check_date_reports_blank_as_missing() {
        let mut errors = Vec::new();
        check_date(&mut errors, "visit_date", "走访日期", "  ");
        assert_eq!(errors, vec![FieldError::required("visit_date", "走访日期")]);
    }

    #[test]
    fn optional_date_may_be_absent_or_blank_but_not_wrong() {
        let mut errors = Vec::new();
        for blank in [None, Some(""), Some(" ")] {
            assert_eq!(check_optional_date(&mut errors, "f", "日期", blank), None);
        }
        assert!(errors.is_empty());
        let leap_day = check_optional_date(&mut errors, "f", "日期", Some("2024-02-29"));
        assert_eq!(leap_day, Some(d(2024, 2, 29)));
        check_optional_date(&mut errors, "f", "日期", Some("2023-02-29"));
        assert_eq!(errors.len(), 1);
    }
    #[test]
    fn weekdays_count_from_monday() {
        assert_eq!(d(1970, 1, 1).iso_weekday(), 4);
        assert_eq!(d(2022, 10, 17).iso_weekday(), 1);
        assert_eq!(d(2022, 10, 23).iso_weekday(), 7);
        assert_eq!(d(1969, 12, 28).iso_weekday(), 7);
    }

    #[test]
    fn iso_weeks_belong_to_the_year_of_their_thursday() {
        assert_eq!(d(2021, 1, 3).iso_week(), (2020, 53));
        assert_eq!(d(2021, 1, 4).iso_week(), (2021, 1));
        assert_eq!(d(2022, 1, 2).iso_week(), (2021, 52));
        assert_eq!(d(2022, 1, 3).iso_week(), (2022, 1));
        assert_eq!(d(2024, 12, 29).iso_week(), (2024, 52));
        assert_eq!(d(2024, 12, 30).iso_week(), (2025, 1));
        assert_eq!(d(2026, 1, 1).iso_week(), (2026, 1));
        assert_eq!(d(2026, 12, 31).iso_week(), (2026, 53));
        assert_eq!(d(2022, 6, 15).iso_week(), (2022, 24));
    }

    #[test]
    fn iso_weeks_run_monday_to_sunday_without_gaps_across_years() {
        let mut previous = d(1999, 12, 27).iso_week();
        for n in 1..(366 * 30) {
            let date = d(1999, 12, 27).add_days(n);
            let week = date.iso_week();
            if date.iso_weekday() == 1 {
                let next = if week.0 == previous.0 {
                    (previous.0, previous.1 + 1)
                } else {
                    (previous.0 + 1, 1)
                };
                assert_eq!(week, next, "{date}");
                assert!(week.1 <= 53, "{date}");
            } else {
                assert_eq!(week, previous, "{date}");
            }
            previous = week;
        }
    }

    #[test]
    fn a_past_date_may_be_today_but_not_tomorrow() {
        let today = d(2022, 12, 31);
        let mut errors = Vec::new();
        let date = check_past_date(&mut errors, "signed_on", "签订日期", "2022-12-31", today);
        assert_eq!((date, errors.len()), (Some(today), 0));
        let date = check_past_date(&mut errors, "signed_on", "签订日期", "2023-01-01", today);
        assert_eq!(date, Some(d(2023, 1, 1)));
        assert_eq!(errors[0].message_zh, "签订日期不能晚于今天");
        assert_eq!(
            check_optional_past_date(&mut errors, "f", "日期", Some(" "), today),
            None
        );
        assert_eq!(errors.len(), 1);
    }
}
