//! The router, the layout (header, content, tab bar) and the app-wide providers.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::account::AccountPage;
use crate::community::{CommunitiesPage, CommunityPage};
use crate::feed::FeedPage;
use crate::group_buy::GroupBuyPage;
use crate::i18n::{provide_i18n, use_i18n};
use crate::post::PostPage;
use crate::product::ProductPage;
use crate::ui::head::{page_title, set_head};
use crate::ui::states::NotFound;

#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    view! {
        <Router>
            <Header />
            <main id="main" class="page">
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    <Route path=path!("/") view=FeedPage />
                    <Route path=path!("/p/:id") view=ProductPage />
                    <Route path=path!("/posts/:id") view=PostPage />
                    <Route path=path!("/c/:slug") view=CommunityPage />
                    <Route path=path!("/communities") view=CommunitiesPage />
                    <Route path=path!("/g/:id") view=GroupBuyPage />
                    <Route path=path!("/me") view=AccountPage />
                </Routes>
            </main>
            <TabBar />
        </Router>
    }
}

#[component]
fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        let t = i18n.t();
        set_head(&page_title(t.not_found_title, t.app_name), t.not_found_body);
    });
    view! { <NotFound /> }
}

#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            class="lang-switch"
            title=move || i18n.t().switch_language
            aria-label=move || {
                let t = i18n.t();
                format!("{}: {}", t.switch_language, t.switch_to)
            }
            on:click=move |_| i18n.set(i18n.lang.get_untracked().other())
        >
            {move || i18n.t().switch_to}
        </button>
    }
}

#[component]
fn Header() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="top-bar">
            <a class="skip-link" href="#main">
                {move || i18n.t().nav_feed}
            </a>
            <A href="/" attr:class="brand">
                <img src="/icons/icon.svg" width="28" height="28" alt="" />
                <span>{move || i18n.t().app_name}</span>
            </A>
            <nav class="top-nav" aria-label="primary">
                <NavLinks />
            </nav>
            <LanguageSwitch />
        </header>
    }
}

/// The same three destinations in the phone's tab bar and the desktop header.
#[component]
fn NavLinks() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <A href="/" exact=true attr:class="nav-link">
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <path d="M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z" />
            </svg>
            <span>{move || i18n.t().nav_feed}</span>
        </A>
        <A href="/communities" attr:class="nav-link">
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <circle cx="8" cy="9" r="3.2" />
                <circle cx="16" cy="9" r="3.2" />
                <path d="M2 20c0-3.3 2.7-5.5 6-5.5s6 2.2 6 5.5M10 20c0-3.3 2.7-5.5 6-5.5s6 2.2 6 5.5" />
            </svg>
            <span>{move || i18n.t().nav_communities}</span>
        </A>
        <A href="/me" attr:class="nav-link">
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <circle cx="12" cy="8" r="4" />
                <path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7" />
            </svg>
            <span>{move || i18n.t().nav_me}</span>
        </A>
    }
}

#[component]
fn TabBar() -> impl IntoView {
    view! {
        <nav class="tab-bar" aria-label="tabs">
            <NavLinks />
        </nav>
    }
}
