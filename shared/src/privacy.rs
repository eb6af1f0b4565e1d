//! How citizen ID numbers, phone numbers and names are shown where anyone passing may read
//! them: a printed ledger on a desk, an office screen, the annual report's appendix of the
//! records behind its figures. Enough stays visible to tell two people apart and to match a
//! number someone reads out; the rest is starred, as the public-security guidance on personal
//! information asks.

use crate::validation::phone::Phone;

/// `330110199002141238` → `330110********1238`: the region (first 6) and the last 4 stay, so a
/// clerk can still tell which ID a person gave. Eight stars whatever is hidden, so an old
/// 15-digit number looks no different. A number too short to be an ID is hidden whole.
pub fn mask_citizen_id(citizen_id: &str) -> String {
    let chars: Vec<char> = citizen_id.trim().chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}********{tail}")
}

/// `13812345678` → `138****5678`: the carrier prefix and the last 4. Any other number (a
/// landline, a local number) keeps its first 3 and last 2 with a star for each character
/// between: `0571-88812345` → `057********45`. Five characters or fewer leave nothing to
/// hide behind, so they are starred whole.
pub fn mask_phone(phone: &str) -> String {
    if let Ok(Phone::Mobile(digits)) = Phone::parse(phone) {
        return format!("{}****{}", &digits[..3], &digits[7..]);
    }
    let chars: Vec<char> = phone.trim().chars().collect();
    if chars.len() <= 5 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 5))
}

/// `张三丰` → `张**`: a person named in a printed appendix keeps the surname and one star per
/// character of the given name, so a reader can tell that someone was counted without learning
/// who. The common two-character surnames (欧阳, 司马, …) stay whole when a given name follows;
/// the `·` between the parts of a transliterated name stays, so the name's shape shows.
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    let surname = COMPOUND_SURNAMES
        .iter()
        .find(|s| name.starts_with(**s) && name.chars().count() > 2)
        .map_or_else(|| name.chars().take(1).collect(), |s| (*s).to_owned());
    let given = name[surname.len()..]
        .chars()
        .map(|c| if c == '·' { c } else { '*' });
    surname.chars().chain(given).collect()
}

const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文",
    "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "呼延", "澹台", "申屠",
];

/// Free text with every phone or ID number in it starred: a worker may type a party's number
/// into a summary, and the summary is printed where the number must not be. A number is seven
/// or more digits (a local landline is seven), counted across the single spaces or dashes people
/// write inside one (`138-1234-5678`); an ID's final `X` goes with its digits. Shorter runs
/// (`3组`, `8号`, a year) and dates (`2022-12-20`) stay as written. Full-width digits count as
/// digits.
pub fn mask_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !is_digit(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The run: digits, each separator between two digits, an X closing an ID.
        let mut end = i;
        let mut digits = 0;
        while end < chars.len() {
            if is_digit(chars[end]) {
                digits += 1;
                end += 1;
            } else if matches!(chars[end], ' ' | '-' | '－')
                && chars.get(end + 1).is_some_and(|&c| is_digit(c))
            {
                end += 1;
            } else {
                break;
            }
        }
        if digits >= 14 && chars.get(end).is_some_and(|c| matches!(c, 'X' | 'x')) {
            end += 1;
        }
        let run = chars[i..end].iter();
        if digits >= 7 && !is_date(&chars[i..end]) {
            out.extend(run.map(|_| '*'));
        } else {
            out.extend(run);
        }
        i = end;
    }
    out
}

/// `2022-12-20`: digits in groups of four, two and two (or one) joined by dashes.
fn is_date(run: &[char]) -> bool {
    let text: String = run.iter().collect();
    let groups: Vec<usize> = text.split('-').map(|g| g.chars().count()).collect();
    matches!(groups[..], [4, 1..=2, 1..=2]) && !text.contains(' ')
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_number_shows_its_region_and_last_four() {
        assert_eq!(mask_citizen_id("330110199002141238"), "330110********1238");
        assert_eq!(mask_citizen_id("11010519491231002X"), "110105********002X");
        assert_eq!(
            mask_citizen_id(" 330110199002141238 "),
            "330110********1238"
        );
    }

    #[test]
    fn an_old_fifteen_digit_id_number_is_starred_the_same_way() {
        assert_eq!(mask_citizen_id("330110900214123"), "330110********4123");
    }

    #[test]
    fn a_number_too_short_to_be_an_id_is_hidden_whole() {
        assert_eq!(mask_citizen_id("1234567890"), "**********");
        assert_eq!(mask_citizen_id(""), "");
    }

    #[test]
    fn a_mobile_shows_its_first_three_and_last_four() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        // However it was written: the stored form is the digits alone.
        assert_eq!(mask_phone("+86 138-1234-5678"), "138****5678");
    }

    #[test]
    fn a_landline_or_local_number_shows_its_first_three_and_last_two() {
        assert_eq!(mask_phone("0571-88812345"), "057********45");
        assert_eq!(mask_phone("88812345"), "888***45");
        assert_eq!(mask_phone("123456"), "123*56");
    }

    #[test]
    fn a_short_number_is_hidden_whole() {
        assert_eq!(mask_phone("12345"), "*****");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn masking_never_shows_more_than_it_keeps() {
        for phone in ["13812345678", "0571-88812345", "88812345", "021-5555666"] {
            let shown = mask_phone(phone);
            let visible = shown.chars().filter(|c| *c != '*').count();
            assert!(visible <= 7, "{phone} shows {shown}");
            assert!(shown.contains('*'), "{phone} shows {shown}");
        }
    }

    #[test]
    fn a_name_shows_its_surname_and_a_star_for_each_character_of_the_given_name() {
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name("李梅"), "李*");
        assert_eq!(mask_name(" 王建国 "), "王**");
        assert_eq!(mask_name("欧阳娜娜"), "欧阳**");
        assert_eq!(
            mask_name("欧阳"),
            "欧*",
            "no given name follows: 欧 is the surname"
        );
        assert_eq!(mask_name("阿依古丽·买买提"), "阿***·***");
        assert_eq!(mask_name("张"), "张");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn numbers_in_free_text_are_starred_and_house_numbers_stay() {
        assert_eq!(
            mask_numbers("3组张某（13812345678）与邻居8号争执"),
            "3组张某（***********）与邻居8号争执"
        );
        assert_eq!(mask_numbers("电话138-1234-5678。"), "电话*************。");
        assert_eq!(
            mask_numbers("身份证11010519491231002X"),
            "身份证******************"
        );
        assert_eq!(mask_numbers("座机8881234"), "座机*******");
        assert_eq!(
            mask_numbers("２０２２年拨打１３８１２３４５６７８"),
            "２０２２年拨打***********"
        );
        assert_eq!(mask_numbers("2022年3月 12 户"), "2022年3月 12 户");
        assert_eq!(mask_numbers("123456"), "123456");
        assert_eq!(mask_numbers("限2022-12-20前整改"), "限2022-12-20前整改");
        assert_eq!(mask_numbers("0571-88812345"), "*************");
    }
}
