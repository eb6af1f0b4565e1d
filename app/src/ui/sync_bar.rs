//! Always-visible sync status: connection, records waiting to upload, last sync, and the
//! button to sync now. Coming back online syncs by itself.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::store::{DeviceStore, HouseholdSummary};
use crate::sync::sync_now;
use crate::ui::reload_households;

const LAST_SYNC_KEY: &str = "pingan.last_sync_ms";

#[component]
pub fn SyncBar(
    store: DeviceStore,
    households: RwSignal<Vec<HouseholdSummary>>,
    problem: RwSignal<Option<String>>,
) -> impl IntoView {
    let online = RwSignal::new(navigator_online());
    let syncing = RwSignal::new(false);
    let status = RwSignal::new(None::<String>);
    let last_sync = RwSignal::new(read_last_sync());
    let waiting = move || households.with(|list| list.iter().filter(|h| !h.synced).count());

    let run_sync = move |store: DeviceStore| {
        if syncing.get_untracked() {
            return;
        }
        syncing.set(true);
        status.set(Some("正在同步…".into()));
        spawn_local(async move {
            match sync_now(&store).await {
                Ok(outcome) => {
                    let now = js_sys::Date::now();
                    write_last_sync(now);
                    last_sync.set(Some(now));
                    let text = if outcome.rejected.is_empty() {
                        format!("同步完成，上传 {} 条", outcome.uploaded)
                    } else {
                        let reasons: Vec<String> =
                            outcome.rejected.iter().map(|r| r.message.clone()).collect();
                        format!(
                            "上传 {} 条；{} 条被退回需更正：{}",
                            outcome.uploaded,
                            outcome.rejected.len(),
                            reasons.join("；")
                        )
                    };
                    status.set(Some(text));
                }
                Err(error) => status.set(Some(error.to_string())),
            }
            reload_households(store, households, problem);
            syncing.set(false);
        });
    };

    {
        let store = store.clone();
        let on_online = window_event_listener(leptos::ev::online, move |_| {
            online.set(true);
            run_sync(store.clone());
        });
        let on_offline = window_event_listener(leptos::ev::offline, move |_| online.set(false));
        on_cleanup(move || {
            on_online.remove();
            on_offline.remove();
        });
    }

    view! {
        <section class="sync-bar" aria-live="polite">
            <span class=move || if online.get() { "net online" } else { "net offline" }>
                {move || if online.get() { "在线" } else { "离线" }}
            </span>
            <span id="pending-count">"待上传 " {waiting} " 条"</span>
            <span class="last-sync">
                "上次同步："
                {move || last_sync.get().map(format_time).unwrap_or_else(|| "从未".into())}
            </span>
            <button
                id="sync-now"
                type="button"
                disabled=move || syncing.get()
                on:click=move |_| run_sync(store.clone())
            >
                "立即同步"
            </button>
            <span id="sync-status">{move || status.get()}</span>
        </section>
    }
}

fn navigator_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn read_last_sync() -> Option<f64> {
    local_storage()?.get_item(LAST_SYNC_KEY).ok()??.parse().ok()
}

fn write_last_sync(ms: f64) {
    if let Some(storage) = local_storage() {
        // Only a display hint; failing to keep it loses nothing.
        let _ = storage.set_item(LAST_SYNC_KEY, &ms.to_string());
    }
}

fn format_time(ms: f64) -> String {
    let date = js_sys::Date::new(&ms.into());
    format!(
        "{}月{}日 {:02}:{:02}",
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}
