//! What a member's links have earned them (`/me/earnings`): what is available, pending,
//! settled and withdrawn; a withdrawal of everything available, for the store's owner to
//! approve; each earning (the order's product, its day, its state, the amount; never the
//! buyer) and the latest withdrawals. Its words live here, in its own pack.

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{
    href, Earning, EarningKind, EarningState, Earnings, ErrorCode, Money, Route, Withdrawal,
    WithdrawalState,
};
use wasm_bindgen::JsValue;

use crate::client::{idempotency_key, js_object, write_once, ClientError};
use crate::components::gate::members_only;
use crate::i18n::{fill, use_i18n, Lang};
use crate::task::spawn;
use crate::ui::head::{page_title, set_head};
use crate::ui::image::Img;
use crate::ui::price::format_money;
use crate::ui::remote::{fetch, loaded};
use crate::ui::time::day;

struct Words {
    title: &'static str,
    available: &'static str,
    pending: &'static str,
    settled: &'static str,
    withdrawn: &'static str,
    how_it_settles: &'static str,
    /// `{amount}`: everything available.
    withdraw_all: &'static str,
    /// `{amount}`: the minimum.
    minimum: &'static str,
    asked: &'static str,
    too_little: &'static str,
    failed: &'static str,
    details: &'static str,
    none_yet: &'static str,
    go_share: &'static str,
    state_pending: &'static str,
    state_settled: &'static str,
    state_cancelled: &'static str,
    adjustment: &'static str,
    /// `{date}`.
    settles_on: &'static str,
    /// `{n}`: units in the order.
    units: &'static str,
    withdrawals: &'static str,
    requested: &'static str,
    refused: &'static str,
    paying: &'static str,
    paid: &'static str,
    declined: &'static str,
}

const ZH: Words = Words {
    title: "我的收益",
    available: "可提现",
    pending: "待结算",
    settled: "已结算",
    withdrawn: "已提现",
    how_it_settles: "好友通过你的链接下单并付款后，佣金先记为待结算；订单完成且过了退货期，就可以提现。退款的订单不计佣金。",
    withdraw_all: "全部提现 {amount}",
    minimum: "满 {amount} 可提现",
    asked: "已申请提现，店长审核后打款。",
    too_little: "可提现金额不足，请刷新后再试。",
    failed: "提现没有成功，请稍后再试。",
    details: "收益明细",
    none_yet: "还没有收益。把喜欢的好物分享给朋友，他们下单后你就能赚佣金。",
    go_share: "去逛逛",
    state_pending: "待结算",
    state_settled: "已结算",
    state_cancelled: "已取消（退款）",
    adjustment: "退款扣回",
    settles_on: "{date} 结算",
    units: "{n} 件",
    withdrawals: "提现记录",
    requested: "审核中",
    refused: "未通过",
    paying: "打款中",
    paid: "已到账",
    declined: "打款失败，已退回可提现",
};

const EN: Words = Words {
    title: "My earnings",
    available: "Available",
    pending: "Pending",
    settled: "Settled",
    withdrawn: "Withdrawn",
    how_it_settles: "When a friend orders and pays through your link, the commission is pending; once the order is completed and its return window has passed, you can withdraw it. Refunded orders earn nothing.",
    withdraw_all: "Withdraw all {amount}",
    minimum: "You can withdraw from {amount}",
    asked: "Withdrawal requested: the store pays it once approved.",
    too_little: "Not that much is available any more; reload and try again.",
    failed: "The withdrawal did not go through; try again shortly.",
    details: "Earnings",
    none_yet: "No earnings yet. Share what you like with friends and earn when they buy.",
    go_share: "Browse",
    state_pending: "Pending",
    state_settled: "Settled",
    state_cancelled: "Cancelled (refunded)",
    adjustment: "Taken back (refund)",
    settles_on: "Settles {date}",
    units: "{n} pcs",
    withdrawals: "Withdrawals",
    requested: "Under review",
    refused: "Refused",
    paying: "Being paid",
    paid: "Paid",
    declined: "Payout failed; available again",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}

/// `/me/earnings`, in a wasm chunk of its own.
#[wasm_split(earnings, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn earnings_page() -> Result<AnyView, SplitLoaderError> {
    Ok(members_only(href(Route::Earnings), || {
        view! { <EarningsPage /> }.into_any()
    })
    .into_any())
}

#[component]
fn EarningsPage() -> impl IntoView {
    let i18n = use_i18n();
    let w = move || words(i18n.lang.get());
    Effect::new(move |_| set_head(&page_title(w().title, i18n.t().app_name), ""));
    let earnings = fetch::<Earnings>(|| "/account/earnings?limit=50".to_owned());
    // What the last withdrawal came to; kept across the reload it causes.
    let said = RwSignal::new(None::<&'static str>);
    view! {
        <section class="earnings-page">
            <h1>{move || w().title}</h1>
            {loaded(earnings, move |data| {
                view! {
                    <Balance data=data.clone() said on_withdrawn=move || earnings.retry() />
                    <h2>{move || w().details}</h2>
                    <Details items=data.items />
                    {(!data.withdrawals.is_empty()).then(|| view! {
                        <h2>{move || w().withdrawals}</h2>
                        <Withdrawals items=data.withdrawals />
                    })}
                }
            })}
        </section>
    }
}

/// The four sums and the withdrawal of everything available.
#[component]
fn Balance(
    data: Earnings,
    said: RwSignal<Option<&'static str>>,
    #[prop(into)] on_withdrawn: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let w = move || words(i18n.lang.get());
    let balance = data.balance;
    let available = balance.available.clone();
    let enough = available.amount >= balance.minimum_withdrawal.amount;
    let pending = RwSignal::new(false);
    // One key per intent: a retry after a lost answer is the same withdrawal.
    let key = StoredValue::new(idempotency_key());
    let amount = available.amount;
    let withdraw = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        said.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let body = js_object(&[("amount", JsValue::from_f64(amount as f64))]);
            let result =
                write_once::<Withdrawal>("/account/withdrawals", lang, &body, &key.get_value())
                    .await;
            if !matches!(result, Err(ClientError::Network | ClientError::Timeout)) {
                key.set_value(idempotency_key());
            }
            let t = words(lang);
            said.set(Some(match &result {
                Ok(_) => t.asked,
                Err(e) if e.code() == Some(ErrorCode::InsufficientEarnings) => t.too_little,
                Err(_) => t.failed,
            }));
            pending.set(false);
            on_withdrawn.run(());
        });
    };
    let sum = |label: fn(&Words) -> &'static str, money: Money, what: &'static str| {
        view! {
            <div data-sum=what>
                <dt>{move || label(w())}</dt>
                <dd>{format_money(&money)}</dd>
            </div>
        }
    };
    let available_text = format_money(&available);
    let minimum_text = format_money(&balance.minimum_withdrawal);
    view! {
        <section class="card earnings-balance" aria-labelledby="available-title">
            <p class="earnings-available">
                <span id="available-title" class="muted">{move || w().available}</span>
                <strong data-sum="available">{available_text.clone()}</strong>
            </p>
            <dl class="earnings-sums">
                {sum(|w| w.pending, balance.pending, "pending")}
                {sum(|w| w.settled, balance.settled, "settled")}
                {sum(|w| w.withdrawn, balance.withdrawn, "withdrawn")}
            </dl>
            {if enough {
                view! {
                    <button class="button button-wide" disabled=move || pending.get() on:click=withdraw>
                        {move || fill(w().withdraw_all, "amount", &available_text)}
                    </button>
                }
                    .into_any()
            } else {
                view! { <p class="muted">{move || fill(w().minimum, "amount", &minimum_text)}</p> }
                    .into_any()
            }}
            <p class="form-status" role="status">{move || said.get()}</p>
            <p class="muted small">{move || w().how_it_settles}</p>
        </section>
    }
}

fn state_label(w: &Words, earning: &Earning) -> &'static str {
    match (earning.kind, earning.state) {
        (EarningKind::Adjustment, _) => w.adjustment,
        (_, EarningState::Pending) => w.state_pending,
        (_, EarningState::Settled) => w.state_settled,
        (_, EarningState::Cancelled) => w.state_cancelled,
    }
}

/// One row per earning, newest first.
#[component]
fn Details(items: Vec<Earning>) -> impl IntoView {
    let i18n = use_i18n();
    let w = move || words(i18n.lang.get());
    if items.is_empty() {
        return view! {
            <div class="state empty">
                <p>{move || w().none_yet}</p>
                <a class="button" href=href(Route::Feed)>{move || w().go_share}</a>
            </div>
        }
        .into_any();
    }
    view! {
        <ul class="earning-list">
            {items
                .into_iter()
                .map(|earning| {
                    let amount = earning.amount.clone();
                    let sign = if amount.amount > 0 { "+" } else { "" };
                    let settles = earning.settles_at.as_deref().map(day);
                    let state = earning.state;
                    let e = earning.clone();
                    view! {
                        <li class="card earning-row">
                            <a href=href(Route::Product(earning.product.id)) class="earning-product">
                                <Img image=earning.product.image.clone() class="earning-thumb" sizes="56px" />
                                <span>{earning.product.title.clone()}</span>
                            </a>
                            <span class="muted">
                                {day(&earning.created_at)} " · "
                                {move || fill(w().units, "n", &earning.units.to_string())}
                            </span>
                            <span class=format!("earning-state state-{state:?}")>
                                {move || state_label(w(), &e)}
                                {settles.clone().map(|d| view! {
                                    " · " {move || fill(w().settles_on, "date", &d)}
                                })}
                            </span>
                            <strong class="earning-amount">{format!("{sign}{}", format_money(&amount))}</strong>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// The console has the same five labels in its own words: one function for both packs
/// would move it, and every word it names, into the first load.
fn withdrawal_label(w: &Words, state: WithdrawalState) -> &'static str {
    match state {
        WithdrawalState::Requested => w.requested,
        WithdrawalState::Refused => w.refused,
        WithdrawalState::Paying => w.paying,
        WithdrawalState::Paid => w.paid,
        WithdrawalState::Declined => w.declined,
    }
}

#[component]
fn Withdrawals(items: Vec<Withdrawal>) -> impl IntoView {
    let i18n = use_i18n();
    let w = move || words(i18n.lang.get());
    view! {
        <ul class="withdrawal-list">
            {items
                .into_iter()
                .map(|item| {
                    let state = item.state;
                    view! {
                        <li class="card withdrawal-row">
                            <strong>{format_money(&item.amount)}</strong>
                            <span class="muted">{day(&item.created_at)}</span>
                            <span class=format!("withdrawal-state state-{state:?}")>
                                {move || withdrawal_label(w(), state)}
                            </span>
                            {item.reason.map(|reason| view! { <p class="withdrawal-reason">{reason}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
