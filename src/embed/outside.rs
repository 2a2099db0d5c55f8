//! The store framed by a page of another site. Browsers keep no `SameSite` cookie in such a
//! frame, so a sign-in there would not hold and checkout could not be reached: the pages
//! that need the member's session (signing in, checkout, the member's own pages) open in a
//! tab of the store's own instead, at the page the tap asked for with the referral code
//! kept, and the host hears of it (`open_store`). A small "在圈子打开" link does the same for
//! the page on screen. A frame of the store's own site (another port or subdomain) and a
//! native webview keep the cookies and stay as they are. The guard is a wasm chunk of its
//! own, fetched only by a framed store: most visits are not.

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::Route;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

use super::{bridge, emit, Event};
use crate::i18n::I18n;
use crate::state::referral::arrival_code;
use crate::state::router::Nav;
use crate::task::spawn;

/// Two hosts are one site when equal, or when they end in the same two labels (a
/// registrable domain, read without the public-suffix list: `shop.example.com` and
/// `www.example.com`); an address by number only with itself.
fn same_site(a: &str, b: &str) -> bool {
    let numeric =
        |h: &str| h.starts_with('[') || h.bytes().all(|c| c.is_ascii_digit() || c == b'.');
    let tail = |h: &str| {
        let labels: Vec<&str> = h.rsplitn(3, '.').take(2).collect();
        labels.join(".")
    };
    a.eq_ignore_ascii_case(b)
        || (!numeric(a) && !numeric(b) && tail(a).eq_ignore_ascii_case(&tail(b)))
}

/// Pages that need the member's session.
fn needs_own_tab(path: &str) -> bool {
    matches!(
        Route::from_path(path),
        Some(
            Route::Checkout
                | Route::SignIn
                | Route::SignUp
                | Route::Me
                | Route::Orders
                | Route::Order(_)
                | Route::Staff
                | Route::StaffPickup
        )
    )
}

/// The store's own address of an in-app `href`, with the referral code this visitor came
/// by (the new tab has neither the frame's cookies nor its storage).
pub fn own_tab_url(href: &str) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    match arrival_code() {
        Some(code) if !href.contains("ref=") => {
            let sep = if href.contains('?') { '&' } else { '?' };
            format!("{origin}{href}{sep}ref={code}")
        }
        _ => format!("{origin}{href}"),
    }
}

fn open(href: &str) {
    let url = own_tab_url(href);
    emit(Event::OpenStore { url: &url });
    if let Some(window) = web_sys::window() {
        let _ = window.open_with_url_and_target_and_features(&url, "_blank", "noopener");
    }
}

/// When framed: finds out whether by another site, and then sends the taps on links that
/// need the session to a tab of the store's own and adds the "在圈子打开" link.
pub fn start(nav: Nav, i18n: I18n) {
    if !bridge::is_framed() {
        return;
    }
    let owner = Owner::current();
    spawn(async move {
        // A chunk that cannot arrive leaves the frame as it is.
        let _ = guard_frame(nav, i18n, owner).await;
    });
}

/// Whether another site frames the store (the framing page's address is the frame's
/// referrer: no referrer is taken as another site); if so, taps on links that need the
/// session go to a tab of the store's own, caught before the router sees them.
#[wasm_split(embed_frame, wasm_split_path = ::leptos::wasm_split, fallible)]
fn guard_frame(nav: Nav, i18n: I18n, owner: Option<Owner>) -> Result<(), SplitLoaderError> {
    let Some(window) = web_sys::window() else {
        return Ok(());
    };
    let own = window.location().hostname().unwrap_or_default();
    let referrer = window.document().map(|d| d.referrer()).unwrap_or_default();
    let parent = referrer
        .split_once("://")
        .map(|(_, rest)| rest.split(['/', ':', '?', '#']).next().unwrap_or_default());
    if parent.is_some_and(|host| same_site(host, &own)) {
        return Ok(());
    }
    let listener = Closure::<dyn Fn(web_sys::MouseEvent)>::new(|event: web_sys::MouseEvent| {
        let anchor = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten());
        let Some(href) = anchor.and_then(|a| a.get_attribute("href")) else {
            return;
        };
        let path = href.split(['?', '#']).next().unwrap_or_default();
        if href.starts_with('/') && !href.starts_with("//") && needs_own_tab(path) {
            event.prevent_default();
            event.stop_propagation();
            open(&href);
        }
    });
    if let Some(document) = window.document() {
        // Capturing: before the router turns the tap into a navigation inside the frame.
        let _ = document.add_event_listener_with_callback_and_bool(
            "click",
            listener.as_ref().unchecked_ref(),
            true,
        );
    }
    // It lives as long as the page.
    listener.forget();
    let Ok(link) = open_in_store(&window) else {
        return Ok(());
    };
    // Its words and address follow the language and the page.
    let follow = move || {
        Effect::new(move |_| {
            link.set_text_content(Some(i18n.t().open_in_quanzi));
            link.set_href(&own_tab_url(&nav.href()));
        });
    };
    match owner {
        Some(owner) => owner.with(follow),
        None => follow(),
    }
    Ok(())
}

/// "在圈子打开", after the page's content: the page on screen in a tab of the store's own.
fn open_in_store(window: &web_sys::Window) -> Result<web_sys::HtmlAnchorElement, JsValue> {
    let document = window.document().ok_or(JsValue::NULL)?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_class_name("open-in-store");
    link.set_target("_blank");
    link.set_rel("noopener");
    let main = document.get_element_by_id("main").ok_or(JsValue::NULL)?;
    main.insert_adjacent_element("afterend", &link)?;
    Ok(link)
}

#[cfg(test)]
mod tests {
    use super::same_site;

    #[test]
    fn sites_are_registrable_domains_and_addresses_themselves() {
        assert!(same_site("127.0.0.1", "127.0.0.1"));
        assert!(same_site("shop.example.com", "www.example.com"));
        assert!(same_site("example.com", "EXAMPLE.com"));
        assert!(!same_site("localhost", "127.0.0.1"));
        assert!(!same_site("10.0.0.1", "10.0.0.2"));
        assert!(!same_site("partner.cn", "shop.example.com"));
        assert!(!same_site("a.b.example.com", "b.example.org"));
    }
}
