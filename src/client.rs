//! The one HTTP client for the JSON API. Every failure becomes a typed `ClientError`
//! that pages turn into a designed, retryable state; nothing here panics on bad data.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::on_cleanup;
use leptos::reactive::owner::Owner;
use quanzi_api::{ApiErrorBody, ErrorCode};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::Lang;

/// A request that takes longer than this is given up, so a dead network shows an error
/// instead of an endless spinner.
const TIMEOUT_MS: i32 = 15_000;

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
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("meta[name=quanzi-api-base]")
                .ok()
                .flatten()
        })
        .and_then(|meta| meta.get_attribute("content"))
        .map(|base| base.trim().trim_end_matches('/').to_owned())
        .filter(|base| !base.is_empty())
        .unwrap_or_else(|| quanzi_api::API_PREFIX.to_owned())
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass through).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// GETs `path` (relative to the API base) and decodes the JSON answer. Polled under a
/// reactive owner (`spawn_local_scoped_with_cancellation`), the request is aborted when
/// that owner is cleaned up: the reader navigated off, or the filter or language changed.
pub async fn get_json<T: DeserializeOwned>(path: &str, lang: Lang) -> Result<T, ClientError> {
    let controller = web_sys::AbortController::new().map_err(|_| ClientError::Network)?;
    let signal = controller.signal();
    let timed_out = Rc::new(Cell::new(false));
    let timeout = Timeout::start(&controller, timed_out.clone());
    if Owner::current().is_some() {
        let controller = send_wrapper::SendWrapper::new(controller.clone());
        on_cleanup(move || controller.abort());
    }

    let url = format!("{}{}", api_base(), path);
    let sent = gloo_net::http::Request::get(&url)
        .header("Accept", "application/json")
        .header("Accept-Language", lang.tag())
        .abort_signal(Some(&signal))
        .send()
        .await;
    let result = match sent {
        Err(_) if timed_out.get() => Err(ClientError::Timeout),
        Err(_) => Err(ClientError::Network),
        Ok(response) => {
            let status = response.status();
            match response.text().await {
                Err(_) if timed_out.get() => Err(ClientError::Timeout),
                Err(_) => Err(ClientError::Network),
                Ok(body) => decode(status, &body),
            }
        }
    };
    drop(timeout);
    result
}

/// Aborts the request after `TIMEOUT_MS`. Dropping it clears the timer and frees the
/// callback (a `once_into_js` closure would leak on every request that finishes in time).
struct Timeout {
    handle: Option<i32>,
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    fn start(controller: &web_sys::AbortController, flag: Rc<Cell<bool>>) -> Timeout {
        let controller = controller.clone();
        let callback = Closure::<dyn FnMut()>::new(move || {
            flag.set(true);
            controller.abort();
        });
        let handle = web_sys::window().and_then(|window| {
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    callback.as_ref().unchecked_ref(),
                    TIMEOUT_MS,
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

/// Turns a status and body into a value or a typed error. Pure, so it is unit-tested.
pub fn decode<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, ClientError> {
    if (200..300).contains(&status) {
        return serde_json::from_str(body).map_err(|_| ClientError::Decode);
    }
    let code = serde_json::from_str::<ApiErrorBody>(body)
        .map(|envelope| envelope.error.code)
        .unwrap_or(ErrorCode::Unknown);
    Err(ClientError::Http { status, code })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quanzi_api::Money;

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

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query_value("a b&c=d"), "a%20b%26c%3Dd");
        assert_eq!(encode_query_value("1700000000000-12"), "1700000000000-12");
        assert_eq!(encode_query_value("骑"), "%E9%AA%91");
    }
}
