//! The registers: floating residents (with the house they rent, 以房管人), rental houses,
//! and outreach visits one row per problem raised; and where a record falls in a period when
//! the phone's clock was wrong.

use automerge::ActorId;
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::Authorship;
use pingan_shared::records::rental_house::RentalHouse;

use crate::fixture::{PERIOD, fill, rows, workbook};
use crate::support::{Backend, Township, on_both_backends};

on_both_backends!(registers_of_floating_residents_rental_houses_and_visits_match_the_records);

async fn registers_of_floating_residents_rental_houses_and_visits_match_the_records(
    backend: Backend,
) {
    let township = Township::on(backend).await;
    fill(&township).await;
    let reviewer = township.login("reviewer", "office-pc").await;

    let mut floating = workbook(
        &township,
        &reviewer,
        &format!("/api/ledgers/floating-residents.xlsx{PERIOD}"),
    )
    .await;
    let xingfu = rows(&mut floating, "幸福村");
    assert_eq!(xingfu[0][0], "青山镇流动人口登记台账");
    assert_eq!(xingfu.len(), 4, "one floating resident: {xingfu:?}");
    assert_eq!(
        xingfu[3],
        [
            "1",
            "王五",
            "女",
            "110105********002X",
            "1949-12-31",
            "北京市",
            "2023-10-01",
            "务工",
            "幸福村砖厂",
            "",
            "138****0001",
            // 以房管人: the house that lists 王五 as its tenant, and its landlord.
            "幸福村2组5号",
            "幸福村2组5号",
            "李房东",
            ""
        ]
    );
    assert_eq!(
        xingfu[2][11..14],
        ["现住址", "租住房屋", "房东"],
        "columns: {:?}",
        xingfu[2]
    );
    assert_eq!(rows(&mut floating, "和平村").len(), 3, "header only");

    let mut houses = workbook(
        &township,
        &reviewer,
        &format!("/api/ledgers/rental-houses.xlsx{PERIOD}"),
    )
    .await;
    assert_eq!(
        rows(&mut houses, "幸福村")[3],
        [
            "1",
            "幸福村2组5号",
            "李房东",
            "057********45",
            "3",
            "1",
            "2023-09-01",
            ""
        ]
    );

    let mut visits = workbook(
        &township,
        &reviewer,
        &format!("/api/ledgers/outreach-visits.xlsx{PERIOD}"),
    )
    .await;
    let xingfu = rows(&mut visits, "幸福村");
    assert_eq!(xingfu.len(), 6, "one row per problem raised: {xingfu:?}");
    assert_eq!(
        xingfu[3],
        [
            "1",
            "2023-11-01",
            "赵书记、钱主任",
            "2",
            "村道坑洼",
            "道路",
            "当场解决",
            ""
        ]
    );
    assert_eq!(
        xingfu[4],
        [
            "2",
            "2023-11-01",
            "赵书记、钱主任",
            "2",
            "征地补偿未到位",
            "征地补偿",
            "待上级部门协调",
            "自然资源所"
        ]
    );
    assert_eq!(xingfu[5][6], "待办");
    // One visit, three problems: the summary says which is which, as 统计 does.
    let summary = rows(&mut visits, "乡镇汇总");
    assert_eq!(summary[2], ["村（居）", "走访次数", "反映问题（个）"]);
    assert_eq!(summary[3], ["和平村", "0", "0"]);
    assert_eq!(summary[4], ["幸福村", "1", "3"]);
    assert_eq!(summary[5], ["合计", "1", "3"]);
}

/// A phone whose clock ran a year behind registers a rental house today: the ledger counts
/// it as registered when the server first received it, not a year ago.
#[tokio::test]
async fn a_record_from_a_clock_a_year_behind_is_placed_at_its_first_receipt() {
    let township = Township::new().await;
    let worker = township.login("worker-xingfu", "phone-behind").await;
    let now = pingan_server::http::auth::now_ms();
    let year_ago = now - 365 * 24 * 60 * 60 * 1000;
    let by = Authorship {
        village: "xingfu".into(),
        created_by: "worker-xingfu".into(),
        created_at_ms: year_ago,
    };
    let house = RentalHouse::new(&by, "幸福村5组1号", "孙八", 3);
    let id = DocumentId::from_random_bytes([42; 16]);
    let mut doc = document::create(ActorId::from([42u8; 16].as_slice()), &house);
    township.upload(&worker, &id, &mut doc, &[]).await;

    let read = pingan_server::ledgers::source::township(&township.store, "青山镇")
        .await
        .unwrap();
    let placed = read.rental_houses[0].created_at_ms;
    assert!(
        (now..now + 60_000).contains(&placed),
        "placed at {placed}, a year ago was {year_ago}, now {now}"
    );
}
