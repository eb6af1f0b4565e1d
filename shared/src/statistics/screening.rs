//! The weekly screening report (周报): for one ISO week (Monday to Sunday), which villages held
//! their 村（居）周排查 and which have not. A village has reported when it sent a round — a
//! zero report (零报告) counts, it is the point of one — or registered a dispute the screening
//! found (source 排查发现): what a round finds is registered as what it is, and that record
//! is the report (decision 36). The office's 周报 page and the phone's reminder read the same
//! rule. Pure: rounds and disputes in, one line per village out.

use crate::validation::Date;

/// An ISO 8601 week: (year, week number), as [`Date::iso_week`] gives it.
pub type Week = (i32, u32);

/// The facts of one screening round the report needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held<'a> {
    pub village: &'a str,
    /// `YYYY-MM-DD`; a round whose date does not read is left out.
    pub held_on: &'a str,
    /// A 村（居）周排查 — the round each village owes each week. The township's own rounds
    /// (半月排查, 例会) do not stand in for it.
    pub weekly: bool,
    pub zero_report: bool,
    pub findings: usize,
}

/// A dispute registered from screening (source 排查发现).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found<'a> {
    pub village: &'a str,
    /// `YYYY-MM-DD`.
    pub registered_on: &'a str,
}

/// One village's week.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VillageWeek {
    pub village: String,
    pub rounds: usize,
    /// How many of the rounds found nothing.
    pub zero_reports: usize,
    /// The rounds' own findings.
    pub findings: usize,
    /// Disputes registered from screening this week.
    pub disputes: usize,
    /// The latest round's or dispute's date, if any.
    pub last_held_on: Option<String>,
}

impl VillageWeek {
    pub fn reported(&self) -> bool {
        self.rounds > 0 || self.disputes > 0
    }

    /// What screening found this week: the rounds' findings and the disputes registered.
    pub fn found(&self) -> usize {
        self.findings + self.disputes
    }

    fn saw(&mut self, on: &str) {
        if self.last_held_on.as_deref().is_none_or(|last| last < on) {
            self.last_held_on = Some(on.to_owned());
        }
    }
}

/// The week `date` falls in, with its Monday and Sunday.
pub fn week_of(date: Date) -> (Week, Date, Date) {
    let monday = date.add_days(1 - i64::from(date.iso_weekday()));
    (date.iso_week(), monday, monday.add_days(6))
}

/// Each of `villages`, in their order, with its weekly rounds held and its disputes found by
/// screening in `week`.
pub fn week_report<'a>(
    rounds: impl IntoIterator<Item = Held<'a>>,
    found: impl IntoIterator<Item = Found<'a>>,
    villages: &[String],
    week: Week,
) -> Vec<VillageWeek> {
    let mut report: Vec<VillageWeek> = villages
        .iter()
        .map(|village| VillageWeek {
            village: village.clone(),
            ..VillageWeek::default()
        })
        .collect();
    let in_week = |on: &str| Date::parse(on).is_ok_and(|d| d.iso_week() == week);
    for round in rounds {
        if !round.weekly || !in_week(round.held_on) {
            continue;
        }
        if let Some(line) = report.iter_mut().find(|l| l.village == round.village) {
            line.rounds += 1;
            line.zero_reports += usize::from(round.zero_report);
            line.findings += round.findings;
            line.saw(round.held_on);
        }
    }
    for dispute in found {
        if !in_week(dispute.registered_on) {
            continue;
        }
        if let Some(line) = report.iter_mut().find(|l| l.village == dispute.village) {
            line.disputes += 1;
            line.saw(dispute.registered_on);
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held<'a>(village: &'a str, held_on: &'a str, findings: usize) -> Held<'a> {
        Held {
            village,
            held_on,
            weekly: true,
            zero_report: findings == 0,
            findings,
        }
    }

    fn villages() -> Vec<String> {
        ["v01", "v02", "v03"].map(String::from).to_vec()
    }

    #[test]
    fn a_week_runs_monday_to_sunday() {
        let (week, monday, sunday) = week_of(Date::new(2022, 6, 15).unwrap());
        assert_eq!(week, (2022, 24));
        assert_eq!(monday, Date::new(2022, 6, 13).unwrap());
        assert_eq!(sunday, Date::new(2022, 6, 19).unwrap());
        // Across a new year: 2021-01-03 is the Sunday of 2020's 53rd week.
        let (week, monday, _) = week_of(Date::new(2021, 1, 3).unwrap());
        assert_eq!(week, (2020, 53));
        assert_eq!(monday, Date::new(2020, 12, 28).unwrap());
    }

    #[test]
    fn a_zero_report_counts_as_reported_and_a_silent_village_does_not() {
        let report = week_report(
            [held("v01", "2022-06-13", 0), held("v02", "2022-06-16", 2)],
            [],
            &villages(),
            (2022, 24),
        );
        assert!(report[0].reported());
        assert_eq!(report[0].zero_reports, 1);
        assert!(report[1].reported());
        assert_eq!(report[1].findings, 2);
        assert!(!report[2].reported(), "v03 held no round");
        assert_eq!(report[2].last_held_on, None);
    }

    #[test]
    fn only_the_villages_weekly_rounds_of_that_week_count() {
        let mut township_round = held("v01", "2022-06-14", 0);
        township_round.weekly = false;
        let report = week_report(
            [
                township_round,
                held("v02", "2022-06-12", 0), // the Sunday before
                held("v03", "2022-06-20", 0), // the Monday after
                held("v03", "not a date", 0),
                held("v99", "2022-06-14", 0), // not a village of the list
            ],
            [],
            &villages(),
            (2022, 24),
        );
        assert!(report.iter().all(|line| !line.reported()), "{report:?}");
    }

    #[test]
    fn a_dispute_registered_from_screening_reports_the_village_and_counts_as_found() {
        let report = week_report(
            [],
            [
                Found {
                    village: "v02",
                    registered_on: "2022-06-15",
                },
                Found {
                    village: "v03",
                    registered_on: "2022-06-20",
                }, // the next week
            ],
            &villages(),
            (2022, 24),
        );
        assert!(!report[0].reported());
        assert!(report[1].reported());
        assert_eq!((report[1].rounds, report[1].found()), (0, 1));
        assert_eq!(report[1].last_held_on.as_deref(), Some("2022-06-15"));
        assert!(!report[2].reported());
    }

    #[test]
    fn several_rounds_in_a_week_add_up_to_the_latest_date() {
        let report = week_report(
            [held("v01", "2022-06-17", 1), held("v01", "2022-06-13", 0)],
            [],
            &villages(),
            (2022, 24),
        );
        assert_eq!(report[0].rounds, 2);
        assert_eq!(report[0].findings, 1);
        assert_eq!(report[0].last_held_on.as_deref(), Some("2022-06-17"));
    }
}
