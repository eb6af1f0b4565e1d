//! Floating residents (流动人口): the list, and the door-to-door registration form — the ID
//! number fills sex, birth date and origin; the rented house is picked or created on the spot
//! (以房管人); the employer (以业管人) is typed or picked; and a number already registered on
//! this device is flagged at once, offline, with the existing record.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::records::links::tenancy_change;
use pingan_shared::records::person::{FloatingResident, Person};
use pingan_shared::records::rental_house::RentalHouse;
use pingan_shared::records::vocabulary::{FloatingReason, Sex};
use pingan_shared::records::{Authorship, Record};
use pingan_shared::search::Query;
use pingan_shared::validation::{CitizenId, FieldError};

use super::draft::Draft;
use super::duplicates::DuplicateWarning;
use super::form::{
    Choice, Errors, TextField, VillageChoice, badge, newest_first, notice_view, now_ms, optional,
    sorted, starting_village, today,
};
use super::form::{optional_phone, remember_village};
use super::house_picker::{HousePicker, PickedHouse};
use super::{Screen, ctx, load};
use crate::error::AppError;
use crate::store::index::PersonSummary;

const LIST_LIMIT: usize = 200;

#[component]
pub fn FloatingList() -> impl IntoView {
    let ctx = ctx();
    let persons = load(move || {
        ctx.revision.track();
        let store = ctx.store();
        async move { store.list::<PersonSummary>().await }
    });
    let query = RwSignal::new(String::new());
    let shown = move || {
        let query = Query::parse(&query.get());
        let list: Vec<PersonSummary> = persons
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.floating && !p.merged)
            .filter(|p| {
                query.matches([
                    p.name.as_str(),
                    p.citizen_id.as_deref().unwrap_or(""),
                    p.phone.as_deref().unwrap_or(""),
                    p.origin.as_deref().unwrap_or(""),
                    p.employer.as_deref().unwrap_or(""),
                ])
            })
            .collect();
        // Those still here first, the latest arrivals on top.
        sorted(list, |p| {
            format!(
                "{}{}{}",
                u8::from(p.departed),
                newest_first(p.arrival_date.as_deref().unwrap_or("")),
                p.name
            )
        })
    };
    view! {
        <button
            id="floating-new"
            type="button"
            class="wide"
            on:click=move |_| ctx.go(Screen::FloatingForm(None))
        >
            "＋ 登记流动人口"
        </button>
        <section class="card">
            <h2>"流动人口（" {move || shown().len()} "）"</h2>
            <input
                id="floating-search"
                type="search"
                class="search"
                placeholder="搜索姓名、证件号、电话、来源地、单位"
                autocomplete="off"
                prop:value=query
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            {move || {
                let list = shown();
                if list.is_empty() {
                    return view! { <p class="empty">"没有流动人口记录。"</p> }.into_any();
                }
                view! {
                    <ul id="floating-list" class="rows">
                        {list
                            .into_iter()
                            .take(LIST_LIMIT)
                            .map(|p| {
                                let id = p.id.clone();
                                let synced = if p.synced { "true" } else { "false" };
                                view! {
                                    <li
                                        data-synced=synced
                                        data-id=p.id.clone()
                                        on:click=move |_| {
                                            ctx.go(Screen::FloatingForm(Some(id.clone())))
                                        }
                                    >
                                        <span class="head">{p.name.clone()}</span>
                                        <span class="address">
                                            {p.origin.clone().unwrap_or_default()}
                                        </span>
                                        <span class="details">
                                            {p.arrival_date.clone().map(|d| format!("{d}来本地"))}
                                            {p.departed.then_some("（已离开）")}
                                        </span>
                                        <span class="badge">{badge(p.synced, &p.needs_correction)}</span>
                                        {p
                                            .needs_correction
                                            .clone()
                                            .map(|r| view! { <p class="needs-correction">{r}</p> })}
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

/// What the ID number says, shown as soon as it is complete.
#[derive(Clone, PartialEq)]
struct Derived {
    normalised: String,
    sex: Sex,
    birth_date: String,
    region: Option<String>,
}

/// Registration (`id` = `None`) or correction of a floating resident.
#[component]
pub fn FloatingForm(id: Option<String>) -> impl IntoView {
    let ctx = ctx();
    let draft = Draft::keep("floating-form", id.as_deref());
    let editing = StoredValue::new(id.clone());
    let initial_village = starting_village();
    let village = RwSignal::new(initial_village);
    let citizen_id = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let origin = RwSignal::new(String::new());
    let arrival = RwSignal::new(today().to_string());
    let reason = RwSignal::new(FloatingReason::Work.as_str().to_owned());
    let employer = RwSignal::new(String::new());
    let permit = RwSignal::new(String::new());
    let picked = PickedHouse::new();
    let errors = Errors::new();
    let saving = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let correction = RwSignal::new(None::<String>);
    // The house the person lived in when the form opened, to move them out of it if changed.
    let original_house = StoredValue::new(None::<String>);

    // The employers already on the device, to pick from.
    let persons = load(move || {
        ctx.revision.track();
        let store = ctx.store();
        async move { store.list::<PersonSummary>().await.unwrap_or_default() }
    });
    let employers = move || {
        persons
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| p.employer)
            .collect::<BTreeSet<_>>()
    };

    if let Some(id) = id {
        let store = ctx.store();
        spawn_local(async move {
            let summary = store
                .summaries::<PersonSummary>(std::slice::from_ref(&id))
                .await
                .ok()
                .and_then(|mut s| s.pop());
            correction.set(summary.and_then(|s| s.needs_correction));
            match store.record::<Person>(&id).await {
                Ok(person) => {
                    village.set(person.village.clone());
                    citizen_id.set(person.citizen_id.clone().unwrap_or_default());
                    name.set(person.name.clone());
                    phone.set(person.phone.clone().unwrap_or_default());
                    if let Some(f) = person.floating {
                        origin.set(f.origin);
                        arrival.set(f.arrival_date);
                        reason.set(f.reason.as_str().to_owned());
                        employer.set(f.employer.unwrap_or_default());
                        permit.set(f.residence_permit_number.unwrap_or_default());
                        picked
                            .house
                            .set(f.rented_house_id.clone().unwrap_or_default());
                        original_house.set_value(f.rented_house_id);
                    }
                }
                Err(error) => notice.set(Some(error.to_string())),
            }
        });
    }

    // The ID number decoded as it is typed: complete and valid fills the derived fields,
    // complete and wrong says which part is wrong, incomplete says nothing yet.
    let derived = Memo::new(move |_| {
        let typed: String = citizen_id
            .get()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if typed.chars().count() < 15 || typed.chars().count() == 16 || typed.chars().count() == 17
        {
            return None;
        }
        Some(
            CitizenId::parse(&typed, today())
                .map(|id| Derived {
                    normalised: id.as_str().to_owned(),
                    sex: id.sex(),
                    birth_date: id.birth_date().to_string(),
                    region: id.region_name(),
                })
                .map_err(|e| e.into_field_error("citizen_id").message_zh),
        )
    });
    // Origin follows the ID number until the worker types their own.
    let origin_filled = StoredValue::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(d)) = derived.get()
            && let Some(region) = d.region
        {
            let current = origin.get_untracked();
            if current.trim().is_empty() || current == origin_filled.get_value() {
                origin.set(region.clone());
                origin_filled.set_value(region);
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let today = today();
        let by = Authorship {
            village: village.get_untracked(),
            created_by: ctx.profile.with_value(|p| p.username.clone()),
            created_at_ms: now_ms(),
        };
        let form = FloatingInput {
            name: name.get_untracked(),
            citizen_id: citizen_id.get_untracked(),
            phone: phone.get_untracked(),
            origin: origin.get_untracked(),
            arrival: arrival.get_untracked(),
            reason: FloatingReason::parse(&reason.get_untracked()).unwrap_or(FloatingReason::Other),
            employer: employer.get_untracked(),
            permit: permit.get_untracked(),
        };
        let (choice, new_house) = picked.chosen(&by);
        // Checked here first, so every field of both records shows its error at once.
        let mut problems = Vec::new();
        let mut fresh = Person::new(&by, "");
        if let Err(e) = form.apply(&mut fresh, today) {
            problems.extend(e);
        }
        if let Some(h) = &new_house
            && let Err(e) = h.validate(today)
        {
            problems.extend(e.into_iter().map(|mut e| {
                e.field = format!("house.{}", e.field);
                e
            }));
        }
        if !problems.is_empty() {
            errors.set(problems);
            notice.set(Some("未保存，请按提示修改".into()));
            return;
        }
        errors.clear();
        saving.set(true);
        let store = ctx.store();
        let editing_id = editing.get_value();
        let previous_house = original_house.get_value();
        spawn_local(async move {
            let outcome = async {
                let writer = store.writer()?;
                let house_id = match new_house {
                    Some(_) => Some(store.new_id()?),
                    None => choice,
                };
                let person_id = match &editing_id {
                    Some(id) => id.clone(),
                    None => store.new_id()?,
                };
                let person_house = house_id.clone();
                match &editing_id {
                    Some(id) => {
                        writer
                            .edit::<Person>(id, move |p| {
                                form.apply(p, today)?;
                                if let Some(f) = &mut p.floating {
                                    f.rented_house_id = person_house;
                                }
                                Ok(())
                            })
                            .await?;
                    }
                    None => {
                        if let Some(f) = &mut fresh.floating {
                            f.rented_house_id = person_house;
                        }
                        writer.create_as(&person_id, &fresh).await?;
                    }
                }
                // 以房管人: the houses listing the person follow where they live now.
                let moved = tenancy_change(previous_house.as_deref(), house_id.as_deref());
                if let Some(old) = &moved.leave {
                    let tenant = person_id.clone();
                    writer
                        .edit::<RentalHouse>(old, move |h| {
                            h.release_tenant(&tenant);
                            Ok(())
                        })
                        .await?;
                }
                if let Some(joined) = &moved.join {
                    match new_house {
                        Some(mut h) => {
                            h.take_tenant(&person_id);
                            writer.create_as(joined, &h).await?;
                        }
                        None => {
                            let tenant = person_id.clone();
                            writer
                                .edit::<RentalHouse>(joined, move |h| {
                                    h.take_tenant(&tenant);
                                    Ok(())
                                })
                                .await?;
                        }
                    }
                }
                writer.commit().await?;
                Ok::<_, AppError>(person_id)
            }
            .await;
            match outcome {
                Ok(person_id) => {
                    remember_village(&village.get_untracked());
                    draft.saved();
                    notice.set(Some(format!("已保存：{}", name.get_untracked().trim())));
                    correction.set(None);
                    ctx.saved();
                    if editing_id.is_none() {
                        // Ready for the next door; the saved one can be reopened from the list.
                        for field in [citizen_id, name, phone, origin, employer, permit] {
                            field.set(String::new());
                        }
                        picked.clear();
                        // The next person came on a day of their own; today until told.
                        arrival.set(today.to_string());
                    } else {
                        editing.set_value(Some(person_id));
                    }
                }
                Err(error) => errors.show(error, notice),
            }
            saving.set(false);
        });
    };
    view! {
        <button type="button" class="back" on:click=move |_| ctx.go(Screen::Floating)>
            "‹ 返回流动人口列表"
        </button>
        <form
            id="floating-form"
            data-draft=draft.key()
            class="card"
            on:submit=submit
            novalidate
        >
            <h2>
                {move || if editing.get_value().is_some() { "修改流动人口" } else { "登记流动人口" }}
            </h2>
            {draft.offer()}
            {move || {
                correction
                    .get()
                    .map(|reason| {
                        view! {
                            <p class="needs-correction" role="alert">
                                "服务器退回：" {reason} "。请修改后保存，再同步。"
                            </p>
                        }
                    })
            }}
            <VillageChoice id="floating-village" value=village />
            <TextField
                id="floating-citizen-id"
                label="公民身份号码"
                value=citizen_id
                inputmode="numeric"
                placeholder="填写后自动带出性别、出生日期、来源地"
            />
            {move || match derived.get() {
                Some(Ok(d)) => {
                    view! {
                        <p id="floating-derived" class="derived">
                            "性别：" {d.sex.label_zh()} "　出生日期：" {d.birth_date} "　来源地："
                            {d.region.unwrap_or_default()}
                        </p>
                    }
                        .into_any()
                }
                Some(Err(message)) => {
                    view! {
                        <p class="field-error" data-field="citizen_id">
                            {message}
                        </p>
                    }
                        .into_any()
                }
                None => errors.view("citizen_id").into_any(),
            }}
            <DuplicateWarning
                number=Signal::derive(move || {
                    derived.get().and_then(Result::ok).map(|d| d.normalised)
                })
                own=Signal::derive(move || editing.get_value())
            />
            {errors.view("sex")}
            {errors.view("birth_date")}
            <TextField id="floating-name" label="姓名" value=name />
            {errors.view("name")}
            <TextField id="floating-phone" label="联系电话" value=phone inputmode="tel" />
            {errors.view("phone")}
            <TextField id="floating-origin" label="来源地（户籍地）" value=origin />
            {errors.view("floating.origin")}
            <TextField id="floating-arrival" label="来本地日期" value=arrival kind="date" />
            {errors.view("floating.arrival_date")}
            <Choice id="floating-reason" label="来本地事由" value=reason options=FloatingReason::OPTIONS />
            <TextField
                id="floating-employer"
                label="工作单位（以业管人）"
                value=employer
                list="employer-options"
            />
            <datalist id="employer-options">
                {move || {
                    employers()
                        .into_iter()
                        .map(|e| view! { <option value=e></option> })
                        .collect_view()
                }}
            </datalist>
            {errors.view("floating.employer")}
            <TextField id="floating-permit" label="居住证号（以证管人，可不填）" value=permit />
            {errors.view("floating.residence_permit_number")}
            <HousePicker village house=picked errors />
            <button id="floating-save" type="submit" disabled=move || saving.get()>
                {move || if saving.get() { "保存中…" } else { "保存" }}
            </button>
            {notice_view(notice)}
        </form>
    }
}

/// The form's fields, applied the same way to a new record and to a correction.
#[derive(Clone)]
struct FloatingInput {
    name: String,
    citizen_id: String,
    phone: String,
    origin: String,
    arrival: String,
    reason: FloatingReason,
    employer: String,
    permit: String,
}

impl FloatingInput {
    fn apply(
        &self,
        p: &mut Person,
        today: pingan_shared::validation::Date,
    ) -> Result<(), Vec<FieldError>> {
        p.name = self.name.trim().to_owned();
        p.phone = optional_phone(&self.phone);
        let previous = p.floating.take();
        p.floating = Some(FloatingResident {
            origin: self.origin.trim().to_owned(),
            arrival_date: self.arrival.trim().to_owned(),
            reason: self.reason,
            employer: optional(&self.employer),
            rented_house_id: previous.as_ref().and_then(|f| f.rented_house_id.clone()),
            residence_permit_number: optional(&self.permit),
            departure_date: previous.and_then(|f| f.departure_date),
        });
        let mut problems = Vec::new();
        match optional(&self.citizen_id) {
            Some(id) => problems.extend(p.set_citizen_id(&id, today).err()),
            None => p.citizen_id = None,
        }
        problems.extend(p.validate(today).err().unwrap_or_default());
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}
