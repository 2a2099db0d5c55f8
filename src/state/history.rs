//! What a reader expects of back and forward, which the router leaves to us: after each new
//! page focus moves to `<main>` (a screen reader hears the page, not silence), and a page
//! returned to is scrolled to where it was left. Positions are kept by address (path and
//! query) as the reader leaves, never from scroll events: while one page gives way to the
//! next, the browser clamps the scroll and would write the wrong place.

use std::cell::{Cell, RefCell};

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Addresses whose place is kept: the latest ones a back button can reach.
const KEPT: usize = 30;
/// How long a returning page may take to be tall enough again (frames, about 3 s).
const RESTORE_FRAMES: u32 = 180;

thread_local! {
    /// Where each address was left, newest last.
    static LEFT_AT: RefCell<Vec<(String, f64)>> = const { RefCell::new(Vec::new()) };
    /// The address of the page on screen.
    static SHOWN: RefCell<String> = const { RefCell::new(String::new()) };
    /// True from a back or forward until the reader goes somewhere new.
    static RETURNING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the page being drawn was reached by back or forward: lists then show what they
/// had loaded (`state::feed`) rather than starting again.
pub fn returning() -> bool {
    RETURNING.get()
}

/// Notes where the page on screen is scrolled to. Before every way of leaving it: a click
/// (links and buttons alike, so nothing is missed), `Nav::go`, back and forward.
pub fn leaving() {
    RETURNING.set(false);
    remember();
}

fn remember() {
    let Some(y) = web_sys::window().and_then(|w| w.scroll_y().ok()) else {
        return;
    };
    let address = SHOWN.with_borrow(Clone::clone);
    LEFT_AT.with_borrow_mut(|left| {
        left.retain(|(kept, _)| *kept != address);
        left.push((address, y));
        if left.len() > KEPT {
            left.remove(0);
        }
    });
}

fn left_at(address: &str) -> Option<f64> {
    LEFT_AT.with_borrow(|left| {
        left.iter()
            .find(|(kept, _)| kept == address)
            .map(|(_, y)| *y)
    })
}

fn address(pathname: Memo<String>, search: Memo<String>) -> String {
    let path = pathname.get();
    let query = search.get();
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

/// Scrolls the returned-to page to where it was left, once it can be: its chunk and data
/// have arrived (no skeleton in `<main>`) and it is tall enough. Gives up after a while,
/// scrolled as far as it goes.
fn restore(frames_left: u32) {
    request_animation_frame(move || {
        let Some(window) = web_sys::window() else {
            return;
        };
        let y = SHOWN.with_borrow(|shown| left_at(shown)).unwrap_or(0.0);
        let Some(document) = window.document() else {
            return;
        };
        let loading = document
            .query_selector("main .skeleton")
            .ok()
            .flatten()
            .is_some();
        let viewport = window
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(0.0);
        let room = document
            .document_element()
            .map_or(0.0, |root| f64::from(root.scroll_height()) - viewport);
        if (!loading && room >= y) || frames_left == 0 || !RETURNING.get() {
            if RETURNING.get() {
                window.scroll_to_with_x_and_y(0.0, y);
            }
            return;
        }
        restore(frames_left - 1);
    });
}

fn focus_main() {
    let main = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("main"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(main) = main {
        let options = web_sys::FocusOptions::new();
        // The scroll is ours to set (top, or where the page was left), not focus's.
        options.set_prevent_scroll(true);
        let _ = main.focus_with_options(&options);
    }
}

/// The address the browser shows (path and query), as the router will read it.
fn browser_address() -> Option<String> {
    let location = web_sys::window()?.location();
    Some(format!(
        "{}{}",
        location.pathname().ok()?,
        location.search().ok()?
    ))
}

/// Takes over scroll restoration from the browser (it would restore before the page has
/// been drawn again) and notes each way of leaving a page. Before `<Router>`: on back and
/// forward the router draws the returning page within its own `popstate` listener, and
/// that page must already know it is returning.
pub fn listen() {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.set_scroll_restoration(web_sys::ScrollRestoration::Manual);
    }
    let on_click = window_event_listener(ev::click, |_| leaving());
    let on_pop = window_event_listener(ev::popstate, |_| {
        // A jump within the page (the skip link's `#main`) is no return.
        if SHOWN.with_borrow(|shown| browser_address().as_ref() == Some(shown)) {
            return;
        }
        remember();
        RETURNING.set(true);
        restore(RESTORE_FRAMES);
    });
    on_cleanup(move || {
        on_click.remove();
        on_pop.remove();
    });
}

/// Follows the router's location (path and query): the page on screen, and focus to
/// `<main>` on each new page.
pub fn follow(pathname: Memo<String>, search: Memo<String>) {
    Effect::new(move |previous: Option<String>| {
        SHOWN.set(address(pathname, search));
        let path = pathname.get_untracked();
        // A new page, not the first one nor a new filter of the same page.
        if previous.is_some_and(|previous| previous != path) {
            focus_main();
        }
        path
    });
}
