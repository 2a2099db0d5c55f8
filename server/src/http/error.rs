//! The one error type of the handlers, and the JSON envelope every error response uses.

use std::borrow::Cow;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use quanzi_api::{ApiError, ApiErrorBody, ErrorCode};

/// An error a handler returns: an HTTP status, a stable code and a message for people.
#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: Cow<'static, str>,
    /// Seconds until trying again makes sense (`Retry-After`), for 429s and 503s.
    pub retry_after: Option<u64>,
}

impl AppError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 401: the request needs a signed-in member.
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            "sign in first",
        )
    }

    /// 403 with a code saying why (`forbidden`, `not_a_member`, `bad_origin`).
    pub fn forbidden(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    /// 409: the request clashes with the current state (`email_taken`, `not_a_member` …).
    pub fn conflict(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
    }

    pub fn bad_request(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// Something broke on our side. The detail goes to the log, never to the client.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "internal error",
        )
    }
}

/// When a client should try again after the database was unreachable.
const DATABASE_RETRY_SECS: u64 = 2;

/// Whether a database error is the database being away, restarting or busy rather than a
/// fault: no connection (or it broke), or PostgreSQL's SQLSTATE classes 08 (connection),
/// 57P0x (shut down, or not yet accepting), 53 (out of resources), 40001/40P01 (a
/// serialisation failure or deadlock: the transaction was undone and may simply be tried
/// again), 57014 (the statement timeout: a wait for a row lock too long) and 55P03 (a lock
/// not available), and SQLite's busy/locked (a writer held the lock past the busy timeout).
fn is_transient(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                code.starts_with("08")
                    || code.starts_with("57P0")
                    || code.starts_with("53")
                    || ["40001", "40P01", "57014", "55P03"].contains(&code.as_ref())
            } else {
                // SQLITE_BUSY and SQLITE_LOCKED, with their extended codes.
                matches!(code.parse::<i32>(), Ok(n) if n & 0xff == 5 || n & 0xff == 6)
            }
        }
        _ => false,
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            // The database is away or busy, not broken: the client is told to come back.
            err if is_transient(&err) => {
                tracing::warn!(error = %err, "database unavailable");
                let mut unavailable = Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::Unavailable,
                    "the database is unavailable; try again shortly",
                );
                unavailable.retry_after = Some(DATABASE_RETRY_SECS);
                unavailable
            }
            err => Self::internal(format_args!("database: {err}")),
        }
    }
}

impl From<serde_json::Error> for AppError {
    fn from(err: serde_json::Error) -> Self {
        Self::internal(format_args!("stored JSON: {err}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut res = error_response(self.status, self.code, self.message);
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// `{"error":{"code":"…","message":"…"}}` with the given status.
pub fn error_response(
    status: StatusCode,
    code: ErrorCode,
    message: impl Into<Cow<'static, str>>,
) -> Response {
    let body = ApiErrorBody {
        error: ApiError {
            code,
            message: message.into().into_owned(),
        },
    };
    (status, Json(body)).into_response()
}

/// The envelope for an error status whose producer (a framework extractor, a middleware)
/// answered in plain text.
pub fn envelope_for_status(status: StatusCode) -> Response {
    let (code, message) = match status {
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "not found"),
        StatusCode::METHOD_NOT_ALLOWED => (ErrorCode::MethodNotAllowed, "method not allowed"),
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorCode::PayloadTooLarge,
            "request body too large (limit 64 KiB)",
        ),
        StatusCode::SERVICE_UNAVAILABLE => (ErrorCode::Unavailable, "temporarily unavailable"),
        s if s.is_server_error() => (ErrorCode::Internal, "internal error"),
        _ => (ErrorCode::BadRequest, "bad request"),
    };
    error_response(status, code, message)
}

/// A refused value (`quanzi_api::check`): 400 with the check's code and message.
impl From<quanzi_api::check::Invalid> for AppError {
    fn from(invalid: quanzi_api::check::Invalid) -> Self {
        AppError::bad_request(invalid.code, invalid.message)
    }
}
