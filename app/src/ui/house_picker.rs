//! The rented house of a floating resident (以房管人): picked from the village's houses on the
//! device — sorted by address, searchable by address or landlord — or registered on the spot.

use leptos::prelude::*;
use pingan_shared::records::Authorship;
use pingan_shared::records::rental_house::RentalHouse;

use super::form::{Errors, TextField, natural, optional, optional_phone, sorted};
use super::{ctx, load};
use crate::store::index::RentalHouseSummary;

/// The choice that opens the new-house fields.
const NEW_HOUSE: &str = "new";

/// What the picker holds: the house chosen (its id, empty for none, or [`NEW_HOUSE`]) and the
/// new house's fields.
#[derive(Clone, Copy)]
pub struct PickedHouse {
    pub house: RwSignal<String>,
    address: RwSignal<String>,
    landlord: RwSignal<String>,
    landlord_phone: RwSignal<String>,
    rooms: RwSignal<String>,
}

impl PickedHouse {
    pub fn new() -> Self {
        Self {
            house: RwSignal::new(String::new()),
            address: RwSignal::new(String::new()),
            landlord: RwSignal::new(String::new()),
            landlord_phone: RwSignal::new(String::new()),
            rooms: RwSignal::new("1".to_owned()),
        }
    }

    /// The chosen house's id (`None`: none, or a new one) and the new house, if one is typed.
    pub fn chosen(self, by: &Authorship) -> (Option<String>, Option<RentalHouse>) {
        let choice = self.house.get_untracked();
        if choice != NEW_HOUSE {
            return (optional(&choice), None);
        }
        let mut h = RentalHouse::new(
            by,
            &self.address.get_untracked(),
            &self.landlord.get_untracked(),
            self.rooms.get_untracked().trim().parse().unwrap_or(0),
        );
        h.landlord_phone = optional_phone(&self.landlord_phone.get_untracked());
        (None, Some(h))
    }

    /// Ready for the next door.
    pub fn clear(self) {
        for field in [self.house, self.address, self.landlord, self.landlord_phone] {
            field.set(String::new());
        }
    }
}

#[component]
pub fn HousePicker(village: RwSignal<String>, house: PickedHouse, errors: Errors) -> impl IntoView {
    let ctx = ctx();
    let houses = load(move || {
        ctx.revision.track();
        let store = ctx.store();
        async move { store.list::<RentalHouseSummary>().await.unwrap_or_default() }
    });
    let filter = RwSignal::new(String::new());
    view! {
        <label for="floating-house">"租住房屋（以房管人）"</label>
        <input
            id="floating-house-search"
            type="search"
            aria-label="按地址或房东查找租住房屋"
            placeholder="按地址或房东查找"
            on:input=move |ev| filter.set(event_target_value(&ev))
        />
        <select
            id="floating-house"
            prop:value=house.house
            on:change=move |ev| house.house.set(event_target_value(&ev))
        >
            <option value="">"暂不填写 / 非租住"</option>
            {move || {
                let v = village.get();
                // `selected` on the option itself: the list may arrive after the value.
                let chosen = house.house.get();
                let wanted = filter.get();
                let wanted = wanted.trim();
                let in_village = houses
                    .get()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|h| h.village == v)
                    // The chosen house stays listed whatever the search, so it stays selected.
                    .filter(|h| {
                        h.id == chosen
                            || h.address.contains(wanted)
                            || h.landlord_name.contains(wanted)
                    })
                    .collect();
                sorted(in_village, |h| natural(&h.address))
                    .into_iter()
                    .map(|h| {
                        view! {
                            <option value=h.id.clone() selected=h.id == chosen>
                                {format!("{}（房东 {}）", h.address, h.landlord_name)}
                            </option>
                        }
                    })
                    .collect_view()
            }}
            <option value=NEW_HOUSE>"＋ 新建出租房屋"</option>
        </select>
        <Show when=move || house.house.get() == NEW_HOUSE>
            <div class="subform" id="new-house">
                <TextField id="house-address" label="房屋地址" value=house.address />
                {errors.view("house.address")}
                <TextField id="house-landlord" label="房东姓名" value=house.landlord />
                {errors.view("house.landlord_name")}
                <TextField
                    id="house-landlord-phone"
                    label="房东电话"
                    value=house.landlord_phone
                    inputmode="tel"
                />
                {errors.view("house.house.landlord_phone")}
                <TextField id="house-rooms" label="出租间数" value=house.rooms inputmode="numeric" />
                {errors.view("house.rooms")}
            </div>
        </Show>
    }
}
