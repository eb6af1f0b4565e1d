//! The review queue: every record created or changed since it was last approved, most recent
//! first, filtered by village, record type and worker.

use leptos::prelude::*;
use pingan_shared::records::RecordType;
use pingan_shared::review::Verdict;

use super::labels::record_type_zh;
use super::{Page, office, open};
use crate::ui::form::format_time;
use crate::ui::{ctx, load};

#[component]
pub fn Queue() -> impl IntoView {
    let ctx = ctx();
    let office = office();
    let village = RwSignal::new(String::new());
    let record_type = RwSignal::new(String::new());
    let worker = RwSignal::new(String::new());
    let entries = load(move || {
        ctx.revision.track();
        let (office, village, record_type, worker) = (
            office.clone(),
            village.get(),
            record_type.get(),
            worker.get(),
        );
        async move { office.queue(&village, &record_type, &worker).await }
    });
    let villages = ctx.profile.with_value(|p| p.villages.clone());

    view! {
        <section class="card" id="review-queue">
            <h2>"待审核记录"</h2>
            <div class="filters">
                <select
                    id="queue-village"
                    aria-label="村"
                    on:change=move |ev| village.set(event_target_value(&ev))
                >
                    <option value="">"全部村"</option>
                    {villages
                        .into_iter()
                        .map(|v| view! { <option value=v.id>{v.name}</option> })
                        .collect_view()}
                </select>
                <select
                    id="queue-type"
                    aria-label="类型"
                    on:change=move |ev| record_type.set(event_target_value(&ev))
                >
                    <option value="">"全部类型"</option>
                    {RecordType::ALL
                        .iter()
                        .map(|t| view! { <option value=t.as_str()>{t.label_zh()}</option> })
                        .collect_view()}
                </select>
                <input
                    id="queue-worker"
                    type="search"
                    placeholder="登记人账号"
                    on:change=move |ev| worker.set(event_target_value(&ev))
                />
            </div>
            {move || match entries.get() {
                None => view! { <p class="empty">"正在读取…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="field-error">{error.to_string()}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => {
                    view! { <p class="empty">"没有待审核的记录。"</p> }.into_any()
                }
                Some(Ok(list)) => {
                    view! {
                        <p class="muted">"共 " {list.len()} " 条"</p>
                        <ul id="queue-list" class="rows">
                            {list
                                .into_iter()
                                .map(|entry| {
                                    let show = open(Page::Record(entry.document_id.clone()));
                                    let again = entry
                                        .last_review
                                        .as_ref()
                                        .map(|r| match r.verdict {
                                            Verdict::Returned => "退回后又修改",
                                            Verdict::Approved => "审核后又修改",
                                        });
                                    view! {
                                        <li data-id=entry.document_id.clone() on:click=move |_| show()>
                                            <span class="head">{entry.label.clone()}</span>
                                            <span class="address">
                                                {record_type_zh(&entry.record_type)} " · "
                                                {ctx.village_name(&entry.village)}
                                            </span>
                                            <span class="details">
                                                {format_time(entry.updated_at_ms as f64)}
                                                {again.map(|a| format!(" · {a}"))}
                                            </span>
                                            {(entry.conflicts > 0)
                                                .then(|| {
                                                    view! {
                                                        <span class="badge conflict">
                                                            {entry.conflicts} " 处冲突"
                                                        </span>
                                                    }
                                                })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
