//! `/checkout`: what is bought (the cart, a group to start, or a seat in a group), how it
//! reaches the member (delivery or pickup), the total, and the order. The order is created
//! with an idempotency key made once per visit, so a retry after a lost answer never buys
//! twice; then the order page takes the payment.

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::order::{ADDRESS_CHARS, DELIVERY_NAME_MAX_CHARS, PHONE_CHARS};
use quanzi_api::{
    href, path, Cart, Fulfilment, GroupBuy, LineRequest, Money, NewOrder, Order, Page, PickupPoint,
    Product, Purchase, Route,
};

use crate::client::{idempotency_key, write_once, ClientError};
use crate::i18n::{fill, use_i18n, Strings};
use crate::state::cart::{refresh, use_cart};
use crate::state::referral::kept_code;
use crate::state::router::use_nav;
use crate::state::session::{sign_in_href, use_session};
use crate::task::spawn;
use crate::ui::form::form_error;
use crate::ui::head::{page_title, set_head};
use crate::ui::price::format_money;
use crate::ui::remote::{fetch, loaded, State};
use crate::ui::states::{ErrorState, Skeleton};

/// `/checkout`, in a wasm chunk of its own.
#[wasm_split(checkout, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn checkout_page() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <CheckoutPage /> }.into_any())
}

/// What `?start=` / `?join=` / nothing ask to buy.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Intent {
    Cart,
    Start(i64),
    Join(i64),
}

impl Intent {
    /// The host app's `checkout_started`.
    fn started(self) -> crate::embed::Event<'static> {
        let (intent, product_id, group_id) = match self {
            Intent::Cart => ("cart", None, None),
            Intent::Start(product) => ("start", Some(product), None),
            Intent::Join(group) => ("join", None, Some(group)),
        };
        crate::embed::Event::CheckoutStarted {
            intent,
            product_id,
            group_id,
        }
    }
}

fn order_error(t: &'static Strings, error: &ClientError) -> &'static str {
    use quanzi_api::ErrorCode::*;
    match error.code() {
        Some(OutOfStock) => t.error_out_of_stock,
        Some(GroupFull) => t.error_group_full,
        Some(GroupExpired | GroupClosed) => t.error_group_closed,
        Some(AlreadyInGroup) => t.error_already_in_group,
        Some(BadFulfilment) => t.error_fulfilment,
        Some(EmptyCart) => t.cart_empty,
        Some(NoGroupOffer) => t.error_no_group_offer,
        _ => form_error(t, error),
    }
}

#[component]
fn CheckoutPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let nav = use_nav();
    let intent = match (
        nav.query_value("start").and_then(|v| v.parse().ok()),
        nav.query_value("join").and_then(|v| v.parse().ok()),
    ) {
        (Some(product), _) => Intent::Start(product),
        (None, Some(group)) => Intent::Join(group),
        _ => Intent::Cart,
    };
    Effect::new(move |_| {
        let t = i18n.t();
        set_head(&page_title(t.checkout, t.app_name), t.tagline);
    });
    move || {
        if !session.checked.get() {
            return view! { <Skeleton cards=1 /> }.into_any();
        }
        if session.me.with(Option::is_none) {
            let here = nav.href();
            return view! {
                <section class="state">
                    <h1>{move || i18n.t().checkout}</h1>
                    <p>{move || i18n.t().sign_in_to_order}</p>
                    <a class="button" href=sign_in_href(&here)>{move || i18n.t().sign_in}</a>
                </section>
            }
            .into_any();
        }
        view! { <Checkout intent /> }.into_any()
    }
}

/// What the page shows as bought, and (for the cart) the lines the order asks for.
#[derive(Clone, Debug, PartialEq)]
struct Summary {
    /// Title, quantity, subtotal.
    items: Vec<(String, u32, Money)>,
    total: Money,
    /// A sentence on the group to start or join.
    note: Option<String>,
    order_lines: Vec<LineRequest>,
}

fn map_state<T>(state: State<T>, f: impl FnOnce(T) -> Summary) -> State<Summary> {
    match state {
        State::Loading => State::Loading,
        State::Ready(value) => State::Ready(f(value)),
        State::Failed(error) => State::Failed(error),
    }
}

fn cart_summary(cart: Cart) -> Summary {
    Summary {
        items: cart
            .lines
            .iter()
            .map(|l| (l.product.title.clone(), l.quantity, l.subtotal.clone()))
            .collect(),
        order_lines: cart
            .lines
            .iter()
            .map(|l| LineRequest {
                product_id: l.product.id,
                quantity: l.quantity,
            })
            .collect(),
        total: cart.total,
        note: None,
    }
}

fn group_line(title: String, price: Money, note: String) -> Summary {
    Summary {
        items: vec![(title, 1, price.clone())],
        total: price,
        note: Some(note),
        order_lines: Vec::new(),
    }
}

fn start_summary(t: &'static Strings, product: Product) -> Summary {
    match product.group_offer {
        Some(offer) => group_line(
            product.title,
            offer.price,
            fill(t.start_group_note, "n", &offer.size.to_string()),
        ),
        // Nothing to start: the order would be refused, so nothing is offered.
        None => Summary {
            items: Vec::new(),
            total: product.solo_price,
            note: Some(t.error_no_group_offer.to_owned()),
            order_lines: Vec::new(),
        },
    }
}

/// The group's own price: what it charges was fixed when it started, whatever the
/// product's offer says today.
fn join_summary(t: &'static Strings, group: GroupBuy) -> Summary {
    group_line(
        group.product.title,
        group.price,
        fill(t.join_group_note, "name", &group.leader.name),
    )
}

#[component]
fn Checkout(intent: Intent) -> impl IntoView {
    // A member at the form: checkout has started (not a guest at the sign-in gate).
    crate::embed::emit(intent.started());
    let i18n = use_i18n();
    let cart_count = use_cart();
    let nav = use_nav();
    let key = StoredValue::new(idempotency_key());
    let pickup = RwSignal::new(false);
    let point = RwSignal::new(None::<i64>);
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let points = fetch::<Page<PickupPoint>>(|| "/pickup-points".to_owned());
    // What is bought, as the server prices it now, and the cart's lines to order.
    let summary = RwSignal::new(State::<Summary>::Loading);
    let retry = StoredValue::new(None::<Callback<()>>);
    match intent {
        Intent::Cart => {
            let cart = fetch::<Cart>(|| "/cart".to_owned());
            retry.set_value(Some(Callback::new(move |()| cart.retry())));
            Effect::new(move |_| summary.set(map_state(cart.state.get(), cart_summary)));
        }
        Intent::Start(id) => {
            let product = fetch::<Product>(move || path::product(id));
            retry.set_value(Some(Callback::new(move |()| product.retry())));
            Effect::new(move |_| {
                let t = i18n.t();
                summary.set(map_state(product.state.get(), |p| start_summary(t, p)));
            });
        }
        Intent::Join(id) => {
            let group = fetch::<GroupBuy>(move || path::group(id));
            retry.set_value(Some(Callback::new(move |()| group.retry())));
            Effect::new(move |_| {
                let t = i18n.t();
                summary.set(map_state(group.state.get(), |g| join_summary(t, g)));
            });
        }
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let t = i18n.t_untracked();
        let fulfilment = if pickup.get_untracked() {
            match point.get_untracked() {
                Some(point_id) => Fulfilment::Pickup { point_id },
                None => {
                    error.set(Some(t.error_pick_point));
                    return;
                }
            }
        } else {
            Fulfilment::Delivery {
                name: name.get_untracked().trim().to_owned(),
                phone: phone.get_untracked().trim().to_owned(),
                address: address.get_untracked().trim().to_owned(),
            }
        };
        let purchase = match intent {
            Intent::Cart => Purchase::Solo {
                lines: summary.with_untracked(|s| match s {
                    State::Ready(s) => s.order_lines.clone(),
                    _ => Vec::new(),
                }),
            },
            Intent::Start(product_id) => Purchase::StartGroup { product_id },
            Intent::Join(group_id) => Purchase::JoinGroup { group_id },
        };
        let body = NewOrder {
            purchase,
            fulfilment,
            referral_code: kept_code(),
        };
        pending.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            match write_once::<Order>("/orders", lang, &body, &key.get_value()).await {
                Ok(order) => {
                    // The ordered lines have left the cart on the server.
                    refresh(cart_count, lang);
                    nav.go(&href(Route::Order(order.id)));
                }
                Err(e) => {
                    // Lost on the way, the order may exist: a retry keeps the key and gets
                    // the first answer. Refused, it does not: the next try is a new order.
                    if matches!(e, ClientError::Http { .. }) {
                        key.set_value(idempotency_key());
                    }
                    error.set(Some(order_error(lang.strings(), &e)));
                }
            }
            pending.set(false);
        });
    };
    let point_list = move || {
        loaded(points, move |list: Page<PickupPoint>| {
            list.items
                .into_iter()
                .map(|p| {
                    let id = p.id;
                    view! {
                        <label class="pickup-point">
                            <input
                                type="radio"
                                name="pickup-point"
                                prop:checked=move || point.get() == Some(id)
                                on:change=move |_| point.set(Some(id))
                            />
                            <span>
                                <strong>{p.name}</strong>
                                <span class="muted">{p.address}</span>
                                <span class="muted">{p.hours}</span>
                            </span>
                        </label>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <form class="checkout" on:submit=submit>
            <h1>{move || i18n.t().checkout}</h1>
            <section class="card checkout-summary" aria-labelledby="summary-title">
                <h2 id="summary-title">{move || i18n.t().order_summary}</h2>
                {move || match summary.get() {
                    State::Loading => view! { <span class="spinner" role="status"></span> }.into_any(),
                    State::Failed(error) => view! {
                        <ErrorState error retry=move |_| {
                            if let Some(retry) = retry.get_value() {
                                retry.run(());
                            }
                        } />
                    }
                        .into_any(),
                    State::Ready(Summary { items, total, note, .. }) => view! {
                        <ul class="summary-lines">
                            {items
                                .into_iter()
                                .map(|(title, quantity, subtotal)| {
                                    view! {
                                        <li>
                                            <span>{title} " × " {quantity}</span>
                                            <span>{format_money(&subtotal)}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                        {note.map(|n| view! { <p class="muted">{n}</p> })}
                        <p class="cart-total">
                            {move || i18n.t().total} " " <strong>{format_money(&total)}</strong>
                        </p>
                    }
                        .into_any(),
                }}
            </section>
            <fieldset class="card fulfilment">
                <legend>{move || i18n.t().fulfilment}</legend>
                <div class="segmented">
                    <label>
                        <input
                            type="radio"
                            name="fulfilment"
                            prop:checked=move || !pickup.get()
                            on:change=move |_| pickup.set(false)
                        />
                        {move || i18n.t().delivery}
                    </label>
                    <label>
                        <input
                            type="radio"
                            name="fulfilment"
                            prop:checked=move || pickup.get()
                            on:change=move |_| pickup.set(true)
                        />
                        {move || i18n.t().pickup}
                    </label>
                </div>
                {move || {
                    if pickup.get() {
                        point_list().into_any()
                    } else {
                        view! {
                            <label>
                                {move || i18n.t().recipient}
                                <input
                                    autocomplete="name"
                                    maxlength=DELIVERY_NAME_MAX_CHARS
                                    prop:value=name
                                    on:input=move |ev| name.set(event_target_value(&ev))
                                />
                            </label>
                            <label>
                                {move || i18n.t().phone}
                                <input
                                    type="tel"
                                    autocomplete="tel"
                                    minlength=*PHONE_CHARS.start()
                                    maxlength=*PHONE_CHARS.end()
                                    prop:value=phone
                                    on:input=move |ev| phone.set(event_target_value(&ev))
                                />
                            </label>
                            <label>
                                {move || i18n.t().address}
                                <textarea
                                    rows="2"
                                    autocomplete="street-address"
                                    minlength=*ADDRESS_CHARS.start()
                                    maxlength=*ADDRESS_CHARS.end()
                                    prop:value=address
                                    on:input=move |ev| address.set(event_target_value(&ev))
                                ></textarea>
                            </label>
                        }
                            .into_any()
                    }
                }}
            </fieldset>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <button
                class="button button-wide"
                type="submit"
                disabled=move || {
                    pending.get() || !summary.with(|s| matches!(s, State::Ready(s) if !s.items.is_empty()))
                }
            >
                {move || i18n.t().place_order}
            </button>
        </form>
    }
}
