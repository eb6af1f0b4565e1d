//! One record under review: what changed since it was last approved, field by field, with
//! who changed it, on which device and when; the fields where concurrent edits left more than
//! one value, each with its author, for the reviewer to choose; the verdict on the version
//! shown; and the record's history, with the record as it was at any entry.

use leptos::prelude::*;
use leptos::task::spawn_local;

use pingan_shared::review::{Attribution, Conflict, FieldChange, RecordReview as Review, Verdict};

use super::labels::{field_zh, flatten, record_type_zh, value_text};
use super::{Page, office, open};
use crate::ui::form::format_time;
use crate::ui::{ctx, load};

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
                view! {
                    <section class="card" id="record-review" data-id=review.document_id.clone()>
                        <h2>
                            {record_type_zh(&review.record_type)} " · "
                            {ctx.village_name(&review.village)}
                        </h2>
                        {review
                            .last_review
                            .as_ref()
                            .map(|r| {
                                let verdict = if r.verdict == Verdict::Approved { "审核通过" } else { "退回" };
                                view! {
                                    <p class="muted" id="last-verdict">
                                        "上次审核：" {verdict} "（" {r.reviewer.clone()} "，"
                                        {format_time(r.reviewed_at_ms as f64)} "）" {r.comment.clone()}
                                    </p>
                                }
                            })}
                        <Changes review=review.clone() />
                    </section>
                    {(!conflicts.is_empty())
                        .then(|| view! { <Conflicts id=id.get_value() conflicts reloaded /> })}
                    <VerdictForm review />
                    <History id=id.get_value() />
                }
                    .into_any()
            }
        }}
    }
}

#[component]
fn Changes(review: Review) -> impl IntoView {
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
                        {review.changes.into_iter().map(change_row).collect_view()}
                    </tbody>
                </table>
            }
                .into_any()
        }}
    }
}

fn change_row(change: FieldChange) -> impl IntoView {
    view! {
        <tr data-field=change.field.clone()>
            <td>{field_zh(&change.field)}</td>
            <td class="before">{value_text(change.before.as_ref())}</td>
            <td class="after">{value_text(change.after.as_ref())}</td>
            <td class="by">
                {change.changed_by.iter().map(|a| view! { <span>{attribution(a)}</span> }).collect_view()}
            </td>
        </tr>
    }
}

fn attribution(by: &Attribution) -> String {
    format!(
        "{} · {} · {}",
        by.username,
        by.device_id,
        format_time(by.received_at_ms as f64)
    )
}

#[component]
fn Conflicts(id: String, conflicts: Vec<Conflict>, reloaded: RwSignal<u32>) -> impl IntoView {
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
                                        view! {
                                            <li>
                                                <span class="head">{value_text(Some(&candidate.value))}</span>
                                                <span class="details">
                                                    {candidate
                                                        .written_by
                                                        .as_ref()
                                                        .map_or_else(|| "作者不明".to_owned(), attribution)}
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
/// arrives while the reviewer reads stays unreviewed).
#[component]
fn VerdictForm(review: Review) -> impl IntoView {
    let ctx = ctx();
    let office = office();
    let review = StoredValue::new(review);
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let judge = move |verdict: &'static str| {
        let text = comment.get_untracked();
        if verdict == "return" && text.trim().is_empty() {
            problem.set(Some("退回时请填写意见，说明需要更正什么".into()));
            return;
        }
        busy.set(true);
        let office = office.clone();
        spawn_local(async move {
            let (id, heads) = review.with_value(|r| (r.document_id.clone(), r.heads.clone()));
            match office.judge(&id, verdict, &heads, text.trim()).await {
                Ok(_) => ctx.screen.set(crate::ui::Screen::Office(Page::Queue)),
                Err(error) => problem.set(Some(error.to_string())),
            }
            busy.set(false);
        });
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
            <div class="actions">
                <button id="approve" type="button" disabled=move || busy.get() on:click=move |_| approve("approve")>
                    "审核通过"
                </button>
                <button
                    id="return"
                    type="button"
                    class="secondary"
                    disabled=move || busy.get()
                    on:click=move |_| judge("return")
                >
                    "退回更正"
                </button>
            </div>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
        </section>
    }
}

/// Every upload that changed the record; opening one shows the record as it was after it.
#[component]
fn History(id: String) -> impl IntoView {
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
                                    .map(|step| {
                                        let seq = step.by.seq;
                                        let fields = step.fields.iter().map(|f| field_zh(f)).collect::<Vec<_>>().join("、");
                                        view! {
                                            <li data-seq=seq.to_string() on:click=move |_| at.set(Some(seq))>
                                                <span class="head">
                                                    {step.by.username.clone()} " · " {step.by.device_id.clone()}
                                                </span>
                                                <span class="details">
                                                    {format_time(step.by.received_at_ms as f64)} " · "
                                                    {step.change_count} " 处修改"
                                                </span>
                                                <span class="address">{fields}</span>
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
                                    <h3>"第 " {at.get()} " 条记录时的内容"</h3>
                                    <table id="record-at" class="diff">
                                        <tbody>
                                            {flatten(&record)
                                                .into_iter()
                                                .map(|(field, text)| {
                                                    view! {
                                                        <tr data-field=field.clone()>
                                                            <td>{field_zh(&field)}</td>
                                                            <td>{text}</td>
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
