//! `/checkout`: what is bought (the cart, one product alone, a group to start, or a seat in
//! a group), how it reaches the member (delivery, or pickup with a contact), the delivery
//! fee and the total, and the order. Each field is checked by the api crate's rule as it is
//! left and again on submit, its message under it. The order is created with an
//! idempotency key made once per visit, so a retry after a lost answer never buys twice;
//! then the order page takes the payment. An empty cart has nothing to check out: the page
//! sends the member back to it.

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::order::{
    delivery_fee, ADDRESS_CHARS, DELIVERY_NAME_MAX_CHARS, FREE_DELIVERY_FROM, PHONE_MAX_CHARS,
    SHIPS_WITHIN_DAYS,
};
use quanzi_api::{
    check, href, path, Cart, Fulfilment, GroupBuy, LineRequest, Money, NewOrder, Order, OrderKind,
    Page, PickupPoint, Product, Purchase, Route,
};

use crate::client::{idempotency_key, write_once, ClientError};
use crate::i18n::{fill, use_i18n, Lang, Strings};
use crate::state::cart::{refresh, use_cart};
use crate::state::referral::kept_code;
use crate::state::router::use_nav;
use crate::state::session::{sign_in_href, use_session};
use crate::task::spawn;
use crate::ui::form::{focus_element, purchase_error, validate_all, Field, TextField};
use crate::ui::head::{page_title, set_head};
use crate::ui::price::format_money;
use crate::ui::remote::{fetch, loaded, State};
use crate::ui::states::{ErrorState, Skeleton};

/// `/checkout`, in a wasm chunk of its own.
#[wasm_split(checkout, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn checkout_page() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <CheckoutPage /> }.into_any())
}

/// What `?buy=` / `?start=` / `?join=` / nothing ask to buy.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Intent {
    Cart,
    /// One of a product at its solo price, the cart left as it is.
    Buy(i64),
    Start(i64),
    Join(i64),
    /// One unit of a product at its running flash sale's price.
    Flash(i64),
}

impl Intent {
    /// The host app's `checkout_started`.
    fn started(self) -> crate::embed::Event<'static> {
        let (intent, product_id, group_id) = match self {
            Intent::Cart => ("cart", None, None),
            Intent::Buy(product) => ("buy", Some(product), None),
            Intent::Start(product) => ("start", Some(product), None),
            Intent::Join(group) => ("join", None, Some(group)),
            Intent::Flash(product) => ("flash", Some(product), None),
        };
        crate::embed::Event::CheckoutStarted {
            intent,
            product_id,
            group_id,
        }
    }
}

/// The flash sale's line: one unit at its price, or nothing when no sale runs.
fn flash_summary(lang: Lang, product: Product) -> Summary {
    let zh = lang == Lang::ZhCn;
    match product.flash_sale {
        Some(sale) => Summary {
            kind: OrderKind::Solo,
            items: vec![(product.title, 1, sale.price.clone())],
            total: sale.price,
            note: Some(
                if zh {
                    "秒杀价，每单 1 件"
                } else {
                    "Flash price, one unit per order"
                }
                .to_owned(),
            ),
            order_lines: Vec::new(),
        },
        None => Summary {
            kind: OrderKind::Solo,
            items: Vec::new(),
            total: product.solo_price,
            note: Some(lang.strings().error_flash_ended.to_owned()),
            order_lines: Vec::new(),
        },
    }
}

/// What a refused order says: the form's own codes, then the purchase rules.
fn order_error(lang: Lang, error: &ClientError) -> &'static str {
    use quanzi_api::ErrorCode::*;
    let t = lang.strings();
    match error.code() {
        Some(BadFulfilment) => t.error_fulfilment,
        Some(EmptyCart) => t.cart_empty,
        Some(NoGroupOffer) => t.error_no_group_offer,
        _ => purchase_error(t, error),
    }
}

#[component]
fn CheckoutPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let nav = use_nav();
    let id_of = |name: &str| {
        nav.query_value(name)
            .and_then(|v| quanzi_api::params::parse_id(&v))
    };
    let intent = match (id_of("buy"), id_of("start"), id_of("join"), id_of("flash")) {
        (Some(product), _, _, _) => Intent::Buy(product),
        (None, Some(product), _, _) => Intent::Start(product),
        (None, None, Some(group), _) => Intent::Join(group),
        (None, None, None, Some(product)) => Intent::Flash(product),
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
    kind: OrderKind,
    /// Title, quantity, subtotal.
    items: Vec<(String, u32, Money)>,
    /// What the items cost, before delivery.
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
        kind: OrderKind::Solo,
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

fn group_line(kind: OrderKind, title: String, price: Money, note: String) -> Summary {
    Summary {
        kind,
        items: vec![(title, 1, price.clone())],
        total: price,
        note: Some(note),
        order_lines: Vec::new(),
    }
}

/// One of a product, alone: the same order as a cart of one line.
fn buy_summary(product: Product) -> Summary {
    Summary {
        kind: OrderKind::Solo,
        items: vec![(product.title, 1, product.solo_price.clone())],
        order_lines: vec![LineRequest {
            product_id: product.id,
            quantity: 1,
        }],
        total: product.solo_price,
        note: None,
    }
}

fn start_summary(t: &'static Strings, product: Product) -> Summary {
    match product.group_offer {
        Some(offer) => group_line(
            OrderKind::StartGroup,
            product.title,
            offer.price,
            fill(t.start_group_note, "n", &offer.size.to_string()),
        ),
        // Nothing to start: the order would be refused, so nothing is offered.
        None => Summary {
            kind: OrderKind::StartGroup,
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
        OrderKind::JoinGroup,
        group.product.title,
        group.price,
        fill(t.join_group_note, "name", &group.leader.name),
    )
}

fn phone_ok(raw: &str) -> bool {
    check::phone(raw).is_ok()
}

fn name_ok(raw: &str) -> bool {
    check::recipient(raw).is_ok()
}

fn address_ok(raw: &str) -> bool {
    check::address(raw).is_ok()
}

/// The fee line: the amount, or "free"; with the rule beside it.
fn fee_text(t: &'static Strings, fee: &Money) -> String {
    if fee.amount == 0 {
        t.free.to_owned()
    } else {
        format_money(fee)
    }
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
    let point_missing = RwSignal::new(false);
    // One name and phone for both ways: switching keeps what was typed.
    let name = Field::new("checkout-name", name_ok, |t| t.error_recipient);
    let phone = Field::new("checkout-phone", phone_ok, |t| t.error_phone);
    let address = Field::new("checkout-address", address_ok, |t| t.error_address);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let points = fetch::<Page<PickupPoint>>(|| "/pickup-points".to_owned());
    // What is bought, as the server prices it now, and the cart's lines to order.
    let summary = RwSignal::new(State::<Summary>::Loading);
    let retry = StoredValue::new(None::<Callback<()>>);
    // The running flash sale a flash order is placed in.
    let flash_sale = StoredValue::new(None::<i64>);
    match intent {
        Intent::Cart => {
            let cart = fetch::<Cart>(|| "/cart".to_owned());
            retry.set_value(Some(Callback::new(move |()| cart.retry())));
            Effect::new(move |_| {
                let state = map_state(cart.state.get(), cart_summary);
                // Nothing to check out: back to the (empty) cart, which says so.
                if matches!(&state, State::Ready(s) if s.items.is_empty()) {
                    nav.replace(&href(Route::Cart));
                }
                summary.set(state);
            });
        }
        Intent::Buy(id) => {
            let product = fetch::<Product>(move || path::product(id));
            retry.set_value(Some(Callback::new(move |()| product.retry())));
            Effect::new(move |_| summary.set(map_state(product.state.get(), buy_summary)));
        }
        Intent::Start(id) => {
            let product = fetch::<Product>(move || path::product(id));
            retry.set_value(Some(Callback::new(move |()| product.retry())));
            Effect::new(move |_| {
                let t = i18n.t();
                summary.set(map_state(product.state.get(), |p| start_summary(t, p)));
            });
        }
        Intent::Flash(id) => {
            let product = fetch::<Product>(move || path::product(id));
            retry.set_value(Some(Callback::new(move |()| product.retry())));
            Effect::new(move |_| {
                let state = product.state.get();
                if let State::Ready(p) = &state {
                    flash_sale.set_value(p.flash_sale.as_ref().map(|s| s.id));
                }
                summary.set(map_state(state, |p| flash_summary(i18n.lang.get(), p)));
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
    // The first point is chosen for the member once the points are there.
    Effect::new(move |_| {
        if let State::Ready(list) = points.state.get() {
            if point.get_untracked().is_none() {
                point.set(list.items.first().map(|p| p.id));
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let picked_up = pickup.get_untracked();
        let fields: &[Field] = if picked_up {
            &[name, phone]
        } else {
            &[name, phone, address]
        };
        if !validate_all(fields) {
            error.set(None);
            return;
        }
        let fulfilment = if picked_up {
            match point.get_untracked() {
                Some(point_id) => Fulfilment::Pickup {
                    point_id,
                    name: name.text(),
                    phone: phone.text(),
                },
                None => {
                    point_missing.set(true);
                    focus_element("pickup-points");
                    return;
                }
            }
        } else {
            Fulfilment::Delivery {
                name: name.text(),
                phone: phone.text(),
                address: address.text(),
            }
        };
        let purchase = match intent {
            Intent::Cart | Intent::Buy(_) => Purchase::Solo {
                lines: summary.with_untracked(|s| match s {
                    State::Ready(s) => s.order_lines.clone(),
                    _ => Vec::new(),
                }),
            },
            Intent::Start(product_id) => Purchase::StartGroup { product_id },
            Intent::Join(group_id) => Purchase::JoinGroup { group_id },
            Intent::Flash(_) => match flash_sale.get_value() {
                Some(flash_sale_id) => Purchase::Flash {
                    flash_sale_id,
                    quantity: 1,
                },
                // No sale runs (it ended while the page was open).
                None => {
                    let lang = i18n.lang.get_untracked();
                    error.set(Some(lang.strings().error_flash_ended));
                    return;
                }
            },
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
                Ok(order) => nav.go(&href(Route::Order(order.id))),
                Err(e) => {
                    // Lost on the way, the order may exist: a retry keeps the key and gets
                    // the first answer. Refused, it does not: the next try is a new order.
                    if matches!(e, ClientError::Http { .. }) {
                        key.set_value(idempotency_key());
                    }
                    error.set(Some(order_error(lang, &e)));
                }
            }
            // The cart may have changed meanwhile (another tab); its badge follows.
            refresh(cart_count, lang);
            pending.set(false);
        });
    };
    let point_list = move || {
        loaded(points, move |list: Page<PickupPoint>| {
            let rows = list
                .items
                .into_iter()
                .map(|p| {
                    let id = p.id;
                    view! {
                        <label class="pickup-point">
                            <input
                                type="radio"
                                name="pickup-point"
                                prop:checked=move || point.get() == Some(id)
                                on:change=move |_| {
                                    point.set(Some(id));
                                    point_missing.set(false);
                                }
                            />
                            <span>
                                <strong>{p.name}</strong>
                                <span class="muted">{p.address}</span>
                                <span class="muted">{p.hours}</span>
                            </span>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <div id="pickup-points" tabindex="-1" role="radiogroup" aria-label=move || i18n.t().pickup>
                    {rows}
                </div>
                {move || point_missing.get().then(|| view! { <p class="field-error">{move || i18n.t().error_pick_point}</p> })}
            }
        })
    };
    // The delivery fee by the api crate's rule, as the server will charge it.
    let priced = move |s: &Summary| {
        let fee = delivery_fee(s.kind, !pickup.get(), s.total.amount);
        let fee = Money {
            amount: fee,
            currency: s.total.currency.clone(),
        };
        let total = Money {
            amount: s.total.amount + fee.amount,
            currency: s.total.currency.clone(),
        };
        (fee, total)
    };
    view! {
        <form class="checkout" on:submit=submit novalidate=true>
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
                    State::Ready(s) => {
                        let ships = if s.kind == OrderKind::Solo {
                            |t: &'static Strings| t.ships_solo
                        } else {
                            |t: &'static Strings| t.ships_group
                        };
                        let items = s.total.clone();
                        let lines = s
                            .items
                            .iter()
                            .cloned()
                            .map(|(title, quantity, subtotal)| {
                                view! {
                                    <li>
                                        <span>{title} " × " {quantity}</span>
                                        <span>{format_money(&subtotal)}</span>
                                    </li>
                                }
                            })
                            .collect_view();
                        let for_fee = s.clone();
                        let for_total = s.clone();
                        view! {
                            <ul class="summary-lines">{lines}</ul>
                            {s.note.clone().map(|n| view! { <p class="muted">{n}</p> })}
                            <dl class="summary-totals">
                                <div>
                                    <dt>{move || i18n.t().subtotal}</dt>
                                    <dd>{format_money(&items)}</dd>
                                </div>
                                <div>
                                    <dt>{move || i18n.t().delivery_fee}</dt>
                                    <dd class="delivery-fee">{move || fee_text(i18n.t(), &priced(&for_fee).0)}</dd>
                                </div>
                            </dl>
                            <p class="muted summary-rule">
                                {move || {
                                    fill(
                                        i18n.t().delivery_rule,
                                        "amount",
                                        &format_money(&Money::cny(FREE_DELIVERY_FROM)),
                                    )
                                }}
                                " · "
                                {move || fill(ships(i18n.t()), "n", &SHIPS_WITHIN_DAYS.to_string())}
                            </p>
                            <p class="cart-total">
                                {move || i18n.t().total} " "
                                <strong>{move || format_money(&priced(&for_total).1)}</strong>
                            </p>
                        }
                            .into_any()
                    }
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
                {move || pickup.get().then(point_list)}
                {move || {
                    let label = if pickup.get() {
                        |t: &'static Strings| t.contact_name
                    } else {
                        |t: &'static Strings| t.recipient
                    };
                    view! {
                        <TextField field=name label autocomplete="name" maxlength=DELIVERY_NAME_MAX_CHARS />
                    }
                }}
                <TextField
                    field=phone
                    label=|t| t.phone
                    kind="tel"
                    autocomplete="tel"
                    maxlength=PHONE_MAX_CHARS
                />
                {move || {
                    if pickup.get() {
                        view! { <p class="muted">{move || i18n.t().pickup_contact_note}</p> }.into_any()
                    } else {
                        view! {
                            <TextField
                                field=address
                                label=|t| t.address
                                autocomplete="street-address"
                                maxlength=*ADDRESS_CHARS.end()
                                rows=2
                            />
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
