//! The township office's screens (镇综治办), built only into the office bundle
//! (`office.html`, cargo feature `office`) so the phones' field app does not carry them:
//!
//! - [`queue`]: records changed since they were last approved, filtered by village, type and
//!   worker;
//! - [`record`]: one record's field-level diff since approval (who, which device, when), its
//!   conflicts to settle, approve or return with a comment, and its history with the record
//!   as it was at any entry;
//! - [`dashboard`]: disputes by status, level and village, the cases to chase, overdue first;
//! - [`weekly`]: the 周报 — which villages held this week's screening, zero reports included,
//!   and which have not;
//! - [`statistics`]: the annual report's figures per village and for the township over a
//!   chosen period, with bar charts and a monthly trend ([`chart`]), computed on this
//!   computer from the synced records, so they work with no network;
//! - [`duplicates`]: people registered twice, merged field by field;
//! - [`ledgers`]: the 台账 as XLSX or CSV for a period.
//!
//! Everything except statistics asks the server ([`api`]); review state lives there, never in
//! the records.

pub mod api;
mod chart;
mod dashboard;
mod duplicates;
mod labels;
mod ledgers;
pub(crate) mod queue;
mod record;
mod statistics;
mod weekly;

use leptos::prelude::*;

use crate::ui::Screen;
use api::Office;

/// Which office screen is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Queue,
    Record(String),
    Dashboard,
    Weekly,
    Statistics,
    Duplicates,
    Ledgers,
}

impl Page {
    /// The page as a reload finds it again (`ui::screen`).
    pub fn key(&self) -> String {
        match self {
            Page::Queue => "queue".to_owned(),
            Page::Record(id) => format!("record/{id}"),
            Page::Dashboard => "dashboard".to_owned(),
            Page::Weekly => "weekly".to_owned(),
            Page::Statistics => "statistics".to_owned(),
            Page::Duplicates => "duplicates".to_owned(),
            Page::Ledgers => "ledgers".to_owned(),
        }
    }

    pub fn from_key(key: &str) -> Option<Page> {
        Some(match key {
            "queue" => Page::Queue,
            "dashboard" => Page::Dashboard,
            "weekly" => Page::Weekly,
            "statistics" => Page::Statistics,
            "duplicates" => Page::Duplicates,
            "ledgers" => Page::Ledgers,
            _ => Page::Record(key.strip_prefix("record/")?.to_owned()),
        })
    }

    /// The tab a page sits under.
    pub fn tab(&self) -> u8 {
        match self {
            Page::Queue | Page::Record(_) => 0,
            Page::Dashboard => 1,
            Page::Weekly => 2,
            Page::Statistics => 3,
            Page::Duplicates => 4,
            Page::Ledgers => 5,
        }
    }
}

/// The office's tabs, in the order the office works: review, chase, count, tidy, print.
pub const TABS: &[(Page, &str, &str)] = &[
    (Page::Queue, "审核", "tab-review"),
    (Page::Dashboard, "纠纷督办", "tab-dashboard"),
    (Page::Weekly, "周报", "tab-weekly"),
    (Page::Statistics, "统计", "tab-statistics"),
    (Page::Duplicates, "重复人员", "tab-duplicates"),
    (Page::Ledgers, "台账", "tab-ledgers"),
];

/// Whether this login may use the office screens (the server checks again on every call).
pub fn is_staff(role: &str) -> bool {
    matches!(role, "reviewer" | "admin")
}

pub fn page(page: Page, token: String, device_id: String) -> AnyView {
    provide_context(Office { token, device_id });
    match page {
        Page::Queue => view! { <queue::Queue /> }.into_any(),
        Page::Record(id) => view! { <record::RecordReview id /> }.into_any(),
        Page::Dashboard => view! { <dashboard::Dashboard /> }.into_any(),
        Page::Weekly => view! { <weekly::Weekly /> }.into_any(),
        Page::Statistics => view! { <statistics::Statistics /> }.into_any(),
        Page::Duplicates => view! { <duplicates::Duplicates /> }.into_any(),
        Page::Ledgers => view! { <ledgers::Ledgers /> }.into_any(),
    }
}

/// A period's two ends as typed (`YYYY-MM-DD`), this year to date at first, as the annual
/// report counts.
#[derive(Clone, Copy)]
pub struct PeriodInput {
    pub from: RwSignal<String>,
    pub to: RwSignal<String>,
}

impl PeriodInput {
    pub fn year_to_date() -> Self {
        let today = crate::ui::form::today();
        Self {
            from: RwSignal::new(format!("{}-01-01", today.year())),
            to: RwSignal::new(today.to_string()),
        }
    }
}

/// The 起 and 止 dates; `id` prefixes the inputs' ids (`{id}-from`, `{id}-to`).
#[component]
pub fn PeriodFilter(id: &'static str, period: PeriodInput) -> impl IntoView {
    let PeriodInput { from, to } = period;
    // Each date keeps its 起 or 止 beside it when the row wraps on a phone.
    view! {
        <div class="filters period">
            <label class="pair">
                "起"
                <input
                    id=format!("{id}-from")
                    type="date"
                    prop:value=from
                    on:change=move |ev| from.set(event_target_value(&ev))
                />
            </label>
            <label class="pair">
                "止"
                <input
                    id=format!("{id}-to")
                    type="date"
                    prop:value=to
                    on:change=move |ev| to.set(event_target_value(&ev))
                />
            </label>
        </div>
    }
}

pub fn office() -> Office {
    expect_context::<Office>()
}

pub fn open(page: Page) -> impl Fn() + Clone {
    let ctx = crate::ui::ctx();
    move || ctx.go(Screen::Office(page.clone()))
}
