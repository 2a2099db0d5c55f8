//! Pages whose code is in a wasm chunk of its own, fetched on the first visit: the first
//! load carries only the feed and the shell (the first-load budget). A chunk that fails to
//! arrive shows the error state, and retry fetches it again.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use crate::client::ClientError;
use crate::ui::states::{ErrorState, Skeleton};

type Chunk = Pin<Box<dyn Future<Output = Result<AnyView, SplitLoaderError>>>>;

/// The page that `chunk` makes: a page's entry in its chunk, as `#[wasm_split(…, fallible)]`
/// declares it (`|| product_page(id)`). A skeleton shows while it arrives.
pub fn lazy<F>(chunk: impl Fn() -> F + 'static) -> AnyView
where
    F: Future<Output = Result<AnyView, SplitLoaderError>> + 'static,
{
    view! { <Lazy chunk=Box::new(move || Box::pin(chunk()) as Chunk) part=false /> }.into_any()
}

/// Like [`lazy`], for a part of a page (a panel): a small spinner while it arrives.
pub fn lazy_part<F>(chunk: impl Fn() -> F + 'static) -> AnyView
where
    F: Future<Output = Result<AnyView, SplitLoaderError>> + 'static,
{
    view! { <Lazy chunk=Box::new(move || Box::pin(chunk()) as Chunk) part=true /> }.into_any()
}

#[component]
fn Lazy(chunk: Box<dyn Fn() -> Chunk>, part: bool) -> impl IntoView {
    let chunk = StoredValue::new_local(chunk);
    let page = RwSignal::new_local(None::<Result<AnyView, ()>>);
    // The page is made in this component's owner, not in a closure's of its own: what it
    // provides (a page's clock, say) must be seen by the view below, a sibling closure.
    let owner = StoredValue::new_local(Owner::current());
    let load = move || {
        let task = async move {
            let load = chunk.with_value(|chunk| chunk());
            page.set(Some(load.await.map_err(|_| ())));
        };
        match owner.get_value() {
            Some(owner) => owner.with(|| crate::task::spawn_scoped(task)),
            None => crate::task::spawn_scoped(task),
        }
    };
    load();
    view! {
        {move || {
            page.track();
            match page.try_update_untracked(Option::take).flatten() {
            None if part => view! { <span class="spinner" role="status"></span> }.into_any(),
            None => view! { <Skeleton /> }.into_any(),
            Some(Ok(view)) => view,
            Some(Err(())) => {
                view! {
                    <ErrorState
                        error=ClientError::Network
                        retry=move || {
                            page.set(None);
                            load();
                        }
                    />
                }
                    .into_any()
            }
            }
        }}
    }
}
