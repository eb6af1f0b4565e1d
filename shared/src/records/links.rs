//! Rules that span records: who rents which house, who is a member of which household, and
//! what a merge of two registrations of one person rewrites in the records that name them.
//!
//! A record names another by id, and both sides must agree: a floating resident's
//! `rented_house_id` and the house's `tenant_ids`, a household's members and each member's
//! `household_id`. The phone applies these rules when a worker saves, the server when the
//! office merges duplicates; they live here once so that both write the same thing, and so
//! that they are tested without a form or a database.

use std::collections::BTreeSet;

use super::dispute::Dispute;
use super::household::{Household, HouseholdMember};
use super::rental_house::RentalHouse;

/// The houses to change when a floating resident's rented house changes, from
/// [`tenancy_change`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TenancyChange {
    /// The house they moved out of: release them from its tenants.
    pub leave: Option<String>,
    /// The house they moved into: take them as its tenant.
    pub join: Option<String>,
}

/// Which houses must change when a person's rented house goes from `before` to `after`
/// (an empty id is no house, as a form's unpicked choice). Staying in the same house changes
/// no house: the person is already its tenant.
pub fn tenancy_change(before: Option<&str>, after: Option<&str>) -> TenancyChange {
    let before = before.filter(|id| !id.is_empty());
    let after = after.filter(|id| !id.is_empty());
    if before == after {
        return TenancyChange::default();
    }
    TenancyChange {
        leave: before.map(str::to_owned),
        join: after.map(str::to_owned),
    }
}

impl RentalHouse {
    /// Lists the person among the house's tenants, once however often they are taken; true
    /// if they were not listed before.
    pub fn take_tenant(&mut self, person_id: &str) -> bool {
        if self.tenant_ids.iter().any(|t| t == person_id) {
            return false;
        }
        self.tenant_ids.push(person_id.to_owned());
        true
    }

    /// Takes the person off the house's tenants; true if they were listed.
    pub fn release_tenant(&mut self, person_id: &str) -> bool {
        let before = self.tenant_ids.len();
        self.tenant_ids.retain(|t| t != person_id);
        self.tenant_ids.len() != before
    }
}

impl Household {
    /// Adds the member, or updates the name and relation of the entry already listing the
    /// same person: a household never lists anyone twice (its validation refuses it).
    pub fn set_member(&mut self, member: HouseholdMember) {
        match self
            .members
            .iter_mut()
            .find(|m| m.person_id == member.person_id)
        {
            Some(listed) => *listed = member,
            None => self.members.push(member),
        }
    }

    /// Takes the person out of the household's members; true if they were listed. The
    /// person record stays (they moved, they did not vanish); its `household_id` is the
    /// caller's to clear.
    pub fn remove_member(&mut self, person_id: &str) -> bool {
        let before = self.members.len();
        self.members.retain(|m| m.person_id != person_id);
        self.members.len() != before
    }
}

/// A record that names person records by id: what a merge of duplicate registrations must
/// rewrite (households' members, rental houses' tenants, disputes' parties).
pub trait RefersToPeople {
    /// Whether the record names any of `people`.
    fn refers_to(&self, people: &BTreeSet<&str>) -> bool;

    /// Names `kept` wherever the record named one of `merged_away`, never listing the same
    /// person twice in a list that names each person once; true if anything changed.
    fn redirect(&mut self, merged_away: &BTreeSet<&str>, kept: &str) -> bool;
}

impl RefersToPeople for Household {
    fn refers_to(&self, people: &BTreeSet<&str>) -> bool {
        self.members
            .iter()
            .any(|m| people.contains(m.person_id.as_str()))
    }

    /// A member who was a merged-away record becomes the kept one, unless the kept one is
    /// already a member, in which case the duplicate entry goes.
    fn redirect(&mut self, merged_away: &BTreeSet<&str>, kept: &str) -> bool {
        let before = self.members.clone();
        let mut kept_listed = self.members.iter().any(|m| m.person_id == kept);
        self.members.retain_mut(|member| {
            if !merged_away.contains(member.person_id.as_str()) {
                return true;
            }
            if kept_listed {
                return false;
            }
            member.person_id = kept.to_owned();
            kept_listed = true;
            true
        });
        self.members != before
    }
}

impl RefersToPeople for RentalHouse {
    fn refers_to(&self, people: &BTreeSet<&str>) -> bool {
        self.tenant_ids.iter().any(|t| people.contains(t.as_str()))
    }

    fn redirect(&mut self, merged_away: &BTreeSet<&str>, kept: &str) -> bool {
        let before = std::mem::take(&mut self.tenant_ids);
        for tenant in &before {
            if merged_away.contains(tenant.as_str()) {
                self.take_tenant(kept);
            } else {
                self.take_tenant(tenant);
            }
        }
        self.tenant_ids != before
    }
}

impl RefersToPeople for Dispute {
    fn refers_to(&self, people: &BTreeSet<&str>) -> bool {
        self.parties
            .iter()
            .any(|p| p.person_id.as_deref().is_some_and(|id| people.contains(id)))
    }

    /// Each party keeps its place and its own name and phone as written on the case: two
    /// parties who turn out to be one person stay two lines of the dispute's record.
    fn redirect(&mut self, merged_away: &BTreeSet<&str>, kept: &str) -> bool {
        let mut changed = false;
        for party in &mut self.parties {
            if party
                .person_id
                .as_deref()
                .is_some_and(|id| merged_away.contains(id))
            {
                party.person_id = Some(kept.to_owned());
                changed = true;
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::dispute::Party;
    use crate::records::vocabulary::{DisputeCategory, DisputeSource, Relation};
    use crate::records::{Authorship, Record};

    fn by() -> Authorship {
        Authorship {
            village: "xingfu".into(),
            created_by: "worker01".into(),
            created_at_ms: 1_700_000_000_000,
        }
    }

    fn house(tenants: &[&str]) -> RentalHouse {
        let mut house = RentalHouse::new(&by(), "幸福村2组5号", "李房东", 3);
        house.tenant_ids = tenants.iter().map(|t| (*t).to_owned()).collect();
        house
    }

    fn member(id: &str, relation: Relation) -> HouseholdMember {
        HouseholdMember {
            person_id: id.into(),
            name: "王五".into(),
            relation,
        }
    }

    fn member_ids(household: &Household) -> Vec<&str> {
        household
            .members
            .iter()
            .map(|m| m.person_id.as_str())
            .collect()
    }

    fn change(leave: Option<&str>, join: Option<&str>) -> TenancyChange {
        TenancyChange {
            leave: leave.map(str::to_owned),
            join: join.map(str::to_owned),
        }
    }

    #[test]
    fn moving_house_leaves_the_old_one_and_joins_the_new_one() {
        assert_eq!(
            tenancy_change(Some("old"), Some("new")),
            change(Some("old"), Some("new"))
        );
    }

    #[test]
    fn staying_in_the_same_house_changes_no_house() {
        assert_eq!(
            tenancy_change(Some("h1"), Some("h1")),
            TenancyChange::default()
        );
        assert_eq!(tenancy_change(None, None), TenancyChange::default());
    }

    #[test]
    fn a_first_house_is_joined_and_a_house_given_up_is_left() {
        assert_eq!(tenancy_change(None, Some("h1")), change(None, Some("h1")));
        assert_eq!(tenancy_change(Some("h1"), None), change(Some("h1"), None));
    }

    #[test]
    fn an_unpicked_house_is_no_house() {
        assert_eq!(tenancy_change(Some(""), None), TenancyChange::default());
        assert_eq!(
            tenancy_change(Some("h1"), Some("")),
            change(Some("h1"), None)
        );
    }

    #[test]
    fn a_resident_who_moves_is_the_tenant_of_the_new_house_alone() {
        let mut old = house(&["p0", "p1"]);
        let mut new = house(&["p2"]);
        let moved = tenancy_change(Some("old"), Some("new"));
        for (id, house) in [("old", &mut old), ("new", &mut new)] {
            if moved.leave.as_deref() == Some(id) {
                house.release_tenant("p1");
            }
            if moved.join.as_deref() == Some(id) {
                house.take_tenant("p1");
            }
        }
        assert_eq!(old.tenant_ids, ["p0"]);
        assert_eq!(new.tenant_ids, ["p2", "p1"]);
    }

    #[test]
    fn a_tenant_is_never_listed_twice() {
        let mut house = house(&["p1"]);
        assert!(house.take_tenant("p2"));
        assert!(!house.take_tenant("p1"));
        assert!(!house.take_tenant("p2"));
        assert_eq!(house.tenant_ids, ["p1", "p2"]);
    }

    #[test]
    fn releasing_a_tenant_takes_only_them_off() {
        let mut house = house(&["p1", "p2", "p3"]);
        assert!(house.release_tenant("p2"));
        assert_eq!(house.tenant_ids, ["p1", "p3"]);
        assert!(!house.release_tenant("p2"), "no longer a tenant");
    }

    #[test]
    fn setting_a_listed_member_updates_them_in_place() {
        let mut household = Household::new(&by(), "1组", "幸福村1组1号", "王五");
        household.set_member(member("p1", Relation::Head));
        household.set_member(member("p2", Relation::Child));
        household.set_member(HouseholdMember {
            name: "王小五".into(),
            ..member("p2", Relation::Spouse)
        });
        assert_eq!(member_ids(&household), ["p1", "p2"]);
        assert_eq!(household.members[1].name, "王小五");
        assert_eq!(household.members[1].relation, Relation::Spouse);
        assert!(household.validate(crate::statistics::china_date(0)).is_ok());
    }

    #[test]
    fn removing_a_member_keeps_the_others_in_order() {
        let mut household = Household::new(&by(), "1组", "幸福村1组1号", "王五");
        for id in ["p1", "p2", "p3"] {
            household.set_member(member(id, Relation::Child));
        }
        assert!(household.remove_member("p2"));
        assert!(!household.remove_member("p2"));
        assert_eq!(member_ids(&household), ["p1", "p3"]);
    }

    #[test]
    fn a_household_naming_the_duplicate_names_the_kept_record_once() {
        let merged_away: BTreeSet<&str> = ["dup"].into();
        let mut household = Household::new(&by(), "1组", "幸福村1组1号", "王五");
        household.members = vec![
            member("dup", Relation::Head),
            member("other", Relation::Child),
        ];
        assert!(household.refers_to(&merged_away));
        assert!(household.redirect(&merged_away, "kept"));
        assert_eq!(member_ids(&household), ["kept", "other"]);
        assert!(!household.refers_to(&merged_away));

        household.members = vec![
            member("kept", Relation::Head),
            member("dup", Relation::Head),
        ];
        assert!(household.redirect(&merged_away, "kept"));
        assert_eq!(member_ids(&household), ["kept"], "no member listed twice");
        assert!(
            !household.redirect(&merged_away, "kept"),
            "nothing left to change"
        );
    }

    #[test]
    fn tenants_naming_the_duplicate_name_the_kept_record_once() {
        let merged_away: BTreeSet<&str> = ["dup"].into();
        let mut rented = house(&["dup", "kept", "x"]);
        assert!(rented.refers_to(&merged_away));
        assert!(rented.redirect(&merged_away, "kept"));
        assert_eq!(rented.tenant_ids, ["kept", "x"]);
        assert!(!rented.redirect(&merged_away, "kept"));

        let mut other = house(&["x", "dup"]);
        assert!(other.redirect(&merged_away, "kept"));
        assert_eq!(other.tenant_ids, ["x", "kept"], "in the duplicate's place");
    }

    #[test]
    fn parties_naming_the_duplicate_name_the_kept_record_and_keep_their_own_words() {
        let merged_away: BTreeSet<&str> = ["dup"].into();
        let mut dispute = Dispute::new(
            &by(),
            "2023-11-01",
            DisputeCategory::Neighbour,
            DisputeSource::Screening,
            "宅基地边界争议",
        );
        let party = |name: &str, person_id: Option<&str>| Party {
            name: name.into(),
            person_id: person_id.map(str::to_owned),
            phone: None,
        };
        dispute.parties = vec![party("王五", Some("dup")), party("李四", None)];
        assert!(dispute.refers_to(&merged_away));
        assert!(dispute.redirect(&merged_away, "kept"));
        assert_eq!(
            dispute.parties,
            [party("王五", Some("kept")), party("李四", None)]
        );
        assert!(!dispute.refers_to(&merged_away));
        assert!(!dispute.redirect(&merged_away, "kept"));
    }
}
