//! The dispute lifecycle as an explicit state machine.
//!
//! ```text
//!   registered ──mediate──▶ mediating ──close(result)──▶ closed
//!        │                    │  ▲                          │
//!        └──────close─────────┼──┘ mediate                  │
//!                             └────────◀──reopen(reason)────┘
//!   escalate(reason): group → village → township → above, while not closed
//!   agreement: only after a mediation session, while not closed
//! ```
//!
//! [`apply`] is the only way the app changes a dispute's status, level, closure or reopenings.
//! A refused event changes nothing and says why in the worker's words. Because the server only
//! receives documents, [`invariant_violations`] checks what every reachable state satisfies.

use super::{Agreement, Closure, Dispute, Escalation, MediationSession, Reopening};
use crate::records::vocabulary::{DisputeStatus, MediationResult, Resolution};
use crate::validation::FieldError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisputeEvent {
    Mediate(MediationSession),
    Escalate {
        by: String,
        on: String,
        reason: String,
    },
    SignAgreement(Agreement),
    Close(Closure),
    Reopen {
        by: String,
        on: String,
        reason: String,
    },
}

impl DisputeEvent {
    fn name(&self) -> &'static str {
        match self {
            DisputeEvent::Mediate(_) => "mediate",
            DisputeEvent::Escalate { .. } => "escalate",
            DisputeEvent::SignAgreement(_) => "sign_agreement",
            DisputeEvent::Close(_) => "close",
            DisputeEvent::Reopen { .. } => "reopen",
        }
    }
}

/// An event the current state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot {event} a {status} dispute: {reason_en}")]
pub struct TransitionRefused {
    pub event: &'static str,
    pub status: &'static str,
    pub reason_zh: String,
    pub reason_en: String,
}

/// The dispute after `event`, or why the event is not allowed now.
pub fn apply(dispute: &Dispute, event: DisputeEvent) -> Result<Dispute, TransitionRefused> {
    let refuse = |zh: &str, reason_en: String| TransitionRefused {
        event: event.name(),
        status: dispute.status.as_str(),
        reason_zh: zh.to_owned(),
        reason_en,
    };
    let closed = dispute.status == DisputeStatus::Closed;
    if closed && !matches!(event, DisputeEvent::Reopen { .. }) {
        return Err(refuse(
            "案件已办结，须先重新开启",
            crate::en!("the case is closed; reopen it first"),
        ));
    }
    let mut next = dispute.clone();
    match &event {
        DisputeEvent::Mediate(session) => {
            next.mediations.push(session.clone());
            next.status = DisputeStatus::Mediating;
        }
        DisputeEvent::Escalate { by, on, reason } => {
            if reason.trim().is_empty() {
                return Err(refuse(
                    "上交须写明原因",
                    crate::en!("escalation needs a reason"),
                ));
            }
            let Some(to) = dispute.level.next_up() else {
                return Err(refuse(
                    "已在最高层级，无法再上交",
                    crate::en!("already at the highest level"),
                ));
            };
            next.escalations.push(Escalation {
                from: dispute.level,
                to,
                by: by.clone(),
                on: on.clone(),
                reason: reason.trim().to_owned(),
            });
            next.level = to;
        }
        DisputeEvent::SignAgreement(agreement) => {
            if dispute.mediations.is_empty() {
                return Err(refuse(
                    "尚无调解记录，不能登记协议",
                    crate::en!("no mediation session yet"),
                ));
            }
            next.agreement = Some(agreement.clone());
        }
        DisputeEvent::Close(closure) => {
            if closure.result.trim().is_empty() {
                return Err(refuse(
                    "办结须填写调处结果",
                    crate::en!("closing needs a result"),
                ));
            }
            if closure.resolution == Resolution::Resolved && !settled(dispute) {
                return Err(refuse(
                    "以“化解”办结须有达成一致的调解或签订的协议",
                    crate::en!("resolving needs an agreed mediation session or a signed agreement"),
                ));
            }
            next.closure = Some(closure.clone());
            next.status = DisputeStatus::Closed;
        }
        DisputeEvent::Reopen { by, on, reason } => {
            let Some(previous_closure) = dispute.closure.clone().filter(|_| closed) else {
                return Err(refuse(
                    "案件未办结，无需重新开启",
                    crate::en!("only a closed case can be reopened"),
                ));
            };
            if reason.trim().is_empty() {
                return Err(refuse(
                    "重新开启须写明原因",
                    crate::en!("reopening needs a reason"),
                ));
            }
            next.reopenings.push(Reopening {
                by: by.clone(),
                on: on.clone(),
                reason: reason.trim().to_owned(),
                previous_closure,
            });
            next.closure = None;
            next.status = DisputeStatus::Mediating;
        }
    }
    Ok(next)
}

fn settled(dispute: &Dispute) -> bool {
    dispute.agreement.is_some()
        || dispute
            .mediations
            .iter()
            .any(|m| m.result == MediationResult::Agreed)
}

/// What is wrong with a dispute's state, whatever sequence of edits produced it.
pub fn invariant_violations(dispute: &Dispute) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let closed = dispute.status == DisputeStatus::Closed;
    match (&dispute.closure, closed) {
        (None, true) => errors.push(FieldError::new(
            "closure",
            "已办结的案件须有调处结果",
            &crate::en!("a closed dispute needs a closure"),
        )),
        (Some(_), false) => errors.push(FieldError::new(
            "status",
            "有办结记录的案件状态应为已办结",
            &crate::en!("a dispute with a closure must be closed"),
        )),
        (Some(closure), true) => {
            if closure.result.trim().is_empty() {
                errors.push(FieldError::required("closure.result", "调处结果"));
            }
            if closure.resolution == Resolution::Resolved && !settled(dispute) {
                errors.push(FieldError::new(
                    "closure.resolution",
                    "以“化解”办结须有达成一致的调解或签订的协议",
                    &crate::en!("resolved needs an agreed mediation session or a signed agreement"),
                ));
            }
        }
        (None, false) => {}
    }
    if dispute.status == DisputeStatus::Registered && !dispute.mediations.is_empty() {
        errors.push(FieldError::new(
            "status",
            "已有调解记录的案件状态应为调处中",
            &crate::en!("a dispute with mediation sessions cannot be merely registered"),
        ));
    }
    if dispute.agreement.is_some() && dispute.mediations.is_empty() {
        errors.push(FieldError::new(
            "agreement",
            "尚无调解记录，不能登记协议",
            &crate::en!("an agreement needs a mediation session"),
        ));
    }
    let mut level = crate::records::vocabulary::DisputeLevel::Group;
    for (i, escalation) in dispute.escalations.iter().enumerate() {
        if escalation.from != level || Some(escalation.to) != level.next_up() {
            errors.push(FieldError::new(
                &format!("escalations[{i}]"),
                "上交须逐级进行",
                &crate::en!("escalations must climb one level at a time"),
            ));
        }
        level = escalation.to;
    }
    if dispute.level != level {
        errors.push(FieldError::new(
            "level",
            "当前层级与上交记录不符",
            &crate::en!("level does not match the escalation history"),
        ));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::vocabulary::{AgreementKind, DisputeCategory, DisputeLevel, DisputeSource};
    use crate::records::{Authorship, Record};
    use crate::validation::Date;

    fn dispute() -> Dispute {
        let by = Authorship {
            village: "xingfu".into(),
            created_by: "worker1".into(),
            created_at_ms: 0,
        };
        let mut d = Dispute::new(
            &by,
            "2022-05-01",
            DisputeCategory::Neighbour,
            DisputeSource::Screening,
            "宅基地边界",
        );
        d.parties.push(super::super::Party {
            name: "王建国".into(),
            person_id: None,
            phone: None,
        });
        d
    }

    fn session(result: MediationResult) -> MediationSession {
        MediationSession {
            held_on: "2022-05-03".into(),
            mediator: "调解员李".into(),
            actions: "现场丈量，双方协商".into(),
            result,
        }
    }

    fn closure(resolution: Resolution, result: &str) -> Closure {
        Closure {
            by: "worker1".into(),
            on: "2022-05-10".into(),
            resolution,
            result: result.into(),
        }
    }

    fn escalate(reason: &str) -> DisputeEvent {
        DisputeEvent::Escalate {
            by: "worker1".into(),
            on: "2022-05-04".into(),
            reason: reason.into(),
        }
    }

    fn reopen(reason: &str) -> DisputeEvent {
        DisputeEvent::Reopen {
            by: "worker1".into(),
            on: "2022-06-01".into(),
            reason: reason.into(),
        }
    }

    fn today() -> Date {
        Date::new(2022, 12, 31).unwrap()
    }

    #[test]
    fn a_mediation_session_moves_a_registered_case_to_mediating() {
        let d = apply(
            &dispute(),
            DisputeEvent::Mediate(session(MediationResult::NotAgreed)),
        )
        .unwrap();
        assert_eq!(d.status, DisputeStatus::Mediating);
        assert_eq!(d.mediations.len(), 1);
        assert_eq!(d.validate(today()), Ok(()));
    }

    #[test]
    fn escalation_climbs_one_level_and_records_who_and_why() {
        let d = apply(&dispute(), escalate("组内调解不成")).unwrap();
        assert_eq!(d.level, DisputeLevel::Village);
        assert_eq!(d.escalations[0].by, "worker1");
        assert_eq!(d.escalations[0].reason, "组内调解不成");
        let d = apply(&d, escalate("村内调解不成")).unwrap();
        let d = apply(&d, escalate("涉及征地政策")).unwrap();
        assert_eq!(d.level, DisputeLevel::Above);
        assert_eq!(d.validate(today()), Ok(()));
        let refused = apply(&d, escalate("再上交")).unwrap_err();
        assert_eq!(refused.reason_zh, "已在最高层级，无法再上交");
    }

    #[test]
    fn escalation_without_a_reason_is_refused() {
        assert_eq!(
            apply(&dispute(), escalate("  ")).unwrap_err().event,
            "escalate"
        );
    }

    #[test]
    fn closing_needs_a_result() {
        let refused = apply(
            &dispute(),
            DisputeEvent::Close(closure(Resolution::Referred, "")),
        )
        .unwrap_err();
        assert_eq!(refused.reason_zh, "办结须填写调处结果");
    }

    #[test]
    fn resolving_needs_an_agreed_session_or_a_signed_agreement() {
        let mediating = apply(
            &dispute(),
            DisputeEvent::Mediate(session(MediationResult::NotAgreed)),
        )
        .unwrap();
        assert!(
            apply(
                &mediating,
                DisputeEvent::Close(closure(Resolution::Resolved, "已化解"))
            )
            .is_err()
        );
        let agreed = apply(
            &mediating,
            DisputeEvent::SignAgreement(Agreement {
                kind: AgreementKind::Mediation,
                signed_on: "2022-05-09".into(),
            }),
        )
        .unwrap();
        let closed = apply(
            &agreed,
            DisputeEvent::Close(closure(Resolution::Resolved, "双方签订调解协议")),
        )
        .unwrap();
        assert_eq!(closed.status, DisputeStatus::Closed);
        assert!(closed.is_resolved());
        assert_eq!(closed.validate(today()), Ok(()));
    }

    #[test]
    fn an_agreement_needs_a_mediation_session_first() {
        let event = DisputeEvent::SignAgreement(Agreement {
            kind: AgreementKind::Mediation,
            signed_on: "2022-05-09".into(),
        });
        assert!(apply(&dispute(), event).is_err());
    }

    #[test]
    fn a_closed_case_refuses_everything_but_reopening() {
        let closed = apply(
            &dispute(),
            DisputeEvent::Close(closure(Resolution::Withdrawn, "当事人撤回")),
        )
        .unwrap();
        for event in [
            DisputeEvent::Mediate(session(MediationResult::Agreed)),
            escalate("再议"),
            DisputeEvent::Close(closure(Resolution::Referred, "移交")),
        ] {
            assert_eq!(
                apply(&closed, event).unwrap_err().reason_zh,
                "案件已办结，须先重新开启"
            );
        }
    }

    #[test]
    fn reopening_needs_a_reason_and_keeps_the_old_closure() {
        let closed = apply(
            &dispute(),
            DisputeEvent::Close(closure(Resolution::Withdrawn, "当事人撤回")),
        )
        .unwrap();
        assert!(apply(&closed, reopen("")).is_err());
        let reopened = apply(&closed, reopen("当事人再次来访")).unwrap();
        assert_eq!(reopened.status, DisputeStatus::Mediating);
        assert_eq!(reopened.closure, None);
        assert_eq!(reopened.reopenings[0].previous_closure.result, "当事人撤回");
        assert_eq!(reopened.validate(today()), Ok(()));
    }

    #[test]
    fn an_open_case_cannot_be_reopened() {
        assert_eq!(apply(&dispute(), reopen("无")).unwrap_err().event, "reopen");
    }

    #[test]
    fn a_document_claiming_closed_without_a_closure_is_invalid() {
        let mut d = dispute();
        d.status = DisputeStatus::Closed;
        assert_eq!(d.validate(today()).unwrap_err()[0].field, "closure");
    }

    #[test]
    fn a_document_that_skipped_a_level_is_invalid() {
        let mut d = dispute();
        d.level = DisputeLevel::Township;
        assert_eq!(d.validate(today()).unwrap_err()[0].field, "level");
    }
}
