//! Times of day as workers write them on a patrol log: `HH:MM`, 24-hour, zero-padded.
//!
//! One spelling for the same reason dates have one (`super::date`): times sort as text and read
//! the same on every device. `8:30`, `08:30:00` or `8点半` are refused rather than guessed at.

use super::FieldError;

/// Minutes after midnight of an `HH:MM` time, 00:00–23:59, after trimming whitespace.
pub fn parse_time_of_day(value: &str) -> Option<u16> {
    let b = value.trim().as_bytes();
    let shape_ok =
        b.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit());
    if !shape_ok {
        return None;
    }
    let two = |i: usize| u16::from(b[i] - b'0') * 10 + u16::from(b[i + 1] - b'0');
    let (hours, minutes) = (two(0), two(3));
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}

/// Checks an optional time field: absent or blank is fine, anything written must be `HH:MM`.
/// Returns the minutes after midnight.
pub fn check_optional_time(
    errors: &mut Vec<FieldError>,
    field: &str,
    label_zh: &str,
    value: Option<&str>,
) -> Option<u16> {
    let value = value.filter(|v| !v.trim().is_empty())?;
    let minutes = parse_time_of_day(value);
    if minutes.is_none() {
        errors.push(FieldError::new(
            field,
            &format!("{label_zh}格式应为 时:分（24小时制），如 08:30"),
            &crate::en!("{field} must be written as HH:MM (24-hour), e.g. 08:30"),
        ));
    }
    minutes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_padded_24_hour_time_is_minutes_after_midnight() {
        assert_eq!(parse_time_of_day("00:00"), Some(0));
        assert_eq!(parse_time_of_day(" 08:30 "), Some(510));
        assert_eq!(parse_time_of_day("23:59"), Some(1439));
    }

    #[test]
    fn other_spellings_and_impossible_times_are_refused() {
        for text in [
            "8:30", "08:30:00", "0830", "24:00", "12:60", "08：30", "ab:cd", "",
        ] {
            assert_eq!(parse_time_of_day(text), None, "{text:?}");
        }
    }

    #[test]
    fn an_optional_time_may_be_blank_but_not_misspelt() {
        let mut errors = Vec::new();
        assert_eq!(check_optional_time(&mut errors, "t", "时间", None), None);
        assert_eq!(
            check_optional_time(&mut errors, "t", "时间", Some(" ")),
            None
        );
        assert!(errors.is_empty());
        check_optional_time(&mut errors, "start_time", "开始时间", Some("8点"));
        assert_eq!(errors[0].field, "start_time");
    }
}
