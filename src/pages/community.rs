//! One community (`/c/{slug}`): cover, faces, joining and leaving, the composer for
//! members, what its members recommend, its feed.

use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{href, path, Community, Membership, Page, Recommendation, Role, Route};

use crate::client::write_json;
use crate::components::composer::Composer;
use crate::components::feed_list::FeedList;
use crate::components::membership::{role_label, MemberCount};
use crate::components::moderation::moderation;
use crate::components::product_card::ProductCard;
use crate::components::recommender::Recommender;
use crate::components::share::ShareButton;
use crate::i18n::{fill, use_i18n};
use crate::state::feed::FeedFilter;
use crate::state::router::use_nav;
use crate::state::session::{require_member, use_session};
use crate::task::spawn;
use crate::ui::avatar::Avatar;
use crate::ui::form::form_error;
use crate::ui::head::{excerpt, page_title, set_head};
use crate::ui::image::Img;
use crate::ui::remote::{fetch, loaded, Remote, State};
use crate::ui::states::{ErrorState, Skeleton};

/// `/c/{slug}`, in a wasm chunk of its own.
#[wasm_split(community, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn community_page(slug: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <CommunityPage slug /> }.into_any())
}

/// `/c/{slug}`: cover, description, and the community's feed.
#[component]
fn CommunityPage(slug: String) -> impl IntoView {
    let i18n = use_i18n();
    let nav = use_nav();
    let community_path = path::community(&slug);
    let community = fetch::<Community>(move || community_path.clone());
    // Asked beside the community, not after it: the feed below waits for it.
    let recommended_path = path::recommended(&slug);
    let recommended = fetch::<Page<Recommendation>>(move || recommended_path.clone());
    loaded(community, move |community| {
        // The feed is drawn once the recommendations have answered (or failed), for good:
        // below a row of unknown height, it would be pushed down when the row arrives.
        let settled = Memo::new(move |was: Option<&bool>| {
            was == Some(&true) || recommended.state.with(|s| !matches!(s, State::Loading))
        });
        set_head(
            &page_title(&community.name, i18n.t_untracked().app_name),
            &excerpt(&community.description, 120),
        );
        let slug = community.slug.clone();
        let count = RwSignal::new(community.member_count);
        let role = RwSignal::new(community.viewer_role);
        // The tab bar's "+" comes with `?write=1`: a member finds the composer open.
        let composing = RwSignal::new(false);
        let write = nav.query_value("write").as_deref() == Some("1");
        Effect::new(move |_| {
            if write && role.get().is_some() {
                composing.set(true);
            }
        });
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
                            path=href(Route::Community(community.slug.clone()))
                            title=community.name.clone()
                        />
                    </div>
                </div>
            </header>
            <Recommender />
            // Its owner and moderators work through the reports here.
            {
                let slug = community.slug.clone();
                move || {
                    role.get()
                        .is_some_and(Role::moderates)
                        .then(|| {
                            let title = move || match i18n.lang.get() {
                                crate::i18n::Lang::ZhCn => "待处理举报",
                                crate::i18n::Lang::En => "Reports to review",
                            };
                            moderation(title, Some(slug.clone()))
                        })
                }
            }
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
            <Recommended list=recommended />
            {move || {
                if settled.get() {
                    view! { <h2 class="section-title">{i18n.t_untracked().community_feed}</h2> }
                        .into_any()
                } else {
                    view! { <Skeleton cards=1 /> }.into_any()
                }
            }}
            <FeedList
                filter=Signal::derive(move || FeedFilter::Community(slug.clone()))
                after=settled
            />
        }
    })
}

/// What the community's members recommend: the products their posts tag, the most widely
/// tagged first, in a row that scrolls sideways. Nothing at all when there are none yet.
#[component]
fn Recommended(list: Remote<Page<Recommendation>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        match list.state.get() {
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
                            // Drawn again when the language changes (the list is fetched
                            // again in it), so read once, untracked.
                            let lang = i18n.lang.get_untracked();
                            // Nobody has tagged a product the store has just put on the shelf.
                            let by = match (r.recommenders, lang) {
                                (0, crate::i18n::Lang::ZhCn) => "新上架".to_owned(),
                                (0, crate::i18n::Lang::En) => "New on the shelf".to_owned(),
                                (n, _) => fill(lang.strings().recommended_by, "n", &lang.count(n)),
                            };
                            view! {
                                <li>
                                    <ProductCard card=r.product />
                                    <p class="recommenders muted">{by}</p>
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
}

/// Join or leave. Guests are sent to sign in and come back here.
#[component]
fn JoinButton(slug: String, role: RwSignal<Option<Role>>, count: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let nav = use_nav();
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let path = format!("/communities/{slug}/membership");
    let toggle = move |_| {
        if !require_member(session, nav) {
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
                None => view! {
                    <button class="button" disabled=move || pending.get() on:click=toggle.clone()>
                        {i18n.t().join}
                    </button>
                }
                    .into_any(),
                // Joined: said as a state, not offered as the next thing to do; leaving is
                // in a menu beside it.
                Some(current) => view! {
                    {role_label(i18n.t(), current).map(|label| view! { <span class="role">{label}</span> })}
                    <span class="joined">"✓ " {i18n.t().joined}</span>
                    <details class="menu">
                        <summary aria-label=i18n.t().more_actions>"⋯"</summary>
                        <button class="menu-item" disabled=move || pending.get() on:click=toggle.clone()>
                            {i18n.t().leave}
                        </button>
                    </details>
                }
                    .into_any(),
            }}
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </div>
    }
}
