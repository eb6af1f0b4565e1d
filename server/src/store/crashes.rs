//! Crash reports phones sent with a sync (decision 20), beside the master copy. The SQL is the
//! same on both backends, so one macro body implements it for each store, as for reviews.

/// A resent report (its sync answer lost) is the same device and crash time: stored once.
pub(super) const ADD: &str = "
    INSERT INTO crash_reports
        (username, device_id, received_at_ms, crashed_at_ms, build, screen, kind, detail, frames)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (device_id, crashed_at_ms) DO NOTHING";

pub(super) const LIST: &str = "
    SELECT username, device_id, received_at_ms, crashed_at_ms, build, screen, kind, detail, frames
    FROM crash_reports ORDER BY crashed_at_ms DESC, device_id LIMIT $1";

/// Implements the crash report queries on a store with a `pool` field.
macro_rules! crash_queries {
    ($store:ty) => {
        impl $store {
            pub async fn add_crash_reports(
                &self,
                reports: &[$crate::crashes::CrashReport],
                author: &$crate::store::Author<'_>,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                for report in reports {
                    sqlx::query($crate::store::crashes::ADD)
                        .bind(author.username)
                        .bind(author.device_id)
                        .bind(author.received_at_ms)
                        .bind(report.crashed_at_ms)
                        .bind(&report.build)
                        .bind(&report.screen)
                        .bind(&report.kind)
                        .bind(&report.detail)
                        .bind($crate::crashes::frames_json(&report.frames))
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            /// The `limit` most recent reports, newest first.
            pub async fn crash_reports(
                &self,
                limit: usize,
            ) -> Result<Vec<$crate::crashes::StoredCrash>, $crate::store::StoreError> {
                use sqlx::Row;
                let rows = sqlx::query($crate::store::crashes::LIST)
                    .bind(limit as i64)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        Ok($crate::crashes::StoredCrash {
                            username: row.get("username"),
                            device_id: row.get("device_id"),
                            received_at_ms: row.get("received_at_ms"),
                            report: $crate::crashes::CrashReport {
                                build: row.get("build"),
                                crashed_at_ms: row.get("crashed_at_ms"),
                                screen: row.get("screen"),
                                kind: row.get("kind"),
                                detail: row.get("detail"),
                                frames: $crate::crashes::frames_from_json(row.get("frames"))?,
                            },
                        })
                    })
                    .collect()
            }
        }
    };
}
pub(super) use crash_queries;
