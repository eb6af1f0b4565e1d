//! Logging in. On the locked screen a worker's name and password open their sealed records —
//! online the first time on this device, offline after that (`crate::unlock`); inside the open
//! app, when the kept login lapsed, the password alone renews it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::session::LoginResponse;

use crate::error::AppError;
use crate::store::DeviceStore;
use crate::store::device::Device;
use crate::unlock::{self, Unlocked};

/// What the form is for.
#[derive(Clone, Copy)]
pub enum Purpose {
    /// The locked screen: opens a worker's records into this slot.
    Unlock(RwSignal<Option<Unlocked>, LocalStorage>),
    /// In the open app: a fresh login for the worker whose records these are.
    Renew(
        StoredValue<DeviceStore, LocalStorage>,
        Callback<LoginResponse>,
    ),
}

#[component]
pub fn Login(
    device: StoredValue<Device, LocalStorage>,
    /// The name offered on the locked screen.
    last_user: Option<String>,
    /// Why the app locked, when it did so itself (a disabled account).
    notice: Option<String>,
    purpose: Purpose,
) -> impl IntoView {
    let unlocking = matches!(purpose, Purpose::Unlock(_));
    let hint = if last_user.is_some() {
        "记录加密保存在本机：输入密码即可解锁，无信号也可以。换人使用请改用户名。"
    } else {
        "首次使用须联网登录一次，之后无信号也能登录和登记。"
    };
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
        if (unlocking && name.is_empty()) || secret.is_empty() {
            error.set(Some("请输入用户名和密码".into()));
            return;
        }
        busy.set(true);
        error.set(None);
        let device = device.get_value();
        spawn_local(async move {
            let done: Result<(), AppError> = match purpose {
                Purpose::Unlock(open) => unlock::log_in(&device, &name, &secret)
                    .await
                    .map(|opened| open.set(Some(opened))),
                Purpose::Renew(store, on_login) => {
                    unlock::log_in_again(&device, &store.get_value(), &secret)
                        .await
                        .map(|fresh| on_login.run(fresh))
                }
            };
            match done {
                Ok(()) => password.set(String::new()),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };

    view! {
        <form id="login-form" class="card" on:submit=submit novalidate>
            {unlocking.then(|| view! {
                <h2>"登录"</h2>
                <p class="hint">{hint}</p>
                <label for="login-username">"用户名"</label>
                <input
                    id="login-username"
                    type="text"
                    autocomplete="username"
                    prop:value=username
                    on:input=move |ev| username.set(event_target_value(&ev))
                />
            })}
            <label for="login-password">"密码"</label>
            <input
                id="login-password"
                type="password"
                autocomplete="current-password"
                prop:value=password
                on:input=move |ev| password.set(event_target_value(&ev))
            />
            <button id="login-submit" type="submit" disabled=move || busy.get()>
                {move || match (busy.get(), unlocking) {
                    (true, _) => "正在登录…",
                    (false, true) => "登录",
                    (false, false) => "重新登录",
                }}
            </button>
            {move || error.get().map(|text| view! { <p id="login-error" class="field-error" role="alert">{text}</p> })}
        </form>
    }
}
