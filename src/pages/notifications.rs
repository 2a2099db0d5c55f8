//! What a member was told while away (`/me/notifications`): a group that filled or failed,
//! a lottery's draw, a refund, a friend who paid, a flash sale that started, an earning
//! settled, a withdrawal paid. Opening the list reads them all (the badge clears on every
//! tab); a new one arriving while the page is open shows at once. Its words live here, in
//! its own pack.

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{href, Notification, NotificationKind, Page, Route, Unread};

use crate::client::write_json;
use crate::components::gate::members_only;
use crate::i18n::{fill, use_i18n, Lang};
use crate::state::events::use_events;
use crate::task::spawn;
use crate::ui::head::{page_title, set_head};
use crate::ui::image::Img;
use crate::ui::price::format_money;
use crate::ui::remote::{fetch, loaded};
use crate::ui::time::ago;

struct Words {
    title: &'static str,
    none_yet: &'static str,
    browse: &'static str,
    /// Each `{product}` is the product's title, `{amount}` the sum.
    group_succeeded: &'static str,
    group_failed: &'static str,
    lottery_won: &'static str,
    lottery_lost: &'static str,
    refunded: &'static str,
    paid_for_you: &'static str,
    flash_sale_started: &'static str,
    earning_settled: &'static str,
    withdrawal_paid: &'static str,
    other: &'static str,
    unread: &'static str,
}

const ZH: Words = Words {
    title: "消息通知",
    none_yet: "还没有通知。拼团成团、退款、好友代付等消息会出现在这里。",
    browse: "去逛逛",
    group_succeeded: "拼团成功：{product}，商家将尽快为你备货。",
    group_failed: "拼团未成：{product}，已付的 {amount} 原路全额退回。",
    lottery_won: "恭喜中奖：{product}，商家将尽快为你备货。",
    lottery_lost: "抽奖团已开奖，未抽中：{product}，{amount} 已全额退回。",
    refunded: "退款 {amount}：{product}，原路全额退回。",
    paid_for_you: "好友已为你代付 {amount}：{product}。",
    flash_sale_started: "你关注的秒杀开始了：{product}，快去抢购。",
    earning_settled: "佣金 {amount} 已结算，可以提现了。",
    withdrawal_paid: "提现 {amount} 已到账。",
    other: "有一条新消息。",
    unread: "未读",
};

const EN: Words = Words {
    title: "Notifications",
    none_yet:
        "No notifications yet. Groups that fill, refunds and friends who pay for you show up here.",
    browse: "Browse",
    group_succeeded: "Your group filled: {product}. The store is getting it ready.",
    group_failed: "Your group did not fill: {product}. {amount} is refunded in full.",
    lottery_won: "You won the draw: {product}. The store is getting it ready.",
    lottery_lost:
        "The lottery was drawn and did not pick you: {product}. {amount} is refunded in full.",
    refunded: "Refunded {amount}: {product}.",
    paid_for_you: "A friend paid {amount} for you: {product}.",
    flash_sale_started: "The flash sale you asked about has started: {product}.",
    earning_settled: "A commission of {amount} has settled: you can withdraw it.",
    withdrawal_paid: "Your withdrawal of {amount} has been paid.",
    other: "Something new.",
    unread: "Unread",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}

/// `/me/notifications`, in a wasm chunk of its own.
#[wasm_split(notifications, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn notifications_page() -> Result<AnyView, SplitLoaderError> {
    Ok(members_only(href(Route::Notifications), || {
        view! { <NotificationsPage /> }.into_any()
    })
    .into_any())
}

/// What one notification says.
fn sentence(w: &Words, n: &Notification) -> String {
    let template = match n.kind {
        NotificationKind::GroupSucceeded => w.group_succeeded,
        NotificationKind::GroupFailed => w.group_failed,
        NotificationKind::LotteryWon => w.lottery_won,
        NotificationKind::LotteryLost => w.lottery_lost,
        NotificationKind::Refunded => w.refunded,
        NotificationKind::PaidForYou => w.paid_for_you,
        NotificationKind::FlashSaleStarted => w.flash_sale_started,
        NotificationKind::EarningSettled => w.earning_settled,
        NotificationKind::WithdrawalPaid => w.withdrawal_paid,
        NotificationKind::Unknown => w.other,
    };
    let product = n.product.as_ref().map_or("", |p| p.title.as_str());
    let amount = n.amount.as_ref().map(format_money).unwrap_or_default();
    fill(&fill(template, "product", product), "amount", &amount)
}

/// Where a notification leads: the group, the order, the product, the earnings.
fn target(n: &Notification) -> String {
    match n.kind {
        NotificationKind::EarningSettled | NotificationKind::WithdrawalPaid => {
            href(Route::Earnings)
        }
        NotificationKind::FlashSaleStarted => n
            .product
            .as_ref()
            .map_or_else(|| href(Route::Feed), |p| href(Route::Product(p.id))),
        NotificationKind::GroupSucceeded
        | NotificationKind::GroupFailed
        | NotificationKind::LotteryWon
        | NotificationKind::LotteryLost => match (n.group_id, n.order_id) {
            (Some(group), _) => href(Route::GroupBuy(group)),
            (None, Some(order)) => href(Route::Order(order)),
            _ => href(Route::Orders),
        },
        _ => n
            .order_id
            .map_or_else(|| href(Route::Orders), |o| href(Route::Order(o))),
    }
}

#[component]
fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let events = use_events();
    let w = move || words(i18n.lang.get());
    Effect::new(move |_| set_head(&page_title(w().title, i18n.t().app_name), ""));
    let list = fetch::<Page<Notification>>(|| "/notifications?limit=50".to_owned());
    // A new one while the page is open: the list again (and it is read at once).
    Effect::new(move |seen: Option<u32>| {
        let unread = events.unread.get();
        if seen.is_some_and(|seen| unread > seen) {
            list.retry();
        }
        unread
    });
    // What is on screen is read: the badge clears here and on the member's other tabs.
    Effect::new(move |_| {
        let has_unread = list.state.with(|s| match s {
            crate::ui::remote::State::Ready(page) => page.items.iter().any(|n| !n.read),
            _ => false,
        });
        if has_unread {
            let lang = i18n.lang.get_untracked();
            spawn(async move {
                if let Ok(unread) = write_json::<Unread>(
                    leptos::prelude::untrack(|| gloo_net::http::Method::POST),
                    "/notifications/read",
                    lang,
                    None,
                )
                .await
                {
                    events.unread.set(unread.unread);
                }
            });
        }
    });
    view! {
        <section class="notifications-page">
            <h1>{move || w().title}</h1>
            {loaded(list, move |page| {
                if page.items.is_empty() {
                    return view! {
                        <div class="state empty">
                            <p>{move || w().none_yet}</p>
                            <a class="button" href=href(Route::Feed)>{move || w().browse}</a>
                        </div>
                    }
                    .into_any();
                }
                view! {
                    <ul class="notification-list">
                        {page
                            .items
                            .into_iter()
                            .map(|n| {
                                let unread = !n.read;
                                let link = target(&n);
                                let picture = n.product.as_ref().map(|p| p.image.clone());
                                let when = n.created_at.clone();
                                let item = n.clone();
                                view! {
                                    <li class="card notification-row" class:unread=unread>
                                        <a href=link class="notification-link">
                                            {picture.map(|image| view! {
                                                <Img image class="notification-thumb" sizes="48px" />
                                            })}
                                            <span class="notification-text">
                                                {unread.then(|| view! {
                                                    <span class="visually-hidden">{move || w().unread} ": "</span>
                                                })}
                                                {move || sentence(w(), &item)}
                                            </span>
                                            <span class="muted small notification-time">
                                                {move || ago(i18n.t(), &when)}
                                            </span>
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quanzi_api::Money;

    fn note(kind: NotificationKind) -> Notification {
        Notification {
            id: 1,
            kind,
            created_at: "2026-12-07T10:00:00Z".into(),
            read: false,
            product: None,
            order_id: Some(9),
            group_id: Some(4),
            amount: Some(Money::cny(1990)),
        }
    }

    #[test]
    fn each_kind_says_what_happened_and_leads_there() {
        let failed = note(NotificationKind::GroupFailed);
        assert!(sentence(&ZH, &failed).contains("¥19.90"));
        assert_eq!(target(&failed), "/g/4");
        assert_eq!(target(&note(NotificationKind::PaidForYou)), "/me/orders/9");
        assert_eq!(
            target(&note(NotificationKind::EarningSettled)),
            "/me/earnings"
        );
        assert_eq!(sentence(&EN, &note(NotificationKind::Unknown)), EN.other);
    }
}
