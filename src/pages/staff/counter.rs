//! `/staff/pickup`: a clerk at a pickup point's counter, on a phone. The shopper shows their
//! 6-digit code (or its QR code, which holds the same digits); the clerk types it and the
//! order is handed over, or the page says in words why not (a wrong code, one used
//! already, one of another point, too many wrong tries).

use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{check, href, Handover, Route, StaffMe, StaffOrder};

use super::{staff_only, use_words, OrderSummary};
use crate::client::write_json;
use crate::i18n::{fill, use_i18n};
use crate::task::spawn;
use crate::ui::form::focus_element;
use crate::ui::head::{page_title, set_head};
use crate::ui::remote::{fetch, loaded};
use crate::ui::states::Empty;

/// `/staff/pickup`, in a wasm chunk of its own.
#[wasm_split(staff_pickup, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn staff_pickup_page() -> Result<AnyView, SplitLoaderError> {
    Ok(staff_only(Route::StaffPickup, || view! { <Counter /> }.into_any()).into_any())
}

#[component]
fn Counter() -> impl IntoView {
    let i18n = use_i18n();
    let w = use_words();
    let me = fetch::<StaffMe>(|| "/staff/me".to_owned());
    Effect::new(move |_| set_head(&page_title(w().counter, i18n.t().app_name), ""));
    view! {
        <section class="staff-page staff-counter">
            <h1>{move || w().counter}</h1>
            {loaded(me, move |me| {
                let Some(first) = me.points.first().map(|p| p.id) else {
                    return view! { <Empty message=w().no_points /> }.into_any();
                };
                view! { <HandoverForm me first /> }.into_any()
            })}
            <a class="button button-quiet" href=href(Route::Staff)>{move || w().console}</a>
        </section>
    }
}

#[component]
fn HandoverForm(me: StaffMe, first: i64) -> impl IntoView {
    let i18n = use_i18n();
    let w = use_words();
    let point = RwSignal::new(first);
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let done = RwSignal::new(None::<StaffOrder>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        // Digits only: a space typed between groups is forgiven.
        let typed: String = code
            .get_untracked()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if check::pickup_code(&typed).is_err() {
            error.set(Some(w().error_code_wrong));
            focus_element("pickup-code");
            return;
        }
        busy.set(true);
        error.set(None);
        done.set(None);
        let (lang, point_id) = (i18n.lang.get_untracked(), point.get_untracked());
        spawn(async move {
            let body = Handover { code: typed };
            let path = format!("/staff/points/{point_id}/handover");
            let answer = write_json::<StaffOrder>(Method::POST, &path, lang, Some(&body)).await;
            busy.set(false);
            match answer {
                Ok(order) => {
                    code.set(String::new());
                    done.set(Some(order));
                }
                Err(err) => error.set(Some(w().error(i18n.t(), &err))),
            }
            focus_element("pickup-code");
        });
    };
    let several = me.points.len() > 1;
    let points = me.points.clone();
    view! {
        <form class="staff-form" on:submit=submit>
            {if several {
                view! {
                    <label for="pickup-point">{move || w().point}</label>
                    <select id="pickup-point" on:change=move |ev| {
                        if let Ok(id) = event_target_value(&ev).parse::<i64>() {
                            point.set(id);
                        }
                    }>
                        {points
                            .iter()
                            .map(|p| view! { <option value=p.id.to_string()>{p.name.clone()}</option> })
                            .collect_view()}
                    </select>
                }
                .into_any()
            } else {
                let name = points.first().map(|p| p.name.clone()).unwrap_or_default();
                view! { <p class="muted">{move || w().point} ": " {name.clone()}</p> }.into_any()
            }}
            <label for="pickup-code">{move || w().code}</label>
            <input id="pickup-code" class="pickup-code-input" inputmode="numeric"
                autocomplete="off" maxlength="7" pattern="[0-9 ]*"
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=move || code.get()
                on:input=move |ev| code.set(event_target_value(&ev)) />
            <button type="submit" class="button button-wide" disabled=move || busy.get()>
                {move || w().hand_over}
            </button>
        </form>
        {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        {move || {
            done.get()
                .map(|order| {
                    let n = order.order.id.to_string();
                    view! {
                        <section class="card staff-order" role="status">
                            <p class="staff-done">{move || fill(w().handed_over, "n", &n)}</p>
                            <OrderSummary order />
                        </section>
                    }
                })
        }}
    }
}
