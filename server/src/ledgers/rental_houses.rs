//! 出租房屋台账: houses registered by the end of the period, by address.

use pingan_shared::records::rental_house::RentalHouse;
use pingan_shared::statistics::{Period, china_date};

use super::{Cell, Disclosure, Township};

pub(super) const COLUMNS: &[&str] = &[
    "序号",
    "房屋地址",
    "房东姓名",
    "房东电话",
    "间数",
    "租住人数",
    "治安责任书签订日期",
    "最近安全检查日期",
];

pub(super) fn rows(
    township: &Township,
    village: &str,
    period: Period,
    disclosure: Disclosure,
) -> Vec<Vec<Cell>> {
    let mut houses: Vec<&RentalHouse> = township
        .rental_houses
        .iter()
        .filter(|h| h.village == village && china_date(h.created_at_ms) <= period.to)
        .collect();
    houses.sort_by(|a, b| a.address.cmp(&b.address));
    houses
        .into_iter()
        .map(|h| {
            vec![
                Cell::text(&h.address),
                Cell::text(&h.landlord_name),
                Cell::text(
                    h.landlord_phone
                        .as_deref()
                        .map(|p| disclosure.phone(p))
                        .unwrap_or_default(),
                ),
                Cell::count(h.rooms as usize),
                Cell::count(h.tenant_ids.len()),
                Cell::text(
                    h.responsibility_letter_signed_on
                        .clone()
                        .unwrap_or_default(),
                ),
                Cell::text(h.last_safety_check_on.clone().unwrap_or_default()),
            ]
        })
        .collect()
}
