//! The communities (`/communities`), the signed-in member's own first. With `?write=1` (the
//! tab bar's "+") it first asks in which of them to write a note.

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{href, href_with, Route};

use crate::components::membership::{MemberCount, MembershipChips};
use crate::i18n::use_i18n;
use crate::state::communities::use_communities;
use crate::state::router::use_nav;
use crate::state::session::{sign_in_href, use_session};
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
    let nav = use_nav();
    let write = Memo::new(move |_| nav.query_value("write").as_deref() == Some("1"));
    // A signed-in member finds their own circles first; writing, they choose among them.
    let mine = move || {
        let writing = write.get();
        let Some(me) = session.me.get() else {
            return writing.then(|| {
                let back = href_with(Route::Communities, &[("write", "1")]);
                view! {
                    <section class="state">
                        <p>{move || i18n.t().sign_in_to_see}</p>
                        <a class="button" href=sign_in_href(&back)>{move || i18n.t().sign_in}</a>
                    </section>
                }
                .into_any()
            });
        };
        if me.communities.is_empty() {
            return writing.then(|| {
                view! { <p class="state">{move || i18n.t().join_to_post}</p> }.into_any()
            });
        }
        let heading = move || {
            let t = i18n.t();
            if write.get() {
                t.choose_community
            } else {
                t.my_communities
            }
        };
        Some(
            view! {
                <section class="my-communities">
                    <h2 class="section-title">{heading}</h2>
                    <MembershipChips memberships=me.communities write=writing />
                </section>
            }
            .into_any(),
        )
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
