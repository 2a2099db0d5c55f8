//! The cart. A guest's cart is kept in this browser; a member's is on the server, and a
//! guest's joins it on sign-in. The count in the header is all that loads with the feed;
//! the cart page is a chunk of its own.

use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{Cart, CartMerge, LineRequest, Money, ProductCard, QUANTITY_MAX};
use serde::{Deserialize, Serialize};

use crate::account::{form_error, sign_in_href, use_session, Session};
use crate::browser::local_storage;
use crate::client::{get_json, write_json, BrowserJson, JsonParser};
use crate::i18n::{use_i18n, Lang};
use crate::task::spawn;
use crate::ui::image::Img;
use crate::ui::price::format_money;
use crate::ui::states::Empty;

const STORAGE_KEY: &str = "quanzi.cart";

/// How many things are in the cart, for the header's badge.
#[derive(Clone, Copy)]
pub struct CartCount(pub RwSignal<u32>);

/// A guest's line, with the card as it was when added (prices are checked at checkout).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GuestLine {
    pub product: ProductCard,
    pub quantity: u32,
}

pub fn guest_lines() -> Vec<GuestLine> {
    local_storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|text| BrowserJson::parse::<Vec<GuestLine>>(&text))
        .unwrap_or_default()
}

fn save_guest_lines(lines: &[GuestLine]) {
    let Some(storage) = local_storage() else {
        return;
    };
    if lines.is_empty() {
        let _ = storage.remove_item(STORAGE_KEY);
        return;
    }
    let text = serde_wasm_bindgen::to_value(lines)
        .ok()
        .and_then(|value| js_sys::JSON::stringify(&value).ok())
        .and_then(|text| text.as_string());
    if let Some(text) = text {
        let _ = storage.set_item(STORAGE_KEY, &text);
    }
}

fn count_of(quantities: impl Iterator<Item = u32>) -> u32 {
    quantities.sum()
}

/// The header's count: the guest's lines now, the member's server cart once known.
pub fn provide_cart(session: Session, lang: RwSignal<Lang>) -> CartCount {
    let count = CartCount(RwSignal::new(count_of(
        guest_lines().iter().map(|l| l.quantity),
    )));
    provide_context(count);
    Effect::new(move |_| {
        if session.me.with(Option::is_some) {
            refresh(count, lang.get_untracked());
        }
    });
    count
}

pub fn use_cart() -> CartCount {
    expect_context()
}

/// Reloads the member's cart count from the server.
pub fn refresh(count: CartCount, lang: Lang) {
    spawn(async move {
        if let Ok(cart) = get_json::<Cart>("/cart", lang).await {
            count.0.set(count_of(cart.lines.iter().map(|l| l.quantity)));
        }
    });
}

/// Adds `quantity` of a product: to the server cart for a member, to this browser's for a
/// guest, and tells a host app. The error is the sentence to show.
pub async fn add_to_cart(
    session: Session,
    count: CartCount,
    product: ProductCard,
    quantity: u32,
    lang: Lang,
) -> Result<(), &'static str> {
    let product_id = product.id;
    let in_cart = add(session, product, quantity, lang).await?;
    count.0.set(in_cart);
    crate::embed::emit(crate::embed::Event::AddToCart {
        product_id,
        quantity,
    });
    Ok(())
}

/// Adds to the cart where it lives; how many things are in it now.
async fn add(
    session: Session,
    product: ProductCard,
    quantity: u32,
    lang: Lang,
) -> Result<u32, &'static str> {
    if session.me.with_untracked(Option::is_none) {
        let mut lines = guest_lines();
        match lines.iter_mut().find(|l| l.product.id == product.id) {
            Some(line) => line.quantity = (line.quantity + quantity).min(QUANTITY_MAX),
            None => lines.push(GuestLine { product, quantity }),
        }
        save_guest_lines(&lines);
        return Ok(count_of(lines.iter().map(|l| l.quantity)));
    }
    let t = lang.strings();
    let cart = get_json::<Cart>("/cart", lang)
        .await
        .map_err(|e| form_error(t, &e))?;
    let had = cart
        .lines
        .iter()
        .find(|l| l.product.id == product.id)
        .map_or(0, |l| l.quantity);
    let cart = set_quantity(product.id, (had + quantity).min(QUANTITY_MAX), lang)
        .await
        .map_err(|e| form_error(t, &e))?;
    Ok(count_of(cart.lines.iter().map(|l| l.quantity)))
}

async fn set_quantity(
    product_id: i64,
    quantity: u32,
    lang: Lang,
) -> Result<Cart, crate::client::ClientError> {
    let body = LineRequest {
        product_id,
        quantity,
    };
    let path = format!("/cart/items/{product_id}");
    write_json::<Cart>(Method::PUT, &path, lang, Some(&body)).await
}

/// After sign-in or sign-up: the guest's lines join the member's cart, then leave this
/// browser. Kept here if the server cannot take them now, for the next sign-in.
pub async fn merge_guest_cart(count: CartCount, lang: Lang) {
    let lines = guest_lines();
    // Nothing to bring: the count follows the session (`provide_cart`) without asking here.
    if lines.is_empty() {
        return;
    }
    let body = CartMerge {
        lines: lines
            .iter()
            .map(|l| LineRequest {
                product_id: l.product.id,
                quantity: l.quantity,
            })
            .collect(),
    };
    if let Ok(cart) = write_json::<Cart>(Method::POST, "/cart/merge", lang, Some(&body)).await {
        save_guest_lines(&[]);
        count.0.set(count_of(cart.lines.iter().map(|l| l.quantity)));
    }
}

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
        crate::ui::head::set_head(
            &crate::ui::head::page_title(i18n.t().cart_title, i18n.t().app_name),
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
                None => view! { <crate::ui::states::Skeleton cards=1 /> }.into_any(),
                Some((items, _)) if items.is_empty() => {
                    view! { <Empty message=i18n.t_untracked().cart_empty /> }.into_any()
                }
                Some((items, total)) => {
                    let checkout = if session.me.with_untracked(Option::is_some) {
                        "/checkout".to_owned()
                    } else {
                        sign_in_href("/checkout")
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
    view! {
        <li class="cart-line">
            <a href=format!("/p/{}", line.product.id) class="cart-line-image">
                <Img image=line.product.image.clone() />
            </a>
            <div class="cart-line-text">
                <a href=format!("/p/{}", line.product.id) class="cart-line-title">
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
