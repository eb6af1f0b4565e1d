//! The possible-duplicate warning: a citizen ID number typed into a form that another person
//! record on this device already holds. Shown at once and offline, with the records found and
//! a way to open them, so the worker can tell a second registration from a typing slip. Used
//! by the 流动人口 form and the household member form.

use leptos::prelude::*;
use pingan_shared::validation::CitizenId;

use super::form::today;
use super::{Screen, ctx, load};

/// The number as stored, once what was typed is a complete, valid ID number.
pub fn complete_citizen_id(typed: &str) -> Option<String> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(typed.chars().count(), 15 | 18)
        .then(|| CitizenId::parse(&typed, today()).ok())
        .flatten()
        .map(|id| id.as_str().to_owned())
}

/// Lists the other live person records holding `number`; nothing while there are none.
/// `own` is the record being edited, which of course holds its own number.
#[component]
pub fn DuplicateWarning(
    number: Signal<Option<String>>,
    own: Signal<Option<String>>,
) -> impl IntoView {
    let ctx = ctx();
    let found = load(move || {
        let number = number.get();
        let own = own.get();
        let store = ctx.store();
        async move {
            let Some(number) = number else {
                return Vec::new();
            };
            store
                .persons_with_citizen_id(&number)
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|p| Some(&p.id) != own.as_ref() && !p.merged)
                .collect::<Vec<_>>()
        }
    });
    move || {
        let found = found.get().unwrap_or_default();
        (!found.is_empty()).then(|| {
            view! {
                <div id="duplicate-warning" class="warning" role="alert">
                    <p>"本机已登记过此身份证号，可能重复登记："</p>
                    <ul>
                        {found
                            .into_iter()
                            .map(|p| {
                                let target = match (&p.household_id, p.floating) {
                                    (Some(h), false) => Screen::Household(h.clone()),
                                    _ => Screen::FloatingForm(Some(p.id.clone())),
                                };
                                view! {
                                    <li>
                                        <strong>{p.name.clone()}</strong>
                                        " · " {ctx.village_name(&p.village)}
                                        {p.arrival_date.clone().map(|d| format!(" · {d}来本地"))}
                                        {p.phone.clone().map(|ph| format!(" · {ph}"))}
                                        " "
                                        <button
                                            type="button"
                                            class="small secondary duplicate-open"
                                            on:click=move |_| ctx.go(target.clone())
                                        >
                                            "查看已有记录"
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    }
}
