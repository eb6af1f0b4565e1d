//! One walk of the records feeds both the figures and their appendix. Each record kind's
//! counting tells a [`Sink`] what every record adds to which figure; [`Tally`] adds it up into
//! [`Figures`], [`Trace`] lists the records behind one figure. A figure and the table printed
//! under it therefore cannot disagree: they are the same contributions, summed or listed.

use std::collections::{BTreeMap, BTreeSet};

use super::{Figure, Figures, OutreachMonth};
use crate::privacy::mask_numbers;
use crate::validation::Date;

/// One record behind a figure, as the annual report's appendix prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    /// The village id, as in the record.
    pub village: String,
    /// `YYYY-MM-DD`: the day the record counts on (registered, signed, held, …).
    pub on: String,
    /// The record in a few Chinese words, e.g. `邻里纠纷：3组两户因宅基地界址争执`. Never an ID
    /// or phone number; a person by surname and stars (`刘**`); a rental house by address.
    pub what: String,
    /// How much it adds to the figure: mostly 1; the materials of a publicity activity, the
    /// households of a joint-defence group. For a figure that is no sum ([`Figure::is_sum`]),
    /// 1 where its `what` first appears and 0 where it repeats.
    pub adds: usize,
}

/// Where counting sends each contribution.
pub(super) trait Sink {
    /// The record of `village` counted on `on` adds `adds` to `figure`. `what` describes it,
    /// called only when a trace lists the figure, so tallying describes nothing.
    fn add(
        &mut self,
        figure: Figure,
        adds: usize,
        village: &str,
        on: Date,
        what: impl FnOnce() -> String,
    );
}

/// Adds the contributions up.
#[derive(Default)]
pub(super) struct Tally {
    figures: Figures,
    /// Outreach visits by month, and the villages each month's visits went to.
    months: BTreeMap<String, (usize, BTreeSet<String>)>,
}

impl Tally {
    pub(super) fn figures(mut self) -> Figures {
        self.figures.outreach_months = self
            .months
            .into_iter()
            .map(|(month, (visits, villages))| {
                let villages = villages.len();
                (month, OutreachMonth { visits, villages })
            })
            .collect();
        self.figures
    }
}

impl Sink for Tally {
    fn add(
        &mut self,
        figure: Figure,
        adds: usize,
        village: &str,
        on: Date,
        _: impl FnOnce() -> String,
    ) {
        *self.figures.count_mut(figure) += adds;
        // The campaign month is read off the very visits the visit count adds up.
        if figure == Figure::OutreachVisits {
            let month = format!("{}-{:02}", on.year(), on.month());
            let (visits, villages) = self.months.entry(month).or_default();
            *visits += adds;
            if !villages.contains(village) {
                villages.insert(village.to_owned());
            }
        }
    }
}

/// Lists the contributions to one figure, in the order the records were given.
pub(super) struct Trace {
    pub(super) figure: Figure,
    pub(super) rows: Vec<Counted>,
}

impl Sink for Trace {
    fn add(
        &mut self,
        figure: Figure,
        adds: usize,
        village: &str,
        on: Date,
        what: impl FnOnce() -> String,
    ) {
        if figure == self.figure {
            self.rows.push(Counted {
                village: village.to_owned(),
                on: on.to_string(),
                what: what(),
                adds,
            });
        }
    }
}

/// Free text as the appendix prints it: numbers starred, on one line, cut to a glance.
pub(super) fn brief(text: &str) -> String {
    const MAX_CHARS: usize = 40;
    let line = mask_numbers(&text.split_whitespace().collect::<Vec<_>>().join(" "));
    if line.chars().count() <= MAX_CHARS {
        return line;
    }
    let mut cut: String = line.chars().take(MAX_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_is_printed_on_one_line_without_numbers_and_cut_to_forty_characters() {
        assert_eq!(brief(" 两户\n争执 13812345678 "), "两户 争执 ***********");
        let long = "征".repeat(50);
        let shown = brief(&long);
        assert_eq!(shown.chars().count(), 40);
        assert!(shown.ends_with('…'));
    }
}
