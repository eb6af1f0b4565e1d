//! Outreach visits (下访/走访): which households were visited, the problems people raised, and
//! what became of each (resolved on the spot, waiting on a department, pending) — recorded at
//! the door and updated as problems get resolved.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::records::outreach::{OutreachVisit, RaisedProblem};
use pingan_shared::records::vocabulary::ProblemOutcome;
use pingan_shared::records::{Authorship, Record};
use pingan_shared::search::Query;

use super::draft::Draft;
use super::form::remember_village;
use super::form::{
    Errors, TextField, badge, newest_first, notice_view, now_ms, optional, sorted,
    starting_village, today,
};
use super::{Screen, ctx, load};
use crate::store::HouseholdSummary;
use crate::store::index::VisitSummary;

const LIST_LIMIT: usize = 200;
/// Households offered for a search in the visit form.
const PICK_LIMIT: usize = 8;

#[component]
pub fn VisitList() -> impl IntoView {
    let ctx = ctx();
    let visits = load(move || {
        ctx.revision.track();
        let store = ctx.store();
        async move { store.list::<VisitSummary>().await.unwrap_or_default() }
    });
    let shown = move || {
        sorted(visits.get().unwrap_or_default(), |v| {
            newest_first(&v.visited_on)
        })
    };
    view! {
        <button
            id="visit-new"
            type="button"
            class="wide"
            on:click=move |_| ctx.go(Screen::Visit(None))
        >
            "＋ 记录走访"
        </button>
        <section class="card">
            <h2>"下访走访（" {move || shown().len()} "）"</h2>
            <ul id="visit-list" class="rows">
                {move || {
                    shown()
                        .into_iter()
                        .take(LIST_LIMIT)
                        .map(|v| {
                            let id = v.id.clone();
                            let synced = if v.synced { "true" } else { "false" };
                            view! {
                                <li
                                    data-synced=synced
                                    on:click=move |_| ctx.go(Screen::Visit(Some(id.clone())))
                                >
                                    <span class="head">{v.visited_on.clone()}</span>
                                    <span class="address">{v.visitors.join("、")}</span>
                                    <span class="details">
                                        "走访 " {v.households} " 户 · 问题 " {v.problems} " 件 · 未解决 "
                                        {v.open_problems} " 件"
                                    </span>
                                    <span class="badge">{badge(v.synced, &v.needs_correction)}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}

/// One problem row of the form, each field its own signal so typing re-renders nothing else.
#[derive(Clone, Copy)]
struct ProblemRow {
    summary: RwSignal<String>,
    category: RwSignal<String>,
    outcome: RwSignal<String>,
    department: RwSignal<String>,
}

impl ProblemRow {
    fn new(p: Option<&RaisedProblem>) -> Self {
        Self {
            summary: RwSignal::new(p.map(|p| p.summary.clone()).unwrap_or_default()),
            category: RwSignal::new(p.map(|p| p.category.clone()).unwrap_or_default()),
            outcome: RwSignal::new(
                p.map_or(ProblemOutcome::ResolvedOnSpot, |p| p.outcome)
                    .as_str()
                    .to_owned(),
            ),
            department: RwSignal::new(p.and_then(|p| p.department.clone()).unwrap_or_default()),
        }
    }

    fn problem(self) -> RaisedProblem {
        RaisedProblem {
            summary: self.summary.get_untracked().trim().to_owned(),
            category: self.category.get_untracked().trim().to_owned(),
            outcome: ProblemOutcome::parse(&self.outcome.get_untracked())
                .unwrap_or(ProblemOutcome::Pending),
            department: optional(&self.department.get_untracked()),
        }
    }
}

/// A new visit (`id` = `None`), or one already recorded, to update how its problems stand.
#[component]
pub fn VisitForm(id: Option<String>) -> impl IntoView {
    let ctx = ctx();
    let editing = StoredValue::new(id.clone());
    let draft = Draft::keep("visit-form", id.as_deref());
    let village = RwSignal::new(starting_village());
    let visited_on = RwSignal::new(today().to_string());
    let visitors = RwSignal::new(ctx.profile.with_value(|p| p.display_name.clone()));
    let household_ids = RwSignal::new(Vec::<String>::new());
    let rows = RwSignal::new(Vec::<ProblemRow>::new());
    let search = RwSignal::new(String::new());
    let errors = Errors::new();
    let saving = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);

    let households = load(move || {
        ctx.revision.track();
        let store = ctx.store();
        async move { store.households().await.unwrap_or_default() }
    });
    if let Some(id) = id {
        let store = ctx.store();
        spawn_local(async move {
            match store.record::<OutreachVisit>(&id).await {
                Ok(v) => {
                    village.set(v.village);
                    visited_on.set(v.visited_on);
                    visitors.set(v.visitors.join("、"));
                    household_ids.set(v.household_ids);
                    rows.set(
                        v.problems
                            .iter()
                            .map(|p| ProblemRow::new(Some(p)))
                            .collect(),
                    );
                }
                Err(error) => notice.set(Some(error.to_string())),
            }
        });
    }
    let address_of = move |id: &str| -> String {
        households
            .get()
            .unwrap_or_default()
            .into_iter()
            .find(|h| h.id == id)
            .map_or_else(
                || "（本机无此户）".to_owned(),
                |h| format!("{} {}", h.address, h.head_of_household),
            )
    };
    let candidates = move || -> Vec<HouseholdSummary> {
        let query = Query::parse(&search.get());
        if query.is_empty() {
            return Vec::new();
        }
        let chosen = household_ids.get();
        let v = village.get();
        households
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|h| h.village == v && !chosen.contains(&h.id))
            .filter(|h| query.matches([h.address.as_str(), h.head_of_household.as_str()]))
            .take(PICK_LIMIT)
            .collect()
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let names = super::form::names(&visitors.get_untracked());
        let problems: Vec<RaisedProblem> = rows
            .get_untracked()
            .into_iter()
            .map(ProblemRow::problem)
            .collect();
        let (date, ids) = (visited_on.get_untracked(), household_ids.get_untracked());
        let by = Authorship {
            village: village.get_untracked(),
            created_by: ctx.profile.with_value(|p| p.username.clone()),
            created_at_ms: now_ms(),
        };
        let mut visit = OutreachVisit::new(&by, date.trim());
        visit.visitors = names;
        visit.household_ids = ids;
        visit.problems = problems;
        if let Err(problems) = visit.validate(today()) {
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
                    .edit::<OutreachVisit>(id, move |v| {
                        v.visited_on = visit.visited_on;
                        v.visitors = visit.visitors;
                        v.household_ids = visit.household_ids;
                        v.problems = visit.problems;
                        Ok(())
                    })
                    .await
                    .map(|_| id.clone()),
                None => store.create(&visit).await,
            };
            match outcome {
                Ok(id) => {
                    remember_village(&village.get_untracked());
                    draft.saved();
                    draft.becomes(&id);
                    notice.set(Some("已保存走访记录".into()));
                    editing.set_value(Some(id));
                    ctx.saved();
                }
                Err(error) => errors.show(error, notice),
            }
            saving.set(false);
        });
    };

    view! {
        <button type="button" class="back" on:click=move |_| ctx.go(Screen::Visits)>
            "‹ 返回走访列表"
        </button>
        <form
            id="visit-form"
            data-draft=draft.key()
            class="card"
            on:submit=submit
            novalidate
        >
            <h2>{if editing.get_value().is_some() { "走访记录" } else { "记录走访" }}</h2>
            {draft.offer()}
            <TextField id="visit-date" label="走访日期" value=visited_on kind="date" />
            {errors.view("visited_on")}
            <TextField id="visit-visitors" label="走访人员（多人用顿号分隔）" value=visitors />
            {errors.view("visitors")}
            <h3>"走访住户（" {move || household_ids.with(Vec::len)} "）"</h3>
            // The picked households, for the draft (`draft`): picking is no typing.
            <input
                id="visit-household-ids"
                type="hidden"
                prop:value=move || household_ids.get().join(" ")
                on:change=move |ev| {
                    household_ids.set(event_target_value(&ev).split_whitespace().map(str::to_owned).collect())
                }
            />
            <ul id="visit-households" class="rows">
                {move || {
                    household_ids
                        .get()
                        .into_iter()
                        .map(|id| {
                            let text = address_of(&id);
                            view! {
                                <li>
                                    <span class="address">{text}</span>
                                    <button
                                        type="button"
                                        class="small secondary"
                                        data-draft-pick
                                        on:click=move |_| household_ids.update(|ids| ids.retain(|x| *x != id))
                                    >
                                        "移除"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <input
                id="visit-household-search"
                type="search"
                class="search"
                placeholder="搜索住户（户主、住址）后点选"
                autocomplete="off"
                prop:value=search
                on:input=move |ev| search.set(event_target_value(&ev))
            />
            <ul id="visit-candidates" class="rows">
                {move || {
                    candidates()
                        .into_iter()
                        .map(|h| {
                            let id = h.id.clone();
                            view! {
                                <li data-draft-pick on:click=move |_| {
                                    household_ids.update(|ids| ids.push(id.clone()));
                                    search.set(String::new());
                                }>
                                    <span class="address">{h.address.clone()}</span>
                                    <span class="head">{h.head_of_household.clone()}</span>
                                    <span class="details">"点击加入"</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <h3>"群众反映的问题"</h3>
            {move || {
                rows.get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, row)| problem_view(i, row, rows, errors))
                    .collect_view()
            }}
            <button
                id="visit-add-problem"
                data-draft-add
                type="button"
                class="small secondary"
                on:click=move |_| rows.update(|r| r.push(ProblemRow::new(None)))
            >
                "＋ 添加问题"
            </button>
            <button id="visit-save" type="submit" disabled=move || saving.get()>
                {move || if saving.get() { "保存中…" } else { "保存" }}
            </button>
            {notice_view(notice)}
        </form>
    }
}

fn problem_view(
    i: usize,
    row: ProblemRow,
    rows: RwSignal<Vec<ProblemRow>>,
    errors: Errors,
) -> impl IntoView {
    let error = move |field: &'static str| {
        let name = format!("problems[{i}].{field}");
        move || {
            errors.0.with(|all| {
                all.iter()
                    .find(|e| e.field == name)
                    .map(|e| view! { <p class="field-error" data-field=name.clone()>{e.message_zh.clone()}</p> })
            })
        }
    };
    // Labelled, not only placeholders: once filled in, a placeholder no longer says which
    // box is the problem and which its kind.
    let input = move |value: RwSignal<String>,
                      class: &'static str,
                      label: &'static str,
                      hint: &'static str| {
        view! {
            <label>
                {label}
                <input
                    type="text"
                    class=class
                    placeholder=hint
                    autocomplete="off"
                    prop:value=value
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <div class="subform raised" data-index=i>
            <h3>"问题 " {i + 1}</h3>
            {input(row.summary, "problem-summary", "问题内容", "群众反映了什么")}
            {error("summary")}
            {input(row.category, "problem-category", "问题类别", "如：道路、惠农政策")}
            {error("category")}
            <label>
                "处理结果"
                <select
                    class="problem-outcome"
                    prop:value=row.outcome
                    on:change=move |ev| row.outcome.set(event_target_value(&ev))
                >
                {ProblemOutcome::ALL
                    .iter()
                    .map(|o| view! { <option value=o.as_str()>{o.label_zh()}</option> })
                    .collect_view()}
                </select>
            </label>
            {input(row.department, "problem-department", "协调部门", "待上级部门协调时必填")}
            {error("department")}
            <button
                type="button"
                class="small secondary problem-remove"
                data-draft-pick
                on:click=move |_| rows.update(|r| { r.remove(i); })
            >
                "删除此问题"
            </button>
        </div>
    }
}
