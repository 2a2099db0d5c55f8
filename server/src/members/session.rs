//! Sessions: 32 random bytes in an HttpOnly cookie. The database keeps only their SHA-256,
//! so a copy of the table signs nobody in, and deleting the row ends the session for good
//! (sign-out is server-side, not just a cleared cookie).
//!
//! Handlers learn who is asking through two extractors: [`Viewer`] (maybe nobody) for pages
//! anyone may read, and [`SignedIn`] (a 401 otherwise) for acting.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Connection, Row};

use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::Modify;

use crate::http::error::AppError;
use crate::http::origin::Scheme;
use crate::storage::db::now_ms;
use crate::storage::db::Db;
use crate::storage::names::random_base64url;

/// The cookie's name over plain http (the reference server on 127.0.0.1).
pub const COOKIE_NAME: &str = "quanzi_session";
/// Over HTTPS: the `__Host-` prefix makes browsers refuse the cookie unless it is `Secure`,
/// `Path=/` and has no `Domain`, so a sibling subdomain cannot plant or widen it.
pub const SECURE_COOKIE_NAME: &str = "__Host-quanzi_session";
/// How long a session lasts, in seconds (30 days); the cookie's Max-Age says the same.
pub const SESSION_SECS: i64 = 30 * 24 * 60 * 60;

const TOKEN_BYTES: usize = 32;
/// 32 bytes in unpadded base64url.
const TOKEN_CHARS: usize = 43;
/// `last_seen_ms` is refreshed at most this often, so reading pages costs no writes.
const TOUCH_EVERY_MS: i64 = 60 * 60 * 1000;

fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Starts a session for a member; returns the token for the cookie. Expired sessions are
/// swept on the way, so the table does not grow without bound.
pub async fn create(conn: &mut AnyConnection, member_id: i64) -> Result<String, AppError> {
    let token = random_base64url::<TOKEN_BYTES>().map_err(AppError::internal)?;
    let now = now_ms();
    sqlx::query("DELETE FROM sessions WHERE expires_ms <= $1")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, member_id, created_ms, expires_ms, last_seen_ms)
         VALUES ($1, $2, $3, $4, $3)",
    )
    .bind(token_hash(&token))
    .bind(member_id)
    .bind(now)
    .bind(now + SESSION_SECS * 1000)
    .execute(conn)
    .await?;
    Ok(token)
}

/// Ends a session; nothing happens when there is none.
pub async fn revoke(conn: &mut AnyConnection, token: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(conn)
        .await?;
    Ok(())
}

/// The member a live session belongs to.
pub async fn member_for(conn: &mut AnyConnection, token: &str) -> Result<Option<i64>, AppError> {
    let now = now_ms();
    let hash = token_hash(token);
    let found = sqlx::query(
        "SELECT member_id, last_seen_ms FROM sessions
         WHERE token_hash = $1 AND expires_ms > $2",
    )
    .bind(&hash)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = found else {
        return Ok(None);
    };
    let (member_id, last_seen): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
    if now - last_seen > TOUCH_EVERY_MS {
        // Bookkeeping only: a busy database must not turn a page view into an error. In a
        // savepoint (or a transaction of its own), so a refused touch leaves the caller's
        // transaction usable on PostgreSQL.
        let touched = async {
            let mut touch = conn.begin().await?;
            sqlx::query("UPDATE sessions SET last_seen_ms = $2 WHERE token_hash = $1")
                .bind(&hash)
                .bind(now)
                .execute(&mut *touch)
                .await?;
            touch.commit().await
        }
        .await;
        if let Err(err) = touched {
            tracing::warn!(error = %err, "could not record session activity");
        }
    }
    Ok(Some(member_id))
}

/// The session token a request carries, if any is well-formed. Every `Cookie` header is
/// read (HTTP/2 may split them); a value of the wrong shape is ignored, not looked up.
pub fn token_from(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie_values(headers, cookie_name(secure))
        .find(|value| {
            value.len() == TOKEN_CHARS
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned)
}

/// The values of every cookie called `name` a request carries, trimmed, in order. Every
/// `Cookie` header is read (HTTP/2 may split them); values are not checked here.
pub fn cookie_values<'a>(
    headers: &'a HeaderMap,
    name: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(move |(n, _)| *n == name)
        .map(|(_, value)| value.trim())
}

/// `Set-Cookie` for a new session. HttpOnly keeps it from scripts; SameSite=Lax keeps
/// browsers from sending it on cross-site form posts (the Origin check is the second lock).
pub fn set_cookie(token: &str, secure: bool) -> Result<HeaderValue, AppError> {
    let secure_attr = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={SESSION_SECS}{secure_attr}",
        cookie_name(secure)
    ))
    .map_err(AppError::internal)
}

/// `Set-Cookie` that makes the browser forget the session.
pub fn clear_cookie(secure: bool) -> HeaderValue {
    if secure {
        HeaderValue::from_static(
            "__Host-quanzi_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0; Secure",
        )
    } else {
        HeaderValue::from_static("quanzi_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0")
    }
}

/// Who is asking: a member id, or `None` for a guest (no cookie, or a dead session).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewer(pub Option<i64>);

impl<S> FromRequestParts<S> for Viewer
where
    Db: FromRef<S>,
    Scheme: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        // Two extractors in one handler look the session up once.
        if let Some(viewer) = parts.extensions.get::<Viewer>() {
            return Ok(*viewer);
        }
        let viewer = match token_from(&parts.headers, Scheme::from_ref(state).secure()) {
            None => Viewer(None),
            Some(token) => {
                let db = Db::from_ref(state);
                Viewer(member_for(&mut *db.pool().acquire().await?, &token).await?)
            }
        };
        parts.extensions.insert(viewer);
        Ok(viewer)
    }
}

/// A signed-in member's id; guests get 401 `unauthenticated`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedIn(pub i64);

impl<S> FromRequestParts<S> for SignedIn
where
    Db: FromRef<S>,
    Scheme: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match Viewer::from_request_parts(parts, state).await? {
            Viewer(Some(id)) => Ok(SignedIn(id)),
            Viewer(None) => Err(AppError::unauthenticated()),
        }
    }
}

/// Declares the session cookie, which the `security(("session" = []))` of the member-only
/// operations refer to.
pub struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                COOKIE_NAME,
                "Set by sign-up and sign-in; HttpOnly, SameSite=Lax. Over HTTPS it is \
                 `__Host-quanzi_session` and Secure. Every POST, PUT, PATCH and DELETE must \
                 also carry an `Origin` of this site (or `Sec-Fetch-Site: same-origin`), \
                 else 403 `bad_origin`.",
            ))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookies: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for c in cookies {
            map.append(header::COOKIE, HeaderValue::from_str(c).expect("value"));
        }
        map
    }

    #[test]
    fn the_token_is_found_among_other_cookies() {
        let token = "a".repeat(TOKEN_CHARS);
        let map = headers(&["theme=dark", &format!("x=1; quanzi_session={token}; y=2")]);
        assert_eq!(token_from(&map, false), Some(token.clone()));
        // Over HTTPS only the prefixed name counts.
        assert_eq!(token_from(&map, true), None);
        let map = headers(&[&format!("__Host-quanzi_session={token}")]);
        assert_eq!(token_from(&map, true), Some(token));
    }

    #[test]
    fn malformed_tokens_are_ignored() {
        for value in [
            "",
            "short",
            &"a".repeat(TOKEN_CHARS + 1),
            &format!("{}=", "a".repeat(TOKEN_CHARS - 1)),
            &format!("{}/", "a".repeat(TOKEN_CHARS - 1)),
        ] {
            let map = headers(&[&format!("quanzi_session={value}")]);
            assert_eq!(token_from(&map, false), None, "{value:?}");
        }
    }

    #[test]
    fn cookies_carry_the_promised_attributes() -> Result<(), AppError> {
        let plain = set_cookie("tok", false)?;
        assert_eq!(
            plain.to_str().ok(),
            Some("quanzi_session=tok; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000")
        );
        let secure = set_cookie("tok", true)?;
        assert!(secure
            .to_str()
            .is_ok_and(|v| v.starts_with("__Host-") && v.ends_with("; Secure")));
        assert!(clear_cookie(false)
            .to_str()
            .is_ok_and(|v| v.contains("Max-Age=0")));
        Ok(())
    }
}
