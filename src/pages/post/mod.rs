//! The post page (`/posts/{id}`): the whole story, its products, likes, sharing, deleting
//! (author or moderator), and the comments beside this file.

mod comments;

use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{href, path, Post, Route};

use self::comments::Comments;
use crate::client::write_json;
use crate::components::post_card::{Byline, Counts, Products};
use crate::components::recommender::Recommender;
use crate::components::report::{may_report, ReportButton, Reported};
use crate::components::share::ShareButton;
use crate::i18n::use_i18n;
use crate::state::router::use_nav;
use crate::task::spawn;
use crate::ui::form::form_error;
use crate::ui::gallery::Gallery;
use crate::ui::head::{excerpt, page_title, set_head};
use crate::ui::remote::{fetch, loaded};

/// `/posts/{id}`, in a wasm chunk of its own.
#[wasm_split(post, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn post_page(id: i64) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <PostPage id /> }.into_any())
}

/// `/posts/{id}`: the whole story.
#[component]
fn PostPage(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let post = fetch::<Post>(move || path::post(id));
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
                    <Recommender />
                    <Byline
                        author=post.author.clone()
                        community=post.community.clone()
                        created_at=post.created_at.clone()
                    />
                    <h1>{post.title.clone()}</h1>
                    {post
                        .body
                        .iter()
                        .map(|paragraph| view! { <p>{paragraph.clone()}</p> })
                        .collect_view()}
                    <Products products=post.products.clone() heading=true />
                    <Counts
                        id=post.id
                        liked=post.viewer_liked
                        likes=post.like_count
                        comments=comment_count
                    />
                    <ShareButton path=href(Route::Post(post.id)) title=post.title.clone() />
                    {post.can_delete.then(|| view! { <DeletePost post=post.clone() /> })}
                    {
                        let id = post.id;
                        let reportable = may_report(post.author.id);
                        move || reportable().then(|| view! { <ReportButton what=Reported::Post(id) /> })
                    }
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
    let nav = use_nav();
    let error = RwSignal::new(None::<&'static str>);
    // Asked in the page, not with `window.confirm`: webviews of host apps may block dialogs.
    let confirming = RwSignal::new(false);
    let id = post.id;
    let back = href(Route::Community(post.community.slug.clone()));
    // The first tap asks, the second deletes.
    let delete = move |_| {
        if !confirming.get_untracked() {
            confirming.set(true);
            return;
        }
        let lang = i18n.lang.get_untracked();
        let back = back.clone();
        spawn(async move {
            match write_json::<()>(Method::DELETE, &path::post(id), lang, None).await {
                Ok(()) => nav.go(&back),
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
