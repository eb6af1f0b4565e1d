//! Households: the list by village and group with search, and adding a household at the door
//! (its 户主 registered as its first member). A household's own page is `household_detail.rs`.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::records::household::{Household, HouseholdMember};
use pingan_shared::records::person::Person;
use pingan_shared::records::vocabulary::Relation;
use pingan_shared::records::{Authorship, Record};
use pingan_shared::search::Query;

use super::draft::Draft;
use super::form::{
    Errors, TextField, VillageChoice, badge, natural, notice_view, now_ms, optional,
    remember_village, sorted, starting_village, today,
};
use super::{Ctx, Screen, ctx, load};
use crate::store::HouseholdSummary;
use crate::store::index::PersonSummary;

/// More rows than a phone scrolls through; past it the worker narrows the search.
const LIST_LIMIT: usize = 200;

#[component]
pub fn HouseholdsScreen() -> impl IntoView {
    // Above the list, where the worker at a new door looks; closed until wanted, as a phone
    // has no room for both. A draft left in it opens it.
    let open = RwSignal::new(false);
    let draft = Draft::keep("household-form", None);
    let shown = move || open.get() || draft.offered();
    view! {
        <button
            id="household-new"
            type="button"
            class="wide"
            aria-expanded=move || shown().to_string()
            on:click=move |_| open.set(!shown())
        >
            {move || if shown() { "收起新增住户" } else { "＋ 新增住户" }}
        </button>
        <HouseholdForm shown=Signal::derive(shown) draft />
        <HouseholdList />
    }
}

#[component]
fn HouseholdList() -> impl IntoView {
    let ctx = ctx();
    let households = load(move || {
        ctx.revision.track();
        let store = ctx.store();
        async move { store.households().await }
    });
    let query = RwSignal::new(String::new());
    let village = RwSignal::new(String::new());
    let group = RwSignal::new(String::new());
    let searching = Memo::new(move |_| !Query::parse(&query.get()).is_empty());
    // People are searched too (ID number, phone, name), but only once something is typed.
    let persons = load(move || {
        ctx.revision.track();
        let wanted = searching.get();
        let store = ctx.store();
        async move {
            if wanted {
                store.list::<PersonSummary>().await.unwrap_or_default()
            } else {
                Vec::new()
            }
        }
    });
    let all = move || households.get().and_then(Result::ok).unwrap_or_default();
    let groups = move || {
        let village = village.get();
        let groups: Vec<String> = all()
            .into_iter()
            .filter(|h| village.is_empty() || h.village == village)
            .map(|h| h.group)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        sorted(groups, |g| natural(g))
    };
    let shown = move || {
        let query = Query::parse(&query.get());
        let (village, group) = (village.get(), group.get());
        let matching_people: BTreeSet<String> = if query.is_empty() {
            BTreeSet::new()
        } else {
            persons
                .get()
                .unwrap_or_default()
                .into_iter()
                .filter(|p| !p.merged)
                .filter(|p| {
                    query.matches([
                        p.name.as_str(),
                        p.citizen_id.as_deref().unwrap_or(""),
                        p.phone.as_deref().unwrap_or(""),
                    ])
                })
                .filter_map(|p| p.household_id)
                .collect()
        };
        let list: Vec<HouseholdSummary> = all()
            .into_iter()
            .filter(|h| village.is_empty() || h.village == village)
            .filter(|h| group.is_empty() || h.group == group)
            .filter(|h| {
                matching_people.contains(&h.id)
                    || query.matches(
                        [
                            h.head_of_household.as_str(),
                            h.address.as_str(),
                            h.group.as_str(),
                            h.contact_phone.as_deref().unwrap_or(""),
                        ]
                        .into_iter()
                        .chain(h.member_names.iter().map(String::as_str)),
                    )
            })
            .collect();
        sorted(list, |h| {
            format!(
                "{}\u{0}{}\u{0}{}\u{0}{:020}",
                h.village,
                natural(&h.group),
                natural(&h.address),
                h.created_at_ms
            )
        })
    };
    let villages = ctx.profile.with_value(|p| p.villages.clone());

    view! {
        <section class="card">
            <h2>"本机住户（" {move || all().len()} "）"</h2>
            <input
                id="household-search"
                type="search"
                class="search"
                placeholder="搜索：姓名、身份证号、电话、住址"
                autocomplete="off"
                prop:value=query
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <div class="filters">
                <select
                    id="filter-village"
                    aria-label="村（居）"
                    prop:value=village
                    on:change=move |ev| {
                        village.set(event_target_value(&ev));
                        group.set(String::new());
                    }
                >
                    <option value="">"全部村（居）"</option>
                    {villages
                        .into_iter()
                        .map(|v| view! { <option value=v.id.clone()>{v.name.clone()}</option> })
                        .collect_view()}
                </select>
                <select
                    id="filter-group"
                    aria-label="村民小组"
                    prop:value=group
                    on:change=move |ev| group.set(event_target_value(&ev))
                >
                    <option value="">"全部小组"</option>
                    {move || {
                        groups()
                            .into_iter()
                            .map(|g| view! { <option value=g.clone()>{g.clone()}</option> })
                            .collect_view()
                    }}
                </select>
            </div>
            {move || {
                let list = shown();
                let total = list.len();
                if all().is_empty() {
                    return view! { <p class="empty">"本机还没有住户记录。"</p> }.into_any();
                }
                if total == 0 {
                    return view! { <p class="empty">"没有符合条件的住户。"</p> }.into_any();
                }
                view! {
                    <ul id="household-list" class="rows">
                        {list
                            .into_iter()
                            .take(LIST_LIMIT)
                            .map(|h| household_row(ctx, h))
                            .collect_view()}
                    </ul>
                    {(total > LIST_LIMIT)
                        .then(|| {
                            view! {
                                <p class="hint">
                                    "另有 " {total - LIST_LIMIT} " 户未显示，请输入搜索条件或选择小组。"
                                </p>
                            }
                        })}
                }
                    .into_any()
            }}
        </section>
    }
}

fn household_row(ctx: Ctx, h: HouseholdSummary) -> impl IntoView {
    let synced = if h.synced { "true" } else { "false" };
    let badge = badge(h.synced, &h.needs_correction);
    let id = h.id.clone();
    view! {
        <li data-synced=synced data-id=h.id.clone() on:click=move |_| ctx.go(Screen::Household(id.clone()))>
            <span class="group">{h.group}</span>
            <span class="address">{h.address}</span>
            <span class="head">{h.head_of_household}</span>
            <span class="count">{h.member_names.len()} "人"</span>
            <span class="badge">{badge}</span>
            {h.needs_correction.map(|reason| view! { <p class="needs-correction">{reason}</p> })}
        </li>
    }
}

#[component]
fn HouseholdForm(shown: Signal<bool>, draft: Draft) -> impl IntoView {
    let ctx = ctx();
    let initial = starting_village();
    let village = RwSignal::new(initial);
    let group = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let head = RwSignal::new(String::new());
    let joint = RwSignal::new(String::new());
    let errors = Errors::new();
    let saving = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let by = Authorship {
            village: village.get_untracked().trim().to_owned(),
            created_by: ctx.profile.with_value(|p| p.username.clone()),
            created_at_ms: now_ms(),
        };
        let mut household = Household::new(
            &by,
            &group.get_untracked(),
            &address.get_untracked(),
            &head.get_untracked(),
        );
        household.joint_defence_group = optional(&joint.get_untracked());
        if let Err(problems) = household.validate(today()) {
            errors.set(problems);
            notice.set(None);
            return;
        }
        // The 户主 lives here too: counted as the first member, so nobody types them twice.
        let head_person = Person::new(&by, &household.head_of_household);
        errors.clear();
        saving.set(true);
        let store = ctx.store();
        spawn_local(async move {
            let outcome = async {
                let (household_id, person_id) = (store.new_id()?, store.new_id()?);
                let mut head_person = head_person;
                head_person.household_id = Some(household_id.clone());
                household.set_member(HouseholdMember {
                    person_id: person_id.clone(),
                    name: head_person.name.clone(),
                    relation: Relation::Head,
                });
                let writer = store.writer()?;
                writer.create_as(&household_id, &household).await?;
                writer.create_as(&person_id, &head_person).await?;
                writer.commit().await?;
                Ok::<_, crate::error::AppError>(household)
            }
            .await;
            match outcome {
                Ok(household) => {
                    remember_village(&household.village);
                    draft.saved();
                    address.set(String::new());
                    head.set(String::new());
                    notice.set(Some(format!("已保存：{}", household.head_of_household)));
                    ctx.saved();
                }
                Err(error) => errors.show(error, notice),
            }
            saving.set(false);
        });
    };

    view! {
        <form
            id="household-form"
            data-draft=draft.key()
            class="card"
            hidden=move || !shown.get()
            on:submit=submit
            novalidate
        >
            <h2>"新增住户"</h2>
            {draft.offer()}
            <VillageChoice id="household-village" value=village />
            {errors.view("village")}
            <TextField id="household-group" label="村民小组" value=group placeholder="如：3组" />
            {errors.view("group")}
            <TextField
                id="household-address"
                label="住址"
                value=address
                placeholder="如：幸福村3组12号"
            />
            {errors.view("address")}
            <TextField id="household-head" label="户主姓名（登记为本户第一位成员）" value=head />
            {errors.view("head_of_household")}
            <TextField
                id="household-joint-group"
                label="十户联防组（可不填）"
                value=joint
                placeholder="如：3组第2联防组"
            />
            {errors.view("joint_defence_group")}
            <button id="household-add" type="submit" disabled=move || saving.get()>
                {move || if saving.get() { "保存中…" } else { "保存" }}
            </button>
            {notice_view(notice)}
        </form>
    }
}
