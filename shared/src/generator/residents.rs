//! One village's people: households and their members, rental houses, floating residents.

use super::rng::Rng;
use super::{Scene, Township, TownshipSpec, Unique, between, full_name, names};
use crate::document::DocumentId;
use crate::records::Authorship;
use crate::records::household::{Household, HouseholdMember, SecurityContact};
use crate::records::person::{FloatingResident, Person};
use crate::records::rental_house::RentalHouse;
use crate::records::vocabulary::{FloatingReason, Relation, Sex};
use crate::validation::Date;

/// A person other records of the village can name: a landlord, a party to a dispute.
pub(super) struct Resident {
    pub id: String,
    pub name: String,
    pub phone: Option<String>,
    /// Where they live; for local people, their household's address.
    pub address: String,
}

/// What the village's cases draw on.
#[derive(Default)]
pub(super) struct Folk {
    /// Local people aged 20 or more.
    pub adults: Vec<Resident>,
    /// Floating residents with an employer in the park, and that employer.
    pub employed: Vec<(Resident, String)>,
    pub household_ids: Vec<String>,
    /// The village's 调委会 mediators, local people; the first is also its Party secretary.
    pub cadres: Vec<String>,
}

pub(super) fn populate(
    scene: &Scene<'_>,
    rng: &mut Rng,
    unique: &mut Unique,
    spec: &TownshipSpec,
    out: &mut Township,
) -> Folk {
    // A village is dominated by a few lineages (王家, 李家), so half its households share them.
    let mut clans = Vec::new();
    while clans.len() < 3 {
        let surname = rng.pick_common(names::SURNAMES);
        if !clans.contains(&surname) {
            clans.push(surname);
        }
    }
    let mut numbers = HouseNumbers(vec![0; scene.village.groups.len()]);
    let mut folk = Folk::default();
    for _ in 0..spec.households_per_village {
        let household = household(scene, rng, unique, &clans, &mut numbers, &mut folk, out);
        folk.household_ids.push(household.0.to_string());
        out.households.push(household);
    }
    let chosen = rng.distinct(folk.adults.len(), 2);
    folk.cadres = chosen
        .iter()
        .map(|&i| folk.adults[i].name.clone())
        .collect();
    while folk.cadres.len() < 2 {
        let surname = rng.pick_common(names::SURNAMES);
        folk.cadres
            .push(full_name(rng, surname, Sex::Male, scene.year - 50));
    }
    let count = spec.rental_houses_per_village;
    let mut houses = rental_houses(scene, rng, unique, &mut numbers, &folk, count);
    let count = spec.floating_residents_per_village;
    for _ in 0..count {
        let person = floating_resident(scene, rng, unique, &mut houses, &mut folk);
        out.persons.push(person);
    }
    out.rental_houses.extend(houses);
    folk
}

/// Door numbers per group, with the odd gap where a house was pulled down.
struct HouseNumbers(Vec<u32>);

impl HouseNumbers {
    fn next(&mut self, rng: &mut Rng, group: usize) -> u32 {
        self.0[group] += rng.int(1, 2) as u32;
        self.0[group]
    }

    fn next_address(&mut self, rng: &mut Rng, scene: &Scene<'_>, group: usize) -> String {
        let number = self.next(rng, group);
        let village = scene.village;
        format!("{}{}{number}号", village.name, village.groups[group])
    }
}

fn household(
    scene: &Scene<'_>,
    rng: &mut Rng,
    unique: &mut Unique,
    clans: &[&'static str],
    numbers: &mut HouseNumbers,
    folk: &mut Folk,
    out: &mut Township,
) -> (DocumentId, Household) {
    let group_index = rng.below(scene.village.groups.len());
    let group = &scene.village.groups[group_index];
    let number = numbers.next(rng, group_index);
    let address = format!("{}{group}{number}号", scene.village.name);
    let day = scene.any_day(rng);
    let by = scene.author(rng, day);
    let household_id = rng.document_id();
    let residence = format!("{}{}", scene.town.name, scene.village.name);
    let mut household = Household::new(&by, group, &address, "");
    let mut contact = None;
    for (k, member) in plan_members(rng, clans).into_iter().enumerate() {
        let birth_year = scene.year - member.age;
        let name = full_name(rng, member.surname, member.sex, birth_year);
        let birth = if member.age == 0 {
            between(rng, scene.first_day(), day)
        } else {
            whole_year(rng, birth_year)
        };
        // Members are entered one after another right after the household itself.
        let created_at_ms = by.created_at_ms + (k as i64 + 1) * rng.int(20_000, 90_000);
        let mut person = Person::new(
            &Authorship {
                created_at_ms,
                ..by.clone()
            },
            &name,
        );
        if member.age == 0 && rng.percent(50) {
            // A newborn is often registered before the ID number comes through.
            person.sex = Some(member.sex);
            person.birth_date = Some(birth.to_string());
        } else {
            let married_in = member.relation == Relation::Spouse && rng.percent(25);
            let region = if married_in {
                rng.pick(names::NEARBY_REGIONS)
            } else {
                names::LOCAL_REGION
            };
            let id = unique.citizen_id(rng, region, birth, member.sex);
            person
                .set_citizen_id(&id, scene.today)
                .expect("generated citizen IDs are valid");
        }
        person.phone = phone(rng, unique, member.age);
        person.registered_residence = Some(residence.clone());
        person.household_id = Some(household_id.to_string());
        let person_id = rng.document_id();
        household.set_member(HouseholdMember {
            person_id: person_id.to_string(),
            name: name.clone(),
            relation: member.relation,
        });
        if member.age >= 18
            && contact.is_none()
            && let Some(phone) = &person.phone
        {
            contact = Some(SecurityContact {
                name: name.clone(),
                phone: phone.clone(),
            });
        }
        if member.age >= 20 {
            folk.adults.push(Resident {
                id: person_id.to_string(),
                name,
                phone: person.phone.clone(),
                address: address.clone(),
            });
        }
        out.persons.push((person_id, person));
    }
    household.head_of_household = household.members[0].name.clone();
    household.security_contact = contact.filter(|_| rng.percent(45));
    if rng.percent(75) {
        // 十户联防: neighbouring doors in tens.
        household.joint_defence_group = Some(format!("{group}第{}联防组", (number - 1) / 10 + 1));
    }
    (household_id, household)
}

struct Planned {
    relation: Relation,
    sex: Sex,
    age: i32,
    surname: &'static str,
}

fn planned(relation: Relation, sex: Sex, age: i32, surname: &'static str) -> Planned {
    Planned {
        relation,
        sex,
        age,
        surname,
    }
}

fn any_sex(rng: &mut Rng) -> Sex {
    if rng.percent(51) {
        Sex::Male
    } else {
        Sex::Female
    }
}

fn other_surname(rng: &mut Rng, not: &str) -> &'static str {
    loop {
        let surname = rng.pick_common(names::SURNAMES);
        if surname != not {
            return surname;
        }
    }
}

/// An age in `lo..=hi` years.
fn age(rng: &mut Rng, lo: i32, hi: i32) -> i32 {
    rng.int(i64::from(lo), i64::from(hi)) as i32
}

/// Who lives in a household, by relation to the head, with ages that fit: children at least 20
/// years younger than the head and the spouse, parents at least 23 years older than the head.
fn plan_members(rng: &mut Rng, clans: &[&'static str]) -> Vec<Planned> {
    use Relation::*;
    let size = rng.weighted(&[(1, 16), (2, 30), (3, 25), (4, 17), (5, 8), (6, 4)]);
    let head_sex = if rng.percent(85) {
        Sex::Male
    } else {
        Sex::Female
    };
    // People living alone are mostly the elderly whose children work elsewhere.
    let head_age = if size == 1 {
        age(rng, 28, 88)
    } else {
        age(rng, 26, 78)
    };
    let head_surname = if rng.percent(50) {
        rng.pick(clans)
    } else {
        rng.pick_common(names::SURNAMES)
    };
    let mut plan = vec![planned(Head, head_sex, head_age, head_surname)];
    // Children take their father's surname.
    let mut children_surname = head_surname;
    let mut youngest_parent = head_age;
    if plan.len() < size && rng.percent(85) {
        let (sex, gap) = match head_sex {
            Sex::Male => (Sex::Female, age(rng, -6, 2)),
            Sex::Female => (Sex::Male, age(rng, -2, 6)),
        };
        let spouse_age = (head_age + gap).clamp(20, 95);
        let surname = other_surname(rng, head_surname);
        if sex == Sex::Male {
            children_surname = surname;
        }
        youngest_parent = youngest_parent.min(spouse_age);
        plan.push(planned(Spouse, sex, spouse_age, surname));
    }
    let father_age = head_age + age(rng, 23, 32);
    if plan.len() < size && head_age <= 55 && father_age <= 92 && rng.percent(35) {
        let both = size - plan.len() >= 2 && rng.percent(60);
        let father = both || rng.percent(40);
        if father {
            plan.push(planned(Parent, Sex::Male, father_age, head_surname));
        }
        if both || !father {
            let mother_age = father_age - age(rng, 0, 4);
            let surname = other_surname(rng, head_surname);
            plan.push(planned(Parent, Sex::Female, mother_age, surname));
        }
    }
    let mut oldest_child = None;
    for _ in 0..3 {
        if plan.len() == size || youngest_parent < 20 {
            break;
        }
        let child_age = age(rng, (youngest_parent - 42).max(0), youngest_parent - 20);
        oldest_child = oldest_child.max(Some(child_age));
        let sex = any_sex(rng);
        plan.push(planned(Child, sex, child_age, children_surname));
    }
    // 三代同堂: a grown son's children live with their grandparents.
    if let Some(parent_age) = oldest_child.filter(|&a| a >= 21) {
        while plan.len() < size {
            let grandchild_age = age(rng, (parent_age - 40).max(0), parent_age - 21);
            let sex = any_sex(rng);
            plan.push(planned(Grandchild, sex, grandchild_age, children_surname));
        }
    }
    while plan.len() < size {
        let sibling_age = (head_age + age(rng, -8, 8)).clamp(16, 90);
        let sex = any_sex(rng);
        plan.push(planned(Sibling, sex, sibling_age, head_surname));
    }
    plan
}

fn whole_year(rng: &mut Rng, year: i32) -> Date {
    let first = Date::new(year, 1, 1).expect("1 January exists");
    between(
        rng,
        first,
        Date::new(year, 12, 31).expect("31 December exists"),
    )
}

/// Adults nearly all carry a phone; teenagers half the time; children never.
fn phone(rng: &mut Rng, unique: &mut Unique, age: i32) -> Option<String> {
    let percent = match age {
        ..14 => 0,
        14..18 => 50,
        _ => 95,
    };
    rng.percent(percent).then(|| unique.mobile(rng))
}

fn rental_houses(
    scene: &Scene<'_>,
    rng: &mut Rng,
    unique: &mut Unique,
    numbers: &mut HouseNumbers,
    folk: &Folk,
    count: usize,
) -> Vec<(DocumentId, RentalHouse)> {
    let landlords: Vec<&Resident> = folk.adults.iter().filter(|r| r.phone.is_some()).collect();
    let mut houses = Vec::with_capacity(count);
    for _ in 0..count {
        let group = rng.below(scene.village.groups.len());
        let (name, phone, address) = if landlords.is_empty() {
            let surname = rng.pick_common(names::SURNAMES);
            let name = full_name(rng, surname, Sex::Male, scene.year - 50);
            let address = numbers.next_address(rng, scene, group);
            (name, Some(unique.mobile(rng)), address)
        } else {
            let landlord = rng.pick(&landlords);
            // Most let rooms in their own house; others built a block to let.
            let address = if rng.percent(60) {
                landlord.address.clone()
            } else {
                numbers.next_address(rng, scene, group)
            };
            (landlord.name.clone(), landlord.phone.clone(), address)
        };
        let day = scene.any_day(rng);
        let by = scene.author(rng, day);
        let rooms = rng.weighted(&[
            (1, 14),
            (2, 18),
            (3, 16),
            (4, 14),
            (5, 9),
            (6, 9),
            (7, 5),
            (8, 5),
            (9, 3),
            (10, 3),
            (11, 2),
            (12, 2),
        ]);
        let mut house = RentalHouse::new(&by, &address, &name, rooms);
        house.landlord_phone = phone;
        if rng.percent(80) {
            // Most sign when registering; some signed in last year's campaign, before the app.
            let signed = if rng.percent(75) {
                between(rng, day, day.add_days(30).min(scene.today))
            } else {
                whole_year(rng, scene.year - 1)
            };
            house.responsibility_letter_signed_on = Some(signed.to_string());
        }
        if rng.percent(70) {
            house.last_safety_check_on = Some(between(rng, day, scene.today).to_string());
        }
        houses.push((rng.document_id(), house));
    }
    houses
}

fn floating_resident(
    scene: &Scene<'_>,
    rng: &mut Rng,
    unique: &mut Unique,
    houses: &mut [(DocumentId, RentalHouse)],
    folk: &mut Folk,
) -> (DocumentId, Person) {
    let origins: Vec<_> = names::ORIGINS
        .iter()
        .map(|&(code, residence, weight)| ((code, residence), weight))
        .collect();
    let (region, residence) = rng.weighted(&origins);
    let reason = rng.weighted(&[
        (FloatingReason::Work, 78),
        (FloatingReason::Business, 8),
        (FloatingReason::Family, 9),
        (FloatingReason::Study, 3),
        (FloatingReason::Other, 2),
    ]);
    let (youngest, oldest) = match reason {
        FloatingReason::Work => (18, 55),
        FloatingReason::Business => (22, 55),
        FloatingReason::Family => (0, 70),
        FloatingReason::Study => (16, 22),
        FloatingReason::Other => (18, 60),
    };
    let age = rng.int(youngest, oldest) as i32;
    let sex = if reason == FloatingReason::Work && rng.percent(60) {
        Sex::Male
    } else {
        any_sex(rng)
    };
    let birth = whole_year(rng, scene.year - age);
    let surname = rng.pick_common(names::SURNAMES);
    let name = full_name(rng, surname, sex, birth.year());

    let today = scene.today;
    let three_years_back = Date::new(scene.year - 2, 1, 1).expect("1 January exists");
    let arrival = between(rng, three_years_back.max(birth), today);
    // Those already here when the app arrived were registered in the spring 摸底 sweep.
    let registered = if arrival < scene.first_day() {
        between(rng, scene.first_day(), scene.first_day().add_days(180))
    } else {
        between(rng, arrival, arrival.add_days(14).min(today))
    };
    let earliest_departure = registered.max(arrival.add_days(1));
    let departure = (rng.percent(15) && earliest_departure <= today)
        .then(|| between(rng, earliest_departure, today));
    let employer = (reason == FloatingReason::Work && rng.percent(95))
        .then(|| rng.pick_common_ref(&scene.town.companies).clone());
    // A residence permit (居住证) needs six months' residence.
    let permit = (arrival <= today.add_days(-180) && rng.percent(72))
        .then(|| format!("{}{:06}", names::LOCAL_REGION, rng.int(0, 999_999)));

    let by = scene.author(rng, registered);
    let id = rng.document_id();
    let mut person = Person::new(&by, &name);
    person.floating = Some(FloatingResident {
        origin: String::new(),
        arrival_date: arrival.to_string(),
        reason,
        employer: employer.clone(),
        rented_house_id: None,
        residence_permit_number: permit,
        departure_date: departure.map(|d| d.to_string()),
    });
    let citizen_id = unique.citizen_id(rng, region, birth, sex);
    person
        .set_citizen_id(&citizen_id, today)
        .expect("generated citizen IDs are valid");
    person.phone = phone(rng, unique, age);
    person.registered_residence = Some(residence.to_owned());

    let mut address = format!("{}（暂住）", scene.village.name);
    // Only those still here are a house's current tenants.
    if departure.is_none() && !houses.is_empty() && rng.percent(82) {
        let (house_id, house) = &mut houses[rng.below(houses.len())];
        house.take_tenant(&id.to_string());
        address.clone_from(&house.address);
        if let Some(floating) = &mut person.floating {
            floating.rented_house_id = Some(house_id.to_string());
        }
    }
    if let Some(employer) = employer {
        let resident = Resident {
            id: id.to_string(),
            name,
            phone: person.phone.clone(),
            address,
        };
        folk.employed.push((resident, employer));
    }
    (id, person)
}
