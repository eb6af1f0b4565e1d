//! The locked screen: a worker's name and password open their sealed records — online the
//! first time on this device, offline after that (`crate::unlock`). And, inside the open app,
//! the password again when the login lapsed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::session::LoginResponse;

use crate::store::DeviceStore;
use crate::store::device::DeviceDb;
use crate::unlock::{self, Unlocked};

/// Name and password; `on_unlock` receives the opened records.
#[component]
pub fn Login(
    device: StoredValue<DeviceDb, LocalStorage>,
    last_user: Option<String>,
    /// Why the app locked, when it did so itself (a disabled account).
    notice: Option<String>,
    on_unlock: Callback<(), ()>,
    unlocked: StoredValue<Option<Unlocked>, LocalStorage>,
) -> impl IntoView {
    let known = last_user.is_some();
    let username = RwSignal::new(last_user.unwrap_or_default());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(notice);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let name = username.get_untracked().trim().to_owned();
        let secret = password.get_untracked();
        if name.is_empty() || secret.is_empty() {
            error.set(Some("请输入用户名和密码".into()));
            return;
        }
        busy.set(true);
        error.set(None);
        let device = device.get_value();
        spawn_local(async move {
            match unlock::log_in(&device, &name, &secret).await {
                Ok(opened) => {
                    password.set(String::new());
                    unlocked.set_value(Some(opened));
                    on_unlock.run(());
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };

    view! {
        <form id="login-form" class="card" on:submit=submit novalidate>
            <h2>"登录"</h2>
            <p class="hint">
                {if known {
                    "记录加密保存在本机：输入密码即可解锁，无信号也可以。换人使用请改用户名。"
                } else {
                    "首次使用须联网登录一次，之后无信号也能登录和登记。"
                }}
            </p>
            <label for="login-username">"用户名"</label>
            <input
                id="login-username"
                type="text"
                autocomplete="username"
                prop:value=username
                on:input=move |ev| username.set(event_target_value(&ev))
            />
            <label for="login-password">"密码"</label>
            <input
                id="login-password"
                type="password"
                autocomplete="current-password"
                prop:value=password
                on:input=move |ev| password.set(event_target_value(&ev))
            />
            <button id="login-submit" type="submit" disabled=move || busy.get()>
                {move || if busy.get() { "正在解锁…" } else { "登录" }}
            </button>
            {move || error.get().map(|text| view! { <p id="login-error" class="field-error" role="alert">{text}</p> })}
        </form>
    }
}

/// The password again, in the open app, when the server no longer takes the kept login.
#[component]
pub fn Relogin(
    device: StoredValue<DeviceDb, LocalStorage>,
    store: StoredValue<DeviceStore, LocalStorage>,
    on_login: Callback<LoginResponse>,
) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let secret = password.get_untracked();
        if busy.get_untracked() || secret.is_empty() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (device, store) = (device.get_value(), store.get_value());
        spawn_local(async move {
            match unlock::log_in_again(&device, &store, &secret).await {
                Ok(fresh) => {
                    password.set(String::new());
                    on_login.run(fresh);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <form id="login-form" class="card" on:submit=submit novalidate>
            <label for="login-password">"密码"</label>
            <input
                id="login-password"
                type="password"
                autocomplete="current-password"
                prop:value=password
                on:input=move |ev| password.set(event_target_value(&ev))
            />
            <button id="login-submit" type="submit" disabled=move || busy.get()>
                {move || if busy.get() { "登录中…" } else { "重新登录" }}
            </button>
            {move || error.get().map(|text| view! { <p id="login-error" class="field-error" role="alert">{text}</p> })}
        </form>
    }
}
