//! Members: who is signed in (the session), the sign-in and sign-up pages, and the member
//! area `/me` with their communities and posts. The session itself is an HttpOnly cookie
//! the app never sees; it only asks the server who it is.

use crate::task::spawn;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{ErrorCode, Me, SetAvatar, SignIn, SignUp};
use wasm_bindgen::JsCast;

use crate::client::{encode_query_value, get_json, write_json, ClientError};
use crate::community::MembershipChips;
use crate::feed::{FeedFilter, FeedList};
use crate::i18n::{use_i18n, Strings};
use crate::post::compose::upload_photo;
use crate::referral::dashboard::ReferralDashboard;
use crate::router::{navigate, safe_return_path, use_location, Location};
use crate::ui::avatar::Avatar;
use crate::ui::head::{page_title, set_head};
use crate::ui::states::Skeleton;
use gloo_net::http::Method;

/// The signed-in member, if any. `checked` turns true once the server has answered, so
/// pages can tell "guest" from "not known yet".
#[derive(Clone, Copy)]
pub struct Session {
    pub me: RwSignal<Option<Me>>,
    pub checked: RwSignal<bool>,
}

pub fn provide_session() -> Session {
    let session = Session {
        me: RwSignal::new(None),
        checked: RwSignal::new(false),
    };
    provide_context(session);
    let lang = use_i18n().lang.get_untracked();
    spawn(async move {
        // 401 means a guest; any other failure is treated as a guest too, and the next
        // action that needs a member will ask them to sign in.
        session
            .me
            .set(get_json::<Me>("/account/me", lang).await.ok());
        session.checked.set(true);
    });
    session
}

pub fn use_session() -> Session {
    expect_context()
}

/// Gate for an action that needs a member: `true` when signed in. A guest is sent to sign
/// in and back to this very page (query included, so a `?ref=` survives); before the
/// server has said who this is, the tap does nothing rather than misjudge a member.
pub fn require_member(session: Session, location: Location) -> bool {
    if !session.checked.get_untracked() {
        return false;
    }
    if session.me.get_untracked().is_some() {
        return true;
    }
    navigate(location, &sign_in_href(&location.href()));
    false
}

/// The sign-in page that comes back to `next` afterwards.
pub fn sign_in_href(next: &str) -> String {
    format!("/sign-in?next={}", encode_query_value(next))
}

/// What to tell a person whose form the server refused.
pub fn form_error(t: &'static Strings, error: &ClientError) -> &'static str {
    match error.code() {
        Some(ErrorCode::InvalidCredentials) => t.error_credentials,
        Some(ErrorCode::EmailTaken) => t.error_email_taken,
        Some(ErrorCode::BadName) => t.error_name,
        Some(ErrorCode::BadEmail) => t.error_email,
        Some(ErrorCode::WeakPassword) => t.error_password,
        Some(ErrorCode::RateLimited) => t.error_rate_limited,
        Some(ErrorCode::EmptyText) => t.error_empty,
        Some(ErrorCode::TextTooLong) => t.error_too_long,
        Some(ErrorCode::Unauthenticated) => t.error_signed_out,
        Some(ErrorCode::Forbidden | ErrorCode::NotAMember) => t.error_forbidden,
        Some(ErrorCode::TooManyImages) => t.error_too_many_images,
        Some(ErrorCode::BadUpload) => t.error_photo_failed,
        _ => match error {
            ClientError::Network => t.error_network,
            ClientError::Timeout => t.error_timeout,
            _ => t.error_server,
        },
    }
}

/// `/sign-in` and `/sign-up`, in a wasm chunk of its own.
#[wasm_split(auth, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn auth_page(sign_up: bool) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <AuthPage sign_up /> }.into_any())
}

/// `/sign-in` and `/sign-up`: one form, two modes. Fields keep what was typed when the
/// server says no.
#[component]
fn AuthPage(sign_up: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let cart = crate::cart::use_cart();
    let location = use_location();
    let next = move || safe_return_path(location.query_value("next").as_deref());
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    Effect::new(move |_| {
        let t = i18n.t();
        let title = if sign_up { t.sign_up } else { t.sign_in };
        set_head(&page_title(title, t.app_name), t.tagline);
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let result = if sign_up {
                let body = SignUp {
                    name: name.get_untracked(),
                    email: email.get_untracked(),
                    password: password.get_untracked(),
                    // Credits whoever shared the link this visitor came by.
                    referral_code: crate::referral::kept_code(),
                };
                write_json::<Me>(Method::POST, "/account/sign-up", lang, Some(&body)).await
            } else {
                let body = SignIn {
                    email: email.get_untracked(),
                    password: password.get_untracked(),
                };
                write_json::<Me>(Method::POST, "/account/sign-in", lang, Some(&body)).await
            };
            match result {
                Ok(me) => {
                    // What the guest put in the cart comes along, before checkout needs it.
                    crate::cart::merge_guest_cart(cart, lang).await;
                    session.me.set(Some(me));
                    navigate(location, &next());
                }
                Err(e) => {
                    error.set(Some(form_error(lang.strings(), &e)));
                    pending.set(false);
                }
            }
        });
    };

    let other = move || {
        let t = i18n.t();
        let (text, path) = if sign_up {
            (t.have_account, "/sign-in")
        } else {
            (t.no_account, "/sign-up")
        };
        let href = format!("{path}?next={}", encode_query_value(&next()));
        view! { <a href=href>{text}</a> }
    };

    view! {
        <section class="card form-card">
            <h1>{move || if sign_up { i18n.t().sign_up } else { i18n.t().sign_in }}</h1>
            <form on:submit=submit novalidate>
                {sign_up
                    .then(|| {
                        view! {
                            <label>
                                <span>{move || i18n.t().display_name}</span>
                                <input
                                    name="name"
                                    autocomplete="nickname"
                                    maxlength="30"
                                    required
                                    prop:value=name on:input=move |ev| name.set(event_target_value(&ev))
                                />
                            </label>
                        }
                    })}
                <label>
                    <span>{move || i18n.t().email}</span>
                    <input
                        name="email"
                        type="email"
                        autocomplete="email"
                        inputmode="email"
                        required
                        prop:value=email on:input=move |ev| email.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    <span>{move || i18n.t().password}</span>
                    <input
                        name="password"
                        type="password"
                        autocomplete=if sign_up { "new-password" } else { "current-password" }
                        minlength="8"
                        maxlength="128"
                        required
                        prop:value=password on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </label>
                {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <button class="button" type="submit" disabled=move || pending.get()>
                    {move || if sign_up { i18n.t().sign_up } else { i18n.t().sign_in }}
                </button>
            </form>
            <p class="form-switch">{other}</p>
        </section>
    }
}

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
    let location = use_location();
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
            navigate(location, "/");
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
                    <a class="button" href=sign_in_href("/me")>
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
                    <button class="button button-quiet" on:click=sign_out>
                        {move || i18n.t().sign_out}
                    </button>
                </div>
                <ProfilePicture has_picture=me.member.avatar.is_some() />
                <a class="button button-quiet" href="/me/orders">{move || i18n.t().my_orders}</a>
                <h2>{move || i18n.t().my_communities}</h2>
                <MembershipChips memberships=me.communities.clone() />
            </section>
            <ReferralDashboard />
            <h2 class="section-title">{move || i18n.t().my_posts}</h2>
            <FeedList filter=Signal::derive(move || FeedFilter::Author(author)) />
        }
        .into_any()
    }
}
