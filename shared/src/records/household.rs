//! A household (户): the unit a village worker registers at the door, in a village group
//! (村民小组), with its members, the household's security contact (家庭治安联系人) and the
//! ten-household joint-defence group (十户联防) it belongs to.

use autosurgeon::{Hydrate, Reconcile};

use super::shape::{Field, Shape, list, optional, required};
use super::vocabulary::Relation;
use super::{Authorship, Record, RecordType, check_header, finish};
use crate::validation::{Date, FieldError, check_phone, required_text};

/// Long enough for any rural address written out in full, short enough to stop pasted junk.
pub(crate) const ADDRESS_MAX_CHARS: usize = 120;
/// Chinese names are 2–4 characters; 30 leaves room for minority names in transliteration.
pub(crate) const NAME_MAX_CHARS: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Household {
    #[autosurgeon(rename = "type")]
    pub record_type: String,
    pub schema_version: u64,
    pub village: String,
    pub created_by: String,
    pub created_at_ms: i64,
    /// 村民小组, as the village names it ("3组", "东头组").
    pub group: String,
    pub address: String,
    /// 户主 name as written at registration; also a member with relation `head` once the
    /// person is registered.
    pub head_of_household: String,
    #[autosurgeon(missing = "Default::default")]
    pub members: Vec<HouseholdMember>,
    #[autosurgeon(missing = "Default::default")]
    pub security_contact: Option<SecurityContact>,
    /// 十户联防 group label, e.g. "3组第2联防组".
    #[autosurgeon(missing = "Default::default")]
    pub joint_defence_group: Option<String>,
}

/// A person living in the household. Keyed by the person record's id so that two workers
/// adding and removing different members concurrently merge member by member.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct HouseholdMember {
    #[key]
    pub person_id: String,
    /// The name as shown in the household, so its page needs no person documents.
    pub name: String,
    pub relation: Relation,
}

/// 家庭治安联系人: whom the village calls about this household's security matters.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct SecurityContact {
    pub name: String,
    pub phone: String,
}

impl Household {
    pub fn new(by: &Authorship, group: &str, address: &str, head_of_household: &str) -> Self {
        Self {
            record_type: Self::TYPE.as_str().to_owned(),
            schema_version: Self::SCHEMA_VERSION,
            village: by.village.clone(),
            created_by: by.created_by.clone(),
            created_at_ms: by.created_at_ms,
            group: group.trim().to_owned(),
            address: address.trim().to_owned(),
            head_of_household: head_of_household.trim().to_owned(),
            members: Vec::new(),
            security_contact: None,
            joint_defence_group: None,
        }
    }
}

/// The document's shape after the header (`super::shape`).
const SHAPE: &[Field] = &[
    required("group", Shape::Str),
    required("address", Shape::Str),
    required("head_of_household", Shape::Str),
    list("members", &Shape::Map(MEMBER_SHAPE)),
    optional("security_contact", Shape::Map(CONTACT_SHAPE)),
    optional("joint_defence_group", Shape::Str),
];

const MEMBER_SHAPE: &[Field] = &[
    required("person_id", Shape::Str),
    required("name", Shape::Str),
    required("relation", Shape::OneOf(Relation::WIRE)),
];

const CONTACT_SHAPE: &[Field] = &[required("name", Shape::Str), required("phone", Shape::Str)];

impl Record for Household {
    const TYPE: RecordType = RecordType::Household;
    const SCHEMA_VERSION: u64 = 1;
    const SHAPE: &'static [Field] = SHAPE;

    fn village(&self) -> &str {
        &self.village
    }

    fn validate(&self, _today: Date) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_header(
            &mut errors,
            Self::TYPE,
            &self.record_type,
            (self.schema_version, Self::SCHEMA_VERSION),
            &self.village,
            &self.created_by,
        );
        required_text(&mut errors, "group", "村民小组", &self.group, 20);
        required_text(
            &mut errors,
            "address",
            "住址",
            &self.address,
            ADDRESS_MAX_CHARS,
        );
        required_text(
            &mut errors,
            "head_of_household",
            "户主姓名",
            &self.head_of_household,
            NAME_MAX_CHARS,
        );
        for (i, member) in self.members.iter().enumerate() {
            required_text(
                &mut errors,
                &format!("members[{i}].name"),
                "成员姓名",
                &member.name,
                NAME_MAX_CHARS,
            );
            if self.members[..i]
                .iter()
                .any(|m| m.person_id == member.person_id)
            {
                errors.push(FieldError::new(
                    &format!("members[{i}].person_id"),
                    &format!("{}已是本户成员", member.name),
                    &crate::en!("the same person is listed twice"),
                ));
            }
        }
        if let Some(contact) = &self.security_contact {
            required_text(
                &mut errors,
                "security_contact.name",
                "治安联系人姓名",
                &contact.name,
                NAME_MAX_CHARS,
            );
            check_phone(
                &mut errors,
                "security_contact.phone",
                "治安联系人电话",
                &contact.phone,
            );
        }
        if let Some(group) = &self.joint_defence_group {
            required_text(&mut errors, "joint_defence_group", "十户联防组", group, 40);
        }
        finish(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by() -> Authorship {
        Authorship {
            village: "xingfu".into(),
            created_by: "worker1".into(),
            created_at_ms: 0,
        }
    }

    fn member(person_id: &str, name: &str) -> HouseholdMember {
        HouseholdMember {
            person_id: person_id.into(),
            name: name.into(),
            relation: Relation::Child,
        }
    }

    /// Members are keyed by person id, so list edits merge member by member.
    #[test]
    fn two_workers_adding_and_renaming_members_offline_both_keep_their_edit() {
        use crate::document;
        use automerge::ActorId;

        let mut base = Household::new(&by(), "3组", "幸福村3组7号", "王建国");
        base.members = vec![member("p1", "王小明"), member("p2", "王小红")];
        let mut first = document::create(ActorId::from([1u8; 16]), &base);
        let mut second = first.fork().with_actor(ActorId::from([2u8; 16]));

        let mut added = base.clone();
        added.members.insert(1, member("p3", "王小刚"));
        document::update(&mut first, &added);
        let mut renamed = base.clone();
        renamed.members[1].name = "王晓红".into();
        renamed.members.remove(0);
        document::update(&mut second, &renamed);

        first.merge(&mut second).unwrap();
        let merged: Household = document::read(&first).unwrap();
        assert_eq!(
            merged.members,
            [member("p3", "王小刚"), member("p2", "王晓红")]
        );
    }

    fn today() -> Date {
        Date::new(2022, 12, 31).unwrap()
    }

    #[test]
    fn a_household_needs_a_group_an_address_and_a_head() {
        let errors = Household::new(&by(), "", " ", "")
            .validate(today())
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["group", "address", "head_of_household"]);
    }

    #[test]
    fn a_filled_in_household_is_valid() {
        let household = Household::new(&by(), "3组", "幸福村3组12号", "王建国");
        assert_eq!(household.validate(today()), Ok(()));
    }

    #[test]
    fn a_document_claiming_another_type_is_refused() {
        let mut household = Household::new(&by(), "3组", "幸福村3组12号", "王建国");
        household.record_type = "dispute".into();
        assert_eq!(household.validate(today()).unwrap_err()[0].field, "type");
    }

    #[test]
    fn a_household_outside_any_village_is_refused() {
        let mut household = Household::new(&by(), "3组", "幸福村3组12号", "王建国");
        household.village = String::new();
        assert_eq!(household.validate(today()).unwrap_err()[0].field, "village");
    }

    #[test]
    fn the_security_contact_needs_a_real_phone_number() {
        let mut household = Household::new(&by(), "3组", "幸福村3组12号", "王建国");
        household.security_contact = Some(SecurityContact {
            name: "王建国".into(),
            phone: "1380013800".into(),
        });
        let errors = household.validate(today()).unwrap_err();
        assert_eq!(errors[0].field, "security_contact.phone");
    }

    #[test]
    fn the_same_person_cannot_be_a_member_twice() {
        let mut household = Household::new(&by(), "3组", "幸福村3组12号", "王建国");
        let member = HouseholdMember {
            person_id: "p1".into(),
            name: "王建国".into(),
            relation: Relation::Head,
        };
        household.members = vec![member.clone(), member];
        assert_eq!(
            household.validate(today()).unwrap_err()[0].field,
            "members[1].person_id"
        );
    }
}
