//! Quanzi inside a host app (a native app's webview, a mini-app container, a partner's
//! iframe). `?embed=1` drops the site's own header and tab bar for the rest of the visit
//! and lays the page out edge to edge inside the safe areas; `?theme=` takes the host's
//! colours; the bridge tells the host what happens and takes its commands
//! (docs/embedding.md).

pub mod bridge;
pub mod outside;
mod theme;

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::Money;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::browser::session_storage;
use crate::client::js_object;
use crate::i18n::{I18n, Lang};
use crate::state::router::{query_value, Nav};
use crate::task::spawn;
use bridge::{Command, Host};
use theme::Theme;

/// Session storage keys: embed mode and the theme last as long as the visit in this tab.
const EMBED_KEY: &str = "quanzi.embed";
const THEME_KEY: &str = "quanzi.theme";
/// How long a share waits for the host's `share_result` before the store shares itself:
/// under the second WebKit lets a tap's permission (share sheet, clipboard) last.
const SHARE_WAIT_MS: i32 = 900;

thread_local! {
    static HOST: RefCell<Option<Host>> = const { RefCell::new(None) };
    /// The share waiting for the host's answer: its id and what ends the wait.
    static SHARE_REPLY: RefCell<Option<(u32, js_sys::Function)>> = const { RefCell::new(None) };
    static SHARE_IDS: Cell<u32> = const { Cell::new(1) };
}

/// What the store tells the host.
pub enum Event<'a> {
    Ready {
        path: String,
        locale: &'a str,
    },
    /// The content's height in CSS pixels, for an iframe that grows with it.
    Resize {
        height: u32,
    },
    Navigate {
        path: String,
    },
    AddToCart {
        product_id: i64,
        quantity: u32,
    },
    /// `intent` is `cart`, `start` (a new group of `product_id`) or `join` (`group_id`).
    CheckoutStarted {
        intent: &'a str,
        product_id: Option<i64>,
        group_id: Option<i64>,
    },
    OrderPaid {
        order_id: i64,
        total: &'a Money,
        group_id: Option<i64>,
    },
    GroupJoined {
        group_id: i64,
        order_id: i64,
    },
    /// A page that needs the member's session opened in a tab of the store's own, the
    /// store being framed by another site (see [`outside`]).
    OpenStore {
        url: &'a str,
    },
    /// `id` comes back in the host's `share_result`.
    Share {
        id: u32,
        url: &'a str,
        title: &'a str,
        text: &'a str,
    },
}

fn number(n: impl Into<f64>) -> JsValue {
    JsValue::from_f64(n.into())
}

/// An id as a JS number (ids are far below 2^53), or null.
fn id(id: Option<i64>) -> JsValue {
    id.map_or(JsValue::NULL, |id| number(id as f64))
}

impl Event<'_> {
    fn message(&self) -> js_sys::Object {
        let (kind, payload) = match self {
            Event::Ready { path, locale } => (
                "ready",
                js_object(&[("path", path.as_str().into()), ("locale", (*locale).into())]),
            ),
            Event::Resize { height } => ("resize", js_object(&[("height", number(*height))])),
            Event::Navigate { path } => ("navigate", js_object(&[("path", path.as_str().into())])),
            Event::AddToCart {
                product_id,
                quantity,
            } => (
                "add_to_cart",
                js_object(&[
                    ("product_id", id(Some(*product_id))),
                    ("quantity", number(*quantity)),
                ]),
            ),
            Event::CheckoutStarted {
                intent,
                product_id,
                group_id,
            } => (
                "checkout_started",
                js_object(&[
                    ("intent", (*intent).into()),
                    ("product_id", id(*product_id)),
                    ("group_id", id(*group_id)),
                ]),
            ),
            Event::OrderPaid {
                order_id,
                total,
                group_id,
            } => (
                "order_paid",
                js_object(&[
                    ("order_id", id(Some(*order_id))),
                    (
                        "total",
                        js_object(&[
                            ("amount", number(total.amount as f64)),
                            ("currency", total.currency.as_str().into()),
                        ])
                        .into(),
                    ),
                    ("group_id", id(*group_id)),
                ]),
            ),
            Event::GroupJoined { group_id, order_id } => (
                "group_joined",
                js_object(&[
                    ("group_id", id(Some(*group_id))),
                    ("order_id", id(Some(*order_id))),
                ]),
            ),
            Event::OpenStore { url } => ("open_store", js_object(&[("url", (*url).into())])),
            Event::Share {
                id,
                url,
                title,
                text,
            } => (
                "share",
                js_object(&[
                    ("id", number(*id)),
                    ("url", (*url).into()),
                    ("title", (*title).into()),
                    ("text", (*text).into()),
                ]),
            ),
        };
        js_object(&[
            ("source", bridge::SOURCE.into()),
            ("v", number(bridge::VERSION)),
            ("type", kind.into()),
            ("payload", payload.into()),
        ])
    }
}

/// Tells the host, if there is one.
pub fn emit(event: Event) {
    HOST.with_borrow(|host| {
        if let Some(host) = host {
            host.send(&event.message());
        }
    });
}

/// Whether a host app listens (a native bridge or an allowlisted parent frame).
pub fn has_host() -> bool {
    HOST.with_borrow(Option::is_some)
}

fn root() -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .document_element()?
        .dyn_into()
        .ok()
}

/// The theme from the address (`accent:0a7d5a,…`) if it names any colour, else the one
/// kept from earlier in this visit; in a wasm chunk of its own: most visits have none, and
/// contrast arithmetic is not small.
#[wasm_split(embed_theme, wasm_split_path = ::leptos::wasm_split, fallible)]
fn apply_theme(asked: Option<String>, kept: Option<String>) -> Result<(), SplitLoaderError> {
    let theme = [asked, kept]
        .into_iter()
        .flatten()
        .map(|raw| Theme::parse(&raw))
        .find(|theme| !theme.is_empty());
    if let Some(theme) = theme {
        apply(&theme);
    }
    Ok(())
}

/// The host's colours as the stylesheet's custom properties (or the store's own again).
fn apply(theme: &Theme) {
    let Some(style) = root().map(|r| r.style()) else {
        return;
    };
    for name in theme::PROPERTIES {
        let _ = style.remove_property(name);
    }
    for (name, value) in theme.properties() {
        let _ = style.set_property(name, &value);
    }
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(THEME_KEY, &theme.encode());
    }
}

/// Reads embed mode and the theme from the address (or from earlier in this visit) and
/// finds the host. Runs once, before the first render; true when embedded.
pub fn start() -> bool {
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let query = query.trim_start_matches('?');
    let storage = session_storage();
    let stored = |key: &str| {
        storage
            .as_ref()
            .and_then(|s| s.get_item(key).ok().flatten())
    };
    let embedded = match query_value(query, "embed").as_deref() {
        Some("1") => true,
        Some("0") => false,
        _ => stored(EMBED_KEY).as_deref() == Some("1"),
    };
    if !embedded {
        // Leaving embed mode leaves the host's colours too.
        if let Some(storage) = &storage {
            let _ = storage.remove_item(EMBED_KEY);
            let _ = storage.remove_item(THEME_KEY);
        }
        HOST.set(Host::find());
        return false;
    }
    if let Some(storage) = &storage {
        let _ = storage.set_item(EMBED_KEY, "1");
    }
    if let Some(root) = root() {
        let _ = root.class_list().add_1("embedded");
    }
    // Only embedded: a shared link must not restyle the public site.
    let (asked, kept) = (query_value(query, "theme"), stored(THEME_KEY));
    if asked.is_some() || kept.is_some() {
        spawn(async move {
            // A chunk that cannot arrive leaves the store's own colours.
            let _ = apply_theme(asked, kept).await;
        });
    }
    HOST.set(Host::find());
    true
}

/// Hands a share to the host and waits briefly for its answer: true when the host took
/// care of it (its sheet opened, or it already knows how that went); false when it cannot
/// or does not answer in time, and the store shares by itself.
pub async fn share_via_host(url: &str, title: &str, text: &str) -> bool {
    let id = SHARE_IDS.with(|ids| ids.replace(ids.get().wrapping_add(1)));
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, SHARE_WAIT_MS);
        }
        SHARE_REPLY.set(Some((id, resolve)));
    });
    emit(Event::Share {
        id,
        url,
        title,
        text,
    });
    let answer = wasm_bindgen_futures::JsFuture::from(promise).await.ok();
    // Only this share's own reply, if it is still the one waiting.
    SHARE_REPLY.with_borrow_mut(|reply| {
        if reply.as_ref().is_some_and(|(waiting, _)| *waiting == id) {
            *reply = None;
        }
    });
    answer.and_then(|a| a.as_bool()).unwrap_or(false)
}

/// A host's message, read and obeyed in a wasm chunk of its own (only hosts send any).
#[wasm_split(embed_commands, wasm_split_path = ::leptos::wasm_split, fallible)]
fn obey_message(
    event: web_sys::MessageEvent,
    nav: Nav,
    i18n: I18n,
) -> Result<(), SplitLoaderError> {
    let Some(command) = bridge::read(&event) else {
        return Ok(());
    };
    if !has_host() {
        if let Some(host) = Host::from_command(&event) {
            HOST.set(Some(host));
            emit(Event::Ready {
                path: nav.href(),
                locale: i18n.lang.get_untracked().tag(),
            });
        }
    }
    obey(command, nav, i18n);
    Ok(())
}

fn obey(command: Command, nav: Nav, i18n: I18n) {
    match command {
        Command::Navigate(path) => nav.go(&path),
        Command::SetLocale(tag) => {
            if let Some(lang) = Lang::from_tag(&tag) {
                i18n.set(lang);
            }
        }
        Command::SetTheme(theme) => apply(&theme),
        Command::ShareResult { id, handled } => {
            let reply = SHARE_REPLY.with_borrow_mut(|reply| match (reply.as_ref(), id) {
                (Some((waiting, _)), Some(id)) if *waiting != id => None,
                _ => reply.take(),
            });
            if let Some((_, resolve)) = reply {
                let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(handled));
            }
        }
    }
}

/// Reports the content's height whenever it changes (an iframe that fits its content).
fn observe_height() {
    let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    let last = Cell::new(0);
    let measured = body.clone();
    let callback = Closure::<dyn FnMut()>::new(move || {
        let height = measured.get_bounding_client_rect().height().ceil() as u32;
        if height != last.replace(height) {
            emit(Event::Resize { height });
        }
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(&body);
        // Both live as long as the page.
        callback.forget();
    }
}

/// Connects the bridge once the app is up: commands in, `ready`, `navigate` and `resize`
/// out. Nothing at all without a host or a parent frame.
pub fn connect(nav: Nav, i18n: I18n) {
    // Framed, the parent may be a host the browser would not name (§ bridge::Host).
    if !has_host() && !bridge::is_framed() {
        return;
    }
    let listener = window_event_listener(leptos::ev::message, move |event| {
        // A stranger's message does not even fetch the chunk.
        if !bridge::from_host(&event) {
            return;
        }
        spawn(async move {
            let _ = obey_message(event, nav, i18n).await;
        });
    });
    on_cleanup(move || listener.remove());
    Effect::new(move |previous: Option<String>| {
        nav.pathname.track();
        nav.search.track();
        let here = nav.href();
        match previous {
            None => emit(Event::Ready {
                path: here.clone(),
                locale: i18n.lang.get_untracked().tag(),
            }),
            Some(previous) if previous != here => emit(Event::Navigate { path: here.clone() }),
            Some(_) => {}
        }
        here
    });
    observe_height();
}
