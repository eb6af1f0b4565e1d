//! Disputes (矛盾纠纷): the list by status with overdue cases first, logging a dispute, and a
//! case's page where each step of its lifecycle is recorded — mediation session, escalation
//! with a reason, agreement, closing with a result, reopening with a reason. Every step goes
//! through the shared state machine (`dispute::lifecycle::apply`), so a step the case does not
//! allow is refused with the reason and changes nothing.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::records::dispute::{Dispute, Party};
use pingan_shared::records::vocabulary::{
    DisputeCategory, DisputeLevel, DisputeSource, DisputeStatus,
};
use pingan_shared::records::{Authorship, Record};

use super::dispute_steps::{AgreementStep, CloseStep, EscalateStep, MediationStep, ReopenStep};
use super::draft::Draft;
use super::form::remember_village;
use super::form::{
    Choice, Errors, TextField, VillageChoice, badge, newest_first, notice_view, now_ms, optional,
    sorted, starting_village, today,
};
use super::{Ctx, Screen, ctx, load};
use crate::store::index::DisputeSummary;

const LIST_LIMIT: usize = 200;
/// The status filter's value for every case not yet closed (the default).
const OPEN: &str = "open";

fn label<T: Copy>(
    value: &str,
    parse: fn(&str) -> Option<T>,
    zh: fn(T) -> &'static str,
) -> &'static str {
    parse(value).map_or("", zh)
}

#[component]
pub fn DisputeList() -> impl IntoView {
    let ctx = ctx();
    let disputes = load(move || {
        ctx.revision.track();
        let store = ctx.store();
        async move { store.list::<DisputeSummary>().await.unwrap_or_default() }
    });
    let status = RwSignal::new(OPEN.to_owned());
    let shown = move || {
        let wanted = status.get();
        let today = today().to_string();
        let list: Vec<(bool, DisputeSummary)> = disputes
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|d| match wanted.as_str() {
                OPEN => d.status != DisputeStatus::Closed.as_str(),
                "" => true,
                other => d.status == other,
            })
            .map(|d| (d.deadline.as_ref().is_some_and(|dl| *dl < today), d))
            .collect();
        // Overdue first, then the nearest deadline, then the newest.
        sorted(list, |(late, d)| {
            format!(
                "{}{}{:10}{}",
                u8::from(!late),
                u8::from(d.deadline.is_none()),
                d.deadline.as_deref().unwrap_or(""),
                newest_first(&d.registered_on)
            )
        })
    };
    view! {
        <button
            id="dispute-new"
            type="button"
            class="wide"
            on:click=move |_| ctx.go(Screen::DisputeNew)
        >
            "＋ 登记矛盾纠纷"
        </button>
        <section class="card">
            <h2>"矛盾纠纷（" {move || shown().len()} "）"</h2>
            <select
                id="dispute-status"
                aria-label="状态"
                prop:value=status
                on:change=move |ev| status.set(event_target_value(&ev))
            >
                <option value=OPEN>"未办结"</option>
                {DisputeStatus::ALL
                    .iter()
                    .map(|s| view! { <option value=s.as_str()>{s.label_zh()}</option> })
                    .collect_view()}
                <option value="">"全部"</option>
            </select>
            <ul id="dispute-list" class="rows">
                {move || {
                    shown()
                        .into_iter()
                        .take(LIST_LIMIT)
                        .map(|(overdue, d)| dispute_row(ctx, overdue, d))
                        .collect_view()
                }}
            </ul>
        </section>
    }
}

fn dispute_row(ctx: Ctx, overdue: bool, d: DisputeSummary) -> impl IntoView {
    let id = d.id.clone();
    let synced = if d.synced { "true" } else { "false" };
    view! {
        <li
            data-synced=synced
            data-overdue=if overdue { "true" } else { "false" }
            on:click=move |_| ctx.go(Screen::Dispute(id.clone()))
        >
            <span class="head">{label(&d.category, DisputeCategory::parse, DisputeCategory::label_zh)}</span>
            <span class="address">{d.summary.clone()}</span>
            <span class="details">
                {d.party_names.join("、")} " · "
                {label(&d.status, DisputeStatus::parse, DisputeStatus::label_zh)} " · "
                {label(&d.level, DisputeLevel::parse, DisputeLevel::label_zh)}
            </span>
            {d
                .deadline
                .clone()
                .map(|dl| {
                    view! {
                        <span class=if overdue { "deadline overdue" } else { "deadline" }>
                            {if overdue { format!("已逾期（期限{dl}）") } else { format!("期限{dl}") }}
                        </span>
                    }
                })}
            <span class="badge">{badge(d.synced, &d.needs_correction)}</span>
        </li>
    }
}

#[component]
pub fn DisputeForm() -> impl IntoView {
    let ctx = ctx();
    let draft = Draft::keep("dispute-form", None);
    let village = RwSignal::new(starting_village());
    let registered_on = RwSignal::new(today().to_string());
    let category = RwSignal::new(DisputeCategory::Neighbour.as_str().to_owned());
    let source = RwSignal::new(DisputeSource::Screening.as_str().to_owned());
    let summary = RwSignal::new(String::new());
    let parties = RwSignal::new(String::new());
    let deadline = RwSignal::new(String::new());
    let leader = RwSignal::new(String::new());
    let backlog = RwSignal::new(false);
    let errors = Errors::new();
    let saving = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let by = Authorship {
            village: village.get_untracked(),
            created_by: ctx.profile.with_value(|p| p.username.clone()),
            created_at_ms: now_ms(),
        };
        let mut dispute = Dispute::new(
            &by,
            registered_on.get_untracked().trim(),
            DisputeCategory::parse(&category.get_untracked()).unwrap_or(DisputeCategory::Other),
            DisputeSource::parse(&source.get_untracked()).unwrap_or(DisputeSource::Screening),
            &summary.get_untracked(),
        );
        dispute.parties = super::form::names(&parties.get_untracked())
            .into_iter()
            .map(|name| Party {
                name,
                person_id: None,
                phone: None,
            })
            .collect();
        dispute.deadline = optional(&deadline.get_untracked());
        dispute.responsible_leader = optional(&leader.get_untracked());
        dispute.petition_backlog = backlog.get_untracked();
        if let Err(problems) = dispute.validate(today()) {
            errors.set(problems);
            notice.set(Some("未保存，请按提示修改".into()));
            return;
        }
        errors.clear();
        saving.set(true);
        let store = ctx.store();
        spawn_local(async move {
            match store.create(&dispute).await {
                Ok(id) => {
                    remember_village(&dispute.village);
                    draft.saved();
                    ctx.saved();
                    ctx.go(Screen::Dispute(id));
                }
                Err(error) => errors.show(error, notice),
            }
            saving.set(false);
        });
    };

    view! {
        <button type="button" class="back" on:click=move |_| ctx.go(Screen::Disputes)>
            "‹ 返回纠纷列表"
        </button>
        <form
            id="dispute-form"
            data-draft=draft.key()
            class="card"
            on:submit=submit
            novalidate
        >
            <h2>"登记矛盾纠纷"</h2>
            {draft.offer()}
            <VillageChoice id="dispute-village" value=village />
            <Choice id="dispute-source" label="来源" value=source options=DisputeSource::OPTIONS />
            <Choice id="dispute-category" label="纠纷类别" value=category options=DisputeCategory::OPTIONS />
            <TextField id="dispute-registered" label="登记日期" value=registered_on kind="date" />
            {errors.view("registered_on")}
            <TextField
                id="dispute-parties"
                label="当事人（多人用顿号或逗号分隔）"
                value=parties
            />
            {errors.view("parties")}
            <label for="dispute-summary">"纠纷简要情况"</label>
            <textarea
                id="dispute-summary"
                rows="4"
                prop:value=summary
                on:input=move |ev| summary.set(event_target_value(&ev))
            ></textarea>
            {errors.view("summary")}
            <TextField id="dispute-deadline" label="办结期限（可不填）" value=deadline kind="date" />
            {errors.view("deadline")}
            <TextField id="dispute-leader" label="包案领导（可不填）" value=leader />
            <label class="check">
                <input
                    id="dispute-backlog"
                    type="checkbox"
                    prop:checked=backlog
                    on:change=move |ev| backlog.set(event_target_checked(&ev))
                />
                "信访积案"
            </label>
            <button id="dispute-save" type="submit" disabled=move || saving.get()>
                {move || if saving.get() { "保存中…" } else { "保存" }}
            </button>
            {notice_view(notice)}
        </form>
    }
}

/// One case: what happened so far, and the next steps it allows.
#[component]
pub fn DisputeDetail(id: String) -> impl IntoView {
    let ctx = ctx();
    let dispute_id = StoredValue::new(id);
    let loaded = load(move || {
        ctx.revision.track();
        let store = ctx.store();
        let id = dispute_id.get_value();
        async move { store.record::<Dispute>(&id).await }
    });
    // Outside the reloaded part, so "已保存" survives the reload a step causes.
    let notice = RwSignal::new(None::<String>);
    view! {
        <button type="button" class="back" on:click=move |_| ctx.go(Screen::Disputes)>
            "‹ 返回纠纷列表"
        </button>
        <p id="dispute-notice" class="notice" role="status">{move || notice.get()}</p>
        {move || match loaded.get() {
            None => view! { <p class="hint">"读取中…"</p> }.into_any(),
            Some(Err(error)) => view! { <p class="problem">{error.to_string()}</p> }.into_any(),
            Some(Ok(d)) => {
                let closed = d.status == DisputeStatus::Closed;
                let overdue = d.is_overdue(today());
                view! {
                    <section class="card" id="dispute-detail" data-status=d.status.as_str()>
                        <h2>{d.category.label_zh()} "：" {d.summary.clone()}</h2>
                        <p class="hint">
                            // The parties may run long and wrap; the short pieces stay whole.
                            "当事人 " {d.parties.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join("、")} " · "
                            {super::parts(vec![
                                d.source.label_zh().to_owned(),
                                format!("登记于{}", d.registered_on),
                            ])}
                        </p>
                        <p>
                            <span id="dispute-status-label" class="pill">{d.status.label_zh()}</span>
                            " "
                            <span id="dispute-level-label" class="pill">
                                "层级：" {d.level.label_zh()}
                            </span>
                            " "
                            {d
                                .deadline
                                .clone()
                                .map(|dl| {
                                    view! {
                                        <span class=if overdue { "deadline overdue" } else { "deadline" }>
                                            {if overdue { format!("已逾期（期限{dl}）") } else { format!("办结期限 {dl}") }}
                                        </span>
                                    }
                                })}
                        </p>
                        {d
                            .responsible_leader
                            .clone()
                            .map(|leader| view! { <p id="dispute-leader">"包案领导：" {leader}</p> })}
                        <h3>"办理经过"</h3>
                        <ul id="dispute-history" class="rows">{history(&d)}</ul>
                    </section>
                    {if closed {
                        view! { <ReopenStep id=dispute_id.get_value() notice /> }.into_any()
                    } else {
                        view! {
                            <MediationStep id=dispute_id.get_value() notice />
                            <EscalateStep id=dispute_id.get_value() level=d.level notice />
                            <AgreementStep id=dispute_id.get_value() notice />
                            <CloseStep id=dispute_id.get_value() notice />
                        }
                            .into_any()
                    }}
                }
                    .into_any()
            }
        }}
    }
}

fn history(d: &Dispute) -> impl IntoView {
    let mut lines: Vec<(String, String)> = Vec::new();
    for m in &d.mediations {
        lines.push((
            m.held_on.clone(),
            format!(
                "调解（{}，{}）：{}",
                m.mediator,
                m.result.label_zh(),
                m.actions
            ),
        ));
    }
    for e in &d.escalations {
        lines.push((
            e.on.clone(),
            format!(
                "上交：{} → {}，原因：{}",
                e.from.label_zh(),
                e.to.label_zh(),
                e.reason
            ),
        ));
    }
    if let Some(a) = &d.agreement {
        lines.push((a.signed_on.clone(), format!("签订{}", a.kind.label_zh())));
    }
    for r in &d.reopenings {
        let c = &r.previous_closure;
        lines.push((
            c.on.clone(),
            format!("办结（{}）：{}", c.resolution.label_zh(), c.result),
        ));
        lines.push((r.on.clone(), format!("重新开启，原因：{}", r.reason)));
    }
    if let Some(c) = &d.closure {
        lines.push((
            c.on.clone(),
            format!("办结（{}）：{}", c.resolution.label_zh(), c.result),
        ));
    }
    let mut lines = sorted(lines, |(on, _)| on.clone());
    if lines.is_empty() {
        lines.push((String::new(), "尚未调处".to_owned()));
    }
    lines
        .into_iter()
        .map(|(on, text)| view! { <li><span class="details">{on}</span> <span>{text}</span></li> })
        .collect_view()
}
