//! The store's staff pages: the console (`/staff`: orders by state, search, shipping,
//! readying for pickup, refunds, the audit log) and a pickup point's counter
//! (`/staff/pickup`: hand-over for the shopper's code), each a wasm pack of its own. A guest
//! is asked to sign in; a member who is not staff is told the page is not for them, and
//! nothing is asked of the staff API (the server refuses it anyway).

mod catalogue;
mod communities;
mod console;
mod counter;
mod flash_sales;
mod sharing;
mod words;

use leptos::prelude::*;
use quanzi_api::{href, Fulfilment, Route, StaffOrder};

use self::words::{words, Words};
use crate::components::gate::members_only;
use crate::components::order_status::status_label;
use crate::i18n::{fill, use_i18n};
use crate::state::session::use_session;
use crate::ui::head::{page_title, set_head};
use crate::ui::price::format_money;

pub use console::staff_page;
pub use counter::staff_pickup_page;

/// The page's words, following the language.
fn use_words() -> impl Fn() -> &'static Words + Copy {
    let i18n = use_i18n();
    move || words(i18n.lang.get())
}

/// Signed-in staff see `page`; a guest is asked to sign in, a member is refused.
fn staff_only(route: Route, page: impl Fn() -> AnyView + Send + Sync + 'static) -> impl IntoView {
    let title = use_words();
    members_only(href(route), move || {
        let session = use_session();
        let i18n = use_i18n();
        let w = title;
        if session
            .me
            .with(|me| me.as_ref().and_then(|m| m.staff).is_some())
        {
            return page();
        }
        Effect::new(move |_| set_head(&page_title(w().console, i18n.t().app_name), ""));
        view! {
            <section class="state">
                <h1>{move || w().console}</h1>
                <p>{move || w().staff_only}</p>
                <a class="button" href=href(Route::Feed)>{move || i18n.t().back_home}</a>
            </section>
        }
        .into_any()
    })
}

/// An order as staff read it: number and state, who bought what, where it goes.
#[component]
fn OrderSummary(order: StaffOrder) -> impl IntoView {
    let i18n = use_i18n();
    let w = use_words();
    let StaffOrder { order, buyer } = order;
    let (status, pickup) = (order.status, order.fulfilment.is_pickup());
    let place = match (&order.fulfilment, &order.pickup_point) {
        (
            Fulfilment::Delivery {
                name,
                phone,
                address,
            },
            _,
        ) => format!("{name} · {phone} · {address}"),
        (Fulfilment::Pickup { name, phone, .. }, Some(point)) => {
            format!("{} · {name} · {phone}", point.name)
        }
        (Fulfilment::Pickup { point_id, .. }, None) => format!("#{point_id}"),
    };
    view! {
        <header class="staff-order-head">
            <h2>{move || fill(i18n.t().order_number, "n", &order.id.to_string())}</h2>
            <span class=format!("order-status status-{status:?}")>
                {move || status_label(i18n.t(), status, pickup)}
            </span>
        </header>
        <p class="muted">{move || fill(w().buyer, "name", &buyer.name)}</p>
        <ul class="staff-order-lines">
            {order
                .lines
                .iter()
                .map(|l| view! { <li>{l.product.title.clone()} " × " {l.quantity}</li> })
                .collect_view()}
        </ul>
        <p>
            <strong>{format_money(&order.total)}</strong>
            " · "
            {place}
        </p>
        {order
            .shipment
            .map(|s| view! { <p class="muted">{s.carrier.name()} " · " {s.tracking_number}</p> })}
        {order
            .refund_reason
            .map(|reason| {
                view! { <p class="muted">{move || fill(i18n.t().refund_reason, "reason", &reason)}</p> }
            })}
    }
}
