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

pub mod dispute;
pub mod household;
pub mod limits;
pub mod links;
pub mod outreach;
pub mod person;
pub mod rental_house;
pub mod shape;
pub mod vocabulary;

use autosurgeon::{Hydrate, Reconcile};

use crate::validation::{Date, FieldError, required_text};

/// The record types the server accepts. The string is the document's `type` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordType {
    Household,
    Person,
    RentalHouse,
    Dispute,
    OutreachVisit,
}

impl RecordType {
    pub const ALL: [RecordType; 5] = [
        RecordType::Household,
        RecordType::Person,
        RecordType::RentalHouse,
        RecordType::Dispute,
        RecordType::OutreachVisit,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            RecordType::Household => "household",
            RecordType::Person => "person",
            RecordType::RentalHouse => "rental_house",
            RecordType::Dispute => "dispute",
            RecordType::OutreachVisit => "outreach_visit",
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            RecordType::Household => "住户",
            RecordType::Person => "人员",
            RecordType::RentalHouse => "出租房屋",
            RecordType::Dispute => "矛盾纠纷",
            RecordType::OutreachVisit => "下访走访",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
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
    if record_type != expected.as_str() {
        errors.push(FieldError::new(
            "type",
            "记录类型错误",
            &crate::en!("type must be \"{}\"", expected.as_str()),
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

/// Collects errors into the `validate` result shape.
pub(crate) fn finish(errors: Vec<FieldError>) -> Result<(), Vec<FieldError>> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
