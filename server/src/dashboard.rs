//! The disputes dashboard the township office chases cases from: counts by village, status
//! and level, and the open cases that need the office — escalated ones with their responsible
//! leader, and overdue ones — overdue first. Pure: disputes in, dashboard out.

use std::collections::BTreeMap;

use pingan_shared::records::dispute::Dispute;
use pingan_shared::records::vocabulary::{DisputeLevel, DisputeStatus};
use pingan_shared::validation::Date;

pub use pingan_shared::review::{Case, Counts, Dashboard};

pub fn dashboard(disputes: &[(String, Dispute)], today: Date) -> Dashboard {
    let mut villages: BTreeMap<String, Counts> = BTreeMap::new();
    let mut township = Counts::default();
    let mut chase = Vec::new();
    for (id, dispute) in disputes {
        let overdue = dispute.is_overdue(today);
        let open = dispute.status != DisputeStatus::Closed;
        for counts in [
            villages.entry(dispute.village.clone()).or_default(),
            &mut township,
        ] {
            *counts
                .by_status
                .entry(dispute.status.as_str().to_owned())
                .or_default() += 1;
            if open {
                *counts
                    .open_by_level
                    .entry(dispute.level.as_str().to_owned())
                    .or_default() += 1;
            }
            counts.overdue += usize::from(overdue);
        }
        if open && (overdue || dispute.level != DisputeLevel::Group) {
            chase.push(Case {
                document_id: id.clone(),
                village: dispute.village.clone(),
                summary: dispute.summary.clone(),
                registered_on: dispute.registered_on.clone(),
                status: dispute.status.as_str().to_owned(),
                level: dispute.level.as_str().to_owned(),
                level_zh: dispute.level.label_zh().to_owned(),
                responsible_leader: dispute.responsible_leader.clone(),
                deadline: dispute.deadline.clone(),
                overdue,
                escalation_reason: dispute.escalations.last().map(|e| e.reason.clone()),
            });
        }
    }
    chase.sort_by(|a, b| {
        // Overdue first; then the nearest deadline (none last); then the oldest case.
        (
            !a.overdue,
            a.deadline.is_none(),
            &a.deadline,
            &a.registered_on,
        )
            .cmp(&(
                !b.overdue,
                b.deadline.is_none(),
                &b.deadline,
                &b.registered_on,
            ))
    });
    Dashboard {
        villages,
        township,
        chase,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pingan_shared::records::Authorship;
    use pingan_shared::records::vocabulary::{DisputeCategory, DisputeSource};

    fn dispute(village: &str, on: &str, level: DisputeLevel, deadline: Option<&str>) -> Dispute {
        let by = Authorship {
            village: village.into(),
            created_by: "worker01".into(),
            created_at_ms: 0,
        };
        let mut d = Dispute::new(
            &by,
            on,
            DisputeCategory::Neighbour,
            DisputeSource::Screening,
            "纠纷",
        );
        d.level = level;
        d.deadline = deadline.map(str::to_owned);
        if level != DisputeLevel::Group {
            d.responsible_leader = Some("副镇长".into());
        }
        d
    }

    #[test]
    fn overdue_cases_come_first_then_escalated_ones_by_deadline() {
        let today = Date::parse("2023-06-01").unwrap();
        let mut closed = dispute(
            "xingfu",
            "2023-01-01",
            DisputeLevel::Township,
            Some("2023-02-01"),
        );
        closed.status = DisputeStatus::Closed;
        let disputes = vec![
            (
                "group-ok".into(),
                dispute("xingfu", "2023-05-01", DisputeLevel::Group, None),
            ),
            (
                "township-later".into(),
                dispute(
                    "heping",
                    "2023-04-01",
                    DisputeLevel::Township,
                    Some("2023-07-01"),
                ),
            ),
            (
                "group-overdue".into(),
                dispute(
                    "xingfu",
                    "2023-03-01",
                    DisputeLevel::Group,
                    Some("2023-05-01"),
                ),
            ),
            (
                "village-soon".into(),
                dispute(
                    "xingfu",
                    "2023-05-10",
                    DisputeLevel::Village,
                    Some("2023-06-10"),
                ),
            ),
            ("closed".into(), closed),
        ];
        let board = dashboard(&disputes, today);
        let order: Vec<&str> = board.chase.iter().map(|c| c.document_id.as_str()).collect();
        assert_eq!(order, ["group-overdue", "village-soon", "township-later"]);
        assert_eq!(board.chase[2].responsible_leader.as_deref(), Some("副镇长"));
        assert_eq!(board.township.overdue, 1);
        assert_eq!(board.township.by_status["registered"], 4);
        assert_eq!(board.township.by_status["closed"], 1);
        assert_eq!(board.villages["xingfu"].open_by_level["group"], 2);
        assert_eq!(board.villages["heping"].open_by_level["township"], 1);
        assert!(
            !board.villages["xingfu"]
                .open_by_level
                .contains_key("township")
        );
    }
}
