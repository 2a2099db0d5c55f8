//! The communities (`/communities`), the signed-in member's own first.

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{href, Route};

use crate::components::membership::{MemberCount, MembershipChips};
use crate::i18n::use_i18n;
use crate::state::communities::use_communities;
use crate::state::session::use_session;
use crate::ui::head::{page_title, set_head};
use crate::ui::image::Img;
use crate::ui::remote::loaded;
use crate::ui::states::Empty;

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
                                    <a href=href(Route::Community(c.slug)) class="card community-card">
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
