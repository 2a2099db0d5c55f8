//! A list of posts that pages itself by cursor as the reader nears its end: the feed, a
//! community's, a member's. Coming back to it (back or forward) shows the posts it had
//! loaded, kept in `state::feed`, so the reader's place still exists.

use leptos::ev;
use leptos::prelude::*;
use leptos::reactive::owner::Owner;
use quanzi_api::{Page, Post};

use crate::client::{first_data, get_json, ClientError};
use crate::components::post_card::PostCard;
use crate::i18n::use_i18n;
use crate::state::feed::{feed_path, use_kept_feeds, FeedFilter, Loaded};
use crate::state::history;
use crate::task::{spawn, spawn_scoped};
use crate::ui::states::{Empty, ErrorState, Skeleton};

/// Start loading the next page this far before the reader reaches the end.
const PREFETCH_PX: f64 = 800.0;

#[derive(Clone, Debug, PartialEq)]
enum Status {
    Loading,
    /// More pages exist and none is loading.
    Ready,
    End,
    Failed(ClientError),
}

/// A list of posts that pages itself by cursor. Shared by the feed, community and member
/// pages.
#[component]
pub fn FeedList(#[prop(into)] filter: Signal<FeedFilter>) -> impl IntoView {
    let i18n = use_i18n();
    let kept = use_kept_feeds();
    // Back on this list: what it had, drawn at once, so the page is as tall as it was.
    let restored = history::returning()
        .then(|| kept.get(&filter.get_untracked(), i18n.lang.get_untracked()))
        .flatten();
    // Else the first page, when the page's shell carries it.
    let restored = restored.or_else(|| {
        let (filter, lang) = (filter.get_untracked(), i18n.lang.get_untracked());
        let page = first_data::<Page<Post>>(&feed_path(&filter, None), lang)?;
        let loaded = Loaded {
            posts: page.items,
            cursor: page.next_cursor,
        };
        kept.keep(filter, lang, loaded.clone());
        Some(loaded)
    });
    let was_restored = restored.is_some();
    let (first_posts, first_cursor, first_status) = match restored {
        Some(Loaded { posts, cursor }) => {
            let status = if cursor.is_some() {
                Status::Ready
            } else {
                Status::End
            };
            (posts, cursor, status)
        }
        None => (Vec::new(), None, Status::Loading),
    };
    let posts = RwSignal::new(first_posts);
    let cursor = RwSignal::new(first_cursor);
    let status = RwSignal::new(first_status);
    // Answers to an older filter or language are dropped, not appended.
    let generation = StoredValue::new(0u64);
    let sentinel = NodeRef::<leptos::html::Div>::new();
    let owner = StoredValue::new(Owner::current());

    let near_end = move || {
        let (Some(Some(element)), Some(window)) = (sentinel.try_get_untracked(), web_sys::window())
        else {
            return false;
        };
        let viewport = window
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(0.0);
        element.get_bounding_client_rect().top() < viewport + PREFETCH_PX
    };

    let load = move |reset: bool| {
        if reset {
            generation.update_value(|g| *g += 1);
            posts.set(Vec::new());
            cursor.set(None);
        } else if status.get_untracked() != Status::Ready {
            return;
        }
        status.set(Status::Loading);
        let this_generation = generation.get_value();
        let path = feed_path(&filter.get_untracked(), cursor.get_untracked().as_deref());
        let lang = i18n.lang.get_untracked();
        let task = async move {
            let result = get_json::<Page<Post>>(&path, lang).await;
            if generation.try_get_value() != Some(this_generation) {
                return;
            }
            match result {
                Ok(page) => {
                    posts.update(|list| list.extend(page.items));
                    status.set(if page.next_cursor.is_some() {
                        Status::Ready
                    } else {
                        Status::End
                    });
                    let loaded = Loaded {
                        posts: posts.get_untracked(),
                        cursor: page.next_cursor.clone(),
                    };
                    kept.keep(filter.get_untracked(), lang, loaded);
                    cursor.set(page.next_cursor);
                }
                Err(error) => status.set(Status::Failed(error)),
            }
        };
        // The task belongs to the list, not to whatever view's handler started it: the
        // error state's retry button is gone the moment loading starts, and its cleanup
        // would cancel the request it just made.
        match owner.get_value() {
            Some(owner) => owner.with(|| spawn_scoped(task)),
            None => spawn(task),
        }
    };

    // Runs from scroll events and animation frames, which may fire after the list is gone:
    // hence `try_`, which answers `None` for a disposed signal instead of panicking.
    let load_more_if_near = move || {
        if status.try_get_untracked() == Some(Status::Ready) && near_end() {
            load(false);
        }
    };

    Effect::new(move |first: Option<()>| {
        filter.track();
        i18n.lang.track();
        if first.is_some() || !was_restored {
            load(true);
        }
    });
    // A short page may not fill the screen: check again once each page has rendered.
    Effect::new(move |_| {
        if status.get() == Status::Ready {
            request_animation_frame(load_more_if_near);
        }
    });
    let on_scroll = window_event_listener(ev::scroll, move |_| load_more_if_near());
    let on_resize = window_event_listener(ev::resize, move |_| load_more_if_near());
    on_cleanup(move || {
        on_scroll.remove();
        on_resize.remove();
    });

    let footer = move || {
        let has_posts = !posts.with(Vec::is_empty);
        match status.get() {
            Status::Loading if has_posts => view! {
                <p class="feed-status" role="status">
                    <span class="spinner" aria-hidden="true"></span>
                    {move || i18n.t().loading}
                </p>
            }
            .into_any(),
            Status::Loading => view! { <Skeleton /> }.into_any(),
            Status::Ready => view! {
                <button class="button button-quiet feed-more" on:click=move |_| load(false)>
                    {move || i18n.t().load_more}
                </button>
            }
            .into_any(),
            Status::End if has_posts => {
                view! { <p class="feed-status feed-end">{move || i18n.t().end_of_feed}</p> }
                    .into_any()
            }
            Status::End => view! { <Empty message=i18n.t_untracked().empty_feed /> }.into_any(),
            Status::Failed(error) => {
                let retry = move |_| {
                    if has_posts {
                        status.set(Status::Ready);
                        load(false);
                    } else {
                        load(true);
                    }
                };
                view! { <ErrorState error retry /> }.into_any()
            }
        }
    };

    view! {
        <div class="feed" aria-busy=move || (status.get() == Status::Loading).to_string()>
            <For
                each=move || posts.get().into_iter().enumerate()
                key=|(_, post)| post.id
                children=move |(index, post)| view! { <PostCard post first=index == 0 /> }
            />
        </div>
        <div node_ref=sentinel class="feed-footer">
            {footer}
        </div>
    }
}
