//! Records the township office returned with a comment (`GET /api/returned`): listed under the
//! sync bar with a button that opens each, and the comment shown above the record while it is
//! open. Fetched after every successful sync and kept in `localStorage`, so the comments stay
//! readable with no signal; a record drops off once the worker's change reaches the server.

use leptos::prelude::*;
use pingan_shared::review::ReturnedRecord;

use super::{Ctx, Screen, ctx, open_record};
use crate::api;
use crate::store::DeviceStore;

const RETURNED_KEY: &str = "pingan.returned";

/// The list kept from the last successful sync.
pub fn remembered() -> Vec<ReturnedRecord> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(RETURNED_KEY).ok().flatten())
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .and_then(|value| serde_wasm_bindgen::from_value(value).ok())
        .unwrap_or_default()
}

/// Asks the server which records are returned now. A failure keeps the list as it was: it is
/// advice, and the next sync asks again.
pub async fn refresh(store: &DeviceStore, ctx: Ctx) {
    let Ok(Some(session)) = store.session().await else {
        return;
    };
    let Ok(fresh) = api::get_json::<Vec<ReturnedRecord>>("/api/returned", &session.token).await
    else {
        return;
    };
    let text = serde_wasm_bindgen::to_value(&fresh)
        .ok()
        .and_then(|value| js_sys::JSON::stringify(&value).ok())
        .and_then(|text| text.as_string());
    if let (Some(storage), Some(text)) = (
        web_sys::window().and_then(|w| w.local_storage().ok().flatten()),
        text,
    ) {
        let _ = storage.set_item(RETURNED_KEY, &text);
    }
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
                                            {ctx.village_name(&r.village)} " · " {r.reviewer.clone()}
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
        Some(view! {
            <p id="returned-note" class="problem" role="alert">
                "镇综治办退回意见：" {note.comment} "（" {note.reviewer} "）"
            </p>
        })
    }
}
