//! `GET /api/ledgers/{slug}.xlsx` and `.csv`: the township's registers for a period, for
//! township reviewers and admins; ID and phone numbers starred, or whole for an admin who asks
//! (`?full=1`). Saved under the ledger's Chinese title.

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
use crate::accounts::Role;
use crate::ledgers::{self, Disclosure, LedgerKind};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/ledgers/{file}", get(ledger))
}

#[derive(Debug, Deserialize)]
struct PeriodQuery {
    /// `YYYY-MM-DD`; default 1 January of the current year (China time).
    from: Option<String>,
    /// `YYYY-MM-DD`; default today (China time).
    to: Option<String>,
    /// `1`: ID and phone numbers whole, for admins only; default starred.
    full: Option<String>,
}

async fn ledger(
    State(state): State<AppState>,
    staff: Staff,
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
    let disclosure = disclosure(&query, staff.user.role)?;
    if disclosure == Disclosure::Full {
        // Whole ID numbers leave the building on this request: say who took them.
        tracing::info!(user = %staff.user.username, ledger = kind.slug(), %period.from, %period.to,
            "unmasked ledger downloaded");
    }
    let township = ledgers::source::township(&state.store, &state.township_name).await?;
    let ledger = ledgers::build(kind, &township, period, today, disclosure);
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
                content_disposition(
                    &kind.file_name(period, format),
                    &kind.ascii_file_name(period, format),
                ),
            ),
        ],
        body,
    ))
}

fn disclosure(query: &PeriodQuery, role: Role) -> Result<Disclosure, ApiError> {
    match query.full.as_deref() {
        None | Some("0") => Ok(Disclosure::Masked),
        Some("1") if role == Role::Admin => Ok(Disclosure::Full),
        Some("1") => Err(ApiError::Forbidden(
            "a ledger with whole ID and phone numbers (full=1) is for admins only".into(),
        )),
        Some(other) => Err(ApiError::bad_request(
            "bad_full",
            format!("full: {other:?} is not 0 or 1"),
        )),
    }
}

/// `attachment` with the Chinese name as RFC 6266 / RFC 5987 give it (`filename*=UTF-8''…`,
/// percent-encoded), which browsers use, and an ASCII `filename=` for those that cannot.
pub(super) fn content_disposition(name: &str, ascii_fallback: &str) -> String {
    format!(
        "attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{}",
        percent_encode(name)
    )
}

/// Every byte outside RFC 5987's `attr-char` as `%XX`.
fn percent_encode(text: &str) -> String {
    const KEPT: &[u8] = b"!#$&+-.^_`|~";
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || KEPT.contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chinese_file_name_is_percent_encoded_beside_an_ascii_one() {
        assert_eq!(
            content_disposition("台账_2022-01-01至2022-12-31.xlsx", "disputes.xlsx"),
            "attachment; filename=\"disputes.xlsx\"; \
             filename*=UTF-8''%E5%8F%B0%E8%B4%A6_2022-01-01%E8%87%B32022-12-31.xlsx"
        );
        assert_eq!(percent_encode("a b\"%"), "a%20b%22%25");
    }
}
