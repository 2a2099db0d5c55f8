//! The open groups of a product, each with its leader, seats and time left and a join link,
//! and where a seat is bought.

use leptos::prelude::*;
use quanzi_api::route::encode_query_value;
use quanzi_api::{href, href_with, path, GroupBuy, Page, Route};

use crate::client::get_json;
use crate::i18n::{fill, use_i18n};
use crate::state::session::{sign_in_href, use_session};
use crate::task::spawn_scoped;
use crate::ui::avatar::Avatar;
use crate::ui::countdown::{parse_time, use_clock, Countdown};
use crate::ui::remote::{Remote, State};

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
/// link; ten at a time, more on request. Nothing when there are none. Drawn once `first`
/// has answered, and complete at once: the page below it must not move.
#[component]
pub fn OpenGroups(product_id: i64, first: Remote<Page<GroupBuy>>) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_clock();
    let (items, cursor) = match first.state.get_untracked() {
        State::Ready(page) => (page.items, page.next_cursor),
        // A list that fails to load is left out: the product itself is what matters.
        _ => (Vec::new(), None),
    };
    if let Some(group) = items.first() {
        clock.sync_at(&group.server_time, first.received_at());
    }
    let groups = RwSignal::new(items);
    let next = RwSignal::new(cursor);
    let loading = RwSignal::new(false);
    // A fresh first page (after a countdown has ended) replaces every group shown.
    Effect::new(move |done: Option<()>| {
        let state = first.state.get();
        if done.is_none() {
            return;
        }
        if let State::Ready(page) = state {
            if let Some(group) = page.items.first() {
                clock.sync_at(&group.server_time, first.received_at());
            }
            groups.set(page.items);
            next.set(page.next_cursor);
        }
    });
    let more = move |cursor: String| {
        loading.set(true);
        let lang = i18n.lang.get_untracked();
        spawn_scoped(async move {
            let path = format!(
                "{}&cursor={}",
                path::product_groups(product_id),
                encode_query_value(&cursor)
            );
            if let Ok(page) = get_json::<Page<GroupBuy>>(&path, lang).await {
                groups.update(|list| list.extend(page.items));
                next.set(page.next_cursor);
            }
            loading.set(false);
        });
    };
    let rows = move || {
        groups
            .get()
            .into_iter()
            .map(|g| view! { <OpenGroup group=g on_end=move || first.retry() /> })
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
                                        on:click=move |_| more(cursor.clone())
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
