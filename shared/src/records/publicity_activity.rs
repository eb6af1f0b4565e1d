//! A publicity activity (宣传): a day's 综治, 平安, 法制 or 禁毒 publicity by loudspeaker van,
//! leaflets, notice boards, broadcasts or talks. The report totals what was handed out,
//! written and put up ("发放各种资料**万余份，书写标语***多条，办宣传专栏**期"), so each
//! activity records those three counts.

use autosurgeon::{Hydrate, Reconcile};

use super::household::ADDRESS_MAX_CHARS;
use super::shape::{Field, Shape, list, optional, required};
use super::vocabulary::PublicityKind;
use super::{Authorship, RecordType, check_header, check_no_repeats, finish};
use crate::validation::{Date, FieldError, check_past_date, optional_text, required_text};

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct PublicityActivity {
    #[autosurgeon(rename = "type")]
    pub record_type: String,
    pub schema_version: u64,
    pub village: String,
    pub created_by: String,
    pub created_at_ms: i64,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    /// The means used; one activity often uses several.
    #[autosurgeon(missing = "Default::default")]
    pub kinds: Vec<PublicityKind>,
    /// 综治, 平安, 法制, 禁毒, 反邪教, 安全生产 …: the worker's words, because campaigns
    /// change every year.
    pub theme: String,
    /// Leaflets and other materials handed out (份).
    pub materials_handed_out: u32,
    /// Slogans written or hung (条).
    pub slogans_written: u32,
    /// Issues of a publicity column or board put up (期).
    pub columns_run: u32,
    #[autosurgeon(missing = "Default::default")]
    pub place: Option<String>,
}

impl PublicityActivity {
    pub const SCHEMA_VERSION: u64 = 1;
    pub const SHAPE: &'static [Field] = SHAPE;

    pub fn new(by: &Authorship, held_on: &str, theme: &str) -> Self {
        Self {
            record_type: RecordType::PublicityActivity.as_str().to_owned(),
            schema_version: Self::SCHEMA_VERSION,
            village: by.village.clone(),
            created_by: by.created_by.clone(),
            created_at_ms: by.created_at_ms,
            held_on: held_on.trim().to_owned(),
            kinds: Vec::new(),
            theme: theme.trim().to_owned(),
            materials_handed_out: 0,
            slogans_written: 0,
            columns_run: 0,
            place: None,
        }
    }

    pub fn validate(&self, today: Date) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_header(
            &mut errors,
            RecordType::PublicityActivity,
            &self.record_type,
            (self.schema_version, Self::SCHEMA_VERSION),
            &self.village,
            &self.created_by,
        );
        check_past_date(&mut errors, "held_on", "宣传日期", &self.held_on, today);
        if self.kinds.is_empty() {
            errors.push(FieldError::required("kinds", "宣传形式"));
        }
        check_no_repeats(&mut errors, "kinds", "宣传形式", &self.kinds);
        required_text(&mut errors, "theme", "宣传主题", &self.theme, 40);
        optional_text(
            &mut errors,
            "place",
            "地点",
            self.place.as_deref(),
            ADDRESS_MAX_CHARS,
        );
        finish(errors)
    }
}

/// The document's shape after the header (`super::shape`).
const SHAPE: &[Field] = &[
    required("held_on", Shape::Str),
    list("kinds", &Shape::OneOf(PublicityKind::WIRE)),
    required("theme", Shape::Str),
    required("materials_handed_out", Shape::Uint),
    required("slogans_written", Shape::Uint),
    required("columns_run", Shape::Uint),
    optional("place", Shape::Str),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::shape::agreement::assert_shape_agrees;
    use crate::records::testing::{by, fields, today};

    fn activity() -> PublicityActivity {
        let mut a = PublicityActivity::new(&by(), "2022-06-26", "禁毒");
        a.kinds = vec![PublicityKind::Vehicle, PublicityKind::Leaflet];
        a.materials_handed_out = 1_200;
        a
    }

    #[test]
    fn a_day_of_publicity_with_its_means_and_theme_is_valid() {
        let mut a = activity();
        assert_eq!(a.validate(today()), Ok(()));
        a.place = Some("集镇农贸市场".into());
        a.slogans_written = 15;
        a.columns_run = 1;
        assert_eq!(a.validate(today()), Ok(()));
    }

    #[test]
    fn an_activity_names_at_least_one_means() {
        let mut a = activity();
        a.kinds.clear();
        assert_eq!(fields(a.validate(today())), ["kinds"]);
    }

    #[test]
    fn a_means_is_listed_once() {
        let mut a = activity();
        a.kinds.push(PublicityKind::Vehicle);
        assert_eq!(fields(a.validate(today())), ["kinds[2]"]);
    }

    #[test]
    fn an_activity_has_a_theme() {
        let mut a = activity();
        a.theme = " ".into();
        assert_eq!(fields(a.validate(today())), ["theme"]);
    }

    #[test]
    fn an_activity_cannot_be_held_tomorrow() {
        let mut a = activity();
        a.held_on = "2023-01-01".into();
        assert_eq!(fields(a.validate(today())), ["held_on"]);
    }

    #[test]
    fn the_place_is_bounded() {
        let mut a = activity();
        a.place = Some("场".repeat(ADDRESS_MAX_CHARS + 1));
        assert_eq!(fields(a.validate(today())), ["place"]);
    }
    #[test]
    fn the_shape_agrees_with_autosurgeon() {
        let mut a = activity();
        a.place = Some("集镇农贸市场".into());
        assert_shape_agrees(&a, SHAPE);
    }
}
