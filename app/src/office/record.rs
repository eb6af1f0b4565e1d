//! One record under review: what changed since it was last approved, field by field, with
//! who changed it, on which device and when; the fields where concurrent edits left more than
//! one value, each with its author, for the reviewer to choose; the verdict on the version
//! shown; and the record's history, with the record as it was at any entry.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;

use pingan_shared::labels::china_moment;
use pingan_shared::review::{
    Attribution, Conflict, FieldChange, RecordRef, RecordReview as Review, Verdict,
};

use super::labels::{field_zh, flatten, is_bookkeeping, record_type_zh, value_view};
use super::{Page, office, open};
use crate::ui::{ctx, load};

type References = StoredValue<BTreeMap<String, RecordRef>>;

#[component]
pub fn RecordReview(id: String) -> impl IntoView {
    let ctx = ctx();
    let office = office();
    let id = StoredValue::new(id);
    // Bumped after settling a conflict, to show the record as it now is.
    let reloaded = RwSignal::new(0u32);
    let review = load({
        let office = office.clone();
        move || {
            reloaded.track();
            let office = office.clone();
            async move { office.record(&id.get_value()).await }
        }
    });
    let back = open(Page::Queue);

    view! {
        <button type="button" class="secondary" on:click=move |_| back()>"← 返回待审核列表"</button>
        {move || match review.get() {
            None => view! { <p class="empty">"正在读取…"</p> }.into_any(),
            Some(Err(error)) => view! { <p class="field-error">{error.to_string()}</p> }.into_any(),
            Some(Ok(review)) => {
                let conflicts = review.conflicts.clone();
                let references = StoredValue::new(review.references.clone());
                view! {
                    <section class="card" id="record-review" data-id=review.document_id.clone()>
                        // The record by its name (户主 and address, a person's name…), then where.
                        <h2 id="record-title">
                            {record_type_zh(&review.record_type)}
                            {(!review.label.is_empty()).then(|| format!("：{}", review.label))}
                            <span class="muted">" · " {ctx.village_name(&review.village)}</span>
                        </h2>
                        {review
                            .last_review
                            .as_ref()
                            .map(|r| {
                                let verdict = if r.verdict == Verdict::Approved { "审核通过" } else { "退回" };
                                view! {
                                    <p class="muted" id="last-verdict">
                                        "上次审核：" {verdict} "（" {r.judged_by().to_owned()} "，"
                                        {china_moment(r.reviewed_at_ms)} "）" {r.comment.clone()}
                                    </p>
                                }
                            })}
                        <Changes review=review.clone() references />
                    </section>
                    {(!conflicts.is_empty())
                        .then(|| view! { <Conflicts id=id.get_value() conflicts reloaded references /> })}
                    <VerdictForm review />
                    <History id=id.get_value() references />
                }
                    .into_any()
            }
        }}
    }
}

#[component]
fn Changes(review: Review, references: References) -> impl IntoView {
    let heading = if review
        .last_review
        .as_ref()
        .is_some_and(|r| r.verdict == Verdict::Approved)
    {
        "自上次审核通过后的修改"
    } else {
        "登记内容（尚未审核通过）"
    };
    view! {
        <h3>{heading}</h3>
        {if review.changes.is_empty() {
            view! { <p class="empty">"没有字段变化。"</p> }.into_any()
        } else {
            view! {
                <table id="changes" class="diff">
                    <thead>
                        <tr>
                            <th>"字段"</th>
                            <th>"原值"</th>
                            <th>"现值"</th>
                            <th>"修改人 · 设备 · 时间"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {review
                            .changes
                            .into_iter()
                            .filter(|change| !is_bookkeeping(&change.field))
                            .map(|change| change_row(change, references))
                            .collect_view()}
                    </tbody>
                </table>
            }
                .into_any()
        }}
    }
}

fn change_row(change: FieldChange, references: References) -> impl IntoView {
    let field = change.field.clone();
    let shown = move |value: Option<&serde_json::Value>| {
        references.with_value(|refs| value_view(&field, value, refs))
    };
    view! {
        <tr data-field=change.field.clone()>
            <td>{field_zh(&change.field)}</td>
            <td class="before">{shown(change.before.as_ref())}</td>
            <td class="after">{shown(change.after.as_ref())}</td>
            <td class="by">{change.changed_by.iter().map(attribution).collect_view()}</td>
        </tr>
    }
}

/// Who, on which device, when: the device by the name the office knows it by, its id on
/// hover for whoever must find the phone.
fn attribution(by: &Attribution) -> impl IntoView + use<> {
    let device = if by.device_name.is_empty() {
        format!("{} 的设备", by.username)
    } else {
        by.device_name.clone()
    };
    view! {
        <span class="author" title=format!("设备编号 {}", by.device_id)>
            {device} " · " {china_moment(by.received_at_ms)}
        </span>
    }
}

#[component]
fn Conflicts(
    id: String,
    conflicts: Vec<Conflict>,
    reloaded: RwSignal<u32>,
    references: References,
) -> impl IntoView {
    let office = office();
    let id = StoredValue::new(id);
    let problem = RwSignal::new(None::<String>);
    view! {
        <section class="card" id="conflicts">
            <h2>"冲突：两台设备同时修改了同一字段"</h2>
            <p class="muted">"选定的值将作为新的修改写入，并在各设备下次同步时生效。"</p>
            {conflicts
                .into_iter()
                .map(|conflict| {
                    let field = StoredValue::new(conflict.field.clone());
                    view! {
                        <div class="conflict" data-field=conflict.field.clone()>
                            <h3>{field_zh(&conflict.field)}</h3>
                            <ul class="rows">
                                {conflict
                                    .values
                                    .into_iter()
                                    .enumerate()
                                    .map(|(choice, candidate)| {
                                        let office = office.clone();
                                        let shown = references.with_value(|refs| {
                                            value_view(&field.get_value(), Some(&candidate.value), refs)
                                        });
                                        view! {
                                            <li>
                                                <span class="head">{shown}</span>
                                                <span class="details">
                                                    {candidate
                                                        .written_by
                                                        .as_ref()
                                                        .map(|by| attribution(by).into_any())
                                                        .unwrap_or_else(|| "作者不明".into_any())}
                                                </span>
                                                <button
                                                    type="button"
                                                    class="small choose"
                                                    on:click=move |_| {
                                                        let office = office.clone();
                                                        spawn_local(async move {
                                                            match office
                                                                .resolve(&id.get_value(), &field.get_value(), choice)
                                                                .await
                                                            {
                                                                Ok(_) => reloaded.update(|n| *n += 1),
                                                                Err(e) => problem.set(Some(e.to_string())),
                                                            }
                                                        });
                                                    }
                                                >
                                                    "采用此值"
                                                </button>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                })
                .collect_view()}
            {move || problem.get().map(|p| view! { <p class="field-error">{p}</p> })}
        </section>
    }
}

/// Approve or return the version shown (its heads go with the verdict, so a change that
/// arrives while the reviewer reads stays unreviewed). Returning is asked once more, with
/// the comment the worker will read; either verdict is confirmed by a toast on the queue,
/// whose filters stay as they were.
#[component]
fn VerdictForm(review: Review) -> impl IntoView {
    let ctx = ctx();
    let office = office();
    let review = StoredValue::new(review);
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let judge = move |verdict: &'static str| {
        let text = comment.get_untracked();
        busy.set(true);
        let office = office.clone();
        spawn_local(async move {
            let (id, heads) = review.with_value(|r| (r.document_id.clone(), r.heads.clone()));
            match office.judge(&id, verdict, &heads, text.trim()).await {
                Ok(_) => {
                    let done = if verdict == "return" {
                        "已退回更正"
                    } else {
                        "已审核通过"
                    };
                    let named = review
                        .with_value(|r| format!("{} {}", record_type_zh(&r.record_type), r.label));
                    super::queue::announce(format!("{done}：{named}"));
                    ctx.go(crate::ui::Screen::Office(Page::Queue));
                }
                Err(error) => problem.set(Some(error.to_string())),
            }
            busy.set(false);
        });
    };
    let ask_to_return = move || {
        if comment.get_untracked().trim().is_empty() {
            problem.set(Some("退回时请填写意见，说明需要更正什么".into()));
        } else {
            problem.set(None);
            confirming.set(true);
        }
    };
    let approve = judge.clone();
    view! {
        <section class="card" id="verdict">
            <h2>"审核意见"</h2>
            <label for="verdict-comment">"意见（退回时必填，登记人会在设备上看到）"</label>
            <textarea
                id="verdict-comment"
                rows="3"
                maxlength="500"
                prop:value=comment
                on:input=move |ev| comment.set(event_target_value(&ev))
            ></textarea>
            <Show
                when=move || confirming.get()
                fallback=move || {
                    let approve = approve.clone();
                    view! {
                        <div class="actions">
                            <button id="approve" type="button" disabled=move || busy.get() on:click=move |_| approve("approve")>
                                "审核通过"
                            </button>
                            <button id="return" type="button" class="secondary" disabled=move || busy.get() on:click=move |_| ask_to_return()>
                                "退回更正"
                            </button>
                        </div>
                    }
                }
            >
                <div class="confirm" id="return-confirm" role="alertdialog" aria-labelledby="return-question">
                    <p id="return-question">"确认退回？登记人下次同步后会看到：" {move || comment.get()}</p>
                    <div class="actions">
                        <button id="return-confirmed" type="button" disabled=move || busy.get() on:click={
                            let judge = judge.clone();
                            move |_| judge("return")
                        }>
                            "确认退回"
                        </button>
                        <button id="return-cancel" type="button" class="secondary" on:click=move |_| confirming.set(false)>
                            "取消"
                        </button>
                    </div>
                </div>
            </Show>
            <p class="field-error" role="alert" aria-live="assertive">{move || problem.get()}</p>
        </section>
    }
}

/// Every upload that changed the record; opening one shows the record as it was after it.
#[component]
fn History(id: String, references: References) -> impl IntoView {
    let office = office();
    let id = StoredValue::new(id);
    let shown = RwSignal::new(false);
    let at = RwSignal::new(None::<u64>);
    let steps = load({
        let office = office.clone();
        move || {
            let wanted = shown.get();
            let office = office.clone();
            async move {
                if wanted {
                    Some(office.history(&id.get_value()).await)
                } else {
                    None
                }
            }
        }
    });
    let snapshot = load(move || {
        let seq = at.get();
        let office = office.clone();
        async move {
            match seq {
                Some(seq) => Some(office.record_at(&id.get_value(), seq).await),
                None => None,
            }
        }
    });
    view! {
        <section class="card" id="history">
            <h2>"修改历史"</h2>
            <Show
                when=move || shown.get()
                fallback=move || {
                    view! {
                        <button id="history-show" type="button" class="secondary" on:click=move |_| shown.set(true)>
                            "查看修改历史"
                        </button>
                    }
                }
            >
                {move || match steps.get().flatten() {
                    None => view! { <p class="empty">"正在读取…"</p> }.into_any(),
                    Some(Err(error)) => view! { <p class="field-error">{error.to_string()}</p> }.into_any(),
                    Some(Ok(history)) => {
                        view! {
                            <ol id="history-steps" class="rows">
                                {history
                                    .steps
                                    .into_iter()
                                    .enumerate()
                                    .map(|(n, step)| {
                                        let seq = step.by.seq;
                                        let fields = step
                                            .fields
                                            .iter()
                                            .filter(|f| !is_bookkeeping(f))
                                            .map(|f| field_zh(f))
                                            .collect::<Vec<_>>();
                                        // The first entry creates the record: every field is new.
                                        let what = match (n, fields.len()) {
                                            (0, count) => format!("首次登记，填写 {count} 项："),
                                            (_, 0) => "没有字段变化".to_owned(),
                                            (_, count) => format!("修改 {count} 项："),
                                        };
                                        view! {
                                            <li data-seq=seq.to_string() on:click=move |_| at.set(Some(seq))>
                                                <span class="head">{attribution(&step.by)}</span>
                                                <span class="details">{what}{fields.join("、")}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ol>
                        }
                            .into_any()
                    }
                }}
                {move || {
                    snapshot
                        .get()
                        .flatten()
                        .map(|record| match record {
                            Err(error) => view! { <p class="field-error">{error.to_string()}</p> }.into_any(),
                            Ok(record) => {
                                view! {
                                    <h3>"这次修改后的内容"</h3>
                                    <table id="record-at" class="diff">
                                        <tbody>
                                            {flatten(&record)
                                                .into_iter()
                                                .filter(|(field, _)| !is_bookkeeping(field))
                                                .map(|(field, value)| {
                                                    let shown = references
                                                        .with_value(|refs| value_view(&field, Some(&value), refs));
                                                    view! {
                                                        <tr data-field=field.clone()>
                                                            <td>{field_zh(&field)}</td>
                                                            <td>{shown}</td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Show>
        </section>
    }
}
