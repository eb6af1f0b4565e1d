//! What 群防群治 and the key persons add: joint-defence groups formed by the period's end and
//! the households in them; the villages with a defence network — a group formed by the end or
//! a volunteer patrol in the period — each once, on its earliest such record; key persons
//! under watch at any time in the period, and the visits paid to them in it.

use std::collections::BTreeMap;

use super::period::china_date;
use super::trace::{Sink, brief};
use super::work::patrolled;
use super::{Figure, Records, Scope};
use crate::privacy::mask_name;
use crate::records::joint_defence_group::JointDefenceGroup;
use crate::records::key_person::KeyPerson;
use crate::records::patrol::Patrol;
use crate::records::vocabulary::PatrolTeam;
use crate::validation::Date;

pub(super) fn count(records: Records<'_>, scope: Scope<'_>, sink: &mut impl Sink) {
    let period = scope.period;
    // Each village's earliest record of a network.
    let mut networks: BTreeMap<&str, (Date, Network<'_>)> = BTreeMap::new();
    let mut network = |village, on, record| {
        if networks.get(village).is_none_or(|(seen, _)| on < *seen) {
            networks.insert(village, (on, record));
        }
    };
    for group in records
        .joint_defence_groups
        .iter()
        .filter(|g| scope.holds(&g.village))
    {
        let formed = formed_on(group);
        if formed > period.to {
            continue;
        }
        let (village, households) = (group.village.as_str(), group.household_ids.len());
        let what = || Network::Group(group).what();
        sink.add(Figure::JointDefenceGroups, 1, village, formed, what);
        sink.add(
            Figure::JointDefenceHouseholds,
            households,
            village,
            formed,
            what,
        );
        network(village, formed, Network::Group(group));
    }
    for patrol in records.patrols.iter().filter(|p| scope.holds(&p.village)) {
        if patrol.team == PatrolTeam::Volunteer
            && let Some(on) = period.day_within(&patrol.patrolled_on)
        {
            network(&patrol.village, on, Network::Patrol(patrol));
        }
    }
    for (village, (on, record)) in networks {
        sink.add(Figure::VillagesWithDefenceNetwork, 1, village, on, || {
            record.what()
        });
    }
    for person in records
        .key_persons
        .iter()
        .filter(|p| scope.holds(&p.village))
    {
        let name = || mask_name(&person.name);
        let village = person.village.as_str();
        if let Some(paired) = watched_during(person, scope) {
            let what = || {
                format!(
                    "重点人员：{}（结对干部：{}）",
                    name(),
                    brief(&person.responsible_cadre)
                )
            };
            sink.add(Figure::KeyPersonsUnderWatch, 1, village, paired, what);
        }
        for visit in &person.visits {
            if let Some(on) = period.day_within(&visit.visited_on) {
                let what = || format!("走访重点人员{}（{}）", name(), brief(&visit.by));
                sink.add(Figure::KeyPersonVisits, 1, village, on, what);
            }
        }
    }
}

/// The record that shows a village has its defence network.
#[derive(Clone, Copy)]
enum Network<'r> {
    Group(&'r JointDefenceGroup),
    Patrol(&'r Patrol),
}

impl Network<'_> {
    /// `十户联防：3组第2联防组（10户）`, or the patrol as the patrols list it.
    fn what(self) -> String {
        match self {
            Network::Group(g) => {
                let households = g.household_ids.len();
                format!(
                    "{}：{}（{households}户）",
                    g.kind.label_zh(),
                    brief(&g.name)
                )
            }
            Network::Patrol(p) => patrolled(p),
        }
    }
}

/// The group's `formed_on`, or the day its record was made when the form left that blank.
fn formed_on(group: &JointDefenceGroup) -> Date {
    group
        .formed_on
        .as_deref()
        .and_then(|d| Date::parse(d).ok())
        .unwrap_or_else(|| china_date(group.created_at_ms))
}

/// The day the pairing began, if the person was under watch on any day of the period: watch
/// runs from `paired_on` up to the day before `closed_on`, as a floating resident is present
/// up to the day before departure.
fn watched_during(person: &KeyPerson, scope: Scope<'_>) -> Option<Date> {
    let paired = Date::parse(&person.paired_on).ok()?;
    let closed = person
        .closed_on
        .as_deref()
        .and_then(|d| Date::parse(d).ok());
    let watched =
        paired <= scope.period.to && closed.is_none_or(|c| c > scope.period.from.max(paired));
    watched.then_some(paired)
}
