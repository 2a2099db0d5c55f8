//! Quanzi (圈子): the community storefront's single-page app. Mount only. Rooms, top down:
//! `app` (layout and routes) → `pages` → `components` → `state` → `client`, `ui`, `i18n`.

mod app;
mod browser;
mod client;
mod components;
mod embed;
mod i18n;
mod pages;
mod state;
mod task;
mod ui;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
