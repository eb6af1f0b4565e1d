//! The disputes dashboard (纠纷督办): per village and for the township, disputes by status and
//! open ones by level, how many are overdue; then the cases the office must chase — escalated
//! above the group or past their deadline — overdue first, with their responsible leader.

use leptos::prelude::*;

use super::labels::{level_zh, status_zh};
use super::{Page, office, open};
use crate::ui::{ctx, load};
use pingan_shared::review::Counts;

const STATUSES: [&str; 3] = ["registered", "mediating", "closed"];
const LEVELS: [&str; 4] = ["group", "village", "township", "above"];

#[component]
pub fn Dashboard() -> impl IntoView {
    let ctx = ctx();
    let office = office();
    let board = load(move || {
        ctx.revision.track();
        let office = office.clone();
        async move { office.dashboard().await }
    });
    move || match board.get() {
        None => view! { <p class="empty">"正在读取…"</p> }.into_any(),
        Some(Err(error)) => view! { <p class="field-error">{error.to_string()}</p> }.into_any(),
        Some(Ok(board)) => {
            let rows = board
                .villages
                .iter()
                .map(|(village, counts)| count_row(ctx.village_name(village), counts, false))
                .collect_view();
            view! {
                <section class="card" id="dispute-board">
                    <h2>"矛盾纠纷情况"</h2>
                    <div class="table-scroll">
                        <table class="figures">
                            <thead>
                                <tr>
                                    <th>"村"</th>
                                    {STATUSES.map(|s| view! { <th>{status_zh(s)}</th> })}
                                    {LEVELS.map(|l| view! { <th>"在办·" {level_zh(l)}</th> })}
                                    <th>"超期"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows}
                                {count_row("全镇".to_owned(), &board.township, true)}
                            </tbody>
                        </table>
                    </div>
                </section>
                <section class="card" id="chase">
                    <h2>"督办案件（" {board.chase.len()} "）"</h2>
                    {board.chase.is_empty().then(|| view! { <p class="empty">"没有上报或超期的案件。"</p> })}
                    <ul class="rows" id="chase-list">
                        {board
                            .chase
                            .into_iter()
                            .map(|case| {
                                let show = open(Page::Record(case.document_id.clone()));
                                let overdue = if case.overdue { "true" } else { "false" };
                                view! {
                                    <li data-overdue=overdue data-id=case.document_id.clone() on:click=move |_| show()>
                                        <span class="head">{case.summary.clone()}</span>
                                        <span class="address">
                                            {ctx.village_name(&case.village)} " · " {case.level_zh.clone()} " · "
                                            {status_zh(&case.status)}
                                        </span>
                                        <span class="details">
                                            {case.overdue.then_some("已超期 · ")}
                                            {case.deadline.clone().map(|d| format!("期限 {d}"))}
                                            {case.responsible_leader.clone().map(|l| format!(" · 包案领导 {l}"))}
                                        </span>
                                        {case
                                            .escalation_reason
                                            .clone()
                                            .map(|r| view! { <span class="address">"上报原因：" {r}</span> })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </section>
            }
                .into_any()
        }
    }
}

fn count_row(name: String, counts: &Counts, total: bool) -> impl IntoView + use<> {
    let get = |map: &std::collections::BTreeMap<String, usize>, key: &str| {
        map.get(key).copied().unwrap_or(0)
    };
    view! {
        <tr class:total=total>
            <th>{name}</th>
            {STATUSES.map(|s| view! { <td>{get(&counts.by_status, s)}</td> })}
            {LEVELS.map(|l| view! { <td>{get(&counts.open_by_level, l)}</td> })}
            <td>{counts.overdue}</td>
        </tr>
    }
}
