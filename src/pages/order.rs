//! One of a member's orders (`/me/orders/{id}`): its state, what it holds and for how
//! long (the order; a group order its seat too), the payment, and buying again once it
//! has ended. The reference server pays through a test provider, and the page says so: the
//! member picks how the "payment" goes.

use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{
    href, href_with, ErrorCode, Fulfilment, Order, OrderKind, OrderPayLink, OrderStatus, Pay,
    PayLinkState, PaymentState, Reorder, Route, Shipment, TestPayment,
};

use crate::client::{get_json, idempotency_key, js_object, write_json, write_once, ClientError};
use crate::components::gate::members_only;
use crate::components::order_status::status_label;
use crate::components::share::ShareButton;
use crate::i18n::{fill, use_i18n, Lang};
use crate::state::cart::{refresh, use_cart};
use crate::state::events::use_events;
use crate::state::router::use_nav;
use crate::task::{sleep, spawn, spawn_scoped};
use crate::ui::countdown::{parse_time, provide_clock, Countdown};
use crate::ui::form::{form_error, purchase_error};
use crate::ui::head::{page_title, set_head};
use crate::ui::price::format_money;
use crate::ui::qr::qr_image;
use crate::ui::remote::{fetch, loaded, State};
use crate::ui::time::day;

/// While a payment is processing, the page asks again this often.
const PROCESSING_POLL_MS: u32 = 2_000;

/// `/me/orders/{id}`, in a wasm chunk of its own.
#[wasm_split(order, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn order_page(id: i64) -> Result<AnyView, SplitLoaderError> {
    Ok(members_only(href(Route::Order(id)), move || {
        view! { <OrderPage id /> }.into_any()
    })
    .into_any())
}

#[component]
fn OrderPage(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let clock = provide_clock();
    let order = fetch::<Order>(move || format!("/orders/{id}"));
    // Outlives the order's view, which is drawn again with each new answer.
    let error = RwSignal::new(None::<&'static str>);
    // Asks again quietly (the page stays as it is until the answer).
    let polls = Trigger::new();
    let refetch = move || {
        let lang = i18n.lang.get_untracked();
        spawn_scoped(async move {
            if let Ok(fresh) = get_json::<Order>(&format!("/orders/{id}"), lang).await {
                order.state.set(State::Ready(fresh));
            } else {
                // A failed ask is asked again, or "processing" would stay forever.
                polls.notify();
            }
        });
    };
    // The member's live events say when the order changes (a friend paid it, a slow
    // payment was answered); on connecting, what was missed is read again.
    let events = use_events();
    events.refresh_on(events.order, id, refetch);
    // A processing payment is asked about again until the provider has answered, while no
    // live event can say so.
    Effect::new(move |_| {
        polls.track();
        let processing = order.state.with(|s| match s {
            State::Ready(o) => {
                clock.sync(&o.server_time);
                o.payment == PaymentState::Processing
            }
            _ => false,
        });
        if processing && !events.live.get_untracked() {
            spawn_scoped(async move {
                sleep(PROCESSING_POLL_MS).await;
                refetch();
            });
        }
    });
    // A payment approved while the page is open is news for a host app.
    Effect::new(move |was: Option<Option<PaymentState>>| {
        let now = order.state.with(|s| match s {
            State::Ready(o) => Some(o.payment),
            _ => None,
        });
        let approved_now = |p: Option<PaymentState>| p == Some(PaymentState::Approved);
        if approved_now(now) && was.flatten().is_some_and(|p| !approved_now(Some(p))) {
            order.state.with_untracked(|s| {
                if let State::Ready(o) = s {
                    tell_host_paid(o);
                }
            });
        }
        now.or(was.flatten())
    });
    Effect::new(move |_| {
        let t = i18n.t();
        set_head(&page_title(t.order_title, t.app_name), t.tagline);
    });
    view! {
        <section class="order-page">
            {loaded(
                order,
                move |o| view! { <OrderView order=o state=order.state error on_hold_end=move || refetch() /> },
            )}
        </section>
    }
}

/// `order_paid`, and `group_joined` when the payment secured a seat in a group.
fn tell_host_paid(order: &Order) {
    use crate::embed::{emit, Event};
    emit(Event::OrderPaid {
        order_id: order.id,
        total: &order.total,
        group_id: order.group_id,
    });
    if let Some(group_id) = order.group_id {
        emit(Event::GroupJoined {
            group_id,
            order_id: order.id,
        });
    }
}

#[component]
fn OrderView(
    order: Order,
    state: RwSignal<State<Order>>,
    error: RwSignal<Option<&'static str>>,
    /// The hold ran out: the server has let the seat go, the page asks what stands now.
    #[prop(into)]
    on_hold_end: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let status = order.status;
    let payable =
        status == OrderStatus::PendingPayment && order.payment != PaymentState::Processing;
    let hold = order.hold_until.as_deref().and_then(parse_time);
    let fulfilment = match (&order.fulfilment, &order.pickup_point) {
        (Fulfilment::Pickup { name, phone, .. }, Some(point)) => {
            let place = format!("{} · {} · {}", point.name, point.address, point.hours);
            if name.is_empty() {
                place
            } else {
                format!("{place} · {name} · {phone}")
            }
        }
        (
            Fulfilment::Delivery {
                name,
                phone,
                address,
            },
            _,
        ) => {
            format!("{name} · {phone} · {address}")
        }
        (Fulfilment::Pickup { point_id, .. }, None) => format!("#{point_id}"),
    };
    let kind = order.kind;
    let product = order.lines.first().map(|l| l.product.id);
    let ended = matches!(status, OrderStatus::Cancelled | OrderStatus::Refunded);
    let declined = status == OrderStatus::PendingPayment && order.payment == PaymentState::Declined;
    let fee = order.delivery_fee.clone();
    let pickup = order.fulfilment.is_pickup();
    view! {
        <h1>{move || fill(i18n.t().order_number, "n", &order.id.to_string())}</h1>
        <p class=format!("order-status status-{status:?}") role="status">
            {move || status_label(i18n.t(), status, pickup)}
        </p>
        {order.note.clone().map(|note| view! { <p class="order-note">{note}</p> })}
        {order
            .refund_reason
            .clone()
            .map(|reason| {
                view! {
                    <p class="order-note">{move || fill(i18n.t().refund_reason, "reason", &reason)}</p>
                }
            })}
        {order.pickup_code.clone().map(|code| view! { <PickupCode code /> })}
        {order.shipment.clone().map(|shipment| view! { <ShipmentView id=order.id shipment status state /> })}
        {order
            .completed_at
            .clone()
            .map(|at| {
                view! { <p class="muted">{move || fill(i18n.t().completed_on, "date", &day(&at))}</p> }
            })}
        <ul class="summary-lines card">
            {order
                .lines
                .iter()
                .map(|l| {
                    view! {
                        <li>
                            <a href=href(Route::Product(l.product.id))>
                                {l.product.title.clone()} " × " {l.quantity}
                            </a>
                            <span>{format_money(&l.subtotal)}</span>
                        </li>
                    }
                })
                .collect_view()}
            <li>
                <span>{move || i18n.t().delivery_fee}</span>
                <span>
                    {move || {
                        if fee.amount == 0 { i18n.t().free.to_owned() } else { format_money(&fee) }
                    }}
                </span>
            </li>
            <li class="cart-total">
                <span>{move || i18n.t().total}</span>
                <strong>{format_money(&order.total)}</strong>
            </li>
        </ul>
        <p class="muted">{fulfilment}</p>
        // A refunded group order (the group failed, or filled before a late payment): the
        // member may start a group of their own at the same price.
        {(ended && kind == OrderKind::Solo).then(|| view! { <BuyAgain id=order.id /> })}
        // A group order that ended unpaid: its product page, to start or join a group again.
        {(status == OrderStatus::Cancelled && kind != OrderKind::Solo)
            .then_some(product)
            .flatten()
            .map(|product| {
                view! {
                    <a class="button" href=href(Route::Product(product))>{move || i18n.t().buy_again}</a>
                }
            })}
        {(status == OrderStatus::Refunded && order.group_id.is_some())
            .then_some(product)
            .flatten()
            .map(|product| {
                view! {
                    <a class="button" href=href_with(Route::Checkout, &[("start", &product.to_string())])>
                        {move || i18n.t().start_new_group}
                    </a>
                }
            })}
        {order
            .group_id
            .map(|g| {
                view! {
                    <a class="button button-quiet" href=href(Route::GroupBuy(g))>
                        {move || i18n.t().see_group}
                    </a>
                }
            })}
        {(order.payment == PaymentState::Processing)
            .then(|| {
                view! {
                    <p class="muted" role="status">
                        <span class="spinner"></span>
                        {move || i18n.t().payment_processing}
                    </p>
                }
            })}
        // Stated while it runs, a slow payment and a declined try included: only a group
        // order holds a seat.
        {(status == OrderStatus::PendingPayment)
            .then_some(hold)
            .flatten()
            .map(|deadline| {
                let held = move || {
                    let t = i18n.t();
                    if kind == OrderKind::Solo { t.order_held_for } else { t.seat_held_for }
                };
                view! {
                    <p class="hold">
                        {held} " " <Countdown deadline on_end=on_hold_end />
                        {move || i18n.t().hold_then_cancel}
                    </p>
                }
            })}
        {(declined && error.get_untracked().is_none())
            .then(|| view! { <p class="order-note" role="status">{move || i18n.t().error_payment_declined}</p> })}
        {payable.then(|| view! { <TestPaymentPanel id=order.id state error /> })}
        {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        {(payable || order.pay_link.is_some())
            .then(|| view! { <PayForMe id=order.id link=order.pay_link.clone() payable state /> })}
    }
}

/// The pay-for-me panel's words (this pack's own).
struct PayWords {
    title: &'static str,
    explain: &'static str,
    note_label: &'static str,
    note_hint: &'static str,
    make: &'static str,
    waiting: &'static str,
    share: &'static str,
    cancel: &'static str,
    paid: &'static str,
    failed: &'static str,
}

const PAY_ZH: PayWords = PayWords {
    title: "找人代付",
    explain: "把代付链接发给朋友或家人，对方打开即可为你付款；链接只显示商品、金额和留言，不显示收货地址和电话。",
    note_label: "给朋友的留言（选填）",
    note_hint: "最多 100 字",
    make: "生成代付链接",
    waiting: "代付链接已生成，等待好友付款。",
    share: "发给好友代付",
    cancel: "取消代付",
    paid: "好友已为你付款。",
    failed: "操作没有成功，请稍后再试。",
};

const PAY_EN: PayWords = PayWords {
    title: "Ask a friend to pay",
    explain: "Send the link to a friend or family member, who pays for you from it. It shows the items, the total and your note; never your address or phone.",
    note_label: "A note for your friend (optional)",
    note_hint: "Up to 100 characters",
    make: "Make a pay-for-me link",
    waiting: "The link is ready: waiting for your friend to pay.",
    share: "Send to a friend",
    cancel: "Take the link back",
    paid: "A friend paid for you.",
    failed: "That did not work; try again shortly.",
};

fn pay_words(lang: Lang) -> &'static PayWords {
    match lang {
        Lang::ZhCn => &PAY_ZH,
        Lang::En => &PAY_EN,
    }
}

/// "找人代付": a link a friend pays the order through, with a note; shared like any page,
/// and taken back from here.
#[component]
fn PayForMe(
    id: i64,
    link: Option<OrderPayLink>,
    payable: bool,
    state: RwSignal<State<Order>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let w = move || pay_words(i18n.lang.get());
    let note = RwSignal::new(link.as_ref().map(|l| l.note.clone()).unwrap_or_default());
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let link_state = link.as_ref().map(|l| l.state);
    let open_token = link
        .filter(|l| l.state == PayLinkState::Open && payable)
        .map(|l| l.token);
    let write = move |method: Method| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failed.set(false);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let path = format!("/orders/{id}/pay-link");
            let done = match method {
                Method::DELETE => write_json::<Order>(method, &path, lang, None)
                    .await
                    .map(|_| ()),
                _ => {
                    let body = js_object(&[("note", note.get_untracked().into())]);
                    write_json::<OrderPayLink>(method, &path, lang, Some(&body))
                        .await
                        .map(|_| ())
                }
            };
            failed.set(done.is_err());
            if let Ok(order) = get_json::<Order>(&format!("/orders/{id}"), lang).await {
                state.set(State::Ready(order));
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card pay-for-me" aria-labelledby="pay-for-me-title">
            <h2 id="pay-for-me-title">{move || w().title}</h2>
            {match (link_state, open_token) {
                (Some(PayLinkState::Paid), _) => {
                    view! { <p role="status">{move || w().paid}</p> }.into_any()
                }
                (_, Some(token)) => view! {
                    <p role="status">{move || w().waiting}</p>
                    <ShareButton
                        path=href(Route::PayLink(token))
                        title=i18n.t_untracked().app_name.to_owned()
                        label=Signal::derive(move || w().share)
                    />
                    <button type="button" class="button button-quiet" disabled=move || busy.get()
                        on:click=move |_| write(Method::DELETE)>
                        {move || w().cancel}
                    </button>
                }
                .into_any(),
                _ if payable => view! {
                    <p class="muted">{move || w().explain}</p>
                    <label for="pay-note">{move || w().note_label}</label>
                    <textarea id="pay-note" rows="2" maxlength="100" placeholder=move || w().note_hint
                        prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    <button type="button" class="button button-quiet" disabled=move || busy.get()
                        on:click=move |_| write(Method::POST)>
                        {move || w().make}
                    </button>
                }
                .into_any(),
                _ => ().into_any(),
            }}
            {move || failed.get().then(|| view! { <p class="form-error" role="alert">{move || w().failed}</p> })}
        </section>
    }
}

/// The code to show at the pickup point, in digits and as a QR code the clerk can scan.
#[component]
fn PickupCode(code: String) -> impl IntoView {
    let i18n = use_i18n();
    let qr = qr_image(&code);
    view! {
        <section class="card pickup-code" aria-labelledby="pickup-code-title">
            <h2 id="pickup-code-title">{move || i18n.t().pickup_code}</h2>
            <p class="pickup-code-digits">{code.clone()}</p>
            {qr.map(|src| {
                view! {
                    <img class="pickup-code-qr" src=src width="180" height="180"
                        alt=move || format!("{} {}", i18n.t().pickup_code, code) />
                }
            })}
            <p class="muted">{move || i18n.t().pickup_code_hint}</p>
        </section>
    }
}

/// A shipped order's parcel, and "确认收货" while it is on its way.
#[component]
fn ShipmentView(
    id: i64,
    shipment: Shipment,
    status: OrderStatus,
    state: RwSignal<State<Order>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    let receive = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let path = format!("/orders/{id}/receipt");
            let answer = write_json::<Order>(Method::POST, &path, lang, None).await;
            busy.set(false);
            match answer {
                Ok(order) => state.set(State::Ready(order)),
                // Received meanwhile (another tab, or by itself): the order as it stands.
                Err(err)
                    if matches!(
                        err.code(),
                        Some(ErrorCode::AlreadyCompleted | ErrorCode::WrongOrderState)
                    ) =>
                {
                    if let Ok(order) = get_json::<Order>(&format!("/orders/{id}"), lang).await {
                        state.set(State::Ready(order));
                    }
                }
                Err(err) => error.set(Some(form_error(i18n.t(), &err))),
            }
        });
    };
    let Shipment {
        carrier,
        tracking_number,
        completes_at,
        ..
    } = shipment;
    view! {
        <section class="card shipment">
            <p>
                {move || {
                    fill(
                        &fill(i18n.t().shipped_with, "carrier", carrier.name()),
                        "n",
                        &tracking_number,
                    )
                }}
            </p>
            {(status == OrderStatus::Shipping)
                .then(|| {
                    view! {
                        <p class="muted">{move || fill(i18n.t().auto_receipt, "date", &day(&completes_at))}</p>
                        <button type="button" class="button" on:click=receive disabled=move || busy.get()>
                            {move || i18n.t().confirm_receipt}
                        </button>
                    }
                })}
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </section>
    }
}

/// "重新购买": the order's lines back into the cart, then the cart; what is sold out is
/// named here instead, with the way to the cart.
#[component]
fn BuyAgain(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let nav = use_nav();
    let cart = use_cart();
    let pending = RwSignal::new(false);
    // The products that could not go back, or why it failed.
    let outcome = RwSignal::new(None::<Result<Vec<String>, &'static str>>);
    let buy = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let path = format!("/orders/{id}/reorder");
            match write_json::<Reorder>(Method::POST, &path, lang, None).await {
                Ok(answer) => {
                    refresh(cart, lang);
                    if answer.unavailable.is_empty() {
                        nav.go(&href(Route::Cart));
                    } else {
                        let titles = answer.unavailable.into_iter().map(|p| p.title).collect();
                        outcome.set(Some(Ok(titles)));
                    }
                }
                Err(e) => outcome.set(Some(Err(form_error(lang.strings(), &e)))),
            }
            pending.set(false);
        });
    };
    view! {
        <button class="button" disabled=move || pending.get() on:click=buy>
            {move || i18n.t().buy_again}
        </button>
        {move || match outcome.get() {
            Some(Ok(titles)) => view! {
                <p class="order-note" role="status">
                    {move || i18n.t().back_in_cart} " "
                    {fill(i18n.t_untracked().sold_out_not_back, "names", &titles.join("、"))} " "
                    <a href=href(Route::Cart)>{move || i18n.t().go_to_cart}</a>
                </p>
            }
                .into_any(),
            Some(Err(message)) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
            None => ().into_any(),
        }}
    }
}

/// The test provider's three answers. Clearly not a real payment: the heading says so.
#[component]
fn TestPaymentPanel(
    id: i64,
    state: RwSignal<State<Order>>,
    error: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let nav = use_nav();
    let pending = RwSignal::new(false);
    // One key per attempt: a retry of the same tap is the same payment.
    let key = StoredValue::new(idempotency_key());
    let pay = move |outcome: TestPayment| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let path = format!("/orders/{id}/pay");
            let result = write_once::<Order>(&path, lang, &Pay { outcome }, &key.get_value()).await;
            // Answered, this attempt is over: another tap is another attempt. Lost on the
            // way, a tap again is the same attempt and gets its first answer.
            if !matches!(result, Err(ClientError::Network | ClientError::Timeout)) {
                key.set_value(idempotency_key());
            }
            match result {
                Ok(order) => {
                    // Paid, its products have left the cart.
                    refresh(cart, lang);
                    match (order.status, order.group_id) {
                        // A seat paid in an open group: what is left to do is to fill it,
                        // so the group's page, with its invitation first.
                        (OrderStatus::AwaitingGroup, Some(group)) => {
                            // Told here: the page that would tell it on the change is left.
                            tell_host_paid(&order);
                            nav.go(&href(Route::GroupBuy(group)));
                        }
                        _ => state.set(State::Ready(order)),
                    }
                }
                Err(e) => {
                    error.set(Some(purchase_error(lang.strings(), &e)));
                    if let Ok(order) = get_json::<Order>(&format!("/orders/{id}"), lang).await {
                        state.set(State::Ready(order));
                    }
                }
            }
            pending.set(false);
        });
    };
    view! {
        <section class="card test-payment" aria-labelledby="test-payment-title">
            <h2 id="test-payment-title">{move || i18n.t().test_payment_title}</h2>
            <p class="muted">{move || i18n.t().test_payment_body}</p>
            <div class="test-payment-buttons">
                <button class="button" disabled=move || pending.get() on:click=move |_| pay(TestPayment::Approve)>
                    {move || i18n.t().pay_approve}
                </button>
                <button class="button button-quiet" disabled=move || pending.get() on:click=move |_| pay(TestPayment::Decline)>
                    {move || i18n.t().pay_decline}
                </button>
                <button class="button button-quiet" disabled=move || pending.get() on:click=move |_| pay(TestPayment::Slow)>
                    {move || i18n.t().pay_slow}
                </button>
            </div>
        </section>
    }
}
