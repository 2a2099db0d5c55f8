//! Referral codes on the way in. A link's `?ref=` is kept here (first touch wins, for 30
//! days) so that a later sign-up carries it, and it is taken out of the address bar, so a
//! reader who shares the page passes on their own code, not someone else's. The server
//! keeps its own first-touch cookie from the same landing; this copy is for when cookies
//! did not survive (a webview, a cleared jar). Host containers hand the code over in the
//! hash instead (`#tgWebAppStartParam=CODE`); the app reports that landing itself.

use gloo_net::http::Method;
use leptos::prelude::use_context;
use quanzi_api::{href, href_with, parse_referral_code, ReferralVisit, Route};

use crate::browser::local_storage;
use crate::client::write_json;
use crate::i18n::Lang;
use crate::state::router::query_value;
use crate::task::spawn;

/// The code the links of a page carry: a member's shop provides theirs, so that whatever a
/// visitor opens from it (and forwards) credits them.
#[derive(Clone, Debug)]
pub struct SharedBy(pub String);

/// A link to `route`, with the page's [`SharedBy`] code when it has one.
pub fn shared_href(route: Route) -> String {
    match use_context::<SharedBy>() {
        Some(SharedBy(code)) => href_with(route, &[("ref", &code)]),
        None => href(route),
    }
}

const STORAGE_KEY: &str = "quanzi.ref";
/// How long a captured code is kept, as the server's default window.
const KEEP_MS: u64 = 30 * 24 * 60 * 60 * 1000;

/// Keeps the referral code a visitor arrives with: in `?ref=`, or in a host container's
/// launch parameter in the hash. Runs once, before the router reads the address.
pub fn capture(lang: Lang) {
    let Some(window) = web_sys::window() else {
        return;
    };
    capture_query(&window);
    capture_launch_param(&window, lang);
}

/// Keys under which mini-app containers hand over a start parameter, in the hash or the
/// query (`#tgWebAppStartParam=CODE`, `?startapp=CODE`), and our own `#ref=`.
const LAUNCH_KEYS: [&str; 3] = ["tgWebAppStartParam", "startapp", "ref"];

/// The referral code in a launch parameter of a hash or query: `[A-Za-z0-9_-]`, at most 64
/// characters, and a code once read as one (hyphens and underscores are separators some
/// containers need).
fn launch_code(params: &str) -> Option<String> {
    params
        .trim_start_matches(['#', '?'])
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| LAUNCH_KEYS.contains(key))
        .map(|(_, value)| value)
        .filter(|value| {
            value.len() <= 64
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .and_then(|value| parse_referral_code(&value.replace('_', "-")))
}

/// A launch parameter the server does not read (a hash is never sent): the app reports the
/// landing, which the server records as it does for `?ref=`. The hash is the container's
/// and stays as it is, but for our own `#ref=`, taken out like `?ref=`.
fn capture_launch_param(window: &web_sys::Window, lang: Lang) {
    let location = window.location();
    let hash = location.hash().unwrap_or_default();
    // `?ref=` has already been taken out of the query, and counted by the server.
    let search = location.search().unwrap_or_default();
    let Some(code) = launch_code(&hash).or_else(|| launch_code(&search)) else {
        return;
    };
    keep(&code, now_ms());
    let pairs: Vec<&str> = hash.trim_start_matches('#').split('&').collect();
    if pairs.iter().any(|pair| is_ref(pair)) {
        let rest: Vec<&str> = pairs.into_iter().filter(|pair| !is_ref(pair)).collect();
        let mut url = format!("{}{search}", location.pathname().unwrap_or_default());
        if !rest.join("").is_empty() {
            url = format!("{url}#{}", rest.join("&"));
        }
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
    spawn(async move {
        let visit = ReferralVisit { code };
        // A lost report costs one visit in the sharer's figures, never the page.
        let _ = write_json::<()>(Method::POST, "/referrals/visits", lang, Some(&visit)).await;
    });
}

/// Reads `ref` from the query, keeps it if it is a code and none is kept yet, and
/// replaces the address with the same one without `ref`.
fn capture_query(window: &web_sys::Window) {
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let query = search.trim_start_matches('?');
    if !query.split('&').any(is_ref) {
        return;
    }
    if let Some(code) = query_value(query, "ref").and_then(|raw| parse_referral_code(&raw)) {
        keep(&code, now_ms());
        let path = location.pathname().unwrap_or_default();
        LANDING.with(|landing| *landing.borrow_mut() = Some((path, code)));
    }
    let rest: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && !is_ref(pair))
        .collect();
    let mut url = location.pathname().unwrap_or_else(|_| "/".into());
    if !rest.is_empty() {
        url.push('?');
        url.push_str(&rest.join("&"));
    }
    url.push_str(&location.hash().unwrap_or_default());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

thread_local! {
    /// The page a `?ref=` link opened, and its code: that page names who shared it.
    static LANDING: std::cell::RefCell<Option<(String, String)>> = const { std::cell::RefCell::new(None) };
}

/// The code of the link that opened the page at `path`, if a link with `?ref=` did.
pub fn landing_code(path: &str) -> Option<String> {
    LANDING.with(|landing| {
        landing
            .borrow()
            .as_ref()
            .filter(|(landed, _)| landed == path)
            .map(|(_, code)| code.clone())
    })
}

fn is_ref(pair: &str) -> bool {
    pair == "ref" || pair.starts_with("ref=")
}

/// Whole milliseconds: integers keep float formatting and parsing out of the first load.
fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

fn keep(code: &str, now: u64) {
    if kept(now).is_some() {
        return;
    }
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(STORAGE_KEY, &format!("{code} {}", now + KEEP_MS));
    }
}

/// The code kept from the link this visitor first came by, if still within its window.
pub fn kept_code() -> Option<String> {
    kept(now_ms())
}

/// The code this visitor came by: kept, or, where the browser keeps nothing for the store
/// (a frame of another site), the one this page was opened with.
pub fn arrival_code() -> Option<String> {
    kept_code()
        .or_else(|| LANDING.with(|landing| landing.borrow().as_ref().map(|(_, code)| code.clone())))
}

fn kept(now: u64) -> Option<String> {
    let storage = local_storage()?;
    let value = storage.get_item(STORAGE_KEY).ok()??;
    match read(&value, now) {
        Some(code) => Some(code),
        None => {
            let _ = storage.remove_item(STORAGE_KEY);
            None
        }
    }
}

/// `"7K3M9QXZ 1766000000000"`: the code while `now` is before the expiry, else nothing.
fn read(value: &str, now: u64) -> Option<String> {
    let (code, expires) = value.split_once(' ')?;
    let expires: u64 = expires.parse().ok()?;
    (now < expires).then(|| parse_referral_code(code))?
}

#[cfg(test)]
mod tests {
    use super::{is_ref, launch_code, read};

    #[test]
    fn a_kept_code_lasts_until_its_expiry() {
        assert_eq!(read("7K3M9QXZ 2000", 1999).as_deref(), Some("7K3M9QXZ"));
        assert_eq!(read("7K3M9QXZ 2000", 2000), None);
        assert_eq!(read("<script> 2000", 1), None);
        assert_eq!(read("garbage", 1), None);
    }

    #[test]
    fn launch_parameters_carry_codes() {
        assert_eq!(
            launch_code("#tgWebAppData=x%3D1&tgWebAppStartParam=7k3m9qxz").as_deref(),
            Some("7K3M9QXZ")
        );
        assert_eq!(
            launch_code("#startapp=7K3M_9QXZ").as_deref(),
            Some("7K3M9QXZ")
        );
        assert_eq!(launch_code("#ref=7K3M-9QXZ").as_deref(), Some("7K3M9QXZ"));
        assert_eq!(
            launch_code("?tgWebAppStartParam=7K3M9QXZ&x=1").as_deref(),
            Some("7K3M9QXZ")
        );
        for hash in [
            "",
            "#",
            "#main",
            "#tgWebAppStartParam=",
            "#tgWebAppStartParam=7K3M9QXZ%3Cscript",
            "#tgWebAppStartParam=<script>",
            "#other=7K3M9QXZ",
            "#tgWebAppStartParam=UUUUUUUU",
        ] {
            assert_eq!(launch_code(hash), None, "{hash}");
        }
        let long = format!("#startapp={}", "7".repeat(65));
        assert_eq!(launch_code(&long), None);
    }

    #[test]
    fn only_the_ref_parameter_is_taken_out() {
        assert!(is_ref("ref=7K3M9QXZ"));
        assert!(is_ref("ref"));
        assert!(!is_ref("referrer=x"));
        assert!(!is_ref("community=cycling"));
    }
}
