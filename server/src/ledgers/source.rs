//! Reads what ledgers and the year-end report are built from: every village and every record
//! from the master copy (households too: a ledger follows a person to their household for the
//! address and the village group). Unreadable documents are skipped and logged: a ledger is a
//! report, and one bad record must not stop the township printing it.
//!
//! A record is placed in time by its `created_at_ms`, the creating device's clock — unless
//! that is more than [`CLOCK_BEHIND_LIMIT_MS`] before the server first received the record:
//! no device goes that long without signal, so its clock was wrong, and the record is placed
//! at its first receipt instead (decision 25). Without this a phone a year behind files this
//! year's registrations under last year.

use std::collections::HashMap;

use pingan_shared::document;
use pingan_shared::records::household::Household;
use pingan_shared::records::person::Person;
use pingan_shared::records::rental_house::RentalHouse;
use pingan_shared::records::{Record, RecordType};
use pingan_shared::statistics::Work;

use super::Township;
use crate::store::{Store, StoreError};

pub async fn township(store: &Store, name: &str) -> Result<Township, StoreError> {
    let villages = store
        .villages()
        .await?
        .into_iter()
        .map(|v| (v.id, v.name))
        .collect();
    Ok(Township {
        name: name.to_owned(),
        villages,
        persons: placed(
            store,
            records::<Person>(store, RecordType::Person).await?,
            |p| &mut p.created_at_ms,
        )
        .await?
        .into_iter()
        .collect(),
        households: records::<Household>(store, RecordType::Household)
            .await?
            .into_iter()
            .collect(),
        rental_houses: placed(
            store,
            records::<RentalHouse>(store, RecordType::RentalHouse).await?,
            |h| &mut h.created_at_ms,
        )
        .await?
        .into_iter()
        .collect(),
        disputes: without_ids(records(store, RecordType::Dispute).await?),
        outreach_visits: without_ids(records(store, RecordType::OutreachVisit).await?),
        work: Work {
            screening_rounds: without_ids(records(store, RecordType::ScreeningRound).await?),
            patrols: without_ids(records(store, RecordType::Patrol).await?),
            joint_defence_groups: without_ids(records(store, RecordType::JointDefenceGroup).await?),
            key_persons: without_ids(records(store, RecordType::KeyPerson).await?),
            responsibility_letters: without_ids(
                records(store, RecordType::ResponsibilityLetter).await?,
            ),
            publicity_activities: without_ids(records(store, RecordType::PublicityActivity).await?),
            standardisation_checks: without_ids(
                records(store, RecordType::StandardisationCheck).await?,
            ),
            contingency_plans: without_ids(records(store, RecordType::ContingencyPlan).await?),
        },
    })
}

/// Sixty days: a worker may be out of signal for weeks, not for months.
pub const CLOCK_BEHIND_LIMIT_MS: i64 = 60 * 24 * 60 * 60 * 1000;

/// How far after its first receipt a record's device time may be: a clock a little fast.
pub const CLOCK_AHEAD_LIMIT_MS: i64 = 24 * 60 * 60 * 1000;

/// When a record counts as created: the device's time, or the server's first receipt when the
/// device's time is more than [`CLOCK_BEHIND_LIMIT_MS`] before it or more than
/// [`CLOCK_AHEAD_LIMIT_MS`] after it (a phone whose clock runs fast).
pub fn placed_at_ms(created_at_ms: i64, first_received_ms: Option<i64>) -> i64 {
    match first_received_ms {
        Some(received)
            if created_at_ms < received - CLOCK_BEHIND_LIMIT_MS
                || created_at_ms > received + CLOCK_AHEAD_LIMIT_MS =>
        {
            received
        }
        _ => created_at_ms,
    }
}

/// Records with `created_at_ms` replaced by [`placed_at_ms`], with their ids.
async fn placed<R: Record>(
    store: &Store,
    records: Vec<(String, R)>,
    created_at: impl Fn(&mut R) -> &mut i64,
) -> Result<Vec<(String, R)>, StoreError> {
    let received: HashMap<String, i64> = store
        .first_receipts(R::TYPE.as_str())
        .await?
        .into_iter()
        .collect();
    Ok(records
        .into_iter()
        .map(|(id, mut record)| {
            let at = created_at(&mut record);
            *at = placed_at_ms(*at, received.get(&id).copied());
            (id, record)
        })
        .collect())
}

async fn records<R: Record>(
    store: &Store,
    record_type: RecordType,
) -> Result<Vec<(String, R)>, StoreError> {
    let stored = store.documents_of_type(record_type.as_str()).await?;
    Ok(stored
        .iter()
        .filter_map(|row| {
            let read = document::load(&row.data).and_then(|doc| document::read::<R>(&doc));
            match read {
                Ok(record) => Some((row.id.clone(), record)),
                Err(error) => {
                    tracing::warn!(id = %row.id, %error, "record left out of a ledger");
                    None
                }
            }
        })
        .collect())
}

fn without_ids<R>(records: Vec<(String, R)>) -> Vec<R> {
    records.into_iter().map(|(_, record)| record).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * 60 * 60 * 1000;

    #[test]
    fn a_device_time_far_before_the_first_receipt_gives_way_to_it() {
        let received = 1_767_225_600_000; // 2026-01-01
        // Out of signal for a month: the device's time stands.
        assert_eq!(
            placed_at_ms(received - 30 * DAY, Some(received)),
            received - 30 * DAY
        );
        // A clock a year behind: placed when the server first saw it.
        assert_eq!(placed_at_ms(received - 365 * DAY, Some(received)), received);
        // Never received: the device's time.
        assert_eq!(
            placed_at_ms(received - 365 * DAY, None),
            received - 365 * DAY
        );
    }

    #[test]
    fn a_device_time_after_the_first_receipt_gives_way_to_it_past_a_day() {
        let received = 1_767_225_600_000;
        assert_eq!(
            placed_at_ms(received + DAY / 2, Some(received)),
            received + DAY / 2
        );
        // A phone three days fast: its records are kept, placed when the server saw them.
        assert_eq!(placed_at_ms(received + 3 * DAY, Some(received)), received);
    }
}
