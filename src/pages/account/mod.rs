//! The member area (`/me`): profile and picture, shortcuts to the orders by what they wait
//! for (with how many), communities, referral results, the member's own posts, and signing
//! out at the end; guests are asked to sign in.

mod referrals;

use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{href, href_with, Me, OrderCounts, OrderShelf, Route, SetAvatar};
use wasm_bindgen::JsCast;

use self::referrals::ReferralDashboard;
use crate::client::write_json;
use crate::components::composer::upload_photo;
use crate::components::feed_list::FeedList;
use crate::components::membership::MembershipChips;
use crate::components::order_status::shelf_label;
use crate::i18n::use_i18n;
use crate::state::feed::FeedFilter;
use crate::state::router::use_nav;
use crate::state::session::{sign_in_href, use_session};
use crate::task::spawn;
use crate::ui::avatar::Avatar;
use crate::ui::form::form_error;
use crate::ui::head::{page_title, set_head};
use crate::ui::remote::{fetch, State};
use crate::ui::states::Skeleton;

/// Choose or remove a profile picture. The picture goes through `/uploads` like a post's
/// photos (checked, resized, stripped of EXIF), then becomes the member's avatar.
#[component]
fn ProfilePicture(has_picture: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let finish = move |result: Result<Me, &'static str>| {
        match result {
            Ok(me) => session.me.set(Some(me)),
            Err(message) => error.set(Some(message)),
        }
        pending.set(false);
    };
    let pick = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        input.set_value("");
        pending.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let result = match upload_photo(&file, lang).await {
                Ok(upload) => {
                    let body = SetAvatar {
                        upload_id: upload.id,
                    };
                    write_json::<Me>(Method::PUT, "/account/avatar", lang, Some(&body))
                        .await
                        .map_err(|e| form_error(lang.strings(), &e))
                }
                Err(message) => Err(message),
            };
            finish(result);
        });
    };
    let remove = move |_| {
        pending.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let result = write_json::<Me>(Method::DELETE, "/account/avatar", lang, None)
                .await
                .map_err(|e| form_error(lang.strings(), &e));
            finish(result);
        });
    };
    view! {
        <div class="profile-picture">
            <label class="button button-quiet" class:disabled=move || pending.get()>
                {move || {
                    let t = i18n.t();
                    if pending.get() { t.saving } else { t.choose_picture }
                }}
                <input
                    type="file"
                    accept="image/jpeg,image/png,image/webp,image/gif"
                    class="visually-hidden"
                    disabled=move || pending.get()
                    on:change=pick
                />
            </label>
            {has_picture
                .then(|| {
                    view! {
                        <button
                            class="link-button"
                            disabled=move || pending.get()
                            on:click=remove
                        >
                            {move || i18n.t().remove_picture}
                        </button>
                    }
                })}
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </div>
    }
}

/// 待付款 · 待成团 · 待发货/自提 · 已完成, each with how many, each a link to those orders;
/// and all of them.
#[component]
fn OrderShortcuts() -> impl IntoView {
    let i18n = use_i18n();
    let counts = fetch::<OrderCounts>(|| "/orders/counts".to_owned());
    let shortcut = move |shelf: OrderShelf| {
        // A count that failed to load is left out; the link still works.
        let count = move || match counts.state.get() {
            State::Ready(c) => c.of(shelf).to_string(),
            _ => String::new(),
        };
        view! {
            <li>
                <a href=href_with(Route::Orders, &[("shelf", shelf.as_str())])>
                    <strong class="shortcut-count">{count}</strong>
                    <span>{move || shelf_label(i18n.t(), shelf)}</span>
                </a>
            </li>
        }
    };
    view! {
        <nav class="card order-shortcuts" aria-labelledby="order-shortcuts-title">
            <div class="order-shortcuts-head">
                <h2 id="order-shortcuts-title">{move || i18n.t().my_orders}</h2>
                <a href=href(Route::Orders)>{move || i18n.t().all} " ›"</a>
            </div>
            <ul>{OrderShelf::ALL.into_iter().map(shortcut).collect_view()}</ul>
        </nav>
    }
}

/// The way to the member's notifications, with how many are unread.
#[component]
fn NotificationsLink() -> impl IntoView {
    let i18n = use_i18n();
    let unread = crate::state::events::use_events().unread;
    let label = move || match i18n.lang.get() {
        crate::i18n::Lang::ZhCn => "消息通知",
        crate::i18n::Lang::En => "Notifications",
    };
    view! {
        <a class="card me-link" href=href(Route::Notifications)>
            <span>{label}</span>
            {move || {
                let n = unread.get();
                (n > 0).then(|| view! { <span class="badge badge-inline">{n}</span> })
            }}
            <span aria-hidden="true">" ›"</span>
        </a>
    }
}

/// `/me`, in a wasm chunk of its own.
#[wasm_split(account, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn account_page() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <AccountPage /> }.into_any())
}

/// `/me`: the member's profile, communities and posts; guests are asked to sign in.
#[component]
fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let nav = use_nav();
    Effect::new(move |_| {
        let t = i18n.t();
        set_head(&page_title(t.me_title, t.app_name), t.tagline);
    });
    let sign_out = move |_| {
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            // Signed out here even if the network failed: the server's session expires.
            let _ = write_json::<()>(Method::POST, "/account/sign-out", lang, None).await;
            session.me.set(None);
            nav.go(&href(Route::Feed));
        });
    };
    move || {
        if !session.checked.get() {
            return view! { <Skeleton cards=1 /> }.into_any();
        }
        let Some(me) = session.me.get() else {
            return view! {
                <section class="state">
                    <h1>{move || i18n.t().me_title}</h1>
                    <p>{move || i18n.t().sign_in_to_see}</p>
                    <a class="button" href=sign_in_href(&href(Route::Me))>
                        {move || i18n.t().sign_in}
                    </a>
                </section>
            }
            .into_any();
        };
        let author = me.member.id;
        view! {
            <section class="card profile">
                <div class="profile-head">
                    <Avatar author=me.member.clone() />
                    <div>
                        <h1>{me.member.name.clone()}</h1>
                        <p class="muted">{me.email.clone()}</p>
                    </div>
                </div>
                <ProfilePicture has_picture=me.member.avatar.is_some() />
            </section>
            <NotificationsLink />
            <OrderShortcuts />
            // The store's own people find their console here.
            {me.staff.map(|_| {
                view! {
                    <a class="button button-quiet button-wide" href=href(Route::Staff)>
                        {move || i18n.t().store_console}
                    </a>
                }
            })}
            <section class="card profile">
                <h2>{move || i18n.t().my_communities}</h2>
                <MembershipChips memberships=me.communities.clone() />
            </section>
            <ReferralDashboard />
            <h2 class="section-title">{move || i18n.t().my_posts}</h2>
            <FeedList filter=Signal::derive(move || FeedFilter::Author(author)) />
            // At the end: nobody signs out by a slip of the thumb.
            <button class="button button-quiet button-wide sign-out" on:click=sign_out>
                {move || i18n.t().sign_out}
            </button>
        }
        .into_any()
    }
}
