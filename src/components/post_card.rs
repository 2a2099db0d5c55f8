//! A content post as the feed shows it (pictures, the story's opening, its products), and
//! the pieces the post page shares with it: the byline, the products, likes and counts.

use gloo_net::http::Method;
use leptos::prelude::*;
use quanzi_api::{href, Author, CommunityRef, LikeState, Post, Route};

use crate::client::write_json;
use crate::components::product_card::ProductCard;
use crate::i18n::use_i18n;
use crate::state::referral::shared_href;
use crate::state::router::use_nav;
use crate::state::session::{require_member, use_session};
use crate::task::spawn;
use crate::ui::avatar::Avatar;
use crate::ui::form::form_error;
use crate::ui::gallery::Gallery;
use crate::ui::head::excerpt;
use crate::ui::time::ago;

/// Who wrote it, where, and when. Like every part of a post, drawn again rather than
/// updated when the language changes (the post is fetched again in it): its words are
/// read once, untracked, not watched by an effect of their own on every card.
#[component]
pub fn Byline(author: Author, community: CommunityRef, created_at: String) -> impl IntoView {
    let when = ago(use_i18n().t_untracked(), &created_at);
    let name = author.name.clone();
    view! {
        <div class="byline">
            <Avatar author />
            <span class="byline-name">{name}</span>
            <a href=href(Route::Community(community.slug)) class="byline-community">
                {community.name}
            </a>
            <time class="byline-time" datetime=created_at>
                {when}
            </time>
        </div>
    }
}

/// Likes (a toggle that counts at once and is kept by the server) and the comment count,
/// which the post page moves as comments come and go.
#[component]
pub fn Counts(id: i64, liked: bool, likes: u32, comments: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let nav = use_nav();
    let liked = RwSignal::new(liked);
    let likes = RwSignal::new(likes);
    let error = RwSignal::new(None::<&'static str>);
    let lang = i18n.lang.get_untracked();
    let t = lang.strings();
    // One request at a time: a double tap must not race a like against its undo.
    let pending = StoredValue::new(false);
    let toggle = move |_| {
        if pending.get_value() || !require_member(session, nav) {
            return;
        }
        pending.set_value(true);
        error.set(None);
        let was = liked.get_untracked();
        // Optimistic: the heart answers the thumb at once; the server's count then wins.
        liked.set(!was);
        likes.update(|n| *n = if was { n.saturating_sub(1) } else { *n + 1 });
        spawn(async move {
            let method = if was { Method::DELETE } else { Method::PUT };
            let path = format!("/posts/{id}/like");
            match write_json::<LikeState>(method, &path, lang, None).await {
                Ok(state) => {
                    liked.set(state.liked);
                    likes.set(state.like_count);
                }
                // Undone, and said: a heart that silently springs back looks broken.
                Err(e) => {
                    liked.set(was);
                    likes.update(|n| *n = if was { *n + 1 } else { n.saturating_sub(1) });
                    error.set(Some(form_error(lang.strings(), &e)));
                }
            }
            pending.try_set_value(false);
        });
    };
    view! {
        <p class="counts">
            <button
                class="like"
                class:liked=move || liked.get()
                aria-pressed=move || liked.get().to_string()
                on:click=toggle
            >
                <span aria-hidden="true">{move || if liked.get() { "♥" } else { "♡" }}</span>
                " "
                {move || lang.count(likes.get())}
                " "
                {t.likes}
            </button>
            <span>{move || lang.count(comments.get())} " " {t.comments}</span>
        </p>
        {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
    }
}

#[component]
pub fn Products(
    products: Vec<quanzi_api::ProductCard>,
    #[prop(optional)] heading: bool,
) -> impl IntoView {
    if products.is_empty() {
        return ().into_any();
    }
    let t = use_i18n().t_untracked();
    view! {
        <section class="post-products">
            {heading.then(|| view! { <h2>{t.products_in_post}</h2> })}
            {products
                .into_iter()
                .map(|card| view! { <ProductCard card /> })
                .collect_view()}
        </section>
    }
    .into_any()
}

/// A post in the feed: pictures first, then the story's opening, then its products.
#[component]
pub fn PostCard(post: Post, #[prop(optional)] first: bool) -> impl IntoView {
    // Taken apart, not cloned for each piece.
    let Post {
        id,
        author,
        title,
        body,
        images,
        community,
        like_count,
        comment_count,
        created_at,
        products,
        viewer_liked,
        ..
    } = post;
    let opening = body.first().map(|p| excerpt(p, 80)).unwrap_or_default();
    view! {
        <article class="card post-card">
            <Byline author community created_at />
            <Gallery images eager=first />
            <h2 class="post-title">
                <a href=shared_href(Route::Post(id))>{title}</a>
            </h2>
            <p class="post-excerpt">{opening}</p>
            <Products products />
            <Counts id liked=viewer_liked likes=like_count comments=RwSignal::new(comment_count) />
        </article>
    }
}
