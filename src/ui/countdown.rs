//! Countdowns that agree with the server on every phone. Each answer that carries a
//! deadline also carries `server_time`; the clock keeps the offset between the two clocks
//! and one ticker per page recomputes `deadline − (now + offset)` every second, so a phone
//! whose clock is an hour off still shows the right time, and nothing drifts by counting
//! down. The ticker catches up at once when the tab comes back into view.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Strings};

/// The page's clock: server time in ms, ticking once a second.
#[derive(Clone, Copy)]
pub struct Clock {
    now: RwSignal<i64>,
    offset: StoredValue<i64>,
    /// The `server_time` last synced from: the same answer drawn again is no new reading.
    synced: StoredValue<String>,
    /// Moves when the tab becomes visible again: pages refetch what may have changed.
    pub resumed: Trigger,
}

/// Milliseconds since the epoch of an RFC 3339 time, if it is one.
pub fn parse_time(rfc3339: &str) -> Option<i64> {
    let ms = js_sys::Date::parse(rfc3339);
    (!ms.is_nan()).then_some(ms as i64)
}

fn local_now() -> i64 {
    js_sys::Date::now() as i64
}

impl Clock {
    /// Takes the offset from an answer's `server_time`, received just now.
    pub fn sync(&self, server_time: &str) {
        self.sync_at(server_time, local_now() as f64);
    }

    /// Takes the offset from an answer's `server_time`, received at `received` (ms since the
    /// epoch, this device's clock): an answer from the page's shell arrived before the app
    /// ran. An answer synced from already is skipped, or a page drawing an old answer again
    /// would count its age as time left.
    pub fn sync_at(&self, server_time: &str, received: f64) {
        if self.synced.with_value(|last| last == server_time) {
            return;
        }
        if let Some(server) = parse_time(server_time) {
            self.synced.set_value(server_time.to_owned());
            self.offset.set_value(server - received as i64);
            self.tick();
        }
    }

    fn tick(&self) {
        self.now.set(local_now() + self.offset.get_value());
    }

    /// What is left until `deadline` (ms), never below zero; read in a reactive closure, it
    /// updates every second.
    pub fn left(&self, deadline: i64) -> i64 {
        (deadline - self.now.get()).max(0)
    }
}

/// The tab is out of view: what only refreshes a view can wait.
pub fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Starts the page's one ticker (call it in the page's component).
pub fn provide_clock() -> Clock {
    let clock = Clock {
        now: RwSignal::new(local_now()),
        offset: StoredValue::new(0),
        synced: StoredValue::new(String::new()),
        resumed: Trigger::new(),
    };
    provide_context(clock);
    let interval =
        set_interval_with_handle(move || clock.tick(), std::time::Duration::from_secs(1));
    let visible = window_event_listener_untyped("visibilitychange", move |_| {
        if !page_hidden() {
            clock.tick();
            clock.resumed.notify();
        }
    });
    on_cleanup(move || {
        if let Ok(interval) = interval {
            interval.clear();
        }
        visible.remove();
    });
    clock
}

/// The page's clock; a countdown on a page that started none gets one of its own rather
/// than failing.
pub fn use_clock() -> Clock {
    use_context().unwrap_or_else(provide_clock)
}

/// `05:12:33`; hours run past 24 (a 48-hour window reads `47:59:59`).
pub fn hms(ms: i64) -> String {
    let secs = ms.max(0) / 1000;
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// How long before a milestone it is said: a few ticks, so a late tick cannot skip it.
const SAY_FOR_MS: i64 = 5_000;

/// The moments worth announcing to a screen reader (not every second). Each is said in the
/// seconds before the timer reaches it and never after, so it never claims more time than
/// is left: a seat held for 2 minutes is not "10 minutes left".
fn milestone(t: &'static Strings, left: i64) -> Option<&'static str> {
    if left <= 0 {
        return Some(t.countdown_ended);
    }
    [
        (3_600_000, t.countdown_1_hour),
        (600_000, t.countdown_10_min),
        (60_000, t.countdown_1_min),
    ]
    .into_iter()
    .find(|(at, _)| (*at..*at + SAY_FOR_MS).contains(&left))
    .map(|(_, said)| said)
}

/// The time left to `deadline` as `HH:MM:SS`. A polite live region says only the
/// milestones; `on_end` runs once when it reaches zero (the page refetches).
#[component]
pub fn Countdown(deadline: i64, #[prop(into)] on_end: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_clock();
    let left = Memo::new(move |_| clock.left(deadline));
    let said = Memo::new(move |_| milestone(i18n.t(), left.get()));
    // Once, when it reaches zero (also if the clock, synced a moment later, says it has).
    let ended = StoredValue::new(false);
    Effect::new(move |_| {
        if left.get() == 0 && !ended.get_value() {
            ended.set_value(true);
            on_end.run(());
        }
    });
    view! {
        <time class="countdown" role="timer">
            {move || hms(left.get())}
        </time>
        <span class="visually-hidden" aria-live="polite">{move || said.get()}</span>
    }
}

#[cfg(test)]
mod tests {
    use super::{hms, milestone};
    use crate::i18n::Lang;

    #[test]
    fn hours_minutes_seconds() {
        assert_eq!(hms(0), "00:00:00");
        assert_eq!(hms(-5_000), "00:00:00");
        assert_eq!(hms(5 * 3_600_000 + 12 * 60_000 + 33_999), "05:12:33");
        assert_eq!(hms(48 * 3_600_000 - 1_000), "47:59:59");
    }

    #[test]
    fn a_two_minute_hold_is_never_announced_as_ten_minutes() {
        let t = Lang::ZhCn.strings();
        assert_eq!(milestone(t, 120_000), None);
        assert_eq!(milestone(t, 119_000), None);
        assert_eq!(milestone(t, 61_000), Some("只剩 1 分钟"));
        assert_eq!(milestone(t, 60_000), Some("只剩 1 分钟"));
        assert_eq!(milestone(t, 59_999), None);
        assert_eq!(milestone(t, 600_500), Some("只剩 10 分钟"));
        assert_eq!(milestone(t, 0), Some("时间到"));
    }

    #[test]
    fn milestones_never_say_more_time_than_is_left() {
        for lang in [Lang::ZhCn, Lang::En] {
            let t = lang.strings();
            let claimed = |said: &str| {
                [
                    (t.countdown_1_hour, 3_600_000),
                    (t.countdown_10_min, 600_000),
                    (t.countdown_1_min, 60_000),
                    (t.countdown_ended, 0),
                ]
                .into_iter()
                .find(|(text, _)| *text == said)
                .map(|(_, ms)| ms)
            };
            let mut said = Vec::new();
            // Every tick of a 2-hour window, a tick a quarter second late each time.
            let mut left = 2 * 3_600_000;
            while left >= 0 {
                if let Some(text) = milestone(t, left) {
                    let ms = claimed(text).expect("a known milestone");
                    assert!(ms <= left, "{text} with {left} ms left");
                    if said.last() != Some(&text) {
                        said.push(text);
                    }
                }
                left -= 1_250;
            }
            // Each said once, in order, late ticks or not.
            let expected = [
                t.countdown_1_hour,
                t.countdown_10_min,
                t.countdown_1_min,
                t.countdown_ended,
            ];
            assert_eq!(said, expected);
        }
    }
}
