//! The app's screens. State lives in signals next to the component that owns it; the device
//! store is passed down explicitly so every write path is visible in the props.

mod households;
mod login;
mod sync_bar;

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::session::LoginResponse;

use crate::api;
use crate::error::AppError;
use crate::store::{DeviceStore, HouseholdSummary};
use households::{HouseholdForm, HouseholdList};
use login::Login;
use sync_bar::SyncBar;

/// Re-reads the household list from the device's index into `households`.
pub fn reload_households(
    store: DeviceStore,
    households: RwSignal<Vec<HouseholdSummary>>,
    problem: RwSignal<Option<String>>,
) {
    spawn_local(async move {
        match store.households().await {
            Ok(list) => households.set(list),
            Err(error) => problem.set(Some(error.to_string())),
        }
    });
}

#[component]
pub fn App(store: DeviceStore, session: Option<LoginResponse>) -> impl IntoView {
    let session = RwSignal::new(session);
    let on_login = Callback::new(move |fresh: LoginResponse| session.set(Some(fresh)));
    // Reactive closures must be Send; the store (IndexedDB handles) is not, so it is kept in
    // a local arena slot and fetched inside them.
    let store = StoredValue::new_local(store);
    view! {
        <header class="app-header">
            <h1>"平安 · 入户登记"</h1>
            {move || {
                session
                    .get()
                    .map(|s| {
                        view! {
                            <span class="who">{s.user.display_name.clone()}</span>
                            <button
                                id="logout"
                                type="button"
                                class="link"
                                on:click=move |_| log_out(store.get_value(), session)
                            >
                                "退出"
                            </button>
                        }
                    })
            }}
        </header>
        {move || match session.get() {
            None => view! { <Login store=store.get_value() on_login /> }.into_any(),
            Some(current) => {
                view! { <Workspace store=store.get_value() session=current on_login /> }.into_any()
            }
        }}
    }
}

/// Ends the login. Records stay on the device; unsynced ones upload after the next login.
fn log_out(store: DeviceStore, session: RwSignal<Option<LoginResponse>>) {
    let token = session.get_untracked().map(|s| s.token);
    spawn_local(async move {
        if let Some(token) = token {
            // Offline the server cannot be told; the token then simply expires.
            let _ = api::logout(&token).await;
        }
        let _ = store.clear_session().await;
        session.set(None);
    });
}

/// The logged-in screens.
#[component]
fn Workspace(
    store: DeviceStore,
    session: LoginResponse,
    on_login: Callback<LoginResponse>,
) -> impl IntoView {
    let households = RwSignal::new(Vec::<HouseholdSummary>::new());
    let problem = RwSignal::new(None::<String>);
    let relogin = RwSignal::new(false);
    reload_households(store.clone(), households, problem);
    let relogin_store = StoredValue::new_local(store.clone());
    let relogged = Callback::new(move |fresh: LoginResponse| {
        relogin.set(false);
        on_login.run(fresh);
    });

    view! {
        <SyncBar store=store.clone() households problem relogin />
        {move || problem.get().map(|text| view! { <p class="problem" role="alert">{text}</p> })}
        <main>
            <Show when=move || relogin.get()>
                <p class="problem" role="alert">"登录已过期：记录仍保存在本机，重新登录后即可上传。"</p>
                <Login store=relogin_store.get_value() on_login=relogged />
            </Show>
            <HouseholdForm store profile=session.user households />
            <HouseholdList households />
        </main>
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
