//! People registered more than once under one citizen ID number, township-wide. The reviewer
//! picks the record to keep and, field by field, whose value it takes; merging redirects every
//! household, rental house and dispute to the kept record and keeps the others in history.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::office;
use crate::ui::form::format_time;
use crate::ui::{ctx, load};
use pingan_shared::review::{DuplicateGroup, MergeRequest, Registration};

/// The fields shown side by side, as the registrations carry them.
/// Field name, its label, and how a registration shows it.
type Shown = (&'static str, &'static str, fn(&Registration) -> String);

const FIELDS: &[Shown] = &[
    ("name", "姓名", |r| r.name.clone()),
    // Starred by the server (`138****5678`), as every list the office reads over shoulders.
    ("phone", "联系电话", |r| {
        r.phone.clone().unwrap_or_default()
    }),
    ("household_id", "所在户", |r| {
        if r.household_id.is_some() {
            "户籍人口".into()
        } else {
            "—".into()
        }
    }),
    ("floating", "流动人口信息", |r| {
        if r.floating {
            "有".into()
        } else {
            "无".into()
        }
    }),
];

#[component]
pub fn Duplicates() -> impl IntoView {
    let ctx = ctx();
    let office = office();
    let reloaded = RwSignal::new(0u32);
    let outcome = RwSignal::new(None::<String>);
    let groups = load(move || {
        ctx.revision.track();
        reloaded.track();
        let office = office.clone();
        async move { office.duplicates().await }
    });
    view! {
        <section class="card" id="duplicates">
            <h2>"重复登记的人员"</h2>
            <p class="muted">"同一公民身份号码在全镇有多条人员记录。合并后，户、出租房屋和纠纷中的引用都指向保留的记录，被合并的记录仍保留在历史中。"</p>
            {move || outcome.get().map(|o| view! { <p class="notice" id="merge-outcome">{o}</p> })}
            {move || match groups.get() {
                None => view! { <p class="empty">"正在查找…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="field-error">{error.to_string()}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="empty">"没有重复登记的人员。"</p> }.into_any(),
                Some(Ok(list)) => list
                    .into_iter()
                    .map(|group| view! { <Group group reloaded outcome /> })
                    .collect_view()
                    .into_any(),
            }}
        </section>
    }
}

#[component]
fn Group(
    group: DuplicateGroup,
    reloaded: RwSignal<u32>,
    outcome: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = ctx();
    let office = office();
    let people = StoredValue::new(group.people.clone());
    let keep = RwSignal::new(
        group
            .people
            .first()
            .map(|p| p.document_id.clone())
            .unwrap_or_default(),
    );
    // Field → the record whose value is kept; unset means the kept record's own.
    let take = RwSignal::new(BTreeMap::<String, String>::new());
    let problem = RwSignal::new(None::<String>);
    let merge = move |_| {
        let keep = keep.get_untracked();
        let request = MergeRequest {
            remove: people.with_value(|p| {
                p.iter()
                    .map(|r| r.document_id.clone())
                    .filter(|id| *id != keep)
                    .collect()
            }),
            take: take
                .get_untracked()
                .into_iter()
                .filter(|(_, from)| *from != keep)
                .collect(),
            keep,
        };
        let office = office.clone();
        spawn_local(async move {
            match office.merge(&request).await {
                Ok(done) => {
                    outcome.set(Some(format!(
                        "已合并 {} 条记录，{} 条户、房屋或纠纷记录改为指向保留的记录。",
                        done.merged.len(),
                        done.redirected.len()
                    )));
                    reloaded.update(|n| *n += 1);
                }
                Err(error) => problem.set(Some(error.to_string())),
            }
        });
    };
    let citizen_id = group.citizen_id.clone();
    view! {
        <div class="duplicate-group" data-citizen-id=citizen_id.clone()>
            <h3>{pingan_shared::privacy::mask_citizen_id(&citizen_id)}</h3>
            <div class="table-scroll">
                <table class="figures">
                    <thead>
                        <tr>
                            <th>"保留"</th>
                            <th>"村 · 登记人"</th>
                            {FIELDS.iter().map(|(_, label, _)| view! { <th>{*label}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {group
                            .people
                            .into_iter()
                            .map(|person| {
                                let id = StoredValue::new(person.document_id.clone());
                                let radio = format!("keep-{citizen_id}");
                                view! {
                                    <tr data-id=person.document_id.clone()>
                                        <td>
                                            <input
                                                type="radio"
                                                class="keep"
                                                name=radio
                                                prop:checked=move || keep.get() == id.get_value()
                                                on:change=move |_| keep.set(id.get_value())
                                            />
                                        </td>
                                        <td>
                                            {ctx.village_name(&person.village)} " · " {person.created_by.clone()}
                                            <br />
                                            <small>{format_time(person.created_at_ms as f64)}</small>
                                        </td>
                                        {FIELDS
                                            .iter()
                                            .map(|(field, _, value)| {
                                                let field = *field;
                                                let chosen = move || {
                                                    take.with(|t| t.get(field).cloned())
                                                        .unwrap_or_else(|| keep.get())
                                                        == id.get_value()
                                                };
                                                view! {
                                                    <td
                                                        class="take"
                                                        data-field=field
                                                        class:chosen=chosen
                                                        on:click=move |_| take.update(|t| {
                                                            t.insert(field.to_owned(), id.get_value());
                                                        })
                                                    >
                                                        {value(&person)}
                                                    </td>
                                                }
                                            })
                                            .collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="muted">"点选单元格，保留的记录即采用该值。"</p>
            <button type="button" class="merge" on:click=merge>"合并为一条"</button>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
        </div>
    }
}
