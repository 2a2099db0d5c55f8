//! `/staff`: the store's orders by what they wait for (`?shelf=`), found by number or phone
//! (`?q=`), each with the step staff may take next: goods at the pickup point, shipped
//! with a carrier and tracking number, or refunded with a reason (the owner's). The owner
//! also reads the audit log. The server checks every role; this page only leaves out
//! what it would refuse.

use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{
    check, href, href_with, AuditEntry, Carrier, ErrorCode, GroupBuy, OrderStatus, Page,
    PaymentState, PickupPoint, Refund, Route, Ship, StaffAssignment, StaffMe, StaffMember,
    StaffOrder, StaffRole, StaffShelf,
};

use super::catalogue::Catalogue;
use super::communities::Communities;
use super::flash_sales::FlashSales;
use super::sharing::Sharing;
use super::{staff_only, use_words, OrderSummary};
use crate::client::write_json;
use crate::components::moderation::moderation;
use crate::i18n::{fill, use_i18n};
use crate::state::router::use_nav;
use crate::task::spawn;
use crate::ui::head::{page_title, set_head};
use crate::ui::remote::{fetch, loaded};
use crate::ui::states::Empty;
use crate::ui::time::day;

/// `/staff`, in a wasm chunk of its own.
#[wasm_split(staff, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn staff_page() -> Result<AnyView, SplitLoaderError> {
    Ok(staff_only(Route::Staff, || view! { <Console /> }.into_any()).into_any())
}

#[component]
fn Console() -> impl IntoView {
    let i18n = use_i18n();
    let w = use_words();
    let nav = use_nav();
    let me = fetch::<StaffMe>(|| "/staff/me".to_owned());
    let shelf = Memo::new(move |_| nav.query_value("shelf").and_then(|s| StaffShelf::parse(&s)));
    let search = Memo::new(move |_| {
        nav.query_value("q")
            .filter(|q| !q.is_empty() && q.len() <= 18 && q.bytes().all(|b| b.is_ascii_digit()))
    });
    Effect::new(move |_| set_head(&page_title(w().console, i18n.t().app_name), ""));
    let orders = fetch::<Page<StaffOrder>>(move || {
        let mut path = "/staff/orders?limit=50".to_owned();
        if let Some(shelf) = shelf.get() {
            path.push_str("&shelf=");
            path.push_str(shelf.as_str());
        }
        if let Some(q) = search.get() {
            path.push_str("&q=");
            path.push_str(&q);
        }
        path
    });
    let typed = RwSignal::new(search.get_untracked().unwrap_or_default());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q: String = typed
            .get_untracked()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let shelf = shelf.get_untracked().map(StaffShelf::as_str).unwrap_or("");
        nav.go(&href_with(Route::Staff, &[("shelf", shelf), ("q", &q)]));
    };
    let tab = move |s: Option<StaffShelf>| {
        let href = href_with(
            Route::Staff,
            &[("shelf", s.map(StaffShelf::as_str).unwrap_or(""))],
        );
        view! {
            <li>
                <a class="chip" href=href aria-current=move || (shelf.get() == s).then_some("page")>
                    {move || s.map_or(i18n.t().all, |s| w().shelf(s))}
                </a>
            </li>
        }
    };
    view! {
        <section class="staff-page">
            <h1>{move || w().console}</h1>
            {loaded(me, move |me| {
                let owner = me.role == StaffRole::Owner;
                view! {
                    <p class="muted">{me.name.clone()} " · " {move || w().role(me.role)}</p>
                    <a class="button button-quiet" href=href(Route::StaffPickup)>{move || w().to_counter}</a>
                    <nav aria-label=move || w().shelves>
                        <ul class="chip-list">
                            {tab(None)}
                            {StaffShelf::ALL.into_iter().map(|s| tab(Some(s))).collect_view()}
                        </ul>
                    </nav>
                    <form class="staff-search" role="search" on:submit=submit>
                        <label for="staff-q">{move || w().search_label}</label>
                        <input id="staff-q" type="search" inputmode="numeric" maxlength="18"
                            prop:value=move || typed.get()
                            on:input=move |ev| typed.set(event_target_value(&ev)) />
                        <button type="submit" class="button">{move || w().search}</button>
                    </form>
                    {loaded(orders, move |page| {
                        if page.items.is_empty() {
                            return view! { <Empty message=w().no_orders /> }.into_any();
                        }
                        view! {
                            <ul class="staff-orders">
                                {page
                                    .items
                                    .into_iter()
                                    .map(|order| view! { <li><OrderCard order owner /></li> })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any()
                    })}
                    <OpenGroups />
                    {owner.then(|| view! {
                        <Catalogue />
                        <Communities />
                        <Sharing />
                        <FlashSales />
                        {moderation(move || w().reports, None)}
                        <Team points=me.points.clone() />
                        <AuditLog />
                    })}
                }
            })}
        </section>
    }
}

/// One order and the step that may come next; the card shows the server's answer after it.
#[component]
fn OrderCard(order: StaffOrder, owner: bool) -> impl IntoView {
    let i18n = use_i18n();
    let w = use_words();
    let current = RwSignal::new(order);
    let error = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    // One step at a time; the answer replaces the card's order.
    let step = move |path: String, body: Option<Box<dyn crate::client::RequestBody>>| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let answer = write_json::<StaffOrder>(Method::POST, &path, lang, body.as_deref()).await;
            busy.set(false);
            match answer {
                Ok(order) => current.set(order),
                Err(err) => error.set(Some(w().error(i18n.t(), &err))),
            }
        });
    };
    move || {
        let order = current.get();
        let id = order.order.id;
        let (status, pickup) = (order.order.status, order.order.fulfilment.is_pickup());
        let paid = order.order.payment == PaymentState::Approved;
        let refundable =
            owner && paid && !matches!(status, OrderStatus::Refunded | OrderStatus::Cancelled);
        view! {
            <article class="card staff-order" aria-busy=move || busy.get().to_string()>
                <OrderSummary order=order.clone() />
                {(pickup && status == OrderStatus::Paid)
                    .then(|| {
                        view! {
                            <button type="button" class="button" disabled=move || busy.get()
                                on:click=move |_| step(format!("/staff/orders/{id}/ready"), None)>
                                {move || w().mark_ready}
                            </button>
                        }
                    })}
                {(owner && !pickup && status == OrderStatus::Paid)
                    .then(|| view! { <ShipForm id busy on_ship=move |body| step(format!("/staff/orders/{id}/ship"), Some(Box::new(body))) /> })}
                {refundable
                    .then(|| view! { <RefundForm id busy on_refund=move |body| step(format!("/staff/orders/{id}/refund"), Some(Box::new(body))) /> })}
                {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            </article>
        }
    }
}

/// Carrier and tracking number, checked by the api crate's rule before anything is sent.
#[component]
fn ShipForm(id: i64, busy: RwSignal<bool>, #[prop(into)] on_ship: Callback<Ship>) -> impl IntoView {
    let w = use_words();
    let carrier = RwSignal::new(Carrier::Sf);
    let tracking = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);
    let (carrier_id, tracking_id, hint_id) = (
        format!("carrier-{id}"),
        format!("tracking-{id}"),
        format!("tracking-{id}-hint"),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match check::tracking_number(tracking.get_untracked().trim()) {
            Ok(tracking_number) => {
                invalid.set(false);
                on_ship.run(Ship {
                    carrier: carrier.get_untracked(),
                    tracking_number,
                });
            }
            Err(_) => invalid.set(true),
        }
    };
    view! {
        <form class="staff-form" on:submit=submit>
            <label for=carrier_id.clone()>{move || w().carrier}</label>
            <select id=carrier_id on:change=move |ev| {
                if let Some(c) = Carrier::parse(&event_target_value(&ev)) {
                    carrier.set(c);
                }
            }>
                {Carrier::ALL
                    .into_iter()
                    .map(|c| view! { <option value=c.as_str() selected=c == Carrier::Sf>{c.name()}</option> })
                    .collect_view()}
            </select>
            <label for=tracking_id.clone()>{move || w().tracking_number}</label>
            <input id=tracking_id autocomplete="off" maxlength="30"
                aria-invalid=move || invalid.get().to_string()
                aria-describedby=hint_id.clone()
                prop:value=move || tracking.get()
                on:input=move |ev| tracking.set(event_target_value(&ev)) />
            <p id=hint_id class=move || if invalid.get() { "field-error" } else { "muted" }>
                {move || w().error_tracking}
            </p>
            <button type="submit" class="button" disabled=move || busy.get()>{move || w().ship}</button>
        </form>
    }
}

/// A refund asks for the reason the shopper will read, and a second press.
#[component]
fn RefundForm(
    id: i64,
    busy: RwSignal<bool>,
    #[prop(into)] on_refund: Callback<Refund>,
) -> impl IntoView {
    let i18n = use_i18n();
    let w = use_words();
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let reason_id = format!("reason-{id}");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match check::refund_reason(&reason.get_untracked()) {
            Ok(reason) => {
                problem.set(None);
                on_refund.run(Refund { reason });
            }
            Err(_) => problem.set(Some(i18n.t().error_empty)),
        }
    };
    move || {
        if !open.get() {
            return view! {
                <button type="button" class="button button-quiet" on:click=move |_| open.set(true)>
                    {move || w().refund}
                </button>
            }
            .into_any();
        }
        let reason_id = reason_id.clone();
        view! {
            <form class="staff-form" on:submit=submit>
                <label for=reason_id.clone()>{move || w().refund_reason}</label>
                <textarea id=reason_id maxlength="200" rows="2"
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                {move || problem.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                <div class="staff-form-buttons">
                    <button type="submit" class="button" disabled=move || busy.get()>
                        {move || w().confirm_refund}
                    </button>
                    <button type="button" class="button button-quiet" on:click=move |_| open.set(false)>
                        {move || w().cancel}
                    </button>
                </div>
            </form>
        }
        .into_any()
    }
}

/// Open groups with seats left, soonest ending first: the ones a push could still fill.
/// Read when opened.
#[component]
fn OpenGroups() -> impl IntoView {
    let w = use_words();
    let open = RwSignal::new(false);
    view! {
        <details class="card staff-audit" on:toggle=move |_| open.set(true)>
            <summary>{move || w().open_groups}</summary>
            {move || open.get().then(|| view! { <GroupList /> })}
        </details>
    }
}

#[component]
fn GroupList() -> impl IntoView {
    let w = use_words();
    let groups = fetch::<Page<GroupBuy>>(|| "/staff/groups?limit=50".to_owned());
    loaded(groups, move |page| {
        if page.items.is_empty() {
            return view! { <Empty message=w().no_groups /> }.into_any();
        }
        view! {
            <ul class="staff-audit-list">
                {page
                    .items
                    .into_iter()
                    .map(|g| {
                        let left = g.seats_left.to_string();
                        view! {
                            <li>
                                <a href=href(Route::GroupBuy(g.id))>{g.product.title}</a>
                                " · " {move || fill(w().seats_left, "n", &left)}
                                " · " {move || fill(w().ends, "date", &day(&g.deadline))}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    })
}

/// Who is staff, in which role and at which points; owners add, change and remove them.
#[component]
fn Team(points: Vec<PickupPoint>) -> impl IntoView {
    let w = use_words();
    let open = RwSignal::new(false);
    view! {
        <details class="card staff-audit" on:toggle=move |_| open.set(true)>
            <summary>{move || w().team}</summary>
            {move || open.get().then(|| view! { <TeamList points=points.clone() /> })}
        </details>
    }
}

#[component]
fn TeamList(points: Vec<PickupPoint>) -> impl IntoView {
    let i18n = use_i18n();
    let w = use_words();
    let team = fetch::<Page<StaffMember>>(|| "/staff/team".to_owned());
    let error = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(StaffRole::Clerk);
    let chosen = RwSignal::new(Vec::<i64>::new());
    let failed = move |err: crate::client::ClientError| {
        error.set(Some(if err.code() == Some(ErrorCode::NotFound) {
            w().error_no_member
        } else {
            w().error(i18n.t(), &err)
        }));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = StaffAssignment {
            email: email.get_untracked(),
            role: role.get_untracked(),
            point_ids: chosen.get_untracked(),
        };
        if check::email(&body.email).is_err() {
            error.set(Some(i18n.t().error_email));
            return;
        }
        busy.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let answer =
                write_json::<StaffMember>(Method::PUT, "/staff/team", lang, Some(&body)).await;
            busy.set(false);
            match answer {
                Ok(_) => {
                    email.set(String::new());
                    team.retry();
                }
                Err(err) => failed(err),
            }
        });
    };
    let remove = move |member_id: i64| {
        busy.set(true);
        error.set(None);
        let lang = i18n.lang.get_untracked();
        spawn(async move {
            let path = format!("/staff/team/{member_id}");
            let answer = write_json::<()>(Method::DELETE, &path, lang, None).await;
            busy.set(false);
            match answer {
                Ok(()) => team.retry(),
                Err(err) => failed(err),
            }
        });
    };
    let names: Vec<(i64, String)> = points.iter().map(|p| (p.id, p.name.clone())).collect();
    let point_name = move |id: i64| {
        names
            .iter()
            .find(|(p, _)| *p == id)
            .map_or_else(|| format!("#{id}"), |(_, n)| n.clone())
    };
    view! {
        {loaded(team, move |page| {
            let point_name = point_name.clone();
            view! {
                <ul class="staff-audit-list">
                    {page
                        .items
                        .into_iter()
                        .map(|m| {
                            let at: Vec<String> = m.point_ids.iter().map(|p| point_name(*p)).collect();
                            let id = m.member.id;
                            view! {
                                <li class="staff-team-member">
                                    <span>
                                        {m.member.name} " · " {m.email} " · " {move || w().role(m.role)}
                                        {(!at.is_empty()).then(|| format!(" · {}", at.join("、")))}
                                    </span>
                                    <button type="button" class="button button-quiet" disabled=move || busy.get()
                                        on:click=move |_| remove(id)>
                                        {move || w().remove}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
        })}
        <form class="staff-form" on:submit=submit>
            <label for="team-email">{move || w().email}</label>
            <input id="team-email" type="email" autocomplete="off"
                prop:value=move || email.get()
                on:input=move |ev| email.set(event_target_value(&ev)) />
            <label for="team-role">{move || w().role}</label>
            <select id="team-role" on:change=move |ev| {
                role.set(StaffRole::parse(&event_target_value(&ev)).unwrap_or(StaffRole::Clerk));
            }>
                <option value="clerk" selected=true>{move || w().clerk}</option>
                <option value="owner">{move || w().owner}</option>
            </select>
            <fieldset class="staff-points">
                <legend>{move || w().points}</legend>
                {points
                    .into_iter()
                    .map(|p| {
                        let id = p.id;
                        view! {
                            <label class="staff-point">
                                <input type="checkbox" on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|x| *x != id);
                                        if on {
                                            c.push(id);
                                        }
                                    });
                                } />
                                {p.name}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <button type="submit" class="button" disabled=move || busy.get()>{move || w().save}</button>
        </form>
        {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
    }
}

/// What the staff did, newest first (owners only), read when opened.
#[component]
fn AuditLog() -> impl IntoView {
    let w = use_words();
    let open = RwSignal::new(false);
    view! {
        <details class="card staff-audit" on:toggle=move |_| open.set(true)>
            <summary>{move || w().audit}</summary>
            {move || open.get().then(|| view! { <AuditEntries /> })}
        </details>
    }
}

#[component]
fn AuditEntries() -> impl IntoView {
    let w = use_words();
    let entries = fetch::<Page<AuditEntry>>(|| "/staff/audit?limit=50".to_owned());
    loaded(entries, move |page| {
        if page.items.is_empty() {
            return view! { <Empty message=w().no_audit /> }.into_any();
        }
        view! {
            <ol class="staff-audit-list">
                {page
                    .items
                    .into_iter()
                    .map(|e| {
                        view! {
                            <li>
                                <time datetime=e.at.clone()>{day(&e.at)}</time>
                                " · " {e.staff.name} " · " {e.action} " · " {e.subject}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any()
    })
}
