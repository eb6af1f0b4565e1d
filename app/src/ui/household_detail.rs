//! A household's page: its details, its members (add, edit, remove — each an Automerge change
//! to the existing documents) and its security contact.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::privacy::{mask_citizen_id, mask_phone};
use pingan_shared::records::household::{Household, HouseholdMember, SecurityContact};
use pingan_shared::records::person::Person;
use pingan_shared::records::vocabulary::Relation;
use pingan_shared::records::{Authorship, Record};
use pingan_shared::validation::FieldError;

use super::draft::Draft;
use super::duplicates::{DuplicateWarning, complete_citizen_id};
use super::form::{
    Choice, Errors, TextField, notice_view, now_ms, optional, optional_phone, today,
};
use super::{Ctx, Screen, ctx, load};
use crate::store::HouseholdSummary;
use crate::store::index::PersonSummary;

/// One household: its details (editable) and its members.
#[component]
pub fn HouseholdDetail(id: String) -> impl IntoView {
    let ctx = ctx();
    let household_id = StoredValue::new(id);
    let loaded = load(move || {
        ctx.revision.track();
        let store = ctx.store();
        let id = household_id.get_value();
        async move {
            let household = store.record::<Household>(&id).await?;
            let ids: Vec<String> = household
                .members
                .iter()
                .map(|m| m.person_id.clone())
                .collect();
            let people = store.summaries::<PersonSummary>(&ids).await?;
            let summary = store
                .summaries::<HouseholdSummary>(std::slice::from_ref(&id))
                .await?
                .pop();
            Ok::<_, crate::error::AppError>((household, people, summary))
        }
    });
    // Which member the member form edits (`None`: adding one).
    let editing = RwSignal::new(None::<String>);
    // Outside the reloaded part: a save reloads the page's data, and "已保存" must stay.
    let member_notice = RwSignal::new(None::<String>);
    let edit_notice = RwSignal::new(None::<String>);

    view! {
        <button type="button" class="back" on:click=move |_| ctx.go(Screen::Households)>
            "‹ 返回住户列表"
        </button>
        {move || match loaded.get() {
            None => view! { <p class="hint">"读取中…"</p> }.into_any(),
            Some(Err(error)) => view! { <p class="problem">{error.to_string()}</p> }.into_any(),
            Some(Ok((household, people, summary))) => {
                let members = household.members.clone();
                view! {
                    <section class="card" id="household-detail">
                        <h2>{household.address.clone()}</h2>
                        <p class="hint">
                            {ctx.village_name(&household.village)} " · " {household.group.clone()}
                            " · 户主 " {household.head_of_household.clone()}
                        </p>
                        {summary
                            .as_ref()
                            .and_then(|s| s.needs_correction.clone())
                            .map(|reason| {
                                view! {
                                    <p class="needs-correction" role="alert">
                                        "服务器退回：" {reason} "。请修改后保存。"
                                    </p>
                                }
                            })}
                        <h3>"家庭成员（" {members.len()} "）"</h3>
                        <MemberList household_id=household_id.get_value() members people editing />
                    </section>
                    <MemberForm
                        household_id=household_id.get_value()
                        household=household.clone()
                        editing
                        notice=member_notice
                    />
                    <HouseholdEdit
                        household_id=household_id.get_value()
                        household
                        notice=edit_notice
                    />
                }
                    .into_any()
            }
        }}
    }
}

#[component]
fn MemberList(
    household_id: String,
    members: Vec<HouseholdMember>,
    people: Vec<PersonSummary>,
    editing: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = ctx();
    if members.is_empty() {
        return view! { <p class="empty">"还没有登记成员。"</p> }.into_any();
    }
    let confirming = RwSignal::new(None::<String>);
    // A removal that could not be written: (person, why), shown under that member's buttons.
    let failed = RwSignal::new(None::<(String, String)>);
    let household_id = StoredValue::new(household_id);
    view! {
        <ul id="member-list" class="rows">
            {members
                .into_iter()
                .map(|member| {
                    let person = people.iter().find(|p| p.id == member.person_id).cloned();
                    let pid = StoredValue::new(member.person_id.clone());
                    let details = person
                        .as_ref()
                        .map(|p| {
                            // Starred, as in every list: the whole number is in the member's form.
                            [
                                p.citizen_id.as_deref().map(mask_citizen_id),
                                p.phone.as_deref().map(mask_phone),
                                p.birth_date.clone().map(|b| format!("生于{b}")),
                            ]
                                .into_iter()
                                .flatten()
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default();
                    view! {
                        <li data-person=member.person_id.clone()>
                            <span class="head">{member.name.clone()}</span>
                            <span class="relation">{member.relation.label_zh()}</span>
                            <span class="details">{super::parts(details)}</span>
                            <span class="actions">
                                <button
                                    type="button"
                                    class="small member-edit"
                                    on:click=move |_| editing.set(Some(pid.get_value()))
                                >
                                    "修改"
                                </button>
                                {move || {
                                    if confirming.get().as_deref() == Some(pid.get_value().as_str()) {
                                        view! {
                                            <button
                                                type="button"
                                                class="small danger member-remove-confirm"
                                                on:click=move |_| {
                                                    remove_member(ctx, household_id.get_value(), pid.get_value(), failed)
                                                }
                                            >
                                                "确认移出"
                                            </button>
                                        }
                                            .into_any()
                                    } else {
                                        view! {
                                            <button
                                                type="button"
                                                class="small secondary member-remove"
                                                on:click=move |_| confirming.set(Some(pid.get_value()))
                                            >
                                                "移出本户"
                                            </button>
                                        }
                                            .into_any()
                                    }
                                }}
                            </span>
                            {move || {
                                failed
                                    .get()
                                    .filter(|(who, _)| *who == pid.get_value())
                                    .map(|(_, why)| view! { <p class="field-error" role="alert">"未能移出：" {why}</p> })
                            }}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
        .into_any()
}

/// Takes a person out of the household: the member entry goes, the person record stays (they
/// moved, they did not vanish) without its household link. Both in one transaction.
fn remove_member(
    ctx: Ctx,
    household_id: String,
    person_id: String,
    failed: RwSignal<Option<(String, String)>>,
) {
    let store = ctx.store();
    spawn_local(async move {
        let outcome = async {
            let writer = store.writer()?;
            writer
                .edit::<Household>(&household_id, |h| {
                    h.remove_member(&person_id);
                    Ok(())
                })
                .await?;
            writer
                .edit::<Person>(&person_id, |p| {
                    p.household_id = None;
                    Ok(())
                })
                .await?;
            writer.commit().await
        }
        .await;
        match outcome {
            Ok(()) => ctx.saved(),
            Err(error) => failed.set(Some((person_id, error.to_string()))),
        }
    });
}

/// Adding a member (a new person record linked both ways), or editing one.
#[component]
fn MemberForm(
    household_id: String,
    household: Household,
    editing: RwSignal<Option<String>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = ctx();
    // Only a member being added is kept as a draft: a restored edit would lose which member
    // it was for.
    let draft = Draft::keep("member-form", Some(&household_id))
        .paused_while(Signal::derive(move || editing.get().is_some()));
    let household_id = StoredValue::new(household_id);
    let household = StoredValue::new(household);
    let name = RwSignal::new(String::new());
    let relation = RwSignal::new(Relation::Child.as_str().to_owned());
    let citizen_id = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let errors = Errors::new();
    let saving = RwSignal::new(false);
    // Filling the form from the member being edited.
    Effect::new(move |_| {
        let Some(person_id) = editing.get() else {
            return;
        };
        let store = ctx.store();
        let member =
            household.with_value(|h| h.members.iter().find(|m| m.person_id == person_id).cloned());
        errors.clear();
        notice.set(None);
        spawn_local(async move {
            if let Ok(person) = store.record::<Person>(&person_id).await {
                name.set(person.name);
                citizen_id.set(person.citizen_id.unwrap_or_default());
                phone.set(person.phone.unwrap_or_default());
            }
            if let Some(member) = member {
                relation.set(member.relation.as_str().to_owned());
            }
        });
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let relation_value = Relation::parse(&relation.get_untracked()).unwrap_or(Relation::Other);
        let (name_value, id_value, phone_value) = (
            name.get_untracked(),
            citizen_id.get_untracked(),
            phone.get_untracked(),
        );
        let today = today();
        // Every field of the person, applied the same way to a new or an existing record.
        let apply = move |p: &mut Person| -> Result<(), Vec<FieldError>> {
            p.name = name_value.trim().to_owned();
            p.phone = optional_phone(&phone_value);
            let mut problems = Vec::new();
            match optional(&id_value) {
                Some(id) => problems.extend(p.set_citizen_id(&id, today).err()),
                None => {
                    p.citizen_id = None;
                    p.sex = None;
                    p.birth_date = None;
                }
            }
            problems.extend(p.validate(today).err().unwrap_or_default());
            if problems.is_empty() {
                Ok(())
            } else {
                Err(problems)
            }
        };
        let hid = household_id.get_value();
        let editing_id = editing.get_untracked();
        let mut fresh = Person::new(
            &Authorship {
                village: household.with_value(|h| h.village.clone()),
                created_by: ctx.profile.with_value(|p| p.username.clone()),
                created_at_ms: now_ms(),
            },
            "",
        );
        fresh.household_id = Some(hid.clone());
        if editing_id.is_none()
            && let Err(problems) = apply.clone()(&mut fresh)
        {
            errors.set(problems);
            notice.set(Some("未保存，请按提示修改".into()));
            return;
        }
        errors.clear();
        saving.set(true);
        let store = ctx.store();
        spawn_local(async move {
            let outcome = async {
                let writer = store.writer()?;
                let (person_id, person) = match &editing_id {
                    Some(pid) => (pid.clone(), writer.edit::<Person>(pid, apply).await?),
                    None => (writer.create(&fresh).await?, fresh),
                };
                writer
                    .edit::<Household>(&hid, |h| {
                        h.set_member(HouseholdMember {
                            person_id: person_id.clone(),
                            name: person.name.clone(),
                            relation: relation_value,
                        });
                        Ok(())
                    })
                    .await?;
                writer.commit().await?;
                Ok::<_, crate::error::AppError>(person.name)
            }
            .await;
            match outcome {
                Ok(saved_name) => {
                    if editing_id.is_none() {
                        draft.saved();
                    }
                    notice.set(Some(format!("已保存：{saved_name}")));
                    name.set(String::new());
                    citizen_id.set(String::new());
                    phone.set(String::new());
                    editing.set(None);
                    ctx.saved();
                }
                Err(error) => errors.show(error, notice),
            }
            saving.set(false);
        });
    };

    view! {
        <form
            id="member-form"
            data-draft=draft.key()
            data-draft-off=move || editing.get().is_some()
            class="card"
            on:submit=submit
            novalidate
        >
            <h2>{move || if editing.get().is_some() { "修改成员" } else { "添加成员" }}</h2>
            {draft.offer()}
            <TextField id="member-name" label="姓名" value=name />
            {errors.view("name")}
            <Choice id="member-relation" label="与户主关系" value=relation options=Relation::OPTIONS />
            <TextField
                id="member-citizen-id"
                label="公民身份号码（可不填）"
                value=citizen_id
                inputmode="numeric"
            />
            {errors.view("citizen_id")}
            <DuplicateWarning
                number=Signal::derive(move || complete_citizen_id(&citizen_id.get()))
                own=editing.into()
            />
            {errors.view("sex")}
            {errors.view("birth_date")}
            <TextField id="member-phone" label="联系电话（可不填）" value=phone inputmode="tel" />
            {errors.view("phone")}
            <button id="member-save" type="submit" disabled=move || saving.get()>
                {move || if saving.get() { "保存中…" } else { "保存成员" }}
            </button>
            <Show when=move || editing.get().is_some()>
                <button
                    type="button"
                    class="secondary"
                    on:click=move |_| {
                        editing.set(None);
                        name.set(String::new());
                        citizen_id.set(String::new());
                        phone.set(String::new());
                    }
                >
                    "取消修改"
                </button>
            </Show>
            {notice_view(notice)}
        </form>
    }
}

/// The household's own fields, including its security contact (家庭治安联系人).
#[component]
fn HouseholdEdit(
    household_id: String,
    household: Household,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = ctx();
    let draft = Draft::keep("household-edit-form", Some(&household_id));
    let group = RwSignal::new(household.group.clone());
    let joint = RwSignal::new(household.joint_defence_group.clone().unwrap_or_default());
    let address = RwSignal::new(household.address.clone());
    let head = RwSignal::new(household.head_of_household.clone());
    let contact = household.security_contact.clone();
    let contact_name = RwSignal::new(contact.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let contact_phone = RwSignal::new(
        contact
            .as_ref()
            .map(|c| c.phone.clone())
            .unwrap_or_default(),
    );
    let errors = Errors::new();
    let saving = RwSignal::new(false);
    let household_id = StoredValue::new(household_id);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let (g, a, h) = (
            group.get_untracked(),
            address.get_untracked(),
            head.get_untracked(),
        );
        let (cn, cp) = (contact_name.get_untracked(), contact_phone.get_untracked());
        let j = joint.get_untracked();
        saving.set(true);
        errors.clear();
        let store = ctx.store();
        spawn_local(async move {
            let outcome = store
                .edit::<Household>(&household_id.get_value(), move |record| {
                    record.group = g.trim().to_owned();
                    record.address = a.trim().to_owned();
                    record.head_of_household = h.trim().to_owned();
                    record.joint_defence_group = optional(&j);
                    record.security_contact = match (optional(&cn), optional_phone(&cp)) {
                        (None, None) => None,
                        (name, phone) => Some(SecurityContact {
                            name: name.unwrap_or_default(),
                            phone: phone.unwrap_or_default(),
                        }),
                    };
                    Ok(())
                })
                .await;
            match outcome {
                Ok(_) => {
                    draft.saved();
                    notice.set(Some("已保存".into()));
                    ctx.saved();
                }
                Err(error) => errors.show(error, notice),
            }
            saving.set(false);
        });
    };

    view! {
        <form
            id="household-edit-form"
            data-draft=draft.key()
            class="card"
            on:submit=submit
            novalidate
        >
            <h2>"修改住户信息"</h2>
            {draft.offer()}
            <TextField id="edit-group" label="村民小组" value=group />
            {errors.view("group")}
            <TextField id="edit-address" label="住址" value=address />
            {errors.view("address")}
            <TextField id="edit-head" label="户主姓名" value=head />
            {errors.view("head_of_household")}
            <TextField id="edit-contact-name" label="家庭治安联系人" value=contact_name />
            {errors.view("security_contact.name")}
            <TextField
                id="edit-contact-phone"
                label="联系人电话"
                value=contact_phone
                inputmode="tel"
            />
            {errors.view("security_contact.phone")}
            <TextField id="edit-joint-group" label="十户联防组（可不填）" value=joint />
            {errors.view("joint_defence_group")}
            <button id="household-save" type="submit" disabled=move || saving.get()>
                {move || if saving.get() { "保存中…" } else { "保存修改" }}
            </button>
            {notice_view(notice)}
        </form>
    }
}
