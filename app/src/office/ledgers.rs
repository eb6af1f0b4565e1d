//! The ledgers (台账) inspections ask for, as XLSX or CSV for a period: the server builds
//! them from the master copy; the browser saves the file under the ledger's Chinese title, as
//! the server names it (`矛盾纠纷排查调处台账_2022-01-01至2022-12-31.xlsx`). And the year-end
//! report (年度总结报告) as a Word document for a chosen year, written by the server from the
//! records with its 待填写 paragraphs for the clerk.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pingan_shared::records::YEARS;
use wasm_bindgen::JsCast;

use super::{PeriodFilter, PeriodInput, office};

const LEDGERS: &[(&str, &str)] = &[
    ("disputes", "矛盾纠纷排查调处台账"),
    ("floating-residents", "流动人口登记台账"),
    ("rental-houses", "出租房屋台账"),
    ("outreach-visits", "下访接访台账"),
    ("annual-figures", "年度平安建设数据"),
];

#[component]
pub fn Ledgers() -> impl IntoView {
    let office = office();
    let period = PeriodInput::year_to_date();
    let PeriodInput { from, to } = period;
    let problem = RwSignal::new(None::<String>);
    let download = move |slug: &'static str, title: &'static str, format: &'static str| {
        let office = office.clone();
        let (from, to) = (from.get_untracked(), to.get_untracked());
        problem.set(None);
        spawn_local(async move {
            let file = format!("{slug}.{format}");
            match office.ledger(&file, &from, &to).await {
                Ok(blob) => save(&blob, &file_name(title, &from, &to, format)),
                Err(error) => problem.set(Some(error.to_string())),
            }
        });
    };
    view! {
        <section class="card" id="ledgers">
            <h2>"台账"</h2>
            <PeriodFilter id="ledger" period />
            <ul class="rows">
                {LEDGERS
                    .iter()
                    .map(|(slug, name)| {
                        let (xlsx, csv) = (download.clone(), download.clone());
                        view! {
                            <li data-ledger=*slug>
                                <span class="head">{*name}</span>
                                <button type="button" class="small xlsx" on:click=move |_| xlsx(slug, name, "xlsx")>"Excel"</button>
                                " "
                                <button type="button" class="small secondary csv" on:click=move |_| csv(slug, name, "csv")>"CSV"</button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
        </section>
        <AnnualReport />
    }
}

/// 年度总结报告: a year, and the Word document for it.
#[component]
fn AnnualReport() -> impl IntoView {
    let office = office();
    let year = RwSignal::new(crate::ui::form::today().year().to_string());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let download = move |_| {
        let office = office.clone();
        let year = year.get_untracked().trim().to_owned();
        // Said here, in the clerk's words: the server's refusal of a bad year is for programs.
        if !year.parse::<u32>().is_ok_and(|y| YEARS.contains(&y)) {
            problem.set(Some(format!(
                "年度应为{}到{}之间的年份",
                YEARS.start(),
                YEARS.end()
            )));
            return;
        }
        problem.set(None);
        busy.set(true);
        spawn_local(async move {
            match office.annual_report(&year).await {
                Ok(blob) => save(&blob, &format!("{year}年度平安建设工作总结报告.docx")),
                Err(error) => problem.set(Some(error.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card" id="annual-report">
            <h2>"年度总结报告"</h2>
            <p class="hint">"按报告原有结构写成 Word 文档：数字取自记录，每个数字附所依据的记录（附表）；记录无法给出的内容标为【待填写】。"</p>
            <div class="filters">
                <label class="pair">
                    "年度"
                    <input id="report-year" type="number" min=*YEARS.start() max=*YEARS.end() inputmode="numeric"
                        prop:value=year on:change=move |ev| year.set(event_target_value(&ev)) />
                </label>
                <button type="button" id="report-download" prop:disabled=busy on:click=download>
                    {move || if busy.get() { "正在生成…" } else { "下载 Word" }}
                </button>
            </div>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
        </section>
    }
}

/// The server's name for the file (`ledgers::LedgerKind::file_name`): a clerk files it by
/// its title and period.
fn file_name(title: &str, from: &str, to: &str, format: &str) -> String {
    format!("{title}_{from}至{to}.{format}")
}

/// Hands the file to the browser's download through a temporary link.
fn save(blob: &web_sys::Blob, name: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Ok(link) = document.create_element("a") {
        let link: web_sys::HtmlAnchorElement = link.unchecked_into();
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    // Revoked later: revoking at once can cancel the download before it starts.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
}
