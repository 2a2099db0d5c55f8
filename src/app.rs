//! The layout (header, content, tab bar), the providers, and the routes: leptos_router
//! matches a path to one of the public URLs (`quanzi_api::route`, built from its segments),
//! and the URL table itself names the page, so `/p/12/` and `/p/0` are not found before
//! any request. The feed is in the main wasm; every other page is in a chunk fetched on
//! its first visit (`ui::lazy`: a skeleton meanwhile, an error with retry if it fails).

use std::mem::{discriminant, Discriminant};

use leptos::children::ToChildren;
use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, FlatRoutesProps, RouteChildren, Router};
use leptos_router::{
    MatchNestedRoutes, NestedRoute, OptionalParamSegment, ParamSegment, StaticSegment,
};
use quanzi_api::route::segment::*;
use quanzi_api::{href, href_with, Route};

use crate::i18n::{fill, provide_i18n, use_i18n};
use crate::pages::account::account_page;
use crate::pages::auth::auth_page;
use crate::pages::cart::cart_page;
use crate::pages::checkout::checkout_page;
use crate::pages::communities::communities_page;
use crate::pages::community::community_page;
use crate::pages::earnings::earnings_page;
use crate::pages::feed::FeedPage;
use crate::pages::group_buy::group_buy_page;
use crate::pages::notifications::notifications_page;
use crate::pages::order::order_page;
use crate::pages::orders::orders_page;
use crate::pages::pay_link::pay_link_page;
use crate::pages::post::post_page;
use crate::pages::product::product_page;
use crate::pages::shop::shop_page;
use crate::pages::staff::{staff_page, staff_pickup_page};
use crate::state::cart::{provide_cart, use_cart};
use crate::state::communities::provide_communities;
use crate::state::events::{provide_events, use_events};
use crate::state::feed::provide_kept_feeds;
use crate::state::history;
use crate::state::router::{provide_nav, use_nav};
use crate::state::session::provide_session;
use crate::ui::lazy::lazy;
use crate::ui::states::NotFound;

#[component]
pub fn App() -> impl IntoView {
    let embedded = crate::embed::start();
    let i18n = provide_i18n();
    // Before the router reads the address: it takes `?ref=` out of it.
    crate::state::referral::capture(i18n.lang.get_untracked());
    history::listen();
    view! {
        <Router>
            <Shell embedded />
        </Router>
    }
}

/// Everything that needs the router: the providers, the layout and the routes.
#[component]
fn Shell(embedded: bool) -> impl IntoView {
    let i18n = use_i18n();
    let nav = provide_nav();
    history::follow(nav.pathname, nav.search);
    crate::embed::connect(nav, i18n);
    provide_communities();
    provide_kept_feeds();
    let session = provide_session();
    provide_cart(session, i18n.lang);
    provide_events(session);
    let route = Memo::new(move |_| Route::from_path(&nav.pathname.get()));
    // Inside a host app, the host's own bar and tabs stand in for the site's.
    let chrome = !embedded;
    // Framed by another site, the pages that need the session open in a tab of their own.
    crate::embed::outside::start(nav, i18n);
    view! {
        {chrome.then(|| view! { <Header route /> })}
        <main id="main" class="page" tabindex="-1">
            {FlatRoutes(
                FlatRoutesProps::builder()
                    .fallback(|| view! { <NotFound /> })
                    .children(RouteChildren::to_children(routes))
                    .build(),
            )}
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

/// The public URLs as leptos_router matches them, one route per pattern of the URL table.
/// Every route shows [`RoutePage`]: the table, not the router, says which page a path is.
fn routes() -> impl MatchNestedRoutes + Clone + Send + 'static {
    // The member's pages (`/me`, `/me/orders`, `/me/earnings`, `/me/notifications`) and the staff's (`/staff`,
    // `/staff/pickup`) are one pattern each, with the section as an optional parameter:
    // the table says which page a section is (an unknown one is not found), and
    // leptos_router matches tuples of at most 16 routes.
    (
        NestedRoute::new(StaticSegment(""), RoutePage),
        NestedRoute::new((StaticSegment(PRODUCT), ParamSegment("product")), RoutePage),
        NestedRoute::new((StaticSegment(POST), ParamSegment("post")), RoutePage),
        NestedRoute::new(
            (StaticSegment(COMMUNITY), ParamSegment("community")),
            RoutePage,
        ),
        NestedRoute::new(StaticSegment(COMMUNITIES), RoutePage),
        NestedRoute::new(
            (StaticSegment(GROUP_BUY), ParamSegment("group_buy")),
            RoutePage,
        ),
        NestedRoute::new(StaticSegment(CART), RoutePage),
        NestedRoute::new(StaticSegment(CHECKOUT), RoutePage),
        NestedRoute::new(
            (
                StaticSegment(ME),
                StaticSegment(ORDERS),
                ParamSegment("order"),
            ),
            RoutePage,
        ),
        NestedRoute::new(
            (StaticSegment(ME), OptionalParamSegment("section")),
            RoutePage,
        ),
        NestedRoute::new(StaticSegment(SIGN_IN), RoutePage),
        NestedRoute::new(StaticSegment(SIGN_UP), RoutePage),
        NestedRoute::new(
            (StaticSegment(STAFF), OptionalParamSegment("section")),
            RoutePage,
        ),
        // A member's shop (`/s/{code}`) and a pay-for-me link (`/pay/{token}`): one pattern
        // for both, last, as each more route of its own costs the first load (the table
        // tells the two apart, and anything else of two segments is not found).
        NestedRoute::new((ParamSegment("kind"), ParamSegment("key")), RoutePage),
    )
}

/// Which pattern of [`routes`] matches a page: the pages of one pattern (the member's
/// sections, the staff's) share its view, which follows the path from one to the other.
fn pattern(route: &Route) -> Discriminant<Route> {
    match route {
        Route::Orders | Route::Earnings | Route::Notifications => discriminant(&Route::Me),
        Route::StaffPickup => discriminant(&Route::Staff),
        Route::PayLink(_) => discriminant(&Route::Shop(String::new())),
        other => discriminant(other),
    }
}

/// The page of the path on screen. leptos_router keeps a route's view while only its
/// parameters change (`/p/1` → `/p/2`), so this follows the path itself; a path of another
/// route is left to that route's own view, which replaces this one.
#[component]
fn RoutePage() -> impl IntoView {
    let nav = use_nav();
    let route = Memo::new(move |shown: Option<&Option<Route>>| {
        let now = Route::from_path(&nav.pathname.get());
        match (shown, &now) {
            (Some(Some(shown)), Some(next)) if pattern(shown) != pattern(next) => {
                Some(shown.clone())
            }
            _ => now,
        }
    });
    move || page(route.get())
}

fn page(route: Option<Route>) -> AnyView {
    let Some(route) = route else {
        return view! { <NotFound /> }.into_any();
    };
    match route {
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
        Route::Staff => lazy(staff_page),
        Route::StaffPickup => lazy(staff_pickup_page),
        Route::Earnings => lazy(earnings_page),
        Route::Shop(code) => lazy(move || shop_page(code.clone())),
        Route::PayLink(token) => lazy(move || pay_link_page(token.clone())),
        Route::Notifications => lazy(notifications_page),
    }
}

/// The cart, with how many things are in it.
#[component]
fn CartLink() -> impl IntoView {
    let i18n = use_i18n();
    let count = use_cart().0;
    view! {
        <a
            href=href(Route::Cart)
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
fn Header(route: Memo<Option<Route>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="top-bar">
            // `target`: the router leaves the link to the browser, which moves focus there.
            <a class="skip-link" href="#main" target="_self">
                {move || i18n.t().nav_feed}
            </a>
            <a href=href(Route::Feed) class="brand">
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
fn NavLinks(route: Memo<Option<Route>>) -> impl IntoView {
    let i18n = use_i18n();
    let unread = use_events().unread;
    let current = move |tab: fn(&Route) -> bool| {
        route
            .with(|r| r.as_ref().is_some_and(tab))
            .then_some("page")
    };
    view! {
        <a href=href(Route::Feed) class="nav-link" aria-current=move || current(|r| *r == Route::Feed)>
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <path d="M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z" />
            </svg>
            <span>{move || i18n.t().nav_feed}</span>
        </a>
        <a
            href=href(Route::Communities)
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
        // Writing a note: the communities page asks in which one (`?write=1`).
        <a
            href=href_with(Route::Communities, &[("write", "1")])
            class="nav-link nav-compose"
            aria-label=move || i18n.t().write_note
        >
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <path d="M12 5v14M5 12h14" />
            </svg>
        </a>
        <a
            href=href(Route::Me)
            class="nav-link"
            aria-current=move || current(|r| *r == Route::Me)
            aria-label=move || {
                let (t, n) = (i18n.t(), unread.get());
                (n > 0).then(|| format!("{} ({})", t.nav_me, fill(t.unread_count, "n", &n.to_string())))
            }
        >
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <circle cx="12" cy="8" r="4" />
                <path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7" />
            </svg>
            <span>{move || i18n.t().nav_me}</span>
            {move || {
                let n = unread.get();
                (n > 0).then(|| view! { <span class="badge" aria-hidden="true">{n.min(99)}</span> })
            }}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use leptos_router::{MatchInterface, MatchParams, RouteDefs};

    use super::*;

    /// What leptos_router makes of a path: the part it matched and the parameters.
    fn router_match(path: &str) -> Option<(String, Vec<(String, String)>)> {
        RouteDefs::new(routes()).match_route(path).map(|matched| {
            let params = matched
                .to_params()
                .into_iter()
                .map(|(name, value)| (name.into_owned(), value))
                .collect();
            // The root matches as "".
            let matched = format!("/{}", matched.as_matched().trim_start_matches('/'));
            (matched, params)
        })
    }

    /// The parameters the router must have found for a page of the URL table.
    fn params_of(route: &Route) -> Vec<(String, String)> {
        let param = |name: &str, value: String| vec![(name.to_owned(), value)];
        match route {
            Route::Product(id) => param("product", id.to_string()),
            Route::Post(id) => param("post", id.to_string()),
            Route::Community(slug) => param("community", slug.clone()),
            Route::GroupBuy(id) => param("group_buy", id.to_string()),
            Route::Order(id) => param("order", id.to_string()),
            Route::Shop(code) => vec![
                ("kind".to_owned(), SHOP.to_owned()),
                ("key".to_owned(), code.clone()),
            ],
            Route::PayLink(token) => vec![
                ("kind".to_owned(), PAY.to_owned()),
                ("key".to_owned(), token.clone()),
            ],
            Route::Notifications => param("section", NOTIFICATIONS.to_owned()),
            Route::Orders => param("section", ORDERS.to_owned()),
            Route::Earnings => param("section", EARNINGS.to_owned()),
            Route::StaffPickup => param("section", PICKUP.to_owned()),
            _ => Vec::new(),
        }
    }

    #[test]
    fn the_router_matches_every_page_of_the_url_table_as_the_table_reads_it() {
        for route in Route::one_of_each() {
            let path = &*route.path();
            assert_eq!(Route::from_path(path).as_ref(), Some(&route), "{path}");
            let (matched, params) = router_match(path).expect(path);
            assert_eq!(matched, route.path(), "{path}");
            assert_eq!(params, params_of(&route), "{path}");
        }
    }

    #[test]
    fn what_the_table_refuses_is_not_found() {
        // The router shows its fallback (not found) for these.
        for path in [
            "/nope",
            "/p",
            "/p/1/extra",
            "/me/x/y",
            "/staff/x/y",
            "/me/orders/9/extra",
        ] {
            assert_eq!(Route::from_path(path), None, "{path}");
            assert_eq!(router_match(path), None, "{path}");
        }
        // The router is looser here (a trailing slash, a parameter that is no id or slug):
        // `RoutePage` asks the table, which says not found, before any request.
        for path in [
            "/p/12/",
            "/p/abc",
            "/p/0",
            "/p/-1",
            "/c/Cycling",
            "/me/orders/x",
            "/me/",
            "/me/x",
            "/staff/x",
            "/cart/1",
            "/s/7k3m9qxz",
            "/pay/short",
        ] {
            assert_eq!(Route::from_path(path), None, "{path}");
        }
    }
}
