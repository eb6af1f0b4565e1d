//! One village's disputes, each played through the lifecycle, and the leaders' outreach visits.

use super::residents::{Folk, Resident};
use super::rng::Rng;
use super::{Scene, china_ms, full_name, names};
use crate::document::DocumentId;
use crate::records::Authorship;
use crate::records::dispute::lifecycle::{self, DisputeEvent};
use crate::records::dispute::{Agreement, Closure, Dispute, MediationSession, Party};
use crate::records::outreach::{OutreachVisit, RaisedProblem};
use crate::records::vocabulary::{
    AgreementKind, DisputeCategory, DisputeLevel, DisputeSource, MediationResult, ProblemOutcome,
    Resolution, Sex,
};
use crate::validation::Date;

pub(super) fn disputes(
    scene: &Scene<'_>,
    rng: &mut Rng,
    folk: &Folk,
    count: usize,
) -> Vec<(DocumentId, Dispute)> {
    (0..count)
        .map(|_| {
            let dispute = dispute(scene, rng, folk);
            (rng.document_id(), dispute)
        })
        .collect()
}

fn dispute(scene: &Scene<'_>, rng: &mut Rng, folk: &Folk) -> Dispute {
    use DisputeCategory::*;
    let registered = scene.any_day(rng);
    let category = rng.weighted(&[
        (Neighbour, 22),
        (Family, 15),
        (Land, 14),
        (LandAcquisition, 20),
        (Labour, 15),
        (Contract, 6),
        (Accident, 5),
        (Other, 3),
    ]);
    // 信访积案 come back as petitions or are handed down by the district's petition bureau.
    let backlog = rng.percent(10);
    let source = if backlog {
        rng.weighted(&[(DisputeSource::Petition, 8), (DisputeSource::Assigned, 2)])
    } else {
        rng.weighted(&[
            (DisputeSource::Screening, 40),
            (DisputeSource::WalkIn, 25),
            (DisputeSource::Outreach, 12),
            (DisputeSource::Petition, 13),
            (DisputeSource::Assigned, 10),
        ])
    };
    let (parties, summary) = parties_and_summary(scene, rng, folk, category);
    let by = scene.author(rng, registered);
    let mut dispute = Dispute::new(&by, &registered.to_string(), category, source, &summary);
    dispute.parties = parties;
    dispute.petition_backlog = backlog;
    // "小纠纷不出组、大纠纷不出村、重大疑难纠纷不出镇": how far up this one will have to go.
    let target = if backlog {
        rng.weighted(&[(DisputeLevel::Township, 1), (DisputeLevel::Above, 1)])
    } else if category == LandAcquisition {
        rng.weighted(&[
            (DisputeLevel::Group, 15),
            (DisputeLevel::Village, 35),
            (DisputeLevel::Township, 35),
            (DisputeLevel::Above, 15),
        ])
    } else {
        rng.weighted(&[
            (DisputeLevel::Group, 60),
            (DisputeLevel::Village, 27),
            (DisputeLevel::Township, 10),
            (DisputeLevel::Above, 3),
        ])
    };
    // 领导包案: serious cases get a named leader and a deadline.
    let serious = target >= DisputeLevel::Township || backlog || category == LandAcquisition;
    if (serious && rng.percent(80)) || rng.percent(8) {
        let leader = rng.below(scene.town.leaders.len());
        dispute.responsible_leader = Some(scene.town.leader_title(leader));
    }
    if dispute.responsible_leader.is_some() || rng.percent(40) {
        let days = rng.weighted(&[(15, 3), (30, 4), (60, 2), (90, 1)]);
        dispute.deadline = Some(registered.add_days(days).to_string());
    }
    let mut story = Story {
        scene,
        rng,
        folk,
        dispute,
        registered,
        day: registered,
        group_head: None,
    };
    story.play(target);
    story.dispute
}

fn parties_and_summary(
    scene: &Scene<'_>,
    rng: &mut Rng,
    folk: &Folk,
    category: DisputeCategory,
) -> (Vec<Party>, String) {
    let template = rng.pick(names::dispute_summaries(category));
    let mut parties = Vec::new();
    let mut employer = None;
    if category == DisputeCategory::Labour && !folk.employed.is_empty() {
        let (worker, company) = &folk.employed[rng.below(folk.employed.len())];
        parties.push(party(rng, worker));
        let coworkers: Vec<&Resident> = folk
            .employed
            .iter()
            .filter(|(other, at)| at == company && other.id != worker.id)
            .map(|(other, _)| other)
            .collect();
        if !coworkers.is_empty() && rng.percent(50) {
            let coworker = rng.pick(&coworkers);
            parties.push(party(rng, coworker));
        }
        employer = Some(company.clone());
    } else {
        // Two when the summary names two; room for the employer when it names one.
        let wanted = if template.contains("{b}") {
            2
        } else if template.contains("{c}") {
            rng.int(1, 2) as usize
        } else {
            rng.int(1, 3) as usize
        };
        if folk.adults.is_empty() {
            for _ in 0..wanted {
                let surname = rng.pick_common(names::SURNAMES);
                let name = full_name(rng, surname, Sex::Male, scene.year - 45);
                if parties.iter().all(|p: &Party| p.name != name) {
                    let (person_id, phone) = (None, None);
                    parties.push(Party {
                        name,
                        person_id,
                        phone,
                    });
                }
            }
        } else {
            for resident in involved(rng, folk, category, wanted) {
                parties.push(party(rng, resident));
            }
        }
    }
    let name = |i: usize| parties.get(i).map_or("其他村民", |p| p.name.as_str());
    let company = employer.unwrap_or_else(|| rng.pick_ref(&scene.town.companies).clone());
    let summary = template
        .replace("{a}", name(0))
        .replace("{b}", name(1))
        .replace("{c}", &company);
    if let Some(company) = template.contains("{c}").then_some(company) {
        parties.push(Party {
            name: company,
            person_id: None,
            phone: None,
        });
    }
    (parties, summary)
}

/// Up to `wanted` different local adults; family quarrels stay within a household and
/// neighbour and land quarrels within a village group, when the village has such people.
fn involved<'f>(
    rng: &mut Rng,
    folk: &'f Folk,
    category: DisputeCategory,
    wanted: usize,
) -> Vec<&'f Resident> {
    let first = rng.pick_ref(&folk.adults);
    // Addresses read "幸福村3组12号"; up to 组 is the village group.
    let group = |r: &'f Resident| r.address.split_inclusive('组').next();
    let close = |r: &'f Resident| match category {
        DisputeCategory::Family => r.address == first.address,
        DisputeCategory::Neighbour | DisputeCategory::Land => group(r) == group(first),
        _ => true,
    };
    let mut chosen = vec![first];
    while chosen.len() < wanted {
        let fresh = |r: &&Resident| chosen.iter().all(|c| c.id != r.id);
        let near: Vec<&Resident> = folk
            .adults
            .iter()
            .filter(|&r| close(r))
            .filter(fresh)
            .collect();
        let pool = if near.is_empty() {
            folk.adults.iter().filter(fresh).collect()
        } else {
            near
        };
        if pool.is_empty() {
            break;
        }
        chosen.push(rng.pick(&pool));
    }
    chosen
}

/// A party as the worker writes it down: usually linked to the person record, sometimes only
/// the name, with a phone number when the person gave one.
fn party(rng: &mut Rng, resident: &Resident) -> Party {
    Party {
        name: resident.name.clone(),
        person_id: rng.percent(70).then(|| resident.id.clone()),
        phone: resident.phone.clone().filter(|_| rng.percent(50)),
    }
}

/// Plays a dispute through the lifecycle until it settles or the year runs out.
struct Story<'a, 'r> {
    scene: &'a Scene<'a>,
    rng: &'r mut Rng,
    folk: &'a Folk,
    dispute: Dispute,
    registered: Date,
    day: Date,
    /// Whoever mediates inside the village group: its head (组长), the same for every session.
    group_head: Option<String>,
}

impl Story<'_, '_> {
    fn play(&mut self, mut target: DisputeLevel) {
        if self.rng.percent(8) {
            return; // Registered, first session not yet held.
        }
        if self.rng.percent(5) {
            let resolution = self
                .rng
                .pick(&[Resolution::Withdrawn, Resolution::Referred]);
            self.close(resolution);
            return;
        }
        for round in 0..2 {
            if round > 0 {
                if !self.reopen() {
                    return;
                }
                // A case that came back often has to go one level higher.
                if self.rng.percent(30) {
                    target = target.max(self.dispute.level.next_up().unwrap_or(target));
                }
            }
            if !self.settle_at(target) || !self.rng.percent(10) {
                return;
            }
        }
    }

    /// Sessions and escalations up to `target`, then an outcome; false when time ran out or
    /// the case stays open.
    fn settle_at(&mut self, target: DisputeLevel) -> bool {
        while self.dispute.level < target {
            for _ in 0..self.rng.int(1, 2) {
                let result = self.rng.weighted(&[
                    (MediationResult::NotAgreed, 7),
                    (MediationResult::PartlyAgreed, 3),
                ]);
                if !self.mediate(result) {
                    return false;
                }
            }
            if !self.escalate() {
                return false;
            }
        }
        let sessions = self.rng.int(1, 3);
        for _ in 1..sessions {
            if !self.mediate(MediationResult::NotAgreed) {
                return false;
            }
        }
        let last = self.rng.weighted(&[
            (MediationResult::Agreed, 55),
            (MediationResult::PartlyAgreed, 20),
            (MediationResult::NotAgreed, 25),
        ]);
        if !self.mediate(last) {
            return false;
        }
        let settles = match last {
            MediationResult::Agreed => true,
            MediationResult::PartlyAgreed => self.rng.percent(40),
            MediationResult::NotAgreed => false,
        };
        if settles {
            let needs_agreement = last != MediationResult::Agreed || self.rng.percent(70);
            if needs_agreement && !self.sign() {
                return false;
            }
            // Some agreements are signed but not yet carried out by the year's end.
            return self.rng.percent(90) && self.close(Resolution::Resolved);
        }
        match self.rng.weighted(&[
            (Some(Resolution::Referred), 35),
            (Some(Resolution::Withdrawn), 15),
            (None, 50),
        ]) {
            Some(resolution) => self.close(resolution),
            None => false,
        }
    }

    /// Moves the story's clock on; false (and nothing happens) if that passes the year's end.
    fn advance(&mut self, min_days: i64, max_days: i64) -> bool {
        // Nothing happens on the registration day itself: the form comes first.
        let min_days = if self.day == self.registered {
            min_days.max(1)
        } else {
            min_days
        };
        let next = self
            .day
            .add_days(self.rng.int(min_days, max_days.max(min_days)));
        if next > self.scene.today {
            return false;
        }
        self.day = next;
        true
    }

    fn apply(&mut self, event: DisputeEvent) {
        self.dispute = lifecycle::apply(&self.dispute, event)
            .expect("the generator only plays events the lifecycle allows");
    }

    /// The account acting at the case's current level.
    fn account(&mut self) -> String {
        match self.dispute.level {
            DisputeLevel::Group | DisputeLevel::Village => self.scene.worker(self.rng),
            DisputeLevel::Township | DisputeLevel::Above => {
                format!("town-staff{}", self.rng.int(1, 3))
            }
        }
    }

    fn mediate(&mut self, result: MediationResult) -> bool {
        if !self.advance(1, 20) {
            return false;
        }
        let mediator = match self.dispute.level {
            // The group head (组长) mediates inside the group.
            DisputeLevel::Group if !self.folk.adults.is_empty() => {
                let (rng, adults) = (&mut *self.rng, &self.folk.adults);
                let head = self
                    .group_head
                    .get_or_insert_with(|| rng.pick_ref(adults).name.clone());
                head.clone()
            }
            DisputeLevel::Group | DisputeLevel::Village => {
                self.rng.pick_ref(&self.folk.cadres).clone()
            }
            DisputeLevel::Township => self.rng.pick_ref(&self.scene.town.mediators).clone(),
            // Above the township the top three (书记, 镇长, 副书记) sit in with the district.
            DisputeLevel::Above => self.scene.town.leaders[self.rng.below(3)].0.clone(),
        };
        let first = self.rng.pick(names::MEDIATION_ACTIONS);
        let second = self.rng.pick(names::MEDIATION_ACTIONS);
        let actions = if first == second {
            first.to_owned()
        } else {
            format!("{first}；{second}")
        };
        self.apply(DisputeEvent::Mediate(MediationSession {
            held_on: self.day.to_string(),
            mediator,
            actions,
            result,
        }));
        true
    }

    fn escalate(&mut self) -> bool {
        if !self.advance(0, 7) {
            return false;
        }
        let reasons = names::escalation_reasons(self.dispute.level);
        let reason = self.rng.pick(reasons).to_owned();
        let by = self.account();
        let on = self.day.to_string();
        self.apply(DisputeEvent::Escalate { by, on, reason });
        true
    }

    fn sign(&mut self) -> bool {
        if !self.advance(0, 5) {
            return false;
        }
        let petition =
            self.dispute.petition_backlog || self.dispute.source == DisputeSource::Petition;
        let kind = if petition {
            AgreementKind::PetitionSettlement
        } else {
            AgreementKind::Mediation
        };
        let signed_on = self.day.to_string();
        self.apply(DisputeEvent::SignAgreement(Agreement { kind, signed_on }));
        true
    }

    fn close(&mut self, resolution: Resolution) -> bool {
        if !self.advance(0, 10) {
            return false;
        }
        let pool = match resolution {
            Resolution::Resolved => names::RESOLVED_RESULTS,
            Resolution::Referred => names::REFERRED_RESULTS,
            Resolution::Withdrawn => names::WITHDRAWN_RESULTS,
        };
        let result = self.rng.pick(pool).to_owned();
        let (by, on) = (self.account(), self.day.to_string());
        self.apply(DisputeEvent::Close(Closure {
            by,
            on,
            resolution,
            result,
        }));
        true
    }

    fn reopen(&mut self) -> bool {
        if !self.advance(15, 90) {
            return false;
        }
        let reason = self.rng.pick(names::REOPEN_REASONS).to_owned();
        let (by, on) = (self.account(), self.day.to_string());
        self.apply(DisputeEvent::Reopen { by, on, reason });
        true
    }
}

pub(super) fn outreach_visits(
    scene: &Scene<'_>,
    rng: &mut Rng,
    folk: &Folk,
    count: usize,
) -> Vec<(DocumentId, OutreachVisit)> {
    // The first visit is this village's stop on the leaders' round of every village (逐村下访).
    let campaign_day = scene
        .town
        .campaign_start
        .add_days(scene.index as i64 % 20)
        .min(scene.today);
    let mut days: Vec<Date> = (0..count)
        .map(|k| match k {
            0 => campaign_day,
            _ => scene.any_day(rng),
        })
        .collect();
    days.sort();
    days.into_iter()
        .map(|day| (rng.document_id(), visit(scene, rng, folk, day)))
        .collect()
}

fn visit(scene: &Scene<'_>, rng: &mut Rng, folk: &Folk, day: Date) -> OutreachVisit {
    let by = Authorship {
        village: scene.village.id.clone(),
        created_by: scene.worker(rng),
        // Written up the same evening.
        created_at_ms: china_ms(rng, day, 17, 22),
    };
    let mut visit = OutreachVisit::new(&by, &day.to_string());
    // 班子包村: each village has its leader, sometimes joined by another.
    let leaders = &scene.town.leaders;
    visit
        .visitors
        .push(leaders[scene.index % leaders.len()].0.clone());
    if rng.percent(30) {
        let other = &leaders[rng.below(leaders.len())].0;
        if !visit.visitors.contains(other) {
            visit.visitors.push(other.clone());
        }
    }
    // The village's Party secretary takes them round.
    visit.visitors.push(folk.cadres[0].clone());
    let households = rng.int(3, 10) as usize;
    visit.household_ids = rng
        .distinct(folk.household_ids.len(), households)
        .into_iter()
        .map(|i| folk.household_ids[i].clone())
        .collect();
    let kinds: Vec<_> = names::PROBLEM_KINDS
        .iter()
        .map(|&(category, summaries, departments, weight)| {
            ((category, summaries, departments), weight)
        })
        .collect();
    let problems = rng.int(1, 6);
    for _ in 0..problems {
        let (category, summaries, departments) = rng.weighted(&kinds);
        let outcome = rng.weighted(&[
            (ProblemOutcome::ResolvedOnSpot, 70),
            (ProblemOutcome::WaitingOnDepartment, 18),
            (ProblemOutcome::Pending, 12),
        ]);
        visit.problems.push(RaisedProblem {
            summary: rng.pick(summaries).to_owned(),
            category: category.to_owned(),
            outcome,
            department: (outcome == ProblemOutcome::WaitingOnDepartment)
                .then(|| rng.pick(departments).to_owned()),
        });
    }
    visit
}

#[cfg(test)]
pub(super) fn event_dates(dispute: &Dispute) -> Vec<&str> {
    let mut dates: Vec<&str> = Vec::new();
    dates.extend(dispute.mediations.iter().map(|m| m.held_on.as_str()));
    dates.extend(dispute.escalations.iter().map(|e| e.on.as_str()));
    dates.extend(dispute.agreement.iter().map(|a| a.signed_on.as_str()));
    dates.extend(dispute.closure.iter().map(|c| c.on.as_str()));
    for reopening in &dispute.reopenings {
        dates.push(&reopening.on);
        dates.push(&reopening.previous_closure.on);
    }
    dates
}
