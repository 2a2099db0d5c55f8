//! The public URL table (GUIDE §4): one list read by both sides. The server answers these
//! paths with the app shell (and 404 for anything else); the app routes them to its pages
//! and builds every link with [`href`]. Paths live on in chat histories for years: change
//! none, add new ones at the end.

use crate::params::{is_pay_token, is_slug, parse_id};
use crate::parse_referral_code;

/// First path segments of the public URLs, for routers that match segment by segment.
pub mod segment {
    pub const PRODUCT: &str = "p";
    pub const POST: &str = "posts";
    pub const COMMUNITY: &str = "c";
    pub const COMMUNITIES: &str = "communities";
    pub const GROUP_BUY: &str = "g";
    pub const CART: &str = "cart";
    pub const CHECKOUT: &str = "checkout";
    pub const ME: &str = "me";
    pub const ORDERS: &str = "orders";
    pub const SIGN_IN: &str = "sign-in";
    pub const SIGN_UP: &str = "sign-up";
    pub const STAFF: &str = "staff";
    pub const PICKUP: &str = "pickup";
    pub const EARNINGS: &str = "earnings";
    pub const SHOP: &str = "s";
    pub const PAY: &str = "pay";
    pub const NOTIFICATIONS: &str = "notifications";
}

/// A page of the app. Ids are ≥ 1 and slugs match [`is_slug`]: a path that names neither
/// is no route at all, so nobody asks the API about it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    Feed,
    Product(i64),
    Post(i64),
    Community(String),
    Communities,
    GroupBuy(i64),
    Cart,
    Checkout,
    Orders,
    Order(i64),
    Me,
    SignIn,
    SignUp,
    /// The store's console: orders to ship, hand over and refund (staff only).
    Staff,
    /// A pickup point's counter: hand-over for the shopper's code (staff only).
    StaffPickup,
    /// What a member's links have earned them, and their withdrawals.
    Earnings,
    /// A member's shop, by their referral code (exactly as the server writes it: 8
    /// Crockford digits in capitals).
    Shop(String),
    /// A pay-for-me link (找人代付), by its token.
    PayLink(String),
    /// What the member was told while away.
    Notifications,
}

impl Route {
    /// Matches a path (without query) exactly: `/p/12/` is not `/p/12`, so a crawler and a
    /// reader always see the same page. `None` is the not-found page (HTTP 404).
    pub fn from_path(path: &str) -> Option<Route> {
        use segment::*;
        let mut parts = path.strip_prefix('/')?.split('/');
        let route = match (parts.next(), parts.next()) {
            (Some(""), None) => Some(Route::Feed),
            (Some(PRODUCT), Some(id)) => parse_id(id).map(Route::Product),
            (Some(POST), Some(id)) => parse_id(id).map(Route::Post),
            (Some(COMMUNITY), Some(slug)) => {
                is_slug(slug).then(|| Route::Community(slug.to_owned()))
            }
            (Some(COMMUNITIES), None) => Some(Route::Communities),
            (Some(GROUP_BUY), Some(id)) => parse_id(id).map(Route::GroupBuy),
            (Some(CART), None) => Some(Route::Cart),
            (Some(CHECKOUT), None) => Some(Route::Checkout),
            (Some(ME), None) => Some(Route::Me),
            (Some(ME), Some(EARNINGS)) => Some(Route::Earnings),
            (Some(ME), Some(NOTIFICATIONS)) => Some(Route::Notifications),
            (Some(ME), Some(ORDERS)) => match parts.next() {
                None => Some(Route::Orders),
                Some(id) => parse_id(id).map(Route::Order),
            },
            (Some(SIGN_IN), None) => Some(Route::SignIn),
            (Some(SIGN_UP), None) => Some(Route::SignUp),
            (Some(STAFF), None) => Some(Route::Staff),
            (Some(STAFF), Some(PICKUP)) => Some(Route::StaffPickup),
            (Some(SHOP), Some(code)) => parse_referral_code(code)
                .filter(|parsed| parsed == code)
                .map(Route::Shop),
            (Some(PAY), Some(token)) => {
                is_pay_token(token).then(|| Route::PayLink(token.to_owned()))
            }
            _ => None,
        };
        match parts.next() {
            None => route,
            Some(_) => None,
        }
    }

    /// The route's path: `/p/12`. [`Route::from_path`] reads it back.
    pub fn path(&self) -> String {
        use segment::*;
        match self {
            Route::Feed => "/".to_owned(),
            Route::Product(id) => format!("/{PRODUCT}/{id}"),
            Route::Post(id) => format!("/{POST}/{id}"),
            Route::Community(slug) => format!("/{COMMUNITY}/{slug}"),
            Route::Communities => format!("/{COMMUNITIES}"),
            Route::GroupBuy(id) => format!("/{GROUP_BUY}/{id}"),
            Route::Cart => format!("/{CART}"),
            Route::Checkout => format!("/{CHECKOUT}"),
            Route::Orders => format!("/{ME}/{ORDERS}"),
            Route::Order(id) => format!("/{ME}/{ORDERS}/{id}"),
            Route::Me => format!("/{ME}"),
            Route::SignIn => format!("/{SIGN_IN}"),
            Route::SignUp => format!("/{SIGN_UP}"),
            Route::Staff => format!("/{STAFF}"),
            Route::StaffPickup => format!("/{STAFF}/{PICKUP}"),
            Route::Earnings => format!("/{ME}/{EARNINGS}"),
            Route::Shop(code) => format!("/{SHOP}/{code}"),
            Route::PayLink(token) => format!("/{PAY}/{token}"),
            Route::Notifications => format!("/{ME}/{NOTIFICATIONS}"),
        }
    }

    /// One page of each kind (`/p/12`, `/posts/7` …), for the tests on both sides that the
    /// routers agree with this table. The match in `after` is exhaustive: a new kind of page
    /// does not compile until it is listed there, so no router can miss it unnoticed.
    pub fn one_of_each() -> Vec<Route> {
        fn after(route: &Route) -> Option<Route> {
            Some(match route {
                Route::Feed => Route::Product(12),
                Route::Product(_) => Route::Post(7),
                Route::Post(_) => Route::Community("cycling".to_owned()),
                Route::Community(_) => Route::Communities,
                Route::Communities => Route::GroupBuy(3),
                Route::GroupBuy(_) => Route::Cart,
                Route::Cart => Route::Checkout,
                Route::Checkout => Route::Orders,
                Route::Orders => Route::Order(9),
                Route::Order(_) => Route::Me,
                Route::Me => Route::SignIn,
                Route::SignIn => Route::SignUp,
                Route::SignUp => Route::Staff,
                Route::Staff => Route::StaffPickup,
                Route::StaffPickup => Route::Earnings,
                Route::Earnings => Route::Shop("7K3M9QXZ".to_owned()),
                Route::Shop(_) => Route::PayLink("AbCdEfGhIjKlMnOpQrStUv-_".to_owned()),
                Route::PayLink(_) => Route::Notifications,
                Route::Notifications => return None,
            })
        }
        std::iter::successors(Some(Route::Feed), after).collect()
    }

    /// Whether a link to this page unfurls into a preview of its own (product, post,
    /// community, group-buy): the server puts that item's meta tags into the shell.
    pub fn has_preview(&self) -> bool {
        matches!(
            self,
            Route::Product(_)
                | Route::Post(_)
                | Route::Community(_)
                | Route::GroupBuy(_)
                | Route::Shop(_)
                | Route::PayLink(_)
        )
    }

    /// The app's wasm split point that draws this page (`#[wasm_split(product)]`), whose
    /// pack the server preloads with the page; `None` for the feed, which is in the main
    /// module. `cargo xtask build` fails when a name here is no split point of the app.
    pub fn pack(&self) -> Option<&'static str> {
        Some(match self {
            Route::Feed => return None,
            Route::Product(_) => "product",
            Route::Post(_) => "post",
            Route::Community(_) => "community",
            Route::Communities => "communities",
            Route::GroupBuy(_) => "group_buy",
            Route::Cart => "cart",
            Route::Checkout => "checkout",
            Route::Orders => "orders",
            Route::Order(_) => "order",
            Route::Me => "account",
            Route::SignIn | Route::SignUp => "auth",
            Route::Staff => "staff",
            Route::StaffPickup => "staff_pickup",
            Route::Earnings => "earnings",
            Route::Shop(_) => "shop",
            Route::PayLink(_) => "pay_link",
            Route::Notifications => "notifications",
        })
    }

    /// The API answers the page draws first (paths from [`crate::path`]): the server puts
    /// them into the shell it returns, so a page opened from a link needs no round trip for
    /// them. Pages that are a member's own business carry none.
    pub fn first_data(&self) -> Vec<String> {
        use crate::path::{self, Feed};
        match self {
            // The feed's community chips sit above its posts.
            Route::Feed => vec![path::feed(Feed::Everything, None), path::communities()],
            Route::Communities => vec![path::communities()],
            // What follows the open groups and the recommendations waits for them (it
            // would be pushed down by them): they come with the page too.
            Route::Product(id) => vec![path::product(*id), path::product_groups(*id)],
            Route::Post(id) => vec![path::post(*id)],
            Route::Community(slug) => vec![
                path::community(slug),
                path::feed(Feed::Community(slug), None),
                path::recommended(slug),
            ],
            Route::GroupBuy(id) => vec![path::group(*id)],
            Route::Shop(code) => vec![path::shop(code)],
            // What a friend pays for, opened from a chat: no address or phone in it.
            Route::PayLink(token) => vec![path::pay_link(token)],
            _ => Vec::new(),
        }
    }
}

/// A link to a page: `href(Route::Product(12))` is `/p/12`.
pub fn href(route: Route) -> String {
    route.path()
}

/// A link to a page with a query: `href_with(Route::Checkout, &[("start", "12")])` is
/// `/checkout?start=12`. Values are percent-encoded; empty ones are left out.
pub fn href_with(route: Route, query: &[(&str, &str)]) -> String {
    let mut out = route.path();
    let mut first = true;
    for (name, value) in query.iter().filter(|(_, value)| !value.is_empty()) {
        out.push(if first { '?' } else { '&' });
        first = false;
        out.push_str(name);
        out.push('=');
        encode_query_value_into(&mut out, value);
    }
    out
}

/// Percent-encodes a query value: everything but unreserved characters (RFC 3986).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    encode_query_value_into(&mut out, value);
    out
}

fn encode_query_value_into(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_match_their_routes() {
        assert_eq!(Route::from_path("/"), Some(Route::Feed));
        assert_eq!(Route::from_path("/p/12"), Some(Route::Product(12)));
        assert_eq!(Route::from_path("/posts/7"), Some(Route::Post(7)));
        assert_eq!(
            Route::from_path("/c/cycling"),
            Some(Route::Community("cycling".into()))
        );
        assert_eq!(Route::from_path("/g/3"), Some(Route::GroupBuy(3)));
        assert_eq!(Route::from_path("/me/orders"), Some(Route::Orders));
        assert_eq!(Route::from_path("/me/orders/9"), Some(Route::Order(9)));
    }

    #[test]
    fn every_route_reads_back_its_own_path() {
        let all = Route::one_of_each();
        assert_eq!(all.len(), 19);
        for route in all {
            assert_eq!(Route::from_path(&href(route.clone())), Some(route));
        }
    }

    #[test]
    fn anything_else_is_no_route() {
        for path in [
            "",
            "p/12",
            "/p/abc",
            "/p/12/",
            "/p/0",
            "/p/-1",
            "/p",
            "/p/1/extra",
            "/posts/",
            "/c/Cycling",
            "/c/骑行",
            "/nope",
            "/me/x",
            "/me/earnings/1",
            "/s/7k3m9qxz",
            "/s/7K3M-9QXZ",
            "/s/7K3M9QX",
            "/s/7K3M9QXZ/x",
            "/me/orders/x",
            "/me/orders/9/extra",
            "/cart/1",
            "/staff/",
            "/staff/x",
            "/staff/pickup/1",
            "/pay/short",
            "/pay/AbCdEfGhIjKlMnOpQrStUv-+",
            "/pay/AbCdEfGhIjKlMnOpQrStUv-_/x",
            "/me/notifications/1",
            "//",
        ] {
            assert_eq!(Route::from_path(path), None, "{path}");
        }
    }

    #[test]
    fn links_with_a_query_are_encoded() {
        assert_eq!(
            href_with(Route::Checkout, &[("start", "12")]),
            "/checkout?start=12"
        );
        assert_eq!(
            href_with(Route::SignIn, &[("next", "/c/cycling?x=1")]),
            "/sign-in?next=%2Fc%2Fcycling%3Fx%3D1"
        );
        assert_eq!(
            href_with(Route::Feed, &[("community", ""), ("ref", "AB")]),
            "/?ref=AB"
        );
        assert_eq!(encode_query_value("骑"), "%E9%AA%91");
    }
}
