//! What the township office keeps beside the master copy: its verdict on each record version,
//! and the per-document reading of the feed that history and diffs need.
//!
//! The SQL is the same on both backends (SQLite accepts PostgreSQL's `$N` placeholders), so
//! one macro body implements these queries for each store.

use super::StoredDocument;

pub use pingan_shared::review::Verdict;

/// The latest verdict on a record. The record returns to the queue once its heads move on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub document_id: String,
    pub verdict: Verdict,
    /// The version judged: its heads, sorted, concatenated.
    pub heads: Vec<u8>,
    /// The reviewer's login, who the verdict is recorded against.
    pub reviewer: String,
    /// What people read for the reviewer: their display name (`东湖镇综治办`) when the
    /// account still exists, else the login. Read with the verdict; not written.
    pub reviewer_name: String,
    pub comment: String,
    pub reviewed_at_ms: i64,
}

/// Which records a reviewer wants to see.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub village: Option<String>,
    pub record_type: Option<String>,
    /// Only records this user changed since their last review.
    pub worker: Option<String>,
    pub limit: usize,
}

/// A record waiting for review: never reviewed, or changed since its last review.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub document: StoredDocument,
    pub updated_at_ms: i64,
    pub review: Option<Review>,
}

/// Which records wait for review under a filter: one text for the page and its count.
macro_rules! waiting {
    () => {
        "FROM documents d LEFT JOIN reviews r ON r.document_id = d.id
    LEFT JOIN users u ON u.username = r.reviewer
    WHERE (r.document_id IS NULL OR r.heads <> d.heads)
      AND ($1 IS NULL OR d.village = $1)
      AND ($2 IS NULL OR d.record_type = $2)
      AND ($3 IS NULL OR EXISTS (
            SELECT 1 FROM change_batches c
            WHERE c.document_id = d.id AND c.username = $3
              AND c.received_at_ms >= COALESCE(r.reviewed_at_ms, 0)))"
    };
}

pub(super) const QUEUE: &str = concat!(
    "SELECT d.id, d.record_type, d.village, d.data, d.updated_at_ms,
           r.verdict, r.heads AS reviewed_heads, r.reviewer, r.comment, r.reviewed_at_ms,
           COALESCE(u.display_name, r.reviewer) AS reviewer_name ",
    waiting!(),
    " ORDER BY d.updated_at_ms DESC, d.id LIMIT $4"
);

/// How many records the filter holds in all, beyond the page's limit.
pub(super) const QUEUE_COUNT: &str = concat!("SELECT COUNT(*) ", waiting!());

pub(super) const REVIEW: &str = "
    SELECT r.document_id, r.verdict, r.heads, r.reviewer, r.comment, r.reviewed_at_ms,
        COALESCE(u.display_name, r.reviewer) AS reviewer_name
    FROM reviews r LEFT JOIN users u ON u.username = r.reviewer WHERE r.document_id = $1";

pub(super) const SET_REVIEW: &str = "
    INSERT INTO reviews (document_id, verdict, heads, reviewer, comment, reviewed_at_ms)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (document_id) DO UPDATE SET verdict = excluded.verdict, heads = excluded.heads,
        reviewer = excluded.reviewer, comment = excluded.comment,
        reviewed_at_ms = excluded.reviewed_at_ms";

/// Returned records the worker has not changed since.
pub(super) const OPEN_RETURNS: &str = "
    SELECT r.document_id, r.verdict, r.heads, r.reviewer, r.comment, r.reviewed_at_ms, d.village,
        d.record_type, COALESCE(u.display_name, r.reviewer) AS reviewer_name
    FROM reviews r JOIN documents d ON d.id = r.document_id
        LEFT JOIN users u ON u.username = r.reviewer
    WHERE r.verdict = 'returned' AND r.heads = d.heads
    ORDER BY r.reviewed_at_ms DESC";

pub(super) const DOCUMENT_WITH_HEADS: &str = "
    SELECT id, record_type, village, data, heads FROM documents WHERE id = $1";

/// When the server first received each document of a type: what a ledger places a record by
/// when the device's clock was far behind (`ledgers/source.rs`).
pub(super) const FIRST_RECEIPTS: &str = "
    SELECT c.document_id, MIN(c.received_at_ms) AS first_received_ms
    FROM change_batches c JOIN documents d ON d.id = c.document_id
    WHERE d.record_type = $1
    GROUP BY c.document_id";

pub(super) const ENTRIES: &str = "
    SELECT seq, username, device_id, received_at_ms, data FROM change_batches
    WHERE document_id = $1 ORDER BY seq";

/// Implements the review queries on a store with a `pool` field.
macro_rules! review_queries {
    ($store:ty) => {
        impl $store {
            pub async fn review_queue(
                &self,
                filter: &$crate::store::reviews::QueueFilter,
            ) -> Result<Vec<$crate::store::reviews::QueueItem>, $crate::store::StoreError> {
                use sqlx::Row;
                let rows = sqlx::query($crate::store::reviews::QUEUE)
                    .bind(&filter.village)
                    .bind(&filter.record_type)
                    .bind(&filter.worker)
                    .bind(filter.limit as i64)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        let review = match row.try_get::<Option<String>, _>("verdict")? {
                            None => None,
                            Some(verdict) => Some($crate::store::reviews::Review {
                                document_id: row.try_get("id")?,
                                verdict: $crate::store::reviews::parse_verdict(&verdict)?,
                                heads: row.try_get("reviewed_heads")?,
                                reviewer: row.try_get("reviewer")?,
                                reviewer_name: row.try_get("reviewer_name")?,
                                comment: row.try_get("comment")?,
                                reviewed_at_ms: row.try_get("reviewed_at_ms")?,
                            }),
                        };
                        Ok($crate::store::reviews::QueueItem {
                            document: $crate::store::StoredDocument {
                                id: row.try_get("id")?,
                                record_type: row.try_get("record_type")?,
                                village: row.try_get("village")?,
                                data: row.try_get("data")?,
                            },
                            updated_at_ms: row.try_get("updated_at_ms")?,
                            review,
                        })
                    })
                    .collect()
            }

            pub async fn review_queue_count(
                &self,
                filter: &$crate::store::reviews::QueueFilter,
            ) -> Result<u64, $crate::store::StoreError> {
                let total: i64 = sqlx::query_scalar($crate::store::reviews::QUEUE_COUNT)
                    .bind(&filter.village)
                    .bind(&filter.record_type)
                    .bind(&filter.worker)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(total.max(0) as u64)
            }

            pub async fn review(
                &self,
                document_id: &str,
            ) -> Result<Option<$crate::store::reviews::Review>, $crate::store::StoreError> {
                use sqlx::Row;
                let row = sqlx::query($crate::store::reviews::REVIEW)
                    .bind(document_id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|row| {
                    Ok($crate::store::reviews::Review {
                        document_id: row.try_get("document_id")?,
                        verdict: $crate::store::reviews::parse_verdict(
                            row.try_get::<&str, _>("verdict")?,
                        )?,
                        heads: row.try_get("heads")?,
                        reviewer: row.try_get("reviewer")?,
                        reviewer_name: row.try_get("reviewer_name")?,
                        comment: row.try_get("comment")?,
                        reviewed_at_ms: row.try_get("reviewed_at_ms")?,
                    })
                })
                .transpose()
            }

            pub async fn set_review(
                &self,
                review: &$crate::store::reviews::Review,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query($crate::store::reviews::SET_REVIEW)
                    .bind(&review.document_id)
                    .bind(review.verdict.as_str())
                    .bind(&review.heads)
                    .bind(&review.reviewer)
                    .bind(&review.comment)
                    .bind(review.reviewed_at_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            /// Returned records still as they were returned, with their village and record type.
            pub async fn open_returns(
                &self,
            ) -> Result<
                Vec<($crate::store::reviews::Review, String, String)>,
                $crate::store::StoreError,
            > {
                use sqlx::Row;
                let rows = sqlx::query($crate::store::reviews::OPEN_RETURNS)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        let review = $crate::store::reviews::Review {
                            document_id: row.try_get("document_id")?,
                            verdict: $crate::store::reviews::parse_verdict(
                                row.try_get::<&str, _>("verdict")?,
                            )?,
                            heads: row.try_get("heads")?,
                            reviewer: row.try_get("reviewer")?,
                            reviewer_name: row.try_get("reviewer_name")?,
                            comment: row.try_get("comment")?,
                            reviewed_at_ms: row.try_get("reviewed_at_ms")?,
                        };
                        Ok((review, row.try_get("village")?, row.try_get("record_type")?))
                    })
                    .collect()
            }

            /// The master copy of one record and its heads (sorted, concatenated).
            pub async fn document_with_heads(
                &self,
                id: &str,
            ) -> Result<Option<($crate::store::StoredDocument, Vec<u8>)>, $crate::store::StoreError>
            {
                use sqlx::Row;
                let row = sqlx::query($crate::store::reviews::DOCUMENT_WITH_HEADS)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|row| {
                    let document = $crate::store::StoredDocument {
                        id: row.try_get("id")?,
                        record_type: row.try_get("record_type")?,
                        village: row.try_get("village")?,
                        data: row.try_get("data")?,
                    };
                    Ok((document, row.try_get("heads")?))
                })
                .transpose()
            }

            /// Each document of `record_type` with the time the server first received it.
            pub async fn first_receipts(
                &self,
                record_type: &str,
            ) -> Result<Vec<(String, i64)>, $crate::store::StoreError> {
                use sqlx::Row;
                let rows = sqlx::query($crate::store::reviews::FIRST_RECEIPTS)
                    .bind(record_type)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        Ok((
                            row.try_get("document_id")?,
                            row.try_get("first_received_ms")?,
                        ))
                    })
                    .collect()
            }

            /// Every feed entry of one record, oldest first: its whole history.
            pub async fn entries_of(
                &self,
                document_id: &str,
            ) -> Result<Vec<$crate::history::Entry>, $crate::store::StoreError> {
                use sqlx::Row;
                let rows = sqlx::query($crate::store::reviews::ENTRIES)
                    .bind(document_id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        Ok($crate::history::Entry {
                            seq: row.try_get::<i64, _>("seq")? as u64,
                            username: row.try_get("username")?,
                            device_id: row.try_get("device_id")?,
                            received_at_ms: row.try_get("received_at_ms")?,
                            changes: $crate::store::batch::unpack(row.try_get("data")?)?,
                        })
                    })
                    .collect()
            }
        }
    };
}
pub(super) use review_queries;

pub(super) fn parse_verdict(text: &str) -> Result<Verdict, super::StoreError> {
    Verdict::parse(text)
        .ok_or_else(|| super::StoreError::Corrupt(format!("unknown review verdict {text:?}")))
}
