//! A rental house (出租房屋): where floating residents live, registered with its landlord,
//! the security-responsibility letter (治安责任书) the landlord signed, and the last safety
//! check. Tenants are person records.

use autosurgeon::{Hydrate, Reconcile};

use super::household::{ADDRESS_MAX_CHARS, NAME_MAX_CHARS};
use super::shape::{Field, Shape, list, optional, required};
use super::{Authorship, Record, RecordType, check_header, finish};
use crate::validation::{
    Date, FieldError, check_optional_date, check_optional_phone, required_text,
};

/// More rooms than this is a dormitory block, registered differently.
const MAX_ROOMS: u64 = 500;

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct RentalHouse {
    #[autosurgeon(rename = "type")]
    pub record_type: String,
    pub schema_version: u64,
    pub village: String,
    pub created_by: String,
    pub created_at_ms: i64,
    pub address: String,
    pub landlord_name: String,
    #[autosurgeon(missing = "Default::default")]
    pub landlord_phone: Option<String>,
    /// Rooms let out.
    pub rooms: u64,
    /// Person record ids of current tenants.
    #[autosurgeon(missing = "Default::default")]
    pub tenant_ids: Vec<String>,
    /// `YYYY-MM-DD` the 治安责任书 was signed; absent until it is.
    #[autosurgeon(missing = "Default::default")]
    pub responsibility_letter_signed_on: Option<String>,
    /// `YYYY-MM-DD` of the last safety check.
    #[autosurgeon(missing = "Default::default")]
    pub last_safety_check_on: Option<String>,
}

impl RentalHouse {
    pub fn new(by: &Authorship, address: &str, landlord_name: &str, rooms: u64) -> Self {
        Self {
            record_type: Self::TYPE.as_str().to_owned(),
            schema_version: Self::SCHEMA_VERSION,
            village: by.village.clone(),
            created_by: by.created_by.clone(),
            created_at_ms: by.created_at_ms,
            address: address.trim().to_owned(),
            landlord_name: landlord_name.trim().to_owned(),
            landlord_phone: None,
            rooms,
            tenant_ids: Vec::new(),
            responsibility_letter_signed_on: None,
            last_safety_check_on: None,
        }
    }

    pub fn letter_signed(&self) -> bool {
        self.responsibility_letter_signed_on
            .as_deref()
            .is_some_and(|d| !d.is_empty())
    }
}

/// The document's shape after the header (`super::shape`).
const SHAPE: &[Field] = &[
    required("address", Shape::Str),
    required("landlord_name", Shape::Str),
    optional("landlord_phone", Shape::Str),
    required("rooms", Shape::Uint),
    list("tenant_ids", &Shape::Str),
    optional("responsibility_letter_signed_on", Shape::Str),
    optional("last_safety_check_on", Shape::Str),
];

impl Record for RentalHouse {
    const TYPE: RecordType = RecordType::RentalHouse;
    const SCHEMA_VERSION: u64 = 1;
    const SHAPE: &'static [Field] = SHAPE;

    fn village(&self) -> &str {
        &self.village
    }

    fn validate(&self, today: Date) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_header(
            &mut errors,
            Self::TYPE,
            &self.record_type,
            (self.schema_version, Self::SCHEMA_VERSION),
            &self.village,
            &self.created_by,
        );
        required_text(
            &mut errors,
            "address",
            "房屋地址",
            &self.address,
            ADDRESS_MAX_CHARS,
        );
        required_text(
            &mut errors,
            "landlord_name",
            "房东姓名",
            &self.landlord_name,
            NAME_MAX_CHARS,
        );
        check_optional_phone(
            &mut errors,
            "landlord_phone",
            "房东电话",
            self.landlord_phone.as_deref(),
        );
        if self.rooms == 0 || self.rooms > MAX_ROOMS {
            errors.push(FieldError::new(
                "rooms",
                &format!("出租间数应在1到{MAX_ROOMS}之间"),
                &crate::en!("rooms must be between 1 and {MAX_ROOMS}"),
            ));
        }
        for (field, label, value) in [
            (
                "responsibility_letter_signed_on",
                "责任书签订日期",
                &self.responsibility_letter_signed_on,
            ),
            (
                "last_safety_check_on",
                "最近安全检查日期",
                &self.last_safety_check_on,
            ),
        ] {
            if check_optional_date(&mut errors, field, label, value.as_deref())
                .is_some_and(|d| d > today)
            {
                errors.push(FieldError::new(
                    field,
                    &format!("{label}不能晚于今天"),
                    &crate::en!("{field} is in the future"),
                ));
            }
        }
        finish(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn house() -> RentalHouse {
        let by = Authorship {
            village: "xingfu".into(),
            created_by: "worker1".into(),
            created_at_ms: 0,
        };
        RentalHouse::new(&by, "幸福村2组5号", "周国强", 6)
    }

    fn today() -> Date {
        Date::new(2022, 12, 31).unwrap()
    }

    #[test]
    fn a_registered_house_is_valid() {
        assert_eq!(house().validate(today()), Ok(()));
        assert!(!house().letter_signed());
    }

    #[test]
    fn a_house_with_no_rooms_to_let_is_refused() {
        let mut h = house();
        h.rooms = 0;
        assert_eq!(h.validate(today()).unwrap_err()[0].field, "rooms");
    }

    #[test]
    fn a_letter_signed_tomorrow_is_refused() {
        let mut h = house();
        h.responsibility_letter_signed_on = Some("2023-01-01".into());
        let errors = h.validate(today()).unwrap_err();
        assert_eq!(errors[0].field, "responsibility_letter_signed_on");
    }

    #[test]
    fn an_impossible_safety_check_date_is_refused() {
        let mut h = house();
        h.last_safety_check_on = Some("2022-02-30".into());
        assert_eq!(
            h.validate(today()).unwrap_err()[0].field,
            "last_safety_check_on"
        );
    }
}
