//! Records the township office returned with a comment: listed under the sync bar with a
//! button that opens each, and the comment shown above the record while it is open. Every
//! sync answer carries the current list (`SyncResponse::returned`); it is kept in
//! `localStorage`, so the comments stay readable with no signal, and a record drops off once
//! the worker's change reaches the server.

use leptos::prelude::*;
use pingan_shared::document::hex;
use pingan_shared::review::ReturnedRecord;
use pingan_shared::sync::protocol;

use super::{Ctx, Screen, ctx, open_record};

/// The list as CBOR in hex: the sync answer is read with the CBOR decoder already, so keeping
/// it the same way adds no second decoder for it to the phone's download (decision 18).
const RETURNED_KEY: &str = "pingan.returned.cbor";

/// The list kept from the last successful sync.
pub fn remembered() -> Vec<ReturnedRecord> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(RETURNED_KEY).ok().flatten())
        .and_then(|text| from_hex(&text))
        .and_then(|bytes| protocol::decode("returned records", &bytes).ok())
        .unwrap_or_default()
}

/// Keeps the list a sync answer brought (`SyncResponse::returned`), for the screens and for
/// the next start with no signal.
pub fn remember(fresh: Vec<ReturnedRecord>, ctx: Ctx) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        // Advice only: without it the list is empty until the next sync brings it again.
        let _ = storage.set_item(RETURNED_KEY, &hex(&protocol::encode(&fresh)));
    }
    ctx.returned.set(fresh);
}

/// The bytes `document::hex` wrote, or `None` for anything else.
fn from_hex(text: &str) -> Option<Vec<u8>> {
    text.len().is_multiple_of(2).then_some(())?;
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_list_reads_back_as_written() {
        let bytes = vec![0x00, 0x0f, 0xa5, 0xff];
        assert_eq!(hex(&bytes), "000fa5ff");
        assert_eq!(from_hex("000fa5ff"), Some(bytes));
    }

    #[test]
    fn text_that_is_not_hex_reads_as_nothing_kept() {
        assert_eq!(from_hex("0g"), None);
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("[{\"document_id\":1}]"), None);
    }
}
