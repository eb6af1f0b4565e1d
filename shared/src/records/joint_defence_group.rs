//! A joint-defence group (十户联防组 / 户户联防): neighbouring households that watch out for
//! one another, led by one household's security contact (家庭治安联系人). These groups are
//! the villages' 群防群治 network the report counts ("**％的村（居）已建立").
//!
//! A household names its group by label (`Household::joint_defence_group`); that label is
//! this record's `name`, and `household_ids` is the list kept from the group's side.

use autosurgeon::{Hydrate, Reconcile};

use super::household::NAME_MAX_CHARS;
use super::shape::{Field, Shape, list, optional, required};
use super::vocabulary::JointDefenceKind;
use super::{Authorship, RecordType, check_header, check_no_repeats, check_reference, finish};
use crate::validation::{
    Date, FieldError, check_optional_past_date, check_optional_phone, required_text,
};

/// As long as a household's `joint_defence_group` label may be, so every name fits there.
const GROUP_NAME_MAX_CHARS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct JointDefenceGroup {
    #[autosurgeon(rename = "type")]
    pub record_type: String,
    pub schema_version: u64,
    pub village: String,
    pub created_by: String,
    pub created_at_ms: i64,
    /// The group's label, e.g. "3组第2联防组".
    pub name: String,
    pub kind: JointDefenceKind,
    /// 村民小组 the households are in.
    pub group: String,
    /// The security contact of the household that leads the group.
    pub leader_name: String,
    #[autosurgeon(missing = "Default::default")]
    pub leader_phone: Option<String>,
    /// Household record ids.
    #[autosurgeon(missing = "Default::default")]
    pub household_ids: Vec<String>,
    /// `YYYY-MM-DD`.
    #[autosurgeon(missing = "Default::default")]
    pub formed_on: Option<String>,
}

impl JointDefenceGroup {
    pub const SCHEMA_VERSION: u64 = 1;
    pub const SHAPE: &'static [Field] = SHAPE;

    pub fn new(
        by: &Authorship,
        name: &str,
        kind: JointDefenceKind,
        group: &str,
        leader_name: &str,
    ) -> Self {
        Self {
            record_type: RecordType::JointDefenceGroup.as_str().to_owned(),
            schema_version: Self::SCHEMA_VERSION,
            village: by.village.clone(),
            created_by: by.created_by.clone(),
            created_at_ms: by.created_at_ms,
            name: name.trim().to_owned(),
            kind,
            group: group.trim().to_owned(),
            leader_name: leader_name.trim().to_owned(),
            leader_phone: None,
            household_ids: Vec::new(),
            formed_on: None,
        }
    }

    pub fn validate(&self, today: Date) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_header(
            &mut errors,
            RecordType::JointDefenceGroup,
            &self.record_type,
            (self.schema_version, Self::SCHEMA_VERSION),
            &self.village,
            &self.created_by,
        );
        required_text(
            &mut errors,
            "name",
            "联防组名称",
            &self.name,
            GROUP_NAME_MAX_CHARS,
        );
        required_text(&mut errors, "group", "村民小组", &self.group, 20);
        required_text(
            &mut errors,
            "leader_name",
            "联防组长",
            &self.leader_name,
            NAME_MAX_CHARS,
        );
        check_optional_phone(
            &mut errors,
            "leader_phone",
            "组长电话",
            self.leader_phone.as_deref(),
        );
        // One household watching only itself is no joint defence.
        if self.household_ids.len() < 2 {
            errors.push(FieldError::new(
                "household_ids",
                "联防组至少要有两户",
                &crate::en!("household_ids must hold at least two households"),
            ));
        }
        for (i, id) in self.household_ids.iter().enumerate() {
            check_reference(&mut errors, &format!("household_ids[{i}]"), "联防户", id);
        }
        check_no_repeats(&mut errors, "household_ids", "联防户", &self.household_ids);
        check_optional_past_date(
            &mut errors,
            "formed_on",
            "组建日期",
            self.formed_on.as_deref(),
            today,
        );
        finish(errors)
    }
}

/// The document's shape after the header (`super::shape`).
const SHAPE: &[Field] = &[
    required("name", Shape::Str),
    required("kind", Shape::OneOf(JointDefenceKind::WIRE)),
    required("group", Shape::Str),
    required("leader_name", Shape::Str),
    optional("leader_phone", Shape::Str),
    list("household_ids", &Shape::Str),
    optional("formed_on", Shape::Str),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::shape::agreement::assert_shape_agrees;
    use crate::records::testing::{by, fields, id, today};

    fn group() -> JointDefenceGroup {
        let mut g = JointDefenceGroup::new(
            &by(),
            "3组第2联防组",
            JointDefenceKind::TenHousehold,
            "3组",
            "陈大山",
        );
        g.household_ids = (1..=10).map(id).collect();
        g
    }

    #[test]
    fn ten_households_and_their_leader_make_a_valid_group() {
        let mut g = group();
        assert_eq!(g.validate(today()), Ok(()));
        g.leader_phone = Some("13812345678".into());
        g.formed_on = Some("2022-03-01".into());
        assert_eq!(g.validate(today()), Ok(()));
    }

    #[test]
    fn a_group_needs_at_least_two_households() {
        let mut g = group();
        g.household_ids.truncate(1);
        assert_eq!(fields(g.validate(today())), ["household_ids"]);
    }

    #[test]
    fn a_household_is_in_a_group_once() {
        let mut g = group();
        g.household_ids.push(id(3));
        assert_eq!(fields(g.validate(today())), ["household_ids[10]"]);
    }

    #[test]
    fn households_are_named_by_record_id() {
        let mut g = group();
        g.household_ids[0] = "陈大山家".into();
        assert_eq!(fields(g.validate(today())), ["household_ids[0]"]);
    }

    #[test]
    fn the_leaders_phone_is_stored_normalised() {
        let mut g = group();
        g.leader_phone = Some("138 1234 5678".into());
        assert_eq!(fields(g.validate(today())), ["leader_phone"]);
    }

    #[test]
    fn a_group_needs_its_name_village_group_and_leader() {
        let mut g = group();
        g.name = String::new();
        g.group = " ".into();
        g.leader_name = String::new();
        let found = fields(g.validate(today()));
        assert_eq!(found, ["name", "group", "leader_name"]);
    }

    #[test]
    fn a_group_cannot_be_formed_tomorrow() {
        let mut g = group();
        g.formed_on = Some("2023-01-01".into());
        assert_eq!(fields(g.validate(today())), ["formed_on"]);
    }
    #[test]
    fn the_shape_agrees_with_autosurgeon() {
        let mut g = group();
        g.leader_phone = Some("13812345678".into());
        g.formed_on = Some("2022-03-01".into());
        assert_shape_agrees(&g, SHAPE);
    }
}
