//! How citizen ID numbers and phone numbers are shown where anyone passing may read them: a
//! printed ledger on a desk, an office screen. Enough stays visible to tell two people apart
//! and to match a number someone reads out; the rest is starred, as the public-security
//! guidance on personal information asks.

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
}
