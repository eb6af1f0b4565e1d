//! `GET /api/ledgers/{slug}.xlsx` and `.csv`: the township's registers for a period, for
//! township reviewers and admins.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use pingan_shared::statistics::{Period, china_date};
use pingan_shared::validation::Date;
use serde::Deserialize;

use super::auth::{Staff, now_ms};
use super::{ApiError, AppState};
use crate::ledgers::{self, LedgerKind};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/ledgers/{file}", get(ledger))
}

#[derive(Debug, Deserialize)]
struct PeriodQuery {
    /// `YYYY-MM-DD`; default 1 January of the current year (China time).
    from: Option<String>,
    /// `YYYY-MM-DD`; default today (China time).
    to: Option<String>,
}

async fn ledger(
    State(state): State<AppState>,
    _staff: Staff,
    Path(file): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let (slug, format) = file
        .rsplit_once('.')
        .filter(|(_, ext)| matches!(*ext, "xlsx" | "csv"))
        .ok_or_else(|| {
            ApiError::NotFound(format!("no ledger {file:?}: use SLUG.xlsx or SLUG.csv"))
        })?;
    let kind = LedgerKind::from_slug(slug).ok_or_else(|| {
        let known: Vec<&str> = LedgerKind::ALL.iter().map(|k| k.slug()).collect();
        ApiError::NotFound(format!("no ledger {slug:?}; ledgers: {}", known.join(", ")))
    })?;
    let today = china_date(now_ms());
    let period = period(&query, today)?;
    let township = ledgers::source::township(&state.store, &state.township_name).await?;
    let ledger = ledgers::build(kind, &township, period, today);
    let name = format!("{}_{}_{}.{format}", kind.slug(), period.from, period.to);
    let (content_type, body) = if format == "xlsx" {
        let bytes = ledgers::xlsx::write(&ledger).map_err(|e| {
            ApiError::Store(crate::store::StoreError::Corrupt(format!(
                "writing the {} workbook failed: {e}",
                kind.slug()
            )))
        })?;
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
        )
    } else {
        ("text/csv; charset=utf-8", ledgers::csv::write(&ledger))
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    ))
}

fn period(query: &PeriodQuery, today: Date) -> Result<Period, ApiError> {
    let parse = |field: &str, value: &Option<String>, default: Date| match value {
        None => Ok(default),
        Some(text) => Date::parse(text).map_err(|_| {
            ApiError::bad_request(
                "bad_period",
                format!("{field}: {text:?} is not a date (YYYY-MM-DD)"),
            )
        }),
    };
    let start_of_year =
        Date::parse(&format!("{}-01-01", &today.to_string()[..4])).expect("1 January is a date");
    let from = parse("from", &query.from, start_of_year)?;
    let to = parse("to", &query.to, today)?;
    if from > to {
        return Err(ApiError::bad_request(
            "bad_period",
            format!("from ({from}) is after to ({to})"),
        ));
    }
    Ok(Period { from, to })
}
