//! The list index: one compact summary per record, kept in an object store per record type
//! beside the documents and written in the same transaction as the document, so that lists,
//! search, counts and the duplicate-ID check never load an Automerge document.
//!
//! Each summary is stored sealed (`super::seal`) as CBOR; only its id, the sparse `unsynced`
//! flag and, for people, a keyed tag of the ID number stay outside the box.
//!
//! Pure: a summary is computed from a document and its sync flags. Compiles natively, so the
//! tests below run without a browser.

use automerge::AutoCommit;
use pingan_shared::document::{self, DocumentError};
use pingan_shared::records::RecordType;
use pingan_shared::records::dispute::Dispute;
use pingan_shared::records::household::Household;
use pingan_shared::records::outreach::OutreachVisit;
use pingan_shared::records::person::Person;
use pingan_shared::records::rental_house::RentalHouse;
use pingan_shared::records::vocabulary::{DisputeStatus, ProblemOutcome};
use serde::{Deserialize, Serialize};

pub use super::activities::ActivitySummary;
use super::activities::activity;
use super::pack::Packed;

/// Index stores, one per record type.
pub const HOUSEHOLDS: &str = "households";
pub const PERSONS: &str = "persons";
pub const RENTAL_HOUSES: &str = "rental_houses";
pub const DISPUTES: &str = "disputes";
pub const OUTREACH_VISITS: &str = "outreach_visits";
/// The issue-16 records, one store for all (`super::activities`).
pub const ACTIVITIES: &str = "activities";
pub const ALL_STORES: [&str; 6] = [
    HOUSEHOLDS,
    PERSONS,
    RENTAL_HOUSES,
    DISPUTES,
    OUTREACH_VISITS,
    ACTIVITIES,
];

/// Sparse index on every store: only records waiting to upload have the `unsynced` key, so
/// finding them reads those rows and no others.
pub const UNSYNCED_INDEX: &str = "unsynced";
/// Index on the person rows' `cid`, a keyed tag of the citizen ID number
/// (`seal::Sealer::citizen_tag`), for the duplicate check at registration.
pub const CITIZEN_ID_INDEX: &str = "citizen_id";

/// Bumped whenever a summary gains or changes a field: opening the database then rebuilds
/// every index store from the documents (which are never touched by this).
pub const INDEX_VERSION: u32 = 6;

/// The index store holding summaries of this record type.
pub fn store_for(record_type: RecordType) -> &'static str {
    match record_type {
        RecordType::Household => HOUSEHOLDS,
        RecordType::Person => PERSONS,
        RecordType::RentalHouse => RENTAL_HOUSES,
        RecordType::Dispute => DISPUTES,
        RecordType::OutreachVisit => OUTREACH_VISITS,
        RecordType::ScreeningRound
        | RecordType::Patrol
        | RecordType::JointDefenceGroup
        | RecordType::KeyPerson
        | RecordType::ResponsibilityLetter
        | RecordType::PublicityActivity
        | RecordType::StandardisationCheck
        | RecordType::ContingencyPlan => ACTIVITIES,
    }
}

/// Where a record stands with the server; every summary carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncFlags {
    /// The server has committed the latest version.
    pub synced: bool,
    /// Why the server refused the latest version, for the worker to correct.
    pub needs_correction: Option<String>,
}

/// What every summary shares: its id and its sync flags.
pub trait Summary: Packed {
    const STORE: &'static str;
    fn id(&self) -> &str;
    fn flags(&self) -> SyncFlags;
    fn set_flags(&mut self, flags: SyncFlags);
}

macro_rules! summary_flags {
    ($ty:ty, $store:expr) => {
        impl Summary for $ty {
            const STORE: &'static str = $store;
            fn id(&self) -> &str {
                &self.id
            }
            fn flags(&self) -> SyncFlags {
                SyncFlags {
                    synced: self.synced,
                    needs_correction: self.needs_correction.clone(),
                }
            }
            fn set_flags(&mut self, flags: SyncFlags) {
                self.synced = flags.synced;
                self.unsynced = (!flags.synced).then_some(1);
                self.needs_correction = flags.needs_correction;
            }
        }
    };
}

// Summaries read leniently (`serde(default)`): a field added in a later version reads as empty
// in an older summary until the index is rebuilt from the documents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HouseholdSummary {
    pub id: String,
    pub village: String,
    pub group: String,
    pub address: String,
    pub head_of_household: String,
    /// Members' names, so a search for any of them finds the household.
    pub member_names: Vec<String>,
    pub contact_phone: Option<String>,
    pub created_at_ms: i64,
    pub synced: bool,
    pub unsynced: Option<u8>,
    pub needs_correction: Option<String>,
}
summary_flags!(HouseholdSummary, HOUSEHOLDS);
crate::packed!(HouseholdSummary {
    id,
    village,
    group,
    address,
    head_of_household,
    member_names,
    contact_phone,
    created_at_ms,
    synced,
    unsynced,
    needs_correction
});

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonSummary {
    pub id: String,
    pub village: String,
    pub name: String,
    pub citizen_id: Option<String>,
    pub sex: Option<String>,
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    pub household_id: Option<String>,
    /// A floating resident (流动人口).
    pub floating: bool,
    pub origin: Option<String>,
    pub arrival_date: Option<String>,
    pub employer: Option<String>,
    pub rented_house_id: Option<String>,
    pub departed: bool,
    /// Merged by the township office into another registration of the same person: kept,
    /// but left out of lists, search and the duplicate check.
    pub merged: bool,
    pub created_at_ms: i64,
    pub synced: bool,
    pub unsynced: Option<u8>,
    pub needs_correction: Option<String>,
}
summary_flags!(PersonSummary, PERSONS);
crate::packed!(PersonSummary {
    id,
    village,
    name,
    citizen_id,
    sex,
    birth_date,
    phone,
    household_id,
    floating,
    origin,
    arrival_date,
    employer,
    rented_house_id,
    departed,
    merged,
    created_at_ms,
    synced,
    unsynced,
    needs_correction
});

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RentalHouseSummary {
    pub id: String,
    pub village: String,
    pub address: String,
    pub landlord_name: String,
    pub landlord_phone: Option<String>,
    pub rooms: u64,
    pub tenant_ids: Vec<String>,
    pub letter_signed_on: Option<String>,
    pub last_safety_check_on: Option<String>,
    pub created_at_ms: i64,
    pub synced: bool,
    pub unsynced: Option<u8>,
    pub needs_correction: Option<String>,
}
summary_flags!(RentalHouseSummary, RENTAL_HOUSES);
crate::packed!(RentalHouseSummary {
    id,
    village,
    address,
    landlord_name,
    landlord_phone,
    rooms,
    tenant_ids,
    letter_signed_on,
    last_safety_check_on,
    created_at_ms,
    synced,
    unsynced,
    needs_correction
});

/// How much of a dispute's summary the list shows.
const DISPUTE_SUMMARY_CHARS: usize = 60;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DisputeSummary {
    pub id: String,
    pub village: String,
    pub registered_on: String,
    pub category: String,
    /// How it came to light (`DisputeSource`): the week's screening counts those it found.
    pub source: String,
    /// The first characters of the dispute's summary.
    pub summary: String,
    pub party_names: Vec<String>,
    pub level: String,
    pub status: String,
    pub deadline: Option<String>,
    pub created_at_ms: i64,
    pub synced: bool,
    pub unsynced: Option<u8>,
    pub needs_correction: Option<String>,
}
summary_flags!(DisputeSummary, DISPUTES);
crate::packed!(DisputeSummary {
    id,
    village,
    registered_on,
    category,
    source,
    summary,
    party_names,
    level,
    status,
    deadline,
    created_at_ms,
    synced,
    unsynced,
    needs_correction
});

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VisitSummary {
    pub id: String,
    pub village: String,
    pub visited_on: String,
    pub visitors: Vec<String>,
    pub households: usize,
    pub problems: usize,
    /// Problems not resolved on the spot.
    pub open_problems: usize,
    pub created_at_ms: i64,
    pub synced: bool,
    pub unsynced: Option<u8>,
    pub needs_correction: Option<String>,
}
summary_flags!(VisitSummary, OUTREACH_VISITS);
crate::packed!(VisitSummary {
    id,
    village,
    visited_on,
    visitors,
    households,
    problems,
    open_problems,
    created_at_ms,
    synced,
    unsynced,
    needs_correction
});

/// The summary of any record, as its store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnySummary {
    Household(HouseholdSummary),
    Person(PersonSummary),
    RentalHouse(RentalHouseSummary),
    Dispute(DisputeSummary),
    Visit(VisitSummary),
    Activity(ActivitySummary),
}

impl AnySummary {
    /// The record's `type`, as stored.
    pub fn record_type(&self) -> &str {
        match self {
            AnySummary::Household(_) => RecordType::Household.as_str(),
            AnySummary::Person(_) => RecordType::Person.as_str(),
            AnySummary::RentalHouse(_) => RecordType::RentalHouse.as_str(),
            AnySummary::Dispute(_) => RecordType::Dispute.as_str(),
            AnySummary::Visit(_) => RecordType::OutreachVisit.as_str(),
            AnySummary::Activity(s) => &s.record_type,
        }
    }

    /// The index store the summary lives in.
    pub fn store(&self) -> &'static str {
        match self {
            AnySummary::Household(_) => HOUSEHOLDS,
            AnySummary::Person(_) => PERSONS,
            AnySummary::RentalHouse(_) => RENTAL_HOUSES,
            AnySummary::Dispute(_) => DISPUTES,
            AnySummary::Visit(_) => OUTREACH_VISITS,
            AnySummary::Activity(_) => ACTIVITIES,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            AnySummary::Household(s) => &s.id,
            AnySummary::Person(s) => &s.id,
            AnySummary::RentalHouse(s) => &s.id,
            AnySummary::Dispute(s) => &s.id,
            AnySummary::Visit(s) => &s.id,
            AnySummary::Activity(s) => &s.id,
        }
    }

    pub fn village(&self) -> &str {
        match self {
            AnySummary::Household(s) => &s.village,
            AnySummary::Person(s) => &s.village,
            AnySummary::RentalHouse(s) => &s.village,
            AnySummary::Dispute(s) => &s.village,
            AnySummary::Visit(s) => &s.village,
            AnySummary::Activity(s) => &s.village,
        }
    }

    pub fn flags(&self) -> SyncFlags {
        match self {
            AnySummary::Household(s) => s.flags(),
            AnySummary::Person(s) => s.flags(),
            AnySummary::RentalHouse(s) => s.flags(),
            AnySummary::Dispute(s) => s.flags(),
            AnySummary::Visit(s) => s.flags(),
            AnySummary::Activity(s) => s.flags(),
        }
    }

    pub fn set_flags(&mut self, flags: SyncFlags) {
        match self {
            AnySummary::Household(s) => s.set_flags(flags),
            AnySummary::Person(s) => s.set_flags(flags),
            AnySummary::RentalHouse(s) => s.set_flags(flags),
            AnySummary::Dispute(s) => s.set_flags(flags),
            AnySummary::Visit(s) => s.set_flags(flags),
            AnySummary::Activity(s) => s.set_flags(flags),
        }
    }

    /// The summary as stored inside its sealed row (`super::pack`).
    pub fn encode(&self) -> Vec<u8> {
        match self {
            AnySummary::Household(s) => s.pack(),
            AnySummary::Person(s) => s.pack(),
            AnySummary::RentalHouse(s) => s.pack(),
            AnySummary::Dispute(s) => s.pack(),
            AnySummary::Visit(s) => s.pack(),
            AnySummary::Activity(s) => s.pack(),
        }
    }

    /// A summary of the index store `store` from what [`AnySummary::encode`] wrote.
    pub fn decode(store: &str, bytes: &[u8]) -> Result<Self, DocumentError> {
        fn read<S: Summary>(bytes: &[u8]) -> Result<S, DocumentError> {
            S::unpack(bytes).ok_or_else(|| DocumentError::Undecodable("summary".into()))
        }
        Ok(match store {
            HOUSEHOLDS => AnySummary::Household(read(bytes)?),
            PERSONS => AnySummary::Person(read(bytes)?),
            RENTAL_HOUSES => AnySummary::RentalHouse(read(bytes)?),
            DISPUTES => AnySummary::Dispute(read(bytes)?),
            OUTREACH_VISITS => AnySummary::Visit(read(bytes)?),
            _ => AnySummary::Activity(read(bytes)?),
        })
    }

    /// How the sync bar names the record.
    pub fn label(&self) -> String {
        match self {
            AnySummary::Household(s) => format!("住户 {} {}", s.head_of_household, s.address),
            AnySummary::Person(s) if s.floating => format!("流动人口 {}", s.name),
            AnySummary::Person(s) => format!("人员 {}", s.name),
            AnySummary::RentalHouse(s) => format!("出租房屋 {}", s.address),
            AnySummary::Dispute(s) => format!("矛盾纠纷 {}", s.summary),
            AnySummary::Visit(s) => format!("下访走访 {}", s.visited_on),
            AnySummary::Activity(s) => format!("排查 {}", s.on),
        }
    }
}

/// The summary of the record `doc` holds.
pub fn summarise(
    id: &str,
    doc: &AutoCommit,
    flags: SyncFlags,
) -> Result<AnySummary, DocumentError> {
    let mut summary = match document::record_type(doc)? {
        RecordType::Household => AnySummary::Household(household(id, &document::read(doc)?)),
        RecordType::Person => AnySummary::Person(person(id, &document::read(doc)?)),
        RecordType::RentalHouse => AnySummary::RentalHouse(rental_house(id, &document::read(doc)?)),
        RecordType::Dispute => AnySummary::Dispute(dispute(id, &document::read(doc)?)),
        RecordType::OutreachVisit => AnySummary::Visit(visit(id, &document::read(doc)?)),
        other => AnySummary::Activity(
            activity(id, doc, other)
                .ok_or_else(|| DocumentError::UnknownType(other.as_str().into()))?,
        ),
    };
    summary.set_flags(flags);
    Ok(summary)
}

pub fn household(id: &str, h: &Household) -> HouseholdSummary {
    HouseholdSummary {
        id: id.to_owned(),
        village: h.village.clone(),
        group: h.group.clone(),
        address: h.address.clone(),
        head_of_household: h.head_of_household.clone(),
        member_names: h.members.iter().map(|m| m.name.clone()).collect(),
        contact_phone: h.security_contact.as_ref().map(|c| c.phone.clone()),
        created_at_ms: h.created_at_ms,
        ..Default::default()
    }
}

pub fn person(id: &str, p: &Person) -> PersonSummary {
    let floating = p.floating.as_ref();
    PersonSummary {
        id: id.to_owned(),
        village: p.village.clone(),
        name: p.name.clone(),
        citizen_id: p.citizen_id.clone().filter(|c| !c.is_empty()),
        sex: p.sex.map(|s| s.as_str().to_owned()),
        birth_date: p.birth_date.clone(),
        phone: p.phone.clone(),
        household_id: p.household_id.clone(),
        floating: floating.is_some(),
        origin: floating.map(|f| f.origin.clone()),
        arrival_date: floating.map(|f| f.arrival_date.clone()),
        employer: floating.and_then(|f| f.employer.clone()),
        rented_house_id: floating.and_then(|f| f.rented_house_id.clone()),
        departed: floating.is_some_and(|f| f.departure_date.is_some()),
        merged: p.merged_into.is_some(),
        created_at_ms: p.created_at_ms,
        ..Default::default()
    }
}

pub fn rental_house(id: &str, r: &RentalHouse) -> RentalHouseSummary {
    RentalHouseSummary {
        id: id.to_owned(),
        village: r.village.clone(),
        address: r.address.clone(),
        landlord_name: r.landlord_name.clone(),
        landlord_phone: r.landlord_phone.clone(),
        rooms: r.rooms,
        tenant_ids: r.tenant_ids.clone(),
        letter_signed_on: r.responsibility_letter_signed_on.clone(),
        last_safety_check_on: r.last_safety_check_on.clone(),
        created_at_ms: r.created_at_ms,
        ..Default::default()
    }
}

pub fn dispute(id: &str, d: &Dispute) -> DisputeSummary {
    DisputeSummary {
        id: id.to_owned(),
        village: d.village.clone(),
        registered_on: d.registered_on.clone(),
        category: d.category.as_str().to_owned(),
        source: d.source.as_str().to_owned(),
        summary: d.summary.chars().take(DISPUTE_SUMMARY_CHARS).collect(),
        party_names: d.parties.iter().map(|p| p.name.clone()).collect(),
        level: d.level.as_str().to_owned(),
        status: d.status.as_str().to_owned(),
        deadline: d
            .deadline
            .clone()
            .filter(|_| d.status != DisputeStatus::Closed),
        created_at_ms: d.created_at_ms,
        ..Default::default()
    }
}

pub fn visit(id: &str, v: &OutreachVisit) -> VisitSummary {
    VisitSummary {
        id: id.to_owned(),
        village: v.village.clone(),
        visited_on: v.visited_on.clone(),
        visitors: v.visitors.clone(),
        households: v.household_ids.len(),
        problems: v.problems.len(),
        open_problems: v
            .problems
            .iter()
            .filter(|p| p.outcome != ProblemOutcome::ResolvedOnSpot)
            .count(),
        created_at_ms: v.created_at_ms,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ActorId;
    use pingan_shared::records::Authorship;
    use pingan_shared::records::household::{HouseholdMember, SecurityContact};
    use pingan_shared::records::person::FloatingResident;
    use pingan_shared::records::vocabulary::{FloatingReason, Relation};
    use pingan_shared::validation::Date;

    fn by() -> Authorship {
        Authorship {
            village: "v01".into(),
            created_by: "worker01".into(),
            created_at_ms: 1_700_000_000_000,
        }
    }

    fn doc<R: pingan_shared::records::Record>(record: &R) -> AutoCommit {
        document::create(ActorId::from([1u8; 16].as_slice()), record)
    }

    #[test]
    fn a_household_summary_lists_members_and_the_contact_phone_for_search() {
        let mut h = Household::new(&by(), "3组", "新民村3组12号", "王建国");
        h.members.push(HouseholdMember {
            person_id: "p1".into(),
            name: "李秀英".into(),
            relation: Relation::Spouse,
        });
        h.security_contact = Some(SecurityContact {
            name: "王建国".into(),
            phone: "13800138000".into(),
        });
        let AnySummary::Household(s) = summarise("h1", &doc(&h), SyncFlags::default()).unwrap()
        else {
            panic!("a household document gives a household summary");
        };
        assert_eq!(s.member_names, ["李秀英"]);
        assert_eq!(s.contact_phone.as_deref(), Some("13800138000"));
        assert_eq!((s.synced, s.unsynced), (false, Some(1)));
    }

    #[test]
    fn a_floating_resident_summary_carries_the_id_number_and_house() {
        let mut p = Person::new(&by(), "张伟");
        p.floating = Some(FloatingResident {
            origin: String::new(),
            arrival_date: "2024-03-01".into(),
            reason: FloatingReason::Work,
            employer: Some("园区电子厂".into()),
            rented_house_id: Some("r1".into()),
            residence_permit_number: None,
            departure_date: None,
        });
        p.set_citizen_id("11010519491231002X", Date::new(2024, 6, 1).unwrap())
            .unwrap();
        let flags = SyncFlags {
            synced: true,
            needs_correction: None,
        };
        let AnySummary::Person(s) = summarise("p1", &doc(&p), flags).unwrap() else {
            panic!("a person document gives a person summary");
        };
        assert_eq!(s.citizen_id.as_deref(), Some("11010519491231002X"));
        assert!(s.floating && !s.departed);
        assert_eq!(s.rented_house_id.as_deref(), Some("r1"));
        assert_eq!(s.origin.as_deref(), Some("北京市"));
        assert_eq!((s.synced, s.unsynced), (true, None));
    }

    #[test]
    fn a_person_merged_into_another_is_marked_so_lists_skip_it() {
        let mut p = Person::new(&by(), "张伟");
        p.merged_into = Some("p2".into());
        let AnySummary::Person(s) = summarise("p1", &doc(&p), SyncFlags::default()).unwrap() else {
            panic!("a person document gives a person summary");
        };
        assert!(s.merged);
    }

    #[test]
    fn a_synced_summary_has_no_unsynced_key_so_the_sparse_index_skips_it() {
        let mut s = HouseholdSummary::default();
        s.set_flags(SyncFlags {
            synced: false,
            needs_correction: Some("住址太长".into()),
        });
        assert_eq!(s.unsynced, Some(1));
        s.set_flags(SyncFlags {
            synced: true,
            needs_correction: None,
        });
        assert_eq!(s.unsynced, None);
    }
}
