//! Disputes (矛盾纠纷): the list by status with overdue cases first, logging a dispute, and a
//! case's page where each step of its lifecycle is recorded — mediation session, escalation
//! with a reason, agreement, closing with a result, reopening with a reason. Every step goes
//! through the shared state machine (`dispute::lifecycle::apply`), so a step the case does not
//! allow is refused with the reason and changes nothing.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::records::dispute::lifecycle::{self, DisputeEvent};
use pingan_shared::records::dispute::{Agreement, Closure, Dispute, MediationSession, Party};
use pingan_shared::records::vocabulary::{
    AgreementKind, DisputeCategory, DisputeLevel, DisputeSource, DisputeStatus, MediationResult,
    Resolution,
};
use pingan_shared::records::{Authorship, Record};
use pingan_shared::validation::FieldError;

use super::form::{
    Errors, TextField, badge, newest_first, notice_view, now_ms, optional, sorted, today,
};
use super::form::{remember_village, remembered_village};
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
            on:click=move |_| ctx.screen.set(Screen::DisputeNew)
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
            on:click=move |_| ctx.screen.set(Screen::Dispute(id.clone()))
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
    let villages = ctx.profile.with_value(|p| p.villages.clone());
    let village = RwSignal::new(
        Some(remembered_village())
            .filter(|v| villages.iter().any(|known| &known.id == v))
            .or_else(|| villages.first().map(|v| v.id.clone()))
            .unwrap_or_default(),
    );
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
        dispute.parties = parties
            .get_untracked()
            .split(['、', ',', '，', ' '])
            .filter(|n| !n.trim().is_empty())
            .map(|n| Party {
                name: n.trim().to_owned(),
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
                    ctx.saved();
                    ctx.screen.set(Screen::Dispute(id));
                }
                Err(error) => errors.show(error, notice),
            }
            saving.set(false);
        });
    };
    let many_villages = villages.len() > 1;

    view! {
        <button type="button" class="back" on:click=move |_| ctx.screen.set(Screen::Disputes)>
            "‹ 返回纠纷列表"
        </button>
        <form id="dispute-form" class="card" on:submit=submit novalidate>
            <h2>"登记矛盾纠纷"</h2>
            <Show when=move || many_villages>
                <label for="dispute-village">"所属村（居）"</label>
                <select
                    id="dispute-village"
                    prop:value=village
                    on:change=move |ev| village.set(event_target_value(&ev))
                >
                    {villages
                        .iter()
                        .map(|v| view! { <option value=v.id.clone()>{v.name.clone()}</option> })
                        .collect_view()}
                </select>
            </Show>
            <label for="dispute-source">"来源"</label>
            <select
                id="dispute-source"
                prop:value=source
                on:change=move |ev| source.set(event_target_value(&ev))
            >
                {DisputeSource::ALL
                    .iter()
                    .map(|s| view! { <option value=s.as_str()>{s.label_zh()}</option> })
                    .collect_view()}
            </select>
            <label for="dispute-category">"纠纷类别"</label>
            <select
                id="dispute-category"
                prop:value=category
                on:change=move |ev| category.set(event_target_value(&ev))
            >
                {DisputeCategory::ALL
                    .iter()
                    .map(|c| view! { <option value=c.as_str()>{c.label_zh()}</option> })
                    .collect_view()}
            </select>
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
        <button type="button" class="back" on:click=move |_| ctx.screen.set(Screen::Disputes)>
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
                            "当事人 " {d.parties.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join("、")}
                            " · " {d.source.label_zh()} " · 登记于" {d.registered_on.clone()}
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

/// Applies one lifecycle step to the stored case and reports the outcome.
fn record_step(ctx: Ctx, id: String, event: DisputeEvent, done: &'static str, said: Said) {
    record_step_with(ctx, id, event, |_| {}, done, said);
}

/// Where a step's outcome is said: saved at the top of the case (the step's form is
/// replaced), refused beside the step's own button, read out to screen readers.
#[derive(Clone, Copy)]
struct Said {
    notice: RwSignal<Option<String>>,
    problem: RwSignal<Option<String>>,
}

impl Said {
    fn new(notice: RwSignal<Option<String>>) -> Self {
        Self {
            notice,
            problem: RwSignal::new(None),
        }
    }

    /// The refusal, beside the button.
    fn view(self) -> impl IntoView {
        view! { <p class="field-error" role="alert" aria-live="assertive">{move || self.problem.get()}</p> }
    }
}

/// A step that also sets fields the lifecycle leaves to the worker (包案领导, 办结期限).
fn record_step_with(
    ctx: Ctx,
    id: String,
    event: DisputeEvent,
    also: impl FnOnce(&mut Dispute) + 'static,
    done: &'static str,
    said: Said,
) {
    let store = ctx.store();
    spawn_local(async move {
        let outcome = store
            .edit::<Dispute>(&id, move |d| {
                *d = lifecycle::apply(d, event).map_err(|refused| {
                    vec![FieldError::new(
                        "event",
                        &refused.reason_zh,
                        &refused.reason_en,
                    )]
                })?;
                also(d);
                Ok(())
            })
            .await;
        match outcome {
            Ok(_) => {
                said.problem.set(None);
                said.notice.set(Some(format!("已保存：{done}")));
                ctx.saved();
            }
            Err(error) => {
                said.notice.set(None);
                said.problem.set(Some(error.to_string()));
            }
        }
    });
}

#[component]
fn MediationStep(id: String, notice: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = ctx();
    let said = Said::new(notice);
    let held_on = RwSignal::new(today().to_string());
    let mediator = RwSignal::new(ctx.profile.with_value(|p| p.display_name.clone()));
    let actions = RwSignal::new(String::new());
    let result = RwSignal::new(MediationResult::NotAgreed.as_str().to_owned());
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let session = MediationSession {
            held_on: held_on.get_untracked(),
            mediator: mediator.get_untracked().trim().to_owned(),
            actions: actions.get_untracked().trim().to_owned(),
            result: MediationResult::parse(&result.get_untracked())
                .unwrap_or(MediationResult::NotAgreed),
        };
        record_step(
            ctx,
            id.get_value(),
            DisputeEvent::Mediate(session),
            "调解记录",
            said,
        );
    };
    view! {
        <form id="mediation-form" class="card" on:submit=submit novalidate>
            <h2>"记录一次调解"</h2>
            <TextField id="mediation-date" label="调解日期" value=held_on kind="date" />
            <TextField id="mediation-mediator" label="调解员" value=mediator />
            <label for="mediation-actions">"调解经过"</label>
            <textarea
                id="mediation-actions"
                rows="3"
                prop:value=actions
                on:input=move |ev| actions.set(event_target_value(&ev))
            ></textarea>
            <label for="mediation-result">"调解结果"</label>
            <select
                id="mediation-result"
                prop:value=result
                on:change=move |ev| result.set(event_target_value(&ev))
            >
                {MediationResult::ALL
                    .iter()
                    .map(|r| view! { <option value=r.as_str()>{r.label_zh()}</option> })
                    .collect_view()}
            </select>
            <button id="mediation-save" type="submit">"保存调解记录"</button>
            {said.view()}
        </form>
    }
}

#[component]
fn EscalateStep(
    id: String,
    level: DisputeLevel,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = ctx();
    let said = Said::new(notice);
    let reason = RwSignal::new(String::new());
    let leader = RwSignal::new(String::new());
    let deadline = RwSignal::new(String::new());
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let event = DisputeEvent::Escalate {
            by: ctx.profile.with_value(|p| p.username.clone()),
            on: today().to_string(),
            reason: reason.get_untracked(),
        };
        let (leader, deadline) = (
            optional(&leader.get_untracked()),
            optional(&deadline.get_untracked()),
        );
        // Only what was filled in replaces what the case had.
        let also = move |d: &mut Dispute| {
            if leader.is_some() {
                d.responsible_leader = leader;
            }
            if deadline.is_some() {
                d.deadline = deadline;
            }
        };
        record_step_with(ctx, id.get_value(), event, also, "已上交", said);
    };
    level.next_up().map(|to| {
        view! {
            <form id="escalate-form" class="card" on:submit=submit novalidate>
                <h2>"上交至" {to.label_zh()}</h2>
                <TextField id="escalate-reason" label="上交原因" value=reason />
                <TextField id="escalate-leader" label="包案领导（可不填）" value=leader />
                <TextField
                    id="escalate-deadline"
                    label="新的办结期限（可不填）"
                    value=deadline
                    kind="date"
                />
                <button id="escalate-save" type="submit">"上交"</button>
                {said.view()}
            </form>
        }
    })
}

#[component]
fn AgreementStep(id: String, notice: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = ctx();
    let said = Said::new(notice);
    let kind = RwSignal::new(AgreementKind::Mediation.as_str().to_owned());
    let signed_on = RwSignal::new(today().to_string());
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let agreement = Agreement {
            kind: AgreementKind::parse(&kind.get_untracked()).unwrap_or(AgreementKind::Mediation),
            signed_on: signed_on.get_untracked(),
        };
        record_step(
            ctx,
            id.get_value(),
            DisputeEvent::SignAgreement(agreement),
            "协议",
            said,
        );
    };
    view! {
        <form id="agreement-form" class="card" on:submit=submit novalidate>
            <h2>"登记协议"</h2>
            <select
                id="agreement-kind"
                aria-label="协议类型"
                prop:value=kind
                on:change=move |ev| kind.set(event_target_value(&ev))
            >
                {AgreementKind::ALL
                    .iter()
                    .map(|k| view! { <option value=k.as_str()>{k.label_zh()}</option> })
                    .collect_view()}
            </select>
            <TextField id="agreement-date" label="签订日期" value=signed_on kind="date" />
            <button id="agreement-save" type="submit">"保存协议"</button>
            {said.view()}
        </form>
    }
}

#[component]
fn CloseStep(id: String, notice: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = ctx();
    let said = Said::new(notice);
    let resolution = RwSignal::new(Resolution::Resolved.as_str().to_owned());
    let result = RwSignal::new(String::new());
    // 办结 is final for the ledger: the first press asks, the second closes.
    let confirming = RwSignal::new(false);
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !confirming.get_untracked() {
            confirming.set(true);
            return;
        }
        confirming.set(false);
        let closure = Closure {
            by: ctx.profile.with_value(|p| p.username.clone()),
            on: today().to_string(),
            resolution: Resolution::parse(&resolution.get_untracked())
                .unwrap_or(Resolution::Resolved),
            result: result.get_untracked().trim().to_owned(),
        };
        record_step(
            ctx,
            id.get_value(),
            DisputeEvent::Close(closure),
            "已办结",
            said,
        );
    };
    view! {
        <form id="close-form" class="card" on:submit=submit novalidate>
            <h2>"办结"</h2>
            <select
                id="close-resolution"
                aria-label="办结方式"
                prop:value=resolution
                on:change=move |ev| resolution.set(event_target_value(&ev))
            >
                {Resolution::ALL
                    .iter()
                    .map(|r| view! { <option value=r.as_str()>{r.label_zh()}</option> })
                    .collect_view()}
            </select>
            <TextField id="close-result" label="调处结果" value=result />
            <Show
                when=move || confirming.get()
                fallback=|| view! { <button id="close-save" type="submit">"办结"</button> }
            >
                <p class="hint" id="close-question">"确认办结？办结后如需再办理，只能重新开启。"</p>
                <button id="close-confirm" type="submit">"确认办结"</button>
                <button type="button" class="secondary" on:click=move |_| confirming.set(false)>"取消"</button>
            </Show>
            {said.view()}
        </form>
    }
}

#[component]
fn ReopenStep(id: String, notice: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = ctx();
    let said = Said::new(notice);
    let reason = RwSignal::new(String::new());
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let event = DisputeEvent::Reopen {
            by: ctx.profile.with_value(|p| p.username.clone()),
            on: today().to_string(),
            reason: reason.get_untracked(),
        };
        record_step(ctx, id.get_value(), event, "已重新开启", said);
    };
    view! {
        <form id="reopen-form" class="card" on:submit=submit novalidate>
            <h2>"重新开启"</h2>
            <TextField id="reopen-reason" label="重新开启原因" value=reason />
            <button id="reopen-save" type="submit">"重新开启"</button>
            {said.view()}
        </form>
    }
}
