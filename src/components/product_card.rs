//! A product inside a post, a community's recommendations or a group: picture, title and
//! prices, one tap to its page.

use leptos::prelude::*;
use quanzi_api::{href, variant, Route};

use crate::ui::image::Img;
use crate::ui::price::Prices;

/// A product inside a post: picture, title and prices, one tap to its page.
#[component]
pub fn ProductCard(
    card: quanzi_api::ProductCard,
    /// The page's subject (a group's product): its picture across the card, loaded first.
    #[prop(optional)]
    large: bool,
) -> impl IntoView {
    let (class, sizes) = if large {
        ("product-card product-card-large", variant::COLUMN_SIZES)
    } else {
        ("product-card", variant::CARD_SIZES)
    };
    view! {
        <a href=href(Route::Product(card.id)) class=class>
            <Img image=card.image class="product-card-image" sizes eager=large />
            <span class="product-card-text">
                <span class="product-card-title">{card.title}</span>
                <Prices solo=card.solo_price group=card.group />
            </span>
        </a>
    }
}
