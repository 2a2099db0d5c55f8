//! What arrives in request bodies: JSON, read into the contract's types. Anything that is not
//! the expected JSON is a 400 `bad_json` in the envelope, never axum's plain-text rejection.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::Json;
use quanzi_api::ErrorCode;
use serde::de::DeserializeOwned;

use crate::http::error::AppError;

/// A JSON body of type `T`; use it in place of `axum::Json` for request bodies.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(reject(&rejection)),
        }
    }
}

/// The messages name the problem without echoing the body back: a serde message may quote
/// the value it choked on, and that value may be a password.
fn reject(rejection: &JsonRejection) -> AppError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            "request body too large (limit 64 KiB)",
        );
    }
    let message = match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "send the body as JSON with Content-Type: application/json"
        }
        JsonRejection::JsonSyntaxError(_) => "the body is not valid JSON",
        JsonRejection::JsonDataError(_) => "the JSON body is missing fields or has wrong types",
        _ => "the JSON body could not be read",
    };
    AppError::bad_request(ErrorCode::BadJson, message)
}
