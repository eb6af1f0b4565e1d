//! Always-visible sync status: connection, records waiting to upload, last sync, download
//! progress, and the button to sync now. Sync also runs by itself when the connection comes
//! back, every minute while online, and after a failure with growing pauses.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::sync::engine::{Next, SyncEngine};

use crate::store::{DeviceStore, HouseholdSummary};
use crate::sync::sync_now;
use crate::ui::reload_households;

const LAST_SYNC_KEY: &str = "pingan.last_sync_ms";
/// While online, look for others' changes this often.
const POLL_EVERY: Duration = Duration::from_secs(60);

/// Everything a sync run touches; cheap to copy into timers and event handlers.
#[derive(Clone)]
struct Syncer {
    store: DeviceStore,
    households: RwSignal<Vec<HouseholdSummary>>,
    problem: RwSignal<Option<String>>,
    relogin: RwSignal<bool>,
    online: RwSignal<bool>,
    syncing: RwSignal<bool>,
    status: RwSignal<Option<String>>,
    last_sync: RwSignal<Option<f64>>,
    /// Kept between runs so retry pauses keep growing across failures.
    engine: StoredValue<Option<SyncEngine>, LocalStorage>,
}

fn run_sync(syncer: Syncer) {
    if syncer.syncing.get_untracked() {
        return;
    }
    syncer.syncing.set(true);
    syncer.status.set(Some("正在同步…".into()));
    spawn_local(async move {
        let mut engine = match syncer.engine.try_update_value(Option::take).flatten() {
            Some(engine) => engine,
            None => match syncer.store.position().await {
                Ok(position) => {
                    SyncEngine::new(syncer.store.identity().device_id.clone(), position)
                }
                Err(error) => {
                    syncer.status.set(Some(error.to_string()));
                    syncer.syncing.set(false);
                    return;
                }
            },
        };
        let status = syncer.status;
        let outcome = sync_now(&syncer.store, &mut engine, |so_far| {
            status.set(Some(format!(
                "正在同步… 已上传 {} 条，已下载 {} 条",
                so_far.uploaded, so_far.downloaded
            )));
        })
        .await;
        syncer.engine.set_value(Some(engine));
        let stored = outcome.stored;
        let mut text = match &outcome.error {
            None => {
                let now = js_sys::Date::now();
                write_last_sync(now);
                syncer.last_sync.set(Some(now));
                format!(
                    "同步完成：上传 {} 条，下载 {} 条",
                    stored.uploaded, stored.downloaded
                )
            }
            Some(error) => error.to_string(),
        };
        if stored.refused > 0 {
            text.push_str(&format!("；{} 条被退回，请按提示更正", stored.refused));
        }
        match outcome.next {
            Next::RetryAfter(ms) => {
                text.push_str(&format!("；{} 秒后自动重试", ms / 1000));
                let again = syncer.clone();
                set_timeout(
                    move || {
                        if again.online.get_untracked() {
                            run_sync(again);
                        }
                    },
                    Duration::from_millis(ms),
                );
            }
            Next::LogIn => {
                text.push_str("；请重新登录后再同步，未同步的记录仍在本机");
                syncer.relogin.set(true);
            }
            Next::Done | Next::Continue => {}
        }
        syncer.status.set(Some(text));
        reload_households(syncer.store.clone(), syncer.households, syncer.problem);
        syncer.syncing.set(false);
    });
}

#[component]
pub fn SyncBar(
    store: DeviceStore,
    households: RwSignal<Vec<HouseholdSummary>>,
    problem: RwSignal<Option<String>>,
    relogin: RwSignal<bool>,
) -> impl IntoView {
    let syncer = Syncer {
        store,
        households,
        problem,
        relogin,
        online: RwSignal::new(navigator_online()),
        syncing: RwSignal::new(false),
        status: RwSignal::new(None),
        last_sync: RwSignal::new(read_last_sync()),
        engine: StoredValue::new_local(None),
    };
    let (online, syncing, status, last_sync) = (
        syncer.online,
        syncer.syncing,
        syncer.status,
        syncer.last_sync,
    );
    let waiting = move || households.with(|list| list.iter().filter(|h| !h.synced).count());

    {
        let on_online_syncer = syncer.clone();
        let on_online = window_event_listener(leptos::ev::online, move |_| {
            online.set(true);
            run_sync(on_online_syncer.clone());
        });
        let on_offline = window_event_listener(leptos::ev::offline, move |_| online.set(false));
        let poll_syncer = syncer.clone();
        let poll = set_interval_with_handle(
            move || {
                if online.get_untracked() {
                    run_sync(poll_syncer.clone());
                }
            },
            POLL_EVERY,
        )
        .ok();
        on_cleanup(move || {
            on_online.remove();
            on_offline.remove();
            if let Some(poll) = poll {
                poll.clear();
            }
        });
    }
    if online.get_untracked() {
        run_sync(syncer.clone());
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
                on:click=move |_| run_sync(syncer.clone())
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
