//! The one HTTP client for the JSON API. Every failure becomes a typed `ClientError`
//! that pages turn into a designed, retryable state; nothing here panics on bad data.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::{Method, RequestBuilder};
use leptos::prelude::on_cleanup;
use leptos::reactive::owner::Owner;
use quanzi_api::{ApiErrorBody, ErrorCode};
use quanzi_api::{
    CartMerge, Fulfilment, Handover, LineRequest, NewComment, NewOrder, NewPost, Pay, Purchase,
    ReferralVisit, Refund, SetAvatar, Ship, SignIn, SignUp, StaffAssignment, TestPayment,
};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::Lang;

/// A request that takes longer than this is given up, so a dead network shows an error
/// instead of an endless spinner.
const TIMEOUT_MS: i32 = 15_000;
const UPLOAD_TIMEOUT_MS: i32 = 90_000;

#[derive(Clone, Debug, PartialEq)]
pub enum ClientError {
    /// No answer: offline, DNS, connection refused, CORS.
    Network,
    Timeout,
    /// The server answered with an error status.
    Http {
        status: u16,
        code: ErrorCode,
    },
    /// The server answered 2xx with a body we cannot read.
    Decode,
}

impl ClientError {
    /// The API's stable code, when the server answered with one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Http { code, .. } => Some(*code),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            ClientError::Http { status: 404, .. }
                | ClientError::Http {
                    code: ErrorCode::NotFound | ErrorCode::BadId | ErrorCode::BadSlug,
                    ..
                }
        )
    }
}

/// Where the API lives: `<meta name="quanzi-api-base">` (rewritable without a rebuild),
/// else this origin's `/api/v1`.
pub fn api_base() -> String {
    thread_local! {
        static BASE: String = read_api_base();
    }
    BASE.with(Clone::clone)
}

fn read_api_base() -> String {
    crate::browser::meta_content("quanzi-api-base")
        .map(|base| base.trim_end_matches('/').to_owned())
        .filter(|base| !base.is_empty())
        .unwrap_or_else(|| quanzi_api::API_PREFIX.to_owned())
}

/// A key for one intent to write (an order, a payment): random, so two visits never
/// collide. A retry of the same intent sends the same key and gets the first answer.
pub fn idempotency_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("{}-{}", js_sys::Date::now(), js_sys::Math::random()))
}

/// What a request carries.
enum Body {
    Empty,
    Json(String),
    /// A multipart form (photo uploads); the browser sets its content type.
    Form(web_sys::FormData),
}

/// GETs `path` (relative to the API base) and decodes the JSON answer. Polled under a
/// reactive owner (`spawn_local_scoped_with_cancellation`), the request is aborted when
/// that owner is cleaned up: the reader navigated off, or the filter or language changed.
pub async fn get_json<T: DeserializeOwned>(path: &str, lang: Lang) -> Result<T, ClientError> {
    let (status, body) = send(Method::GET, path, lang, Body::Empty, None).await?;
    decode(status, &body)
}

/// Shell data this old is stale (a tab left open): the page asks the API instead.
const FIRST_DATA_FRESH_MS: f64 = 60_000.0;

/// An answer the server put into the page's shell (`<script type="application/json"
/// data-api="{path}" data-lang="{tag}">`, see `Route::first_data`), so the first render
/// needs no round trip. Taken once: a retry, a refresh or a later visit asks the API. `None`
/// when the shell carries nothing for exactly this path and language, or is stale.
pub fn first_data<T: DeserializeOwned>(path: &str, lang: Lang) -> Option<T> {
    let window = web_sys::window()?;
    if window.performance()?.now() > FIRST_DATA_FRESH_MS {
        return None;
    }
    let scripts = window
        .document()?
        .query_selector_all("script[data-api]")
        .ok()?;
    (0..scripts.length())
        .filter_map(|i| scripts.item(i)?.dyn_into::<web_sys::Element>().ok())
        .find(|script| {
            script.get_attribute("data-api").as_deref() == Some(path)
                && script.get_attribute("data-lang").as_deref() == Some(lang.tag())
        })
        .and_then(|script| {
            script.remove();
            decode(200, &script.text_content()?).ok()
        })
}

/// When the shell's data counts as received, on this device's clock: the moment the page was
/// requested, just before the server made it, so a countdown synced from it errs towards
/// less time left, never more.
pub fn first_data_time() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.time_origin())
}

/// A request body of the contract, made into JSON by the browser's own `JSON.stringify`
/// rather than serde_json's serializer: the same bytes on the wire, and 4 KB less wasm in
/// the first load. The field names mirror the `api` types; the journeys exercise each one.
pub trait RequestBody {
    fn to_js(&self) -> js_sys::Object;
}

/// A body a page's own chunk made: the conversions of bodies only one chunk sends live in
/// that chunk (`catalogue::draft_js`, say). A `RequestBody` impl is reached through a
/// vtable, and what a vtable names is kept in the first load: the five staff and report
/// bodies as impls here cost 1.8 KB brotli of it (190,684 against 188,906 bytes).
impl RequestBody for js_sys::Object {
    fn to_js(&self) -> js_sys::Object {
        self.clone()
    }
}

pub fn js_object(fields: &[(&str, JsValue)]) -> js_sys::Object {
    let object = js_sys::Object::new();
    for (key, value) in fields {
        // Setting a plain property on a fresh object cannot fail.
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object
}

fn js_texts(texts: &[String]) -> JsValue {
    texts
        .iter()
        .map(|t| JsValue::from_str(t))
        .collect::<js_sys::Array>()
        .into()
}

fn js_ids(ids: &[i64]) -> JsValue {
    // Ids are far below 2^53, so a JS number holds them exactly.
    ids.iter()
        .map(|id| JsValue::from_f64(*id as f64))
        .collect::<js_sys::Array>()
        .into()
}

/// An optional text field: `JSON.stringify` leaves out an undefined one, as serde skips
/// a `None`.
pub fn optional_text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, JsValue::from_str)
}

impl RequestBody for SignUp {
    fn to_js(&self) -> js_sys::Object {
        js_object(&[
            ("name", self.name.as_str().into()),
            ("email", self.email.as_str().into()),
            ("password", self.password.as_str().into()),
            (
                "referral_code",
                optional_text(self.referral_code.as_deref()),
            ),
        ])
    }
}

impl RequestBody for SignIn {
    fn to_js(&self) -> js_sys::Object {
        js_object(&[
            ("email", self.email.as_str().into()),
            ("password", self.password.as_str().into()),
        ])
    }
}

impl RequestBody for LineRequest {
    fn to_js(&self) -> js_sys::Object {
        js_object(&[
            ("product_id", JsValue::from_f64(self.product_id as f64)),
            ("quantity", JsValue::from_f64(f64::from(self.quantity))),
        ])
    }
}

impl RequestBody for CartMerge {
    fn to_js(&self) -> js_sys::Object {
        let lines: js_sys::Array = self
            .lines
            .iter()
            .map(|l| JsValue::from(l.to_js()))
            .collect();
        js_object(&[("lines", lines.into())])
    }
}

impl RequestBody for Purchase {
    fn to_js(&self) -> js_sys::Object {
        match self {
            Purchase::Solo { lines } => {
                let lines: js_sys::Array = lines.iter().map(|l| JsValue::from(l.to_js())).collect();
                js_object(&[("kind", "solo".into()), ("lines", lines.into())])
            }
            Purchase::StartGroup { product_id } => js_object(&[
                ("kind", "start_group".into()),
                ("product_id", JsValue::from_f64(*product_id as f64)),
            ]),
            Purchase::JoinGroup { group_id } => js_object(&[
                ("kind", "join_group".into()),
                ("group_id", JsValue::from_f64(*group_id as f64)),
            ]),
            Purchase::Flash {
                flash_sale_id,
                quantity,
            } => js_object(&[
                ("kind", "flash".into()),
                ("flash_sale_id", JsValue::from_f64(*flash_sale_id as f64)),
                ("quantity", JsValue::from(*quantity)),
            ]),
        }
    }
}

impl RequestBody for Fulfilment {
    fn to_js(&self) -> js_sys::Object {
        match self {
            Fulfilment::Delivery {
                name,
                phone,
                address,
            } => js_object(&[
                ("kind", "delivery".into()),
                ("name", name.as_str().into()),
                ("phone", phone.as_str().into()),
                ("address", address.as_str().into()),
            ]),
            Fulfilment::Pickup {
                point_id,
                name,
                phone,
            } => js_object(&[
                ("kind", "pickup".into()),
                ("point_id", JsValue::from_f64(*point_id as f64)),
                ("name", name.as_str().into()),
                ("phone", phone.as_str().into()),
            ]),
        }
    }
}

impl RequestBody for NewOrder {
    fn to_js(&self) -> js_sys::Object {
        js_object(&[
            ("purchase", self.purchase.to_js().into()),
            ("fulfilment", self.fulfilment.to_js().into()),
            (
                "referral_code",
                optional_text(self.referral_code.as_deref()),
            ),
        ])
    }
}

impl RequestBody for Pay {
    fn to_js(&self) -> js_sys::Object {
        let outcome = match self.outcome {
            TestPayment::Approve => "approve",
            TestPayment::Decline => "decline",
            TestPayment::Slow => "slow",
        };
        js_object(&[("outcome", outcome.into())])
    }
}

impl RequestBody for SetAvatar {
    fn to_js(&self) -> js_sys::Object {
        js_object(&[("upload_id", JsValue::from_f64(self.upload_id as f64))])
    }
}

impl RequestBody for Ship {
    fn to_js(&self) -> js_sys::Object {
        js_object(&[
            ("carrier", self.carrier.as_str().into()),
            ("tracking_number", self.tracking_number.as_str().into()),
        ])
    }
}

impl RequestBody for Refund {
    fn to_js(&self) -> js_sys::Object {
        js_object(&[("reason", self.reason.as_str().into())])
    }
}

impl RequestBody for StaffAssignment {
    fn to_js(&self) -> js_sys::Object {
        let points = js_sys::Array::new();
        for id in &self.point_ids {
            points.push(&JsValue::from_f64(*id as f64));
        }
        js_object(&[
            ("email", self.email.as_str().into()),
            ("role", self.role.as_str().into()),
            ("point_ids", points.into()),
        ])
    }
}

impl RequestBody for Handover {
    fn to_js(&self) -> js_sys::Object {
        js_object(&[("code", self.code.as_str().into())])
    }
}

impl RequestBody for ReferralVisit {
    fn to_js(&self) -> js_sys::Object {
        js_object(&[("code", self.code.as_str().into())])
    }
}

impl RequestBody for NewComment {
    fn to_js(&self) -> js_sys::Object {
        js_object(&[("body", self.body.as_str().into())])
    }
}

impl RequestBody for NewPost {
    fn to_js(&self) -> js_sys::Object {
        js_object(&[
            ("community", self.community.as_str().into()),
            ("title", self.title.as_str().into()),
            ("body", js_texts(&self.body)),
            ("images", js_ids(&self.images)),
            ("products", js_ids(&self.products)),
        ])
    }
}

fn json_body(value: &dyn RequestBody) -> Result<Body, ClientError> {
    js_sys::JSON::stringify(&value.to_js())
        .map(|json| Body::Json(json.into()))
        .map_err(|_| ClientError::Decode)
}

/// A write: `method` with a JSON body (or none). Writes are never aborted by navigation:
/// leaving a page must not cancel the like or comment just sent.
pub async fn write_json<T: DeserializeOwned>(
    method: Method,
    path: &str,
    lang: Lang,
    body: Option<&dyn RequestBody>,
) -> Result<T, ClientError> {
    let body = match body {
        Some(value) => json_body(value)?,
        None => Body::Empty,
    };
    let (status, body) = send(method, path, lang, body, None).await?;
    decode(status, &body)
}

/// A write that creates an order or takes a seat: `key` (the same for every retry of one
/// intent) lets the server answer a retry with its first answer instead of buying twice.
pub async fn write_once<T: DeserializeOwned>(
    path: &str,
    lang: Lang,
    body: &dyn RequestBody,
    key: &str,
) -> Result<T, ClientError> {
    let (status, body) = send(Method::POST, path, lang, json_body(body)?, Some(key)).await?;
    decode(status, &body)
}

/// Uploads a multipart form (a photo) and decodes the answer.
pub async fn send_form<T: DeserializeOwned>(
    path: &str,
    lang: Lang,
    form: web_sys::FormData,
) -> Result<T, ClientError> {
    let (status, body) = send(Method::POST, path, lang, Body::Form(form), None).await?;
    decode(status, &body)
}

/// The transport, deliberately not generic (compiled once): the status and the body text.
async fn send(
    method: Method,
    path: &str,
    lang: Lang,
    body: Body,
    idempotency_key: Option<&str>,
) -> Result<(u16, String), ClientError> {
    let controller = web_sys::AbortController::new().map_err(|_| ClientError::Network)?;
    let signal = controller.signal();
    let timed_out = Rc::new(Cell::new(false));
    // Photos from a phone on a slow link take longer than a page of JSON.
    let limit = if matches!(body, Body::Form(_)) {
        UPLOAD_TIMEOUT_MS
    } else {
        TIMEOUT_MS
    };
    let timeout = Timeout::start(&controller, timed_out.clone(), limit);
    if method == Method::GET && Owner::current().is_some() {
        let controller = send_wrapper::SendWrapper::new(controller.clone());
        on_cleanup(move || controller.abort());
    }

    let url = format!("{}{}", api_base(), path);
    let builder = RequestBuilder::new(&url)
        .method(method)
        .header("Accept", "application/json")
        .header("Accept-Language", lang.tag())
        .abort_signal(Some(&signal));
    let builder = match idempotency_key {
        Some(key) => builder.header(quanzi_api::IDEMPOTENCY_HEADER, key),
        None => builder,
    };
    let request = match body {
        Body::Empty => builder.build(),
        Body::Json(json) => builder
            .header("Content-Type", "application/json")
            .body(json),
        Body::Form(form) => builder.body(form),
    };
    let sent = match request {
        Ok(request) => request.send().await,
        Err(_) => return Err(ClientError::Network),
    };
    let result = match sent {
        Err(_) if timed_out.get() => Err(ClientError::Timeout),
        Err(_) => Err(ClientError::Network),
        Ok(response) => {
            let status = response.status();
            match response.text().await {
                Err(_) if timed_out.get() => Err(ClientError::Timeout),
                Err(_) => Err(ClientError::Network),
                Ok(body) => Ok((status, body)),
            }
        }
    };
    drop(timeout);
    result
}

/// Aborts the request after its time limit. Dropping it clears the timer and frees the
/// callback (a `once_into_js` closure would leak on every request that finishes in time).
struct Timeout {
    handle: Option<i32>,
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    fn start(controller: &web_sys::AbortController, flag: Rc<Cell<bool>>, ms: i32) -> Timeout {
        let controller = controller.clone();
        let callback = Closure::<dyn FnMut()>::new(move || {
            flag.set(true);
            controller.abort();
        });
        let handle = web_sys::window().and_then(|window| {
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    callback.as_ref().unchecked_ref(),
                    ms,
                )
                .ok()
        });
        Timeout {
            handle,
            _callback: callback,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let (Some(window), Some(handle)) = (web_sys::window(), self.handle) {
            window.clear_timeout_with_handle(handle);
        }
    }
}

/// How JSON text becomes values: the browser's own `JSON.parse` in the app (2 KB of wasm
/// less than serde_json's parser), serde_json in the native unit tests.
pub trait JsonParser {
    fn parse<T: DeserializeOwned>(text: &str) -> Option<T>;
}

pub struct BrowserJson;

impl JsonParser for BrowserJson {
    fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
        let value = js_sys::JSON::parse(text).ok()?;
        serde_wasm_bindgen::from_value(value).ok()
    }
}

/// Turns a status and body into a value or a typed error.
pub fn decode<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, ClientError> {
    decode_with::<T, BrowserJson>(status, body)
}

/// The decoding rules, whatever parses the JSON. Pure, so it is unit-tested.
fn decode_with<T: DeserializeOwned, J: JsonParser>(
    status: u16,
    body: &str,
) -> Result<T, ClientError> {
    if status == 204 {
        // No content: only `()` (or an Option) can be made of it.
        return J::parse("null").ok_or(ClientError::Decode);
    }
    if (200..300).contains(&status) {
        return J::parse(body).ok_or(ClientError::Decode);
    }
    let code = J::parse::<ApiErrorBody>(body)
        .map(|envelope| envelope.error.code)
        .unwrap_or(ErrorCode::Unknown);
    Err(ClientError::Http { status, code })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quanzi_api::Money;

    struct SerdeJson;

    impl JsonParser for SerdeJson {
        fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
            serde_json::from_str(text).ok()
        }
    }

    fn decode<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, ClientError> {
        decode_with::<T, SerdeJson>(status, body)
    }

    #[test]
    fn success_decodes() {
        let money: Money = decode(200, r#"{"amount":1990,"currency":"CNY"}"#).unwrap();
        assert_eq!(money, Money::cny(1990));
    }

    #[test]
    fn malformed_json_is_a_decode_error_not_a_panic() {
        assert_eq!(
            decode::<Money>(200, "{\"amount\":"),
            Err(ClientError::Decode)
        );
        assert_eq!(decode::<Money>(200, "<html>"), Err(ClientError::Decode));
        assert_eq!(
            decode::<Money>(200, "{\"amount\":\"x\"}"),
            Err(ClientError::Decode)
        );
    }

    #[test]
    fn no_content_is_unit() {
        assert_eq!(decode::<()>(204, ""), Ok(()));
        assert_eq!(decode::<Money>(204, ""), Err(ClientError::Decode));
    }

    #[test]
    fn who_is_signed_in_is_nobody_on_204_and_the_member_on_200() {
        // `GET /account/me` answers a guest with 204: no error, no member.
        assert_eq!(decode::<Option<Money>>(204, ""), Ok(None));
        assert_eq!(
            decode::<Option<Money>>(200, r#"{"amount":1,"currency":"CNY"}"#),
            Ok(Some(Money::cny(1)))
        );
    }

    #[test]
    fn error_envelope_gives_its_code() {
        let err = decode::<Money>(404, r#"{"error":{"code":"not_found","message":"no"}}"#);
        assert_eq!(
            err,
            Err(ClientError::Http {
                status: 404,
                code: ErrorCode::NotFound
            })
        );
        assert!(err.unwrap_err().is_not_found());
    }

    #[test]
    fn error_without_envelope_keeps_its_status() {
        let err = decode::<Money>(502, "Bad Gateway").unwrap_err();
        assert_eq!(
            err,
            ClientError::Http {
                status: 502,
                code: ErrorCode::Unknown
            }
        );
        assert!(!err.is_not_found());
    }
}
