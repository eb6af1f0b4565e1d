//! The ledgers built in memory: references followed to the records they name, and numbers
//! starred by default. (`server/tests/ledgers/` checks the same through HTTP and XLSX.)

use pingan_shared::records::Authorship;
use pingan_shared::records::dispute::Party;
use pingan_shared::records::person::FloatingResident;
use pingan_shared::records::vocabulary::{DisputeCategory, DisputeSource, FloatingReason};

use super::*;

fn by() -> Authorship {
    Authorship {
        village: "xingfu".into(),
        created_by: "worker".into(),
        created_at_ms: 0,
    }
}

fn year_2022() -> Period {
    Period {
        from: Date::parse("2022-01-01").unwrap(),
        to: Date::parse("2022-12-31").unwrap(),
    }
}

fn floating(name: &str) -> Person {
    let mut person = Person::new(&by(), name);
    person.floating = Some(FloatingResident {
        origin: "四川省".into(),
        arrival_date: "2022-03-01".into(),
        reason: FloatingReason::Work,
        employer: None,
        rented_house_id: None,
        residence_permit_number: None,
        departure_date: None,
    });
    person
}

fn township() -> Township {
    let mut lodger = floating("租客甲");
    lodger.floating.as_mut().unwrap().rented_house_id = Some("house-1".into());
    lodger.citizen_id = Some("330110199002141238".into());
    lodger.phone = Some("13812345678".into());
    let mut family = floating("投亲乙");
    family.household_id = Some("household-1".into());
    let house = RentalHouse::new(&by(), "幸福村3组12号", "周房东", 2);
    let mut dispute = Dispute::new(
        &by(),
        "2022-04-01",
        DisputeCategory::Neighbour,
        DisputeSource::Screening,
        "通行纠纷",
    );
    dispute.parties = vec![Party {
        name: "只知姓名".into(),
        person_id: None,
        phone: None,
    }];
    Township {
        name: "青山镇".into(),
        villages: BTreeMap::from([("xingfu".into(), "幸福村".into())]),
        persons: [("p1".to_owned(), lodger), ("p2".to_owned(), family)]
            .into_iter()
            .collect(),
        households: [(
            "household-1".to_owned(),
            Household::new(&by(), "1组", "幸福村1组3号", "户主丙"),
        )]
        .into_iter()
        .collect(),
        rental_houses: [("house-1".to_owned(), house)].into_iter().collect(),
        disputes: vec![dispute],
        outreach_visits: Vec::new(),
        work: Default::default(),
    }
}

fn column(ledger: &Ledger, name: &str) -> Vec<String> {
    let sheet = &ledger.sheets[0];
    let at = sheet.columns.iter().position(|c| c == name).unwrap();
    sheet.rows.iter().map(|row| row[at].as_text()).collect()
}

fn ledger(kind: LedgerKind, disclosure: Disclosure) -> Ledger {
    let printed = Date::parse("2023-01-05").unwrap();
    build(kind, &township(), year_2022(), printed, disclosure)
}

#[test]
fn a_floating_resident_lives_at_the_rented_house_or_else_at_the_household() {
    let ledger = ledger(LedgerKind::FloatingResidents, Disclosure::Masked);
    assert_eq!(column(&ledger, "姓名"), ["投亲乙", "租客甲"]);
    assert_eq!(column(&ledger, "现住址"), ["幸福村1组3号", "幸福村3组12号"]);
    assert_eq!(column(&ledger, "租住房屋"), ["", "幸福村3组12号"]);
    assert_eq!(column(&ledger, "房东"), ["", "周房东"]);
}

#[test]
fn id_and_phone_numbers_are_starred_unless_the_ledger_is_full() {
    let masked = ledger(LedgerKind::FloatingResidents, Disclosure::Masked);
    assert_eq!(column(&masked, "公民身份号码")[1], "330110********1238");
    assert_eq!(column(&masked, "联系电话")[1], "138****5678");
    let full = ledger(LedgerKind::FloatingResidents, Disclosure::Full);
    assert_eq!(column(&full, "公民身份号码")[1], "330110199002141238");
    assert_eq!(column(&full, "联系电话")[1], "13812345678");
}

#[test]
fn a_party_known_only_by_name_leaves_the_group_and_phone_blank() {
    let ledger = ledger(LedgerKind::Disputes, Disclosure::Masked);
    assert_eq!(column(&ledger, "当事人"), ["只知姓名"]);
    assert_eq!(column(&ledger, "村民小组"), [""]);
    assert_eq!(column(&ledger, "当事人联系电话"), [""]);
    assert_eq!(column(&ledger, "信访积案"), ["否"]);
}

#[test]
fn the_file_is_named_by_the_chinese_title_and_the_period() {
    let period = year_2022();
    assert_eq!(
        LedgerKind::Disputes.file_name(period, "xlsx"),
        "矛盾纠纷排查调处台账_2022-01-01至2022-12-31.xlsx"
    );
    assert_eq!(
        LedgerKind::Disputes.ascii_file_name(period, "csv"),
        "disputes_2022-01-01_2022-12-31.csv"
    );
}
