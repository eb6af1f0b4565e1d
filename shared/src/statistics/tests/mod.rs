//! The figures as a specification: each kind of record counted on a few hand-made records
//! (`breakdowns`, `work`), and every figure of the demo township traced back to its records
//! (`traceability`).

mod breakdowns;
mod traceability;
mod work;

use crate::records::Authorship;
use crate::statistics::Period;
use crate::validation::Date;

pub(super) fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

pub(super) fn year_2022() -> Period {
    Period {
        from: date("2022-01-01"),
        to: date("2022-12-31"),
    }
}

/// An entry of `village` made at the Unix epoch, long before any period counted.
pub(super) fn by(village: &str) -> Authorship {
    Authorship {
        village: village.into(),
        created_by: "worker".into(),
        created_at_ms: 0,
    }
}
