//! Every figure of the demo township's year, traced back to the records behind it: what the
//! annual report's appendix will print under each figure adds up to the figure, and shows no
//! ID number, phone number or a watched person's full name.

use std::sync::OnceLock;

use super::year_2022;
use crate::generator::{Township, TownshipSpec, generate};
use crate::privacy::mask_numbers;
use crate::records::contingency_plan::ContingencyPlan;
use crate::records::dispute::Dispute;
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
use crate::statistics::{Counted, Figure, MEDIATION_RATE_LABEL, Records, counts, figures, trace};

/// The demo township's records without their ids, as [`Records`] borrows them.
struct Demo {
    township: Township,
    persons: Vec<Person>,
    rental_houses: Vec<RentalHouse>,
    disputes: Vec<Dispute>,
    outreach_visits: Vec<OutreachVisit>,
    screening_rounds: Vec<ScreeningRound>,
    patrols: Vec<Patrol>,
    joint_defence_groups: Vec<JointDefenceGroup>,
    key_persons: Vec<KeyPerson>,
    responsibility_letters: Vec<ResponsibilityLetter>,
    publicity_activities: Vec<PublicityActivity>,
    standardisation_checks: Vec<StandardisationCheck>,
    contingency_plans: Vec<ContingencyPlan>,
}

fn demo() -> &'static Demo {
    fn bare<T: Clone>(records: &[(crate::document::DocumentId, T)]) -> Vec<T> {
        records.iter().map(|(_, r)| r.clone()).collect()
    }
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let t = generate(&TownshipSpec::demo());
        Demo {
            persons: bare(&t.persons),
            rental_houses: bare(&t.rental_houses),
            disputes: bare(&t.disputes),
            outreach_visits: bare(&t.outreach_visits),
            screening_rounds: bare(&t.screening_rounds),
            patrols: bare(&t.patrols),
            joint_defence_groups: bare(&t.joint_defence_groups),
            key_persons: bare(&t.key_persons),
            responsibility_letters: bare(&t.responsibility_letters),
            publicity_activities: bare(&t.publicity_activities),
            standardisation_checks: bare(&t.standardisation_checks),
            contingency_plans: bare(&t.contingency_plans),
            township: t,
        }
    })
}

impl Demo {
    fn records(&self) -> Records<'_> {
        Records {
            persons: &self.persons,
            rental_houses: &self.rental_houses,
            disputes: &self.disputes,
            outreach_visits: &self.outreach_visits,
            screening_rounds: &self.screening_rounds,
            patrols: &self.patrols,
            joint_defence_groups: &self.joint_defence_groups,
            key_persons: &self.key_persons,
            responsibility_letters: &self.responsibility_letters,
            publicity_activities: &self.publicity_activities,
            standardisation_checks: &self.standardisation_checks,
            contingency_plans: &self.contingency_plans,
        }
    }

    /// The township, then its first village.
    fn scopes(&self) -> [Option<&str>; 2] {
        [None, Some(self.township.villages[0].id.as_str())]
    }
}

fn traced(scope: Option<&str>, figure: Figure) -> Vec<Counted> {
    trace(demo().records(), scope, year_2022(), figure)
}

#[test]
fn what_each_figure_traces_adds_up_to_the_figure_for_the_township_and_for_a_village() {
    let demo = demo();
    for scope in demo.scopes() {
        let f = figures(demo.records(), scope, year_2022());
        for figure in counts() {
            let rows = traced(scope, figure);
            let added: usize = rows.iter().map(|r| r.adds).sum();
            assert_eq!(added, figure.count(&f), "{figure:?} in {scope:?}");
            if !figure.is_sum() {
                let kinds: std::collections::BTreeSet<&str> =
                    rows.iter().map(|r| r.what.as_str()).collect();
                assert_eq!(kinds.len(), figure.count(&f), "{figure:?} in {scope:?}");
            }
            if let Some(village) = scope {
                assert!(rows.iter().all(|r| r.village == village), "{figure:?}");
            }
            assert!(
                rows.iter().all(|r| r.adds > 0 || !figure.is_sum()),
                "{figure:?}"
            );
        }
    }
}

#[test]
fn the_demo_year_has_something_behind_every_kind_of_work() {
    let f = figures(demo().records(), None, year_2022());
    let villages = demo().township.villages.len();
    assert!(f.screening_rounds > 0 && f.screening_zero_reports > 0);
    assert!(f.patrols > 0 && f.joint_defence_groups > 0 && f.key_persons_under_watch > 0);
    assert_eq!(
        f.letters_signed,
        2 * villages,
        "an annual and a Dragon Boat letter each"
    );
    assert_eq!(
        f.villages_meeting_standard + f.villages_to_rectify,
        villages
    );
    assert_eq!(f.villages_with_defence_network, villages);
    assert!(f.publicity_materials_handed_out > 0 && f.contingency_plans > 0);
    assert!(f.outreach_campaign().is_some());
}

#[test]
fn the_traces_show_no_id_or_phone_number_and_nobody_watched_by_full_name() {
    let demo = demo();
    let watched: Vec<&str> = demo
        .key_persons
        .iter()
        .map(|p| p.name.as_str())
        .chain(
            demo.persons
                .iter()
                .filter(|p| p.floating.is_some())
                .map(|p| p.name.as_str()),
        )
        .filter(|name| name.chars().count() > 1)
        .collect();
    let numbers: Vec<&str> = demo
        .persons
        .iter()
        .flat_map(|p| [p.citizen_id.as_deref(), p.phone.as_deref()])
        .chain(demo.key_persons.iter().map(|p| p.citizen_id.as_deref()))
        .chain(
            demo.rental_houses
                .iter()
                .map(|h| h.landlord_phone.as_deref()),
        )
        .flatten()
        .collect();
    let about_a_person = [
        Figure::FloatingResidentsRegistered,
        Figure::FloatingResidentsPresent,
        Figure::KeyPersonsUnderWatch,
        Figure::KeyPersonVisits,
    ];
    for figure in counts() {
        for row in traced(None, figure) {
            assert_eq!(mask_numbers(&row.what), row.what, "a number in {figure:?}");
            assert!(!numbers.iter().any(|n| row.what.contains(n)), "{row:?}");
            // The person comes before the bracket; the cadre who visits, named in it, may
            // share a name with someone watched.
            let person = row.what.split('（').next().unwrap_or_default();
            if about_a_person.contains(&figure) {
                assert!(person.contains("**") || person.ends_with('*'), "{row:?}");
                assert!(!watched.iter().any(|name| person.contains(name)), "{row:?}");
            }
        }
    }
}

/// `cargo test -p pingan-shared --lib statistics::tests::traceability -- --nocapture` prints
/// the demo year's figures as the report's table would show them.
#[test]
fn the_demo_years_figures_print_as_the_reports_table() {
    let demo = demo();
    let f = figures(demo.records(), None, year_2022());
    for figure in counts() {
        println!("{}\t{}\t{}", figure.key(), figure.label(), figure.count(&f));
        if figure == Figure::DisputesMediated {
            println!(
                "mediation_rate\t{MEDIATION_RATE_LABEL}\t{:?}",
                f.mediation_rate_percent()
            );
        }
    }
    let villages = demo.township.villages.len();
    let coverage = f.joint_defence_coverage_percent(villages);
    println!("joint_defence_coverage_percent({villages})\t{coverage:?}");
    println!("outreach_campaign\t{:?}", f.outreach_campaign());
    assert_eq!(coverage, Some(100.0));
}
