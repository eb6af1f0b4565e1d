//! The app's screens. State lives in signals next to the component that owns it; the device
//! store is passed down explicitly so every write path is visible in the props.

mod households;
mod sync_bar;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::error::AppError;
use crate::store::{DeviceStore, HouseholdSummary};
use households::{HouseholdForm, HouseholdList};
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
pub fn App(store: DeviceStore) -> impl IntoView {
    let households = RwSignal::new(Vec::<HouseholdSummary>::new());
    let problem = RwSignal::new(None::<String>);
    reload_households(store.clone(), households, problem);

    view! {
        <header class="app-header">
            <h1>"平安 · 入户登记"</h1>
        </header>
        <SyncBar store=store.clone() households problem />
        {move || problem.get().map(|text| view! { <p class="problem" role="alert">{text}</p> })}
        <main>
            <HouseholdForm store households />
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
