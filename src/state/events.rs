//! The signed-in member's live events: one server-sent-events stream per tab
//! (`/api/v1/events`), opened once the session is known and closed when it ends. It
//! carries the unread count (the tab bar's badge) and which order or group changed, so
//! open pages ask again at once instead of polling. When the stream cannot connect it is
//! tried again with back-off (1 s, doubling to 30 s), and pages poll as before while it is
//! down (`live` is false): nothing waits on a stream that may never come. The stream's own
//! code is a wasm chunk of its own (`events`), fetched once a member is signed in: guests,
//! who open most links, never download it.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::notification::event;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::client::api_base;
use crate::state::session::Session;
use crate::task::{sleep, spawn};

const RETRY_FIRST_MS: u32 = 1_000;
const RETRY_MAX_MS: u32 = 30_000;

#[derive(Clone, Copy)]
pub struct Events {
    /// The stream is open: pages follow it instead of polling.
    pub live: RwSignal<bool>,
    /// Unread notifications, for the badge.
    pub unread: RwSignal<u32>,
    /// The last group and order that changed (set again for the same one: it changed again).
    pub group: RwSignal<Option<i64>>,
    pub order: RwSignal<Option<i64>>,
}

/// The number in one of our event's data (`{"unread":3}`, `{"id":12}`: the server's own
/// fixed shapes, so no JSON parser is needed for them).
fn number(data: &str) -> Option<i64> {
    let digits: String = data
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The stream of this tab, while there is one.
#[derive(Default)]
struct Open {
    source: Option<web_sys::EventSource>,
    /// Kept alive as long as the source is.
    handlers: Vec<Closure<dyn FnMut(web_sys::MessageEvent)>>,
    /// Bumped by each connect and close: a retry scheduled for an older one gives up.
    generation: u32,
}

impl Open {
    fn close(&mut self) {
        if let Some(source) = self.source.take() {
            source.close();
        }
        self.handlers.clear();
        self.generation = self.generation.wrapping_add(1);
    }
}

pub fn provide_events(session: Session) -> Events {
    let events = Events {
        live: RwSignal::new(false),
        unread: RwSignal::new(0),
        group: RwSignal::new(None),
        order: RwSignal::new(None),
    };
    provide_context(events);
    let signed_in = Memo::new(move |_| session.me.with(Option::is_some));
    Effect::new(move |was: Option<bool>| {
        let signed_in = signed_in.get();
        events.live.set(false);
        if !signed_in {
            events.unread.set(0);
        }
        // A guest's tab never fetches the stream's chunk; one that signed out closes it.
        // A chunk that fails to arrive leaves the pages polling, as with no stream.
        if signed_in || was == Some(true) {
            spawn(async move {
                let _ = follow(events, signed_in).await;
            });
        }
        signed_in
    });
    events
}

thread_local! {
    /// This tab's stream, and how long until the next try.
    static STREAM: (Rc<RefCell<Open>>, Rc<RefCell<u32>>) =
        (Rc::default(), Rc::new(RefCell::new(RETRY_FIRST_MS)));
}

/// Opens the stream for a member who signed in, closes it for one who left.
#[wasm_split(events, wasm_split_path = ::leptos::wasm_split, fallible)]
fn follow(events: Events, signed_in: bool) -> Result<(), SplitLoaderError> {
    let (open, delay) = STREAM.with(|(open, delay)| (open.clone(), delay.clone()));
    open.borrow_mut().close();
    if signed_in {
        connect(events, open, delay);
    }
    Ok(())
}

fn connect(events: Events, open: Rc<RefCell<Open>>, delay: Rc<RefCell<u32>>) {
    let generation = open.borrow().generation;
    let Ok(source) = web_sys::EventSource::new(&format!("{}/events", api_base())) else {
        retry(events, open, delay);
        return;
    };
    let mut handlers = Vec::new();
    let mut on = |name: &str, handle: Box<dyn FnMut(web_sys::MessageEvent)>| {
        let closure = Closure::wrap(handle);
        let _ = source.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
        handlers.push(closure);
    };
    let data = |e: &web_sys::MessageEvent| e.data().as_string().as_deref().and_then(number);
    {
        let delay = delay.clone();
        on(
            "open",
            Box::new(move |_| {
                *delay.borrow_mut() = RETRY_FIRST_MS;
                events.live.set(true);
            }),
        );
    }
    on(
        event::UNREAD,
        Box::new(move |e| {
            if let Some(n) = data(&e) {
                events.unread.set(u32::try_from(n).unwrap_or(0));
            }
        }),
    );
    on(
        event::GROUP,
        Box::new(move |e| {
            if let Some(id) = data(&e) {
                events.group.set(Some(id));
            }
        }),
    );
    // Changes were missed: pages read everything again (setting the signal notifies them,
    // as a reconnect does).
    on(event::RESYNC, Box::new(move |_| events.live.set(true)));
    on(
        event::ORDER,
        Box::new(move |e| {
            if let Some(id) = data(&e) {
                events.order.set(Some(id));
            }
        }),
    );
    {
        let open = open.clone();
        let delay = delay.clone();
        // The browser would retry at its own pace; ours backs off, and pages poll meanwhile.
        // Closed once this handler has returned: closing drops the handlers, this one too.
        on(
            "error",
            Box::new(move |_| {
                let (open, delay) = (open.clone(), delay.clone());
                spawn(async move {
                    // A newer stream (signed out and in meanwhile) is not this one's to close.
                    if open.borrow().generation != generation {
                        return;
                    }
                    open.borrow_mut().close();
                    events.live.set(false);
                    retry(events, open, delay);
                });
            }),
        );
    }
    let mut state = open.borrow_mut();
    state.source = Some(source);
    state.handlers = handlers;
}

fn retry(events: Events, open: Rc<RefCell<Open>>, delay: Rc<RefCell<u32>>) {
    let generation = open.borrow().generation;
    let wait = *delay.borrow();
    *delay.borrow_mut() = (wait * 2).min(RETRY_MAX_MS);
    spawn(async move {
        sleep(wait).await;
        // Signed out, or connected again meanwhile: nothing to do.
        if open.borrow().generation == generation && open.borrow().source.is_none() {
            connect(events, open, delay);
        }
    });
}

pub fn use_events() -> Events {
    expect_context()
}

impl Events {
    /// Runs `refresh` when the order or group `id` changes (`changed` is `self.order` or
    /// `self.group`), and when the stream (re)connects or resyncs, having maybe missed it;
    /// never for another one's change, nor on the first run.
    pub fn refresh_on(
        self,
        changed: RwSignal<Option<i64>>,
        id: i64,
        refresh: impl Fn() + Copy + 'static,
    ) {
        Effect::new(move |first: Option<()>| {
            if changed.get() == Some(id) && first.is_some() {
                refresh();
            }
        });
        Effect::new(move |first: Option<()>| {
            if self.live.get() && first.is_some() {
                refresh();
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_of_our_events() {
        assert_eq!(number(r#"{"unread":3}"#), Some(3));
        assert_eq!(number(r#"{"id":12345}"#), Some(12345));
        assert_eq!(number("{}"), None);
    }
}
