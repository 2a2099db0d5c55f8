//! `/cart`: the lines, their quantities and the total, and the way to checkout. A guest's
//! lines are this browser's; a member's are the server's (`state::cart`).

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{href, Cart, Money, ProductCard, Route, QUANTITY_MAX};

use crate::client::get_json;
use crate::i18n::use_i18n;
use crate::state::cart::{
    count_of, guest_lines, save_guest_lines, set_quantity, use_cart, GuestLine,
};
use crate::state::session::{sign_in_href, use_session};
use crate::task::spawn;
use crate::ui::form::form_error;
use crate::ui::head::{page_title, set_head};
use crate::ui::image::Img;
use crate::ui::price::format_money;
use crate::ui::states::{Empty, Skeleton};

/// `/cart`, in a wasm chunk of its own.
#[wasm_split(cart, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn cart_page() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <CartPage /> }.into_any())
}

/// One line as the page shows it, whoever keeps the cart.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    product: ProductCard,
    quantity: u32,
    subtotal: Money,
}

fn guest_view(lines: Vec<GuestLine>) -> (Vec<Line>, Money) {
    let mut total = 0;
    let lines = lines
        .into_iter()
        .map(|l| {
            let amount = l.product.solo_price.amount * i64::from(l.quantity);
            total += amount;
            Line {
                subtotal: Money {
                    amount,
                    currency: l.product.solo_price.currency.clone(),
                },
                product: l.product,
                quantity: l.quantity,
            }
        })
        .collect();
    let total = Money {
        amount: total,
        currency: "CNY".into(),
    };
    (lines, total)
}

fn member_view(cart: Cart) -> (Vec<Line>, Money) {
    let lines = cart
        .lines
        .into_iter()
        .map(|l| Line {
            product: l.product,
            quantity: l.quantity,
            subtotal: l.subtotal,
        })
        .collect();
    (lines, cart.total)
}

#[component]
fn CartPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let count = use_cart();
    // `None` while the member's cart loads.
    let lines = RwSignal::new(None::<(Vec<Line>, Money)>);
    let error = RwSignal::new(None::<&'static str>);
    let load = move || {
        let lang = i18n.lang.get_untracked();
        if session.me.with_untracked(Option::is_none) {
            lines.set(Some(guest_view(guest_lines())));
            return;
        }
        spawn(async move {
            match get_json::<Cart>("/cart", lang).await {
                Ok(cart) => lines.set(Some(member_view(cart))),
                Err(e) => error.set(Some(form_error(lang.strings(), &e))),
            }
        });
    };
    Effect::new(move |_| {
        set_head(
            &page_title(i18n.t().cart_title, i18n.t().app_name),
            i18n.t().tagline,
        );
        if session.checked.get() {
            session.me.track();
            load();
        }
    });
    let change = move |product: ProductCard, quantity: u32| {
        let lang = i18n.lang.get_untracked();
        error.set(None);
        if session.me.with_untracked(Option::is_none) {
            let mut kept = guest_lines();
            kept.retain(|l| l.product.id != product.id || quantity > 0);
            if let Some(line) = kept.iter_mut().find(|l| l.product.id == product.id) {
                line.quantity = quantity;
            }
            save_guest_lines(&kept);
            count.0.set(count_of(kept.iter().map(|l| l.quantity)));
            lines.set(Some(guest_view(kept)));
            return;
        }
        spawn(async move {
            match set_quantity(product.id, quantity, lang).await {
                Ok(cart) => {
                    count.0.set(count_of(cart.lines.iter().map(|l| l.quantity)));
                    lines.set(Some(member_view(cart)));
                }
                Err(e) => error.set(Some(form_error(lang.strings(), &e))),
            }
        });
    };
    view! {
        <section class="cart-page">
            <h1>{move || i18n.t().cart_title}</h1>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {move || match lines.get() {
                None => view! { <Skeleton cards=1 /> }.into_any(),
                Some((items, _)) if items.is_empty() => {
                    view! { <Empty message=i18n.t_untracked().cart_empty /> }.into_any()
                }
                Some((items, total)) => {
                    let checkout = if session.me.with_untracked(Option::is_some) {
                        href(Route::Checkout)
                    } else {
                        sign_in_href(&href(Route::Checkout))
                    };
                    view! {
                        <ul class="cart-lines">
                            {items
                                .into_iter()
                                .map(|line| view! { <CartRow line change /> })
                                .collect_view()}
                        </ul>
                        <p class="cart-total">
                            {move || i18n.t().total} " "
                            <strong>{format_money(&total)}</strong>
                        </p>
                        <a class="button button-wide" href=checkout>
                            {move || i18n.t().checkout}
                        </a>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn CartRow(
    line: Line,
    change: impl Fn(ProductCard, u32) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let quantity = line.quantity;
    let minus = line.product.clone();
    let plus = line.product.clone();
    let gone = line.product.clone();
    let product = href(Route::Product(line.product.id));
    view! {
        <li class="cart-line">
            <a href=product.clone() class="cart-line-image">
                <Img image=line.product.image.clone() sizes="64px" />
            </a>
            <div class="cart-line-text">
                <a href=product class="cart-line-title">
                    {line.product.title.clone()}
                </a>
                <span class="muted">{format_money(&line.product.solo_price)}</span>
                <div class="stepper" role="group" aria-label=move || i18n.t().quantity>
                    <button
                        aria-label=move || i18n.t().less
                        disabled={quantity <= 1}
                        on:click=move |_| change(minus.clone(), quantity - 1)
                    >
                        "−"
                    </button>
                    <span aria-live="polite">{quantity}</span>
                    <button
                        aria-label=move || i18n.t().more
                        disabled={quantity >= QUANTITY_MAX}
                        on:click=move |_| change(plus.clone(), quantity + 1)
                    >
                        "+"
                    </button>
                </div>
            </div>
            <div class="cart-line-end">
                <strong>{format_money(&line.subtotal)}</strong>
                <button class="link-button" on:click=move |_| change(gone.clone(), 0)>
                    {move || i18n.t().remove}
                </button>
            </div>
        </li>
    }
}
