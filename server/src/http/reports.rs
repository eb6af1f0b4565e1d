//! `GET /api/reports/annual-report.docx?year=YYYY`: the township's year-end report as a Word
//! document, written from the master copy (`crate::report`), for township reviewers and
//! admins. Saved as `东湖镇2022年度平安建设工作总结报告.docx`.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use pingan_shared::records::YEARS;
use serde::Deserialize;

use super::auth::Staff;
use super::ledgers::content_disposition;
use super::{ApiError, AppState};
use crate::{ledgers, report};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/reports/annual-report.docx", get(annual_report))
}

#[derive(Debug, Deserialize)]
struct YearQuery {
    /// The calendar year reported on, e.g. `2022`.
    year: Option<String>,
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

async fn annual_report(
    State(state): State<AppState>,
    _staff: Staff,
    Query(query): Query<YearQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let text = query.year.unwrap_or_default();
    let year = text
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| u32::try_from(*y).is_ok_and(|y| YEARS.contains(&y)))
        .ok_or_else(|| {
            ApiError::bad_request(
                "bad_year",
                format!(
                    "year: {text:?} is not a year from {} to {}",
                    YEARS.start(),
                    YEARS.end()
                ),
            )
        })?;
    let township = ledgers::source::township(&state.store, &state.township_name).await?;
    let name = township.name.clone();
    // A year's appendix is thousands of rows: written off the runtime's threads, so the sync
    // requests of the day are not kept waiting behind it.
    let written = tokio::task::spawn_blocking(move || {
        let report = report::compose::annual(&township, year)
            .expect("a year in range has 1 January and 31 December");
        report::docx::write(&report).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|written| written);
    let bytes = written.map_err(|e| {
        ApiError::Store(crate::store::StoreError::Corrupt(format!(
            "writing the {year} report failed: {e}"
        )))
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, DOCX.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                content_disposition(
                    &format!("{name}{year}年度平安建设工作总结报告.docx"),
                    &format!("annual-report-{year}.docx"),
                ),
            ),
        ],
        bytes,
    ))
}
