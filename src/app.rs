//! The layout (header, content, tab bar), the providers, and which page a route shows. The
//! feed is in the main wasm; every other page is in a chunk fetched on its first visit.

use leptos::prelude::*;

use crate::account::{account_page, auth_page, provide_session};
use crate::cart::{cart_page, provide_cart, use_cart};
use crate::checkout::checkout_page;
use crate::community::{communities_page, community_page, provide_communities};
use crate::feed::FeedPage;
use crate::group_buy::group_buy_page;
use crate::i18n::{provide_i18n, use_i18n};
use crate::order::{order_page, orders_page};
use crate::post::post_page;
use crate::product::product_page;
use crate::router::{provide_router, Route};
use crate::ui::lazy::lazy;
use crate::ui::states::NotFound;

#[component]
pub fn App() -> impl IntoView {
    let embedded = crate::embed::start();
    let i18n = provide_i18n();
    // Before the router reads the address: it takes `?ref=` out of it.
    crate::referral::capture(i18n.lang.get_untracked());
    let location = provide_router();
    crate::embed::connect(location, i18n);
    provide_communities();
    let session = provide_session();
    provide_cart(session, i18n.lang);
    // A memo, so a change of query alone (a feed filter) keeps the page and its state.
    let route = Memo::new(move |_| location.route());
    // Inside a host app, the host's own bar and tabs stand in for the site's.
    let chrome = !embedded;
    view! {
        {chrome.then(|| view! { <Header route /> })}
        <main id="main" class="page" tabindex="-1">
            {move || match route.get() {
                Route::Feed => view! { <FeedPage /> }.into_any(),
                Route::Product(id) => lazy(move || product_page(id)),
                Route::Post(id) => lazy(move || post_page(id)),
                Route::Community(slug) => lazy(move || community_page(slug.clone())),
                Route::Communities => lazy(communities_page),
                Route::GroupBuy(id) => lazy(move || group_buy_page(id)),
                Route::Cart => lazy(cart_page),
                Route::Checkout => lazy(checkout_page),
                Route::Orders => lazy(orders_page),
                Route::Order(id) => lazy(move || order_page(id)),
                Route::Me => lazy(account_page),
                Route::SignIn => lazy(|| auth_page(false)),
                Route::SignUp => lazy(|| auth_page(true)),
                Route::NotFound => view! { <NotFound /> }.into_any(),
            }}
        </main>
        {chrome
            .then(|| {
                view! {
                    <nav class="tab-bar" aria-label="tabs">
                        <NavLinks route />
                    </nav>
                }
            })}
    }
}

/// The cart, with how many things are in it.
#[component]
fn CartLink() -> impl IntoView {
    let i18n = use_i18n();
    let count = use_cart().0;
    view! {
        <a
            href="/cart"
            class="cart-link"
            aria-label=move || format!("{} ({})", i18n.t().cart_title, count.get())
        >
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <path d="M3 4h2l2.4 11h11l2-8H6.2M9 20a1 1 0 1 0 0-.01M18 20a1 1 0 1 0 0-.01" />
            </svg>
            {move || {
                let n = count.get();
                (n > 0).then(|| view! { <span class="badge" aria-hidden="true">{n}</span> })
            }}
        </a>
    }
}

#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            class="lang-switch"
            title=move || i18n.t().switch_language
            aria-label=move || {
                let t = i18n.t();
                format!("{}: {}", t.switch_language, t.switch_to)
            }
            on:click=move |_| i18n.set(i18n.lang.get_untracked().other())
        >
            {move || i18n.t().switch_to}
        </button>
    }
}

#[component]
fn Header(route: Memo<Route>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="top-bar">
            <a class="skip-link" href="#main">
                {move || i18n.t().nav_feed}
            </a>
            <a href="/" class="brand">
                <img src="/icons/icon.svg" width="28" height="28" alt="" />
                <span>{move || i18n.t().app_name}</span>
            </a>
            <nav class="top-nav" aria-label="primary">
                <NavLinks route />
            </nav>
            <CartLink />
            <LanguageSwitch />
        </header>
    }
}

/// The same three destinations in the phone's tab bar and the desktop header.
#[component]
fn NavLinks(route: Memo<Route>) -> impl IntoView {
    let i18n = use_i18n();
    let current = move |tab: fn(&Route) -> bool| route.with(tab).then_some("page");
    view! {
        <a href="/" class="nav-link" aria-current=move || current(|r| *r == Route::Feed)>
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <path d="M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z" />
            </svg>
            <span>{move || i18n.t().nav_feed}</span>
        </a>
        <a
            href="/communities"
            class="nav-link"
            aria-current=move || {
                current(|r| matches!(r, Route::Communities | Route::Community(_)))
            }
        >
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <circle cx="8" cy="9" r="3.2" />
                <circle cx="16" cy="9" r="3.2" />
                <path d="M2 20c0-3.3 2.7-5.5 6-5.5s6 2.2 6 5.5M10 20c0-3.3 2.7-5.5 6-5.5s6 2.2 6 5.5" />
            </svg>
            <span>{move || i18n.t().nav_communities}</span>
        </a>
        <a href="/me" class="nav-link" aria-current=move || current(|r| *r == Route::Me)>
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <circle cx="12" cy="8" r="4" />
                <path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7" />
            </svg>
            <span>{move || i18n.t().nav_me}</span>
        </a>
    }
}
