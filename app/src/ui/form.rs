//! What every form shares: field errors shown under their field, text inputs, and the save
//! state ("保存中…", then "已保存" only once the transaction committed).

use leptos::prelude::*;
use pingan_shared::statistics::china_date;
use pingan_shared::validation::{Date, FieldError};

use crate::error::AppError;

/// The errors of one form, each shown under the field it names.
#[derive(Clone, Copy)]
pub struct Errors(pub RwSignal<Vec<FieldError>>);

impl Errors {
    pub fn new() -> Self {
        Self(RwSignal::new(Vec::new()))
    }

    /// The message for `field` (named as in the record, e.g. `floating.arrival_date`), shown
    /// under its input; the attribute `data-field` names it for tests.
    pub fn view(self, field: &'static str) -> impl IntoView {
        move || {
            self.0.with(|errors| {
                errors
                    .iter()
                    .find(|e| e.field == field)
                    .map(|e| view! { <p class="field-error" data-field=field>{e.message_zh.clone()}</p> })
            })
        }
    }

    pub fn set(self, errors: Vec<FieldError>) {
        self.0.set(errors);
    }

    pub fn clear(self) {
        self.0.set(Vec::new());
    }

    /// Shows a failed save: field errors under their fields, anything else in `notice`.
    pub fn show(self, error: AppError, notice: RwSignal<Option<String>>) {
        match error {
            AppError::Invalid(errors) => {
                notice.set(Some("未保存，请按提示修改".into()));
                self.0.set(errors);
            }
            other => notice.set(Some(other.to_string())),
        }
    }
}

/// A labelled text input bound to `value`.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] placeholder: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] inputmode: &'static str,
    #[prop(optional)] list: &'static str,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            type=kind
            placeholder=placeholder
            inputmode=(!inputmode.is_empty()).then_some(inputmode)
            list=(!list.is_empty()).then_some(list)
            autocomplete="off"
            prop:value=value
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}

/// A labelled choice among fixed values: a vocabulary's `OPTIONS` (value stored, label read).
/// One component for every such select, so the phone's wasm carries one copy of a select.
#[component]
pub fn Choice(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    options: &'static [(&'static str, &'static str)],
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <select id=id prop:value=value on:change=move |ev| value.set(event_target_value(&ev))>
            {options
                .iter()
                .map(|(stored, label)| view! { <option value=*stored>{*label}</option> })
                .collect_view()}
        </select>
    }
}

/// The village a new record belongs to, among the worker's; hidden when they have one (the
/// value is still there, for the save and the draft).
#[component]
pub fn VillageChoice(id: &'static str, value: RwSignal<String>) -> impl IntoView {
    let villages = super::ctx().profile.with_value(|p| p.villages.clone());
    let one = villages.len() < 2;
    view! {
        <div class="field" hidden=one>
            <label for=id>"所属村（居）"</label>
            <select id=id prop:value=value on:change=move |ev| value.set(event_target_value(&ev))>
                {villages
                    .into_iter()
                    .map(|v| view! { <option value=v.id>{v.name}</option> })
                    .collect_view()}
            </select>
        </div>
    }
}

/// The village a new record starts in: the one last registered on this device, if still the
/// worker's, or their first.
pub fn starting_village() -> String {
    let villages = super::ctx().profile.with_value(|p| p.villages.clone());
    Some(remembered_village())
        .filter(|v| villages.iter().any(|known| &known.id == v))
        .or_else(|| villages.first().map(|v| v.id.clone()))
        .unwrap_or_default()
}

/// Today in China, by the device clock.
pub fn today() -> Date {
    china_date(js_sys::Date::now() as i64)
}

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The names typed into one box, parted by 、 or commas or spaces (visitors, screeners).
pub fn names(text: &str) -> Vec<String> {
    text.split(['、', ',', '，', ' '])
        .filter(|n| !n.trim().is_empty())
        .map(|n| n.trim().to_owned())
        .collect()
}

/// `None` for a blank input, the trimmed text otherwise.
pub fn optional(value: &str) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// A phone field as saved: blank is none; a number is stored in its normalised form, which
/// validation requires (`docs/data-model.md`).
pub fn optional_phone(value: &str) -> Option<String> {
    optional(value).map(|v| pingan_shared::validation::normalise_phone(&v))
}

/// The save-state line under a form: "保存中…" and "已…" in green, anything else is a failure,
/// in red and read out at once.
pub fn notice_view(notice: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        notice.get().map(|text| {
            let failed = !text.starts_with('已') && !text.starts_with('保');
            view! {
                <p class="notice" class:failed=failed role=if failed { "alert" } else { "status" }>{text}</p>
            }
        })
    }
}

/// The badge a list row shows for its sync state.
pub fn badge(synced: bool, needs_correction: &Option<String>) -> &'static str {
    match (needs_correction, synced) {
        (Some(_), _) => "需更正",
        (None, true) => "已同步",
        (None, false) => "待同步",
    }
}

/// `items` ordered by `key`. Every list sorts through this one routine on `(String, usize)`:
/// a `sort_by` per list compiles a whole merge sort per closure into the wasm module.
pub fn sorted<T>(items: Vec<T>, key: impl Fn(&T) -> String) -> Vec<T> {
    let mut keys: Vec<(String, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (key(item), i))
        .collect();
    keys.sort_unstable();
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    keys.into_iter()
        .filter_map(|(_, i)| slots[i].take())
        .collect()
}

/// Text that orders numbers by value, as people read addresses: "3组9号" before "3组12号".
pub fn natural(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut digits = String::new();
    for c in text.chars().chain(std::iter::once('\u{0}')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            out.push_str(&format!("{digits:0>8}"));
            digits.clear();
        }
        if c != '\u{0}' {
            out.push(c);
        }
    }
    out
}

/// A `YYYY-MM-DD` key that sorts the newest date first.
pub fn newest_first(date: &str) -> String {
    date.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from(b'9' - d as u8),
            None => c,
        })
        .collect()
}

const VILLAGE_KEY: &str = "pingan.village";

/// The village last registered on this device: a worker covers one or two villages, so the
/// form starts from the last one instead of asking every time.
pub fn remembered_village() -> String {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(VILLAGE_KEY).ok().flatten())
        .unwrap_or_default()
}

pub fn remember_village(village: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        // A convenience only; the record itself carries its village.
        let _ = storage.set_item(VILLAGE_KEY, village);
    }
}

/// A moment on this device's clock as 月日 时:分.
pub fn format_time(ms: f64) -> String {
    let date = js_sys::Date::new(&ms.into());
    format!(
        "{}月{}日 {:02}:{:02}",
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_order_their_numbers_by_value() {
        let addresses = vec!["新民村3组12号", "新民村10组1号", "新民村3组9号"];
        assert_eq!(
            sorted(addresses, |a| natural(a)),
            ["新民村3组9号", "新民村3组12号", "新民村10组1号"]
        );
    }

    #[test]
    fn newest_dates_come_first() {
        let dates = vec!["2024-01-31", "2024-03-01", "2023-12-31"];
        assert_eq!(
            sorted(dates, |d| newest_first(d)),
            ["2024-03-01", "2024-01-31", "2023-12-31"]
        );
    }
}
