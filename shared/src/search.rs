//! Matching what a worker types into a search box against a record's list fields.
//!
//! Tolerant of partial input, because at the door a worker remembers "王建", the last four
//! digits of a phone, or part of an ID number: every word typed must appear somewhere in one
//! of the fields. Spaces, hyphens and full-width digits and letters (what a Chinese input method
//! produces) are ignored or folded, and `x` matches the check character `X`.

/// A parsed search box: the words that must all be found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    terms: Vec<String>,
}

impl Query {
    pub fn parse(input: &str) -> Self {
        let terms = input
            .split(|c: char| c.is_whitespace() || c == '\u{3000}' || c == ',' || c == '，')
            .map(normalise)
            .filter(|t| !t.is_empty())
            .collect();
        Self { terms }
    }

    /// Nothing typed: everything matches.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Every word is found in at least one of `fields`.
    pub fn matches<'a>(&self, fields: impl IntoIterator<Item = &'a str>) -> bool {
        if self.terms.is_empty() {
            return true;
        }
        let fields: Vec<String> = fields.into_iter().map(normalise).collect();
        self.terms
            .iter()
            .all(|term| fields.iter().any(|field| field.contains(term.as_str())))
    }
}

/// Folds the ways one value gets typed into one form.
fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '－' | '\u{3000}'))
        .map(|c| match c {
            // Full-width ASCII block (０–９, Ａ–Ｚ, ａ–ｚ …) to its half-width twin.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finds(query: &str, fields: &[&str]) -> bool {
        Query::parse(query).matches(fields.iter().copied())
    }

    #[test]
    fn part_of_a_name_finds_the_person() {
        assert!(finds("王建", &["王建国", "幸福村3组12号"]));
        assert!(!finds("王建军", &["王建国"]));
    }

    #[test]
    fn the_last_digits_of_a_phone_or_id_number_find_the_record() {
        assert!(finds("8000", &["张伟", "13800138000"]));
        assert!(finds("1231002x", &["11010519491231002X"]));
    }

    #[test]
    fn every_word_must_match_some_field() {
        assert!(finds("王 3组", &["王建国", "幸福村3组12号"]));
        assert!(!finds("王 5组", &["王建国", "幸福村3组12号"]));
    }

    #[test]
    fn spaces_hyphens_and_full_width_digits_are_ignored_or_folded() {
        assert!(finds("138 0013 8000", &["13800138000"]));
        assert!(finds("057188886666", &["0571-88886666"]));
        assert!(finds("１３８００", &["13800138000"]));
        assert!(finds("3组　12号", &["幸福村3组12号"]));
    }

    #[test]
    fn an_empty_box_matches_everything() {
        assert!(Query::parse("  ").is_empty());
        assert!(finds("", &[]));
        assert!(!finds("王", &[]));
    }
}
