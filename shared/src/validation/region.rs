//! Region names (行政区划) for the first six digits of a citizen ID number, so a registration
//! form can fill in where a floating resident comes from (来源地) as soon as the number is typed.
//!
//! Not the whole national table (about 3,000 counties, 100 KB that every phone would download):
//! every province, the prefectures most migrant workers in an eastern industrial township come
//! from, and the counties the demo township uses. An unknown prefecture falls back to its
//! province, which is what the record requires; the worker can add the rest by hand.

use super::citizen_id::province_for;

/// Prefecture-level codes (first four digits) with their names, provinces' capitals and the
/// big sources of migrant labour.
const PREFECTURES: &str = "1301石家庄市 1401太原市 1501呼和浩特市 \
    2101沈阳市 2201长春市 2301哈尔滨市 \
    3201南京市 3202无锡市 3205苏州市 3208淮安市 3213宿迁市 \
    3301杭州市 3302宁波市 3303温州市 3304嘉兴市 3305湖州市 3306绍兴市 3307金华市 3311丽水市 \
    3401合肥市 3404淮南市 3412阜阳市 3413宿州市 3415六安市 3416亳州市 \
    3501福州市 3505泉州市 3601南昌市 3607赣州市 3609宜春市 3611上饶市 \
    3701济南市 3702青岛市 3713临沂市 3714德州市 3717菏泽市 \
    4101郑州市 4113南阳市 4114商丘市 4115信阳市 4116周口市 4117驻马店市 \
    4201武汉市 4209孝感市 4210荆州市 4211黄冈市 \
    4301长沙市 4305邵阳市 4307常德市 4309益阳市 4310郴州市 4312怀化市 4313娄底市 \
    4401广州市 4403深圳市 4501南宁市 4503桂林市 4601海口市 \
    5101成都市 5105泸州市 5110内江市 5113南充市 5116广安市 5117达州市 5120资阳市 \
    5201贵阳市 5203遵义市 5205毕节市 5301昆明市 5306昭通市 5401拉萨市 \
    6101西安市 6201兰州市 6301西宁市 6401银川市 6501乌鲁木齐市";

/// Counties (all six digits) the demo township's residents come from, written out in full.
const COUNTIES: &str = "330106杭州市西湖区 330110杭州市余杭区 330111杭州市富阳区 \
    330122杭州市桐庐县 330182杭州市建德市 \
    510122成都市双流区 500235云阳县 420106武汉市武昌区 430102长沙市芙蓉区 \
    430524邵阳市隆回县 360102南昌市东湖区 410102郑州市中原区 411522信阳市光山县 \
    341221阜阳市临泉县 450102南宁市兴宁区 520102贵阳市南明区";

/// Province-level municipalities: their second two digits name districts and counties, not
/// prefectures, so the province name alone is the prefecture.
const MUNICIPALITIES: [&str; 4] = ["11", "12", "31", "50"];

/// The region a six-digit code names, as precisely as the tables know it: "四川省成都市双流区",
/// "四川省南充市", or just "四川省". `None` when even the province is unknown.
pub fn region_name(code: &str) -> Option<String> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let province = province_for(&code[..2])?;
    let lookup = |table: &'static str, key: &str| {
        table
            .split_whitespace()
            .find_map(|entry| entry.strip_prefix(key))
    };
    if let Some(county) = lookup(COUNTIES, code) {
        return Some(format!("{province}{county}"));
    }
    if MUNICIPALITIES.contains(&&code[..2]) {
        return Some(province.to_owned());
    }
    Some(match lookup(PREFECTURES, &code[..4]) {
        Some(prefecture) => format!("{province}{prefecture}"),
        None => province.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generator::names::ORIGINS;

    #[test]
    fn a_known_county_is_named_in_full() {
        assert_eq!(region_name("510122").as_deref(), Some("四川省成都市双流区"));
    }

    #[test]
    fn an_unlisted_county_falls_back_to_its_prefecture_then_its_province() {
        assert_eq!(region_name("511302").as_deref(), Some("四川省南充市"));
        assert_eq!(region_name("519901").as_deref(), Some("四川省"));
    }

    #[test]
    fn municipalities_are_named_once() {
        assert_eq!(region_name("110105").as_deref(), Some("北京市"));
        assert_eq!(region_name("500235").as_deref(), Some("重庆市云阳县"));
    }

    #[test]
    fn codes_that_are_not_regions_have_no_name() {
        for code in ["990101", "51012", "5101a2", ""] {
            assert_eq!(region_name(code), None, "{code:?}");
        }
    }

    #[test]
    fn every_origin_of_the_demo_township_is_named_as_the_generator_writes_it() {
        for (code, written, _) in ORIGINS {
            assert_eq!(region_name(code).as_deref(), Some(*written), "{code}");
        }
    }

    #[test]
    fn every_prefecture_belongs_to_a_known_province() {
        for entry in PREFECTURES.split_whitespace() {
            let province = province_for(&entry[..2]);
            assert!(province.is_some(), "{entry}");
            assert!(!MUNICIPALITIES.contains(&&entry[..2]), "{entry}");
        }
    }
}
