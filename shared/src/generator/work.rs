//! The rest of one village's year (issue 16): its weekly screening rounds — a zero report most
//! weeks, the disputes the screening found in the others, and a few weeks nobody reported —
//! the patrols of both teams, its ten-household joint-defence groups (from the groups its
//! households name), the key persons paired with a cadre and visited, the letters it signed
//! with the township, its publicity, the township's standardisation check, and a contingency
//! plan for each land-acquisition dispute.

use super::residents::Folk;
use super::rng::Rng;
use super::{Scene, between, china_ms};
use crate::document::DocumentId;
use crate::records::Authorship;
use crate::records::contingency_plan::ContingencyPlan;
use crate::records::dispute::Dispute;
use crate::records::household::Household;
use crate::records::joint_defence_group::JointDefenceGroup;
use crate::records::key_person::{KeyPerson, KeyPersonVisit};
use crate::records::patrol::Patrol;
use crate::records::publicity_activity::PublicityActivity;
use crate::records::responsibility_letter::ResponsibilityLetter;
use crate::records::screening_round::{Finding, ScreeningRound};
use crate::records::standardisation_check::StandardisationCheck;
use crate::records::vocabulary::{
    CheckResult, DisputeCategory, DisputeSource, FindingKind, JointDefenceKind, KeyPersonCategory,
    LetterKind, PatrolTeam, PublicityKind, ScreeningKind,
};
use crate::validation::Date;

/// The village's year of the township's other work.
#[derive(Default)]
pub(super) struct Work {
    pub screening_rounds: Vec<(DocumentId, ScreeningRound)>,
    pub patrols: Vec<(DocumentId, Patrol)>,
    pub joint_defence_groups: Vec<(DocumentId, JointDefenceGroup)>,
    pub key_persons: Vec<(DocumentId, KeyPerson)>,
    pub responsibility_letters: Vec<(DocumentId, ResponsibilityLetter)>,
    pub publicity_activities: Vec<(DocumentId, PublicityActivity)>,
    pub standardisation_checks: Vec<(DocumentId, StandardisationCheck)>,
    pub contingency_plans: Vec<(DocumentId, ContingencyPlan)>,
}

/// One village's year; `households` and `disputes` are the village's own.
pub(super) fn village_work(
    scene: &Scene<'_>,
    rng: &mut Rng,
    folk: &Folk,
    households: &[(DocumentId, Household)],
    disputes: &[(DocumentId, Dispute)],
) -> Work {
    let mut work = Work::default();
    screening(scene, rng, folk, disputes, &mut work);
    patrols(scene, rng, folk, &mut work);
    joint_defence(scene, rng, households, &mut work);
    key_persons(scene, rng, folk, &mut work);
    letters_publicity_and_check(scene, rng, &mut work);
    for (id, dispute) in disputes {
        if dispute.category == DisputeCategory::LandAcquisition {
            let on = Date::parse(&dispute.registered_on).unwrap_or(scene.today);
            let mut plan = ContingencyPlan::new(
                &office(scene, rng, on),
                id.as_str(),
                &format!("{}征迁矛盾应急预案", scene.village.name),
                &on.to_string(),
                &scene.town.leader_title(1),
            );
            plan.measures = "落实包案领导和稳控责任人，发现聚集苗头立即报告，综治办、派出所、司法所人员随时待命，做好政策解释和疏导。".into();
            plan.standby = people(scene, folk, 3);
            work.contingency_plans.push((rng.document_id(), plan));
        }
    }
    work
}

/// Up to `n` of the village's cadres; a township leader where it has none yet.
fn people(scene: &Scene<'_>, folk: &Folk, n: usize) -> Vec<String> {
    if folk.cadres.is_empty() {
        vec![scene.town.leader_title(scene.index)]
    } else {
        folk.cadres.iter().take(n).cloned().collect()
    }
}

/// An entry the township office made about this village on `day`.
fn office(scene: &Scene<'_>, rng: &mut Rng, day: Date) -> Authorship {
    Authorship {
        village: scene.village.id.clone(),
        created_by: "reviewer".into(),
        created_at_ms: china_ms(rng, day, 9, 17),
    }
}

fn screening(
    scene: &Scene<'_>,
    rng: &mut Rng,
    folk: &Folk,
    disputes: &[(DocumentId, Dispute)],
    work: &mut Work,
) {
    let first = scene.first_day();
    // Each week's Monday, from the week holding 1 January.
    let mut monday = first.add_days(1 - i64::from(first.iso_weekday()));
    while monday <= scene.today {
        let friday = monday.add_days(4);
        let week = monday.iso_week();
        let found: Vec<Finding> = disputes
            .iter()
            .filter(|(_, d)| {
                d.source == DisputeSource::Screening
                    && Date::parse(&d.registered_on).is_ok_and(|on| on.iso_week() == week)
            })
            .map(|(id, d)| Finding {
                summary: d.summary.clone(),
                kind: FindingKind::Dispute,
                dispute_id: Some(id.to_string()),
            })
            .collect();
        let (from, to) = (monday.max(first), friday.min(scene.today));
        // A week whose working days fell last year is last year's; about one week in
        // twenty-five goes unreported when nothing was found.
        if from > to || (found.is_empty() && rng.percent(4)) {
            monday = monday.add_days(7);
            continue;
        }
        let held_on = between(rng, from, to);
        let mut round = ScreeningRound::new(
            &scene.author(rng, held_on),
            ScreeningKind::VillageWeekly,
            &held_on.to_string(),
        );
        round.screeners = people(scene, folk, 2);
        round.zero_report = found.is_empty();
        round.findings = found;
        work.screening_rounds.push((rng.document_id(), round));
        monday = monday.add_days(7);
    }
}

fn patrols(scene: &Scene<'_>, rng: &mut Rng, folk: &Folk, work: &mut Work) {
    let groups = &scene.village.groups;
    for month in 1..=12u8 {
        for team in [PatrolTeam::Volunteer, PatrolTeam::FullTime] {
            let Some(start) = Date::new(scene.year, month, 1) else {
                continue;
            };
            if start > scene.today {
                continue;
            }
            let day = between(rng, start, start.add_days(27).min(scene.today));
            let from = rng.pick_ref(groups);
            let to = rng.pick_ref(groups);
            let area = if from == to {
                from.clone()
            } else {
                format!("{from}至{to}")
            };
            let mut patrol = Patrol::new(&scene.author(rng, day), &day.to_string(), team, &area);
            patrol.members = if folk.adults.is_empty() {
                people(scene, folk, 2)
            } else {
                (0..3)
                    .map(|_| rng.pick_ref(&folk.adults).name.clone())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect()
            };
            patrol.start_time = Some("19:30".into());
            patrol.end_time = Some("22:00".into());
            if rng.percent(12) {
                patrol.findings = Some("发现一处路灯损坏、一户院门未锁，已告知村委会和户主".into());
                patrol.incidents = 1;
            }
            work.patrols.push((rng.document_id(), patrol));
        }
    }
}

/// One record per 联防组 the households name (`Household::joint_defence_group`), led by its
/// first household's security contact.
fn joint_defence(
    scene: &Scene<'_>,
    rng: &mut Rng,
    households: &[(DocumentId, Household)],
    work: &mut Work,
) {
    let names: std::collections::BTreeSet<&str> = households
        .iter()
        .filter_map(|(_, h)| h.joint_defence_group.as_deref())
        .collect();
    for name in names {
        let members: Vec<&(DocumentId, Household)> = households
            .iter()
            .filter(|(_, h)| h.joint_defence_group.as_deref() == Some(name))
            .collect();
        if members.len() < 2 {
            continue;
        }
        let lead = &members[0].1;
        let (leader, phone) = match &lead.security_contact {
            Some(c) => (c.name.clone(), Some(c.phone.clone())),
            None => (lead.head_of_household.clone(), None),
        };
        let formed = between(rng, scene.first_day(), scene.first_day().add_days(80));
        let mut group = JointDefenceGroup::new(
            &scene.author(rng, formed),
            name,
            JointDefenceKind::TenHousehold,
            &lead.group,
            &leader,
        );
        group.leader_phone = phone;
        group.household_ids = members.iter().map(|(id, _)| id.to_string()).collect();
        group.formed_on = Some(formed.to_string());
        work.joint_defence_groups.push((rng.document_id(), group));
    }
}

fn key_persons(scene: &Scene<'_>, rng: &mut Rng, folk: &Folk, work: &mut Work) {
    const SITUATIONS: &[&str] = &[
        "情绪稳定，在家务农",
        "在园区企业务工，按时报到",
        "反映征迁补偿问题，已解释政策",
        "家属照看，按时服药",
        "外出探亲，已电话联系",
    ];
    let categories = [
        KeyPersonCategory::Petitioner,
        KeyPersonCategory::Released,
        KeyPersonCategory::CommunityCorrection,
        KeyPersonCategory::MentalIllness,
    ];
    // A village with no registered households has nobody to pair yet.
    for n in 0..2.min(folk.adults.len()) {
        let who = rng.pick_ref(&folk.adults);
        let paired = between(rng, scene.first_day(), scene.first_day().add_days(60));
        let cadre = folk
            .cadres
            .get(n)
            .cloned()
            .unwrap_or_else(|| scene.town.leader_title(n));
        let mut person = KeyPerson::new(
            &scene.author(rng, paired),
            &who.name,
            rng.pick(&categories),
            &cadre,
            &paired.to_string(),
        );
        person.address = who.address.clone();
        let mut day = paired.add_days(rng.int(20, 40));
        while day <= scene.today {
            person.visits.push(KeyPersonVisit {
                visited_on: day.to_string(),
                by: cadre.clone(),
                situation: rng.pick(SITUATIONS).to_owned(),
                concern: rng.percent(10),
            });
            day = day.add_days(rng.int(50, 80));
        }
        work.key_persons.push((rng.document_id(), person));
    }
}

fn letters_publicity_and_check(scene: &Scene<'_>, rng: &mut Rng, work: &mut Work) {
    let year = u32::try_from(scene.year).unwrap_or_default();
    let signer = format!(
        "{}村（居）民委员会",
        scene.village.name.trim_end_matches(['村', '居'])
    );
    for (kind, month) in [(LetterKind::Annual, 2), (LetterKind::DragonBoat, 5)] {
        let Some(first) = Date::new(scene.year, month, 1) else {
            continue;
        };
        let day = between(rng, first, first.add_days(20));
        let letter = ResponsibilityLetter::new(
            &office(scene, rng, day),
            kind,
            year,
            "镇社会治安综合治理委员会",
            &signer,
            &day.to_string(),
        );
        work.responsibility_letters
            .push((rng.document_id(), letter));
    }
    const THEMES: &[(&str, &[PublicityKind])] = &[
        (
            "平安建设宣传月",
            &[PublicityKind::Vehicle, PublicityKind::Leaflet],
        ),
        ("禁毒宣传", &[PublicityKind::Board, PublicityKind::Leaflet]),
        (
            "法制宣传",
            &[PublicityKind::Broadcast, PublicityKind::Meeting],
        ),
        (
            "防诈骗知识",
            &[PublicityKind::Leaflet, PublicityKind::Board],
        ),
        ("信访条例宣传", &[PublicityKind::Meeting]),
        (
            "反邪教警示教育",
            &[PublicityKind::Board, PublicityKind::Broadcast],
        ),
    ];
    for (theme, kinds) in THEMES {
        let day = scene.any_day(rng);
        let mut activity = PublicityActivity::new(&scene.author(rng, day), &day.to_string(), theme);
        activity.kinds = kinds.to_vec();
        activity.materials_handed_out = u32::try_from(rng.int(100, 600)).unwrap_or_default();
        activity.slogans_written = u32::try_from(rng.int(0, 8)).unwrap_or_default();
        activity.columns_run = u32::from(kinds.contains(&PublicityKind::Board));
        activity.place = Some("村委会广场".into());
        work.publicity_activities
            .push((rng.document_id(), activity));
    }
    let Some(november) = Date::new(scene.year, 11, 10) else {
        return;
    };
    let day = between(rng, november, november.add_days(10));
    let mut check =
        StandardisationCheck::new(&office(scene, rng, day), &day.to_string(), year, "镇综治办");
    // One village in six falls short on an item and is told to put it right by year's end.
    let short = rng.percent(17).then(|| rng.below(check.items.len()));
    for (i, item) in check.items.iter_mut().enumerate() {
        item.met = Some(i) != short;
    }
    if short.is_some() {
        check.result = CheckResult::Rectify;
        check.rectify_by = Some(day.add_days(30).to_string());
    } else {
        check.result = CheckResult::Passed;
    }
    work.standardisation_checks.push((rng.document_id(), check));
}
