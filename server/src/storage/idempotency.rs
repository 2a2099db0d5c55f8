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
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, AssertSqlSafe};

use utoipa::openapi::path::{Parameter, ParameterIn};

use crate::http::error::AppError;
use crate::storage::db::{attempt, for_update, now_ms, BoxFuture, Db};

/// Longest key accepted; a UUID is 36.
pub const KEY_MAX_CHARS: usize = 200;
/// How long a key and its answer are kept.
pub const KEEP_MS: i64 = 24 * 60 * 60 * 1000;
/// A request still marked at work after this long never finished (the server stopped
/// mid-way); its key is let go, so a retry can try again.
pub const STALE_MS: i64 = 60 * 1000;
/// How often a claim tries again when the key it found was let go meanwhile.
const CLAIM_TRIES: usize = 3;
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
    /// Nothing: this request is the first, and the key is now marked at work in the
    /// caller's transaction.
    Fresh,
    /// The first request's answer.
    Answered(Answer),
    /// The first request is still at work.
    Busy,
}

/// Claims a key for a request in the caller's write transaction: marks it at work if no
/// request has it, else says what the first one left. The mark is an insert, so two
/// requests with one key at once (two servers) cannot both find it fresh: the second
/// waits for the first's transaction and then sees its answer. The same key with another
/// request is `422 idempotency_key_reused`.
pub async fn claim(conn: &mut AnyConnection, key: &IdemKey, now: i64) -> Result<Prior, AppError> {
    // The row found may be gone by the time it is read (its request failed and let it go),
    // or be one a stopped server left at work: then the key is tried again.
    let mut found = None;
    for _ in 0..CLAIM_TRIES {
        let marked = sqlx::query(
            "INSERT INTO idempotency_keys (member_id, idem_key, fingerprint, status, body, created_ms)
             VALUES ($1, $2, $3, NULL, NULL, $4)
             ON CONFLICT (member_id, idem_key) DO NOTHING",
        )
        .bind(key.member_id)
        .bind(&key.key)
        .bind(&key.fingerprint[..])
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if marked == 1 {
            return Ok(Prior::Fresh);
        }
        found = sqlx::query_as::<_, (Vec<u8>, Option<i64>, Option<String>, i64)>(
            "SELECT fingerprint, status, body, created_ms FROM idempotency_keys
             WHERE member_id = $1 AND idem_key = $2",
        )
        .bind(key.member_id)
        .bind(&key.key)
        .fetch_optional(&mut *conn)
        .await?;
        match &found {
            None => continue,
            // At work for longer than a request ever is: its server stopped mid-way. The key
            // is let go for the same request (another one is refused below).
            Some((fingerprint, None, _, created_ms))
                if *fingerprint == key.fingerprint && now - created_ms > STALE_MS =>
            {
                sqlx::query(
                    "DELETE FROM idempotency_keys
                     WHERE member_id = $1 AND idem_key = $2 AND status IS NULL AND created_ms = $3",
                )
                .bind(key.member_id)
                .bind(&key.key)
                .bind(*created_ms)
                .execute(&mut *conn)
                .await?;
                found = None;
            }
            Some(_) => break,
        }
    }
    let Some((fingerprint, status, body, _)) = found else {
        return Err(busy());
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
            status: u16::try_from(status)
                .ok()
                .and_then(|s| StatusCode::from_u16(s).ok())
                .ok_or_else(|| AppError::internal(format!("stored status {status}")))?,
            body,
        })),
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

/// Locks a key claimed earlier (its request at work, waiting on the payment provider) before
/// the rows its answer changes, in the order [`claim`] took them: a retry claiming it at
/// the same time waits rather than deadlocks.
pub async fn lock(conn: &mut AnyConnection, key: &IdemKey) -> Result<(), AppError> {
    let lock = for_update(conn);
    sqlx::query(AssertSqlSafe(format!(
        "SELECT status FROM idempotency_keys WHERE member_id = $1 AND idem_key = $2{lock}"
    )))
    .bind(key.member_id)
    .bind(&key.key)
    .fetch_optional(conn)
    .await?;
    Ok(())
}

/// Stores a key's answer (the key may be fresh or at work).
pub async fn finish(
    conn: &mut AnyConnection,
    key: &IdemKey,
    answer: &Answer,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO idempotency_keys (member_id, idem_key, fingerprint, status, body, created_ms)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (member_id, idem_key) DO UPDATE SET status = excluded.status, body = excluded.body",
    )
    .bind(key.member_id)
    .bind(&key.key)
    .bind(&key.fingerprint[..])
    .bind(i64::from(answer.status.as_u16()))
    .bind(&answer.body)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Lets go of a key whose request failed on our side (a 5xx), so a retry tries again.
pub async fn abandon(conn: &mut AnyConnection, key: &IdemKey) -> Result<(), AppError> {
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE member_id = $1 AND idem_key = $2 AND status IS NULL",
    )
    .bind(key.member_id)
    .bind(&key.key)
    .execute(conn)
    .await?;
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
/// it, then finds the answer. The work runs in a savepoint, so a refusal undoes whatever it
/// had done and only the stored answer is left. Returns the answer and whether it is a
/// replay.
pub async fn once<F>(db: &Db, key: &IdemKey, work: F) -> Result<(Answer, bool), AppError>
where
    F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<Answer, AppError>>,
{
    let now = now_ms();
    let mut tx = db.write().await?;
    match claim(&mut tx, key, now).await? {
        Prior::Answered(answer) => return Ok((answer, true)),
        Prior::Busy => return Err(busy()),
        Prior::Fresh => {}
    }
    let answer = answer_of(attempt(&mut tx, work).await)?;
    finish(&mut tx, key, &answer, now).await?;
    tx.commit().await?;
    Ok((answer, false))
}

/// Forgets keys older than [`KEEP_MS`].
pub async fn sweep(db: &Db, now: i64) -> Result<u64, AppError> {
    Ok(
        sqlx::query("DELETE FROM idempotency_keys WHERE created_ms < $1")
            .bind(now - KEEP_MS)
            .execute(db.pool())
            .await?
            .rows_affected(),
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::db::PoolSettings;

    fn key(member_id: i64, body: serde_json::Value) -> Result<IdemKey, AppError> {
        let mut headers = HeaderMap::new();
        headers.insert(IDEMPOTENCY_HEADER, HeaderValue::from_static("key-1"));
        IdemKey::from_request(&headers, member_id, &Method::POST, "/api/v1/orders", &body)
    }

    /// Claims `key` at `now` in a transaction of its own, committed.
    async fn claimed(db: &Db, key: &IdemKey, now: i64) -> Result<Prior, AppError> {
        let mut tx = db.write().await?;
        let prior = claim(&mut tx, key, now).await?;
        tx.commit().await?;
        Ok(prior)
    }

    #[tokio::test]
    async fn a_key_left_at_work_is_busy_then_taken_over_by_its_own_request() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::sqlite(&dir.path().join("q.sqlite"), PoolSettings::default()).await?;
        let member: i64 =
            sqlx::query_scalar("INSERT INTO members (name) VALUES ('a') RETURNING id")
                .fetch_one(db.pool())
                .await?;
        let fail = |e: AppError| anyhow::anyhow!("{}", e.message);
        let first = key(member, serde_json::json!({"n": 1})).map_err(fail)?;
        let t0 = 1_000_000_000;
        assert!(matches!(
            claimed(&db, &first, t0).await.map_err(fail)?,
            Prior::Fresh
        ));
        // Its request is still at work (a payment waiting on the provider): a retry waits.
        let retry = claimed(&db, &first, t0 + STALE_MS / 2)
            .await
            .map_err(fail)?;
        assert!(matches!(retry, Prior::Busy));
        // Another request with the key is refused, stale or not.
        let other = key(member, serde_json::json!({"n": 2})).map_err(fail)?;
        let refused = claimed(&db, &other, t0 + STALE_MS + 1)
            .await
            .err()
            .map(|e| e.code);
        assert_eq!(refused, Some(ErrorCode::IdempotencyKeyReused));
        // Past a minute its server must have stopped: the same request takes the key over.
        let taken = claimed(&db, &first, t0 + STALE_MS + 1)
            .await
            .map_err(fail)?;
        assert!(matches!(taken, Prior::Fresh));
        // Answered, the key replays that answer.
        let answer =
            Answer::json(StatusCode::CREATED, &serde_json::json!({"id": 7})).map_err(fail)?;
        let mut tx = db.write().await.map_err(fail)?;
        finish(&mut tx, &first, &answer, t0).await.map_err(fail)?;
        tx.commit().await?;
        match claimed(&db, &first, t0 + 2 * STALE_MS)
            .await
            .map_err(fail)?
        {
            Prior::Answered(replayed) => assert_eq!(replayed, answer),
            other => panic!("{other:?}"),
        }
        Ok(())
    }
}
