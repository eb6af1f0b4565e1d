//! Ledgers (台账) through the HTTP API, read back from the XLSX (calamine) and CSV and checked
//! against the records that went in; the annual figures against counts worked out by hand;
//! ID and phone numbers starred unless an admin asks; files named by their Chinese title.

mod support;

use std::io::Cursor;

use automerge::ActorId;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use http_body_util::BodyExt;
use pingan_shared::document::{self, DocumentId};
use pingan_shared::records::dispute::lifecycle::{self, DisputeEvent};
use pingan_shared::records::dispute::{Agreement, Closure, Dispute, MediationSession, Party};
use pingan_shared::records::household::Household;
use pingan_shared::records::outreach::{OutreachVisit, RaisedProblem};
use pingan_shared::records::person::{FloatingResident, Person};
use pingan_shared::records::rental_house::RentalHouse;
use pingan_shared::records::vocabulary::{
    AgreementKind, DisputeCategory, DisputeSource, FloatingReason, MediationResult, ProblemOutcome,
    Resolution,
};
use pingan_shared::records::{Authorship, Record};
use pingan_shared::statistics::china_date;
use support::{Backend, Login, NOW_MS, Township, on_both_backends};
use tower::ServiceExt;

on_both_backends!(
    the_dispute_ledger_lists_each_villages_disputes_of_the_period_with_a_summary,
    registers_of_floating_residents_rental_houses_and_visits_match_the_records,
    the_annual_figures_match_counts_worked_out_by_hand,
    ledgers_are_for_the_township_office_and_periods_are_checked,
    id_and_phone_numbers_are_starred_unless_an_admin_asks_for_them_whole,
    a_ledger_downloads_under_its_chinese_title,
);

const PERIOD: &str = "?from=2023-01-01&to=2023-12-31";

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

async fn ledgers_are_for_the_township_office_and_periods_are_checked(backend: Backend) {
    let township = Township::on(backend).await;
    let worker = township.login("worker-xingfu", "phone-a").await;
    let admin = township.login("admin", "office-pc").await;
    let (status, _) = get(&township, &worker, "/api/ledgers/disputes.xlsx").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = get(&township, &admin, "/api/ledgers/disputes.xlsx").await;
    assert_eq!(status, StatusCode::OK, "the current year by default");
    for (uri, expected) in [
        ("/api/ledgers/nonsense.xlsx", StatusCode::NOT_FOUND),
        ("/api/ledgers/disputes.pdf", StatusCode::NOT_FOUND),
        (
            "/api/ledgers/disputes.csv?from=2023-13-01",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/ledgers/disputes.csv?from=2023-12-01&to=2023-01-01",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (status, body) = get(&township, &admin, uri).await;
        assert_eq!(
            status,
            expected,
            "{uri}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    let (_, body) = get(
        &township,
        &admin,
        "/api/ledgers/disputes.csv?from=2023-13-01",
    )
    .await;
    assert!(String::from_utf8_lossy(&body).contains("from"));
}

async fn id_and_phone_numbers_are_starred_unless_an_admin_asks_for_them_whole(backend: Backend) {
    let township = Township::on(backend).await;
    fill(&township).await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let admin = township.login("admin", "office-pc").await;
    let uri = format!("/api/ledgers/floating-residents.csv{PERIOD}");

    let starred = text(&township, &reviewer, &uri).await;
    assert!(starred.contains("110105********002X"), "{starred}");
    assert!(starred.contains("138****0001"));
    assert!(!starred.contains("11010519491231002X"));
    assert!(!starred.contains("13800000001"));
    assert_eq!(
        text(&township, &admin, &uri).await,
        starred,
        "starred for admins too"
    );

    let whole = text(&township, &admin, &format!("{uri}&full=1")).await;
    assert!(whole.contains("11010519491231002X"), "{whole}");
    assert!(whole.contains("13800000001"));
    let (status, body) = get(&township, &reviewer, &format!("{uri}&full=1")).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only an admin takes whole numbers away"
    );
    assert!(String::from_utf8_lossy(&body).contains("admin"));
    let (status, _) = get(&township, &admin, &format!("{uri}&full=yes")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let mut disputes = workbook(
        &township,
        &admin,
        &format!("/api/ledgers/disputes.xlsx{PERIOD}&full=1"),
    )
    .await;
    assert_eq!(
        rows(&mut disputes, "幸福村")[3][6],
        "张三：13800000002、李四：13912345678"
    );
}

async fn a_ledger_downloads_under_its_chinese_title(backend: Backend) {
    let township = Township::on(backend).await;
    let reviewer = township.login("reviewer", "office-pc").await;
    let request = Request::get("/api/ledgers/disputes.xlsx?from=2022-01-01&to=2022-12-31")
        .header(header::AUTHORIZATION, format!("Bearer {}", reviewer.token))
        .header("x-pingan-device", &reviewer.device_id)
        .body(Body::empty())
        .unwrap();
    let response = township.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .expect("the header itself is ASCII")
        .to_owned();
    let _ = response.into_body().collect().await.unwrap();
    // 矛盾纠纷排查调处台账_2022-01-01至2022-12-31.xlsx, percent-encoded as UTF-8.
    let chinese: String = "矛盾纠纷排查调处台账_2022-01-01至2022-12-31.xlsx"
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    assert_eq!(
        disposition,
        format!(
            "attachment; filename=\"disputes_2022-01-01_2022-12-31.xlsx\"; filename*=UTF-8''{chinese}"
        )
    );
    assert!(
        disposition.contains("%E7%9F%9B%E7%9B%BE"),
        "矛盾: {disposition}"
    );
}

fn by(village: &str) -> Authorship {
    Authorship {
        village: village.into(),
        created_by: format!("worker-{village}"),
        created_at_ms: NOW_MS,
    }
}

/// The records the tests expect in the ledgers, uploaded as the villages' workers would.
async fn fill(township: &Township) {
    let xingfu = township.login("worker-xingfu", "phone-x").await;
    let heping = township.login("worker-heping", "phone-h").await;
    let today = china_date(NOW_MS);

    let mut march = dispute(
        "xingfu",
        "2023-03-02",
        DisputeCategory::Neighbour,
        "宅基地边界争议",
    );
    // 张三 is registered in a household of 2组, with his phone on his person record.
    let household_id = DocumentId::from_random_bytes([20; 16]);
    let household = Household::new(&by("xingfu"), "2组", "幸福村2组8号", "张三");
    let zhang_id = DocumentId::from_random_bytes([21; 16]);
    let mut zhang = Person::new(&by("xingfu"), "张三");
    zhang.household_id = Some(household_id.to_string());
    zhang.phone = Some("13800000002".into());
    march.parties[0].person_id = Some(zhang_id.to_string());
    march.parties.push(Party {
        name: "李四".into(),
        person_id: None,
        phone: Some("13912345678".into()),
    });
    let march = [
        DisputeEvent::Mediate(MediationSession {
            held_on: "2023-03-05".into(),
            mediator: "村调委会".into(),
            actions: "现场查看，召集双方".into(),
            result: MediationResult::PartlyAgreed,
        }),
        DisputeEvent::Mediate(MediationSession {
            held_on: "2023-03-08".into(),
            mediator: "司法所王调解员".into(),
            actions: "释法明理".into(),
            result: MediationResult::Agreed,
        }),
        DisputeEvent::SignAgreement(Agreement {
            kind: AgreementKind::Mediation,
            signed_on: "2023-03-10".into(),
        }),
        DisputeEvent::Close(Closure {
            by: "worker-xingfu".into(),
            on: "2023-03-10".into(),
            resolution: Resolution::Resolved,
            result: "双方签订协议，重新确界".into(),
        }),
    ]
    .into_iter()
    .fold(march, |d, event| lifecycle::apply(&d, event).unwrap());
    let mut june = dispute(
        "xingfu",
        "2023-06-15",
        DisputeCategory::Family,
        "赡养费纠纷",
    );
    june.petition_backlog = true;
    let old = dispute(
        "xingfu",
        "2022-12-20",
        DisputeCategory::Neighbour,
        "排水沟堵塞",
    );
    let may = lifecycle::apply(
        &dispute(
            "heping",
            "2023-05-20",
            DisputeCategory::Land,
            "土地承包纠纷",
        ),
        DisputeEvent::Mediate(MediationSession {
            held_on: "2023-05-22".into(),
            mediator: "和平村调委会".into(),
            actions: "核对承包合同".into(),
            result: MediationResult::NotAgreed,
        }),
    )
    .unwrap();

    let mut person = Person::new(&by("xingfu"), "王五");
    person.floating = Some(FloatingResident {
        origin: "北京市".into(),
        arrival_date: "2023-10-01".into(),
        reason: FloatingReason::Work,
        employer: Some("幸福村砖厂".into()),
        rented_house_id: None,
        residence_permit_number: None,
        departure_date: None,
    });
    person.set_citizen_id("11010519491231002X", today).unwrap();
    person.phone = Some("13800000001".into());
    let person_id = DocumentId::from_random_bytes([9; 16]);
    let mut house = RentalHouse::new(&by("xingfu"), "幸福村2组5号", "李房东", 3);
    house.tenant_ids = vec![person_id.to_string()];
    house.responsibility_letter_signed_on = Some("2023-09-01".into());
    house.landlord_phone = Some("0571-88812345".into());
    let mut visit = OutreachVisit::new(&by("xingfu"), "2023-11-01");
    visit.visitors = vec!["赵书记".into(), "钱主任".into()];
    visit.household_ids = vec!["h1".into(), "h2".into()];
    visit.problems = vec![
        RaisedProblem {
            summary: "村道坑洼".into(),
            category: "道路".into(),
            outcome: ProblemOutcome::ResolvedOnSpot,
            department: None,
        },
        RaisedProblem {
            summary: "征地补偿未到位".into(),
            category: "征地补偿".into(),
            outcome: ProblemOutcome::WaitingOnDepartment,
            department: Some("自然资源所".into()),
        },
        RaisedProblem {
            summary: "路灯不亮".into(),
            category: "道路".into(),
            outcome: ProblemOutcome::Pending,
            department: None,
        },
    ];

    let mut n = 0u8;
    let mut next_id = || {
        n += 1;
        DocumentId::from_random_bytes([n; 16])
    };
    for record in [march, june, old] {
        upload(township, &xingfu, &next_id(), &record).await;
    }
    upload(township, &heping, &next_id(), &may).await;
    upload(township, &xingfu, &person_id, &person).await;
    upload(township, &xingfu, &household_id, &household).await;
    upload(township, &xingfu, &zhang_id, &zhang).await;
    upload(township, &xingfu, &next_id(), &house).await;
    upload(township, &xingfu, &next_id(), &visit).await;
    // The records were written at NOW_MS on the devices' clocks; so were they received,
    // or the ledgers would place them by their receipt (decision 25).
    township.set_received_at(NOW_MS).await;
}

fn dispute(village: &str, on: &str, category: DisputeCategory, summary: &str) -> Dispute {
    let mut dispute = Dispute::new(
        &by(village),
        on,
        category,
        DisputeSource::Screening,
        summary,
    );
    dispute.parties = vec![Party {
        name: "张三".into(),
        person_id: None,
        phone: None,
    }];
    dispute
}

async fn upload<R: Record>(township: &Township, login: &Login, id: &DocumentId, record: &R) {
    assert_eq!(record.validate(china_date(NOW_MS)), Ok(()));
    let mut doc = document::create(ActorId::random(), record);
    township.upload(login, id, &mut doc, &[]).await;
}

async fn get(township: &Township, login: &Login, uri: &str) -> (StatusCode, Vec<u8>) {
    township.get_bytes(login, uri).await
}

async fn workbook(township: &Township, login: &Login, uri: &str) -> Xlsx<Cursor<Vec<u8>>> {
    let (status, body) = get(township, login, uri).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&body)
    );
    open_workbook_from_rs(Cursor::new(body)).expect("a readable XLSX workbook")
}

async fn text(township: &Township, login: &Login, uri: &str) -> String {
    let (status, body) = get(township, login, uri).await;
    assert_eq!(status, StatusCode::OK);
    String::from_utf8(body).unwrap()
}

/// Every row of a sheet as text, from the first row (the title).
fn rows(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<Vec<String>> {
    let range = book.worksheet_range(sheet).expect("sheet exists");
    let (start_row, _) = range.start().expect("sheet is not empty");
    assert_eq!(start_row, 0, "the title is on the first row");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
        })
        .collect()
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
