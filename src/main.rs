//! Quanzi (圈子): the community storefront's single-page app. Mount only.

mod account;
mod app;
mod browser;
mod cart;
mod checkout;
mod client;
mod community;
mod embed;
mod feed;
mod group_buy;
mod i18n;
mod order;
mod post;
mod product;
mod referral;
mod router;
mod share;
mod task;
mod ui;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
