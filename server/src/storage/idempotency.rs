//! `Idempotency-Key`: order and payment writes must be safe to retry (a phone on a bad
//! network sends a request, loses the answer and sends it again). The first request with a
//! key does the work and its answer, success or refusal, is stored with the key; a retry with
//! the same key and the same request gets that answer back, status and body, and does
//! nothing. The same key with another request is refused (`idempotency_key_reused`).
//!
//! Keys are per member (two members may well pick the same key) and kept for a day. A
//! `5xx` answer is not stored: nothing was done, and a retry should really try again.

use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use quanzi_api::{ApiError, ApiErrorBody, ErrorCode, IDEMPOTENCY_HEADER};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use utoipa::openapi::path::{Parameter, ParameterIn};

use crate::http::error::AppError;
use crate::storage::db::{now_ms, write_tx};

/// Longest key accepted; a UUID is 36.
pub const KEY_MAX_CHARS: usize = 200;
/// How long a key and its answer are kept.
pub const KEEP_MS: i64 = 24 * 60 * 60 * 1000;
/// A request still marked at work after this long never finished (the server stopped
/// mid-way); its key is let go, so a retry can try again.
pub const STALE_MS: i64 = 60 * 1000;
/// Set on an answer that is a stored one.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

/// A member's key for one request, with the request's fingerprint.
#[derive(Clone, Debug)]
pub struct IdemKey {
    pub member_id: i64,
    pub key: String,
    fingerprint: [u8; 32],
}

impl IdemKey {
    /// The key of a request from its headers (`400 missing_idempotency_key` when there is
    /// none, or it is not 1 to 200 printable ASCII characters), bound to what the request
    /// asks: its method, path and body as parsed (so spacing or key order in the JSON make
    /// no difference).
    pub fn from_request<T: Serialize>(
        headers: &HeaderMap,
        member_id: i64,
        method: &Method,
        path: &str,
        body: &T,
    ) -> Result<IdemKey, AppError> {
        let missing = || {
            AppError::bad_request(
                ErrorCode::MissingIdempotencyKey,
                "send an Idempotency-Key header of 1 to 200 printable ASCII characters",
            )
        };
        let mut values = headers.get_all(IDEMPOTENCY_HEADER).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return Err(missing());
        };
        let key = value.to_str().map_err(|_| missing())?.trim();
        if key.is_empty() || key.len() > KEY_MAX_CHARS || !key.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(missing());
        }
        let mut hasher = Sha256::new();
        hasher.update(method.as_str().as_bytes());
        hasher.update([0]);
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update(serde_json::to_vec(body).map_err(AppError::internal)?);
        Ok(IdemKey {
            member_id,
            key: key.to_owned(),
            fingerprint: hasher.finalize().into(),
        })
    }
}

/// An answer as stored: the status and the JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: StatusCode,
    pub body: String,
}

impl Answer {
    pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Result<Answer, AppError> {
        Ok(Answer {
            status,
            body: serde_json::to_string(value).map_err(AppError::internal)?,
        })
    }

    /// The envelope of a refusal.
    pub fn error(err: &AppError) -> Answer {
        let body = ApiErrorBody {
            error: ApiError {
                code: err.code,
                message: err.message.clone().into_owned(),
            },
        };
        Answer {
            status: err.status,
            body: serde_json::to_string(&body).unwrap_or_else(|_| String::from("{}")),
        }
    }

    pub fn into_response(self, replayed: bool) -> Response {
        let mut res = (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            self.body,
        )
            .into_response();
        if replayed {
            res.headers_mut()
                .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
        }
        res
    }
}

/// What a key has seen before.
#[derive(Debug)]
pub enum Prior {
    /// Nothing: this request is the first.
    Fresh,
    /// The first request's answer.
    Answered(Answer),
    /// The first request is still at work.
    Busy,
}

/// Looks a key up; the same key with another request is `422 idempotency_key_reused`.
pub fn lookup(conn: &Connection, key: &IdemKey, now: i64) -> Result<Prior, AppError> {
    /// Fingerprint, answer status and body (none while at work), and when it began.
    type Row = (Vec<u8>, Option<u16>, Option<String>, i64);
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT fingerprint, status, body, created_ms FROM idempotency_keys
             WHERE member_id = ?1 AND idem_key = ?2",
        )?
        .query_row(params![key.member_id, key.key], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let Some((fingerprint, status, body, created_ms)) = row else {
        return Ok(Prior::Fresh);
    };
    if fingerprint != key.fingerprint {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::IdempotencyKeyReused,
            "this Idempotency-Key was used for another request; make a new key for a new request",
        ));
    }
    match (status, body) {
        (Some(status), Some(body)) => Ok(Prior::Answered(Answer {
            status: StatusCode::from_u16(status).map_err(AppError::internal)?,
            body,
        })),
        _ if now - created_ms > STALE_MS => {
            conn.prepare_cached(
                "DELETE FROM idempotency_keys WHERE member_id = ?1 AND idem_key = ?2",
            )?
            .execute(params![key.member_id, key.key])?;
            Ok(Prior::Fresh)
        }
        _ => Ok(Prior::Busy),
    }
}

/// The answer to a retry that arrives while the first request is still at work.
pub fn busy() -> AppError {
    let mut err = AppError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Unavailable,
        "the first request with this Idempotency-Key is still being answered; retry shortly",
    );
    err.retry_after = Some(1);
    err
}

/// Marks a fresh key as at work (no answer yet).
pub fn begin(conn: &Connection, key: &IdemKey, now: i64) -> Result<(), AppError> {
    conn.prepare_cached(
        "INSERT INTO idempotency_keys (member_id, idem_key, fingerprint, status, body, created_ms)
         VALUES (?1, ?2, ?3, NULL, NULL, ?4)",
    )?
    .execute(params![key.member_id, key.key, key.fingerprint, now])?;
    Ok(())
}

/// Stores a key's answer (the key may be fresh or at work).
pub fn finish(conn: &Connection, key: &IdemKey, answer: &Answer, now: i64) -> Result<(), AppError> {
    conn.prepare_cached(
        "INSERT INTO idempotency_keys (member_id, idem_key, fingerprint, status, body, created_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (member_id, idem_key) DO UPDATE SET status = excluded.status, body = excluded.body",
    )?
    .execute(params![
        key.member_id,
        key.key,
        key.fingerprint,
        answer.status.as_u16(),
        answer.body,
        now
    ])?;
    Ok(())
}

/// Lets go of a key whose request failed on our side (a 5xx), so a retry tries again.
pub fn abandon(conn: &Connection, key: &IdemKey) -> Result<(), AppError> {
    conn.prepare_cached(
        "DELETE FROM idempotency_keys WHERE member_id = ?1 AND idem_key = ?2 AND status IS NULL",
    )?
    .execute(params![key.member_id, key.key])?;
    Ok(())
}

/// Turns the outcome of a request's work into the answer to store: a success or a refusal
/// (4xx). A 5xx stays an error: it is not stored.
pub fn answer_of(result: Result<Answer, AppError>) -> Result<Answer, AppError> {
    match result {
        Ok(answer) => Ok(answer),
        Err(err) if err.status.is_client_error() => Ok(Answer::error(&err)),
        Err(err) => Err(err),
    }
}

/// Does a request's work once per key, in one transaction with the key: a retry waits for
/// the write lock, then finds the answer. The work runs in a savepoint, so a refusal undoes
/// whatever it had done and only the stored answer is left. Returns the answer and whether
/// it is a replay.
pub fn once(
    conn: &mut Connection,
    key: &IdemKey,
    work: impl FnOnce(&Connection) -> Result<Answer, AppError>,
) -> Result<(Answer, bool), AppError> {
    let now = now_ms();
    let mut tx = write_tx(conn)?;
    match lookup(&tx, key, now)? {
        Prior::Answered(answer) => return Ok((answer, true)),
        Prior::Busy => return Err(busy()),
        Prior::Fresh => {}
    }
    let result = {
        let sp = tx.savepoint()?;
        let result = work(&sp);
        if result.is_ok() {
            sp.commit()?;
        }
        // Dropped without a commit, the savepoint rolls back.
        result
    };
    let answer = answer_of(result)?;
    finish(&tx, key, &answer, now)?;
    tx.commit()?;
    Ok((answer, false))
}

/// Forgets keys older than [`KEEP_MS`].
pub fn sweep(conn: &Connection, now: i64) -> Result<usize, AppError> {
    Ok(conn
        .prepare_cached("DELETE FROM idempotency_keys WHERE created_ms < ?1")?
        .execute(params![now - KEEP_MS])?)
}

/// The `Idempotency-Key` header as the OpenAPI document declares it (the checks are
/// [`IdemKey::from_request`]'s).
pub struct IdempotencyKeyHeader;

impl utoipa::IntoParams for IdempotencyKeyHeader {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![crate::http::params::parameter(
            quanzi_api::IDEMPOTENCY_HEADER,
            ParameterIn::Header,
            "Required: new for each order, or each try at paying, that the member means (a \
             UUID). A retry with the same key and body gets the first answer back (status and \
             body, with `Idempotent-Replayed: true`) and does nothing again.",
            quanzi_api::schema::idempotency_key(),
        )]
    }
}
