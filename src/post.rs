//! Content posts: the card in the feed and the post page (`/posts/{id}`).

use leptos::prelude::*;
use quanzi_api::Post;

use crate::i18n::use_i18n;
use crate::product::ProductCard;
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

#[component]
fn Counts(likes: u32, comments: u32) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="counts">
            <span>{move || i18n.lang.get().count(likes)} " " {move || i18n.t().likes}</span>
            <span>
                {move || i18n.lang.get().count(comments)} " " {move || i18n.t().comments}
            </span>
        </p>
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
            <Counts likes=post.like_count comments=post.comment_count />
        </article>
    }
}

/// `/posts/{id}`: the whole story.
#[component]
pub fn PostPage(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let post = fetch::<Post>(move || format!("/posts/{id}"));
    loaded(post, move |post| {
        let description = excerpt(&post.body.join(" "), 120);
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
                    <Counts likes=post.like_count comments=post.comment_count />
                </div>
            </article>
        }
    })
}
