//! Logging in. Needed once online; afterwards the app works offline with the kept login.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::session::{LoginRequest, LoginResponse};

use crate::api;
use crate::store::DeviceStore;

#[component]
pub fn Login(store: DeviceStore, on_login: Callback<LoginResponse>) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let request = LoginRequest {
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            device_id: store.identity().device_id,
        };
        if request.username.is_empty() || request.password.is_empty() {
            error.set(Some("请输入用户名和密码".into()));
            return;
        }
        busy.set(true);
        error.set(None);
        let store = store.clone();
        spawn_local(async move {
            let outcome = match api::login(&request).await {
                Ok(session) => store.save_session(&session).await.map(|()| session),
                Err(e) => Err(e),
            };
            match outcome {
                Ok(session) => {
                    password.set(String::new());
                    on_login.run(session);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };

    view! {
        <form id="login-form" class="card" on:submit=submit novalidate>
            <h2>"登录"</h2>
            <p class="hint">"首次使用须联网登录一次，之后无信号也能登记。"</p>
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
                {move || if busy.get() { "登录中…" } else { "登录" }}
            </button>
            {move || error.get().map(|text| view! { <p id="login-error" class="field-error" role="alert">{text}</p> })}
        </form>
    }
}
