//! Comments under a post: a flat list, newest last, 50 at a time, with a box to add one.
//! Authors and moderators may delete.

use gloo_net::http::Method;
use leptos::prelude::*;
use quanzi_api::comment::COMMENT_MAX_CHARS;
use quanzi_api::{Comment, NewComment, Page};

use crate::client::{get_json, write_json};
use crate::components::report::{may_report, ReportButton, Reported};
use crate::i18n::use_i18n;
use crate::state::router::use_nav;
use crate::state::session::{require_member, use_session};
use crate::task::spawn;
use crate::ui::avatar::Avatar;
use crate::ui::form::form_error;
use crate::ui::remote::{fetch, loaded};
use crate::ui::time::ago;

fn page_path(post_id: i64, cursor: Option<&str>) -> String {
    let mut path = format!("/posts/{post_id}/comments?limit=50");
    if let Some(cursor) = cursor {
        path.push_str("&cursor=");
        path.push_str(cursor);
    }
    path
}

/// A flat list of comments, newest last, with a box to add one. `count` is the post's
/// comment count, moved as comments come and go.
#[component]
pub fn Comments(post_id: i64, count: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let page = fetch::<Page<Comment>>(move || page_path(post_id, None));
    view! {
        <section class="comments" aria-labelledby="comments-title">
            <h2 id="comments-title">{move || i18n.t().comments_title}</h2>
            {loaded(page, move |page| view! { <CommentList post_id first=page count /> })}
        </section>
    }
}

#[component]
fn CommentList(post_id: i64, first: Page<Comment>, count: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let nav = use_nav();
    let comments = RwSignal::new(first.items);
    // Where the next 50 start; `None` once the list is whole.
    let next = RwSignal::new(first.next_cursor);
    let loading_more = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !require_member(session, nav) {
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
                    // Shown now even when older pages are still to come: the writer sees it.
                    comments.update(|list| list.push(comment));
                    count.update(|n| *n += 1);
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
                Ok(()) => {
                    comments.update(|list| list.retain(|c| c.id != id));
                    count.update(|n| *n = n.saturating_sub(1));
                }
                Err(e) => error.set(Some(form_error(lang.strings(), &e))),
            }
        });
    };

    let more = move |_| {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        if loading_more.get_untracked() {
            return;
        }
        loading_more.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            match get_json::<Page<Comment>>(&page_path(post_id, Some(&cursor)), lang).await {
                Ok(page) => {
                    // Ids grow with time: one sort puts the page among comments written
                    // here meanwhile, and drops any that it brings again.
                    comments.update(|list| {
                        list.extend(page.items);
                        list.sort_by_key(|c| c.id);
                        list.dedup_by_key(|c| c.id);
                    });
                    next.set(page.next_cursor);
                }
                Err(e) => error.set(Some(form_error(lang.strings(), &e))),
            }
            loading_more.set(false);
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
                        let reportable = may_report(comment.author.id);
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
                                {move || reportable().then(|| view! { <ReportButton what=Reported::Comment(id) /> })}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
        {move || {
            next.with(Option::is_some)
                .then(|| {
                    view! {
                        <button
                            class="button button-quiet"
                            disabled=move || loading_more.get()
                            on:click=more
                        >
                            {move || i18n.t().more_comments}
                        </button>
                    }
                })
        }}
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
