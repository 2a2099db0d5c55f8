//! Communities: the list (`/communities`, the member's own first) and one community
//! (`/c/{slug}`): cover, faces, joining and leaving, the composer for members, what its
//! members recommend, its feed.

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{Community, Page, Recommendation};

use crate::account::{form_error, require_member, use_session};
use crate::client::write_json;
use crate::feed::{FeedFilter, FeedList};
use crate::i18n::Strings;
use crate::i18n::{fill, use_i18n};
use crate::post::compose::Composer;
use crate::product::ProductCard;
use crate::router::use_location;
use crate::share::ShareButton;
use crate::task::spawn;
use crate::ui::avatar::Avatar;
use crate::ui::head::{excerpt, page_title, set_head};
use crate::ui::image::Img;
use crate::ui::remote::{fetch, loaded, Remote, State};
use crate::ui::states::{Empty, ErrorState};
use gloo_net::http::Method;
use quanzi_api::{Membership, Role};

/// All communities, loaded once per language for the whole app (the feed's chips and the
/// list). Created at the root: a remote owned by a page would die with that page.
pub fn provide_communities() {
    provide_context(fetch::<Page<Community>>(|| "/communities".to_owned()));
}

pub fn use_communities() -> Remote<Page<Community>> {
    expect_context()
}

#[component]
fn MemberCount(#[prop(into)] count: Signal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class="member-count">
            {move || fill(i18n.t().members, "n", &i18n.lang.get().count(count.get()))}
        </span>
    }
}

/// `/communities`, in a wasm chunk of its own.
#[wasm_split(communities, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn communities_page() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <CommunitiesPage /> }.into_any())
}

/// `/communities`.
#[component]
fn CommunitiesPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        let t = i18n.t();
        set_head(&page_title(t.communities_title, t.app_name), t.tagline);
    });
    let communities = use_communities();
    let session = use_session();
    // A signed-in member finds their own circles first.
    let mine = move || {
        let me = session.me.get()?;
        if me.communities.is_empty() {
            return None;
        }
        Some(view! {
            <section class="my-communities">
                <h2 class="section-title">{move || i18n.t().my_communities}</h2>
                <MembershipChips memberships=me.communities />
            </section>
        })
    };
    view! {
        {mine}
        <h1 class="page-title">{move || i18n.t().communities_title}</h1>
        {loaded(communities, |page| {
            if page.items.is_empty() {
                return view! { <Empty message=use_i18n().t_untracked().communities_empty /> }
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

/// `/c/{slug}`, in a wasm chunk of its own.
#[wasm_split(community, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn community_page(slug: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <CommunityPage slug /> }.into_any())
}

/// `/c/{slug}`: cover, description, and the community's feed.
#[component]
fn CommunityPage(slug: String) -> impl IntoView {
    let i18n = use_i18n();
    let path = format!("/communities/{slug}");
    let community = fetch::<Community>(move || path.clone());
    loaded(community, move |community| {
        set_head(
            &page_title(&community.name, i18n.t_untracked().app_name),
            &excerpt(&community.description, 120),
        );
        let slug = community.slug.clone();
        let count = RwSignal::new(community.member_count);
        let role = RwSignal::new(community.viewer_role);
        let composing = RwSignal::new(false);
        let compose_slug = community.slug.clone();
        let faces = community
            .faces
            .into_iter()
            .map(|author| view! { <Avatar author /> })
            .collect_view();
        view! {
            <header class="community-header">
                <Img image=community.cover class="community-cover" eager=true />
                <div class="community-header-text">
                    <h1>{community.name.clone()}</h1>
                    <p>{community.description}</p>
                    <div class="community-members">
                        <span class="faces">{faces}</span>
                        <MemberCount count />
                    </div>
                    <div class="community-actions">
                        <JoinButton slug=community.slug.clone() role count />
                        <ShareButton
                            path=format!("/c/{}", community.slug)
                            title=community.name.clone()
                        />
                    </div>
                </div>
            </header>
            // Members write here; the composer opens in place so the feed stays in view.
            {move || {
                let slug = compose_slug.clone();
                match (role.get().is_some(), composing.get()) {
                    (false, _) => ().into_any(),
                    (true, false) => view! {
                        <button class="button compose-open" on:click=move |_| composing.set(true)>
                            {move || i18n.t().new_post}
                        </button>
                    }
                        .into_any(),
                    (true, true) => view! {
                        <Composer slug on_close=move |_| composing.set(false) />
                    }
                        .into_any(),
                }
            }}
            <Recommended slug=community.slug.clone() />
            <h2 class="section-title">{move || i18n.t().community_feed}</h2>
            <FeedList filter=Signal::derive(move || FeedFilter::Community(slug.clone())) />
        }
    })
}

/// What the community's members recommend: the products their posts tag, the most widely
/// tagged first, in a row that scrolls sideways. Nothing at all when there are none yet.
#[component]
fn Recommended(slug: String) -> impl IntoView {
    let i18n = use_i18n();
    let path = format!("/communities/{slug}/recommended");
    let list = fetch::<Page<Recommendation>>(move || path.clone());
    move || match list.state.get() {
        State::Loading => {
            view! { <div class="recommended-placeholder" aria-hidden="true"></div> }.into_any()
        }
        State::Ready(page) if page.items.is_empty() => ().into_any(),
        State::Ready(page) => view! {
            <section class="recommended" aria-labelledby="recommended-title">
                <h2 id="recommended-title" class="section-title">
                    {move || i18n.t().recommended_title}
                </h2>
                <ul class="recommended-list">
                    {page
                        .items
                        .into_iter()
                        .map(|r| {
                            let n = r.recommenders;
                            view! {
                                <li>
                                    <ProductCard card=r.product />
                                    <p class="recommenders muted">
                                        {move || {
                                            let t = i18n.t();
                                            fill(t.recommended_by, "n", &i18n.lang.get().count(n))
                                        }}
                                    </p>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
        .into_any(),
        State::Failed(error) => {
            view! { <ErrorState error retry=move |_| list.retry() /> }.into_any()
        }
    }
}

/// A member's communities as chips, each with its role where the role is special. Shown
/// on `/me` and first on `/communities`.
#[component]
pub fn MembershipChips(memberships: Vec<Membership>) -> impl IntoView {
    let i18n = use_i18n();
    let chips = memberships
        .into_iter()
        .map(|m| {
            let role = m.role;
            view! {
                <li>
                    <a class="chip" href=format!("/c/{}", m.community.slug)>
                        {m.community.name}
                        {move || {
                            role_label(i18n.t(), role)
                                .map(|label| view! { <span class="role">{label}</span> })
                        }}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="chip-list">{chips}</ul> }
}

/// How a role reads next to a name; plain members carry no badge.
pub fn role_label(t: &'static Strings, role: Role) -> Option<&'static str> {
    match role {
        Role::Owner => Some(t.role_owner),
        Role::Moderator => Some(t.role_moderator),
        Role::Member => None,
    }
}

/// Join or leave. Guests are sent to sign in and come back here.
#[component]
fn JoinButton(slug: String, role: RwSignal<Option<Role>>, count: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let location = use_location();
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let path = format!("/communities/{slug}/membership");
    let toggle = move |_| {
        if !require_member(session, location) {
            return;
        }
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        let path = path.clone();
        let joined = role.get_untracked().is_some();
        let slug = slug.clone();
        spawn(async move {
            let result = if joined {
                write_json::<()>(Method::DELETE, &path, lang, None)
                    .await
                    .map(|()| None)
            } else {
                write_json::<Membership>(Method::POST, &path, lang, None)
                    .await
                    .map(Some)
            };
            match result {
                Ok(membership) => {
                    if membership.is_some() != joined {
                        count.update(|n| *n = if joined { n.saturating_sub(1) } else { *n + 1 });
                    }
                    role.set(membership.as_ref().map(|m| m.role));
                    // The member's own list (/me, the communities page) follows at once.
                    session.me.update(|me| {
                        if let Some(me) = me {
                            me.communities.retain(|m| m.community.slug != slug);
                            me.communities.extend(membership);
                        }
                    });
                }
                Err(e) => error.set(Some(form_error(lang.strings(), &e))),
            }
            pending.set(false);
        });
    };
    view! {
        <div class="join">
            {move || match role.get() {
                Some(Role::Owner) => view! { <span class="role">{i18n.t().role_owner}</span> }.into_any(),
                current => {
                    let joined = current.is_some();
                    view! {
                        {current
                            .and_then(|r| role_label(i18n.t(), r))
                            .map(|label| view! { <span class="role">{label}</span> })}
                        <button
                            class=if joined { "button button-quiet" } else { "button" }
                            aria-pressed=joined.to_string()
                            disabled=move || pending.get()
                            on:click=toggle.clone()
                        >
                            {if joined { i18n.t().leave } else { i18n.t().join }}
                        </button>
                    }
                        .into_any()
                }
            }}
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </div>
    }
}
