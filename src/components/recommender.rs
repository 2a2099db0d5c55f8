//! "{name} 推荐给你": on the page a shared link opened (`?ref=`), who shared it, with their
//! picture. The server puts the sharer into the page's shell (its first data), so the line
//! is there from the first draw and moves nothing; an unknown code, the reader's own, or a
//! code that came another way (a host container's launch parameter) shows nothing.

use leptos::prelude::*;
use quanzi_api::{path, Author, Referrer};

use crate::client::first_data;
use crate::i18n::{fill, use_i18n};
use crate::state::referral::landing_code;
use crate::state::router::use_nav;
use crate::ui::avatar::Avatar;

thread_local! {
    /// The shell's answer, read once: the line stays when the page is drawn again (another
    /// language), after the shell's data block is gone.
    static SHARER: std::cell::RefCell<Option<Option<Referrer>>> = const { std::cell::RefCell::new(None) };
}

fn sharer(path: &str, lang: crate::i18n::Lang) -> Option<Referrer> {
    let code = landing_code(path)?;
    SHARER.with(|kept| {
        kept.borrow_mut()
            .get_or_insert_with(|| first_data::<Referrer>(&path::referrer(&code), lang))
            .clone()
    })
}

#[component]
pub fn Recommender() -> impl IntoView {
    let i18n = use_i18n();
    let nav = use_nav();
    let referrer = sharer(&nav.pathname.get_untracked(), i18n.lang.get_untracked())?;
    let author = Author {
        id: 0,
        name: referrer.name.clone(),
        avatar: referrer.avatar,
    };
    let name = referrer.name;
    Some(view! {
        <p class="recommender">
            <Avatar author />
            <span>{move || fill(i18n.t().recommended_to_you, "name", &name)}</span>
        </p>
    })
}
