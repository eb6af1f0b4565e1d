//! 矛盾纠纷排查调处台账: each village's disputes of the period, one sheet a village, and the
//! township summary; the same rows as CSV.

use calamine::Reader;

use crate::fixture::{PERIOD, fill, rows, text, workbook};
use crate::support::{Backend, Township, on_both_backends};

on_both_backends!(the_dispute_ledger_lists_each_villages_disputes_of_the_period_with_a_summary);

async fn the_dispute_ledger_lists_each_villages_disputes_of_the_period_with_a_summary(
    backend: Backend,
) {
    let township = Township::on(backend).await;
    fill(&township).await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let mut book = workbook(
        &township,
        &reviewer,
        &format!("/api/ledgers/disputes.xlsx{PERIOD}"),
    )
    .await;

    assert_eq!(
        book.sheet_names(),
        ["和平村", "幸福村", "乡镇汇总"],
        "villages in id order"
    );
    let xingfu = rows(&mut book, "幸福村");
    assert_eq!(xingfu[0][0], "青山镇矛盾纠纷排查调处台账");
    assert!(xingfu[1][0].starts_with("统计期间：2023-01-01 至 2023-12-31　打印日期："));
    assert_eq!(
        xingfu[2],
        [
            "序号",
            "登记日期",
            "村民小组",
            "来源",
            "纠纷类别",
            "当事人",
            "当事人联系电话",
            "纠纷简要情况",
            "信访积案",
            "调处层级",
            "包案领导",
            "办结时限",
            "调解次数",
            "调解员",
            "协议",
            "状态",
            "办结日期",
            "调处结果"
        ]
    );
    // The 2022 dispute is outside the period; the others in date order.
    assert_eq!(
        xingfu.len(),
        5,
        "title, period, header and two disputes: {xingfu:?}"
    );
    assert_eq!(
        xingfu[3],
        [
            "1",
            "2023-03-02",
            // 张三's household is in 2组; 李四 is known by name only.
            "2组",
            "排查发现",
            "邻里纠纷",
            "张三、李四",
            // 张三's number from his person record, 李四's as given for the party.
            "张三：138****0002、李四：139****5678",
            "宅基地边界争议",
            "否",
            "村民小组",
            "",
            "",
            "2",
            "村调委会、司法所王调解员",
            "调解协议（2023-03-10）",
            "已办结",
            "2023-03-10",
            "化解：双方签订协议，重新确界"
        ]
    );
    assert_eq!(xingfu[4][1], "2023-06-15");
    assert_eq!(xingfu[4][7], "赡养费纠纷");
    assert_eq!(xingfu[4][8], "是", "a long-standing petition case");
    assert_eq!(xingfu[4][15], "已登记");
    assert_eq!(xingfu[4][16], "", "not closed");
    let heping = rows(&mut book, "和平村");
    assert_eq!(heping.len(), 4);
    assert_eq!(heping[3][7], "土地承包纠纷");
    assert_eq!(heping[3][13], "和平村调委会");
    // The summary gives what 统计 gives: screened, mediated and the rate, as in the annual
    // figures below.
    let summary = rows(&mut book, "乡镇汇总");
    assert_eq!(
        summary[2],
        [
            "村（居）",
            "排查矛盾纠纷（件）",
            "调处矛盾纠纷（件）",
            "调处率（%）"
        ]
    );
    assert_eq!(summary[3], ["和平村", "1", "1", "100"]);
    assert_eq!(summary[4], ["幸福村", "2", "1", "50"]);
    assert_eq!(summary[5], ["合计", "3", "2", "66.7"]);

    let csv = text(
        &township,
        &reviewer,
        &format!("/api/ledgers/disputes.csv{PERIOD}"),
    )
    .await;
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 4, "header and three disputes: {lines:?}");
    assert!(lines[0].starts_with("村（居）,序号,登记日期"));
    assert!(lines[1].starts_with("和平村,1,2023-05-20"));
    assert!(lines[2].starts_with("幸福村,1,2023-03-02,2组,排查发现"));
}
