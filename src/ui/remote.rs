//! Data from the API as a signal: loading, ready or failed, reloaded when its path or the
//! language changes. Plain signals and a scoped task rather than resources and
//! `<Transition>`, which cost the first-load budget more than they give here.

use leptos::prelude::*;
use serde::de::DeserializeOwned;

use super::states::{ErrorState, Skeleton};
use crate::client::{first_data, first_data_time, get_json, ClientError};
use crate::i18n::use_i18n;
use crate::task::spawn_scoped;

#[derive(Clone, Debug, PartialEq)]
pub enum State<T> {
    Loading,
    Ready(T),
    Failed(ClientError),
}

/// A loaded API resource. `Copy`, so views and callbacks can share it freely.
pub struct Remote<T: Send + Sync + 'static> {
    pub state: RwSignal<State<T>>,
    retry: Trigger,
    /// When the answer in `state` arrived (ms since the epoch, this device's clock).
    received: StoredValue<f64>,
}

impl<T: Send + Sync + 'static> Clone for Remote<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Remote<T> {}

impl<T: Send + Sync + 'static> Remote<T> {
    pub fn retry(&self) {
        self.retry.notify();
    }

    /// When the current answer arrived, for clocks that sync from its `server_time`.
    pub fn received_at(&self) -> f64 {
        self.received.get_value()
    }
}

/// Loads `path()` (relative to the API base), again whenever it or the language changes.
/// The first answer comes from the page's shell when it carries it.
pub fn fetch<T>(path: impl Fn() -> String + Send + Sync + 'static) -> Remote<T>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let first = untrack(|| first_data::<T>(&path(), i18n.lang.get()));
    let from_shell = first.is_some();
    let remote = Remote {
        state: RwSignal::new(first.map_or(State::Loading, State::Ready)),
        retry: Trigger::new(),
        received: StoredValue::new(first_data_time()),
    };
    // An answer to an older path or language is dropped, never shown.
    let generation = StoredValue::new(0u64);
    Effect::new(move |ran: Option<()>| {
        remote.retry.track();
        let lang = i18n.lang.get();
        let path = path();
        if ran.is_none() && from_shell {
            return;
        }
        generation.update_value(|g| *g += 1);
        let this = generation.get_value();
        remote.state.set(State::Loading);
        spawn_scoped(async move {
            let result = get_json::<T>(&path, lang).await;
            if generation.try_get_value() == Some(this) {
                remote.received.set_value(js_sys::Date::now());
                remote.state.set(match result {
                    Ok(value) => State::Ready(value),
                    Err(error) => State::Failed(error),
                });
            }
        });
    });
    remote
}

/// Renders a remote: a skeleton while loading, the page when ready, a retryable error
/// (or the not-found page) when it failed.
pub fn loaded<T, V>(
    remote: Remote<T>,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    move || match remote.state.get() {
        State::Loading => view! { <Skeleton /> }.into_any(),
        State::Ready(value) => render(value).into_any(),
        State::Failed(error) => {
            view! { <ErrorState error retry=move |_| remote.retry() /> }.into_any()
        }
    }
}
