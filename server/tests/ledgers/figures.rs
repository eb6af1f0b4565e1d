//! The annual figures (年度数据) against counts worked out by hand from [`crate::fixture`].

use pingan_shared::records::vocabulary::DisputeCategory;

use crate::fixture::{PERIOD, fill, rows, workbook};
use crate::support::{Backend, Township, on_both_backends};

on_both_backends!(the_annual_figures_match_counts_worked_out_by_hand);

async fn the_annual_figures_match_counts_worked_out_by_hand(backend: Backend) {
    let township = Township::on(backend).await;
    fill(&township).await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let mut book = workbook(
        &township,
        &reviewer,
        &format!("/api/ledgers/annual-figures.xlsx{PERIOD}"),
    )
    .await;
    let figures = rows(&mut book, "年度数据");
    assert_eq!(figures[2], ["指标", "和平村", "幸福村", "全镇合计"]);
    let row = |label: &str| -> Vec<String> {
        figures
            .iter()
            .find(|r| r[0] == label)
            .unwrap_or_else(|| panic!("no row {label}"))[1..]
            .to_vec()
    };
    // By hand, for 2023: 幸福村 registered two disputes (March, mediated and closed with an
    // agreement signed in March; June, not yet mediated), 和平村 one (May, mediated once);
    // the 2022 dispute counts nowhere.
    assert_eq!(row("排查矛盾纠纷（件）"), ["1", "2", "3"]);
    assert_eq!(row("调处矛盾纠纷（件）"), ["1", "1", "2"]);
    assert_eq!(row("调处率（%）"), ["100", "50", "66.7"]);
    // By category: March a neighbour dispute, June a family one, May (和平村) a land one.
    assert_eq!(row("邻里纠纷（件）"), ["0", "1", "1"]);
    assert_eq!(row("婚姻家庭纠纷（件）"), ["0", "1", "1"]);
    assert_eq!(row("土地山林纠纷（件）"), ["1", "0", "1"]);
    assert_eq!(row("征地拆迁纠纷（件）"), ["0", "0", "0"]);
    assert_eq!(row("达成协议（件）"), ["0", "1", "1"]);
    assert_eq!(row("调解协议（件）"), ["0", "1", "1"]);
    assert_eq!(row("息诉息访协议（件）"), ["0", "0", "0"]);
    assert_eq!(row("下访走访（次）"), ["0", "1", "1"]);
    assert_eq!(row("收集群众问题（件）"), ["0", "3", "3"]);
    assert_eq!(row("收集群众问题（类）"), ["0", "2", "2"]);
    assert_eq!(row("当场解决（件）"), ["0", "1", "1"]);
    assert_eq!(row("待上级部门协调（件）"), ["0", "1", "1"]);
    assert_eq!(
        row("待办（件）"),
        ["0", "1", "1"],
        "no problem goes uncounted"
    );
    assert_eq!(row("登记流动人口（人）"), ["0", "1", "1"]);
    assert_eq!(row("期末在册流动人口（人）"), ["0", "1", "1"]);
    assert_eq!(row("登记出租房屋（处）"), ["0", "1", "1"]);
    assert_eq!(row("签订治安责任书（处）"), ["0", "1", "1"]);

    // Each breakdown adds up to its total, in every column.
    let sum = |labels: &[&str]| -> Vec<String> {
        (0..3)
            .map(|col| {
                labels
                    .iter()
                    .map(|l| row(l)[col].parse::<usize>().unwrap())
                    .sum::<usize>()
                    .to_string()
            })
            .collect()
    };
    let categories: Vec<String> = DisputeCategory::ALL
        .iter()
        .map(|c| format!("{}（件）", c.label_zh()))
        .collect();
    let categories: Vec<&str> = categories.iter().map(String::as_str).collect();
    assert_eq!(sum(&categories), row("排查矛盾纠纷（件）"));
    assert_eq!(
        sum(&["调解协议（件）", "息诉息访协议（件）"]),
        row("达成协议（件）")
    );
    assert_eq!(
        sum(&["当场解决（件）", "待上级部门协调（件）", "待办（件）"]),
        row("收集群众问题（件）")
    );
    // Every label is Chinese: no internal value shows.
    for label in figures[3..].iter().map(|r| &r[0]) {
        assert!(
            !label.contains(|c: char| c.is_ascii_alphabetic()),
            "{label}"
        );
    }
}
