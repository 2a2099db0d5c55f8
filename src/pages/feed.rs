//! The content-first feed (`/`): stories with products inside, narrowed to one community by
//! chips whose links carry the filter in the URL. The feed is in the main wasm.

use leptos::prelude::*;
use quanzi_api::params::is_slug;
use quanzi_api::{href, href_with, Route};

use crate::components::feed_list::FeedList;
use crate::i18n::use_i18n;
use crate::state::communities::use_communities;
use crate::state::feed::FeedFilter;
use crate::state::router::use_nav;
use crate::ui::head::set_head;
use crate::ui::remote::State;

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
                {move || chip(href(Route::Feed), i18n.t().all.into(), selected.get().is_none())}
                {move || {
                    let State::Ready(page) = communities.state.get() else {
                        return None;
                    };
                    Some({
                            page.items
                                .into_iter()
                                .map(|c| {
                                    let active = selected.get().as_deref() == Some(&c.slug);
                                    let link = href_with(Route::Feed, &[("community", &c.slug)]);
                                    chip(link, c.name, active)
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
    let nav = use_nav();
    let community = Memo::new(move |_| nav.query_value("community").filter(|slug| is_slug(slug)));
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
