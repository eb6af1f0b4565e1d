//! The app's screens. State lives in signals next to the component that owns it; what every
//! screen needs (the device store, the login, which screen is open, and a revision counter
//! that lists reload on) travels in one [`Ctx`] passed through Leptos context.

mod dispute_steps;
mod disputes;
pub(crate) mod draft;
mod duplicates;
mod floating;
pub(crate) mod form;
mod house_picker;
mod household_detail;
mod households;
mod login;
mod rental_houses;
mod returned;
mod screen;
mod screening;
mod sync_bar;
mod visits;

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::review::ReturnedRecord;
use pingan_shared::session::{LoginResponse, Profile};

use crate::error::AppError;
use crate::store::DeviceStore;
use crate::store::device::Device;
use crate::store::index::PersonSummary;
use crate::unlock::{self, Unlocked};
use login::{Login, Purpose};
pub use screen::Screen;
use screen::same_tab;
use sync_bar::SyncBar;

/// What every screen shares. `Copy`, so closures take it freely.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// Reactive closures must be Send; the store (IndexedDB handles) is not, so it is kept in
    /// a local arena slot and fetched inside them.
    pub store: StoredValue<DeviceStore, LocalStorage>,
    pub profile: StoredValue<Profile>,
    pub screen: RwSignal<Screen>,
    /// Bumped after every save and every sync; lists and counts reload when it changes.
    pub revision: RwSignal<u64>,
    /// Records the township office returned with a comment, as of the last sync.
    pub returned: RwSignal<Vec<ReturnedRecord>>,
    /// The login's token, read when it is used (logout, the office's calls), never watched.
    pub token: StoredValue<String>,
    /// While 退出 waits for an answer: how many records have not uploaded (the sync bar asks,
    /// offering 先同步).
    pub logout_question: RwSignal<Option<String>>,
    /// The phone's own database (keyring), for a login in the open app and for sealing.
    pub device: StoredValue<Device, LocalStorage>,
    /// The open records; emptied to go back to the locked screen ([`Ctx::lock`]).
    pub open: RwSignal<Option<Unlocked>, LocalStorage>,
    /// What the locked screen says first, when the app locked itself.
    pub notice: RwSignal<Option<String>>,
    /// The last draft could not be written (storage full): every form says so until one is.
    pub drafts_failing: RwSignal<bool>,
}

impl Ctx {
    /// Back to the locked screen (after logout, or sealing: `why` is shown there).
    pub fn lock(&self, why: Option<String>) {
        self.notice.set(why);
        self.open.set(None);
    }

    /// Opens `to`, asking first if a form on screen holds unsaved input (its draft is kept
    /// either way, `draft`).
    pub fn go(&self, to: Screen) {
        // The browser's own question: a page-drawn one cost the phone's download more than
        // the drafts it guards (BENCHMARKS.md, app size).
        let leave = !draft::unsaved()
            || window()
                .confirm_with_message(
                    "这张表还没有保存。已填的内容作为草稿留在本机，再打开这张表时可以恢复。确定离开吗？",
                )
                .unwrap_or(true);
        if leave {
            draft::leave();
            self.profile.with_value(|p| screen::keep(&p.username, &to));
            self.screen.set(to);
        }
    }

    pub fn store(&self) -> DeviceStore {
        self.store.get_value()
    }

    pub fn saved(&self) {
        self.revision.update(|r| *r += 1);
    }

    pub fn village_name(&self, id: &str) -> String {
        self.profile.with_value(|p| {
            p.villages
                .iter()
                .find(|v| v.id == id)
                .map_or_else(|| id.to_owned(), |v| v.name.clone())
        })
    }
}

/// Pieces of a line joined by " · ", each kept whole when the line wraps on a phone (a date
/// never parts from its 生于).
pub fn parts(pieces: Vec<String>) -> impl IntoView {
    pieces
        .into_iter()
        .enumerate()
        .map(|(i, piece)| view! { {(i > 0).then_some(" · ")} <span class="part">{piece}</span> })
        .collect_view()
}

pub fn ctx() -> Ctx {
    expect_context::<Ctx>()
}

/// Reads from the device, and again whenever a signal `fetch` reads changes (most read
/// [`Ctx::revision`]). Lighter than `LocalResource` (its async machinery, instantiated per
/// type, cost the wasm module tens of KB); a read overtaken by a newer one is dropped. What is
/// generic here is only the read and where its answer goes: the effect and the task that
/// await it are one copy for every list ([`watch`]).
pub fn load<T, Fut>(fetch: impl Fn() -> Fut + 'static) -> ReadSignal<Option<T>>
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = T> + 'static,
{
    let value = RwSignal::new(None);
    watch(Box::new(move || {
        let read = fetch();
        Box::pin(async move {
            let fresh = read.await;
            Box::new(move || {
                value.try_set(Some(fresh));
            }) as Answer
        })
    }));
    value.read_only()
}

/// Puts a read's answer where it belongs.
type Answer = Box<dyn FnOnce()>;
type Read = std::pin::Pin<Box<dyn std::future::Future<Output = Answer>>>;

fn watch(read: Box<dyn Fn() -> Read>) {
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let pending = read();
        latest.update_value(|n| *n += 1);
        let this = latest.get_value();
        spawn_local(async move {
            let answer = pending.await;
            if latest.try_get_value() == Some(this) {
                answer();
            }
        });
    });
}

/// What the header says the app is.
const TITLE: &str = if cfg!(feature = "office") {
    "平安 · 镇综治办"
} else {
    "平安 · 入户登记"
};

/// The app: the locked screen until a worker's records are open, then their workspace.
#[component]
pub fn App(device: Device) -> impl IntoView {
    // The locked screen offers whoever unlocked last.
    let last_user = StoredValue::new(device.last_user.clone());
    let device = StoredValue::new_local(device);
    let open = RwSignal::new_local(None::<Unlocked>);
    let notice = RwSignal::new(None::<String>);
    view! {
        {move || match open.get() {
            Some(Unlocked { store, session }) => {
                last_user.set_value(Some(store.username().to_owned()));
                let store = StoredValue::new_local(store);
                view! { <Workspace device store session open notice /> }.into_any()
            }
            None => view! {
                <header class="app-header"><h1>{TITLE}</h1></header>
                <Login device last_user=last_user.get_value() notice=notice.get_untracked() purpose=Purpose::Unlock(open) />
            }
            .into_any(),
        }}
    }
}

/// The logged-in screens.
#[component]
fn Workspace(
    device: StoredValue<Device, LocalStorage>,
    store: StoredValue<DeviceStore, LocalStorage>,
    session: LoginResponse,
    open: RwSignal<Option<Unlocked>, LocalStorage>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let token = StoredValue::new(session.token);
    let first = screen::kept(&session.user.username).unwrap_or_else(|| first_screen(&session.user));
    let ctx = Ctx {
        store,
        screen: RwSignal::new(first),
        profile: StoredValue::new(session.user),
        revision: RwSignal::new(0),
        returned: RwSignal::new(Vec::new()),
        token,
        logout_question: RwSignal::new(None),
        device,
        open,
        notice,
        drafts_failing: RwSignal::new(false),
    };
    provide_context(ctx);
    draft::listen(ctx);
    spawn_local(async move {
        if let Ok(returned) = store.get_value().returned().await {
            // Staff keep none (`returned::remember`), whatever an older version stored.
            if ctx.profile.with_value(|p| p.role == "worker") {
                ctx.returned.set(returned);
            }
        }
    });
    // The week's screening is owed by the villages' workers; staff follow it in the 周报.
    let worker = ctx.profile.with_value(|p| p.role == "worker");
    let relogin = RwSignal::new(false);
    let relogged = Callback::new(move |fresh: LoginResponse| {
        relogin.set(false);
        token.set_value(fresh.token);
    });
    let tab = move |target: Screen, label: &'static str, id: &'static str| {
        let current = target.clone();
        view! {
            <button
                id=id
                type="button"
                class="tab"
                class:active=move || same_tab(&ctx.screen.get(), &current)
                on:click=move |_| ctx.go(target.clone())
            >
                {label}
            </button>
        }
    };

    #[cfg(feature = "office")]
    let office_tabs =
        crate::office::is_staff(&ctx.profile.with_value(|p| p.role.clone())).then(|| {
            crate::office::TABS
                .iter()
                .map(|(page, label, id)| tab(Screen::Office(page.clone()), label, id))
                .collect_view()
        });
    #[cfg(not(feature = "office"))]
    let office_tabs = ();
    // The crash report browser test presses it; shipped bundles have no such button.
    #[cfg(feature = "test-trap")]
    let test_trap = view! {
        <button id="test-trap" type="button" hidden on:click=|_| crate::crash::trap_for_test()>
            "trap"
        </button>
    };
    #[cfg(not(feature = "test-trap"))]
    let test_trap = ();

    view! {
        <header class="app-header">
            <h1>{TITLE}</h1>
            <span class="who">{ctx.profile.with_value(|p| p.display_name.clone())}</span>
            <button id="logout" type="button" class="link" on:click=move |_| ask_to_log_out(ctx)>"退出"</button>
        </header>
        <SyncBar relogin />
        {test_trap}
        <nav class="tabs">
            {office_tabs}
            {tab(Screen::Households, "住户", "tab-households")}
            {tab(Screen::Floating, "流动人口", "tab-floating")}
            {tab(Screen::RentalHouses, "出租房屋", "tab-rental")}
            {tab(Screen::Disputes, "矛盾纠纷", "tab-disputes")}
            {tab(Screen::Visits, "走访", "tab-visits")}
        </nav>
        <main>
            <Show when=move || relogin.get()>
                <p class="problem" role="alert">"登录已过期：记录仍保存在本机，重新登录后即可上传。"</p>
                <Login device last_user=None notice=None purpose=Purpose::Renew(store, relogged) />
            </Show>
            <returned::ReturnedNote />
            {move || (worker && ctx.screen.get().is_list()).then(|| view! { <screening::ScreeningReminder /> })}
            {move || match ctx.screen.get() {
                Screen::Households => view! { <households::HouseholdsScreen /> }.into_any(),
                Screen::Household(id) => view! { <household_detail::HouseholdDetail id /> }.into_any(),
                Screen::Floating => view! { <floating::FloatingList /> }.into_any(),
                Screen::FloatingForm(id) => view! { <floating::FloatingForm id /> }.into_any(),
                Screen::RentalHouses => view! { <rental_houses::RentalList /> }.into_any(),
                Screen::RentalHouse(id) => view! { <rental_houses::RentalForm id /> }.into_any(),
                Screen::Disputes => view! { <disputes::DisputeList /> }.into_any(),
                Screen::DisputeNew => view! { <disputes::DisputeForm /> }.into_any(),
                Screen::Dispute(id) => view! { <disputes::DisputeDetail id /> }.into_any(),
                Screen::Visits => view! { <visits::VisitList /> }.into_any(),
                Screen::Visit(id) => view! { <visits::VisitForm id /> }.into_any(),
                #[cfg(feature = "office")]
                Screen::Office(page) => {
                    crate::office::page(page, token.get_value(), store.get_value().device_id().to_owned())
                }
            }}
        </main>
    }
}

/// 退出: with records still waiting to upload the sync bar asks first, saying how many and
/// offering to sync; they stay sealed on the device for their owner either way.
fn ask_to_log_out(ctx: Ctx) {
    let store = ctx.store();
    spawn_local(async move {
        match store.pending().await.map(|p| p.len()) {
            Ok(0) => log_out(ctx),
            Ok(n) => ctx
                .logout_question
                .set(Some(format!("还有 {n} 条记录没有上传。"))),
            // Unknown: ask as if some were waiting rather than leave silently.
            Err(_) => ctx
                .logout_question
                .set(Some("可能还有记录没有上传。".to_owned())),
        }
    });
}

/// Ends the login and locks the app (`unlock::log_out`).
pub fn log_out(ctx: Ctx) {
    let (store, token) = (ctx.store(), ctx.token.get_value());
    spawn_local(async move {
        unlock::log_out(store, &token).await;
        ctx.lock(None);
    });
}

/// Township staff open the office bundle on the review queue; everyone else on households.
fn first_screen(profile: &Profile) -> Screen {
    #[cfg(feature = "office")]
    if crate::office::is_staff(&profile.role) {
        return Screen::Office(crate::office::Page::Queue);
    }
    let _ = profile;
    Screen::Households
}

/// Opens the screen where a record is corrected.
pub fn open_record(ctx: Ctx, record_type: &str, id: String) {
    match record_type {
        "household" => ctx.go(Screen::Household(id)),
        "rental_house" => ctx.go(Screen::RentalHouse(Some(id))),
        "dispute" => ctx.go(Screen::Dispute(id)),
        "outreach_visit" => ctx.go(Screen::Visit(Some(id))),
        "person" => {
            let store = ctx.store();
            spawn_local(async move {
                let found = store
                    .summaries::<PersonSummary>(std::slice::from_ref(&id))
                    .await
                    .ok()
                    .and_then(|mut s| s.pop());
                match found {
                    Some(p) if !p.floating && p.household_id.is_some() => {
                        ctx.go(Screen::Household(p.household_id.unwrap_or_default()))
                    }
                    _ => ctx.go(Screen::FloatingForm(Some(id))),
                }
            });
        }
        _ => {}
    }
}

/// Shown instead of the app when IndexedDB cannot be opened (private mode on some browsers,
/// storage disabled): working on would lose records, so the worker is told to stop.
#[component]
pub fn StorageUnavailable(error: AppError) -> impl IntoView {
    view! {
        <main class="fatal" role="alert">
            <h1>"无法使用本机存储"</h1>
            <p>"浏览器不允许本应用保存数据，登记的记录会丢失。请关闭无痕模式或换用 Chrome 浏览器后重新打开。"</p>
            <p class="detail">{error.to_string()}</p>
        </main>
    }
}
