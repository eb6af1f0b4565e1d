//! The 周报: for a chosen week (this one at first), each village's 村（居）周排查 — a zero
//! report, disputes the screening found and registered, or nothing reported — from the
//! records synced to this computer,
//! so it reads with no network. The phones of a village that has not reported show their own
//! reminder (`ui::screening`), from the same rule (`statistics::screening`).

use leptos::prelude::*;
use pingan_shared::statistics::screening::week_of;
use pingan_shared::validation::Date;

use crate::store::activities::{ActivitySummary, screening_week};
use crate::store::index::DisputeSummary;
use crate::ui::form::today;
use crate::ui::{ctx, load};

#[component]
pub fn Weekly() -> impl IntoView {
    let ctx = ctx();
    // Any day of the week shown; the arrows move it by seven.
    let day = RwSignal::new(today());
    let rounds = load(move || {
        ctx.revision.track();
        let store = ctx.store();
        async move {
            let rounds = store.list::<ActivitySummary>().await?;
            let disputes = store.list::<DisputeSummary>().await?;
            Ok::<_, crate::error::AppError>((rounds, disputes))
        }
    });
    let villages = ctx.profile.with_value(|p| p.villages.clone());
    let ids: Vec<String> = villages.iter().map(|v| v.id.clone()).collect();
    let report = move || {
        let loaded = rounds.get()?.ok()?;
        let (rounds, disputes) = &loaded;
        let ((year, week), monday, sunday) = week_of(day.get());
        let lines = screening_week(rounds, disputes, &ids, (year, week));
        Some((year, week, monday, sunday, lines))
    };
    let shift = move |weeks: i64| day.update(|d| *d = d.add_days(7 * weeks));
    let short = |d: Date| format!("{}月{}日", d.month(), d.day());
    view! {
        <section class="card" id="weekly">
            <h2>"村（居）周排查周报"</h2>
            // Any day picks its week: a clerk writing last year's report goes straight there.
            <div class="filters">
                <label class="pair">
                    "周内任一天"
                    <input
                        id="weekly-day"
                        type="date"
                        prop:value=move || day.get().to_string()
                        on:change=move |ev| {
                            if let Ok(picked) = Date::parse(&event_target_value(&ev)) {
                                day.set(picked);
                            }
                        }
                    />
                </label>
                <button type="button" class="secondary" id="weekly-previous" on:click=move |_| shift(-1)>"‹ 上一周"</button>
                <button type="button" class="secondary" id="weekly-next" on:click=move |_| shift(1)>"下一周 ›"</button>
            </div>
            {move || match rounds.get() {
                None => view! { <p class="empty">"正在读取…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="field-error">{error.to_string()}</p> }.into_any(),
                Some(Ok(_)) => {
                    let Some((year, week, monday, sunday, lines)) = report() else {
                        return ().into_any();
                    };
                    let reported = lines.iter().filter(|l| l.reported()).count();
                    let missing = lines.len() - reported;
                    view! {
                        <p id="weekly-week" class="muted">
                            {year} "年第" {week} "周（" {short(monday)} "—" {short(sunday)} "）：已上报 "
                            {reported} " 个村（居），未上报 " {missing} " 个。根据本机已同步的记录，无网络时也可查看。"
                        </p>
                        <div class="table-scroll">
                            <table class="figures" id="weekly-table">
                                <thead>
                                    <tr><th>"村（居）"</th><th>"本周排查"</th><th>"日期"</th><th>"结果"</th></tr>
                                </thead>
                                <tbody>
                                    {lines
                                        .into_iter()
                                        .map(|line| {
                                            let state = if line.reported() { "已上报" } else { "未上报" };
                                            let result = match (line.reported(), line.found()) {
                                                (false, _) => String::new(),
                                                (true, 0) => "零报告".to_owned(),
                                                (true, n) => format!("发现 {n} 件"),
                                            };
                                            view! {
                                                <tr data-village=line.village.clone() data-reported=line.reported().to_string() class:chosen=!line.reported()>
                                                    <th>{ctx.village_name(&line.village)}</th>
                                                    <td>{state}</td>
                                                    <td>{line.last_held_on.clone().unwrap_or_default()}</td>
                                                    <td>{result}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
