//! The review queue: every record created or changed since it was last approved, most recent
//! first, filtered by village, record type and worker. The filters outlive the screen, so a
//! reviewer working through one village's records comes back to the same list after each
//! verdict, and the verdict is confirmed there by a toast.

use std::cell::RefCell;

use leptos::prelude::*;
use pingan_shared::labels::china_moment;
use pingan_shared::records::RecordType;
use pingan_shared::review::Verdict;

use super::labels::record_type_zh;
use super::{Page, office, open};
use crate::ui::{ctx, load};

/// What the queue keeps while the reviewer opens records: its filters, and the last
/// verdict's confirmation, shown once.
#[derive(Default, Clone)]
struct Kept {
    village: String,
    record_type: String,
    worker: String,
    toast: Option<String>,
}

thread_local! {
    static KEPT: RefCell<Kept> = RefCell::new(Kept::default());
}

/// Shows `text` on the queue the next time it opens (after a verdict).
pub fn announce(text: String) {
    KEPT.with(|k| k.borrow_mut().toast = Some(text));
}

#[component]
pub fn Queue() -> impl IntoView {
    let ctx = ctx();
    let office = office();
    let kept = KEPT.with(|k| {
        let kept = k.borrow().clone();
        k.borrow_mut().toast = None;
        kept
    });
    let village = RwSignal::new(kept.village);
    let record_type = RwSignal::new(kept.record_type);
    let worker = RwSignal::new(kept.worker);
    let toast = kept.toast;
    let entries = load(move || {
        ctx.revision.track();
        let (office, village, record_type, worker) = (
            office.clone(),
            village.get(),
            record_type.get(),
            worker.get(),
        );
        KEPT.with(|k| {
            let mut k = k.borrow_mut();
            (k.village, k.record_type, k.worker) =
                (village.clone(), record_type.clone(), worker.clone());
        });
        async move {
            let list = office.queue(&village, &record_type, &worker).await?;
            // The count is a courtesy: the list is the work, and stays usable without it.
            let total = office
                .queue_count(&village, &record_type, &worker)
                .await
                .ok();
            Ok::<_, crate::error::AppError>((list, total))
        }
    });
    let villages = ctx.profile.with_value(|p| p.villages.clone());

    view! {
        <section class="card" id="review-queue">
            <h2>"待审核记录"</h2>
            {toast.map(|text| view! { <p id="toast" class="toast" role="status" aria-live="polite">{text}</p> })}
            <div class="filters queue-filters">
                <select
                    id="queue-village"
                    aria-label="村（居）"
                    prop:value=move || village.get()
                    on:change=move |ev| village.set(event_target_value(&ev))
                >
                    <option value="">"全部村（居）"</option>
                    {villages
                        .into_iter()
                        .map(|v| {
                            let selected = v.id == village.get_untracked();
                            view! { <option value=v.id selected=selected>{v.name}</option> }
                        })
                        .collect_view()}
                </select>
                <select
                    id="queue-type"
                    aria-label="记录类型"
                    prop:value=move || record_type.get()
                    on:change=move |ev| record_type.set(event_target_value(&ev))
                >
                    <option value="">"全部类型"</option>
                    {RecordType::ALL
                        .iter()
                        .map(|t| {
                            let selected = t.as_str() == record_type.get_untracked();
                            view! { <option value=t.as_str() selected=selected>{t.label_zh()}</option> }
                        })
                        .collect_view()}
                </select>
                <input
                    id="queue-worker"
                    type="search"
                    aria-label="登记人账号"
                    placeholder="登记人账号"
                    prop:value=move || worker.get()
                    on:change=move |ev| worker.set(event_target_value(&ev))
                />
            </div>
            {move || match entries.get() {
                None => view! { <p class="empty">"正在读取…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="field-error">{error.to_string()}</p> }.into_any(),
                Some(Ok((list, _))) if list.is_empty() => {
                    view! { <p class="empty">"没有待审核的记录。"</p> }.into_any()
                }
                Some(Ok((list, total))) => {
                    let count = match total {
                        Some(total) if total as usize > list.len() => {
                            format!("共 {total} 条，按修改时间显示最近的 {} 条", list.len())
                        }
                        Some(total) => format!("共 {total} 条"),
                        None => format!("按修改时间显示最近的 {} 条（总数暂时读不出，请稍后刷新）", list.len()),
                    };
                    view! {
                        <p class="muted" id="queue-count">{count}</p>
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
                                                {china_moment(entry.updated_at_ms)}
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
