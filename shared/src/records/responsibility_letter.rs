//! A responsibility letter (责任状): the township's comprehensive-governance committee
//! (镇综治委) and a village or unit sign one each year for the year's 综治 work, and others
//! for particular duties such as keeping the Dragon Boat races peaceful. The report counts
//! them ("共签订综治责任状**份，端午节划龙舟维稳责任状**份").

use autosurgeon::{Hydrate, Reconcile};

use super::shape::{Field, Shape, optional, required};
use super::vocabulary::LetterKind;
use super::{Authorship, RecordType, check_header, check_year, finish};
use crate::validation::{Date, FieldError, check_past_date, optional_text, required_text};

/// Long enough for "XX村（居）" or a company's full registered name.
const PARTY_MAX_CHARS: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct ResponsibilityLetter {
    #[autosurgeon(rename = "type")]
    pub record_type: String,
    pub schema_version: u64,
    pub village: String,
    pub created_by: String,
    pub created_at_ms: i64,
    pub kind: LetterKind,
    /// The year the letter is for.
    pub year: u32,
    /// What a special letter is about ("安全生产", "森林防火"); the other kinds are named by
    /// their kind.
    #[autosurgeon(missing = "Default::default")]
    pub title: Option<String>,
    /// The 镇综治委 side.
    pub issuer: String,
    /// The village or unit that answers for the work.
    pub signer: String,
    /// `YYYY-MM-DD`.
    pub signed_on: String,
}

impl ResponsibilityLetter {
    pub const SCHEMA_VERSION: u64 = 1;
    pub const SHAPE: &'static [Field] = SHAPE;

    pub fn new(
        by: &Authorship,
        kind: LetterKind,
        year: u32,
        issuer: &str,
        signer: &str,
        signed_on: &str,
    ) -> Self {
        Self {
            record_type: RecordType::ResponsibilityLetter.as_str().to_owned(),
            schema_version: Self::SCHEMA_VERSION,
            village: by.village.clone(),
            created_by: by.created_by.clone(),
            created_at_ms: by.created_at_ms,
            kind,
            year,
            title: None,
            issuer: issuer.trim().to_owned(),
            signer: signer.trim().to_owned(),
            signed_on: signed_on.trim().to_owned(),
        }
    }

    pub fn validate(&self, today: Date) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_header(
            &mut errors,
            RecordType::ResponsibilityLetter,
            &self.record_type,
            (self.schema_version, Self::SCHEMA_VERSION),
            &self.village,
            &self.created_by,
        );
        check_year(&mut errors, "year", "年度", self.year);
        let title = self.title.as_deref();
        if self.kind == LetterKind::Special && title.is_none_or(|t| t.trim().is_empty()) {
            errors.push(FieldError::new(
                "title",
                "专项责任状须写明名称",
                &crate::en!("title is required for a special letter"),
            ));
        }
        optional_text(&mut errors, "title", "责任状名称", title, 60);
        required_text(
            &mut errors,
            "issuer",
            "发状单位",
            &self.issuer,
            PARTY_MAX_CHARS,
        );
        required_text(
            &mut errors,
            "signer",
            "签状单位",
            &self.signer,
            PARTY_MAX_CHARS,
        );
        let signed = check_past_date(&mut errors, "signed_on", "签订日期", &self.signed_on, today);
        // A year's letter is signed at the start of that year or at the end of the one before.
        let year = i64::from(self.year);
        if let Some(signed) = signed
            && !(year - 1..=year).contains(&i64::from(signed.year()))
        {
            errors.push(FieldError::new(
                "signed_on",
                &format!("{}年度的责任状应在{}年或{}年签订", year, year - 1, year),
                &crate::en!("signed_on must fall in {} or {}", year - 1, year),
            ));
        }
        finish(errors)
    }
}

/// The document's shape after the header (`super::shape`).
const SHAPE: &[Field] = &[
    required("kind", Shape::OneOf(LetterKind::WIRE)),
    required("year", Shape::Uint),
    optional("title", Shape::Str),
    required("issuer", Shape::Str),
    required("signer", Shape::Str),
    required("signed_on", Shape::Str),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::shape::agreement::assert_shape_agrees;
    use crate::records::testing::{by, fields, today};

    fn letter(kind: LetterKind, signed_on: &str) -> ResponsibilityLetter {
        ResponsibilityLetter::new(&by(), kind, 2022, "镇综治委", "幸福村", signed_on)
    }

    #[test]
    fn an_annual_letter_signed_that_year_or_the_december_before_is_valid() {
        assert_eq!(
            letter(LetterKind::Annual, "2022-02-15").validate(today()),
            Ok(())
        );
        assert_eq!(
            letter(LetterKind::Annual, "2021-12-28").validate(today()),
            Ok(())
        );
        assert_eq!(
            letter(LetterKind::DragonBoat, "2022-05-20").validate(today()),
            Ok(())
        );
    }

    #[test]
    fn a_letter_is_signed_in_its_year_or_the_one_before() {
        let l = letter(LetterKind::Annual, "2020-12-28");
        assert_eq!(fields(l.validate(today())), ["signed_on"]);
        let mut l = letter(LetterKind::Annual, "2022-12-28");
        l.year = 2021;
        assert_eq!(fields(l.validate(today())), ["signed_on"]);
    }

    #[test]
    fn a_letter_cannot_be_signed_tomorrow() {
        let mut l = letter(LetterKind::Annual, "2023-01-01");
        l.year = 2023;
        assert_eq!(fields(l.validate(today())), ["signed_on"]);
    }

    #[test]
    fn a_special_letter_names_what_it_is_for() {
        let mut l = letter(LetterKind::Special, "2022-03-01");
        assert_eq!(fields(l.validate(today())), ["title"]);
        l.title = Some("森林防火责任状".into());
        assert_eq!(l.validate(today()), Ok(()));
    }

    #[test]
    fn the_year_is_a_plausible_one() {
        let mut l = letter(LetterKind::Annual, "2022-02-15");
        l.year = 22;
        assert_eq!(fields(l.validate(today())), ["year", "signed_on"]);
        l.year = 2101;
        assert_eq!(fields(l.validate(today())), ["year", "signed_on"]);
    }

    #[test]
    fn both_sides_of_a_letter_are_named() {
        let mut l = letter(LetterKind::Annual, "2022-02-15");
        l.issuer = String::new();
        l.signer = " ".into();
        assert_eq!(fields(l.validate(today())), ["issuer", "signer"]);
    }
    #[test]
    fn the_shape_agrees_with_autosurgeon() {
        let mut l = letter(LetterKind::Special, "2022-03-01");
        l.title = Some("森林防火责任状".into());
        assert_shape_agrees(&l, SHAPE);
    }
}
