//! A standardisation check (综治规范化建设检查): the township's yearly inspection of a
//! village's comprehensive-governance set-up against the 四个一 and 五个有
//! ([`StandardItem`]). A village that falls short is ordered to put it right by a date
//! ("未达标的村（居）责令其限期整改"); the report counts the villages that meet the standard.

use autosurgeon::{Hydrate, Reconcile};

use super::household::NAME_MAX_CHARS;
use super::shape::{Field, Shape, list, optional, required};
use super::vocabulary::{CheckResult, StandardItem};
use super::{Authorship, RecordType, check_header, check_year, finish};
use crate::validation::{Date, FieldError, check_optional_date, check_past_date, required_text};

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct StandardisationCheck {
    #[autosurgeon(rename = "type")]
    pub record_type: String,
    pub schema_version: u64,
    pub village: String,
    pub created_by: String,
    pub created_at_ms: i64,
    /// `YYYY-MM-DD`.
    pub checked_on: String,
    /// The year assessed.
    pub year: u32,
    /// Every [`StandardItem`] once, ticked or not.
    #[autosurgeon(missing = "Default::default")]
    pub items: Vec<CheckItem>,
    pub result: CheckResult,
    /// `YYYY-MM-DD` by which a village that must rectify has to have done so.
    #[autosurgeon(missing = "Default::default")]
    pub rectify_by: Option<String>,
    pub checker: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct CheckItem {
    pub item: StandardItem,
    pub met: bool,
}

impl StandardisationCheck {
    pub const SCHEMA_VERSION: u64 = 1;
    pub const SHAPE: &'static [Field] = SHAPE;

    /// Every item listed and none yet met, so the result starts at `rectify` and the form
    /// only ticks what the checker saw.
    pub fn new(by: &Authorship, checked_on: &str, year: u32, checker: &str) -> Self {
        Self {
            record_type: RecordType::StandardisationCheck.as_str().to_owned(),
            schema_version: Self::SCHEMA_VERSION,
            village: by.village.clone(),
            created_by: by.created_by.clone(),
            created_at_ms: by.created_at_ms,
            checked_on: checked_on.trim().to_owned(),
            year,
            items: StandardItem::ALL
                .iter()
                .map(|&item| CheckItem { item, met: false })
                .collect(),
            result: CheckResult::Rectify,
            rectify_by: None,
            checker: checker.trim().to_owned(),
        }
    }

    /// Whether every item of the standard is listed and met: the village 达标.
    pub fn meets_standard(&self) -> bool {
        StandardItem::ALL.iter().all(|item| {
            self.items
                .iter()
                .any(|checked| checked.item == *item && checked.met)
        })
    }

    pub fn validate(&self, today: Date) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_header(
            &mut errors,
            RecordType::StandardisationCheck,
            &self.record_type,
            (self.schema_version, Self::SCHEMA_VERSION),
            &self.village,
            &self.created_by,
        );
        let checked = check_past_date(
            &mut errors,
            "checked_on",
            "检查日期",
            &self.checked_on,
            today,
        );
        check_year(&mut errors, "year", "年度", self.year);
        self.check_items(&mut errors);
        if self.result == CheckResult::Passed && !self.meets_standard() {
            errors.push(FieldError::new(
                "result",
                "有未达到的检查项目，不能评为达标",
                &crate::en!("result is passed but not every item is met"),
            ));
        }
        let rectify_by = self.rectify_by.as_deref();
        let deadline = check_optional_date(&mut errors, "rectify_by", "整改期限", rectify_by);
        match (self.result, rectify_by.filter(|d| !d.trim().is_empty())) {
            (CheckResult::Rectify, None) => {
                errors.push(FieldError::required("rectify_by", "整改期限"));
            }
            (CheckResult::Passed, Some(_)) => errors.push(FieldError::new(
                "rectify_by",
                "达标的不设整改期限",
                &crate::en!("rectify_by is only for a result of rectify"),
            )),
            _ => {}
        }
        if let (Some(checked), Some(deadline)) = (checked, deadline)
            && deadline <= checked
        {
            errors.push(FieldError::new(
                "rectify_by",
                "整改期限应晚于检查日期",
                &crate::en!("rectify_by must be after checked_on"),
            ));
        }
        required_text(
            &mut errors,
            "checker",
            "检查人",
            &self.checker,
            NAME_MAX_CHARS,
        );
        finish(errors)
    }

    /// Each item of the standard exactly once: a missing one is named on `items`, a repeat on
    /// its own entry.
    fn check_items(&self, errors: &mut Vec<FieldError>) {
        for (i, checked) in self.items.iter().enumerate() {
            if self.items[..i]
                .iter()
                .any(|earlier| earlier.item == checked.item)
            {
                let label = checked.item.label_zh();
                errors.push(FieldError::new(
                    &format!("items[{i}]"),
                    &format!("检查项目“{label}”重复"),
                    &crate::en!("items[{i}]: {} is listed twice", checked.item.as_str()),
                ));
            }
        }
        for item in StandardItem::ALL {
            if !self.items.iter().any(|checked| checked.item == *item) {
                let label = item.label_zh();
                errors.push(FieldError::new(
                    "items",
                    &format!("缺少检查项目“{label}”"),
                    &crate::en!("items: {} is missing", item.as_str()),
                ));
            }
        }
    }
}

/// The document's shape after the header (`super::shape`).
const SHAPE: &[Field] = &[
    required("checked_on", Shape::Str),
    required("year", Shape::Uint),
    list("items", &Shape::Map(ITEM_SHAPE)),
    required("result", Shape::OneOf(CheckResult::WIRE)),
    optional("rectify_by", Shape::Str),
    required("checker", Shape::Str),
];

const ITEM_SHAPE: &[Field] = &[
    required("item", Shape::OneOf(StandardItem::WIRE)),
    required("met", Shape::Bool),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::shape::agreement::assert_shape_agrees;
    use crate::records::testing::{by, fields, today};

    fn passed() -> StandardisationCheck {
        let mut c = StandardisationCheck::new(&by(), "2022-11-20", 2022, "镇综治办张主任");
        c.items.iter_mut().for_each(|i| i.met = true);
        c.result = CheckResult::Passed;
        c
    }

    fn to_rectify() -> StandardisationCheck {
        let mut c = passed();
        c.items[5].met = false;
        c.result = CheckResult::Rectify;
        c.rectify_by = Some("2023-01-31".into());
        c
    }

    #[test]
    fn a_village_meeting_every_item_passes() {
        assert!(passed().meets_standard());
        assert_eq!(passed().validate(today()), Ok(()));
    }

    #[test]
    fn a_village_short_of_an_item_is_given_a_date_to_rectify() {
        assert!(!to_rectify().meets_standard());
        assert_eq!(to_rectify().validate(today()), Ok(()));
    }

    #[test]
    fn a_village_short_of_an_item_cannot_pass() {
        let mut c = to_rectify();
        c.result = CheckResult::Passed;
        assert_eq!(fields(c.validate(today())), ["result", "rectify_by"]);
    }

    #[test]
    fn rectifying_needs_a_deadline_after_the_check() {
        let mut c = to_rectify();
        c.rectify_by = None;
        assert_eq!(fields(c.validate(today())), ["rectify_by"]);
        c.rectify_by = Some("2022-11-20".into());
        assert_eq!(fields(c.validate(today())), ["rectify_by"]);
    }

    #[test]
    fn a_passed_check_sets_no_deadline() {
        let mut c = passed();
        c.rectify_by = Some("2023-01-31".into());
        assert_eq!(fields(c.validate(today())), ["rectify_by"]);
    }

    #[test]
    fn every_item_of_the_standard_is_checked_exactly_once() {
        let mut c = passed();
        let missing = c.items.remove(0);
        c.items.push(c.items[0].clone());
        assert_eq!(fields(c.validate(today())), ["items[8]", "items", "result"]);
        assert_eq!(missing.item, StandardItem::Deputy);
        assert!(!c.meets_standard());
    }

    #[test]
    fn the_check_has_a_checker_a_plausible_year_and_no_future_date() {
        let mut c = passed();
        c.checker = String::new();
        c.year = 1999;
        c.checked_on = "2023-01-01".into();
        assert_eq!(
            fields(c.validate(today())),
            ["checked_on", "year", "checker"]
        );
    }
    #[test]
    fn the_shape_agrees_with_autosurgeon() {
        assert_shape_agrees(&to_rectify(), SHAPE);
    }
}
