//! A member's orders (`/me/orders`), newest first, each with its state and total; of one
//! shelf with `?shelf=` (the shortcuts of `/me`).

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{href, Order, OrderShelf, Page, Route};

use crate::components::gate::members_only;
use crate::components::order_status::{shelf_label, status_label};
use crate::i18n::use_i18n;
use crate::state::router::use_nav;
use crate::ui::head::{page_title, set_head};
use crate::ui::price::format_money;
use crate::ui::remote::{fetch, loaded};
use crate::ui::states::Empty;

/// `/me/orders`, in a wasm chunk of its own.
#[wasm_split(orders, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn orders_page() -> Result<AnyView, SplitLoaderError> {
    Ok(members_only(href(Route::Orders), || view! { <OrdersPage /> }.into_any()).into_any())
}

#[component]
fn OrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let nav = use_nav();
    let shelf = Memo::new(move |_| nav.query_value("shelf").and_then(|s| OrderShelf::parse(&s)));
    Effect::new(move |_| {
        let t = i18n.t();
        set_head(&page_title(t.my_orders, t.app_name), t.tagline);
    });
    let orders = fetch::<Page<Order>>(move || match shelf.get() {
        Some(shelf) => format!("/orders?limit=50&shelf={}", shelf.as_str()),
        None => "/orders?limit=50".to_owned(),
    });
    view! {
        <section class="orders-page">
            <h1>
                {move || i18n.t().my_orders}
                {move || shelf.get().map(|s| format!(" · {}", shelf_label(i18n.t(), s)))}
            </h1>
            {move || shelf.get().map(|_| view! { <a href=href(Route::Orders)>{move || i18n.t().all}</a> })}
            {loaded(orders, move |page| {
                if page.items.is_empty() {
                    return view! { <Empty message=i18n.t_untracked().no_orders /> }.into_any();
                }
                view! {
                    <ul class="order-list">
                        {page
                            .items
                            .into_iter()
                            .map(|order| {
                                let status = order.status;
                                let title = order
                                    .lines
                                    .first()
                                    .map(|l| l.product.title.clone())
                                    .unwrap_or_default();
                                let pickup = order.fulfilment.is_pickup();
                                view! {
                                    <li>
                                        <a class="card order-row" href=href(Route::Order(order.id))>
                                            <span class="order-row-title">{title}</span>
                                            <span class=format!("order-status status-{status:?}")>
                                                {move || status_label(i18n.t(), status, pickup)}
                                            </span>
                                            <strong>{format_money(&order.total)}</strong>
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            })}
        </section>
    }
}
