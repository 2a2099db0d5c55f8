//! The designed states every page has: loading (skeleton), empty, error with retry, not found.

use leptos::prelude::*;
use quanzi_api::{href, Route};

use crate::client::ClientError;
use crate::i18n::use_i18n;
use crate::ui::head::{page_title, set_head};

/// Grey blocks in the shape of the content, so nothing jumps when it arrives.
#[component]
pub fn Skeleton(#[prop(default = 2)] cards: usize) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="skeleton" role="status" aria-live="polite">
            <span class="visually-hidden">{move || i18n.t().loading}</span>
            {(0..cards)
                .map(|_| {
                    view! {
                        <div class="skeleton-card" aria-hidden="true">
                            <div class="skeleton-line skeleton-short"></div>
                            <div class="skeleton-block"></div>
                            <div class="skeleton-line"></div>
                            <div class="skeleton-line skeleton-short"></div>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
pub fn Empty(message: &'static str) -> impl IntoView {
    view! {
        <div class="state state-empty">
            <p>{message}</p>
        </div>
    }
}

/// The not-found page, also shown when the API says a product, post or community is gone.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        let t = i18n.t();
        set_head(&page_title(t.not_found_title, t.app_name), t.not_found_body);
    });
    view! {
        <div class="state state-not-found">
            <p class="state-code" aria-hidden="true">"404"</p>
            <h1>{move || i18n.t().not_found_title}</h1>
            <p>{move || i18n.t().not_found_body}</p>
            <a href=href(Route::Feed) class="button">
                {move || i18n.t().back_home}
            </a>
        </div>
    }
}

/// A failed load: what happened in words, and a way to try again. A 404 is its own page.
#[component]
pub fn ErrorState(error: ClientError, #[prop(into)] retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    if error.is_not_found() {
        return view! { <NotFound /> }.into_any();
    }
    let detail = move || {
        let t = i18n.t();
        match error {
            ClientError::Network => t.error_network,
            ClientError::Timeout => t.error_timeout,
            ClientError::Http { .. } => t.error_server,
            ClientError::Decode => t.error_data,
        }
    };
    view! {
        <div class="state state-error" role="alert">
            <h2>{move || i18n.t().error_title}</h2>
            <p>{detail}</p>
            <button class="button" on:click=move |_| retry.run(())>
                {move || i18n.t().retry}
            </button>
        </div>
    }
    .into_any()
}
