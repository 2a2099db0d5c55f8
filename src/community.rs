//! Communities: the list (`/communities`) and one community (`/c/{slug}`) with its feed.
//! Membership, posting and roles come with the members issue.

use leptos::prelude::*;
use leptos_router::components::A;
use quanzi_api::{Community, Page};

use crate::client::{get_json, ClientError};
use crate::feed::FeedList;
use crate::i18n::{fill, use_i18n};
use crate::params::slug_param;
use crate::ui::head::{excerpt, page_title, set_head};
use crate::ui::image::Img;
use crate::ui::states::{loaded, Empty, NotFound};

/// All communities, loaded once per language and shared by the feed chips and the list.
pub fn use_communities() -> LocalResource<Result<Page<Community>, ClientError>> {
    if let Some(resource) = use_context() {
        return resource;
    }
    let i18n = use_i18n();
    let resource = LocalResource::new(move || {
        let lang = i18n.lang.get();
        async move { get_json::<Page<Community>>("/communities", lang).await }
    });
    provide_context(resource);
    resource
}

#[component]
fn MemberCount(count: u32) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class="member-count">{move || fill(i18n.t().members, "n", &count.to_string())}</span> }
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
                                    <A href=format!("/c/{}", c.slug) attr:class="card community-card">
                                        <Img image=c.cover class="community-card-cover" />
                                        <span class="community-card-text">
                                            <strong>{c.name}</strong>
                                            <span class="muted">{c.description}</span>
                                            <MemberCount count=c.member_count />
                                        </span>
                                    </A>
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
pub fn CommunityPage() -> impl IntoView {
    let i18n = use_i18n();
    let slug = slug_param();
    let community = LocalResource::new(move || {
        let lang = i18n.lang.get();
        let slug = slug.get();
        async move {
            match slug {
                Some(slug) => get_json::<Community>(&format!("/communities/{slug}"), lang)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        }
    });
    loaded(community, move |community| {
        let Some(community) = community else {
            return view! { <NotFound /> }.into_any();
        };
        set_head(
            &page_title(&community.name, i18n.t().app_name),
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
        .into_any()
    })
}
