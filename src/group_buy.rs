//! Group-buys (`/g/{id}`). The page exists so shared links never break; the group-buy
//! itself (seats, countdown, joining) comes with its own issue.

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};

use crate::i18n::use_i18n;
use crate::ui::head::{page_title, set_head};

/// `/g/{id}`, in a wasm chunk of its own.
#[wasm_split(group_buy, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn group_buy_page() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <GroupBuyPage /> }.into_any())
}

#[component]
fn GroupBuyPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        let t = i18n.t();
        set_head(&page_title(t.group_buy_title, t.app_name), t.group_buy_soon);
    });
    view! {
        <div class="state">
            <h1>{move || i18n.t().group_buy_title}</h1>
            <p>{move || i18n.t().group_buy_soon}</p>
            <a href="/" class="button">{move || i18n.t().back_home}</a>
        </div>
    }
}
