//! A product inside a post, a community's recommendations or a group: picture, title and
//! prices, one tap to its page.

use leptos::prelude::*;
use quanzi_api::{variant, Money, Route};

use crate::i18n::{fill, use_i18n};
use crate::state::referral::shared_href;
use crate::state::session::use_session;
use crate::ui::image::Img;
use crate::ui::price::{format_money, Prices};

/// "分享赚 ¥1.99" over a card's picture: what a member earns on one unit their link sells.
/// Members only (guests never see it), and only when there is something to earn. Laid over
/// the picture, so its coming once the session is known moves nothing.
#[component]
fn ShareEarn(money: Money) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let amount = format_money(&money);
    move || {
        (money.amount > 0 && session.me.with(Option::is_some)).then(|| {
            let amount = amount.clone();
            view! { <span class="share-earn">{move || fill(i18n.t().share_earn, "amount", &amount)}</span> }
        })
    }
}

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
        <a href=shared_href(Route::Product(card.id)) class=class>
            // The badge's box: the picture, not the card (a positioned card overlaps the
            // links around it for hit testing, axe's target-size finds).
            <span class="product-card-media">
                <Img image=card.image class="product-card-image" sizes eager=large />
                <ShareEarn money=card.share_earn />
            </span>
            <span class="product-card-text">
                <span class="product-card-title">{card.title}</span>
                <Prices solo=card.solo_price group=card.group />
            </span>
        </a>
    }
}
