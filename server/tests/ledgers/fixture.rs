//! The records every ledger test reads back ([`fill`]), and reading a ledger: the download,
//! its workbook, its sheets' rows as text.

use std::io::Cursor;

use automerge::ActorId;
use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
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

use crate::support::{Login, NOW_MS, Township};

/// The year [`fill`]'s records fall in.
pub const PERIOD: &str = "?from=2023-01-01&to=2023-12-31";

fn by(village: &str) -> Authorship {
    Authorship {
        village: village.into(),
        created_by: format!("worker-{village}"),
        created_at_ms: NOW_MS,
    }
}

/// The records the tests expect in the ledgers, uploaded as the villages' workers would.
pub async fn fill(township: &Township) {
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

pub async fn get(township: &Township, login: &Login, uri: &str) -> (StatusCode, Vec<u8>) {
    township.get_bytes(login, uri).await
}

pub async fn workbook(township: &Township, login: &Login, uri: &str) -> Xlsx<Cursor<Vec<u8>>> {
    let (status, body) = get(township, login, uri).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&body)
    );
    open_workbook_from_rs(Cursor::new(body)).expect("a readable XLSX workbook")
}

pub async fn text(township: &Township, login: &Login, uri: &str) -> String {
    let (status, body) = get(township, login, uri).await;
    assert_eq!(status, StatusCode::OK);
    String::from_utf8(body).unwrap()
}

/// Every row of a sheet as text, from the first row (the title).
pub fn rows(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<Vec<String>> {
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
