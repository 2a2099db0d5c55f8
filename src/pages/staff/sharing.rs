//! Sharers in the console (owners): the store's default commission rate, each product's own
//! rule (a rate, a fixed amount, or the default) with what a sharer earns on it, and the
//! withdrawals members asked for, approved (paid out by the payout provider) or refused
//! with a reason they read. The server checks every number with its own code; a refused
//! form keeps what was typed. Its words live here, in the staff pack.

use gloo_net::http::Method;
use leptos::prelude::*;
use quanzi_api::{
    plain_amount, CommissionRule, ErrorCode, Money, Page, StaffProductRow, StaffWithdrawal,
    StoreCommission, Withdrawal, WithdrawalState,
};
use wasm_bindgen::JsValue;

use super::catalogue::parse_yuan;
use crate::client::{js_object, write_json, ClientError};
use crate::i18n::{fill, use_i18n, Lang};
use crate::task::spawn;
use crate::ui::form::form_error;
use crate::ui::price::format_money;
use crate::ui::remote::{fetch, loaded};
use crate::ui::states::Empty;
use crate::ui::time::day;

struct Words {
    sharing: &'static str,
    default_rate: &'static str,
    rate_hint: &'static str,
    save: &'static str,
    saved: &'static str,
    rules: &'static str,
    rule_default: &'static str,
    rule_rate: &'static str,
    rule_fixed: &'static str,
    /// `{amount}`.
    earns: &'static str,
    value_label: &'static str,
    withdrawals: &'static str,
    no_withdrawals: &'static str,
    approve: &'static str,
    refuse: &'static str,
    reason: &'static str,
    confirm_refuse: &'static str,
    requested: &'static str,
    refused: &'static str,
    paying: &'static str,
    paid: &'static str,
    declined: &'static str,
    error_rate: &'static str,
    error_above_price: &'static str,
    error_decided: &'static str,
    error_taken_back: &'static str,
    /// `{amount}`.
    available: &'static str,
    error_number: &'static str,
}

const ZH: Words = Words {
    sharing: "分享佣金与提现",
    default_rate: "默认佣金比例（%）",
    rate_hint: "没有单独设置的商品按此比例计佣，0 到 50。已下的订单不受影响。",
    save: "保存",
    saved: "已保存",
    rules: "商品佣金",
    rule_default: "默认比例",
    rule_rate: "按比例（%）",
    rule_fixed: "固定金额（元/件）",
    earns: "分享赚 {amount}",
    value_label: "数值",
    withdrawals: "提现审核",
    no_withdrawals: "还没有提现申请。",
    approve: "批准并打款",
    refuse: "拒绝",
    reason: "拒绝原因（会员可见）",
    confirm_refuse: "确认拒绝",
    requested: "待审核",
    refused: "已拒绝",
    paying: "打款中",
    paid: "已打款",
    declined: "打款失败",
    error_rate: "佣金比例在 0 到 50% 之间。",
    error_above_price: "固定佣金不能高于商品的最低售价。",
    error_decided: "这笔提现已经处理过了。",
    error_taken_back: "退款已扣回部分收益，可提现金额不足，请拒绝这笔提现。",
    available: "可提现 {amount}",
    error_number: "请输入数字，最多两位小数。",
};

const EN: Words = Words {
    sharing: "Commission and withdrawals",
    default_rate: "Default commission (%)",
    rate_hint: "Products without a rule of their own earn this, 0 to 50. Orders already placed keep theirs.",
    save: "Save",
    saved: "Saved",
    rules: "Commission per product",
    rule_default: "Default rate",
    rule_rate: "A rate (%)",
    rule_fixed: "A fixed amount (per unit)",
    earns: "Share & earn {amount}",
    value_label: "Value",
    withdrawals: "Withdrawals",
    no_withdrawals: "No withdrawals asked for yet.",
    approve: "Approve and pay",
    refuse: "Refuse",
    reason: "Reason (the member reads it)",
    confirm_refuse: "Refuse it",
    requested: "Waiting",
    refused: "Refused",
    paying: "Being paid",
    paid: "Paid",
    declined: "Payout failed",
    error_rate: "A commission rate is 0 to 50 %.",
    error_above_price: "A fixed commission is at most the product's lowest price.",
    error_decided: "This withdrawal has been decided already.",
    error_taken_back: "A refund took back part of these earnings: not enough is available. Refuse it.",
    available: "Available {amount}",
    error_number: "Type a number with at most two decimals.",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}

fn use_sharing_words() -> impl Fn() -> &'static Words + Copy {
    let i18n = use_i18n();
    move || words(i18n.lang.get())
}

/// What to tell the owner when the server refuses.
fn error(lang: Lang, err: &ClientError) -> &'static str {
    let w = words(lang);
    match err.code() {
        Some(ErrorCode::BadCommission) => w.error_rate,
        Some(ErrorCode::CommissionAbovePrice) => w.error_above_price,
        Some(ErrorCode::WithdrawalDecided) => w.error_decided,
        Some(ErrorCode::InsufficientEarnings) => w.error_taken_back,
        _ => form_error(lang.strings(), err),
    }
}

/// Basis points as the rate field shows them: `12.5` for 1250.
fn percent(bps: i64) -> String {
    plain_amount(&Money::cny(bps))
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_owned()
}

/// The section, read when opened.
#[component]
pub fn Sharing() -> impl IntoView {
    let w = use_sharing_words();
    let open = RwSignal::new(false);
    view! {
        <details class="card staff-audit" on:toggle=move |_| open.set(true)>
            <summary>{move || w().sharing}</summary>
            {move || open.get().then(|| view! {
                <DefaultRate />
                <h3>{move || w().rules}</h3>
                <ProductRules />
                <h3>{move || w().withdrawals}</h3>
                <WithdrawalQueue />
            })}
        </details>
    }
}

#[component]
fn DefaultRate() -> impl IntoView {
    let i18n = use_i18n();
    let w = use_sharing_words();
    let current = fetch::<StoreCommission>(|| "/staff/commission".to_owned());
    let said = RwSignal::new(None::<&'static str>);
    view! {
        {loaded(current, move |rate| {
            let typed = RwSignal::new(percent(rate.rate_bps));
            let save = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let lang = i18n.lang.get_untracked();
                let Some(bps) = parse_yuan(&typed.get_untracked()) else {
                    said.set(Some(words(lang).error_number));
                    return;
                };
                spawn(async move {
                    let body = js_object(&[("rate_bps", JsValue::from_f64(bps as f64))]);
                    let answer =
                        write_json::<StoreCommission>(Method::PUT, "/staff/commission", lang, Some(&body))
                            .await;
                    said.set(Some(match answer {
                        Ok(_) => words(lang).saved,
                        Err(err) => error(lang, &err),
                    }));
                });
            };
            view! {
                <form class="staff-form" on:submit=save>
                    <label for="default-rate">{move || w().default_rate}</label>
                    <input id="default-rate" inputmode="decimal" maxlength="6" aria-describedby="default-rate-hint"
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev)) />
                    <p id="default-rate-hint" class="muted">{move || w().rate_hint}</p>
                    <button type="submit" class="button">{move || w().save}</button>
                    <p class="form-status" role="status">{move || said.get()}</p>
                </form>
            }
        })}
    }
}

/// Which rule the editor is set to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Default,
    Rate,
    Fixed,
}

#[component]
fn ProductRules() -> impl IntoView {
    let w = use_sharing_words();
    let products = fetch::<Page<StaffProductRow>>(|| "/staff/products".to_owned());
    view! {
        {loaded(products, move |page| {
            view! {
                <ul class="staff-products">
                    {page
                        .items
                        .into_iter()
                        .map(|row| view! { <li class="staff-product"><RuleEditor row on_saved=move || products.retry() /></li> })
                        .collect_view()}
                </ul>
            }
        })}
        <p class="muted">{move || w().rate_hint}</p>
    }
}

#[component]
fn RuleEditor(row: StaffProductRow, #[prop(into)] on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let w = use_sharing_words();
    let id = row.card.id;
    let (kind, value) = match row.commission {
        CommissionRule::Default => (Kind::Default, String::new()),
        CommissionRule::Rate { rate_bps } => (Kind::Rate, percent(rate_bps)),
        CommissionRule::Fixed { amount } => (Kind::Fixed, plain_amount(&Money::cny(amount))),
    };
    let kind = RwSignal::new(kind);
    let value = RwSignal::new(value);
    let said = RwSignal::new(None::<&'static str>);
    let earns = format_money(&row.card.share_earn);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = i18n.lang.get_untracked();
        let number = || parse_yuan(&value.get_untracked()).map(|n| JsValue::from_f64(n as f64));
        let body = match kind.get_untracked() {
            Kind::Default => Some(js_object(&[("kind", "default".into())])),
            Kind::Rate => number().map(|n| js_object(&[("kind", "rate".into()), ("rate_bps", n)])),
            Kind::Fixed => number().map(|n| js_object(&[("kind", "fixed".into()), ("amount", n)])),
        };
        let Some(body) = body else {
            said.set(Some(words(lang).error_number));
            return;
        };
        spawn(async move {
            let path = format!("/staff/products/{id}/commission");
            match write_json::<CommissionRule>(Method::PUT, &path, lang, Some(&body)).await {
                Ok(_) => {
                    said.set(Some(words(lang).saved));
                    on_saved.run(());
                }
                Err(err) => said.set(Some(error(lang, &err))),
            }
        });
    };
    let choice = move |k: Kind, label: fn(&Words) -> &'static str| {
        view! {
            <option value=k as u8 selected=move || kind.get() == k>{move || label(w())}</option>
        }
    };
    let select_id = format!("rule-{id}");
    let value_id = format!("rule-value-{id}");
    view! {
        <form class="rule-editor" on:submit=save>
            <span class="staff-product-text">
                <strong>{row.card.title.clone()}</strong>
                <span class="muted">{move || fill(w().earns, "amount", &earns)}</span>
            </span>
            <label class="visually-hidden" for=select_id.clone()>{move || w().rules}</label>
            <select id=select_id on:change=move |ev| {
                kind.set(match event_target_value(&ev).as_str() {
                    "1" => Kind::Rate,
                    "2" => Kind::Fixed,
                    _ => Kind::Default,
                })
            }>
                {choice(Kind::Default, |w| w.rule_default)}
                {choice(Kind::Rate, |w| w.rule_rate)}
                {choice(Kind::Fixed, |w| w.rule_fixed)}
            </select>
            <label class="visually-hidden" for=value_id.clone()>{move || w().value_label}</label>
            <input id=value_id inputmode="decimal" maxlength="12" class="rule-value"
                disabled=move || kind.get() == Kind::Default
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
            <button type="submit" class="button button-quiet">{move || w().save}</button>
            <p class="form-status" role="status">{move || said.get()}</p>
        </form>
    }
}

fn state_label(w: &Words, state: WithdrawalState) -> &'static str {
    match state {
        WithdrawalState::Requested => w.requested,
        WithdrawalState::Refused => w.refused,
        WithdrawalState::Paying => w.paying,
        WithdrawalState::Paid => w.paid,
        WithdrawalState::Declined => w.declined,
    }
}

#[component]
fn WithdrawalQueue() -> impl IntoView {
    let w = use_sharing_words();
    let queue = fetch::<Page<StaffWithdrawal>>(|| "/staff/withdrawals".to_owned());
    view! {
        {loaded(queue, move |page| {
            if page.items.is_empty() {
                return view! { <Empty message=w().no_withdrawals /> }.into_any();
            }
            view! {
                <ul class="staff-withdrawals">
                    {page
                        .items
                        .into_iter()
                        .map(|item| view! { <li class="card staff-withdrawal"><WithdrawalCard item on_decided=move || queue.retry() /></li> })
                        .collect_view()}
                </ul>
            }
            .into_any()
        })}
    }
}

#[component]
fn WithdrawalCard(item: StaffWithdrawal, #[prop(into)] on_decided: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let w = use_sharing_words();
    let withdrawal = item.withdrawal;
    let id = withdrawal.id;
    let state = withdrawal.state;
    let busy = RwSignal::new(false);
    let refusing = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let said = RwSignal::new(None::<&'static str>);
    let decide = move |how: &'static str, body: js_sys::Object| {
        busy.set(true);
        said.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let path = format!("/staff/withdrawals/{id}/{how}");
            let answer = write_json::<Withdrawal>(Method::POST, &path, lang, Some(&body)).await;
            busy.set(false);
            match answer {
                Ok(_) => on_decided.run(()),
                Err(err) => said.set(Some(error(lang, &err))),
            }
        });
    };
    let approve = move |_| decide("approve", js_object(&[]));
    let refuse = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        decide(
            "refuse",
            js_object(&[("reason", reason.get_untracked().as_str().into())]),
        );
    };
    let reason_id = format!("refuse-reason-{id}");
    let available = format_money(&item.member_available);
    view! {
        <p class="staff-withdrawal-head">
            <strong>{format_money(&withdrawal.amount)}</strong>
            " · " {item.member_name} {item.member_email.map(|e| format!(" ({e})"))}
        </p>
        <p class="muted">
            {day(&withdrawal.created_at)} " · " {move || state_label(w(), state)} " · "
            {move || fill(w().available, "amount", &available)}
            {withdrawal.reason.map(|r| format!(" · {r}"))}
        </p>
        {(state == WithdrawalState::Requested).then(|| view! {
            <div class="staff-actions">
                <button type="button" class="button" disabled=move || busy.get() on:click=approve>
                    {move || w().approve}
                </button>
                <button type="button" class="button button-quiet" on:click=move |_| refusing.update(|r| *r = !*r)>
                    {move || w().refuse}
                </button>
            </div>
            {move || refusing.get().then(|| {
                let reason_id = reason_id.clone();
                view! {
                    <form class="staff-form" on:submit=refuse>
                        <label for=reason_id.clone()>{move || w().reason}</label>
                        <input id=reason_id maxlength="200" required
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev)) />
                        <button type="submit" class="button" disabled=move || busy.get()>{move || w().confirm_refuse}</button>
                    </form>
                }
            })}
        })}
        <p class="form-status" role="alert">{move || said.get()}</p>
    }
}
