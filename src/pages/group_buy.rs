//! A group-buy (`/g/{id}`): the product, the members and the empty seats, the countdown,
//! the share button, joining. A member of an open group (its leader, right after paying)
//! finds the invitation to share first: seats left, time left and the share control. A
//! group that fills or fails shows on open pages without a reload: a signed-in member's
//! live events say when it changes; without them (a guest, or the stream down) the page
//! asks again, more rarely the longer nothing changes; and at once when the countdown
//! ends or the tab comes back. A lottery shows the hash it committed to, and once drawn
//! the seed and every ticket, so anyone can check the winners.

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{href, path, GroupBuy, GroupKind, GroupState, Lottery, Route};

use crate::client::get_json;
use crate::components::group_rules::GroupRules;
use crate::components::open_groups::join_href;
use crate::components::product_card::ProductCard;
use crate::components::recommender::Recommender;
use crate::components::share::ShareButton;
use crate::i18n::{fill, use_i18n, Lang};
use crate::state::events::use_events;
use crate::state::session::use_session;
use crate::task::{sleep, spawn_scoped};
use crate::ui::avatar::Avatar;
use crate::ui::countdown::{parse_time, provide_clock, Countdown};
use crate::ui::head::{page_title, set_head};
use crate::ui::remote::{fetch, loaded, State};

/// Polling while a group is open: from 4 s, growing by half up to 30 s.
const POLL_FIRST_MS: u32 = 4_000;
const POLL_MAX_MS: u32 = 30_000;

/// `/g/{id}`, in a wasm chunk of its own.
#[wasm_split(group_buy, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn group_buy_page(id: i64) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <GroupBuyPage id /> }.into_any())
}

#[component]
fn GroupBuyPage(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let clock = provide_clock();
    let group = fetch::<GroupBuy>(move || path::group(id));
    // Asks again while the group is open: back-off, reset by any change.
    let delay = StoredValue::new(POLL_FIRST_MS);
    let polls = Trigger::new();
    let refresh = move || {
        let lang = i18n.lang.get_untracked();
        spawn_scoped(async move {
            if let Ok(fresh) = get_json::<GroupBuy>(&path::group(id), lang).await {
                clock.sync(&fresh.server_time);
                let changed = group.state.with_untracked(|old| match old {
                    State::Ready(old) => !same_seats(old, &fresh),
                    _ => true,
                });
                // An unchanged group keeps its page as it is (focus, scroll, images).
                if changed {
                    delay.set_value(POLL_FIRST_MS);
                    group.state.set(State::Ready(fresh));
                }
            }
            polls.notify();
        });
    };
    // Live events: this group changed, or the stream (re)connected and may have missed it.
    let events = use_events();
    events.refresh_on(events.group, id, refresh);
    Effect::new(move |_| {
        polls.track();
        // The clock syncs from every answer, stream or not: a page opened while the stream
        // was already live gets no refresh, and its countdown would run on the phone's clock.
        let open = group.state.with(|s| match s {
            State::Ready(g) => {
                clock.sync_at(&g.server_time, group.received_at());
                g.state == GroupState::Open
            }
            _ => false,
        });
        // While the stream is live it says when to ask; polling is for when it cannot.
        if !open || events.live.get() {
            return;
        }
        let wait = delay.get_value();
        delay.set_value((wait + wait / 2).min(POLL_MAX_MS));
        spawn_scoped(async move {
            sleep(wait).await;
            refresh();
        });
    });
    // Back in view: ask now rather than at the next poll. Not on the first run.
    Effect::new(move |first: Option<()>| {
        clock.resumed.track();
        if first.is_some() {
            refresh();
        }
    });
    loaded(group, move |g| {
        set_head(
            &page_title(
                &format!(
                    "{} · {}",
                    g.product.title,
                    i18n.t_untracked().group_buy_title
                ),
                i18n.t_untracked().app_name,
            ),
            &fill(
                i18n.t_untracked().seats_left,
                "n",
                &g.seats_left.to_string(),
            ),
        );
        view! { <GroupView group=g on_end=move || refresh() /> }
    })
}

/// The invitation's words (this pack's own, not the first load's): its heading, with `{n}`
/// the seats left, and what the share control asks.
fn invite_words(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::ZhCn => ("还差 {n} 人成团，快邀请好友参团", "邀请好友参团"),
        Lang::En => ("{n} more to go: invite friends to join", "Invite friends"),
    }
}

/// Whether two answers show the same group (the server's clock always moves on).
fn same_seats(a: &GroupBuy, b: &GroupBuy) -> bool {
    (
        a.state,
        a.seats_left,
        &a.members,
        a.viewer_order_id,
        &a.lottery,
    ) == (
        b.state,
        b.seats_left,
        &b.members,
        b.viewer_order_id,
        &b.lottery,
    )
}

/// This pack's words for the kinds of group and the draw.
struct KindWords {
    lottery: &'static str,
    /// `{n}` winners among `{size}`.
    lottery_rule: &'static str,
    new_member: &'static str,
    new_member_rule: &'static str,
    draw_title: &'static str,
    committed: &'static str,
    seed: &'static str,
    not_drawn_yet: &'static str,
    how: &'static str,
    won: &'static str,
    not_won: &'static str,
    /// A lottery that filled (not everyone received it).
    drawn: &'static str,
}

const KIND_ZH: KindWords = KindWords {
    lottery: "抽奖团",
    lottery_rule: "成团后从 {size} 人中抽出 {n} 人发货，其余全额退款。",
    new_member: "新人团",
    new_member_rule: "仅限从未付款的新会员参团，团长不限。",
    draw_title: "公开开奖",
    committed: "开团时公布的种子哈希（SHA-256）",
    seed: "开奖时公布的种子",
    not_drawn_yet: "成团后公布种子并开奖。",
    how: "每位成员的奖号 = SHA-256(“种子:会员ID”)，奖号最小的前 N 位中奖。任何人都可以用公布的种子重新计算核对。",
    won: "中奖",
    not_won: "未中奖",
    drawn: "拼团成功，已开奖：中奖者发货，其余成员全额退款。",
};

const KIND_EN: KindWords = KindWords {
    lottery: "Lottery group",
    lottery_rule: "Once the group fills, {n} of its {size} members are drawn to receive it; the others are refunded in full.",
    new_member: "New-member group",
    new_member_rule: "Only members who have never paid for an order may join; the leader may be anyone.",
    draw_title: "The draw, in the open",
    committed: "Seed hash published when the group opened (SHA-256)",
    seed: "Seed revealed at the draw",
    not_drawn_yet: "The seed is revealed and the draw made once the group fills.",
    how: "Each member's ticket is SHA-256(\"seed:member id\"); the N lowest tickets win. Anyone can recompute them from the revealed seed.",
    won: "Won",
    not_won: "Not drawn",
    drawn: "The group filled and was drawn: the winners receive it, the others are refunded in full.",
};

fn kind_words(lang: Lang) -> &'static KindWords {
    match lang {
        Lang::ZhCn => &KIND_ZH,
        Lang::En => &KIND_EN,
    }
}

/// A lottery's commitment, and once drawn its seed and tickets.
#[component]
fn Draw(lottery: Lottery, size: u32, names: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let w = move || kind_words(i18n.lang.get());
    let winners = lottery.winners.to_string();
    let size = size.to_string();
    let name_of = move |id: i64| {
        names
            .iter()
            .find(|(m, _)| *m == id)
            .map_or_else(|| format!("#{id}"), |(_, name)| name.clone())
    };
    view! {
        <section class="card lottery" aria-labelledby="lottery-title">
            <h2 id="lottery-title">{move || w().draw_title}</h2>
            <p>{move || fill(&fill(w().lottery_rule, "n", &winners), "size", &size)}</p>
            <dl class="lottery-proof">
                <dt>{move || w().committed}</dt>
                <dd><code data-proof="seed-hash">{lottery.seed_hash.clone()}</code></dd>
                {match lottery.seed.clone() {
                    Some(seed) => view! {
                        <dt>{move || w().seed}</dt>
                        <dd><code data-proof="seed">{seed}</code></dd>
                    }
                        .into_any(),
                    None => view! { <dd class="muted">{move || w().not_drawn_yet}</dd> }.into_any(),
                }}
            </dl>
            <p class="muted small">{move || w().how}</p>
            {(!lottery.tickets.is_empty()).then(|| view! {
                <ol class="lottery-tickets">
                    {lottery
                        .tickets
                        .iter()
                        .map(|t| {
                            let won = t.won;
                            view! {
                                <li class:won=won data-member=t.member_id>
                                    <span>{name_of(t.member_id)} " (ID " {t.member_id} ")"</span>
                                    <code class="lottery-ticket">{t.ticket.clone()}</code>
                                    <strong>{move || if won { w().won } else { w().not_won }}</strong>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            })}
        </section>
    }
}

#[component]
fn GroupView(group: GroupBuy, #[prop(into)] on_end: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let deadline = parse_time(&group.deadline).unwrap_or(0);
    let empty = group.size.saturating_sub(group.members.len() as u32);
    let seats_left = group.seats_left;
    let state = group.state;
    let id = group.id;
    let viewer_order = group.viewer_order_id;
    let title = group.product.title.clone();
    let kind = group.kind;
    let size = group.size;
    let names: Vec<(i64, String)> = group
        .members
        .iter()
        .map(|m| (m.id, m.name.clone()))
        .collect();
    let lottery = group.lottery.clone();
    // The invitation carries the share control; the page's own would be a second one.
    let inviting = state == GroupState::Open && viewer_order.is_some() && seats_left > 0;
    let seats = group
        .members
        .into_iter()
        .map(|author| view! { <li><Avatar author /></li> })
        .collect_view();
    let empty_seats = (0..empty)
        .map(|_| view! { <li class="seat-empty" aria-hidden="true">"?"</li> })
        .collect_view();
    view! {
        <article class="group-page">
            <h1>{move || i18n.t().group_buy_title}</h1>
            <ProductCard card=group.product large=true />
            <Recommender />
            <p class="group-leader muted">
                {move || fill(i18n.t().led_by, "name", &group.leader.name)}
            </p>
            {match kind {
                GroupKind::NewMember => Some(view! {
                    <p class="group-kind">
                        <strong class="tag">{move || kind_words(i18n.lang.get()).new_member}</strong>
                        " " {move || kind_words(i18n.lang.get()).new_member_rule}
                    </p>
                }),
                _ => None,
            }}
            <ul class="seats" aria-label=move || i18n.t().members_title>
                {seats}
                {empty_seats}
            </ul>
            {lottery.map(|lottery| view! {
                <p class="group-kind"><strong class="tag">{move || kind_words(i18n.lang.get()).lottery}</strong></p>
                <Draw lottery size names />
            })}
            {match state {
                GroupState::Open => view! {
                    <p class="group-status">
                        <strong>{move || fill(i18n.t().seats_left, "n", &seats_left.to_string())}</strong>
                        " · "
                        {move || i18n.t().time_left}
                        " "
                        <Countdown deadline on_end />
                    </p>
                    {match viewer_order {
                        // One of the group: inviting is what is left to do.
                        Some(order) if seats_left > 0 => view! {
                            <section class="group-invite" aria-labelledby="group-invite-title">
                                <h2 id="group-invite-title">
                                    {move || fill(invite_words(i18n.lang.get()).0, "n", &seats_left.to_string())}
                                </h2>
                                <ShareButton path=href(Route::GroupBuy(id)) title=title.clone()
                                    label=Signal::derive(move || invite_words(i18n.lang.get()).1) />
                                <a href=href(Route::Order(order))>{move || i18n.t().my_order}</a>
                            </section>
                        }
                            .into_any(),
                        Some(order) => view! {
                            <a class="button button-wide" href=href(Route::Order(order))>
                                {move || i18n.t().my_order}
                            </a>
                        }
                            .into_any(),
                        None if seats_left > 0 => view! {
                            <a
                                class="button button-wide"
                                href=move || join_href(session.me.with(Option::is_some), id)
                            >
                                {move || i18n.t().join_group}
                            </a>
                        }
                            .into_any(),
                        None => ().into_any(),
                    }}
                }
                    .into_any(),
                GroupState::Succeeded => view! {
                    <p class="group-outcome group-succeeded" role="status">
                        {move || match kind {
                            GroupKind::Lottery => kind_words(i18n.lang.get()).drawn,
                            _ => i18n.t().group_succeeded,
                        }}
                    </p>
                }
                    .into_any(),
                GroupState::Failed => view! {
                    <p class="group-outcome group-failed" role="status">
                        {move || i18n.t().group_failed}
                    </p>
                }
                    .into_any(),
            }}
            {(!inviting).then(|| view! { <ShareButton path=href(Route::GroupBuy(id)) title=title.clone() /> })}
            <GroupRules size=group.size window_hours=None />
        </article>
    }
}
