//! A member's communities as chips, each with its role where the role is special, how a
//! role reads next to a name, and a community's member count.

use leptos::prelude::*;
use quanzi_api::{href, href_with, Membership, Role, Route};

use crate::i18n::{fill, use_i18n, Strings};

/// A member's communities as chips, each with its role where the role is special. Shown
/// on `/me` and first on `/communities`; `write`: each opens its community's composer.
#[component]
pub fn MembershipChips(
    memberships: Vec<Membership>,
    #[prop(optional)] write: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let chips = memberships
        .into_iter()
        .map(|m| {
            let role = m.role;
            let route = Route::Community(m.community.slug);
            let link = if write {
                href_with(route, &[("write", "1")])
            } else {
                href(route)
            };
            view! {
                <li>
                    <a class="chip" href=link>
                        {m.community.name}
                        {move || {
                            role_label(i18n.t(), role)
                                .map(|label| view! { <span class="role">{label}</span> })
                        }}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="chip-list">{chips}</ul> }
}

/// How a role reads next to a name; plain members carry no badge.
pub fn role_label(t: &'static Strings, role: Role) -> Option<&'static str> {
    match role {
        Role::Owner => Some(t.role_owner),
        Role::Moderator => Some(t.role_moderator),
        Role::Member => None,
    }
}

/// "12 members", as the count moves.
#[component]
pub fn MemberCount(#[prop(into)] count: Signal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class="member-count">
            {move || fill(i18n.t().members, "n", &i18n.lang.get().count(count.get()))}
        </span>
    }
}
