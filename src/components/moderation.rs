//! The queue of reports for moderators: on a community's page for its owner and moderators,
//! and across every community in the store owner's console. One entry per thing reported
//! (the post's title or the comment's text, who wrote it, the reasons, how many reported
//! it; never who), removed or kept in one tap. In a wasm chunk of its own: only moderators
//! ever open it.

use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{href, Page, Report, ReportReason, Route};

use crate::client::write_json;
use crate::i18n::{fill, use_i18n, Lang};
use crate::task::spawn;
use crate::ui::form::form_error;
use crate::ui::lazy::lazy_part;
use crate::ui::remote::{fetch, loaded};
use crate::ui::states::Empty;
use crate::ui::time::day;

/// The queue's words. The reasons' labels repeat `report.rs`'s on purpose: a function both
/// the post pack and this pack call is kept in the first load, words and all (tried: 1.3 KB
/// brotli more, over the budget).
struct Words {
    empty: &'static str,
    post: &'static str,
    comment: &'static str,
    /// `{n}` members.
    reported_by: &'static str,
    remove: &'static str,
    keep: &'static str,
    spam: &'static str,
    abuse: &'static str,
    fraud: &'static str,
    other: &'static str,
}

fn words(lang: Lang) -> &'static Words {
    const ZH: Words = Words {
        empty: "没有待处理的举报。",
        post: "帖子",
        comment: "评论",
        reported_by: "{n} 人举报",
        remove: "删除",
        keep: "保留",
        spam: "广告或刷屏",
        abuse: "辱骂、骚扰或仇恨",
        fraud: "假货、诈骗或虚假宣传",
        other: "其他违规",
    };
    const EN: Words = Words {
        empty: "No reports to review.",
        post: "Post",
        comment: "Comment",
        reported_by: "Reported by {n}",
        remove: "Remove",
        keep: "Keep",
        spam: "Advertising or spam",
        abuse: "Insults, harassment or hate",
        fraud: "Fakes, scams or false claims",
        other: "Something else against the rules",
    };
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}

impl Words {
    fn reason(&self, reason: ReportReason) -> &'static str {
        match reason {
            ReportReason::Spam => self.spam,
            ReportReason::Abuse => self.abuse,
            ReportReason::Fraud => self.fraud,
            ReportReason::Other => self.other,
        }
    }
}

/// A moderation queue behind a `<details>` titled `title`, closed until opened: then the
/// queue's chunk and the reports are fetched. `community`: one community's reports; none:
/// every community the reader moderates. Each page that shows it calls it with its own
/// words, so that nothing of the queue is shared between two pages' chunks (shared code
/// would move into the first load).
pub fn moderation(
    title: impl Fn() -> &'static str + Send + Sync + 'static,
    community: Option<String>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <details class="card staff-audit moderation" on:toggle=move |_| open.set(true)>
            <summary>{title}</summary>
            {move || {
                let community = community.clone();
                open.get().then(|| lazy_part(move || moderation_queue(community.clone())))
            }}
        </details>
    }
}

#[wasm_split(moderation, wasm_split_path = ::leptos::wasm_split, fallible)]
fn moderation_queue(community: Option<String>) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <Queue community /> }.into_any())
}

#[component]
fn Queue(community: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let w = move || words(i18n.lang.get());
    let path = match &community {
        Some(slug) => format!("/reports?community={slug}"),
        None => "/reports".to_owned(),
    };
    let reports = fetch::<Page<Report>>(move || path.clone());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let decide = move |id: i64, step: &'static str| {
        busy.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let answer =
                write_json::<()>(Method::POST, &format!("/reports/{id}/{step}"), lang, None).await;
            busy.set(false);
            match answer {
                Ok(()) => reports.retry(),
                Err(e) => error.set(Some(form_error(lang.strings(), &e))),
            }
        });
    };
    view! {
        {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        {loaded(reports, move |page| {
            if page.items.is_empty() {
                return view! { <Empty message=w().empty /> }.into_any();
            }
            view! {
                <ul class="staff-products">
                    {page
                        .items
                        .into_iter()
                        .map(|r| {
                            let id = r.id;
                            let kind = r.comment_id.is_some();
                            let count = r.reports.to_string();
                            let reasons = r.reasons.clone();
                            view! {
                                <li class="staff-product">
                                    <span class="staff-product-text">
                                        <span class="muted">
                                            {r.community.name} " · "
                                            {move || if kind { w().comment } else { w().post }} " · "
                                            {r.author.name} " · " {day(&r.reported_at)}
                                        </span>
                                        <a href=href(Route::Post(r.post_id))>{r.text}</a>
                                        <span class="muted">
                                            {move || fill(w().reported_by, "n", &count)} " · "
                                            {move || {
                                                reasons.iter().map(|x| w().reason(*x)).collect::<Vec<_>>().join("、")
                                            }}
                                        </span>
                                    </span>
                                    <button type="button" class="button button-quiet" disabled=move || busy.get()
                                        on:click=move |_| decide(id, "keep")>
                                        {move || w().keep}
                                    </button>
                                    <button type="button" class="button" disabled=move || busy.get()
                                        on:click=move |_| decide(id, "remove")>
                                        {move || w().remove}
                                    </button>
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
