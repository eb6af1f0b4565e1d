//! Drafts: what a worker types into a form is kept, sealed, in their records on this device as
//! they type, and offered back when the form opens again — after a tab switch, a reload or a
//! crash. A doorstep conversation is interrupted all the time, and retyping a family's details
//! from memory is how records go wrong.
//!
//! A draft is the form's controls read off the page, not the form's signals: one routine serves
//! every form, and a restore goes through the same `input`/`change` events typing does, so each
//! form's own handlers (the ID number's derived fields, the pickers) run as if the worker typed.
//! That page work — reading, debouncing, putting back, knowing which forms hold unsaved input —
//! is `app/draft.js` (its first lines say how a form takes part); compiled from Rust it cost the
//! phone's download several times the bytes. Here drafts are sealed, stored, offered and dropped.
//!
//! Leaving a form with unsaved input asks first ([`unsaved`], `Ctx::go`); a reload asks through
//! the browser (`beforeunload`, in `draft.js`). The draft is on disk either way.

use js_sys::{Function, Reflect};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::form::format_time;

/// Calls `window.pinganDraft[name]` (`app/draft.js`).
fn page(name: &str, args: &[&JsValue]) -> JsValue {
    let call = || {
        let drafts = Reflect::get(&window(), &"pinganDraft".into()).ok()?;
        let call: Function = Reflect::get(&drafts, &name.into()).ok()?.dyn_into().ok()?;
        call.apply(&drafts, &args.iter().copied().collect::<js_sys::Array>())
            .ok()
    };
    call().unwrap_or_default()
}

/// Whether a form on screen holds input that was not saved.
pub fn unsaved() -> bool {
    page("unsaved", &[]).is_truthy()
}

/// Writes the drafts of the forms on screen now (before leaving them).
pub fn leave() {
    page("leave", &[]);
}

/// Gives `draft.js` where to keep drafts: this worker's sealed records, for as long as their
/// workspace is open (the writer goes with it, and `draft.js` forgets it on the way out).
pub fn listen(ctx: super::Ctx) {
    let write = Closure::<dyn Fn(String, String)>::new(move |key: String, text: String| {
        let Some(store) = ctx.store.try_get_value() else {
            return;
        };
        spawn_local(async move {
            // A draft that fails to write loses no record (the save reports its own
            // failures), but the worker must not count on it: every form says so.
            let failed = store.keep_draft(&key, text.as_bytes()).await.is_err();
            let _ = ctx.drafts_failing.try_set(failed);
        });
    });
    page("listen", &[write.as_ref()]);
    StoredValue::new_local(write);
    on_cleanup(|| {
        page("listen", &[&JsValue::NULL]);
    });
}

/// One form's draft. `Copy`, so event handlers take it freely.
#[derive(Clone, Copy)]
pub struct Draft {
    form: &'static str,
    key: StoredValue<String>,
    /// The draft found when the form opened, while it is offered back: (written at, fields).
    offered: RwSignal<Option<(i64, String)>>,
    paused: Option<Signal<bool>>,
}

impl Draft {
    /// The draft of the form with element id `form`, for the record `record` (`None` for a
    /// new one); offers back what an earlier opening left. The form carries `data-draft=`
    /// [`Draft::key`].
    pub fn keep(form: &'static str, record: Option<&str>) -> Self {
        let store = super::ctx().store();
        let key = format!("{form}:{}", record.unwrap_or("new"));
        let draft = Self {
            form,
            key: StoredValue::new(key.clone()),
            offered: RwSignal::new(None),
            paused: None,
        };
        spawn_local(async move {
            let text = match page("waiting", &[&key.as_str().into()]).as_string() {
                Some(text) => Some(text),
                None => store
                    .draft(&key)
                    .await
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok()),
            };
            if let Some((at, fields)) = text.as_deref().and_then(|t| t.split_once('\n'))
                && !fields.is_empty()
            {
                draft
                    .offered
                    .try_set(Some((at.parse().unwrap_or(0), fields.to_owned())));
            }
        });
        draft
    }

    /// The key the form's drafts are kept under, for its `data-draft` attribute.
    pub fn key(self) -> String {
        self.key.get_value()
    }

    /// No offer while `paused` holds (a member being edited: a restored edit would lose which
    /// member it was for); the form then carries `data-draft-off` too.
    pub fn paused_while(mut self, paused: Signal<bool>) -> Self {
        self.paused = Some(paused);
        self
    }

    /// Whether a draft from an earlier opening waits to be restored or dropped.
    pub fn offered(self) -> bool {
        self.offered.with(Option::is_some)
    }

    /// A new record was saved and the form now edits it: later input is its draft.
    pub fn becomes(self, record: &str) {
        let key = format!("{}:{record}", self.form);
        if let Some(form) = document().get_element_by_id(self.form) {
            let _ = form.set_attribute("data-draft", &key);
        }
        self.key.set_value(key);
    }

    /// The record was saved: its draft is gone.
    pub fn saved(self) {
        self.offered.set(None);
        page("saved", &[&self.key.get_value().into()]);
    }

    /// The offer at the top of the form: restore or drop what an earlier opening left.
    pub fn offer(self) -> impl IntoView {
        let failing = super::ctx().drafts_failing;
        let failure = move || {
            failing.get().then(|| {
                view! {
                    <p class="field-error draft-failed" role="alert">
                        "本机存储空间不足，草稿未能保存：请尽快保存这份记录。"
                    </p>
                }
            })
        };
        let offer = move || {
            if self.paused.is_some_and(|p| p.get()) {
                return None;
            }
            self.offered.get().map(|(at, fields)| {
                let restore = move |_| {
                    self.offered.set(None);
                    page("fill", &[&self.form.into(), &fields.as_str().into()]);
                };
                view! {
                    <div class="draft-offer" role="status">
                        <p>"有一份 " {format_time(at as f64)} " 未保存的草稿。"</p>
                        <button type="button" class="draft-restore" on:click=restore>"恢复草稿"</button>
                        <button type="button" class="secondary draft-discard" on:click=move |_| self.saved()>
                            "丢弃"
                        </button>
                    </div>
                }
            })
        };
        (failure, offer)
    }
}
