//! A content post as the feed shows it (pictures, the story's opening, its products), and
//! the pieces the post page shares with it: the byline, the products, likes and counts.

use gloo_net::http::Method;
use leptos::prelude::*;
use quanzi_api::{href, LikeState, Post, Route};

use crate::client::write_json;
use crate::components::product_card::ProductCard;
use crate::i18n::use_i18n;
use crate::state::router::use_nav;
use crate::state::session::{require_member, use_session};
use crate::task::spawn;
use crate::ui::avatar::Avatar;
use crate::ui::form::form_error;
use crate::ui::gallery::Gallery;
use crate::ui::head::excerpt;
use crate::ui::time::ago;

/// Who wrote it, where, and when.
#[component]
pub fn Byline(post: Post) -> impl IntoView {
    let i18n = use_i18n();
    let created = post.created_at.clone();
    let datetime = created.clone();
    view! {
        <div class="byline">
            <Avatar author=post.author.clone() />
            <span class="byline-name">{post.author.name.clone()}</span>
            <a href=href(Route::Community(post.community.slug.clone())) class="byline-community">
                {post.community.name.clone()}
            </a>
            <time class="byline-time" datetime=datetime>
                {move || ago(i18n.t(), &created)}
            </time>
        </div>
    }
}

/// Likes (a toggle that counts at once and is kept by the server) and the comment count,
/// which the post page moves as comments come and go.
#[component]
pub fn Counts(post: Post, comments: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let nav = use_nav();
    let liked = RwSignal::new(post.viewer_liked);
    let likes = RwSignal::new(post.like_count);
    let error = RwSignal::new(None::<&'static str>);
    let id = post.id;
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
        let lang = i18n.lang.get_untracked();
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
                {move || i18n.lang.get().count(likes.get())}
                " "
                {move || i18n.t().likes}
            </button>
            <span>
                {move || i18n.lang.get().count(comments.get())} " " {move || i18n.t().comments}
            </span>
        </p>
        {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
    }
}

#[component]
pub fn Products(post: Post, #[prop(optional)] heading: bool) -> impl IntoView {
    let i18n = use_i18n();
    if post.products.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="post-products">
            {heading.then(|| view! { <h2>{move || i18n.t().products_in_post}</h2> })}
            {post
                .products
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
    let link = href(Route::Post(post.id));
    let opening = post
        .body
        .first()
        .map(|p| excerpt(p, 80))
        .unwrap_or_default();
    let title = post.title.clone();
    view! {
        <article class="card post-card">
            <Byline post=post.clone() />
            <Gallery images=post.images.clone() eager=first />
            <h2 class="post-title">
                <a href=link>{title}</a>
            </h2>
            <p class="post-excerpt">{opening}</p>
            <Products post=post.clone() />
            <Counts post=post.clone() comments=RwSignal::new(post.comment_count) />
        </article>
    }
}
