//! Operational figures for Prometheus: requests and their latency per route, syncs, documents
//! accepted and refused (by code), logins (by outcome). Served only on the separate
//! `--metrics-listen` address (`main.rs`), never on the public router: the figures say who is
//! active and when.
//!
//! One registry per process, as Prometheus clients keep: counters are cheap atomics, and a
//! handler records without being handed anything.

use std::sync::LazyLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    documents: IntCounterVec,
    refusals: IntCounterVec,
    logins: IntCounterVec,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let registry = Registry::new();
    let counter = |name: &str, help: &str, labels: &[&str]| {
        let counter = IntCounterVec::new(Opts::new(name, help), labels).expect("a valid metric");
        registry
            .register(Box::new(counter.clone()))
            .expect("registered once");
        counter
    };
    let requests = counter(
        "pingan_http_requests_total",
        "HTTP requests answered, by route and status",
        &["route", "status"],
    );
    let documents = counter(
        "pingan_sync_documents_total",
        "Uploaded documents, accepted or refused",
        &["outcome"],
    );
    let refusals = counter(
        "pingan_sync_refusals_total",
        "Refused uploaded documents, by refusal code",
        &["code"],
    );
    let logins = counter(
        "pingan_logins_total",
        "Login attempts, by outcome (ok, refused, throttled)",
        &["outcome"],
    );
    let latency = HistogramVec::new(
        HistogramOpts::new(
            "pingan_http_request_duration_seconds",
            "Time to answer, by route",
        )
        .buckets(vec![0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
        &["route"],
    )
    .expect("a valid metric");
    registry
        .register(Box::new(latency.clone()))
        .expect("registered once");
    Metrics {
        registry,
        requests,
        latency,
        documents,
        refusals,
        logins,
    }
});

/// Middleware: counts each request and its latency under its route pattern
/// (`/api/records/{id}/history`), never the path itself, which holds record ids.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |path| path.as_str())
        .to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    METRICS
        .latency
        .with_label_values(&[&route])
        .observe(started.elapsed().as_secs_f64());
    METRICS
        .requests
        .with_label_values(&[&route, response.status().as_str()])
        .inc();
    response
}

pub fn sync_accepted(count: usize) {
    METRICS
        .documents
        .with_label_values(&["accepted"])
        .inc_by(count as u64);
}

pub fn sync_refused(code: &str) {
    METRICS.documents.with_label_values(&["refused"]).inc();
    METRICS.refusals.with_label_values(&[code]).inc();
}

pub fn login(outcome: &str) {
    METRICS.logins.with_label_values(&[outcome]).inc();
}

/// The text exposition format.
pub fn render() -> String {
    let mut out = Vec::new();
    prometheus::TextEncoder::new()
        .encode(&METRICS.registry.gather(), &mut out)
        .expect("encoding to memory cannot fail");
    String::from_utf8(out).expect("the text format is UTF-8")
}

/// The router for `--metrics-listen`: `GET /metrics` and nothing else.
pub fn router() -> axum::Router {
    axum::Router::new().route(
        "/metrics",
        axum::routing::get(|| async {
            (
                [(
                    axum::http::header::CONTENT_TYPE,
                    "text/plain; version=0.0.4",
                )],
                render(),
            )
        }),
    )
}

/// `text` with every run of seven or more digits (an ID number, a phone, a landline) masked
/// but its first three and last two characters: request logs must not hold personal numbers.
pub fn mask_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || matches!(c, 'X' | 'x'))
            .count();
        let digits = chars[i..i + run]
            .iter()
            .filter(|c| c.is_ascii_digit())
            .count();
        if digits >= 7 {
            for (k, c) in chars[i..i + run].iter().enumerate() {
                out.push(if k < 3 || k + 2 >= run { *c } else { '*' });
            }
            i += run;
        } else if run > 0 {
            out.extend(&chars[i..i + run]);
            i += run;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_and_phones_are_masked_in_logs() {
        assert_eq!(
            mask_numbers("/api/x?id=11010519491231002X&phone=13812345678"),
            "/api/x?id=110*************2X&phone=138******78"
        );
        assert_eq!(
            mask_numbers("/api/review/queue?limit=50"),
            "/api/review/queue?limit=50"
        );
        assert_eq!(mask_numbers("from=2026-01-01"), "from=2026-01-01");
    }

    #[test]
    fn outcomes_are_counted_and_rendered() {
        login("throttled");
        sync_refused("too_large");
        let text = render();
        assert!(
            text.contains("pingan_logins_total{outcome=\"throttled\"}"),
            "{text}"
        );
        assert!(
            text.contains("pingan_sync_refusals_total{code=\"too_large\"}"),
            "{text}"
        );
    }
}
