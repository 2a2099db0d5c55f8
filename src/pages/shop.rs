//! A member's shop (`/s/{code}`): who keeps it, the products they feature and their posts
//! that tag products. Every link on it carries their code ([`SharedBy`]), so whatever a
//! visitor opens from it, and forwards, is credited to them. Its words live here, in its
//! own pack.

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{href, path, Route, Shop};

use crate::components::post_card::PostCard;
use crate::components::product_card::ProductCard;
use crate::components::share::ShareButton;
use crate::i18n::{fill, use_i18n, Lang};
use crate::state::referral::SharedBy;
use crate::state::session::use_session;
use crate::ui::avatar::Avatar;
use crate::ui::head::{page_title, set_head};
use crate::ui::remote::{fetch, loaded};

struct Words {
    /// `{name}`.
    title: &'static str,
    /// `{n}`.
    picks: &'static str,
    products: &'static str,
    posts: &'static str,
    empty: &'static str,
    empty_own: &'static str,
    browse: &'static str,
}

const ZH: Words = Words {
    title: "{name}的小店",
    picks: "精选 {n} 件好物",
    products: "店主精选",
    posts: "店主的种草",
    empty: "店主还没有挑选好物。",
    empty_own: "在商品页点「加入我的小店」，挑选你想推荐的好物。",
    browse: "去逛逛",
};

const EN: Words = Words {
    title: "{name}'s shop",
    picks: "{n} picks",
    products: "Picks",
    posts: "Stories",
    empty: "Nothing picked yet.",
    empty_own: "Tap \"Add to my shop\" on a product page to pick what you recommend.",
    browse: "Browse",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}

/// `/s/{code}`, in a wasm chunk of its own.
#[wasm_split(shop, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn shop_page(code: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <ShopPage code /> }.into_any())
}

#[component]
fn ShopPage(code: String) -> impl IntoView {
    let i18n = use_i18n();
    provide_context(SharedBy(code.clone()));
    let shop = fetch::<Shop>(move || path::shop(&code));
    loaded(shop, move |shop| {
        let t = words(i18n.lang.get_untracked());
        let title = fill(t.title, "name", &shop.member.name);
        let picks: Vec<&str> = shop.products.iter().map(|p| p.title.as_str()).collect();
        let description = format!(
            "{} · {}",
            fill(t.picks, "n", &shop.products.len().to_string()),
            picks.join(" · ")
        );
        set_head(
            &page_title(&title, i18n.t_untracked().app_name),
            &description,
        );
        view! { <ShopView shop title /> }
    })
}

#[component]
fn ShopView(shop: Shop, title: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let w = move || words(i18n.lang.get());
    let code = shop.code.clone();
    let own = move || {
        session
            .me
            .with(|me| me.as_ref().is_some_and(|me| me.referral_code == code))
    };
    let count = shop.products.len().to_string();
    let empty = shop.products.is_empty();
    view! {
        <article class="shop-page">
            <header class="card shop-head">
                <Avatar author=shop.member.clone() />
                <div>
                    <h1>{title.clone()}</h1>
                    <p class="muted">{move || fill(w().picks, "n", &count)}</p>
                </div>
            </header>
            <ShareButton path=href(Route::Shop(shop.code.clone())) title />
            <h2 class="section-title">{move || w().products}</h2>
            {if empty {
                view! {
                    <div class="state empty">
                        <p>{move || if own() { w().empty_own } else { w().empty }}</p>
                        <a class="button" href=href(Route::Feed)>{move || w().browse}</a>
                    </div>
                }
                    .into_any()
            } else {
                view! {
                    <div class="shop-products">
                        {shop.products.into_iter().map(|card| view! { <ProductCard card /> }).collect_view()}
                    </div>
                }
                    .into_any()
            }}
            {(!shop.posts.is_empty()).then(|| view! {
                <h2 class="section-title">{move || w().posts}</h2>
                {shop.posts.into_iter().map(|post| view! { <PostCard post /> }).collect_view()}
            })}
        </article>
    }
}
