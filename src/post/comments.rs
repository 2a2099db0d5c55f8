//! Comments under a post: a flat list, newest last, with a box to add one. Authors and
//! moderators may delete.

use crate::task::spawn;
use gloo_net::http::Method;
use leptos::prelude::*;
use quanzi_api::comment::COMMENT_MAX_CHARS;
use quanzi_api::{Comment, NewComment, Page};

use crate::account::{form_error, require_member, use_session};
use crate::client::write_json;
use crate::i18n::use_i18n;
use crate::router::use_location;
use crate::ui::avatar::Avatar;
use crate::ui::remote::{fetch, loaded};
use crate::ui::time::ago;

/// A flat list of comments, newest last, with a box to add one.
#[component]
pub fn Comments(post_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let page = fetch::<Page<Comment>>(move || format!("/posts/{post_id}/comments?limit=50"));
    view! {
        <section class="comments" aria-labelledby="comments-title">
            <h2 id="comments-title">{move || i18n.t().comments_title}</h2>
            {loaded(page, move |page| view! { <CommentList post_id initial=page.items /> })}
        </section>
    }
}

#[component]
fn CommentList(post_id: i64, initial: Vec<Comment>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let location = use_location();
    let comments = RwSignal::new(initial);
    let draft = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !require_member(session, location) {
            return;
        }
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        let body = NewComment {
            body: draft.get_untracked(),
        };
        spawn(async move {
            let path = format!("/posts/{post_id}/comments");
            match write_json::<Comment>(Method::POST, &path, lang, Some(&body)).await {
                Ok(comment) => {
                    comments.update(|list| list.push(comment));
                    draft.set(String::new());
                }
                // The draft stays in the box: nothing typed is lost.
                Err(e) => error.set(Some(form_error(lang.strings(), &e))),
            }
            pending.set(false);
        });
    };

    let remove = move |id: i64| {
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let path = format!("/comments/{id}");
            match write_json::<()>(Method::DELETE, &path, lang, None).await {
                Ok(()) => comments.update(|list| list.retain(|c| c.id != id)),
                Err(e) => error.set(Some(form_error(lang.strings(), &e))),
            }
        });
    };

    view! {
        <ul class="comment-list">
            // A plain list: comments come a handful at a time, and the keyed `<For>` cost
            // more of the first-load budget than redrawing them does.
            {move || {
                comments
                    .get()
                    .into_iter()
                    .map(|comment| {
                        let id = comment.id;
                        let created = comment.created_at.clone();
                        view! {
                            <li class="comment">
                                <Avatar author=comment.author.clone() />
                                <div class="comment-text">
                                    <span class="comment-author">{comment.author.name}</span>
                                    <p>{comment.body}</p>
                                    <time class="muted">{move || ago(i18n.t(), &created)}</time>
                                </div>
                                {comment
                                    .can_delete
                                    .then(|| {
                                        view! {
                                            <button class="link-button" on:click=move |_| remove(id)>
                                                {move || i18n.t().delete}
                                            </button>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
        {move || {
            comments
                .with(Vec::is_empty)
                .then(|| view! { <p class="muted">{move || i18n.t().no_comments}</p> })
        }}
        <form class="comment-form" on:submit=submit>
            <label class="visually-hidden" for="comment-box">
                {move || i18n.t().write_comment}
            </label>
            <textarea
                id="comment-box"
                rows="2"
                maxlength=COMMENT_MAX_CHARS.to_string()
                placeholder=move || i18n.t().write_comment
                prop:value=draft on:input=move |ev| draft.set(event_target_value(&ev))
            ></textarea>
            <button class="button" type="submit" disabled=move || pending.get()>
                {move || i18n.t().send}
            </button>
        </form>
        {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
    }
}
