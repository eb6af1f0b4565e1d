//! The span a figure is counted over, and the calendar day a moment belongs to.

use crate::validation::Date;
use crate::validation::date::days_in_month;

/// Both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && day <= self.to
    }

    /// The day `text` names, if it reads as a date within the period.
    pub(super) fn day_within(&self, text: &str) -> Option<Date> {
        Date::parse(text).ok().filter(|&d| self.contains(d))
    }
}

impl Period {
    /// The calendar months the period touches, each cut to the period, labelled `2026-03`:
    /// the steps of a monthly trend.
    pub fn months(&self) -> Vec<(String, Period)> {
        let mut months = Vec::new();
        let mut start = self.from;
        while start <= self.to && months.len() < 1200 {
            let (year, month) = (start.year(), start.month());
            let last =
                Date::new(year, month, days_in_month(year, month).unwrap_or(28)).unwrap_or(start);
            let end = last.min(self.to);
            months.push((
                format!("{year}-{month:02}"),
                Period {
                    from: start,
                    to: end,
                },
            ));
            start = last.add_days(1);
        }
        months
    }
}

/// The calendar date in China (UTC+8, no daylight saving) at `unix_ms`: record times are device
/// clock readings, and a day's work belongs to the local day it was done.
pub fn china_date(unix_ms: i64) -> Date {
    const CHINA_OFFSET_MS: i64 = 8 * 60 * 60 * 1000;
    Date::from_unix_ms(unix_ms + CHINA_OFFSET_MS)
}
