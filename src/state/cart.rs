//! The cart as the app keeps it: a guest's in this browser, a member's on the server (a
//! guest's joins it on sign-in), and the count the header shows. The page is in
//! `pages::cart`.

use gloo_net::http::Method;
use leptos::prelude::*;
use quanzi_api::{Cart, CartMerge, LineRequest, ProductCard, QUANTITY_MAX};
use serde::{Deserialize, Serialize};

use crate::browser::local_storage;
use crate::client::{get_json, write_json, BrowserJson, ClientError, JsonParser};
use crate::i18n::Lang;
use crate::state::session::Session;
use crate::task::spawn;
use crate::ui::form::form_error;

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

pub fn save_guest_lines(lines: &[GuestLine]) {
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

pub fn count_of(quantities: impl Iterator<Item = u32>) -> u32 {
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

pub async fn set_quantity(product_id: i64, quantity: u32, lang: Lang) -> Result<Cart, ClientError> {
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
