//! One module per page. Each page but the feed is a wasm chunk of its own, entered through
//! a fallible `#[wasm_split]` function that `ui::lazy` awaits. Pages use components,
//! state, the client and ui; no page imports another.

pub mod account;
pub mod auth;
pub mod cart;
pub mod checkout;
pub mod communities;
pub mod community;
pub mod earnings;
pub mod feed;
pub mod group_buy;
pub mod notifications;
pub mod order;
pub mod orders;
pub mod pay_link;
pub mod post;
pub mod product;
pub mod shop;
pub mod staff;
