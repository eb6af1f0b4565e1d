//! What floating residents and rental houses add: a floating resident registered in the
//! period (the record created in it, China time) and one present on its last day (arrived,
//! not departed); a rental house registered by the last day, and one whose landlord had signed
//! the 治安责任书 by then. Duplicates merged away are left out: the kept record counts.

use super::period::china_date;
use super::trace::{Sink, brief};
use super::{Figure, Scope};
use crate::privacy::mask_name;
use crate::records::person::Person;
use crate::records::rental_house::RentalHouse;
use crate::validation::Date;

pub(super) fn count(
    persons: &[Person],
    houses: &[RentalHouse],
    scope: Scope<'_>,
    sink: &mut impl Sink,
) {
    let period = scope.period;
    for person in persons
        .iter()
        .filter(|p| scope.holds(&p.village) && p.merged_into.is_none())
    {
        let Some(floating) = &person.floating else {
            continue;
        };
        let what = || {
            format!(
                "流动人口：{}（{}）",
                mask_name(&person.name),
                brief(&floating.origin)
            )
        };
        let village = person.village.as_str();
        let registered = china_date(person.created_at_ms);
        if period.contains(registered) {
            sink.add(
                Figure::FloatingResidentsRegistered,
                1,
                village,
                registered,
                what,
            );
        }
        if person.is_floating_resident_present_on(period.to)
            && let Ok(arrived) = Date::parse(&floating.arrival_date)
        {
            sink.add(Figure::FloatingResidentsPresent, 1, village, arrived, what);
        }
    }
    for house in houses.iter().filter(|h| scope.holds(&h.village)) {
        let registered = china_date(house.created_at_ms);
        if registered > period.to {
            continue;
        }
        let what = || format!("出租房屋：{}", brief(&house.address));
        let village = house.village.as_str();
        sink.add(Figure::RentalHousesRegistered, 1, village, registered, what);
        if let Some(signed) = house
            .responsibility_letter_signed_on
            .as_deref()
            .and_then(|d| Date::parse(d).ok())
            .filter(|&d| d <= period.to)
        {
            sink.add(Figure::RentalHousesWithLetter, 1, village, signed, what);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{by, year_2022};
    use super::super::{Figure, Records, trace};
    use crate::records::person::{FloatingResident, Person};
    use crate::records::vocabulary::FloatingReason;

    #[test]
    fn a_floating_resident_is_listed_by_surname_and_stars_without_id_or_phone() {
        let mut person = Person::new(&by("xingfu"), "张三丰");
        person.citizen_id = Some("11010519491231002X".into());
        person.phone = Some("13812345678".into());
        person.floating = Some(FloatingResident {
            origin: "四川省".into(),
            arrival_date: "2021-12-20".into(),
            reason: FloatingReason::Work,
            employer: None,
            rented_house_id: None,
            residence_permit_number: Some("510100202100123".into()),
            departure_date: None,
        });
        let persons = [person];
        let records = Records {
            persons: &persons,
            ..Records::default()
        };
        let rows = trace(records, None, year_2022(), Figure::FloatingResidentsPresent);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].what, "流动人口：张**（四川省）");
        assert_eq!(rows[0].on, "2021-12-20");
    }
}
