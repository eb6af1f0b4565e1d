//! What the township's other work adds (issue 16): screening rounds held in the period, by
//! kind, and the zero reports among them; patrols, by team, and the incidents they dealt with;
//! responsibility letters signed in it, by kind; publicity activities and what they handed
//! out, wrote and put up; contingency plans drawn up; and each village's standardisation —
//! whether the latest check of the period found it up to standard or told it to rectify.

use std::collections::BTreeMap;

use super::trace::{Sink, brief};
use super::{Figure, Records, Scope};
use crate::records::patrol::Patrol;
use crate::records::standardisation_check::StandardisationCheck;
use crate::records::vocabulary::CheckResult;
use crate::validation::Date;

pub(super) fn count(records: Records<'_>, scope: Scope<'_>, sink: &mut impl Sink) {
    let period = scope.period;
    for round in records
        .screening_rounds
        .iter()
        .filter(|r| scope.holds(&r.village))
    {
        let Some(on) = period.day_within(&round.held_on) else {
            continue;
        };
        let what = || {
            let found = if round.zero_report {
                "零报告".to_owned()
            } else {
                format!("发现{}项", round.findings.len())
            };
            format!("{}：{found}", round.kind.label_zh())
        };
        let mut add = |figure| sink.add(figure, 1, &round.village, on, what);
        add(Figure::ScreeningRounds);
        add(Figure::ScreeningRoundsOfKind(round.kind));
        if round.zero_report {
            add(Figure::ScreeningZeroReports);
        }
    }
    for patrol in records.patrols.iter().filter(|p| scope.holds(&p.village)) {
        let Some(on) = period.day_within(&patrol.patrolled_on) else {
            continue;
        };
        let what = || patrolled(patrol);
        let mut add = |figure, adds| sink.add(figure, adds, &patrol.village, on, what);
        add(Figure::Patrols, 1);
        add(Figure::PatrolsBy(patrol.team), 1);
        if patrol.incidents > 0 {
            add(Figure::PatrolIncidents, patrol.incidents as usize);
        }
    }
    for letter in records
        .responsibility_letters
        .iter()
        .filter(|l| scope.holds(&l.village))
    {
        let Some(on) = period.day_within(&letter.signed_on) else {
            continue;
        };
        let what = || {
            let name = letter.title.as_deref().unwrap_or(letter.kind.label_zh());
            format!("{}：{}", brief(name), brief(&letter.signer))
        };
        sink.add(Figure::LettersSigned, 1, &letter.village, on, what);
        sink.add(
            Figure::LettersOfKind(letter.kind),
            1,
            &letter.village,
            on,
            what,
        );
    }
    for activity in records
        .publicity_activities
        .iter()
        .filter(|a| scope.holds(&a.village))
    {
        let Some(on) = period.day_within(&activity.held_on) else {
            continue;
        };
        let what = || {
            let means: Vec<&str> = activity.kinds.iter().map(|k| k.label_zh()).collect();
            format!("{}（{}）", brief(&activity.theme), means.join("、"))
        };
        let mut add = |figure, adds: u32| {
            if adds > 0 {
                sink.add(figure, adds as usize, &activity.village, on, what);
            }
        };
        add(Figure::PublicityActivities, 1);
        add(
            Figure::PublicityMaterialsHandedOut,
            activity.materials_handed_out,
        );
        add(Figure::PublicitySlogansWritten, activity.slogans_written);
        add(Figure::PublicityColumnsRun, activity.columns_run);
    }
    for plan in records
        .contingency_plans
        .iter()
        .filter(|p| scope.holds(&p.village))
    {
        if let Some(on) = period.day_within(&plan.drawn_up_on) {
            let what = || format!("应急预案：{}", brief(&plan.title));
            sink.add(Figure::ContingencyPlans, 1, &plan.village, on, what);
        }
    }
    standardisation(records.standardisation_checks, scope, sink);
}

/// Each village once, by its latest check of the period: a village told to rectify in the
/// spring and found up to standard in the autumn met the standard this year. Of two checks on
/// one day, the one entered later stands.
fn standardisation(checks: &[StandardisationCheck], scope: Scope<'_>, sink: &mut impl Sink) {
    let mut latest: BTreeMap<&str, (Date, &StandardisationCheck)> = BTreeMap::new();
    for check in checks.iter().filter(|c| scope.holds(&c.village)) {
        let Some(on) = scope.period.day_within(&check.checked_on) else {
            continue;
        };
        let later = |(seen, earlier): &(Date, &StandardisationCheck)| {
            (on, check.created_at_ms) >= (*seen, earlier.created_at_ms)
        };
        if latest.get(check.village.as_str()).is_none_or(later) {
            latest.insert(&check.village, (on, check));
        }
    }
    for (village, (on, check)) in latest {
        let figure = match check.result {
            CheckResult::Passed => Figure::VillagesMeetingStandard,
            CheckResult::Rectify => Figure::VillagesToRectify,
        };
        sink.add(figure, 1, village, on, || checked(check));
    }
}

/// `群众义务巡防队：3组至5组`.
pub(super) fn patrolled(patrol: &Patrol) -> String {
    format!("{}：{}", patrol.team.label_zh(), brief(&patrol.area))
}

/// `综治规范化建设检查：达标`, or the date a village must rectify by.
fn checked(check: &StandardisationCheck) -> String {
    match check.result {
        CheckResult::Passed => "综治规范化建设检查：达标".to_owned(),
        CheckResult::Rectify => {
            let by = check.rectify_by.as_deref().unwrap_or("未定");
            format!("综治规范化建设检查：限期整改（{by}前）")
        }
    }
}
