//! A person (人员): a household member or a floating resident (流动人口).
//!
//! Floating residents are managed "by certificate, by rented house, by employer"
//! (以证管人、以房管人、以业管人): the residence-permit number, the rental house they live in
//! and their employer are what the township checks them by.

use autosurgeon::{Hydrate, Reconcile};

use super::household::{ADDRESS_MAX_CHARS, NAME_MAX_CHARS};
use super::shape::{Field, Shape, optional, required};
use super::vocabulary::{FloatingReason, Sex};
use super::{Authorship, Record, RecordType, check_header, finish};
use crate::validation::{
    CitizenId, Date, FieldError, check_date, check_optional_date, check_optional_phone,
    check_stored_citizen_id, required_text,
};

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Person {
    #[autosurgeon(rename = "type")]
    pub record_type: String,
    pub schema_version: u64,
    pub village: String,
    pub created_by: String,
    pub created_at_ms: i64,
    pub name: String,
    /// 公民身份号码, normalised (18 characters, upper-case `X`). Optional: children and some
    /// floating residents are registered before the number is known.
    #[autosurgeon(missing = "Default::default")]
    pub citizen_id: Option<String>,
    /// Derived from the ID number when there is one; entered by hand otherwise.
    #[autosurgeon(missing = "Default::default")]
    pub sex: Option<Sex>,
    /// `YYYY-MM-DD`; derived from the ID number when there is one.
    #[autosurgeon(missing = "Default::default")]
    pub birth_date: Option<String>,
    #[autosurgeon(missing = "Default::default")]
    pub phone: Option<String>,
    /// 户籍地: where the person's household registration is.
    #[autosurgeon(missing = "Default::default")]
    pub registered_residence: Option<String>,
    /// The household record this person belongs to, if any.
    #[autosurgeon(missing = "Default::default")]
    pub household_id: Option<String>,
    /// Present for floating residents only.
    #[autosurgeon(missing = "Default::default")]
    pub floating: Option<FloatingResident>,
    /// Set when the township office merged this record into another registration of the same
    /// person (a duplicate): the record id kept. The merged-away record stays, with its
    /// history, but lists and figures count only the kept one.
    #[autosurgeon(missing = "Default::default")]
    pub merged_into: Option<String>,
}

/// 流动人口 details.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct FloatingResident {
    /// 来源地: where they came from (province or city).
    pub origin: String,
    /// `YYYY-MM-DD`.
    pub arrival_date: String,
    pub reason: FloatingReason,
    /// 以业管人: the employer.
    #[autosurgeon(missing = "Default::default")]
    pub employer: Option<String>,
    /// 以房管人: the rental-house record they live in.
    #[autosurgeon(missing = "Default::default")]
    pub rented_house_id: Option<String>,
    /// 以证管人: residence permit (居住证) number.
    #[autosurgeon(missing = "Default::default")]
    pub residence_permit_number: Option<String>,
    /// `YYYY-MM-DD`, once they have left.
    #[autosurgeon(missing = "Default::default")]
    pub departure_date: Option<String>,
}

impl Person {
    pub fn new(by: &Authorship, name: &str) -> Self {
        Self {
            record_type: Self::TYPE.as_str().to_owned(),
            schema_version: Self::SCHEMA_VERSION,
            village: by.village.clone(),
            created_by: by.created_by.clone(),
            created_at_ms: by.created_at_ms,
            name: name.trim().to_owned(),
            citizen_id: None,
            sex: None,
            birth_date: None,
            phone: None,
            registered_residence: None,
            household_id: None,
            floating: None,
            merged_into: None,
        }
    }

    /// Sets the ID number and everything it determines: the normalised number, sex, birth
    /// date, and (for a floating resident with no origin yet) the province of origin.
    /// Returns the parse error unchanged so a form can show it on the ID field.
    pub fn set_citizen_id(&mut self, input: &str, today: Date) -> Result<CitizenId, FieldError> {
        let id = CitizenId::parse(input, today).map_err(|e| e.into_field_error("citizen_id"))?;
        self.citizen_id = Some(id.as_str().to_owned());
        self.sex = Some(id.sex());
        self.birth_date = Some(id.birth_date().to_string());
        if let (Some(floating), Some(province)) = (&mut self.floating, id.province_name())
            && floating.origin.trim().is_empty()
        {
            floating.origin = province.to_owned();
        }
        Ok(id)
    }

    /// Present in the township on `day`: arrived by then and not yet departed.
    pub fn is_floating_resident_present_on(&self, day: Date) -> bool {
        let Some(floating) = &self.floating else {
            return false;
        };
        let arrived = Date::parse(&floating.arrival_date).is_ok_and(|d| d <= day);
        let departed = floating
            .departure_date
            .as_deref()
            .and_then(|d| Date::parse(d).ok())
            .is_some_and(|d| d <= day);
        arrived && !departed
    }
}

/// The document's shape after the header (`super::shape`).
const SHAPE: &[Field] = &[
    required("name", Shape::Str),
    optional("citizen_id", Shape::Str),
    optional("sex", Shape::OneOf(Sex::WIRE)),
    optional("birth_date", Shape::Str),
    optional("phone", Shape::Str),
    optional("registered_residence", Shape::Str),
    optional("household_id", Shape::Str),
    optional("floating", Shape::Map(FLOATING_SHAPE)),
    optional("merged_into", Shape::Str),
];

const FLOATING_SHAPE: &[Field] = &[
    required("origin", Shape::Str),
    required("arrival_date", Shape::Str),
    required("reason", Shape::OneOf(FloatingReason::WIRE)),
    optional("employer", Shape::Str),
    optional("rented_house_id", Shape::Str),
    optional("residence_permit_number", Shape::Str),
    optional("departure_date", Shape::Str),
];

impl Record for Person {
    const TYPE: RecordType = RecordType::Person;
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
        required_text(&mut errors, "name", "姓名", &self.name, NAME_MAX_CHARS);
        let id =
            check_stored_citizen_id(&mut errors, "citizen_id", self.citizen_id.as_deref(), today);
        if let Some(id) = &id {
            if self.sex.is_some_and(|sex| sex != id.sex()) {
                errors.push(FieldError::new(
                    "sex",
                    &format!("性别与身份证号不符（身份证号为{}）", id.sex().label_zh()),
                    &crate::en!("sex does not match the citizen ID number"),
                ));
            }
            if self
                .birth_date
                .as_deref()
                .is_some_and(|d| d != id.birth_date().to_string())
            {
                errors.push(FieldError::new(
                    "birth_date",
                    &format!("出生日期与身份证号不符（身份证号为{}）", id.birth_date()),
                    &crate::en!("birth_date does not match the citizen ID number"),
                ));
            }
        }
        let birth = self.birth_date.as_deref().filter(|d| !d.is_empty());
        if let Some(birth) = birth
            && check_date(&mut errors, "birth_date", "出生日期", birth).is_some_and(|d| d > today)
        {
            errors.push(FieldError::new(
                "birth_date",
                "出生日期不能晚于今天",
                &crate::en!("birth_date is in the future"),
            ));
        }
        check_optional_phone(&mut errors, "phone", "联系电话", self.phone.as_deref());
        if let Some(residence) = &self.registered_residence {
            required_text(
                &mut errors,
                "registered_residence",
                "户籍地",
                residence,
                ADDRESS_MAX_CHARS,
            );
        }
        if let Some(floating) = &self.floating {
            check_floating(&mut errors, floating, today);
        }
        finish(errors)
    }
}

fn check_floating(errors: &mut Vec<FieldError>, floating: &FloatingResident, today: Date) {
    required_text(
        errors,
        "floating.origin",
        "来源地",
        &floating.origin,
        ADDRESS_MAX_CHARS,
    );
    let arrival = check_date(
        errors,
        "floating.arrival_date",
        "来本地日期",
        &floating.arrival_date,
    );
    if arrival.is_some_and(|d| d > today) {
        errors.push(FieldError::new(
            "floating.arrival_date",
            "来本地日期不能晚于今天",
            &crate::en!("arrival_date is in the future"),
        ));
    }
    let departure = check_optional_date(
        errors,
        "floating.departure_date",
        "离开日期",
        floating.departure_date.as_deref(),
    );
    if let (Some(arrival), Some(departure)) = (arrival, departure)
        && departure < arrival
    {
        errors.push(FieldError::new(
            "floating.departure_date",
            "离开日期不能早于来本地日期",
            &crate::en!("departure_date is before arrival_date"),
        ));
    }
    if let Some(employer) = &floating.employer {
        required_text(errors, "floating.employer", "工作单位", employer, 80);
    }
    if let Some(permit) = &floating.residence_permit_number {
        required_text(
            errors,
            "floating.residence_permit_number",
            "居住证号",
            permit,
            40,
        );
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

    fn today() -> Date {
        Date::new(2022, 12, 31).unwrap()
    }

    fn floating(arrival: &str) -> FloatingResident {
        FloatingResident {
            origin: String::new(),
            arrival_date: arrival.into(),
            reason: FloatingReason::Work,
            employer: Some("园区电子厂".into()),
            rented_house_id: None,
            residence_permit_number: None,
            departure_date: None,
        }
    }

    #[test]
    fn entering_the_id_number_fills_sex_birth_date_and_origin() {
        let mut person = Person::new(&by(), "李秀英");
        person.floating = Some(floating("2022-03-01"));
        person
            .set_citizen_id("11010519491231002x", today())
            .unwrap();
        assert_eq!(person.citizen_id.as_deref(), Some("11010519491231002X"));
        assert_eq!(person.sex, Some(Sex::Female));
        assert_eq!(person.birth_date.as_deref(), Some("1949-12-31"));
        assert_eq!(person.floating.as_ref().unwrap().origin, "北京市");
        assert_eq!(person.validate(today()), Ok(()));
    }

    #[test]
    fn a_mistyped_id_number_is_refused_on_its_field() {
        let mut person = Person::new(&by(), "李秀英");
        let error = person
            .set_citizen_id("110105194912310021", today())
            .unwrap_err();
        assert_eq!(error.field, "citizen_id");
        assert_eq!(person.citizen_id, None);
    }

    #[test]
    fn sex_or_birth_date_contradicting_the_id_number_is_refused() {
        let mut person = Person::new(&by(), "李秀英");
        person
            .set_citizen_id("11010519491231002X", today())
            .unwrap();
        person.sex = Some(Sex::Male);
        person.birth_date = Some("1950-01-01".into());
        let fields: Vec<_> = person
            .validate(today())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["sex", "birth_date"]);
    }

    #[test]
    fn a_floating_resident_cannot_leave_before_arriving() {
        let mut person = Person::new(&by(), "张伟");
        let mut details = floating("2022-03-01");
        details.origin = "四川省".into();
        details.departure_date = Some("2022-02-01".into());
        person.floating = Some(details);
        let errors = person.validate(today()).unwrap_err();
        assert_eq!(errors[0].field, "floating.departure_date");
    }

    #[test]
    fn an_arrival_in_the_future_is_refused() {
        let mut person = Person::new(&by(), "张伟");
        let mut details = floating("2023-01-01");
        details.origin = "四川省".into();
        person.floating = Some(details);
        assert_eq!(
            person.validate(today()).unwrap_err()[0].field,
            "floating.arrival_date"
        );
    }

    #[test]
    fn presence_runs_from_arrival_until_departure() {
        let mut person = Person::new(&by(), "张伟");
        let mut details = floating("2022-03-01");
        details.departure_date = Some("2022-09-30".into());
        person.floating = Some(details);
        assert!(!person.is_floating_resident_present_on(Date::new(2022, 2, 28).unwrap()));
        assert!(person.is_floating_resident_present_on(Date::new(2022, 3, 1).unwrap()));
        assert!(!person.is_floating_resident_present_on(Date::new(2022, 9, 30).unwrap()));
    }
}
