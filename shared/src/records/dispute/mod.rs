//! A dispute (矛盾纠纷): found in the weekly screening, brought by a walk-in, an outreach visit
//! or a petition (信访), or assigned from above; mediated in sessions; escalated from the group
//! to the village to the township when it cannot be settled lower down; closed with a result,
//! often with a signed agreement (调解协议 / 息诉息访协议).
//!
//! Status changes go through [`lifecycle`]; [`Dispute::validate`] checks the invariants the
//! state machine keeps, because the server only sees the resulting document.

pub mod lifecycle;

use autosurgeon::{Hydrate, Reconcile};

use super::household::NAME_MAX_CHARS;
use super::shape::{Field, Shape, list, optional, required};
use super::vocabulary::{
    AgreementKind, DisputeCategory, DisputeLevel, DisputeSource, DisputeStatus, MediationResult,
    Resolution,
};
use super::{Authorship, Record, RecordType, check_header, finish};
use crate::validation::{
    Date, FieldError, check_date, check_optional_date, check_optional_phone, required_text,
};

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Dispute {
    #[autosurgeon(rename = "type")]
    pub record_type: String,
    pub schema_version: u64,
    pub village: String,
    pub created_by: String,
    pub created_at_ms: i64,
    /// `YYYY-MM-DD` the dispute was found or brought (排查/登记日期).
    pub registered_on: String,
    pub category: DisputeCategory,
    /// What the dispute is about.
    pub summary: String,
    #[autosurgeon(missing = "Default::default")]
    pub parties: Vec<Party>,
    pub source: DisputeSource,
    pub level: DisputeLevel,
    pub status: DisputeStatus,
    /// 包案领导: the leader who owns an escalated case.
    #[autosurgeon(missing = "Default::default")]
    pub responsible_leader: Option<String>,
    /// `YYYY-MM-DD` by which it must be settled.
    #[autosurgeon(missing = "Default::default")]
    pub deadline: Option<String>,
    #[autosurgeon(missing = "Default::default")]
    pub mediations: Vec<MediationSession>,
    #[autosurgeon(missing = "Default::default")]
    pub agreement: Option<Agreement>,
    /// 信访积案: a long-standing petition case the township is working off.
    pub petition_backlog: bool,
    #[autosurgeon(missing = "Default::default")]
    pub escalations: Vec<Escalation>,
    #[autosurgeon(missing = "Default::default")]
    pub closure: Option<Closure>,
    #[autosurgeon(missing = "Default::default")]
    pub reopenings: Vec<Reopening>,
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Party {
    pub name: String,
    #[autosurgeon(missing = "Default::default")]
    pub person_id: Option<String>,
    #[autosurgeon(missing = "Default::default")]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct MediationSession {
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub mediator: String,
    /// What was done: who was talked to, what was proposed.
    pub actions: String,
    pub result: MediationResult,
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Agreement {
    pub kind: AgreementKind,
    /// `YYYY-MM-DD`.
    pub signed_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Escalation {
    pub from: DisputeLevel,
    pub to: DisputeLevel,
    pub by: String,
    /// `YYYY-MM-DD`.
    pub on: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Closure {
    pub by: String,
    /// `YYYY-MM-DD`.
    pub on: String,
    pub resolution: Resolution,
    /// The outcome in words (调处结果).
    pub result: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Reopening {
    pub by: String,
    /// `YYYY-MM-DD`.
    pub on: String,
    pub reason: String,
    /// The closure being undone, kept so the case history stays whole.
    pub previous_closure: Closure,
}

impl Dispute {
    pub fn new(
        by: &Authorship,
        registered_on: &str,
        category: DisputeCategory,
        source: DisputeSource,
        summary: &str,
    ) -> Self {
        Self {
            record_type: Self::TYPE.as_str().to_owned(),
            schema_version: Self::SCHEMA_VERSION,
            village: by.village.clone(),
            created_by: by.created_by.clone(),
            created_at_ms: by.created_at_ms,
            registered_on: registered_on.to_owned(),
            category,
            summary: summary.trim().to_owned(),
            parties: Vec::new(),
            source,
            level: DisputeLevel::Group,
            status: DisputeStatus::Registered,
            responsible_leader: None,
            deadline: None,
            mediations: Vec::new(),
            agreement: None,
            petition_backlog: false,
            escalations: Vec::new(),
            closure: None,
            reopenings: Vec::new(),
        }
    }

    /// 调处: at least one mediation session held, or closed.
    pub fn is_mediated(&self) -> bool {
        !self.mediations.is_empty() || self.status == DisputeStatus::Closed
    }

    pub fn is_resolved(&self) -> bool {
        self.closure
            .as_ref()
            .is_some_and(|c| c.resolution == Resolution::Resolved)
    }

    /// Open and past its deadline on `today`.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status != DisputeStatus::Closed
            && self
                .deadline
                .as_deref()
                .and_then(|d| Date::parse(d).ok())
                .is_some_and(|deadline| deadline < today)
    }
}

/// The document's shape after the header (`crate::records::shape`).
const SHAPE: &[Field] = &[
    required("registered_on", Shape::Str),
    required("category", Shape::OneOf(DisputeCategory::WIRE)),
    required("summary", Shape::Str),
    list("parties", &Shape::Map(PARTY_SHAPE)),
    required("source", Shape::OneOf(DisputeSource::WIRE)),
    required("level", Shape::OneOf(DisputeLevel::WIRE)),
    required("status", Shape::OneOf(DisputeStatus::WIRE)),
    optional("responsible_leader", Shape::Str),
    optional("deadline", Shape::Str),
    list("mediations", &Shape::Map(MEDIATION_SHAPE)),
    optional("agreement", Shape::Map(AGREEMENT_SHAPE)),
    required("petition_backlog", Shape::Bool),
    list("escalations", &Shape::Map(ESCALATION_SHAPE)),
    optional("closure", Shape::Map(CLOSURE_SHAPE)),
    list("reopenings", &Shape::Map(REOPENING_SHAPE)),
];

const PARTY_SHAPE: &[Field] = &[
    required("name", Shape::Str),
    optional("person_id", Shape::Str),
    optional("phone", Shape::Str),
];

const MEDIATION_SHAPE: &[Field] = &[
    required("held_on", Shape::Str),
    required("mediator", Shape::Str),
    required("actions", Shape::Str),
    required("result", Shape::OneOf(MediationResult::WIRE)),
];

const AGREEMENT_SHAPE: &[Field] = &[
    required("kind", Shape::OneOf(AgreementKind::WIRE)),
    required("signed_on", Shape::Str),
];

const ESCALATION_SHAPE: &[Field] = &[
    required("from", Shape::OneOf(DisputeLevel::WIRE)),
    required("to", Shape::OneOf(DisputeLevel::WIRE)),
    required("by", Shape::Str),
    required("on", Shape::Str),
    required("reason", Shape::Str),
];

const CLOSURE_SHAPE: &[Field] = &[
    required("by", Shape::Str),
    required("on", Shape::Str),
    required("resolution", Shape::OneOf(Resolution::WIRE)),
    required("result", Shape::Str),
];

const REOPENING_SHAPE: &[Field] = &[
    required("by", Shape::Str),
    required("on", Shape::Str),
    required("reason", Shape::Str),
    required("previous_closure", Shape::Map(CLOSURE_SHAPE)),
];

impl Record for Dispute {
    const TYPE: RecordType = RecordType::Dispute;
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
        not_after_today(
            &mut errors,
            "registered_on",
            "登记日期",
            &self.registered_on,
            today,
        );
        required_text(&mut errors, "summary", "纠纷简要情况", &self.summary, 2000);
        if self.parties.is_empty() {
            errors.push(FieldError::required("parties", "当事人"));
        }
        for (i, party) in self.parties.iter().enumerate() {
            required_text(
                &mut errors,
                &format!("parties[{i}].name"),
                "当事人姓名",
                &party.name,
                NAME_MAX_CHARS,
            );
            check_optional_phone(
                &mut errors,
                &format!("parties[{i}].phone"),
                "当事人电话",
                party.phone.as_deref(),
            );
        }
        check_optional_date(
            &mut errors,
            "deadline",
            "办结期限",
            self.deadline.as_deref(),
        );
        for (i, session) in self.mediations.iter().enumerate() {
            not_after_today(
                &mut errors,
                &format!("mediations[{i}].held_on"),
                "调解日期",
                &session.held_on,
                today,
            );
            required_text(
                &mut errors,
                &format!("mediations[{i}].mediator"),
                "调解员",
                &session.mediator,
                NAME_MAX_CHARS,
            );
            required_text(
                &mut errors,
                &format!("mediations[{i}].actions"),
                "调解经过",
                &session.actions,
                2000,
            );
        }
        if let Some(agreement) = &self.agreement {
            not_after_today(
                &mut errors,
                "agreement.signed_on",
                "协议签订日期",
                &agreement.signed_on,
                today,
            );
        }
        for (i, escalation) in self.escalations.iter().enumerate() {
            required_text(
                &mut errors,
                &format!("escalations[{i}].reason"),
                "上交原因",
                &escalation.reason,
                500,
            );
        }
        errors.extend(lifecycle::invariant_violations(self));
        finish(errors)
    }
}

fn not_after_today(
    errors: &mut Vec<FieldError>,
    field: &str,
    label_zh: &str,
    value: &str,
    today: Date,
) {
    if check_date(errors, field, label_zh, value).is_some_and(|d| d > today) {
        errors.push(FieldError::new(
            field,
            &format!("{label_zh}不能晚于今天"),
            &crate::en!("{field} is in the future"),
        ));
    }
}
