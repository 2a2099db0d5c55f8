//! A product inside a post, a community's recommendations or a group: picture, title and
//! prices, one tap to its page.

use leptos::prelude::*;
use quanzi_api::variant::CARD_SIZES;
use quanzi_api::{href, Route};

use crate::ui::image::Img;
use crate::ui::price::Prices;

/// A product inside a post: picture, title and prices, one tap to its page.
#[component]
pub fn ProductCard(card: quanzi_api::ProductCard) -> impl IntoView {
    view! {
        <a href=href(Route::Product(card.id)) class="product-card">
            <Img image=card.image class="product-card-image" sizes=CARD_SIZES />
            <span class="product-card-text">
                <span class="product-card-title">{card.title}</span>
                <Prices solo=card.solo_price group=card.group />
            </span>
        </a>
    }
}
