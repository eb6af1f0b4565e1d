//! Which screen is open, and the same screen again after a reload.
//!
//! Not in the URL: the app is one page that must open offline. The open screen is kept in the
//! tab's `sessionStorage` under the worker's name, so a reload (or the browser reviving the tab)
//! lands where the worker was — on a half-typed form, whose draft is then offered back — and a
//! new tab, or the next worker on a shared phone, starts from the list.

/// Which screen is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Households,
    Household(String),
    Floating,
    /// Registering a floating resident (`None`) or correcting one.
    FloatingForm(Option<String>),
    RentalHouses,
    /// Registering a rental house (`None`) or one house with its tenants.
    RentalHouse(Option<String>),
    Disputes,
    DisputeNew,
    Dispute(String),
    Visits,
    /// Recording an outreach visit (`None`) or updating one.
    Visit(Option<String>),
    /// The township office's screens (office bundle only).
    #[cfg(feature = "office")]
    Office(crate::office::Page),
}

const KEY: &str = "pingan.screen";

impl Screen {
    /// One of the tabs' lists, where the week's screening reminder is shown (not over a form).
    pub fn is_list(&self) -> bool {
        matches!(
            self,
            Screen::Households
                | Screen::Floating
                | Screen::RentalHouses
                | Screen::Disputes
                | Screen::Visits
        )
    }

    /// The screen as kept: a name and the record it shows, if any (`household/<id>`).
    fn key(&self) -> String {
        let (name, id): (&str, Option<&String>) = match self {
            Screen::Households => ("households", None),
            Screen::Household(id) => ("household", Some(id)),
            Screen::Floating => ("floating", None),
            Screen::FloatingForm(id) => ("floating-form", id.as_ref()),
            Screen::RentalHouses => ("rental", None),
            Screen::RentalHouse(id) => ("rental-house", id.as_ref()),
            Screen::Disputes => ("disputes", None),
            Screen::DisputeNew => ("dispute-new", None),
            Screen::Dispute(id) => ("dispute", Some(id)),
            Screen::Visits => ("visits", None),
            Screen::Visit(id) => ("visit", id.as_ref()),
            #[cfg(feature = "office")]
            Screen::Office(page) => return format!("office-{}", page.key()),
        };
        match id {
            Some(id) => format!("{name}/{id}"),
            None => name.to_owned(),
        }
    }

    fn from_key(key: &str) -> Option<Screen> {
        let (name, id) = match key.split_once('/') {
            Some((name, id)) => (name, Some(id.to_owned())),
            None => (key, None),
        };
        Some(match (name, id) {
            ("households", None) => Screen::Households,
            ("household", Some(id)) => Screen::Household(id),
            ("floating", None) => Screen::Floating,
            ("floating-form", id) => Screen::FloatingForm(id),
            ("rental", None) => Screen::RentalHouses,
            ("rental-house", id) => Screen::RentalHouse(id),
            ("disputes", None) => Screen::Disputes,
            ("dispute-new", None) => Screen::DisputeNew,
            ("dispute", Some(id)) => Screen::Dispute(id),
            ("visits", None) => Screen::Visits,
            ("visit", id) => Screen::Visit(id),
            #[cfg(feature = "office")]
            _ => Screen::Office(crate::office::Page::from_key(key.strip_prefix("office-")?)?),
            #[cfg(not(feature = "office"))]
            _ => return None,
        })
    }
}

/// Whether `open` sits under the tab that opens `tab`.
pub fn same_tab(open: &Screen, tab: &Screen) -> bool {
    let family = |s: &Screen| match s {
        Screen::Households | Screen::Household(_) => 0,
        Screen::Floating | Screen::FloatingForm(_) => 1,
        Screen::RentalHouses | Screen::RentalHouse(_) => 2,
        Screen::Disputes | Screen::DisputeNew | Screen::Dispute(_) => 3,
        Screen::Visits | Screen::Visit(_) => 4,
        #[cfg(feature = "office")]
        Screen::Office(page) => 10 + page.tab(),
    };
    family(open) == family(tab)
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The screen `user` had open in this tab before a reload.
pub fn kept(user: &str) -> Option<Screen> {
    let kept = session_storage()?.get_item(KEY).ok().flatten()?;
    let (who, key) = kept.split_once('\u{1f}')?;
    (who == user).then(|| Screen::from_key(key)).flatten()
}

pub fn keep(user: &str, screen: &Screen) {
    if let Some(storage) = session_storage() {
        // A convenience: without it a reload lands on the first screen.
        let _ = storage.set_item(KEY, &format!("{user}\u{1f}{}", screen.key()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_screen_reads_back_as_itself() {
        let id = || "0123abcd".to_owned();
        for screen in [
            Screen::Households,
            Screen::Household(id()),
            Screen::Floating,
            Screen::FloatingForm(None),
            Screen::FloatingForm(Some(id())),
            Screen::RentalHouses,
            Screen::RentalHouse(None),
            Screen::RentalHouse(Some(id())),
            Screen::Disputes,
            Screen::DisputeNew,
            Screen::Dispute(id()),
            Screen::Visits,
            Screen::Visit(None),
            Screen::Visit(Some(id())),
            #[cfg(feature = "office")]
            Screen::Office(crate::office::Page::Record(id())),
            #[cfg(feature = "office")]
            Screen::Office(crate::office::Page::Ledgers),
        ] {
            assert_eq!(Screen::from_key(&screen.key()), Some(screen));
        }
    }

    #[test]
    fn an_unknown_screen_is_none() {
        assert_eq!(Screen::from_key("household"), None);
        assert_eq!(Screen::from_key("elsewhere/1"), None);
    }
}
