//! The year-end report (年度总结报告) for the demo township's 2022, downloaded as the office
//! downloads it, read back with a .docx reader, and every figure in it checked against counts
//! worked out here, straight from the generated records (not through `statistics`); every
//! figure's appendix table adds up to it; nothing the records cannot know is made up.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use docx_rs::{DocumentChild, TableCellContent, TableChild, TableRowChild};
use pingan_server::demo;
use pingan_shared::document::DocumentId;
use pingan_shared::generator::{self, TownshipSpec};
use pingan_shared::records::vocabulary::{
    AgreementKind, CheckResult, DisputeCategory, DisputeLevel, LetterKind, PatrolTeam,
    ProblemOutcome, ScreeningKind,
};
use pingan_shared::statistics::china_date;
use pingan_shared::validation::Date;
use support::Township;

/// The report as read back: the body's paragraphs, and each appendix table (附表N) with the
/// value its caption gives and the rows' 计入 column.
struct ReadBack {
    body: Vec<String>,
    appendices: BTreeMap<usize, (String, String, Vec<usize>)>,
}

fn read_back(bytes: &[u8]) -> ReadBack {
    let docx = docx_rs::read_docx(bytes).expect("the download is a .docx");
    let mut body = Vec::new();
    let mut appendices = BTreeMap::new();
    let mut caption: Option<(usize, String, String)> = None;
    let mut in_appendix = false;
    for child in &docx.document.children {
        match child {
            DocumentChild::Paragraph(p) => {
                let text = p.raw_text();
                if text.starts_with("附件") {
                    in_appendix = true;
                } else if in_appendix {
                    let (number, rest) = text
                        .strip_prefix("附表")
                        .and_then(|t| t.split_once('　'))
                        .unwrap_or_else(|| panic!("not an appendix caption: {text:?}"));
                    let (label, value) = rest.rsplit_once('：').unwrap();
                    caption = Some((number.parse().unwrap(), label.into(), value.into()));
                } else {
                    body.push(text);
                }
            }
            DocumentChild::Table(table) => {
                let (number, label, value) = caption.take().expect("a caption over each table");
                let counted: Vec<usize> = table
                    .rows
                    .iter()
                    .skip(1)
                    .map(|TableChild::TableRow(row)| {
                        let TableRowChild::TableCell(last) = row.cells.last().unwrap();
                        let TableCellContent::Paragraph(p) = &last.children[0] else {
                            panic!("a cell holds a paragraph")
                        };
                        p.raw_text().parse().unwrap()
                    })
                    .collect();
                appendices.insert(number, (label, value, counted));
            }
            _ => {}
        }
    }
    ReadBack { body, appendices }
}

/// Takes `words` followed by `value` and its 〔附表N〕 out of the text, so every figure is
/// claimed by exactly one check; returns N.
fn claim(text: &mut String, words: &str, value: impl ToString) -> usize {
    let wanted = format!("{words}{}〔附表", value.to_string());
    let at = text
        .find(&wanted)
        .unwrap_or_else(|| panic!("the report does not say {wanted:?}…\n{text}"));
    let rest = &text[at + wanted.len()..];
    let end = rest.find('〕').unwrap();
    let number = rest[..end].parse().unwrap();
    text.replace_range(at..at + wanted.len() + end + '〕'.len_utf8(), words);
    number
}

fn in_2022(day: &str) -> bool {
    day.starts_with("2022-")
}

/// The records whose day (`on`) falls in 2022.
fn of_2022<R>(records: &[(DocumentId, R)], on: impl Fn(&R) -> &str) -> Vec<&R> {
    records
        .iter()
        .map(|(_, r)| r)
        .filter(|r| in_2022(on(r)))
        .collect()
}

#[tokio::test]
async fn the_2022_report_gives_every_figure_of_the_records_with_the_records_behind_it() {
    let township = Township::empty().await;
    let spec = TownshipSpec::demo();
    demo::seed_if_empty(&township.store, &spec, support::NOW_MS)
        .await
        .unwrap()
        .unwrap();
    let reviewer = township.login("reviewer", "office-pc").await;
    let (status, bytes) = township
        .get_bytes(&reviewer, "/api/reports/annual-report.docx?year=2022")
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let report = read_back(&bytes);

    let g = generator::generate(&spec);
    let end = Date::new(2022, 12, 31).unwrap();
    let day = |text: &str| Date::parse(text).ok();

    // Disputes: registered in 2022; mediated once a session was held or the case closed.
    let screened = of_2022(&g.disputes, |d| &d.registered_on);
    let mediated = screened
        .iter()
        .filter(|d| !d.mediations.is_empty() || d.closure.is_some())
        .count();
    let of_category = |c: DisputeCategory| screened.iter().filter(|d| d.category == c).count();
    let backlog = g
        .disputes
        .iter()
        .filter(|(_, d)| d.petition_backlog)
        .filter(|(_, d)| {
            d.closure.as_ref().is_some_and(|c| {
                in_2022(&c.on)
                    && c.resolution == pingan_shared::records::vocabulary::Resolution::Resolved
            })
        })
        .count();
    let petition_agreements = g
        .disputes
        .iter()
        .filter_map(|(_, d)| d.agreement.as_ref())
        .filter(|a| a.kind == AgreementKind::PetitionSettlement && in_2022(&a.signed_on))
        .count();
    let escalated = |above: bool| {
        g.disputes
            .iter()
            .filter(|(_, d)| {
                d.escalations
                    .iter()
                    .any(|e| in_2022(&e.on) && (!above || e.to == DisputeLevel::Above))
            })
            .count()
    };
    // 积压: past its deadline at the year's end and not standing closed on that day, reading
    // the case's history in order: each earlier closure, the reopening that undid it, …, the
    // closure it has now.
    let overdue = g
        .disputes
        .iter()
        .map(|(_, d)| d)
        .filter(|d| day(&d.registered_on).is_some_and(|r| r <= end))
        .filter(|d| {
            d.deadline
                .as_deref()
                .and_then(day)
                .is_some_and(|dl| dl < end)
        })
        .filter(|d| {
            let mut history: Vec<(&str, bool)> = Vec::new();
            for reopening in &d.reopenings {
                history.push((&reopening.previous_closure.on, true));
                history.push((&reopening.on, false));
            }
            if let Some(closure) = &d.closure {
                history.push((&closure.on, true));
            }
            let closed = history
                .iter()
                .rev()
                .find(|(on, _)| day(on).is_some_and(|on| on <= end))
                .is_some_and(|(_, closed)| *closed);
            !closed
        })
        .count();
    let rate = (mediated as f64 * 1000.0 / screened.len() as f64).round() / 10.0;

    // Screening rounds, patrols, joint defence.
    let year_rounds = of_2022(&g.screening_rounds, |r| &r.held_on);
    let rounds = |kind: ScreeningKind| year_rounds.iter().filter(|r| r.kind == kind).count();
    let zero_reports = year_rounds.iter().filter(|r| r.zero_report).count();
    let year_patrols = of_2022(&g.patrols, |p| &p.patrolled_on);
    let patrols = |team: PatrolTeam| year_patrols.iter().filter(|p| p.team == team).count();
    let incidents: u32 = year_patrols.iter().map(|p| p.incidents).sum();
    let groups: Vec<_> = g
        .joint_defence_groups
        .iter()
        .map(|(_, j)| j)
        .filter(|j| {
            j.formed_on
                .as_deref()
                .and_then(day)
                .unwrap_or_else(|| china_date(j.created_at_ms))
                <= end
        })
        .collect();
    let households: usize = groups.iter().map(|j| j.household_ids.len()).sum();
    let networked: BTreeSet<&str> = groups
        .iter()
        .map(|j| j.village.as_str())
        .chain(
            year_patrols
                .iter()
                .filter(|p| p.team == PatrolTeam::Volunteer)
                .map(|p| p.village.as_str()),
        )
        .collect();
    let coverage = (networked.len() as f64 * 1000.0 / g.villages.len() as f64).round() / 10.0;

    // Outreach: the year's visits and problems, and the month with the most visits.
    let visits = of_2022(&g.outreach_visits, |v| &v.visited_on);
    let problems = |outcome: Option<ProblemOutcome>| {
        visits
            .iter()
            .flat_map(|v| &v.problems)
            .filter(|p| outcome.is_none_or(|o| p.outcome == o))
            .count()
    };
    let kinds: BTreeSet<&str> = visits
        .iter()
        .flat_map(|v| &v.problems)
        .map(|p| p.category.trim())
        .collect();
    let mut by_month: BTreeMap<&str, (usize, BTreeSet<&str>)> = BTreeMap::new();
    for v in &visits {
        let entry = by_month.entry(&v.visited_on[5..7]).or_default();
        entry.0 += 1;
        entry.1.insert(&v.village);
    }
    let busiest = by_month.values().map(|(n, _)| *n).max().unwrap();
    let (month, (_, month_villages)) = by_month.iter().find(|(_, (n, _))| *n == busiest).unwrap();

    // Letters, standardisation, publicity, plans, key persons.
    let year_letters = of_2022(&g.responsibility_letters, |l| &l.signed_on);
    let letters = |kind: LetterKind| year_letters.iter().filter(|l| l.kind == kind).count();
    let mut latest: BTreeMap<&str, (&str, CheckResult)> = BTreeMap::new();
    for (_, c) in g
        .standardisation_checks
        .iter()
        .filter(|(_, c)| in_2022(&c.checked_on))
    {
        let entry = latest
            .entry(&c.village)
            .or_insert((&c.checked_on, c.result));
        if c.checked_on.as_str() >= entry.0 {
            *entry = (&c.checked_on, c.result);
        }
    }
    let standard = |result: CheckResult| latest.values().filter(|(_, r)| *r == result).count();
    let publicity = of_2022(&g.publicity_activities, |p| &p.held_on);
    let plans = of_2022(&g.contingency_plans, |p| &p.drawn_up_on).len();
    let watched = g
        .key_persons
        .iter()
        .filter(|(_, k)| {
            day(&k.paired_on).is_some_and(|d| d <= end)
                && k.closed_on
                    .as_deref()
                    .and_then(day)
                    .is_none_or(|closed| closed > Date::new(2022, 1, 1).unwrap())
        })
        .count();
    let key_visits = g
        .key_persons
        .iter()
        .flat_map(|(_, k)| &k.visits)
        .filter(|v| in_2022(&v.visited_on))
        .count();

    // Floating residents and rental houses.
    let floating = g
        .persons
        .iter()
        .map(|(_, p)| p)
        .filter(|p| p.floating.is_some() && p.merged_into.is_none());
    let registered = floating
        .clone()
        .filter(|p| china_date(p.created_at_ms).year() == 2022)
        .count();
    let present = floating
        .filter(|p| p.is_floating_resident_present_on(end))
        .count();
    let houses: Vec<_> = g
        .rental_houses
        .iter()
        .map(|(_, h)| h)
        .filter(|h| china_date(h.created_at_ms) <= end)
        .collect();
    let with_letter = houses
        .iter()
        .filter(|h| {
            h.responsibility_letter_signed_on
                .as_deref()
                .and_then(day)
                .is_some_and(|d| d <= end)
        })
        .count();

    assert!(report.body[0].contains("2022年度履行平安建设（综治工作）职责情况总结报告"));
    let mut text = report.body.join("\n");
    let mut claimed: Vec<(usize, Option<usize>)> = Vec::new();
    let mut count = |text: &mut String, words: &str, value: usize| {
        claimed.push((claim(text, words, value), Some(value)));
    };
    count(&mut text, "全镇", standard(CheckResult::Passed));
    count(
        &mut text,
        "达到综治规范化建设标准，",
        standard(CheckResult::Rectify),
    );
    count(&mut text, "共签订综治责任状", letters(LetterKind::Annual));
    count(
        &mut text,
        "端午节划龙舟维稳责任状",
        letters(LetterKind::DragonBoat),
    );
    count(&mut text, "其他专项责任状", letters(LetterKind::Special));
    count(&mut text, "上交镇以上", escalated(true));
    count(&mut text, "件，升级", escalated(false));
    count(
        &mut text,
        "村（居）周排查",
        rounds(ScreeningKind::VillageWeekly),
    );
    count(&mut text, "次（其中零报告", zero_reports);
    count(
        &mut text,
        "镇半月排查",
        rounds(ScreeningKind::TownshipHalfMonthly),
    );
    count(
        &mut text,
        "例会总排查",
        rounds(ScreeningKind::MonthlyMeeting),
    );
    count(
        &mut text,
        "矛盾调处中心重点排查",
        rounds(ScreeningKind::CentreKeyCheck),
    );
    count(&mut text, "全镇共排查各类矛盾纠纷", screened.len());
    count(&mut text, "件，调处", mediated);
    count(&mut text, "化解了", backlog);
    count(&mut text, "签订息诉息访协议书", petition_agreements);
    // The land-acquisition count has a sentence of its own besides the list of categories.
    count(
        &mut text,
        "排查征地拆迁纠纷",
        of_category(DisputeCategory::LandAcquisition),
    );
    for &category in DisputeCategory::ALL {
        if of_category(category) > 0 {
            count(&mut text, category.label_zh(), of_category(category));
        }
    }
    count(&mut text, "专职巡防队巡防", patrols(PatrolTeam::FullTime));
    count(
        &mut text,
        "群众义务巡防队巡防",
        patrols(PatrolTeam::Volunteer),
    );
    count(&mut text, "发现处置问题", incidents as usize);
    count(&mut text, "组建联防组", groups.len());
    count(&mut text, "参加联防", households);
    count(&mut text, "全年下访走访", visits.len());
    count(&mut text, "共收集群众反映的问题", kinds.len());
    count(&mut text, "类共", problems(None));
    count(
        &mut text,
        "除",
        problems(Some(ProblemOutcome::WaitingOnDepartment)),
    );
    count(
        &mut text,
        "协商解决、",
        problems(Some(ProblemOutcome::Pending)),
    );
    count(
        &mut text,
        "其余",
        problems(Some(ProblemOutcome::ResolvedOnSpot)),
    );
    count(&mut text, "开展宣传活动", publicity.len());
    count(
        &mut text,
        "发放各种资料",
        publicity
            .iter()
            .map(|p| p.materials_handed_out as usize)
            .sum(),
    );
    count(
        &mut text,
        "书写标语",
        publicity.iter().map(|p| p.slogans_written as usize).sum(),
    );
    count(
        &mut text,
        "办宣传专栏",
        publicity.iter().map(|p| p.columns_run as usize).sum(),
    );
    count(&mut text, "全年登记流动人口", registered);
    count(&mut text, "年末在册", present);
    count(&mut text, "登记出租房屋", houses.len());
    count(&mut text, "签订治安责任书", with_letter);
    count(&mut text, "制定应急预案", plans);
    count(&mut text, "结对重点对象", watched);
    count(&mut text, "走访", key_visits);
    count(&mut text, "年末逾期未办结", overdue);
    // Values read off a figure's records: the rate (twice), the coverage, the campaign.
    for _ in 0..2 {
        claimed.push((claim(&mut text, "调处率达", rate), None));
    }
    claimed.push((claim(&mut text, "现我镇", coverage), None));
    claimed.push((
        claim(&mut text, "下访最集中的", month.trim_start_matches('0')),
        None,
    ));
    claimed.push((claim(&mut text, "月，到全镇", month_villages.len()), None));
    assert!(
        !text.contains("〔附表"),
        "a figure in the report that this test does not check:\n{text}"
    );
    // Nothing the records cannot know is written as if they did.
    assert!(text.contains("【待填写：二是进一步健全综治组织机构"));
    assert!(text.contains("群众满意率（本系统无满意度测评）"));

    // Every appendix table lists records adding up to its figure, and the text's figure is it.
    for (number, value) in &claimed {
        let (label, caption_value, counted) = &report.appendices[number];
        let total: usize = counted.iter().sum();
        assert_eq!(caption_value, &total.to_string(), "附表{number} {label}");
        if let Some(value) = value {
            assert_eq!(*value, total, "附表{number} {label}");
        }
    }
    let referenced: BTreeSet<usize> = claimed.iter().map(|(n, _)| *n).collect();
    let tables: BTreeSet<usize> = report.appendices.keys().copied().collect();
    assert_eq!(
        referenced, tables,
        "every appendix table is a figure's, and every figure has one"
    );
}

#[tokio::test]
async fn only_the_office_downloads_the_report_and_a_bad_year_is_named() {
    let township = Township::new().await;
    let worker = township.login("worker-xingfu", "phone").await;
    let (status, _) = township
        .get_bytes(&worker, "/api/reports/annual-report.docx?year=2022")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let reviewer = township.login("reviewer", "office-pc").await;
    for year in ["", "二〇二二", "1999"] {
        let (status, body) = township
            .get_bytes(
                &reviewer,
                &format!("/api/reports/annual-report.docx?year={year}"),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{year:?}");
        let body = String::from_utf8_lossy(&body);
        assert!(body.contains("bad_year") && body.contains("year"), "{body}");
    }

    // A year with no records is still a report: every figure 0, every table saying so.
    let (status, bytes) = township
        .get_bytes(&reviewer, "/api/reports/annual-report.docx?year=2030")
        .await;
    assert_eq!(status, StatusCode::OK);
    let report = read_back(&bytes);
    assert!(report.body[0].starts_with("青山镇2030年度"));
    for (label, value, counted) in report.appendices.values() {
        assert_eq!(value, "0", "{label}");
        assert_eq!(counted, &vec![0], "{label}: one row saying there is none");
    }
}
