//! A pay-for-me link (`/pay/{token}`), as the friend who opens it from a chat sees it,
//! signed in or not: who asks and their note, what it buys, the total, how long it can be
//! paid, and the (test) payment. Never where it goes: the API sends no address or phone.
//! Its words live here, in its own pack.

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{href, path, ErrorCode, Pay, PayLink, PayLinkState, Route, TestPayment};

use crate::client::{get_json, idempotency_key, write_once, ClientError};
use crate::i18n::{fill, use_i18n, Lang};
use crate::task::{sleep, spawn, spawn_scoped};
use crate::ui::avatar::Avatar;
use crate::ui::countdown::{parse_time, provide_clock, Countdown};
use crate::ui::form::purchase_error;
use crate::ui::head::{page_title, set_head};
use crate::ui::image::Img;
use crate::ui::price::format_money;
use crate::ui::remote::{fetch, loaded, State};

/// While a friend's slow payment is under way, the page asks again this often.
const PAYING_POLL_MS: u32 = 2_000;

struct Words {
    /// `{name}`: the requester.
    asks: &'static str,
    total: &'static str,
    /// Before the countdown.
    pay_within: &'static str,
    pay: &'static str,
    paying: &'static str,
    paid: &'static str,
    cancelled: &'static str,
    expired: &'static str,
    refunded: &'static str,
    own: &'static str,
    own_orders: &'static str,
    already_paid: &'static str,
    private: &'static str,
    browse: &'static str,
}

const ZH: Words = Words {
    asks: "{name} 请你帮忙付款",
    total: "代付金额",
    pay_within: "请在以下时间内付款",
    pay: "帮 TA 付款",
    paying: "付款处理中…",
    paid: "已付款，谢谢你的心意！",
    cancelled: "对方已取消这次代付。",
    expired: "代付链接已过期：订单没有在保留时间内付款。",
    refunded: "这笔订单已退款，款项已原路退回付款人。",
    own: "这是你发出的代付请求，把链接发给好友，等 TA 付款即可。",
    own_orders: "查看我的订单",
    already_paid: "这笔订单已经付过款了，无需再付。",
    private: "为保护隐私，这里不显示收货地址和电话。",
    browse: "去逛逛",
};

const EN: Words = Words {
    asks: "{name} asks you to pay",
    total: "To pay",
    pay_within: "Pay within",
    pay: "Pay for them",
    paying: "Payment in progress…",
    paid: "Paid. Thank you!",
    cancelled: "Your friend took this request back.",
    expired: "This link has expired: the order was not paid in time.",
    refunded: "This order was refunded: the money went back to whoever paid.",
    own: "This is your own request: send the link to a friend and wait for them to pay.",
    own_orders: "My orders",
    already_paid: "This order is paid already; there is nothing to pay.",
    private: "For privacy, the address and phone are not shown here.",
    browse: "Browse",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}

/// `/pay/{token}`, in a wasm chunk of its own.
#[wasm_split(pay_link, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn pay_link_page(token: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <PayLinkPage token /> }.into_any())
}

#[component]
fn PayLinkPage(token: String) -> impl IntoView {
    let i18n = use_i18n();
    let clock = provide_clock();
    let token = StoredValue::new(token);
    let link = fetch::<PayLink>(move || path::pay_link(&token.get_value()));
    let refetch = move || {
        let lang = i18n.lang.get_untracked();
        spawn_scoped(async move {
            if let Ok(fresh) = get_json::<PayLink>(&path::pay_link(&token.get_value()), lang).await
            {
                link.state.set(State::Ready(fresh));
            }
        });
    };
    // A slow payment is asked about until it is decided (a guest has no live events).
    Effect::new(move |_| {
        let paying = link.state.with(|s| match s {
            State::Ready(l) => {
                clock.sync_at(&l.server_time, link.received_at());
                l.state == PayLinkState::Paying
            }
            _ => false,
        });
        if paying {
            spawn_scoped(async move {
                sleep(PAYING_POLL_MS).await;
                refetch();
            });
        }
    });
    loaded(link, move |l| {
        let w = words(i18n.lang.get_untracked());
        set_head(
            &page_title(
                &fill(w.asks, "name", &l.requester.name),
                i18n.t_untracked().app_name,
            ),
            &l.note,
        );
        view! { <LinkView link=l state=link.state on_end=move || refetch() /> }
    })
}

fn pay_error(w: &Words, lang: Lang, error: &ClientError) -> &'static str {
    let own_words = |code| match code {
        ErrorCode::AlreadyPaid => Some(w.already_paid),
        ErrorCode::PayLinkCancelled => Some(w.cancelled),
        ErrorCode::PayLinkExpired => Some(w.expired),
        ErrorCode::OwnPayLink => Some(w.own),
        _ => None,
    };
    error
        .code()
        .and_then(own_words)
        .unwrap_or_else(|| purchase_error(lang.strings(), error))
}

#[component]
fn LinkView(
    link: PayLink,
    state: RwSignal<State<PayLink>>,
    #[prop(into)] on_end: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let w = move || words(i18n.lang.get());
    let error = RwSignal::new(None::<&'static str>);
    let pending = RwSignal::new(false);
    // One key per attempt: a retry of the same tap is the same payment.
    let key = StoredValue::new(idempotency_key());
    let token = StoredValue::new(link.token.clone());
    let pay = move |outcome: TestPayment| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        let token = token.get_value();
        spawn(async move {
            let path = format!("/pay-links/{token}/pay");
            let result =
                write_once::<PayLink>(&path, lang, &Pay { outcome }, &key.get_value()).await;
            if !matches!(result, Err(ClientError::Network | ClientError::Timeout)) {
                key.set_value(idempotency_key());
            }
            match result {
                Ok(fresh) => state.set(State::Ready(fresh)),
                Err(e) => {
                    error.set(Some(pay_error(words(lang), lang, &e)));
                    if let Ok(fresh) = get_json::<PayLink>(&path::pay_link(&token), lang).await {
                        state.set(State::Ready(fresh));
                    }
                }
            }
            pending.set(false);
        });
    };
    let deadline = link.expires_at.as_deref().and_then(parse_time);
    let standing = link.state;
    let own = link.own;
    let name = link.requester.name.clone();
    view! {
        <article class="pay-link-page">
            <header class="pay-link-head">
                <Avatar author=link.requester.clone() />
                <h1>{move || fill(w().asks, "name", &name)}</h1>
            </header>
            {(!link.note.is_empty()).then(|| view! { <blockquote class="pay-link-note">{link.note.clone()}</blockquote> })}
            <ul class="card pay-link-lines">
                {link
                    .lines
                    .iter()
                    .map(|l| {
                        view! {
                            <li>
                                <a href=href(Route::Product(l.product.id)) class="pay-link-product">
                                    <Img image=l.product.image.clone() class="pay-link-thumb" sizes="64px" eager=true />
                                    <span>{l.product.title.clone()} " × " {l.quantity}</span>
                                </a>
                                <span>{format_money(&l.subtotal)}</span>
                            </li>
                        }
                    })
                    .collect_view()}
                <li class="cart-total">
                    <span>{move || w().total}</span>
                    <strong class="pay-link-total">{format_money(&link.total)}</strong>
                </li>
            </ul>
            <p class="muted small">{move || w().private}</p>
            {match standing {
                PayLinkState::Open if own => view! {
                    <p role="status">{move || w().own}</p>
                    <a class="button button-quiet" href=href(Route::Orders)>{move || w().own_orders}</a>
                }
                .into_any(),
                PayLinkState::Open => view! {
                    {deadline.map(|deadline| view! {
                        <p class="hold">{move || w().pay_within} " " <Countdown deadline on_end /></p>
                    })}
                    <section class="card test-payment" aria-labelledby="test-payment-title">
                        <h2 id="test-payment-title">{move || i18n.t().test_payment_title}</h2>
                        <p class="muted">{move || i18n.t().test_payment_body}</p>
                        <div class="test-payment-buttons">
                            <button class="button" disabled=move || pending.get()
                                on:click=move |_| pay(TestPayment::Approve)>
                                {move || w().pay}
                            </button>
                            <button class="button button-quiet" disabled=move || pending.get()
                                on:click=move |_| pay(TestPayment::Decline)>
                                {move || i18n.t().pay_decline}
                            </button>
                            <button class="button button-quiet" disabled=move || pending.get()
                                on:click=move |_| pay(TestPayment::Slow)>
                                {move || i18n.t().pay_slow}
                            </button>
                        </div>
                    </section>
                }
                .into_any(),
                PayLinkState::Paying => view! {
                    <p class="muted" role="status"><span class="spinner"></span>{move || w().paying}</p>
                }
                .into_any(),
                done => {
                    let said = move || {
                        let w = w();
                        match done {
                            PayLinkState::Paid => w.paid,
                            PayLinkState::Cancelled => w.cancelled,
                            PayLinkState::Refunded => w.refunded,
                            _ => w.expired,
                        }
                    };
                    view! {
                        <p class="pay-link-done" role="status">{said}</p>
                        <a class="button" href=href(Route::Feed)>{move || w().browse}</a>
                    }
                    .into_any()
                }
            }}
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </article>
    }
}
