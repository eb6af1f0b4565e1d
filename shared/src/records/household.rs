//! A household (户): the unit a village worker registers at the door.

use autosurgeon::{Hydrate, Reconcile};

use crate::records::RecordType;
use crate::validation::{FieldError, required_text};

/// Current layout of a household document. Bump when a field is added, and keep reading older
/// documents (see `docs/data-model.md`, "Adding a field").
pub const SCHEMA_VERSION: u64 = 1;

/// Long enough for any rural address written out in full, short enough to stop pasted junk.
const ADDRESS_MAX_CHARS: usize = 120;
/// Chinese names are 2–4 characters; 30 leaves room for ethnic-minority names in transliteration.
const NAME_MAX_CHARS: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Household {
    /// Always `"household"`; lets the server refuse documents of an unknown kind.
    #[autosurgeon(rename = "type")]
    pub record_type: String,
    pub schema_version: u64,
    /// Where the household lives, as the worker would write it on paper.
    pub address: String,
    /// Head of household (户主) name.
    pub head_of_household: String,
    /// When the record was first created, milliseconds since the Unix epoch (device clock).
    pub created_at_ms: i64,
}

impl Household {
    pub fn new(address: &str, head_of_household: &str, created_at_ms: i64) -> Self {
        Self {
            record_type: RecordType::Household.as_str().to_owned(),
            schema_version: SCHEMA_VERSION,
            address: address.trim().to_owned(),
            head_of_household: head_of_household.trim().to_owned(),
            created_at_ms,
        }
    }

    /// Every rule a household must satisfy before it is saved on a device or merged into the
    /// township's master copy. Returns all problems at once so a form can mark every field.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.record_type != RecordType::Household.as_str() {
            errors.push(FieldError::new(
                "type",
                "记录类型错误",
                "type must be \"household\"",
            ));
        }
        required_text(&mut errors, "address", "住址", &self.address, ADDRESS_MAX_CHARS);
        required_text(
            &mut errors,
            "head_of_household",
            "户主姓名",
            &self.head_of_household,
            NAME_MAX_CHARS,
        );
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_household_needs_an_address_and_a_head() {
        let errors = Household::new(" ", "", 0).validate().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["address", "head_of_household"]);
    }

    #[test]
    fn a_filled_in_household_is_valid() {
        assert_eq!(Household::new("幸福村3组12号", "王建国", 0).validate(), Ok(()));
    }

    #[test]
    fn a_document_claiming_another_type_is_refused() {
        let mut household = Household::new("幸福村3组12号", "王建国", 0);
        household.record_type = "dispute".into();
        assert_eq!(household.validate().unwrap_err()[0].field, "type");
    }
}
