//! `/staff/pickup`: a clerk at a pickup point's counter, on a phone. The shopper shows their
//! 6-digit code (or its QR code, which holds the same digits); the clerk types it, or scans
//! the QR code with the camera where the browser has a `BarcodeDetector`, and the order is
//! handed over, or the page says in words why not (a wrong code, one used already, one of
//! another point, too many wrong tries).

use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use quanzi_api::{check, href, Handover, Route, StaffMe, StaffOrder};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{staff_only, use_words, OrderSummary};
use crate::client::{js_object, write_json};
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
    let submit = move || {
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
        <form class="staff-form" on:submit=move |ev| {
            ev.prevent_default();
            submit();
        }>
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
        <Scanner on_code=move |scanned: String| {
            code.set(scanned);
            submit();
        } />
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

/// The browser's QR code reader, where there is one (`BarcodeDetector`: Chrome on Android,
/// Safari); `None` elsewhere, and the clerk types the code.
fn qr_detector() -> Option<JsValue> {
    let class = js_sys::Reflect::get(&js_sys::global(), &"BarcodeDetector".into()).ok()?;
    let class: js_sys::Function = class.dyn_into().ok()?;
    let formats = js_sys::Array::of1(&"qr_code".into());
    let options = js_object(&[("formats", formats.into())]);
    js_sys::Reflect::construct(&class, &js_sys::Array::of1(&options)).ok()
}

/// The pickup code among what the detector read: a QR code of exactly 6 digits.
fn code_in(results: JsValue) -> Option<String> {
    let results: js_sys::Array = results.dyn_into().ok()?;
    results.iter().find_map(|found| {
        let raw = js_sys::Reflect::get(&found, &"rawValue".into())
            .ok()?
            .as_string()?;
        check::pickup_code(raw.trim()).ok().map(str::to_owned)
    })
}

/// The back camera's stream, once the clerk has allowed it.
async fn back_camera() -> Option<web_sys::MediaStream> {
    let devices = web_sys::window()?.navigator().media_devices().ok()?;
    let constraints = web_sys::MediaStreamConstraints::new();
    constraints.set_video(&js_object(&[("facingMode", "environment".into())]));
    let asked = devices.get_user_media_with_constraints(&constraints).ok()?;
    JsFuture::from(asked).await.ok()?.dyn_into().ok()
}

/// Turns the camera off.
fn stop_tracks(stream: &web_sys::MediaStream) {
    stream.get_tracks().for_each(&mut |track, _, _| {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            track.stop();
        }
    });
}

/// What the camera sees, read a few times a second until a pickup code is in view.
async fn scan(
    detector: &JsValue,
    video: &web_sys::HtmlVideoElement,
    scanning: RwSignal<bool>,
) -> Option<String> {
    let detect: js_sys::Function = js_sys::Reflect::get(detector, &"detect".into())
        .ok()?
        .dyn_into()
        .ok()?;
    // Until stopped, or the page is left (the signal is gone).
    while scanning.try_get_untracked().unwrap_or(false) {
        // A frame not ready yet is an error for the detector: try the next one.
        if let Ok(promise) = detect.call1(detector, video) {
            if let Ok(results) = JsFuture::from(js_sys::Promise::from(promise)).await {
                if let Some(code) = code_in(results) {
                    return Some(code);
                }
            }
        }
        crate::task::sleep(250).await;
    }
    None
}

/// "扫码": the camera's picture, and the code it reads handed to `on_code`. Nothing at all
/// where the browser cannot read QR codes.
#[component]
fn Scanner(#[prop(into)] on_code: Callback<String>) -> impl IntoView {
    let w = use_words();
    let detector = StoredValue::new_local(qr_detector());
    if detector.with_value(Option::is_none) {
        return ().into_any();
    }
    let scanning = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let stream = StoredValue::new_local(None::<web_sys::MediaStream>);
    let video = NodeRef::<leptos::html::Video>::new();
    let stop = move || {
        scanning.set(false);
        if let Some(stream) = stream.try_update_value(Option::take).flatten() {
            stop_tracks(&stream);
        }
    };
    on_cleanup(stop);
    let start = move |_| {
        failed.set(false);
        scanning.set(true);
        spawn(async move {
            let Some(camera) = back_camera().await else {
                scanning.set(false);
                failed.set(true);
                return;
            };
            // The page may have been left while the clerk was asked for the camera.
            // (`try_set_value` hands the value back when the store is gone.)
            let kept = stream.try_set_value(Some(camera.clone())).is_none();
            let (true, Some(video)) = (kept, video.try_get_untracked().flatten()) else {
                stop_tracks(&camera);
                return;
            };
            video.set_src_object(Some(&camera));
            if let Ok(playing) = video.play() {
                let _ = JsFuture::from(playing).await;
            }
            let Some(Some(detector)) = detector.try_get_value() else {
                return stop();
            };
            let code = scan(&detector, &video, scanning).await;
            stop();
            if let Some(code) = code {
                on_code.run(code);
            }
        });
    };
    view! {
        <div class="scanner">
            <video node_ref=video class="scanner-video" class:scanner-off=move || !scanning.get()
                playsinline=true muted=true aria-label=move || w().scan_view></video>
            {move || if scanning.get() {
                view! {
                    <button type="button" class="button button-quiet button-wide" on:click=move |_| stop()>
                        {move || w().stop_scan}
                    </button>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="button button-quiet button-wide" on:click=start>
                        {move || w().scan}
                    </button>
                }.into_any()
            }}
            {move || failed.get().then(|| view! { <p class="form-error" role="alert">{w().no_camera}</p> })}
        </div>
    }
    .into_any()
}
