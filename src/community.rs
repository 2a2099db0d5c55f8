//! Communities: the list (`/communities`) and one community (`/c/{slug}`) with its feed.
//! Membership, posting and roles come with the members issue.

use leptos::prelude::*;
use quanzi_api::{Community, Page};

use crate::feed::FeedList;
use crate::i18n::{fill, use_i18n};
use crate::ui::head::{excerpt, page_title, set_head};
use crate::ui::image::Img;
use crate::ui::remote::{fetch, loaded, Remote};
use crate::ui::states::Empty;

/// All communities, loaded once per language for the whole app (the feed's chips and the
/// list). Created at the root: a remote owned by a page would die with that page.
pub fn provide_communities() {
    provide_context(fetch::<Page<Community>>(|| "/communities".to_owned()));
}

pub fn use_communities() -> Remote<Page<Community>> {
    expect_context()
}

#[component]
fn MemberCount(count: u32) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class="member-count">
            {move || fill(i18n.t().members, "n", &i18n.lang.get().count(count))}
        </span>
    }
}

/// `/communities`.
#[component]
pub fn CommunitiesPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        let t = i18n.t();
        set_head(&page_title(t.communities_title, t.app_name), t.tagline);
    });
    let communities = use_communities();
    view! {
        <h1 class="page-title">{move || i18n.t().communities_title}</h1>
        {loaded(communities, |page| {
            if page.items.is_empty() {
                return view! { <Empty message=Signal::derive(move || use_i18n().t().communities_empty) /> }
                    .into_any();
            }
            view! {
                <ul class="community-list">
                    {page
                        .items
                        .into_iter()
                        .map(|c| {
                            view! {
                                <li>
                                    <a href=format!("/c/{}", c.slug) class="card community-card">
                                        <Img image=c.cover class="community-card-cover" />
                                        <span class="community-card-text">
                                            <strong>{c.name}</strong>
                                            <span class="muted">{c.description}</span>
                                            <MemberCount count=c.member_count />
                                        </span>
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        })}
    }
}

/// `/c/{slug}`: cover, description, and the community's feed.
#[component]
pub fn CommunityPage(slug: String) -> impl IntoView {
    let i18n = use_i18n();
    let path = format!("/communities/{slug}");
    let community = fetch::<Community>(move || path.clone());
    loaded(community, move |community| {
        set_head(
            &page_title(&community.name, i18n.t_untracked().app_name),
            &excerpt(&community.description, 120),
        );
        let slug = community.slug.clone();
        view! {
            <header class="community-header">
                <Img image=community.cover class="community-cover" eager=true />
                <div class="community-header-text">
                    <h1>{community.name}</h1>
                    <p>{community.description}</p>
                    <MemberCount count=community.member_count />
                </div>
            </header>
            <h2 class="section-title">{move || i18n.t().community_feed}</h2>
            <FeedList community=Signal::derive(move || Some(slug.clone())) />
        }
    })
}
