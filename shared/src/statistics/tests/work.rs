//! The township's other work (issue 16) counted as the report counts it.

use super::{by, year_2022};
use crate::records::joint_defence_group::JointDefenceGroup;
use crate::records::key_person::{KeyPerson, KeyPersonVisit};
use crate::records::outreach::OutreachVisit;
use crate::records::patrol::Patrol;
use crate::records::publicity_activity::PublicityActivity;
use crate::records::responsibility_letter::ResponsibilityLetter;
use crate::records::screening_round::{Finding, ScreeningRound};
use crate::records::standardisation_check::StandardisationCheck;
use crate::records::vocabulary::*;
use crate::statistics::{Figure, OutreachCampaign, Records, figures, trace};

fn round(village: &str, kind: ScreeningKind, on: &str, findings: usize) -> ScreeningRound {
    let mut r = ScreeningRound::new(&by(village), kind, on);
    r.zero_report = findings == 0;
    r.findings = (0..findings)
        .map(|_| Finding {
            summary: "宅基地争执".into(),
            kind: FindingKind::Dispute,
            dispute_id: None,
        })
        .collect();
    r
}

#[test]
fn rounds_held_in_the_period_are_counted_by_kind_with_their_zero_reports() {
    use ScreeningKind::*;
    let rounds = [
        round("xingfu", VillageWeekly, "2022-01-05", 0),
        round("xingfu", VillageWeekly, "2022-01-12", 2),
        round("heping", VillageWeekly, "2022-01-12", 0),
        round("xingfu", TownshipHalfMonthly, "2022-01-15", 1),
        round("xingfu", VillageWeekly, "2021-12-29", 0), // last year
    ];
    let records = Records {
        screening_rounds: &rounds,
        ..Records::default()
    };
    let f = figures(records, None, year_2022());
    assert_eq!((f.screening_rounds, f.screening_zero_reports), (4, 2));
    assert_eq!(f.screening_rounds_of(VillageWeekly), 3);
    assert_eq!(f.screening_rounds_of(TownshipHalfMonthly), 1);
    assert_eq!(f.screening_rounds_of(MonthlyMeeting), 0);
    let heping = figures(records, Some("heping"), year_2022());
    assert_eq!(
        (heping.screening_rounds, heping.screening_zero_reports),
        (1, 1)
    );
}

fn patrol(village: &str, on: &str, team: PatrolTeam, incidents: u32) -> Patrol {
    let mut p = Patrol::new(&by(village), on, team, "集镇街道");
    p.incidents = incidents;
    p
}

#[test]
fn patrols_are_counted_by_team_and_their_incidents_summed() {
    let patrols = [
        patrol("xingfu", "2022-03-01", PatrolTeam::FullTime, 2),
        patrol("xingfu", "2022-03-02", PatrolTeam::FullTime, 0),
        patrol("heping", "2022-03-02", PatrolTeam::Volunteer, 1),
        patrol("heping", "2023-01-01", PatrolTeam::Volunteer, 5), // next year
    ];
    let records = Records {
        patrols: &patrols,
        ..Records::default()
    };
    let f = figures(records, None, year_2022());
    assert_eq!((f.patrols, f.patrol_incidents), (3, 3));
    assert_eq!(f.patrols_by(PatrolTeam::FullTime), 2);
    assert_eq!(f.patrols_by(PatrolTeam::Volunteer), 1);
}

fn letter(kind: LetterKind, year: u32, signed_on: &str) -> ResponsibilityLetter {
    ResponsibilityLetter::new(&by("xingfu"), kind, year, "镇综治委", "幸福村", signed_on)
}

#[test]
fn letters_count_in_the_period_they_were_signed_whatever_year_they_are_for() {
    let letters = [
        letter(LetterKind::Annual, 2022, "2022-02-15"),
        letter(LetterKind::Annual, 2023, "2022-12-28"), // next year's, signed this December
        letter(LetterKind::Annual, 2022, "2021-12-28"), // this year's, signed last December
        letter(LetterKind::DragonBoat, 2022, "2022-05-20"),
    ];
    let records = Records {
        responsibility_letters: &letters,
        ..Records::default()
    };
    let f = figures(records, None, year_2022());
    assert_eq!(f.letters_signed, 3);
    assert_eq!(f.letters_of(LetterKind::Annual), 2);
    assert_eq!(f.letters_of(LetterKind::DragonBoat), 1);
    let rows = trace(
        records,
        None,
        year_2022(),
        Figure::LettersOfKind(LetterKind::DragonBoat),
    );
    assert_eq!(rows[0].what, "端午节划龙舟维稳责任状：幸福村");
}

#[test]
fn publicity_sums_what_its_activities_handed_out_wrote_and_put_up() {
    let activity = |on: &str, materials, slogans, columns| {
        let mut a = PublicityActivity::new(&by("xingfu"), on, "禁毒宣传");
        a.kinds = vec![PublicityKind::Leaflet, PublicityKind::Board];
        (a.materials_handed_out, a.slogans_written, a.columns_run) = (materials, slogans, columns);
        a
    };
    let activities = [
        activity("2022-06-26", 1_200, 10, 1),
        activity("2022-09-01", 300, 0, 0),
        activity("2021-06-26", 5_000, 50, 5), // last year
    ];
    let records = Records {
        publicity_activities: &activities,
        ..Records::default()
    };
    let f = figures(records, None, year_2022());
    assert_eq!(f.publicity_activities, 2);
    assert_eq!(f.publicity_materials_handed_out, 1_500);
    assert_eq!(
        (f.publicity_slogans_written, f.publicity_columns_run),
        (10, 1)
    );
    let rows = trace(
        records,
        None,
        year_2022(),
        Figure::PublicityMaterialsHandedOut,
    );
    let adds: Vec<usize> = rows.iter().map(|r| r.adds).collect();
    assert_eq!(adds, [1_200, 300]);
    assert_eq!(rows[0].what, "禁毒宣传（宣传单、宣传栏）");
}

fn check(village: &str, on: &str, passed: bool) -> StandardisationCheck {
    let mut c = StandardisationCheck::new(&by(village), on, 2022, "镇综治办");
    c.items.iter_mut().for_each(|i| i.met = passed);
    c.result = if passed {
        CheckResult::Passed
    } else {
        CheckResult::Rectify
    };
    c
}

#[test]
fn a_village_counts_once_by_its_latest_check_of_the_period() {
    let checks = [
        check("xingfu", "2022-04-01", false),
        check("xingfu", "2022-11-01", true), // rectified: up to standard
        check("heping", "2022-11-02", true),
        check("heping", "2022-11-20", false), // fell short at the last check
        check("hongxing", "2022-11-03", true),
        check("guangming", "2021-11-03", true), // checked last year only
    ];
    let records = Records {
        standardisation_checks: &checks,
        ..Records::default()
    };
    let f = figures(records, None, year_2022());
    assert_eq!((f.villages_meeting_standard, f.villages_to_rectify), (2, 1));
}

fn group(village: &str, formed_on: Option<&str>, households: usize) -> JointDefenceGroup {
    let kind = JointDefenceKind::TenHousehold;
    let mut g = JointDefenceGroup::new(&by(village), "3组第2联防组", kind, "3组", "陈大山");
    g.household_ids = (0..households).map(|i| format!("h{i}")).collect();
    g.formed_on = formed_on.map(str::to_owned);
    g
}

#[test]
fn a_village_has_a_defence_network_with_a_group_formed_by_the_end_or_a_volunteer_patrol() {
    let groups = [
        group("xingfu", Some("2021-03-01"), 10), // formed before: still counts
        group("xingfu", Some("2022-05-01"), 8),
        group("heping", Some("2023-02-01"), 9), // formed after the year
        group("hongxing", None, 4),             // no date: made at the epoch
    ];
    let patrols = [
        patrol("heping", "2022-07-01", PatrolTeam::FullTime, 0), // the township's team: no
        patrol("guangming", "2022-07-01", PatrolTeam::Volunteer, 0),
        patrol("guangming", "2022-08-01", PatrolTeam::Volunteer, 0),
    ];
    let records = Records {
        joint_defence_groups: &groups,
        patrols: &patrols,
        ..Records::default()
    };
    let f = figures(records, None, year_2022());
    assert_eq!(
        (f.joint_defence_groups, f.joint_defence_households),
        (3, 22)
    );
    assert_eq!(f.villages_with_defence_network, 3);
    assert_eq!(f.joint_defence_coverage_percent(4), Some(75.0));
    let rows = trace(
        records,
        None,
        year_2022(),
        Figure::VillagesWithDefenceNetwork,
    );
    let seen: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.village.as_str(), r.on.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("guangming", "2022-07-01"),
            ("hongxing", "1970-01-01"),
            ("xingfu", "2021-03-01")
        ]
    );
}

fn key_person(paired: &str, closed: Option<&str>, visits: &[&str]) -> KeyPerson {
    let category = KeyPersonCategory::Released;
    let mut p = KeyPerson::new(&by("xingfu"), "刘建国", category, "周书记", paired);
    p.citizen_id = Some("11010519491231002X".into());
    p.closed_on = closed.map(str::to_owned);
    p.visits = visits
        .iter()
        .map(|&on| KeyPersonVisit {
            visited_on: on.into(),
            by: "周书记".into(),
            situation: "表现稳定".into(),
            concern: false,
        })
        .collect();
    p
}

#[test]
fn a_key_person_counts_when_under_watch_on_any_day_of_the_period() {
    let persons = [
        key_person(
            "2020-05-01",
            None,
            &["2021-12-01", "2022-02-01", "2022-08-01"],
        ),
        key_person("2021-05-01", Some("2022-03-01"), &["2022-02-20"]), // watch ended in March
        key_person("2021-05-01", Some("2022-01-01"), &[]),             // ended as the year began
        key_person("2022-12-31", None, &[]),                           // paired on the last day
        key_person("2023-01-05", None, &[]),                           // paired next year
    ];
    let records = Records {
        key_persons: &persons,
        ..Records::default()
    };
    let f = figures(records, None, year_2022());
    assert_eq!((f.key_persons_under_watch, f.key_person_visits), (3, 3));
    let rows = trace(records, None, year_2022(), Figure::KeyPersonsUnderWatch);
    assert!(
        rows.iter()
            .all(|r| r.what == "重点人员：刘**（结对干部：周书记）"),
        "{rows:?}"
    );
}

#[test]
fn the_campaign_month_is_the_one_with_the_most_visits_and_counts_its_villages() {
    let visit = |village: &str, on: &str| OutreachVisit::new(&by(village), on);
    let visits = [
        visit("xingfu", "2022-03-02"),
        visit("xingfu", "2022-06-01"),
        visit("xingfu", "2022-06-02"),
        visit("heping", "2022-06-03"),
        visit("hongxing", "2022-06-30"),
        visit("heping", "2022-07-01"),
    ];
    let records = Records {
        outreach_visits: &visits,
        ..Records::default()
    };
    let campaign = figures(records, None, year_2022()).outreach_campaign();
    let expected = OutreachCampaign {
        month: "2022-06".into(),
        visits: 4,
        villages: 3,
    };
    assert_eq!(campaign, Some(expected));
    let xingfu = figures(records, Some("xingfu"), year_2022()).outreach_campaign();
    assert_eq!(
        xingfu.map(|c| (c.month, c.villages)),
        Some(("2022-06".into(), 1))
    );
    assert_eq!(
        figures(Records::default(), None, year_2022()).outreach_campaign(),
        None
    );
}
