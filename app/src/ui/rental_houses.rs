//! Rental houses (出租房屋): the list with each house's tenants, security-responsibility letter
//! (治安责任书) and last safety check; adding a house and keeping those dates up to date.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::records::rental_house::RentalHouse;
use pingan_shared::records::{Authorship, Record};
use pingan_shared::search::Query;

use super::draft::Draft;
use super::form::{
    Errors, TextField, VillageChoice, badge, natural, notice_view, now_ms, optional, sorted,
    starting_village, today,
};
use super::form::{optional_phone, remember_village};
use super::{Screen, ctx, load};
use crate::store::index::{PersonSummary, RentalHouseSummary};

const LIST_LIMIT: usize = 200;
/// A safety check older than this is due again (checks are quarterly in most townships).
const CHECK_DUE_AFTER_DAYS: i64 = 90;

#[component]
pub fn RentalList() -> impl IntoView {
    let ctx = ctx();
    let houses = load(move || {
        ctx.revision.track();
        let store = ctx.store();
        async move { store.list::<RentalHouseSummary>().await.unwrap_or_default() }
    });
    let query = RwSignal::new(String::new());
    let due_before = today().add_days(-CHECK_DUE_AFTER_DAYS).to_string();
    let shown = move || {
        let query = Query::parse(&query.get());
        let list: Vec<RentalHouseSummary> = houses
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|h| {
                query.matches([
                    h.address.as_str(),
                    h.landlord_name.as_str(),
                    h.landlord_phone.as_deref().unwrap_or(""),
                ])
            })
            .collect();
        sorted(list, |h| natural(&h.address))
    };
    view! {
        <button
            id="rental-new"
            type="button"
            class="wide"
            on:click=move |_| ctx.go(Screen::RentalHouse(None))
        >
            "＋ 登记出租房屋"
        </button>
        <section class="card">
            <h2>"出租房屋（" {move || shown().len()} "）"</h2>
            <input
                id="rental-search"
                type="search"
                class="search"
                placeholder="搜索：地址、房东、电话"
                autocomplete="off"
                prop:value=query
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            {move || {
                let list = shown();
                if list.is_empty() {
                    return view! { <p class="empty">"没有出租房屋记录。"</p> }.into_any();
                }
                let due_before = due_before.clone();
                view! {
                    <ul id="rental-list" class="rows">
                        {list
                            .into_iter()
                            .take(LIST_LIMIT)
                            .map(|h| {
                                let id = h.id.clone();
                                let synced = if h.synced { "true" } else { "false" };
                                let check_due = h
                                    .last_safety_check_on
                                    .as_ref()
                                    .is_none_or(|d| *d < due_before);
                                view! {
                                    <li
                                        data-synced=synced
                                        data-id=h.id.clone()
                                        on:click=move |_| ctx.go(Screen::RentalHouse(Some(id.clone())))
                                    >
                                        <span class="address">{h.address.clone()}</span>
                                        <span class="head">"房东 " {h.landlord_name.clone()}</span>
                                        // One line of state under the address, the same for every row.
                                        <span class="line">
                                            <span class="details state">
                                                {super::parts(vec![
                                                    format!("租户 {} 人", h.tenant_ids.len()),
                                                    (if h.letter_signed_on.is_some() { "已签责任书" } else { "未签责任书" }).to_owned(),
                                                    match (&h.last_safety_check_on, check_due) {
                                                        (None, _) => "未做安全检查".to_owned(),
                                                        (Some(on), true) => format!("安全检查 {on}（需复查）"),
                                                        (Some(on), false) => format!("安全检查 {on}"),
                                                    },
                                                ])}
                                            </span>
                                            <span class="badge">{badge(h.synced, &h.needs_correction)}</span>
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// A new rental house (`id` = `None`) or an existing one with its tenants.
#[component]
pub fn RentalForm(id: Option<String>) -> impl IntoView {
    let ctx = ctx();
    let editing = StoredValue::new(id.clone());
    let kept = Draft::keep("rental-form", id.as_deref());
    let village = RwSignal::new(starting_village());
    let address = RwSignal::new(String::new());
    let landlord = RwSignal::new(String::new());
    let landlord_phone = RwSignal::new(String::new());
    let rooms = RwSignal::new("1".to_owned());
    let letter = RwSignal::new(String::new());
    let check = RwSignal::new(String::new());
    let tenant_ids = RwSignal::new(Vec::<String>::new());
    let errors = Errors::new();
    let saving = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);

    if let Some(id) = id {
        let store = ctx.store();
        spawn_local(async move {
            match store.record::<RentalHouse>(&id).await {
                Ok(h) => {
                    village.set(h.village);
                    address.set(h.address);
                    landlord.set(h.landlord_name);
                    landlord_phone.set(h.landlord_phone.unwrap_or_default());
                    rooms.set(h.rooms.to_string());
                    letter.set(h.responsibility_letter_signed_on.unwrap_or_default());
                    check.set(h.last_safety_check_on.unwrap_or_default());
                    tenant_ids.set(h.tenant_ids);
                }
                Err(error) => notice.set(Some(error.to_string())),
            }
        });
    }
    let tenants = load(move || {
        let ids = tenant_ids.get();
        let store = ctx.store();
        async move {
            store
                .summaries::<PersonSummary>(&ids)
                .await
                .unwrap_or_default()
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let fields = (
            address.get_untracked(),
            landlord.get_untracked(),
            optional_phone(&landlord_phone.get_untracked()),
            rooms.get_untracked().trim().parse::<u64>().unwrap_or(0),
            optional(&letter.get_untracked()),
            optional(&check.get_untracked()),
        );
        let apply = move |h: &mut RentalHouse| {
            let (a, l, lp, r, letter, check) = fields;
            h.address = a.trim().to_owned();
            h.landlord_name = l.trim().to_owned();
            h.landlord_phone = lp;
            h.rooms = r;
            h.responsibility_letter_signed_on = letter;
            h.last_safety_check_on = check;
        };
        let by = Authorship {
            village: village.get_untracked(),
            created_by: ctx.profile.with_value(|p| p.username.clone()),
            created_at_ms: now_ms(),
        };
        let mut draft = RentalHouse::new(&by, "", "", 1);
        apply.clone()(&mut draft);
        if let Err(problems) = draft.validate(today()) {
            errors.set(problems);
            notice.set(Some("未保存，请按提示修改".into()));
            return;
        }
        errors.clear();
        saving.set(true);
        let store = ctx.store();
        let editing_id = editing.get_value();
        spawn_local(async move {
            let outcome = match &editing_id {
                Some(id) => store
                    .edit::<RentalHouse>(id, move |h| {
                        apply(h);
                        Ok(())
                    })
                    .await
                    .map(|_| id.clone()),
                None => store.create(&draft).await,
            };
            match outcome {
                Ok(id) => {
                    remember_village(&village.get_untracked());
                    kept.saved();
                    kept.becomes(&id);
                    notice.set(Some(format!("已保存：{}", address.get_untracked().trim())));
                    editing.set_value(Some(id));
                    ctx.saved();
                }
                Err(error) => errors.show(error, notice),
            }
            saving.set(false);
        });
    };

    let today_button = move |target: RwSignal<String>, id: &'static str, label: &'static str| {
        view! {
            <button
                id=id
                type="button"
                class="small secondary"
                on:click=move |_| target.set(today().to_string())
            >
                {label}
            </button>
        }
    };

    view! {
        <button type="button" class="back" on:click=move |_| ctx.go(Screen::RentalHouses)>
            "‹ 返回出租房屋列表"
        </button>
        <form
            id="rental-form"
            data-draft=kept.key()
            class="card"
            on:submit=submit
            novalidate
        >
            <h2>{if editing.get_value().is_some() { "出租房屋" } else { "登记出租房屋" }}</h2>
            {kept.offer()}
            <VillageChoice id="rental-village" value=village />
            <TextField id="rental-address" label="房屋地址" value=address />
            {errors.view("address")}
            <TextField id="rental-landlord" label="房东姓名" value=landlord />
            {errors.view("landlord_name")}
            <TextField id="rental-landlord-phone" label="房东电话" value=landlord_phone inputmode="tel" />
            {errors.view("landlord_phone")}
            <TextField id="rental-rooms" label="出租间数" value=rooms inputmode="numeric" />
            {errors.view("rooms")}
            <TextField id="rental-letter" label="治安责任书签订日期" value=letter kind="date" />
            {today_button(letter, "rental-letter-today", "今天签订")}
            {errors.view("responsibility_letter_signed_on")}
            <TextField id="rental-check" label="最近安全检查日期" value=check kind="date" />
            {today_button(check, "rental-check-today", "今天检查")}
            {errors.view("last_safety_check_on")}
            <button id="rental-save" type="submit" disabled=move || saving.get()>
                {move || if saving.get() { "保存中…" } else { "保存" }}
            </button>
            {notice_view(notice)}
        </form>
        <Show when=move || editing.get_value().is_some()>
            <section class="card">
                <h2>"租户（" {move || tenant_ids.with(Vec::len)} "）"</h2>
                <ul id="tenant-list" class="rows">
                    {move || {
                        tenants
                            .get()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|p| {
                                let id = p.id.clone();
                                view! {
                                    <li on:click=move |_| ctx.go(Screen::FloatingForm(Some(id.clone())))>
                                        <span class="head">{p.name.clone()}</span>
                                        <span class="details">
                                            {p.origin.clone().unwrap_or_default()} " "
                                            {p.arrival_date.clone().map(|d| format!("{d}来本地"))}
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <p class="hint">"登记租户：在“流动人口”中登记时选择本房屋。"</p>
            </section>
        </Show>
    }
}
