//! The app's routes and in-app navigation. Hand-written on purpose: the public URLs are a
//! short fixed list (GUIDE §4), and a general router cost more of the first-load budget
//! than the whole feed. Links are plain `<a href>`; one click handler on the document turns
//! same-origin clicks into `history.pushState`, so every link also works without it.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use quanzi_api::params::{is_slug, parse_id};

/// The public URLs. Ids and slugs that cannot exist are `NotFound` before any request.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    NotFound,
}

impl Route {
    /// Matches a path (without query), exactly as the server does: `/p/12/` is not `/p/12`,
    /// so a crawler and a reader always see the same page.
    pub fn from_path(path: &str) -> Route {
        let mut parts = path.strip_prefix('/').unwrap_or(path).split('/');
        let route = match (parts.next(), parts.next()) {
            (Some(""), None) => Some(Route::Feed),
            (Some("p"), Some(id)) => parse_id(id).map(Route::Product),
            (Some("posts"), Some(id)) => parse_id(id).map(Route::Post),
            (Some("c"), Some(slug)) => is_slug(slug).then(|| Route::Community(slug.to_owned())),
            (Some("communities"), None) => Some(Route::Communities),
            (Some("g"), Some(id)) => parse_id(id).map(Route::GroupBuy),
            (Some("cart"), None) => Some(Route::Cart),
            (Some("checkout"), None) => Some(Route::Checkout),
            (Some("me"), None) => Some(Route::Me),
            (Some("me"), Some("orders")) => match parts.next() {
                None => Some(Route::Orders),
                Some(id) => parse_id(id).map(Route::Order),
            },
            (Some("sign-in"), None) => Some(Route::SignIn),
            (Some("sign-up"), None) => Some(Route::SignUp),
            _ => None,
        };
        match (route, parts.next()) {
            (Some(route), None) => route,
            _ => Route::NotFound,
        }
    }
}

/// Where the reader is: the path and the raw query string (without `?`).
#[derive(Clone, Copy)]
pub struct Location {
    pub path: RwSignal<String>,
    pub query: RwSignal<String>,
}

impl Location {
    pub fn route(&self) -> Route {
        self.path.with(|path| Route::from_path(path))
    }

    /// Path and query, as a link back to here (`/g/3?ref=AB12`).
    pub fn href(&self) -> String {
        let query = self.query.get_untracked();
        let path = self.path.get_untracked();
        if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        }
    }

    /// The value of `name` in the query string, if present and not empty.
    pub fn query_value(&self, name: &str) -> Option<String> {
        self.query.with(|query| query_value(query, name))
    }
}

/// `name`'s value in `a=1&b=2`, percent-decoded. Callers still validate it (slugs, paths).
pub fn query_value(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .and_then(|(_, value)| percent_decode(value))
        .filter(|value| !value.is_empty())
}

/// `%2Fc%2Fcycling` → `/c/cycling`; `None` for broken escapes or invalid UTF-8.
fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Where to return after signing in: only a path on this site (`/c/cycling?x=1`), never
/// `//evil.example`, `https://…` or `/\evil` (browsers read a backslash as a slash).
pub fn safe_return_path(raw: Option<&str>) -> String {
    match raw {
        Some(path) if is_in_app_path(path) => path.to_owned(),
        _ => "/".to_owned(),
    }
}

/// A path on this site: `/…`, but not `//host` or `/\host` (browsers read `\` as `/`), and
/// no control characters.
pub fn is_in_app_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

fn current() -> (String, String) {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return ("/".into(), String::new());
    };
    let path = location.pathname().unwrap_or_else(|_| "/".into());
    let search = location.search().unwrap_or_default();
    (path, search.trim_start_matches('?').to_owned())
}

fn sync(location: Location) {
    let (path, query) = current();
    location.path.set(path);
    location.query.set(query);
}

/// Goes to an in-app URL (path and query), as a new history entry, at the top of the page.
pub fn navigate(location: Location, href: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(history) = window.history() {
        if history
            .push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href))
            .is_err()
        {
            // Not pushable (another origin): let the browser go there.
            let _ = window.location().set_href(href);
            return;
        }
    }
    sync(location);
    window.scroll_to_with_x_and_y(0.0, 0.0);
}

/// The in-app target of a click, if the browser should not handle it itself: a plain
/// left click on a same-origin link without `target` or `download`.
fn in_app_href(event: &web_sys::MouseEvent) -> Option<String> {
    if event.default_prevented()
        || event.button() != 0
        || event.meta_key()
        || event.ctrl_key()
        || event.shift_key()
        || event.alt_key()
    {
        return None;
    }
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let anchor = target
        .closest("a[href]")
        .ok()??
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .ok()?;
    let target_attr = anchor.target();
    if (!target_attr.is_empty() && target_attr != "_self") || anchor.has_attribute("download") {
        return None;
    }
    let here = web_sys::window()?.location();
    if anchor.origin() != here.origin().ok()? {
        return None;
    }
    // A jump within this page (the skip link, `#main`) is the browser's: it moves focus.
    let same_page = Some(anchor.pathname()) == here.pathname().ok()
        && Some(anchor.search()) == here.search().ok();
    if same_page && !anchor.hash().is_empty() {
        return None;
    }
    Some(format!(
        "{}{}{}",
        anchor.pathname(),
        anchor.search(),
        anchor.hash()
    ))
}

/// Creates the location context and listens for link clicks and back/forward.
pub fn provide_router() -> Location {
    let (path, query) = current();
    let location = Location {
        path: RwSignal::new(path),
        query: RwSignal::new(query),
    };
    provide_context(location);
    let on_pop = window_event_listener(ev::popstate, move |_| sync(location));
    let on_click = window_event_listener(ev::click, move |event| {
        if let Some(href) = in_app_href(&event) {
            event.prevent_default();
            navigate(location, &href);
        }
    });
    on_cleanup(move || {
        on_pop.remove();
        on_click.remove();
    });
    location
}

pub fn use_location() -> Location {
    expect_context::<Location>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_match_their_routes() {
        assert_eq!(Route::from_path("/"), Route::Feed);
        assert_eq!(Route::from_path("/p/12"), Route::Product(12));
        assert_eq!(Route::from_path("/posts/7"), Route::Post(7));
        assert_eq!(
            Route::from_path("/c/cycling"),
            Route::Community("cycling".into())
        );
        assert_eq!(Route::from_path("/communities"), Route::Communities);
        assert_eq!(Route::from_path("/g/3"), Route::GroupBuy(3));
        assert_eq!(Route::from_path("/me"), Route::Me);
        assert_eq!(Route::from_path("/cart"), Route::Cart);
        assert_eq!(Route::from_path("/checkout"), Route::Checkout);
        assert_eq!(Route::from_path("/me/orders"), Route::Orders);
        assert_eq!(Route::from_path("/me/orders/9"), Route::Order(9));
    }

    #[test]
    fn anything_else_is_not_found() {
        for path in [
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
            "/me/orders/x",
            "/me/orders/9/extra",
            "/cart/1",
        ] {
            assert_eq!(Route::from_path(path), Route::NotFound, "{path}");
        }
    }

    #[test]
    fn query_values_are_found_by_name() {
        assert_eq!(
            query_value("community=coffee&ref=AB12", "community").as_deref(),
            Some("coffee")
        );
        assert_eq!(query_value("ref=AB12", "community"), None);
        assert_eq!(query_value("community=", "community"), None);
        assert_eq!(query_value("", "community"), None);
        assert_eq!(
            query_value("next=%2Fc%2Fcycling", "next").as_deref(),
            Some("/c/cycling")
        );
        assert_eq!(query_value("q=%E9%AA%91", "q").as_deref(), Some("骑"));
        assert_eq!(query_value("q=%E9%A", "q"), None);
        assert_eq!(query_value("q=%FF", "q"), None);
    }

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(safe_return_path(Some("/c/cycling")), "/c/cycling");
        assert_eq!(safe_return_path(Some("/g/3?ref=AB12")), "/g/3?ref=AB12");
        for evil in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "",
            "/\nx",
        ] {
            assert_eq!(safe_return_path(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(safe_return_path(None), "/");
    }
}
