//! Reads what ledgers are built from: every village and every record of the four registered
//! kinds, from the master copy. Unreadable documents are skipped and logged: a ledger is a
//! report, and one bad record must not stop the township printing it.

use pingan_shared::document;
use pingan_shared::records::{Record, RecordType};

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
        persons: records(store, RecordType::Person).await?,
        rental_houses: records(store, RecordType::RentalHouse).await?,
        disputes: records(store, RecordType::Dispute).await?,
        outreach_visits: records(store, RecordType::OutreachVisit).await?,
    })
}

async fn records<R: Record>(store: &Store, record_type: RecordType) -> Result<Vec<R>, StoreError> {
    let stored = store.documents_of_type(record_type.as_str()).await?;
    Ok(stored
        .iter()
        .filter_map(|row| {
            let read = document::load(&row.data).and_then(|doc| document::read::<R>(&doc));
            match read {
                Ok(record) => Some(record),
                Err(error) => {
                    tracing::warn!(id = %row.id, %error, "record left out of a ledger");
                    None
                }
            }
        })
        .collect())
}
