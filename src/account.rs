//! The member area (`/me`). Sign-in and profiles come with the members issue; the route
//! exists now because links to it are promised.

use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::ui::head::{page_title, set_head};

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        let t = i18n.t();
        set_head(&page_title(t.me_title, t.app_name), t.me_soon);
    });
    view! {
        <div class="state">
            <h1>{move || i18n.t().me_title}</h1>
            <p>{move || i18n.t().me_soon}</p>
            <a href="/" class="button">{move || i18n.t().back_home}</a>
        </div>
    }
}
