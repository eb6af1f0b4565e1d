//! Always-visible sync status: connection, records waiting to upload, last sync, download
//! progress, and the button to sync now. Sync also runs by itself when the connection comes
//! back, every minute while online, and after a failure with growing pauses.
//!
//! Below it, when they apply: the question 退出 asks while records wait to upload (先同步 /
//! 仍然退出 / 取消); the records the server refused, each with its reason and a
//! button that opens it for correction; and a warning while unsynced work sits on a device
//! whose storage the browser may evict (persistent storage is asked for after login).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::sync::replica::{Next, Replica};

use wasm_bindgen_futures::JsFuture;

use crate::store::{DeviceStore, PendingRecord};
use crate::sync::sync_now;
use crate::ui::form::format_time;
use crate::ui::returned::ReturnedList;
use crate::ui::{Ctx, ctx, load, log_out, open_record};
use crate::unlock;

const LAST_SYNC_KEY: &str = "pingan.last_sync_ms";
/// While online, look for others' changes this often.
const POLL_EVERY: Duration = Duration::from_secs(60);

/// Everything a sync run touches: handles only, copied into timers and event handlers.
#[derive(Clone, Copy)]
struct Syncer {
    ctx: Ctx,
    relogin: RwSignal<bool>,
    online: RwSignal<bool>,
    syncing: RwSignal<bool>,
    status: RwSignal<Option<String>>,
    last_sync: RwSignal<Option<f64>>,
    /// Kept between runs so retry pauses keep growing across failures.
    replica: StoredValue<Option<Replica<DeviceStore>>, LocalStorage>,
}

fn run_sync(syncer: Syncer) {
    if syncer.syncing.get_untracked() {
        return;
    }
    syncer.syncing.set(true);
    syncer.status.set(Some("正在同步…".into()));
    spawn_local(async move {
        let mut replica = syncer
            .replica
            .try_update_value(Option::take)
            .flatten()
            .unwrap_or_else(|| Replica::new(syncer.ctx.store()));
        let status = syncer.status;
        let (outcome, villages) = sync_now(&mut replica, |so_far| {
            status.set(Some(format!(
                "正在同步… 已上传 {} 条，已下载 {} 条",
                so_far.uploaded, so_far.downloaded
            )));
        })
        .await;
        syncer.replica.set_value(Some(replica));
        if let Some(villages) = villages
            && syncer.ctx.profile.with_value(|p| p.villages != villages)
        {
            // An admin moved the worker: the forms offer the new villages from now on, and
            // the next unlock too. Failing to keep them only shows the old list until then.
            let _ = syncer.ctx.store().remember_villages(&villages).await;
            syncer.ctx.profile.update_value(|p| p.villages = villages);
        }
        if outcome.next == Next::Sealed {
            // The account was disabled at the township: the records are sealed until an
            // online login works again.
            let (ctx, store) = (syncer.ctx, syncer.ctx.store());
            // Failing to mark the keyring still locks the app now; the server refuses the
            // account anyway.
            let _ = unlock::seal_disabled(&ctx.device.get_value(), store).await;
            ctx.lock(Some(
                "该账号已被停用，本机上的记录已加密封存。请联系镇综治办。".to_owned(),
            ));
            return;
        }
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
                let again = syncer;
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
            Next::Done | Next::Continue | Next::Sealed => {}
        }
        if let (None, Some(returned)) = (&outcome.error, outcome.returned) {
            super::returned::remember(returned, syncer.ctx);
        }
        syncer.status.set(Some(text));
        // Lists and counts reload only when the sync changed what the device holds: the
        // minute's poll usually brings nothing, and reloading every list (all of a township's
        // records, on the office's statistics screen) for nothing is work on the main thread.
        if stored.uploaded + stored.downloaded + stored.refused + stored.forgotten > 0 {
            syncer.ctx.saved();
        }
        syncer.syncing.set(false);
    });
}

#[component]
pub fn SyncBar(relogin: RwSignal<bool>) -> impl IntoView {
    let ctx = ctx();
    let syncer = Syncer {
        ctx,
        relogin,
        online: RwSignal::new(navigator_online()),
        syncing: RwSignal::new(false),
        status: RwSignal::new(None),
        last_sync: RwSignal::new(read_last_sync()),
        replica: StoredValue::new_local(None),
    };
    let pending = load(move || {
        ctx.revision.track();
        let store = ctx.store();
        async move { store.pending().await.unwrap_or_default() }
    });
    let pending = move || pending.get().unwrap_or_default();
    let persistent = RwSignal::new(None::<bool>);
    spawn_local(async move { persistent.set(request_persistence().await) });
    let (online, syncing, status, last_sync) = (
        syncer.online,
        syncer.syncing,
        syncer.status,
        syncer.last_sync,
    );
    let waiting = move || pending().len();
    let refused = move || {
        pending()
            .into_iter()
            .filter(|p| p.needs_correction.is_some())
            .collect::<Vec<PendingRecord>>()
    };

    {
        let on_online_syncer = syncer;
        let on_online = window_event_listener(leptos::ev::online, move |_| {
            online.set(true);
            run_sync(on_online_syncer);
        });
        let on_offline = window_event_listener(leptos::ev::offline, move |_| online.set(false));
        let poll_syncer = syncer;
        let poll = set_interval_with_handle(
            move || {
                if online.get_untracked() {
                    run_sync(poll_syncer);
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
        run_sync(syncer);
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
                on:click=move |_| run_sync(syncer)
            >
                "立即同步"
            </button>
            <span id="sync-status">{move || status.get()}</span>
        </section>
        {move || {
            (persistent.get() == Some(false) && waiting() > 0)
                .then(|| {
                    view! {
                        <p id="storage-warning" class="problem" role="alert">
                            "本机有 " {waiting} " 条记录未同步，而浏览器未允许持久保存，存储空间紧张时可能被清除。请尽快连网同步。"
                        </p>
                    }
                })
        }}
        {move || ctx.logout_question.get().map(|question| {
            view! {
                <div id="logout-confirm" class="card dialog" role="alertdialog" aria-labelledby="logout-question">
                    <p id="logout-question">{question}"退出后它们加密保存在本机，只有你本人再次登录后才能上传。"</p>
                    <div class="actions">
                        <button id="logout-sync" type="button" on:click=move |_| {
                            ctx.logout_question.set(None);
                            run_sync(syncer);
                        }>"先同步"</button>
                        <button id="logout-anyway" type="button" class="secondary" on:click=move |_| {
                            ctx.logout_question.set(None);
                            log_out(ctx);
                        }>"仍然退出"</button>
                        <button id="logout-cancel" type="button" class="secondary" on:click=move |_| ctx.logout_question.set(None)>"取消"</button>
                    </div>
                </div>
            }
        })}
        <ReturnedList />
        {move || {
            let refused = refused();
            (!refused.is_empty())
                .then(|| {
                    view! {
                        <section id="refused" class="refused" role="alert">
                            <p>"以下 " {refused.len()} " 条记录被服务器退回，请更正后重新同步："</p>
                            <ul id="refused-list">
                                {refused
                                    .into_iter()
                                    .map(|record| {
                                        let PendingRecord { id, record_type, label, needs_correction } = record;
                                        let id_attr = id.clone();
                                        view! {
                                            <li data-id=id_attr data-type=record_type>
                                                <span class="head">{label}</span>
                                                <span class="reason">{needs_correction}</span>
                                                <button
                                                    type="button"
                                                    class="small fix"
                                                    on:click=move |_| open_record(ctx, record_type, id.clone())
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
        }}
    }
}

/// Asks the browser to keep this origin's storage (Chrome grants it to installed or
/// much-used sites; others ask the user or refuse). `None` where the API is missing.
async fn request_persistence() -> Option<bool> {
    let storage = web_sys::window()?.navigator().storage();
    let already = JsFuture::from(storage.persisted().ok()?).await.ok()?;
    if already.as_bool() == Some(true) {
        return Some(true);
    }
    let granted = JsFuture::from(storage.persist().ok()?).await.ok()?;
    granted.as_bool()
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
