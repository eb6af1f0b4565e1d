//! Bar charts drawn as inline SVG by the app itself: no chart library, no network, and they
//! print and screenshot like the rest of the page.

use leptos::prelude::*;

const ROW: f64 = 28.0;
const LABEL: f64 = 96.0;
const WIDTH: f64 = 640.0;

/// Horizontal bars, one per label (villages): long Chinese names read well on the left.
#[component]
pub fn BarChart(id: &'static str, title: String, bars: Vec<(String, usize)>) -> impl IntoView {
    let max = bars.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let height = ROW * bars.len() as f64 + 8.0;
    let room = WIDTH - LABEL - 48.0;
    view! {
        <figure class="chart" id=id>
            <figcaption>{title}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img">
                {bars
                    .into_iter()
                    .enumerate()
                    .map(|(i, (label, n))| {
                        let y = ROW * i as f64 + 4.0;
                        let w = (n as f64 / max * room).max(if n > 0 { 2.0 } else { 0.0 });
                        let key = label.clone();
                        view! {
                            <g class="bar" data-label=key data-value=n.to_string()>
                                <text x=LABEL - 6.0 y=y + 17.0 text-anchor="end">{label}</text>
                                <rect x=LABEL y=y + 3.0 width=w height=ROW - 8.0 rx="3"></rect>
                                <text x=LABEL + w + 6.0 y=y + 17.0>{n}</text>
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
        </figure>
    }
}

/// Vertical columns in time order (months), for a trend.
#[component]
pub fn ColumnChart(
    id: &'static str,
    title: String,
    columns: Vec<(String, usize)>,
) -> impl IntoView {
    const HEIGHT: f64 = 200.0;
    const BASE: f64 = 170.0;
    let max = columns.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let step = WIDTH / columns.len().max(1) as f64;
    view! {
        <figure class="chart" id=id>
            <figcaption>{title}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img">
                <line x1="0" y1=BASE x2=WIDTH y2=BASE class="axis"></line>
                {columns
                    .into_iter()
                    .enumerate()
                    .map(|(i, (label, n))| {
                        let h = n as f64 / max * (BASE - 24.0);
                        let x = step * i as f64;
                        let month = label.rsplit('-').next().unwrap_or_default().trim_start_matches('0').to_owned();
                        view! {
                            <g class="column" data-label=label data-value=n.to_string()>
                                <rect x=x + step * 0.2 y=BASE - h width=step * 0.6 height=h rx="2"></rect>
                                <text x=x + step / 2.0 y=BASE - h - 4.0 text-anchor="middle">{n}</text>
                                <text x=x + step / 2.0 y=BASE + 18.0 text-anchor="middle">{month} "月"</text>
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
        </figure>
    }
}
