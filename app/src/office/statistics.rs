//! The annual report's figures (`shared::statistics`) for a chosen period, per village and for
//! the township, computed here from the records synced to this computer — so they show with
//! no network — as a table, a bar chart per village and a monthly trend of the chosen figure.
//! The rows are `statistics::counts()`, the list the annual-figures ledger prints, so every
//! category, agreement kind and problem outcome has its row and the two always agree.

use leptos::prelude::*;
use pingan_shared::records::Record;
use pingan_shared::records::dispute::Dispute;
use pingan_shared::records::outreach::OutreachVisit;
use pingan_shared::records::person::Person;
use pingan_shared::records::rental_house::RentalHouse;
use pingan_shared::statistics::{
    Figure, Figures, MEDIATION_RATE_LABEL, Period, Records, Work, counts, figures,
    figures_by_village,
};
use pingan_shared::validation::Date;

use super::chart::{BarChart, ColumnChart};
use super::{PeriodFilter, PeriodInput};
use crate::error::AppError;
use crate::store::DeviceStore;
use crate::store::activities::ActivitySummary;
use crate::store::index::{DisputeSummary, PersonSummary, RentalHouseSummary, VisitSummary};
use crate::ui::{ctx, load};

/// What the figures are computed from, read once from the device.
#[derive(Default)]
struct Loaded {
    persons: Vec<Person>,
    rental_houses: Vec<RentalHouse>,
    disputes: Vec<Dispute>,
    outreach_visits: Vec<OutreachVisit>,
    work: Work,
}

impl Loaded {
    fn records(&self) -> Records<'_> {
        self.work.beside(Records {
            persons: &self.persons,
            rental_houses: &self.rental_houses,
            disputes: &self.disputes,
            outreach_visits: &self.outreach_visits,
            ..Records::default()
        })
    }
}

async fn load_records(store: DeviceStore) -> Result<Loaded, AppError> {
    let floating: Vec<String> = store
        .list::<PersonSummary>()
        .await?
        .into_iter()
        .filter(|p| p.floating && !p.merged)
        .map(|p| p.id)
        .collect();
    let houses: Vec<String> = store
        .list::<RentalHouseSummary>()
        .await?
        .into_iter()
        .map(|h| h.id)
        .collect();
    let disputes: Vec<String> = store
        .list::<DisputeSummary>()
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    let visits: Vec<String> = store
        .list::<VisitSummary>()
        .await?
        .into_iter()
        .map(|v| v.id)
        .collect();
    let activities = store.list::<ActivitySummary>().await?;
    Ok(Loaded {
        persons: store.records(&floating).await?,
        rental_houses: store.records(&houses).await?,
        disputes: store.records(&disputes).await?,
        outreach_visits: store.records(&visits).await?,
        work: Work {
            screening_rounds: of_type(&store, &activities).await?,
            patrols: of_type(&store, &activities).await?,
            joint_defence_groups: of_type(&store, &activities).await?,
            key_persons: of_type(&store, &activities).await?,
            responsibility_letters: of_type(&store, &activities).await?,
            publicity_activities: of_type(&store, &activities).await?,
            standardisation_checks: of_type(&store, &activities).await?,
            contingency_plans: of_type(&store, &activities).await?,
        },
    })
}

/// The records of `R`'s type among the township's other work.
async fn of_type<R: Record>(
    store: &DeviceStore,
    activities: &[ActivitySummary],
) -> Result<Vec<R>, AppError> {
    let wanted: &str = R::TYPE.as_str();
    let ids: Vec<String> = activities
        .iter()
        .filter(|a| a.record_type == wanted)
        .map(|a| a.id.clone())
        .collect();
    store.records(&ids).await
}

#[component]
pub fn Statistics() -> impl IntoView {
    let ctx = ctx();
    let period_input = PeriodInput::year_to_date();
    let PeriodInput { from, to } = period_input;
    let chosen = RwSignal::new(0usize);
    let loaded = load(move || {
        ctx.revision.track();
        let store = ctx.store();
        async move { load_records(store).await }
    });
    let period = move || -> Result<Period, String> {
        let parse = |text: String, name: &str| {
            Date::parse(&text).map_err(|_| format!("{name}不是有效日期"))
        };
        let period = Period {
            from: parse(from.get(), "起始日期")?,
            to: parse(to.get(), "截止日期")?,
        };
        if period.from > period.to {
            return Err("起始日期晚于截止日期".into());
        }
        Ok(period)
    };

    view! {
        <section class="card" id="statistics">
            <h2>"统计"</h2>
            <PeriodFilter id="stats" period=period_input />
            <p class="muted">"根据本机已同步的记录计算，无网络时也可查看。"</p>
            {move || {
                let period = match period() {
                    Ok(p) => p,
                    Err(e) => return view! { <p class="field-error" role="alert">{e}</p> }.into_any(),
                };
                loaded.with(|loaded| match loaded {
                    None => view! { <p class="empty">"正在计算…"</p> }.into_any(),
                    Some(Err(error)) => view! { <p class="field-error">{error.to_string()}</p> }.into_any(),
                    Some(Ok(loaded)) => figures_view(loaded, period, chosen).into_any(),
                })
            }}
        </section>
    }
}

fn figures_view(loaded: &Loaded, period: Period, chosen: RwSignal<usize>) -> impl IntoView + use<> {
    let ctx = ctx();
    let (by_village, township) = figures_by_village(loaded.records(), period);
    let names: Vec<(String, String)> = by_village
        .keys()
        .map(|v| (v.clone(), ctx.village_name(v)))
        .collect();
    let rows = counts();
    // Read tracked: choosing another row redraws the charts.
    let shown = rows[chosen.get().min(rows.len() - 1)];
    let (key, label) = (shown.key(), shown.label());
    let bars = names
        .iter()
        .map(|(id, name)| (name.clone(), shown.count(&by_village[id])))
        .collect();
    let trend = period
        .months()
        .into_iter()
        .map(|(month, p)| (month, shown.count(&figures(loaded.records(), None, p))))
        .collect();
    let rate = |f: &Figures| {
        f.mediation_rate_percent()
            .map_or("—".to_owned(), |r| r.to_string())
    };
    // As in the report and the ledger: the rate right after the disputes mediated.
    let rate_row = view! {
        <tr data-figure="mediation_rate">
            <th>{MEDIATION_RATE_LABEL}</th>
            {names.iter().map(|(id, _)| view! { <td>{rate(&by_village[id])}</td> }).collect_view()}
            <td class="total">{rate(&township)}</td>
        </tr>
    };
    let mut rate_row = Some(rate_row);
    let body = rows
        .iter()
        .enumerate()
        .map(|(i, &figure)| {
            let row = view! {
                <tr data-figure=figure.key() class:chosen=move || chosen.get() == i on:click=move |_| chosen.set(i)>
                    <th>{figure.label()}</th>
                    {names.iter().map(|(id, _)| view! { <td>{figure.count(&by_village[id])}</td> }).collect_view()}
                    <td class="total">{figure.count(&township)}</td>
                </tr>
            };
            let after = (figure == Figure::DisputesMediated).then(|| rate_row.take()).flatten();
            (row, after)
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="figures" id="figures">
                <thead>
                    <tr>
                        <th>"指标"</th>
                        {names.iter().map(|(_, name)| view! { <th>{name.clone()}</th> }).collect_view()}
                        <th>"全镇"</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
        <p class="muted">"点选表中一行，下图即显示该指标。"</p>
        <BarChart id="chart-villages" title=format!("{label} · 各村") bars />
        <ColumnChart id="chart-trend" title=format!("{label} · 全镇按月") columns=trend />
        <span hidden data-chosen=key></span>
    }
}
