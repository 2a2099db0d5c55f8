//! The member's own pages (orders) for a guest: a sign-in that comes back to the page.

use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::state::session::{sign_in_href, use_session};
use crate::ui::states::Skeleton;

/// Guests are asked to sign in and come back.
pub fn members_only(
    path: String,
    page: impl Fn() -> AnyView + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    move || {
        if !session.checked.get() {
            return view! { <Skeleton cards=1 /> }.into_any();
        }
        if session.me.with(Option::is_none) {
            return view! {
                <section class="state">
                    <h1>{move || i18n.t().my_orders}</h1>
                    <p>{move || i18n.t().sign_in_to_see}</p>
                    <a class="button" href=sign_in_href(&path)>{move || i18n.t().sign_in}</a>
                </section>
            }
            .into_any();
        }
        page()
    }
}
