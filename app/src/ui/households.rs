//! Adding a household at the door, and the list of households on this device.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::records::household::Household;
use pingan_shared::validation::FieldError;

use crate::store::{DeviceStore, HouseholdSummary};

#[component]
pub fn HouseholdForm(
    store: DeviceStore,
    households: RwSignal<Vec<HouseholdSummary>>,
) -> impl IntoView {
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
        let household = Household::new(
            &address.get_untracked(),
            &head.get_untracked(),
            js_sys::Date::now() as i64,
        );
        if let Err(problems) = household.validate() {
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
                                view! {
                                    <li data-synced=synced>
                                        <span class="address">{h.address}</span>
                                        <span class="head">{h.head_of_household}</span>
                                        <span class="badge">
                                            {if h.synced { "已同步" } else { "待同步" }}
                                        </span>
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
