//! The product page (`/p/{id}`): pictures, prices, the buy box, open groups, the story and
//! the posts that feature it.

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{
    href, href_with, path, GroupOffer, GroupPrice, PostSummary, Product, Route, StoryBlock,
};

use crate::components::open_groups::OpenGroups;
use crate::components::share::ShareButton;
use crate::i18n::{fill, use_i18n};
use crate::state::cart::{add_to_cart, use_cart};
use crate::state::session::{sign_in_href, use_session};
use crate::task::spawn;
use crate::ui::avatar::Avatar;
use crate::ui::countdown::provide_clock;
use crate::ui::gallery::Gallery;
use crate::ui::head::{page_title, set_head};
use crate::ui::image::Img;
use crate::ui::price::{format_money, Prices};
use crate::ui::remote::{fetch, loaded};

/// "2人团 ¥19.90 · 单买 ¥29.90" for the meta description, in the page's language.
fn price_line(product: &Product, strings: &crate::i18n::Strings) -> String {
    let solo = format_money(&product.solo_price);
    match &product.group_offer {
        Some(offer) => format!(
            "{} {} · {} {}",
            fill(strings.group_of, "n", &offer.size.to_string()),
            format_money(&offer.price),
            strings.solo,
            solo
        ),
        None => solo,
    }
}

#[component]
fn Story(blocks: Vec<StoryBlock>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="story">
            <h2>{move || i18n.t().story}</h2>
            {blocks
                .into_iter()
                .map(|block| match block {
                    StoryBlock::Text { text } => view! { <p>{text}</p> }.into_any(),
                    StoryBlock::Image { image } => {
                        view! {
                            <figure>
                                <Img image />
                            </figure>
                        }
                            .into_any()
                    }
                })
                .collect_view()}
        </section>
    }
}

#[component]
fn FeaturedIn(posts: Vec<PostSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let list = if posts.is_empty() {
        view! { <p class="muted">{move || i18n.t().no_posts_yet}</p> }.into_any()
    } else {
        view! {
            <ul class="featured-list">
                {posts
                    .into_iter()
                    .map(|post| {
                        view! {
                            <li>
                                <a href=href(Route::Post(post.id)) class="featured-item">
                                    {post
                                        .image
                                        .map(|image| {
                                            view! { <Img image class="featured-image" sizes="64px" /> }
                                        })}
                                    <span class="featured-text">
                                        <span class="featured-title">{post.title}</span>
                                        <span class="featured-author">
                                            <Avatar author=post.author.clone() />
                                            {post.author.name}
                                        </span>
                                    </span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="featured">
            <h2>{move || i18n.t().featured_in}</h2>
            {list}
        </section>
    }
}

#[component]
fn ProductView(product: Product) -> impl IntoView {
    let i18n = use_i18n();
    let t = i18n.t_untracked();
    set_head(
        &page_title(&product.title, t.app_name),
        &format!("{} · {}", price_line(&product, t), product.subtitle),
    );
    let group = product.group_offer.as_ref().map(|offer| GroupPrice {
        price: offer.price.clone(),
        size: offer.size,
    });
    let window = product
        .group_offer
        .as_ref()
        .map(|offer| offer.window_hours.to_string());
    let stock = product.stock;
    // One ticker for every countdown on the page.
    provide_clock();
    // Every product has a picture (the server checks); the card is what a cart keeps.
    let card = product
        .gallery
        .first()
        .cloned()
        .map(|image| quanzi_api::ProductCard {
            id: product.id,
            title: product.title.clone(),
            image,
            solo_price: product.solo_price.clone(),
            group: group.clone(),
        });
    let offer = product.group_offer.clone();
    view! {
        <article class="product-page">
            <Gallery images=product.gallery eager=true />
            <div class="product-page-body">
                <h1>{product.title.clone()}</h1>
                <p class="product-subtitle">{product.subtitle}</p>
                <Prices solo=product.solo_price group=group large=true />
                <p class="product-facts">
                    {window
                        .map(|hours| {
                            view! {
                                <span>{move || fill(i18n.t().group_window, "h", &hours)}</span>
                            }
                        })}
                    <span class:sold-out=stock == 0>
                        {move || {
                            if stock == 0 {
                                i18n.t().sold_out.to_owned()
                            } else {
                                fill(i18n.t().stock_left, "n", &stock.to_string())
                            }
                        }}
                    </span>
                </p>
                <p class="product-community">
                    {move || i18n.t().from_community}
                    " "
                    <a href=href(Route::Community(product.community.slug.clone()))>
                        {product.community.name}
                    </a>
                </p>
                {card.map(|card| view! { <BuyBox card offer=offer.clone() stock /> })}
                <OpenGroups product_id=product.id />
                <ShareButton path=href(Route::Product(product.id)) title=product.title.clone() />
                <Story blocks=product.story />
                <FeaturedIn posts=product.posts />
            </div>
        </article>
    }
}

/// Start a group at the group price, or put it in the cart at the solo price.
#[component]
fn BuyBox(card: quanzi_api::ProductCard, offer: Option<GroupOffer>, stock: u32) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let count = use_cart();
    let added = RwSignal::new(None::<Result<(), &'static str>>);
    let pending = RwSignal::new(false);
    let id = card.id;
    let solo = format_money(&card.solo_price);
    let add = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        let lang = i18n.lang.get_untracked();
        let card = card.clone();
        spawn(async move {
            added.set(Some(add_to_cart(session, count, card, 1, lang).await));
            pending.set(false);
        });
    };
    let start = move || {
        let checkout = href_with(Route::Checkout, &[("start", &id.to_string())]);
        if session.me.with(Option::is_some) {
            checkout
        } else {
            sign_in_href(&checkout)
        }
    };
    if stock == 0 {
        return view! { <p class="sold-out">{move || i18n.t().sold_out}</p> }.into_any();
    }
    view! {
        <div class="buy-box">
            {offer
                .map(|offer| {
                    let price = format_money(&offer.price);
                    let size = offer.size.to_string();
                    view! {
                        <a class="button buy-group" href=start>
                            <span>{move || fill(i18n.t().start_group, "n", &size)}</span>
                            <strong>{price}</strong>
                        </a>
                    }
                })}
            <button class="button button-quiet buy-solo" disabled=move || pending.get() on:click=add>
                <span>{move || i18n.t().add_to_cart}</span>
                <strong>{solo}</strong>
            </button>
        </div>
        {move || match added.get() {
            Some(Ok(())) => view! {
                <p class="added" role="status">
                    {move || i18n.t().added_to_cart} " " <a href=href(Route::Cart)>{move || i18n.t().go_to_cart}</a>
                </p>
            }
                .into_any(),
            Some(Err(message)) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
            None => ().into_any(),
        }}
    }
    .into_any()
}

/// `/p/{id}`, in a wasm chunk of its own.
#[wasm_split(product, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn product_page(id: i64) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <ProductPage id /> }.into_any())
}

/// `/p/{id}`.
#[component]
fn ProductPage(id: i64) -> impl IntoView {
    let product = fetch::<Product>(move || path::product(id));
    loaded(product, |product| view! { <ProductView product /> })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quanzi_api::{path, CommunityRef, GroupOffer, Money};

    fn product(group: Option<GroupOffer>) -> Product {
        Product {
            id: 1,
            title: "手冲壶".into(),
            subtitle: "细口".into(),
            gallery: vec![],
            story: vec![],
            solo_price: Money::cny(2990),
            group_offer: group,
            stock: 3,
            posts: vec![],
            community: CommunityRef {
                slug: "coffee".into(),
                name: "咖啡".into(),
            },
        }
    }

    #[test]
    fn price_line_names_group_and_solo() {
        let offer = GroupOffer {
            price: Money::cny(1990),
            size: 2,
            window_hours: 24,
        };
        let zh = crate::i18n::Lang::ZhCn.strings();
        assert_eq!(
            price_line(&product(Some(offer)), zh),
            "2人团 ¥19.90 · 单买 ¥29.90"
        );
        assert_eq!(price_line(&product(None), zh), "¥29.90");
    }
}
