//! A key person (重点人员): someone the village keeps in view — a persistent petitioner, a
//! released prisoner, a person under community correction, with a severe mental illness or
//! using drugs — paired with a cadre (结对干部) who visits and reports anything unusual.
//!
//! Sensitive: of everything the township holds, this list would do most harm if it leaked.
//! `responsible_cadre_username` names the account meant to see the record besides the
//! office; enforcing that is for the server and the app when the type is wired in.

use autosurgeon::{Hydrate, Reconcile};

use super::household::{ADDRESS_MAX_CHARS, NAME_MAX_CHARS};
use super::shape::{Field, Shape, list, optional, required};
use super::vocabulary::KeyPersonCategory;
use super::{Authorship, RecordType, check_header, finish};
use crate::validation::{
    Date, FieldError, check_optional_past_date, check_past_date, check_stored_citizen_id,
    optional_text, required_text,
};

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct KeyPerson {
    #[autosurgeon(rename = "type")]
    pub record_type: String,
    pub schema_version: u64,
    pub village: String,
    pub created_by: String,
    pub created_at_ms: i64,
    pub name: String,
    /// 公民身份号码, normalised as in person records.
    #[autosurgeon(missing = "Default::default")]
    pub citizen_id: Option<String>,
    pub category: KeyPersonCategory,
    pub address: String,
    /// 结对干部: the cadre answerable for the person.
    pub responsible_cadre: String,
    #[autosurgeon(missing = "Default::default")]
    pub responsible_cadre_username: Option<String>,
    /// `YYYY-MM-DD` the pairing began.
    pub paired_on: String,
    #[autosurgeon(missing = "Default::default")]
    pub visits: Vec<KeyPersonVisit>,
    /// `YYYY-MM-DD` the village stopped keeping watch (撤销管控).
    #[autosurgeon(missing = "Default::default")]
    pub closed_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct KeyPersonVisit {
    pub visited_on: String,
    /// Who visited.
    pub by: String,
    /// What they found (近期表现, 思想动态).
    pub situation: String,
    /// 发现异常: something the office must hear about.
    pub concern: bool,
}

impl KeyPerson {
    pub const SCHEMA_VERSION: u64 = 1;
    pub const SHAPE: &'static [Field] = SHAPE;

    pub fn new(
        by: &Authorship,
        name: &str,
        category: KeyPersonCategory,
        responsible_cadre: &str,
        paired_on: &str,
    ) -> Self {
        Self {
            record_type: RecordType::KeyPerson.as_str().to_owned(),
            schema_version: Self::SCHEMA_VERSION,
            village: by.village.clone(),
            created_by: by.created_by.clone(),
            created_at_ms: by.created_at_ms,
            name: name.trim().to_owned(),
            citizen_id: None,
            category,
            address: String::new(),
            responsible_cadre: responsible_cadre.trim().to_owned(),
            responsible_cadre_username: None,
            paired_on: paired_on.trim().to_owned(),
            visits: Vec::new(),
            closed_on: None,
        }
    }

    pub fn validate(&self, today: Date) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_header(
            &mut errors,
            RecordType::KeyPerson,
            &self.record_type,
            (self.schema_version, Self::SCHEMA_VERSION),
            &self.village,
            &self.created_by,
        );
        required_text(&mut errors, "name", "姓名", &self.name, NAME_MAX_CHARS);
        let citizen_id = self.citizen_id.as_deref();
        check_stored_citizen_id(&mut errors, "citizen_id", citizen_id, today);
        required_text(
            &mut errors,
            "address",
            "住址",
            &self.address,
            ADDRESS_MAX_CHARS,
        );
        required_text(
            &mut errors,
            "responsible_cadre",
            "结对干部",
            &self.responsible_cadre,
            NAME_MAX_CHARS,
        );
        optional_text(
            &mut errors,
            "responsible_cadre_username",
            "结对干部账号",
            self.responsible_cadre_username.as_deref(),
            60,
        );
        let paired = check_past_date(&mut errors, "paired_on", "结对日期", &self.paired_on, today);
        for (i, visit) in self.visits.iter().enumerate() {
            let at = |field: &str| format!("visits[{i}].{field}");
            check_past_date(
                &mut errors,
                &at("visited_on"),
                "走访日期",
                &visit.visited_on,
                today,
            );
            required_text(&mut errors, &at("by"), "走访人", &visit.by, NAME_MAX_CHARS);
            required_text(
                &mut errors,
                &at("situation"),
                "走访情况",
                &visit.situation,
                500,
            );
        }
        let closed = check_optional_past_date(
            &mut errors,
            "closed_on",
            "撤销管控日期",
            self.closed_on.as_deref(),
            today,
        );
        if let (Some(paired), Some(closed)) = (paired, closed)
            && closed < paired
        {
            errors.push(FieldError::new(
                "closed_on",
                "撤销管控日期不能早于结对日期",
                &crate::en!("closed_on is before paired_on"),
            ));
        }
        finish(errors)
    }
}

/// The document's shape after the header (`super::shape`).
const SHAPE: &[Field] = &[
    required("name", Shape::Str),
    optional("citizen_id", Shape::Str),
    required("category", Shape::OneOf(KeyPersonCategory::WIRE)),
    required("address", Shape::Str),
    required("responsible_cadre", Shape::Str),
    optional("responsible_cadre_username", Shape::Str),
    required("paired_on", Shape::Str),
    list("visits", &Shape::Map(VISIT_SHAPE)),
    optional("closed_on", Shape::Str),
];

const VISIT_SHAPE: &[Field] = &[
    required("visited_on", Shape::Str),
    required("by", Shape::Str),
    required("situation", Shape::Str),
    required("concern", Shape::Bool),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::shape::agreement::assert_shape_agrees;
    use crate::records::testing::{by, fields, today};

    fn person() -> KeyPerson {
        let category = KeyPersonCategory::Released;
        let mut p = KeyPerson::new(&by(), "刘某", category, "周书记", "2022-01-10");
        p.address = "幸福村4组8号".into();
        p
    }

    fn visit(on: &str) -> KeyPersonVisit {
        KeyPersonVisit {
            visited_on: on.into(),
            by: "周书记".into(),
            situation: "在园区务工，表现稳定".into(),
            concern: false,
        }
    }

    #[test]
    fn a_paired_person_with_visits_is_valid() {
        let mut p = person();
        p.citizen_id = Some("11010519491231002X".into());
        p.responsible_cadre_username = Some("zhou".into());
        p.visits = vec![visit("2022-02-10"), visit("2022-03-10")];
        p.closed_on = Some("2022-12-01".into());
        assert_eq!(p.validate(today()), Ok(()));
    }

    #[test]
    fn an_id_number_is_checked_and_stored_normalised() {
        let mut p = person();
        p.citizen_id = Some("110105194912310021".into());
        assert_eq!(fields(p.validate(today())), ["citizen_id"]);
        p.citizen_id = Some("11010519491231002x".into());
        assert_eq!(fields(p.validate(today())), ["citizen_id"]);
    }

    #[test]
    fn every_key_person_has_a_responsible_cadre() {
        let mut p = person();
        p.responsible_cadre = " ".into();
        assert_eq!(fields(p.validate(today())), ["responsible_cadre"]);
    }

    #[test]
    fn a_key_person_needs_a_name_an_address_and_a_pairing_date() {
        let mut p = person();
        p.name = String::new();
        p.address = String::new();
        p.paired_on = "2023-01-01".into();
        assert_eq!(
            fields(p.validate(today())),
            ["name", "address", "paired_on"]
        );
    }

    #[test]
    fn a_visit_says_who_went_when_and_what_they_found() {
        let mut p = person();
        p.visits = vec![visit("2023-01-01")];
        p.visits[0].by = String::new();
        p.visits[0].situation = String::new();
        let found = fields(p.validate(today()));
        let expected = [
            "visits[0].visited_on",
            "visits[0].by",
            "visits[0].situation",
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn watch_cannot_end_before_the_pairing_began() {
        let mut p = person();
        p.closed_on = Some("2022-01-09".into());
        assert_eq!(fields(p.validate(today())), ["closed_on"]);
        p.closed_on = Some("2023-01-01".into());
        assert_eq!(fields(p.validate(today())), ["closed_on"]);
    }
    #[test]
    fn the_shape_agrees_with_autosurgeon() {
        let mut p = person();
        p.citizen_id = Some("11010519491231002X".into());
        p.responsible_cadre_username = Some("zhou".into());
        p.visits = vec![visit("2022-02-10")];
        p.closed_on = Some("2022-12-01".into());
        assert_shape_agrees(&p, SHAPE);
    }
}
