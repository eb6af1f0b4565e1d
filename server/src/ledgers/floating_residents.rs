//! 流动人口登记台账: everyone living in the township at some time in the period (arrived by
//! its end, not gone before its start), merged-away duplicates left out, by arrival.
//!
//! 以房管人 on paper: each resident's rented house and its landlord beside them. The house is
//! the one the resident's record names, or else one that lists them among its tenants (a
//! worker may have registered the link from either side). 现住址 is that house's address, or
//! the address of the household the resident belongs to when no house is linked.

use std::collections::HashMap;

use pingan_shared::records::person::{FloatingResident, Person};
use pingan_shared::records::rental_house::RentalHouse;
use pingan_shared::statistics::Period;
use pingan_shared::validation::Date;

use super::{Cell, Disclosure, Township};

pub(super) const COLUMNS: &[&str] = &[
    "序号",
    "姓名",
    "性别",
    "公民身份号码",
    "出生日期",
    "来源地",
    "来到日期",
    "事由",
    "工作单位",
    "居住证号",
    "联系电话",
    "现住址",
    "租住房屋",
    "房东",
    "离开日期",
];

pub(super) fn rows(
    township: &Township,
    village: &str,
    period: Period,
    disclosure: Disclosure,
) -> Vec<Vec<Cell>> {
    let mut people: Vec<(&str, &Person, &FloatingResident)> = township
        .persons
        .with_ids()
        .filter(|(_, p)| p.village == village && p.merged_into.is_none())
        .filter_map(|(id, p)| Some((id, p, p.floating.as_ref()?)))
        .filter(|(_, _, f)| lived_here_during(f, period))
        .collect();
    people.sort_by(|a, b| (&a.2.arrival_date, &a.1.name).cmp(&(&b.2.arrival_date, &b.1.name)));
    let tenancies = houses_by_tenant(township);
    people
        .into_iter()
        .map(|(id, p, f)| {
            let house = f
                .rented_house_id
                .as_deref()
                .and_then(|house| township.rental_houses.get(house))
                .or_else(|| tenancies.get(id).copied());
            let home = p
                .household_id
                .as_deref()
                .and_then(|household| township.households.get(household))
                .map(|h| h.address.as_str());
            let lives_at = house.map(|h| h.address.as_str()).or(home);
            vec![
                Cell::text(&p.name),
                Cell::text(p.sex.map(|s| s.label_zh()).unwrap_or_default()),
                Cell::text(
                    p.citizen_id
                        .as_deref()
                        .map(|c| disclosure.citizen_id(c))
                        .unwrap_or_default(),
                ),
                Cell::text(p.birth_date.clone().unwrap_or_default()),
                Cell::text(&f.origin),
                Cell::text(&f.arrival_date),
                Cell::text(f.reason.label_zh()),
                Cell::text(f.employer.clone().unwrap_or_default()),
                Cell::text(f.residence_permit_number.clone().unwrap_or_default()),
                Cell::text(
                    p.phone
                        .as_deref()
                        .map(|phone| disclosure.phone(phone))
                        .unwrap_or_default(),
                ),
                Cell::text(lives_at.unwrap_or_default()),
                Cell::text(house.map(|h| h.address.as_str()).unwrap_or_default()),
                Cell::text(house.map(|h| h.landlord_name.as_str()).unwrap_or_default()),
                Cell::text(f.departure_date.clone().unwrap_or_default()),
            ]
        })
        .collect()
}

fn lived_here_during(f: &FloatingResident, period: Period) -> bool {
    let arrived = Date::parse(&f.arrival_date).is_ok_and(|d| d <= period.to);
    let still_here = f
        .departure_date
        .as_deref()
        .and_then(|d| Date::parse(d).ok())
        .is_none_or(|d| d >= period.from);
    arrived && still_here
}

/// Person id → the first house (in id order) that lists them as a tenant.
fn houses_by_tenant(township: &Township) -> HashMap<&str, &RentalHouse> {
    let mut tenancies = HashMap::new();
    for house in township.rental_houses.iter() {
        for tenant in &house.tenant_ids {
            tenancies.entry(tenant.as_str()).or_insert(house);
        }
    }
    tenancies
}
