//! The content-first feed (`/`): stories with products inside, filtered by community,
//! loading more as the reader reaches the end.

use leptos::ev;
use leptos::prelude::*;
use leptos::reactive::owner::Owner;
use quanzi_api::{Page, Post, FEED_LIMIT_DEFAULT};

use crate::client::{encode_query_value, get_json, ClientError};
use crate::community::use_communities;
use crate::i18n::use_i18n;
use crate::post::PostCard;
use crate::router::use_location;
use crate::task::{spawn, spawn_scoped};
use crate::ui::head::set_head;
use crate::ui::remote::State;
use crate::ui::states::{Empty, ErrorState, Skeleton};
use quanzi_api::params::is_slug;

/// Start loading the next page this far before the reader reaches the end.
const PREFETCH_PX: f64 = 800.0;

/// Which posts a feed list shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedFilter {
    Everything,
    Community(String),
    /// One member's posts (the member area).
    Author(i64),
}

/// The API path of one feed page.
pub fn feed_path(filter: &FeedFilter, cursor: Option<&str>) -> String {
    let mut path = format!("/feed?limit={FEED_LIMIT_DEFAULT}");
    match filter {
        FeedFilter::Everything => {}
        FeedFilter::Community(slug) => {
            path.push_str("&community=");
            path.push_str(&encode_query_value(slug));
        }
        FeedFilter::Author(id) => path.push_str(&format!("&author={id}")),
    }
    if let Some(cursor) = cursor {
        path.push_str("&cursor=");
        path.push_str(&encode_query_value(cursor));
    }
    path
}

#[derive(Clone, Debug, PartialEq)]
enum Status {
    Loading,
    /// More pages exist and none is loading.
    Ready,
    End,
    Failed(ClientError),
}

/// A list of posts that pages itself by cursor. Shared by the feed and community pages.
#[component]
pub fn FeedList(#[prop(into)] filter: Signal<FeedFilter>) -> impl IntoView {
    let i18n = use_i18n();
    let posts = RwSignal::new(Vec::<Post>::new());
    let cursor = RwSignal::new(None::<String>);
    let status = RwSignal::new(Status::Loading);
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

    Effect::new(move |_| {
        filter.track();
        i18n.lang.track();
        load(true);
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

/// Chips to narrow the feed to one community; links, so the filter is in the URL.
#[component]
fn CommunityChips(selected: Memo<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let communities = use_communities();
    let chip = move |href: String, label: String, active: bool| {
        view! {
            <li>
                // A plain link: the router still navigates in-app, and unlike <A> it does not
                // mark every chip current (they all share the path `/`).
                <a
                    href=href
                    class=if active { "chip chip-active" } else { "chip" }
                    aria-current=active.then_some("true")
                >
                    {label}
                </a>
            </li>
        }
    };
    view! {
        <nav class="chips" aria-label=move || i18n.t().filter_by_community>
            <ul>
                {move || chip("/".into(), i18n.t().all.into(), selected.get().is_none())}
                {move || {
                    let State::Ready(page) = communities.state.get() else {
                        return None;
                    };
                    Some({
                            page.items
                                .into_iter()
                                .map(|c| {
                                    let active = selected.get().as_deref() == Some(&c.slug);
                                    let href = format!("/?community={}", encode_query_value(&c.slug));
                                    chip(href, c.name, active)
                                })
                                .collect_view()
                        })
                }}
            </ul>
        </nav>
    }
}

/// `/`: the feed.
#[component]
pub fn FeedPage() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let community = Memo::new(move |_| {
        location
            .query_value("community")
            .filter(|slug| is_slug(slug))
    });
    Effect::new(move |_| {
        let t = i18n.t();
        set_head(&format!("{} · {}", t.app_name, t.nav_feed), t.tagline);
    });
    view! {
        <h1 class="visually-hidden">{move || i18n.t().nav_feed}</h1>
        <CommunityChips selected=community />
        <FeedList filter=Signal::derive(move || {
            community.get().map_or(FeedFilter::Everything, FeedFilter::Community)
        }) />
    }
}

#[cfg(test)]
mod tests {
    use super::{feed_path, FeedFilter};

    #[test]
    fn feed_paths_carry_filter_and_cursor_encoded() {
        assert_eq!(feed_path(&FeedFilter::Everything, None), "/feed?limit=10");
        assert_eq!(
            feed_path(&FeedFilter::Community("cycling".into()), Some("1700-3")),
            "/feed?limit=10&community=cycling&cursor=1700-3"
        );
        assert_eq!(
            feed_path(&FeedFilter::Author(7), None),
            "/feed?limit=10&author=7"
        );
        assert_eq!(
            feed_path(&FeedFilter::Everything, Some("a&b")),
            "/feed?limit=10&cursor=a%26b"
        );
    }
}
