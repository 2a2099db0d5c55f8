//! The open groups of a product, each with its leader, seats and time left and a join link,
//! and where a seat is bought.

use leptos::prelude::*;
use quanzi_api::{href, href_with, GroupBuy, Page, Route};

use crate::client::get_json;
use crate::i18n::{fill, use_i18n};
use crate::state::session::{sign_in_href, use_session};
use crate::task::spawn_scoped;
use crate::ui::avatar::Avatar;
use crate::ui::countdown::{parse_time, use_clock, Countdown};

/// Where a seat is bought: checkout, or sign-in first and checkout after.
pub fn join_href(signed_in: bool, group_id: i64) -> String {
    let checkout = href_with(Route::Checkout, &[("join", &group_id.to_string())]);
    if signed_in {
        checkout
    } else {
        sign_in_href(&checkout)
    }
}

/// The open groups of a product, each with its leader, seats and time left, and a join
/// link; ten at a time, more on request. Nothing when there are none.
#[component]
pub fn OpenGroups(product_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_clock();
    let groups = RwSignal::new(Vec::<GroupBuy>::new());
    let next = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let load = move |cursor: Option<String>| {
        loading.set(true);
        let lang = i18n.lang.get_untracked();
        spawn_scoped(async move {
            let mut path = format!("/products/{product_id}/groups?limit=10");
            if let Some(cursor) = &cursor {
                path.push_str("&cursor=");
                path.push_str(cursor);
            }
            // A list that fails to load is left out: the product itself is what matters.
            if let Ok(page) = get_json::<Page<GroupBuy>>(&path, lang).await {
                if let Some(first) = page.items.first() {
                    clock.sync(&first.server_time);
                }
                let more = page.items;
                groups.update(|list| {
                    if cursor.is_none() {
                        list.clear();
                    }
                    list.extend(more);
                });
                next.set(page.next_cursor);
            }
            loading.set(false);
        });
    };
    load(None);
    let rows = move || {
        groups
            .get()
            .into_iter()
            .map(|g| view! { <OpenGroup group=g on_end=move || load(None) /> })
            .collect_view()
    };
    move || {
        (!groups.with(Vec::is_empty)).then(|| {
            view! {
                <section class="open-groups" aria-labelledby="open-groups-title">
                    <h2 id="open-groups-title">{move || i18n.t().open_groups}</h2>
                    <ul>{rows}</ul>
                    {move || {
                        next.get()
                            .map(|cursor| {
                                view! {
                                    <button
                                        class="button button-quiet"
                                        disabled=move || loading.get()
                                        on:click=move |_| load(Some(cursor.clone()))
                                    >
                                        {move || i18n.t().more_groups}
                                    </button>
                                }
                            })
                    }}
                </section>
            }
        })
    }
}

#[component]
fn OpenGroup(group: GroupBuy, #[prop(into)] on_end: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let deadline = parse_time(&group.deadline).unwrap_or(0);
    let left = group.seats_left;
    let id = group.id;
    view! {
        <li class="open-group">
            <Avatar author=group.leader.clone() />
            <span class="open-group-text">
                <span class="open-group-leader">{group.leader.name.clone()}</span>
                <span class="muted">
                    {move || fill(i18n.t().seats_left, "n", &left.to_string())}
                    " · "
                    {move || i18n.t().time_left}
                    " "
                    <Countdown deadline on_end />
                </span>
            </span>
            {match group.viewer_order_id {
                Some(order) => view! {
                    <a class="button button-quiet" href=href(Route::Order(order))>
                        {move || i18n.t().my_order}
                    </a>
                }
                    .into_any(),
                None => view! {
                    <a class="button" href=move || join_href(session.me.with(Option::is_some), id)>
                        {move || i18n.t().join_group}
                    </a>
                }
                    .into_any(),
            }}
        </li>
    }
}
