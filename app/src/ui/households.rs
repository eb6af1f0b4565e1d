//! Adding a household at the door, and the list of households on this device.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::records::household::Household;
use pingan_shared::records::{Authorship, Record};
use pingan_shared::session::Profile;
use pingan_shared::statistics::china_date;
use pingan_shared::validation::FieldError;

use crate::store::{DeviceStore, HouseholdSummary};

#[component]
pub fn HouseholdForm(
    store: DeviceStore,
    profile: Profile,
    households: RwSignal<Vec<HouseholdSummary>>,
) -> impl IntoView {
    let villages = profile.villages.clone();
    let initial = Some(remembered_village())
        .filter(|v| villages.iter().any(|known| &known.id == v))
        .or_else(|| villages.first().map(|v| v.id.clone()))
        .unwrap_or_default();
    let village = RwSignal::new(initial);
    let username = profile.username.clone();
    let group = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let head = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let saving = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);

    let error_for = move |field: &'static str| {
        move || {
            errors.with(|errors| {
                errors
                    .iter()
                    .find(|e| e.field == field)
                    .map(|e| e.message_zh.clone())
            })
        }
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let now_ms = js_sys::Date::now() as i64;
        let by = Authorship {
            village: village.get_untracked().trim().to_owned(),
            created_by: username.clone(),
            created_at_ms: now_ms,
        };
        let household = Household::new(
            &by,
            &group.get_untracked(),
            &address.get_untracked(),
            &head.get_untracked(),
        );
        if let Err(problems) = household.validate(china_date(now_ms)) {
            errors.set(problems);
            notice.set(None);
            return;
        }
        errors.set(Vec::new());
        saving.set(true);
        let store = store.clone();
        spawn_local(async move {
            match store.add_household(&household).await {
                Ok(summary) => {
                    remember_village(&summary.village);
                    households.update(|list| list.push(summary));
                    address.set(String::new());
                    head.set(String::new());
                    notice.set(Some(format!("已保存：{}", household.head_of_household)));
                }
                Err(error) => notice.set(Some(error.to_string())),
            }
            saving.set(false);
        });
    };

    view! {
        <form id="household-form" class="card" on:submit=submit novalidate>
            <h2>"新增住户"</h2>
            <label for="household-village">"所属村（居）"</label>
            <select
                id="household-village"
                prop:value=village
                on:change=move |ev| village.set(event_target_value(&ev))
            >
                {villages
                    .into_iter()
                    .map(|v| view! { <option value=v.id.clone()>{v.name.clone()}</option> })
                    .collect_view()}
            </select>
            {move || error_for("village")().map(|m| view! { <p class="field-error">{m}</p> })}
            <label for="household-group">"村民小组"</label>
            <input
                id="household-group"
                type="text"
                placeholder="如：3组"
                autocomplete="off"
                prop:value=group
                on:input=move |ev| group.set(event_target_value(&ev))
            />
            {move || error_for("group")().map(|m| view! { <p class="field-error">{m}</p> })}
            <label for="household-address">"住址"</label>
            <input
                id="household-address"
                type="text"
                placeholder="如：幸福村3组12号"
                autocomplete="off"
                prop:value=address
                on:input=move |ev| address.set(event_target_value(&ev))
            />
            {move || error_for("address")().map(|m| view! { <p class="field-error">{m}</p> })}
            <label for="household-head">"户主姓名"</label>
            <input
                id="household-head"
                type="text"
                autocomplete="off"
                prop:value=head
                on:input=move |ev| head.set(event_target_value(&ev))
            />
            {move || {
                error_for("head_of_household")().map(|m| view! { <p class="field-error">{m}</p> })
            }}
            <button id="household-add" type="submit" disabled=move || saving.get()>
                {move || if saving.get() { "保存中…" } else { "保存" }}
            </button>
            {move || notice.get().map(|text| view! { <p class="notice" role="status">{text}</p> })}
        </form>
    }
}

#[component]
pub fn HouseholdList(households: RwSignal<Vec<HouseholdSummary>>) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"本机住户（" {move || households.with(Vec::len)} "）"</h2>
            <Show
                when=move || households.with(|list| !list.is_empty())
                fallback=|| view! { <p class="empty">"本机还没有住户记录。"</p> }
            >
                <ul id="household-list">
                    {move || {
                        households
                            .get()
                            .into_iter()
                            .map(|h| {
                                let synced = if h.synced { "true" } else { "false" };
                                let badge = match (&h.needs_correction, h.synced) {
                                    (Some(_), _) => "需更正",
                                    (None, true) => "已同步",
                                    (None, false) => "待同步",
                                };
                                view! {
                                    <li data-synced=synced>
                                        <span class="group">{h.group}</span>
                                        <span class="address">{h.address}</span>
                                        <span class="head">{h.head_of_household}</span>
                                        <span class="badge">{badge}</span>
                                        {h
                                            .needs_correction
                                            .map(|reason| {
                                                view! { <p class="needs-correction">{reason}</p> }
                                            })}
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Show>
        </section>
    }
}

const VILLAGE_KEY: &str = "pingan.village";

/// The village last registered on this device: a worker covers one or two villages, so the
/// form starts from the last one instead of asking every time.
fn remembered_village() -> String {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(VILLAGE_KEY).ok().flatten())
        .unwrap_or_default()
}

fn remember_village(village: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        // A convenience only; the record itself carries its village.
        let _ = storage.set_item(VILLAGE_KEY, village);
    }
}
