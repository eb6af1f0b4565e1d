//! Properties every record type must have as an Automerge document:
//! - a valid record round-trips unchanged through reconcile → save → load → hydrate;
//! - two replicas editing the same record concurrently converge to the same value whichever
//!   order they merge in.

use automerge::{ActorId, AutoCommit};
use pingan_shared::document;
use pingan_shared::records::dispute::lifecycle::{self, DisputeEvent};
use pingan_shared::records::dispute::{Agreement, Closure, Dispute, MediationSession, Party};
use pingan_shared::records::household::{Household, HouseholdMember, SecurityContact};
use pingan_shared::records::outreach::{OutreachVisit, RaisedProblem};
use pingan_shared::records::person::{FloatingResident, Person};
use pingan_shared::records::rental_house::RentalHouse;
use pingan_shared::records::vocabulary::*;
use pingan_shared::records::{Authorship, Record};
use pingan_shared::validation::Date;
use pingan_shared::validation::citizen_id::with_check_character;
use proptest::prelude::*;

fn today() -> Date {
    Date::new(2024, 6, 30).unwrap()
}

fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!(
        "[幸福和平村组号王李张刘陈建国秀英a-z0-9]{{1,{max}}}"
    ))
    .unwrap()
}

fn date() -> impl Strategy<Value = String> {
    (1950i32..=2023, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
}

fn mobile() -> impl Strategy<Value = String> {
    (3u8..=9, 0u64..1_000_000_000).prop_map(|(second, rest)| format!("1{second}{rest:09}"))
}

fn authorship() -> impl Strategy<Value = Authorship> {
    (
        prop_oneof![Just("xingfu"), Just("heping")],
        text(8),
        0i64..2_000_000_000_000,
    )
        .prop_map(|(village, created_by, created_at_ms)| Authorship {
            village: village.into(),
            created_by,
            created_at_ms,
        })
}

fn pick<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all)
}

fn household() -> impl Strategy<Value = Household> {
    (
        authorship(),
        (text(4), text(30), text(6)),
        prop::collection::vec((text(6), pick(Relation::ALL)), 0..4),
        prop::option::of((text(6), mobile())),
        prop::option::of(text(10)),
    )
        .prop_map(|(by, (group, address, head), members, contact, defence)| {
            let mut h = Household::new(&by, &group, &address, &head);
            h.members = members
                .into_iter()
                .enumerate()
                .map(|(i, (name, relation))| HouseholdMember {
                    person_id: format!("p{i}"),
                    name,
                    relation,
                })
                .collect();
            h.security_contact = contact.map(|(name, phone)| SecurityContact { name, phone });
            h.joint_defence_group = defence;
            h
        })
}

fn citizen_id() -> impl Strategy<Value = String> {
    (1950i32..=2020, 1u8..=12, 1u8..=28, 0u16..1000).prop_map(|(y, m, d, seq)| {
        with_check_character(&format!("330106{y:04}{m:02}{d:02}{seq:03}")).unwrap()
    })
}

fn person() -> impl Strategy<Value = Person> {
    (
        authorship(),
        text(6),
        prop::option::of(citizen_id()),
        prop::option::of(mobile()),
        prop::option::of(text(20)),
        prop::option::of((
            text(10),
            date(),
            pick(FloatingReason::ALL),
            prop::option::of(text(10)),
            prop::option::of(text(12)),
        )),
    )
        .prop_map(|(by, name, id, phone, residence, floating)| {
            let mut p = Person::new(&by, &name);
            p.phone = phone;
            p.registered_residence = residence;
            p.floating =
                floating.map(
                    |(origin, arrival_date, reason, employer, permit)| FloatingResident {
                        origin,
                        arrival_date,
                        reason,
                        employer,
                        rented_house_id: None,
                        residence_permit_number: permit,
                        departure_date: None,
                    },
                );
            if let Some(id) = id {
                p.set_citizen_id(&id, today()).unwrap();
            }
            p
        })
}

fn rental_house() -> impl Strategy<Value = RentalHouse> {
    (
        authorship(),
        text(30),
        text(6),
        1u64..=50,
        prop::collection::vec(text(8), 0..4),
        prop::option::of(date()),
        prop::option::of(date()),
    )
        .prop_map(|(by, address, landlord, rooms, tenants, letter, check)| {
            let mut h = RentalHouse::new(&by, &address, &landlord, rooms);
            h.tenant_ids = tenants;
            h.responsibility_letter_signed_on = letter;
            h.last_safety_check_on = check;
            h
        })
}

/// Disputes are built by running random lifecycle events, so every reachable state is covered
/// and each generated dispute is one the state machine allows.
fn dispute() -> impl Strategy<Value = Dispute> {
    (
        authorship(),
        (
            date(),
            pick(DisputeCategory::ALL),
            pick(DisputeSource::ALL),
            text(40),
        ),
        prop::collection::vec((0u8..5, text(8), date(), pick(MediationResult::ALL)), 0..8),
        any::<bool>(),
    )
        .prop_map(
            |(by, (registered_on, category, source, summary), events, backlog)| {
                let mut d = Dispute::new(&by, &registered_on, category, source, &summary);
                d.parties.push(Party {
                    name: "王建国".into(),
                    person_id: None,
                    phone: None,
                });
                d.petition_backlog = backlog;
                for (kind, words, on, result) in events {
                    let event = match kind {
                        0 => DisputeEvent::Mediate(MediationSession {
                            held_on: on,
                            mediator: words.clone(),
                            actions: words,
                            result,
                        }),
                        1 => DisputeEvent::Escalate {
                            by: "worker".into(),
                            on,
                            reason: words,
                        },
                        2 => DisputeEvent::SignAgreement(Agreement {
                            kind: AgreementKind::Mediation,
                            signed_on: on,
                        }),
                        3 => DisputeEvent::Close(Closure {
                            by: "worker".into(),
                            on,
                            resolution: Resolution::Referred,
                            result: words,
                        }),
                        _ => DisputeEvent::Reopen {
                            by: "worker".into(),
                            on,
                            reason: words,
                        },
                    };
                    if let Ok(next) = lifecycle::apply(&d, event) {
                        d = next;
                    }
                }
                d
            },
        )
}

fn outreach_visit() -> impl Strategy<Value = OutreachVisit> {
    (
        authorship(),
        date(),
        prop::collection::vec(text(6), 1..3),
        prop::collection::vec(text(8), 0..4),
        prop::collection::vec((text(20), text(4), pick(ProblemOutcome::ALL)), 0..4),
    )
        .prop_map(|(by, visited_on, visitors, households, problems)| {
            let mut v = OutreachVisit::new(&by, &visited_on);
            v.visitors = visitors;
            v.household_ids = households;
            v.problems = problems
                .into_iter()
                .map(|(summary, category, outcome)| RaisedProblem {
                    department: (outcome == ProblemOutcome::WaitingOnDepartment)
                        .then(|| "区民政局".to_owned()),
                    summary,
                    category,
                    outcome,
                })
                .collect();
            v
        })
}

fn round_trips<R: Record>(record: &R) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        record.validate(today()),
        Ok(()),
        "generator made an invalid record"
    );
    let mut doc = document::create(ActorId::from([1u8; 16].as_slice()), record);
    let loaded = AutoCommit::load(&doc.save()).unwrap();
    prop_assert_eq!(&document::read::<R>(&loaded).unwrap(), record);
    Ok(())
}

/// Replica A writes `a`, replica B writes `b`, both starting from `base`; merging either way
/// round must give the same document and the same record.
fn concurrent_edits_converge<R: Record>(base: &R, a: &R, b: &R) -> Result<(), TestCaseError> {
    let mut origin = document::create(ActorId::from([1u8; 16].as_slice()), base);
    let mut replica_a = origin
        .fork()
        .with_actor(ActorId::from([2u8; 16].as_slice()));
    let mut replica_b = origin
        .fork()
        .with_actor(ActorId::from([3u8; 16].as_slice()));
    document::update(&mut replica_a, a);
    document::update(&mut replica_b, b);

    let mut a_then_b = replica_a.fork();
    a_then_b.merge(&mut replica_b.clone()).unwrap();
    let mut b_then_a = replica_b.fork();
    b_then_a.merge(&mut replica_a.clone()).unwrap();

    prop_assert_eq!(a_then_b.get_heads(), b_then_a.get_heads());
    let from_a = document::read::<R>(&a_then_b).unwrap();
    let from_b = document::read::<R>(&b_then_a).unwrap();
    prop_assert_eq!(from_a, from_b);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn households_round_trip(h in household()) { round_trips(&h)?; }

    #[test]
    fn persons_round_trip(p in person()) { round_trips(&p)?; }

    #[test]
    fn rental_houses_round_trip(h in rental_house()) { round_trips(&h)?; }

    #[test]
    fn disputes_round_trip(d in dispute()) { round_trips(&d)?; }

    #[test]
    fn outreach_visits_round_trip(v in outreach_visit()) { round_trips(&v)?; }

    #[test]
    fn concurrent_household_edits_converge(base in household(), a in household(), b in household()) {
        concurrent_edits_converge(&base, &a, &b)?;
    }

    #[test]
    fn concurrent_person_edits_converge(base in person(), a in person(), b in person()) {
        concurrent_edits_converge(&base, &a, &b)?;
    }

    #[test]
    fn concurrent_rental_house_edits_converge(base in rental_house(), a in rental_house(), b in rental_house()) {
        concurrent_edits_converge(&base, &a, &b)?;
    }

    #[test]
    fn concurrent_dispute_edits_converge(base in dispute(), a in dispute(), b in dispute()) {
        concurrent_edits_converge(&base, &a, &b)?;
    }

    #[test]
    fn concurrent_outreach_edits_converge(base in outreach_visit(), a in outreach_visit(), b in outreach_visit()) {
        concurrent_edits_converge(&base, &a, &b)?;
    }
}
