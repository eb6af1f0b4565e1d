//! Records the township office returned with a comment: listed under the sync bar with a
//! button that opens each, and the comment shown above the record while it is open. Every
//! sync answer carries the current list (`SyncResponse::returned`); it is kept sealed
//! with the worker's records (`DeviceStore::returned`), so the comments stay readable with no
//! signal, and a record drops off once
//! the worker's change reaches the server.

use leptos::prelude::*;
use pingan_shared::review::ReturnedRecord;

use super::{Ctx, Screen, ctx, open_record};

/// Keeps the list a sync answer brought (`SyncResponse::returned`), sealed with the worker's
/// records, for the screens and for the next start with no signal. Township staff get every
/// returned record of the township in that list, but it is the workers' to correct: the office
/// follows them in its queue, so staff keep none.
pub fn remember(mut fresh: Vec<ReturnedRecord>, ctx: Ctx) {
    if ctx.profile.with_value(|p| p.role != "worker") {
        fresh.clear();
    }
    let store = ctx.store();
    let kept = fresh.clone();
    leptos::task::spawn_local(async move {
        // Advice only: without it the list is empty until the next sync brings it again.
        let _ = store.remember_returned(&kept).await;
    });
    ctx.returned.set(fresh);
}

/// Under the sync bar: every returned record with the office's comment.
#[component]
pub fn ReturnedList() -> impl IntoView {
    let ctx = ctx();
    move || {
        let returned = ctx.returned.get();
        (!returned.is_empty()).then(|| {
            view! {
                <section id="returned" class="refused" role="alert">
                    <p>"镇综治办退回 " {returned.len()} " 条记录，请按意见更正："</p>
                    <ul id="returned-list">
                        {returned
                            .into_iter()
                            .map(|r| {
                                let id = r.document_id.clone();
                                let record_type = r.record_type.clone();
                                view! {
                                    <li data-id=r.document_id.clone()>
                                        <span class="reason">{r.comment.clone()}</span>
                                        <span class="details">
                                            {ctx.village_name(&r.village)} " · " {r.returned_by().to_owned()}
                                        </span>
                                        <button
                                            type="button"
                                            class="small fix"
                                            on:click=move |_| open_record(ctx, &record_type, id.clone())
                                        >
                                            "打开更正"
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </section>
            }
        })
    }
}

/// Above an open record the office returned: what it asked to correct.
#[component]
pub fn ReturnedNote() -> impl IntoView {
    let ctx = ctx();
    move || {
        let open = match ctx.screen.get() {
            Screen::Household(id)
            | Screen::FloatingForm(Some(id))
            | Screen::RentalHouse(Some(id))
            | Screen::Dispute(id)
            | Screen::Visit(Some(id)) => id,
            _ => return None,
        };
        let returned = ctx.returned.get();
        let note = returned.into_iter().find(|r| r.document_id == open)?;
        let by = note.returned_by().to_owned();
        Some(view! {
            <p id="returned-note" class="problem" role="alert">
                "镇综治办退回意见：" {note.comment} "（" {by} "）"
            </p>
        })
    }
}
