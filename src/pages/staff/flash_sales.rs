//! Flash sales in the console (owners): scheduling one (a product, a price below its solo
//! price, a slot in the owner's local time, units and a limit per member), and the sales
//! coming, running and just ended, with how many asked to be reminded; one not over may be
//! called off. The server checks every field with its own code; a refused form keeps what
//! was typed. Its words live here, in the staff pack.

use gloo_net::http::Method;
use leptos::prelude::*;
use quanzi_api::{ErrorCode, Page, StaffFlashSale, StaffProductRow};
use wasm_bindgen::JsValue;

use super::catalogue::parse_yuan;
use crate::client::{js_object, write_json, ClientError};
use crate::i18n::{fill, use_i18n, Lang};
use crate::task::spawn;
use crate::ui::countdown::parse_time;
use crate::ui::form::form_error;
use crate::ui::price::format_money;
use crate::ui::remote::{fetch, loaded};
use crate::ui::states::Empty;

struct Words {
    title: &'static str,
    product: &'static str,
    price: &'static str,
    starts: &'static str,
    ends: &'static str,
    quantity: &'static str,
    per_member: &'static str,
    schedule: &'static str,
    scheduled: &'static str,
    none: &'static str,
    coming: &'static str,
    running: &'static str,
    ended: &'static str,
    cancelled: &'static str,
    call_off: &'static str,
    /// `{left}` of `{quantity}`, `{n}` reminders.
    standing: &'static str,
    error_price: &'static str,
    error_slot: &'static str,
    error_stock: &'static str,
    error_number: &'static str,
}

const ZH: Words = Words {
    title: "秒杀活动",
    product: "商品",
    price: "秒杀价（元）",
    starts: "开始时间",
    ends: "结束时间",
    quantity: "秒杀数量",
    per_member: "每人限购",
    schedule: "安排秒杀",
    scheduled: "已安排",
    none: "还没有秒杀活动。",
    coming: "未开始",
    running: "进行中",
    ended: "已结束",
    cancelled: "已取消",
    call_off: "取消活动",
    standing: "剩 {left}/{quantity} 件 · {n} 人设了提醒",
    error_price: "秒杀价要低于单买价。",
    error_slot: "时间段不成立：结束要晚于开始和现在，最长一周，且不能与该商品的其他秒杀重叠。",
    error_stock: "数量为 1 件起，不超过库存。",
    error_number: "请输入数字。",
};

const EN: Words = Words {
    title: "Flash sales",
    product: "Product",
    price: "Flash price (yuan)",
    starts: "Starts",
    ends: "Ends",
    quantity: "Units on sale",
    per_member: "Limit per member",
    schedule: "Schedule",
    scheduled: "Scheduled",
    none: "No flash sales yet.",
    coming: "Coming",
    running: "Running",
    ended: "Ended",
    cancelled: "Called off",
    call_off: "Call off",
    standing: "{left}/{quantity} left · {n} reminders",
    error_price: "A flash price is below the solo price.",
    error_slot: "The slot does not hold: it ends after it starts and after now, lasts a week at most, and overlaps no other sale of the product.",
    error_stock: "1 unit or more, at most the stock.",
    error_number: "Type a number.",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}

fn error(lang: Lang, err: &ClientError) -> &'static str {
    let w = words(lang);
    match err.code() {
        Some(ErrorCode::BadPrice) => w.error_price,
        Some(ErrorCode::BadFlashSlot) => w.error_slot,
        Some(ErrorCode::BadStock) => w.error_stock,
        _ => form_error(lang.strings(), err),
    }
}

/// A `datetime-local` value (the owner's local time) as RFC 3339 UTC; `None` when empty
/// or not a time.
fn local_to_rfc3339(value: &str) -> Option<String> {
    let date = js_sys::Date::new(&JsValue::from_str(value));
    if date.get_time().is_nan() {
        return None;
    }
    date.to_iso_string().as_string()
}

/// An RFC 3339 time as the owner reads it: their local date and time, to the minute.
fn local(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(rfc3339));
    let two = |n: u32| format!("{n:02}");
    format!(
        "{}-{}-{} {}:{}",
        date.get_full_year(),
        two(date.get_month() + 1),
        two(date.get_date()),
        two(date.get_hours()),
        two(date.get_minutes())
    )
}

/// The section, read when opened.
#[component]
pub fn FlashSales() -> impl IntoView {
    let i18n = use_i18n();
    let w = move || words(i18n.lang.get());
    let open = RwSignal::new(false);
    view! {
        <details class="card staff-audit" on:toggle=move |_| open.set(true)>
            <summary>{move || w().title}</summary>
            {move || open.get().then(|| view! { <Schedule /> })}
        </details>
    }
}

#[component]
fn Schedule() -> impl IntoView {
    let i18n = use_i18n();
    let w = move || words(i18n.lang.get());
    let products = fetch::<Page<StaffProductRow>>(|| "/staff/products".to_owned());
    let sales = fetch::<Vec<StaffFlashSale>>(|| "/staff/flash-sales".to_owned());
    let product = RwSignal::new(String::new());
    let price = RwSignal::new(String::new());
    let starts = RwSignal::new(String::new());
    let ends = RwSignal::new(String::new());
    let quantity = RwSignal::new("10".to_owned());
    let per_member = RwSignal::new("1".to_owned());
    let said = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let lang = i18n.lang.get_untracked();
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<f64>().ok();
        let (Some(product_id), Some(price), Some(quantity), Some(per_member)) = (
            number(product),
            parse_yuan(&price.get_untracked()),
            number(quantity),
            number(per_member),
        ) else {
            said.set(Some(words(lang).error_number));
            return;
        };
        let (Some(starts), Some(ends)) = (
            local_to_rfc3339(&starts.get_untracked()),
            local_to_rfc3339(&ends.get_untracked()),
        ) else {
            said.set(Some(words(lang).error_slot));
            return;
        };
        busy.set(true);
        spawn(async move {
            let body = js_object(&[
                ("product_id", JsValue::from_f64(product_id)),
                ("price", JsValue::from_f64(price as f64)),
                ("starts_at", starts.into()),
                ("ends_at", ends.into()),
                ("quantity", JsValue::from_f64(quantity)),
                ("per_member", JsValue::from_f64(per_member)),
            ]);
            let answer =
                write_json::<StaffFlashSale>(Method::POST, "/staff/flash-sales", lang, Some(&body))
                    .await;
            said.set(Some(match answer {
                Ok(_) => {
                    sales.retry();
                    words(lang).scheduled
                }
                Err(err) => error(lang, &err),
            }));
            busy.set(false);
        });
    };
    let field = move |id: &'static str,
                      label: fn(&Words) -> &'static str,
                      value: RwSignal<String>,
                      kind: &'static str| {
        view! {
            <label for=id>{move || label(w())}</label>
            <input id=id type=kind step="1" inputmode=if kind == "text" { "decimal" } else { "numeric" }
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        }
    };
    view! {
        <form class="staff-form flash-form" on:submit=submit>
            <label for="flash-product">{move || w().product}</label>
            {loaded(products, move |page| {
                if product.get_untracked().is_empty() {
                    if let Some(first) = page.items.first() {
                        product.set(first.card.id.to_string());
                    }
                }
                view! {
                    <select id="flash-product" on:change=move |ev| product.set(event_target_value(&ev))>
                        {page
                            .items
                            .into_iter()
                            .map(|row| {
                                let id = row.card.id.to_string();
                                let label = format!("{} · {}", row.card.title, format_money(&row.card.solo_price));
                                view! { <option value=id.clone() selected=move || product.get() == id>{label}</option> }
                            })
                            .collect_view()}
                    </select>
                }
            })}
            {field("flash-price", |w| w.price, price, "text")}
            {field("flash-starts", |w| w.starts, starts, "datetime-local")}
            {field("flash-ends", |w| w.ends, ends, "datetime-local")}
            {field("flash-quantity", |w| w.quantity, quantity, "number")}
            {field("flash-per-member", |w| w.per_member, per_member, "number")}
            <button type="submit" class="button" disabled=move || busy.get()>{move || w().schedule}</button>
            <p class="form-status" role="status">{move || said.get()}</p>
        </form>
        {loaded(sales, move |list| {
            if list.is_empty() {
                return view! { <Empty message=w().none /> }.into_any();
            }
            view! {
                <ul class="flash-list">
                    {list.into_iter().map(|s| view! { <li><SaleRow sale=s on_change=move || sales.retry() /></li> }).collect_view()}
                </ul>
            }
            .into_any()
        })}
    }
}

#[component]
fn SaleRow(sale: StaffFlashSale, #[prop(into)] on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let w = move || words(i18n.lang.get());
    let now = js_sys::Date::now() as i64;
    let starts = parse_time(&sale.sale.starts_at).unwrap_or(0);
    let ends = parse_time(&sale.sale.ends_at).unwrap_or(0);
    let state = move || {
        let w = w();
        if sale.cancelled {
            w.cancelled
        } else if now >= ends {
            w.ended
        } else if now >= starts {
            w.running
        } else {
            w.coming
        }
    };
    let live = !sale.cancelled && now < ends;
    let id = sale.sale.id;
    let call_off = move |_| {
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let path = format!("/staff/flash-sales/{id}");
            if write_json::<StaffFlashSale>(Method::DELETE, &path, lang, None)
                .await
                .is_ok()
            {
                on_change.run(());
            }
        });
    };
    let (left, quantity, reminders) = (sale.sale.left, sale.sale.quantity, sale.reminders);
    view! {
        <div class="card flash-row">
            <strong>{sale.product.title.clone()}</strong>
            <span>{format_money(&sale.sale.price)} " · " {local(&sale.sale.starts_at)} " – " {local(&sale.sale.ends_at)}</span>
            <span class="muted">
                {move || fill(&fill(&fill(w().standing, "left", &left.to_string()), "quantity", &quantity.to_string()), "n", &reminders.to_string())}
            </span>
            <span class="tag">{state}</span>
            {live.then(|| view! {
                <button type="button" class="button button-quiet" on:click=call_off>{move || w().call_off}</button>
            })}
        </div>
    }
}
