//! The township's records. Each record is one Automerge document whose root map holds the
//! record's fields plus a common header:
//!
//! | key | meaning |
//! | --- | --- |
//! | `type` | which record this is ([`RecordType`]) |
//! | `schema_version` | layout version of that type, for schema evolution |
//! | `village` | the village (村/居) the record belongs to: its access scope |
//! | `created_by` | the account that created it |
//! | `created_at_ms` | when, on the creating device's clock |
//!
//! `docs/data-model.md` describes every document for clients in other languages.
//!
//! The township's other work (issue 16: screening rounds, patrols, joint-defence groups, key
//! persons, responsibility letters, publicity, standardisation checks, contingency plans) is
//! a [`RecordType`] like the registers; the office's own three are [`RecordType::kept_by_office`].

pub mod contingency_plan;
pub mod dispute;
pub mod household;
pub mod joint_defence_group;
pub mod key_person;
pub mod limits;
pub mod links;
pub mod outreach;
pub mod patrol;
pub mod person;
pub mod publicity_activity;
pub mod rental_house;
pub mod responsibility_letter;
pub mod screening_round;
pub mod shape;
pub mod standardisation_check;
pub mod vocabulary;

use autosurgeon::{Hydrate, Reconcile};

use crate::document::DocumentId;
use crate::validation::{Date, FieldError, required_text};

/// The record types the server accepts. The string is the document's `type` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordType {
    Household,
    Person,
    RentalHouse,
    Dispute,
    OutreachVisit,
    ScreeningRound,
    Patrol,
    JointDefenceGroup,
    KeyPerson,
    ResponsibilityLetter,
    PublicityActivity,
    StandardisationCheck,
    ContingencyPlan,
}

impl RecordType {
    pub const ALL: [RecordType; 13] = [
        RecordType::Household,
        RecordType::Person,
        RecordType::RentalHouse,
        RecordType::Dispute,
        RecordType::OutreachVisit,
        RecordType::ScreeningRound,
        RecordType::Patrol,
        RecordType::JointDefenceGroup,
        RecordType::KeyPerson,
        RecordType::ResponsibilityLetter,
        RecordType::PublicityActivity,
        RecordType::StandardisationCheck,
        RecordType::ContingencyPlan,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            RecordType::Household => "household",
            RecordType::Person => "person",
            RecordType::RentalHouse => "rental_house",
            RecordType::Dispute => "dispute",
            RecordType::OutreachVisit => "outreach_visit",
            RecordType::ScreeningRound => "screening_round",
            RecordType::Patrol => "patrol",
            RecordType::JointDefenceGroup => "joint_defence_group",
            RecordType::KeyPerson => "key_person",
            RecordType::ResponsibilityLetter => "responsibility_letter",
            RecordType::PublicityActivity => "publicity_activity",
            RecordType::StandardisationCheck => "standardisation_check",
            RecordType::ContingencyPlan => "contingency_plan",
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            RecordType::Household => "住户",
            RecordType::Person => "人员",
            RecordType::RentalHouse => "出租房屋",
            RecordType::Dispute => "矛盾纠纷",
            RecordType::OutreachVisit => "下访走访",
            RecordType::ScreeningRound => "排查",
            RecordType::Patrol => "巡防",
            RecordType::JointDefenceGroup => "十户联防组",
            RecordType::KeyPerson => "重点人员",
            RecordType::ResponsibilityLetter => "责任状",
            RecordType::PublicityActivity => "宣传活动",
            RecordType::StandardisationCheck => "综治规范化建设检查",
            RecordType::ContingencyPlan => "应急预案",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
    }

    /// Records the township office keeps (the letters it signs, its checks of the villages,
    /// its plans): written from the office only, so a village worker's upload of one is
    /// refused (`office_only`), though the village's phones may read them.
    pub const fn kept_by_office(self) -> bool {
        matches!(
            self,
            RecordType::ResponsibilityLetter
                | RecordType::StandardisationCheck
                | RecordType::ContingencyPlan
        )
    }
}

/// Who is creating a record, where and when: the header every new record starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorship {
    pub village: String,
    pub created_by: String,
    pub created_at_ms: i64,
}

/// What every record type offers: its type tag, its scope, and its validation.
pub trait Record: Reconcile + Hydrate + Clone + PartialEq + std::fmt::Debug {
    const TYPE: RecordType;
    /// The layout this code writes. Older documents (smaller versions) must still hydrate.
    const SCHEMA_VERSION: u64;
    /// The keys after the header and the kind of value each holds, for naming every wrongly
    /// shaped field of an upload ([`shape`]). Kept beside the struct it describes.
    const SHAPE: &'static [shape::Field];

    fn village(&self) -> &str;

    /// Every rule the record must satisfy, all problems at once so a form can mark each field.
    /// `today` is the date in China (see [`crate::statistics::china_date`]), for rules
    /// such as "a birth date cannot be in the future".
    fn validate(&self, today: Date) -> Result<(), Vec<FieldError>>;
}

/// The trait for the records whose modules keep their type, version, shape and rules as
/// inherent items (issue 16's): one line each instead of five copies of the same impl.
macro_rules! record {
    ($($ty:ty => $variant:ident),+ $(,)?) => {$(
        impl Record for $ty {
            const TYPE: RecordType = RecordType::$variant;
            const SCHEMA_VERSION: u64 = <$ty>::SCHEMA_VERSION;
            const SHAPE: &'static [shape::Field] = <$ty>::SHAPE;

            fn village(&self) -> &str {
                &self.village
            }

            fn validate(&self, today: Date) -> Result<(), Vec<FieldError>> {
                <$ty>::validate(self, today)
            }
        }
    )+};
}

record! {
    screening_round::ScreeningRound => ScreeningRound,
    patrol::Patrol => Patrol,
    joint_defence_group::JointDefenceGroup => JointDefenceGroup,
    key_person::KeyPerson => KeyPerson,
    responsibility_letter::ResponsibilityLetter => ResponsibilityLetter,
    publicity_activity::PublicityActivity => PublicityActivity,
    standardisation_check::StandardisationCheck => StandardisationCheck,
    contingency_plan::ContingencyPlan => ContingencyPlan,
}

/// Village ids are short codes chosen by the township (e.g. `xingfu`, or the 12-digit
/// statistical code); this bounds them without dictating the scheme.
const VILLAGE_MAX_CHARS: usize = 40;

/// The header checks shared by every record type.
pub(crate) fn check_header(
    errors: &mut Vec<FieldError>,
    expected: RecordType,
    record_type: &str,
    (schema_version, current_version): (u64, u64),
    village: &str,
    created_by: &str,
) {
    let expected = expected.as_str();
    if record_type != expected {
        errors.push(FieldError::new(
            "type",
            "记录类型错误",
            &crate::en!("type must be \"{expected}\""),
        ));
    }
    if schema_version == 0 {
        errors.push(FieldError::new(
            "schema_version",
            "记录版本号缺失",
            &crate::en!("schema_version must be at least 1"),
        ));
    } else if schema_version > current_version {
        // A newer app wrote fields this code cannot check; accepting them unchecked would let
        // invalid data in, so the server must be upgraded before the apps.
        errors.push(FieldError::new(
            "schema_version",
            "记录由更新版本的应用写入，请先升级服务器",
            &crate::en!("schema_version {schema_version} is newer than {current_version}; upgrade the server"),
        ));
    }
    required_text(
        errors,
        "village",
        "所属村（居）",
        village,
        VILLAGE_MAX_CHARS,
    );
    required_text(errors, "created_by", "登记人", created_by, 60);
}

/// Years a yearly record (a responsibility letter, a standardisation check) can be for: none
/// before the system's records, none beyond any plan.
pub const YEARS: std::ops::RangeInclusive<u32> = 2000..=2100;

pub(crate) fn check_year(errors: &mut Vec<FieldError>, field: &str, label_zh: &str, year: u32) {
    if !YEARS.contains(&year) {
        errors.push(FieldError::new(
            field,
            &format!("{label_zh}应在{}年到{}年之间", YEARS.start(), YEARS.end()),
            &crate::en!(
                "{field} must be between {} and {}",
                YEARS.start(),
                YEARS.end()
            ),
        ));
    }
}

/// A list of names that needs at least one (who went, who screened): each entry is a name.
pub(crate) fn check_names(
    errors: &mut Vec<FieldError>,
    field: &str,
    label_zh: &str,
    names: &[String],
) {
    if names.is_empty() {
        errors.push(FieldError::required(field, label_zh));
    }
    for (i, name) in names.iter().enumerate() {
        required_text(
            errors,
            &format!("{field}[{i}]"),
            label_zh,
            name,
            household::NAME_MAX_CHARS,
        );
    }
}

/// Names each entry of `items` equal to an earlier one, so the form marks the repeat and
/// keeps the first.
pub(crate) fn check_no_repeats<T: PartialEq>(
    errors: &mut Vec<FieldError>,
    field: &str,
    label_zh: &str,
    items: &[T],
) {
    for (i, item) in items.iter().enumerate() {
        if items[..i].contains(item) {
            errors.push(FieldError::new(
                &format!("{field}[{i}]"),
                &format!("{label_zh}重复"),
                &crate::en!("{field}[{i}] repeats an earlier entry"),
            ));
        }
    }
}

/// The id of another record, as a form stores it: a typo here would link nothing, and no
/// one would notice until the ledger missed it.
pub(crate) fn check_reference(errors: &mut Vec<FieldError>, field: &str, label_zh: &str, id: &str) {
    if id.trim().is_empty() {
        errors.push(FieldError::required(field, label_zh));
    } else if DocumentId::parse(id).is_err() {
        errors.push(FieldError::new(
            field,
            &format!("{label_zh}不是有效的记录编号"),
            &crate::en!("{field} must be a record id (32 lowercase hex characters)"),
        ));
    }
}

/// Collects errors into the `validate` result shape.
pub(crate) fn finish(errors: Vec<FieldError>) -> Result<(), Vec<FieldError>> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! What the record tests share: who writes, on which day, and which fields a result names.

    use super::Authorship;
    use crate::validation::{Date, FieldError};

    pub(crate) fn by() -> Authorship {
        Authorship {
            village: "xingfu".into(),
            created_by: "worker1".into(),
            created_at_ms: 0,
        }
    }

    pub(crate) fn today() -> Date {
        Date::new(2022, 12, 31).expect("a real date")
    }

    /// A record id as devices make them.
    pub(crate) fn id(n: u8) -> String {
        crate::document::DocumentId::from_random_bytes([n; 16]).to_string()
    }

    /// The fields a validation result names, in order; empty when it passed.
    pub(crate) fn fields(result: Result<(), Vec<FieldError>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }
}
