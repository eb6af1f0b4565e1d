//! A realistic, deterministic township for demos, tests and benchmarks.
//!
//! Modelled on the township of the annual report the project grew from: a suburb hosting the
//! district's industrial park, so many floating residents renting rooms from villagers; land
//! acquisition and demolition (征地拆迁) behind many disputes and petitions; leaders visiting every
//! village and collecting problems, some of which wait on district departments.
//!
//! Everything follows from [`TownshipSpec::seed`]: the same spec gives the same township on every
//! machine, target and release (`rng.rs` says why the generator is hand-written). Every record
//! passes its own validation as of 31 December of the spec's year, and records refer to each
//! other consistently (household ↔ members, rental house ↔ tenants, visits → households,
//! screening rounds → the disputes they found, joint-defence groups → households, plans →
//! disputes), so tests and benchmarks can lean on them.

mod cases;
pub(crate) mod names;
mod residents;
mod rng;
#[cfg(test)]
mod tests;
mod work;

use std::collections::HashSet;

use crate::document::DocumentId;
use crate::records::Authorship;
use crate::records::contingency_plan::ContingencyPlan;
use crate::records::dispute::Dispute;
use crate::records::household::Household;
use crate::records::joint_defence_group::JointDefenceGroup;
use crate::records::key_person::KeyPerson;
use crate::records::outreach::OutreachVisit;
use crate::records::patrol::Patrol;
use crate::records::person::Person;
use crate::records::publicity_activity::PublicityActivity;
use crate::records::rental_house::RentalHouse;
use crate::records::responsibility_letter::ResponsibilityLetter;
use crate::records::screening_round::ScreeningRound;
use crate::records::standardisation_check::StandardisationCheck;
use crate::records::vocabulary::Sex;
use crate::validation::Date;
use crate::validation::citizen_id::with_check_character;
use rng::Rng;

/// How big a township to generate, and from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TownshipSpec {
    pub seed: u64,
    /// The year the records cover; the township is generated as of its 31 December.
    pub year: i32,
    pub villages: usize,
    /// 村民小组 per village; zero is treated as one, since every household needs a group.
    pub groups_per_village: usize,
    pub households_per_village: usize,
    pub floating_residents_per_village: usize,
    pub rental_houses_per_village: usize,
    pub disputes_per_village: usize,
    pub outreach_visits_per_village: usize,
}

impl TownshipSpec {
    /// Small enough to click through, busy enough that every screen has something on it.
    pub fn demo() -> Self {
        Self {
            seed: 2022,
            year: 2022,
            villages: 6,
            groups_per_village: 5,
            households_per_village: 40,
            floating_residents_per_village: 30,
            rental_houses_per_village: 12,
            disputes_per_village: 15,
            outreach_visits_per_village: 4,
        }
    }

    /// One large village next to the park (about 6,000 people counting floating residents),
    /// the scope a single device syncs, for the sync benchmark.
    pub fn village_benchmark() -> Self {
        Self {
            seed: 2022,
            year: 2022,
            villages: 1,
            groups_per_village: 12,
            households_per_village: 2_000,
            floating_residents_per_village: 400,
            rental_houses_per_village: 150,
            disputes_per_village: 200,
            outreach_visits_per_village: 12,
        }
    }

    /// The day the township is generated as of (31 December of `year`): validate with this.
    pub fn today(&self) -> Date {
        Date::new(self.year, 12, 31).expect("31 December exists every year")
    }
}

/// A village (村) or resident community (社区, 居).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Village {
    /// The records' `village` field: `v01`, `v02`, ….
    pub id: String,
    pub name: String,
    /// `1组` … `N组`.
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Township {
    pub name: String,
    pub villages: Vec<Village>,
    pub households: Vec<(DocumentId, Household)>,
    /// Household members first, then floating residents, village by village.
    pub persons: Vec<(DocumentId, Person)>,
    pub rental_houses: Vec<(DocumentId, RentalHouse)>,
    pub disputes: Vec<(DocumentId, Dispute)>,
    pub outreach_visits: Vec<(DocumentId, OutreachVisit)>,
    /// The rest of the township's work (issue 16), village by village (`work.rs`).
    pub screening_rounds: Vec<(DocumentId, ScreeningRound)>,
    pub patrols: Vec<(DocumentId, Patrol)>,
    pub joint_defence_groups: Vec<(DocumentId, JointDefenceGroup)>,
    pub key_persons: Vec<(DocumentId, KeyPerson)>,
    pub responsibility_letters: Vec<(DocumentId, ResponsibilityLetter)>,
    pub publicity_activities: Vec<(DocumentId, PublicityActivity)>,
    pub standardisation_checks: Vec<(DocumentId, StandardisationCheck)>,
    pub contingency_plans: Vec<(DocumentId, ContingencyPlan)>,
}

/// The name [`generate`] gives the township, without generating the rest (the server names
/// its ledgers with it at every start).
pub fn township_name(spec: &TownshipSpec) -> String {
    // The first draw of the township's stream, as in `Town::new`.
    let mut rng = Rng::for_stream(spec.seed, &[0]);
    rng.pick(names::TOWNSHIPS).to_owned()
}

/// Generates the township `spec` describes.
///
/// # Panics
/// If `spec.year` is outside 2000–2999: older years would need citizen IDs of people born
/// before 1900, which validation rightly refuses.
pub fn generate(spec: &TownshipSpec) -> Township {
    assert!(
        (2000..=2999).contains(&spec.year),
        "year {} is outside 2000–2999",
        spec.year
    );
    let mut rng = Rng::for_stream(spec.seed, &[0]);
    let town = Town::new(&mut rng, spec.year);
    let villages = villages(&mut rng, spec);
    let mut township = Township {
        name: town.name.to_owned(),
        villages: Vec::new(),
        households: Vec::new(),
        persons: Vec::new(),
        rental_houses: Vec::new(),
        disputes: Vec::new(),
        outreach_visits: Vec::new(),
        screening_rounds: Vec::new(),
        patrols: Vec::new(),
        joint_defence_groups: Vec::new(),
        key_persons: Vec::new(),
        responsibility_letters: Vec::new(),
        publicity_activities: Vec::new(),
        standardisation_checks: Vec::new(),
        contingency_plans: Vec::new(),
    };
    let mut unique = Unique::default();
    for (index, village) in villages.iter().enumerate() {
        let scene = Scene {
            year: spec.year,
            today: spec.today(),
            town: &town,
            village,
            index,
        };
        let stream = |part: u64| Rng::for_stream(spec.seed, &[index as u64 + 1, part]);
        let first_household = township.households.len();
        let folk = residents::populate(&scene, &mut stream(1), &mut unique, spec, &mut township);
        let disputes = spec.disputes_per_village;
        let visits = spec.outreach_visits_per_village;
        let disputes = cases::disputes(&scene, &mut stream(2), &folk, disputes);
        // A stream of its own, so the older records stay as they were.
        let work = work::village_work(
            &scene,
            &mut stream(4),
            &folk,
            &township.households[first_household..],
            &disputes,
        );
        township.disputes.extend(disputes);
        township.screening_rounds.extend(work.screening_rounds);
        township.patrols.extend(work.patrols);
        township
            .joint_defence_groups
            .extend(work.joint_defence_groups);
        township.key_persons.extend(work.key_persons);
        township
            .responsibility_letters
            .extend(work.responsibility_letters);
        township
            .publicity_activities
            .extend(work.publicity_activities);
        township
            .standardisation_checks
            .extend(work.standardisation_checks);
        township.contingency_plans.extend(work.contingency_plans);
        township.outreach_visits.extend(cases::outreach_visits(
            &scene,
            &mut stream(3),
            &folk,
            visits,
        ));
    }
    township.villages = villages;
    township
}

fn villages(rng: &mut Rng, spec: &TownshipSpec) -> Vec<Village> {
    let order = rng.distinct(names::VILLAGES.len(), spec.villages);
    let groups: Vec<String> = (1..=spec.groups_per_village.max(1))
        .map(|g| format!("{g}组"))
        .collect();
    (0..spec.villages)
        .map(|i| Village {
            id: format!("v{:02}", i + 1),
            // More villages than names: numbered 联合 villages, as merged villages often are.
            name: order.get(i).map_or_else(
                || format!("联合{}村", i + 1),
                |&n| names::VILLAGES[n].to_owned(),
            ),
            groups: groups.clone(),
        })
        .collect()
}

/// Township-wide cast and setting shared by every village.
struct Town {
    name: &'static str,
    /// (full name, title), e.g. ("王建华", "书记").
    leaders: Vec<(String, &'static str)>,
    /// Staff of the township's mediation centre and judicial office (司法所).
    mediators: Vec<String>,
    companies: Vec<String>,
    /// When the leaders' round of visits to every village (逐村下访) started.
    campaign_start: Date,
}

impl Town {
    fn new(rng: &mut Rng, year: i32) -> Self {
        let name = rng.pick(names::TOWNSHIPS);
        let mut surnames: Vec<&str> = Vec::new();
        while surnames.len() < names::LEADER_TITLES.len() {
            let surname = rng.pick_common(names::SURNAMES);
            if !surnames.contains(&surname) {
                surnames.push(surname);
            }
        }
        let leaders = surnames
            .iter()
            .zip(names::LEADER_TITLES)
            .map(|(&surname, &title)| {
                let sex = if rng.percent(80) {
                    Sex::Male
                } else {
                    Sex::Female
                };
                (full_name(rng, surname, sex, year - 48), title)
            })
            .collect();
        let mediators = (0..3)
            .map(|_| {
                let sex = if rng.percent(60) {
                    Sex::Male
                } else {
                    Sex::Female
                };
                let surname = rng.pick_common(names::SURNAMES);
                full_name(rng, surname, sex, year - 40)
            })
            .collect();
        let short = name.trim_end_matches('镇');
        let companies = (0..16)
            .map(|_| {
                let prefix = rng.weighted(&[("园区", 3), (short, 3), ("", 4)]);
                let word = rng.pick(names::COMPANY_WORDS);
                format!("{prefix}{word}{}", rng.pick(names::COMPANY_TRADES))
            })
            .collect();
        let month = rng.int(3, 10) as u8;
        let campaign_start = Date::new(year, month, rng.int(1, 10) as u8).expect("day 1–10");
        Self {
            name,
            leaders,
            mediators,
            companies,
            campaign_start,
        }
    }

    /// How cases and visits name a leader: "王书记".
    fn leader_title(&self, index: usize) -> String {
        let (name, title) = &self.leaders[index % self.leaders.len()];
        format!(
            "{}{title}",
            name.chars().next().expect("names are not empty")
        )
    }
}

/// One village within the township being generated.
struct Scene<'a> {
    year: i32,
    today: Date,
    town: &'a Town,
    village: &'a Village,
    index: usize,
}

impl Scene<'_> {
    fn first_day(&self) -> Date {
        Date::new(self.year, 1, 1).expect("1 January exists")
    }

    fn any_day(&self, rng: &mut Rng) -> Date {
        between(rng, self.first_day(), self.today)
    }

    /// A village worker's account creating a record on `day` during working hours.
    fn author(&self, rng: &mut Rng, day: Date) -> Authorship {
        Authorship {
            village: self.village.id.clone(),
            created_by: self.worker(rng),
            created_at_ms: china_ms(rng, day, 8, 18),
        }
    }

    fn worker(&self, rng: &mut Rng) -> String {
        format!("{}-worker{}", self.village.id, rng.int(1, 3))
    }
}

/// Citizen IDs and mobile numbers already handed out: real ones are unique, and duplicates would
/// trip the server's duplicate checks in a demo.
#[derive(Default)]
struct Unique {
    citizen_ids: HashSet<String>,
    phones: HashSet<String>,
}

impl Unique {
    fn citizen_id(&mut self, rng: &mut Rng, region: &str, birth: Date, sex: Sex) -> String {
        loop {
            let sex_digit = 2 * rng.int(0, 4) + i64::from(sex == Sex::Male);
            let first17 = format!(
                "{region}{:04}{:02}{:02}{:02}{sex_digit}",
                birth.year(),
                birth.month(),
                birth.day(),
                rng.int(0, 99)
            );
            let id = with_check_character(&first17).expect("17 digits");
            if self.citizen_ids.insert(id.clone()) {
                return id;
            }
        }
    }

    fn mobile(&mut self, rng: &mut Rng) -> String {
        loop {
            let number = format!(
                "{}{:08}",
                rng.pick(names::MOBILE_PREFIXES),
                rng.int(0, 99_999_999)
            );
            if self.phones.insert(number.clone()) {
                return number;
            }
        }
    }
}

/// A uniformly chosen day in `from..=to`.
fn between(rng: &mut Rng, from: Date, to: Date) -> Date {
    from.add_days(rng.int(0, to.days_since_epoch() - from.days_since_epoch()))
}

/// A moment on `day` in China (UTC+8, as [`crate::statistics::china_date`] reads it) between
/// `from_hour` and `to_hour` o'clock.
fn china_ms(rng: &mut Rng, day: Date, from_hour: i64, to_hour: i64) -> i64 {
    const MINUTE_MS: i64 = 60_000;
    let minute_of_day = rng.int(from_hour * 60, to_hour * 60 - 1);
    let utc_minutes = minute_of_day - 8 * 60;
    day.days_since_epoch() * 1440 * MINUTE_MS + utc_minutes * MINUTE_MS + rng.int(0, 59) * 1000
}

/// A name as fashionable for someone born in `birth_year`.
fn full_name(rng: &mut Rng, surname: &str, sex: Sex, birth_year: i32) -> String {
    let era = match birth_year {
        ..1965 => 0,
        1965..1995 => 1,
        _ => 2,
    };
    let pool = match sex {
        Sex::Male => names::GIVEN_MALE[era],
        Sex::Female => names::GIVEN_FEMALE[era],
    };
    format!("{surname}{}", rng.pick(pool))
}
