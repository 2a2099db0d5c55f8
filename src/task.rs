//! Starting async work. Every task is boxed to one type first, so the executor's machinery
//! is compiled once rather than once per call site: kilobytes of wasm each, and the
//! first-load budget is counted in kilobytes.

use std::future::Future;
use std::pin::Pin;

type Task = Pin<Box<dyn Future<Output = ()>>>;

/// Runs a task to its end, whatever happens to the view that started it (writes).
pub fn spawn(task: impl Future<Output = ()> + 'static) {
    leptos::task::spawn_local(Box::pin(task) as Task);
}

/// Runs a task that is cancelled, with its requests, when the current reactive owner is
/// cleaned up (reads for a view that has gone).
pub fn spawn_scoped(task: impl Future<Output = ()> + 'static) {
    leptos::task::spawn_local_scoped_with_cancellation(Box::pin(task) as Task);
}

/// Waits `ms` without blocking (a browser timer): polls and back-offs.
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ =
                window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
