//! "举报": a member tells a community's moderators that a post or a comment breaks its
//! rules, with a reason. They learn nothing more of it: not who decided, nor what.

use gloo_net::http::Method;
use leptos::prelude::*;
use quanzi_api::ReportReason;

use crate::client::{js_object, write_json};
use crate::i18n::{use_i18n, Lang};
use crate::state::session::use_session;
use crate::task::spawn;
use crate::ui::form::form_error;

/// What is reported.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reported {
    Post(i64),
    Comment(i64),
}

impl Reported {
    fn path(self) -> String {
        match self {
            Reported::Post(id) => format!("/posts/{id}/reports"),
            Reported::Comment(id) => format!("/comments/{id}/reports"),
        }
    }

    fn key(self) -> String {
        match self {
            Reported::Post(id) => format!("post-{id}"),
            Reported::Comment(id) => format!("comment-{id}"),
        }
    }
}

/// The words of reporting: only posts' pages say them, so they live in the post pack, not
/// in the first load's `i18n::Strings`.
struct Words {
    report: &'static str,
    why: &'static str,
    send: &'static str,
    cancel: &'static str,
    thanks: &'static str,
    spam: &'static str,
    abuse: &'static str,
    fraud: &'static str,
    other: &'static str,
}

fn words(lang: Lang) -> &'static Words {
    const ZH: Words = Words {
        report: "举报",
        why: "举报原因",
        send: "提交举报",
        cancel: "取消",
        thanks: "已收到举报，圈子的版主会处理。",
        spam: "广告或刷屏",
        abuse: "辱骂、骚扰或仇恨",
        fraud: "假货、诈骗或虚假宣传",
        other: "其他违规",
    };
    const EN: Words = Words {
        report: "Report",
        why: "Why are you reporting this?",
        send: "Send report",
        cancel: "Cancel",
        thanks: "Thanks. The community's moderators will look at it.",
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

/// Whether the signed-in member may report what `author_id` wrote: anyone signed in but
/// its author (guests are not offered it).
pub fn may_report(author_id: i64) -> impl Fn() -> bool + Copy {
    let session = use_session();
    move || {
        session
            .me
            .with(|me| me.as_ref().is_some_and(|me| me.member.id != author_id))
    }
}

/// A quiet "report" button that opens the reasons in place.
#[component]
pub fn ReportButton(what: Reported) -> impl IntoView {
    let i18n = use_i18n();
    let w = move || words(i18n.lang.get());
    let open = RwSignal::new(false);
    let reason = RwSignal::new(None::<ReportReason>);
    let sent = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let key = what.key();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(reason) = reason.get_untracked() else {
            return;
        };
        busy.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let body = js_object(&[("reason", reason.as_str().into())]);
            let answer = write_json::<()>(Method::POST, &what.path(), lang, Some(&body)).await;
            busy.set(false);
            match answer {
                Ok(()) => {
                    open.set(false);
                    sent.set(true);
                }
                Err(e) => error.set(Some(form_error(lang.strings(), &e))),
            }
        });
    };
    view! {
        <div class="report">
            {move || {
                if sent.get() {
                    view! { <p class="muted" role="status">{w().thanks}</p> }.into_any()
                } else if !open.get() {
                    view! {
                        <button type="button" class="link-button" on:click=move |_| open.set(true)>
                            {w().report}
                        </button>
                    }
                        .into_any()
                } else {
                    let key = key.clone();
                    view! {
                        <form class="report-form" on:submit=submit>
                            <fieldset>
                                <legend>{w().why}</legend>
                                {ReportReason::ALL
                                    .into_iter()
                                    .map(|r| {
                                        view! {
                                            <label class="staff-point">
                                                <input type="radio" name=format!("report-{key}") value=r.as_str()
                                                    on:change=move |_| reason.set(Some(r)) />
                                                {w().reason(r)}
                                            </label>
                                        }
                                    })
                                    .collect_view()}
                            </fieldset>
                            <button type="submit" class="button"
                                disabled=move || busy.get() || reason.with(Option::is_none)>
                                {w().send}
                            </button>
                            <button type="button" class="button button-quiet" on:click=move |_| open.set(false)>
                                {w().cancel}
                            </button>
                        </form>
                    }
                        .into_any()
                }
            }}
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </div>
    }
}
