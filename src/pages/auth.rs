//! `/sign-in` and `/sign-up`: one form, two modes, and back to where the reader was (a
//! path on this site only). What a guest put in the cart comes along.

use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::account::{
    EMAIL_MAX_CHARS, NAME_MAX_CHARS, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS,
};
use quanzi_api::{href_with, Me, Route, SignIn, SignUp};

use crate::client::write_json;
use crate::i18n::use_i18n;
use crate::state::cart::{merge_guest_cart, use_cart};
use crate::state::referral::kept_code;
use crate::state::router::{safe_return_path, use_nav};
use crate::state::session::use_session;
use crate::task::spawn;
use crate::ui::form::form_error;
use crate::ui::head::{page_title, set_head};

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
    let cart = use_cart();
    let nav = use_nav();
    let next = move || safe_return_path(nav.query_value("next").as_deref());
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
                    referral_code: kept_code(),
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
                    merge_guest_cart(cart, lang).await;
                    session.me.set(Some(me));
                    nav.go(&next());
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
        let (text, route) = if sign_up {
            (t.have_account, Route::SignIn)
        } else {
            (t.no_account, Route::SignUp)
        };
        view! { <a href=href_with(route, &[("next", &next())])>{text}</a> }
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
                                    maxlength=NAME_MAX_CHARS
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
                        maxlength=EMAIL_MAX_CHARS
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
                        minlength=PASSWORD_MIN_CHARS
                        maxlength=PASSWORD_MAX_CHARS
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
