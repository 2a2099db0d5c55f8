//! Content posts: the card in the feed and the post page (`/posts/{id}`), with likes;
//! comments and the composer live beside this file.

mod comments;
pub mod compose;

use crate::task::spawn;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{LikeState, Post};

use self::comments::Comments;
use crate::account::{form_error, require_member, use_session};
use crate::client::write_json;
use crate::i18n::use_i18n;
use crate::product::ProductCard;
use crate::router::{navigate, use_location};
use crate::share::ShareButton;
use crate::ui::avatar::Avatar;
use crate::ui::gallery::Gallery;
use crate::ui::head::{excerpt, page_title, set_head};
use crate::ui::remote::{fetch, loaded};
use crate::ui::time::ago;

/// Who wrote it, where, and when.
#[component]
fn Byline(post: Post) -> impl IntoView {
    let i18n = use_i18n();
    let created = post.created_at.clone();
    let datetime = created.clone();
    view! {
        <div class="byline">
            <Avatar author=post.author.clone() />
            <span class="byline-name">{post.author.name.clone()}</span>
            <a href=format!("/c/{}", post.community.slug) class="byline-community">
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
fn Counts(post: Post, comments: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let location = use_location();
    let liked = RwSignal::new(post.viewer_liked);
    let likes = RwSignal::new(post.like_count);
    let error = RwSignal::new(None::<&'static str>);
    let id = post.id;
    // One request at a time: a double tap must not race a like against its undo.
    let pending = StoredValue::new(false);
    let toggle = move |_| {
        if pending.get_value() || !require_member(session, location) {
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
fn Products(post: Post, #[prop(optional)] heading: bool) -> impl IntoView {
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
    let href = format!("/posts/{}", post.id);
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
                <a href=href>{title}</a>
            </h2>
            <p class="post-excerpt">{opening}</p>
            <Products post=post.clone() />
            <Counts post=post.clone() comments=RwSignal::new(post.comment_count) />
        </article>
    }
}

/// `/posts/{id}`, in a wasm chunk of its own.
#[wasm_split(post, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn post_page(id: i64) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <PostPage id /> }.into_any())
}

/// `/posts/{id}`: the whole story.
#[component]
fn PostPage(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let post = fetch::<Post>(move || format!("/posts/{id}"));
    loaded(post, move |post| {
        let description = excerpt(&post.body.join(" "), 120);
        let comment_count = RwSignal::new(post.comment_count);
        set_head(
            &page_title(&post.title, i18n.t_untracked().app_name),
            &description,
        );
        view! {
            <article class="post-page">
                <Gallery images=post.images.clone() eager=true />
                <div class="post-page-body">
                    <Byline post=post.clone() />
                    <h1>{post.title.clone()}</h1>
                    {post
                        .body
                        .iter()
                        .map(|paragraph| view! { <p>{paragraph.clone()}</p> })
                        .collect_view()}
                    <Products post=post.clone() heading=true />
                    <Counts post=post.clone() comments=comment_count />
                    <ShareButton path=format!("/posts/{}", post.id) title=post.title.clone() />
                    {post.can_delete.then(|| view! { <DeletePost post=post.clone() /> })}
                    <Comments post_id=post.id count=comment_count />
                </div>
            </article>
        }
    })
}

/// The author (or a moderator) removes the post, then lands on its community.
#[component]
fn DeletePost(post: Post) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let error = RwSignal::new(None::<&'static str>);
    // Asked in the page, not with `window.confirm`: webviews of host apps may block dialogs.
    let confirming = RwSignal::new(false);
    let id = post.id;
    let back = format!("/c/{}", post.community.slug);
    // The first tap asks, the second deletes.
    let delete = move |_| {
        if !confirming.get_untracked() {
            confirming.set(true);
            return;
        }
        let lang = i18n.lang.get_untracked();
        let back = back.clone();
        spawn(async move {
            let path = format!("/posts/{id}");
            match write_json::<()>(Method::DELETE, &path, lang, None).await {
                Ok(()) => navigate(location, &back),
                Err(e) => error.set(Some(form_error(lang.strings(), &e))),
            }
        });
    };
    view! {
        <div class="post-actions">
            <button class="button button-quiet" aria-live="polite" on:click=delete>
                {move || {
                    let t = i18n.t();
                    if confirming.get() { t.confirm_delete } else { t.delete_post }
                }}
            </button>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </div>
    }
}
