//! Members' accounts: `POST /account/sign-up`, `/sign-in`, `/sign-out` and `GET
//! /account/me` (the profile picture is in `avatar`). Passwords are hashed with Argon2id
//! (default parameters, a random salt each); neither a password nor its hash is ever logged
//! or sent back.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use quanzi_api::check;
use quanzi_api::{CommunityRef, ErrorCode, Me, Membership, SignIn, SignUp, StaffRole};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::communities::membership::parse_role;
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::ratelimit::ClientAddr;
use crate::members::session::{self, Viewer};
use crate::members::Accounts;
use crate::referral;
use crate::storage::db::now_ms;
use crate::storage::names::hex;
use crate::storage::rows::author;
use crate::storage::rows::AUTHOR_COLUMNS;

/// An Argon2id PHC string for a password, with a fresh random salt. Slow on purpose: call
/// it off the async workers.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(AppError::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(AppError::internal)?;
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(AppError::internal)?;
    Ok(hash.to_string())
}

/// Whether a password matches a stored PHC string (the parameters come from the string).
fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(err) => {
            tracing::error!(error = %err, "a stored password hash does not parse");
            false
        }
    }
}

/// A hash nobody's password matches, checked against when the email is unknown so that
/// answer takes as long as a wrong password. Computed once; [`crate::state`] warms it at
/// startup so the first unknown email is not the slow one.
pub fn dummy_hash() -> Option<&'static str> {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    DUMMY
        .get_or_init(|| {
            let mut secret = [0u8; 32];
            let random = getrandom::fill(&mut secret).map(|()| hex(&secret));
            hash_password(&random.unwrap_or_else(|_| "unguessable-dummy-password".to_owned())).ok()
        })
        .as_deref()
}

/// The signed-in member as `GET /account/me` shows them; `None` without an account.
pub async fn load_me(
    conn: &mut AnyConnection,
    member_id: i64,
    lang: Lang,
) -> Result<Option<Me>, AppError> {
    let found = sqlx::query(AssertSqlSafe(format!(
        "SELECT {AUTHOR_COLUMNS}, a.email, s.role
         FROM members m JOIN accounts a ON a.member_id = m.id
         LEFT JOIN staff s ON s.member_id = m.id
         WHERE m.id = $1"
    )))
    .bind(member_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(found) = found else {
        return Ok(None);
    };
    let (member, email) = (author(&found, 0, lang)?, found.try_get::<String, _>(7)?);
    let staff = match found.try_get::<Option<&str>, _>(8)? {
        None => None,
        Some(raw) => Some(
            StaffRole::parse(raw)
                .ok_or_else(|| AppError::internal(format!("staff.role = {raw:?}")))?,
        ),
    };
    let referral_code = referral::code_of(conn, member_id).await?;
    let rows = sqlx::query(
        "SELECT c.slug, c.name_zh, c.name_en, ms.role
         FROM memberships ms JOIN communities c ON c.id = ms.community_id
         WHERE ms.member_id = $1
         ORDER BY ms.joined_ms, c.id",
    )
    .bind(member_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut communities = Vec::with_capacity(rows.len());
    for r in &rows {
        communities.push(Membership {
            community: CommunityRef {
                slug: r.try_get(0)?,
                name: lang.pick(r.try_get(1)?, r.try_get(2)?),
            },
            role: parse_role(&r.try_get::<String, _>(3)?)?,
        });
    }
    Ok(Some(Me {
        member,
        email,
        referral_code,
        communities,
        staff,
    }))
}

/// Runs a password hash or check on the blocking pool: it takes tens of milliseconds of
/// CPU and ~19 MiB, and must not stall the async workers. At most two run at once, so a
/// flood of sign-ups queues here instead of exhausting memory and the database's threads.
async fn blocking<T, F>(work: F) -> Result<T, AppError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    static HASHERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
    let _permit = HASHERS.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(AppError::internal)
}

/// The session this browser already holds, if any: replaced (and ended) by a new sign-in,
/// so a shared phone never keeps the previous person's session alive.
fn previous_token(state: &Accounts, headers: &HeaderMap) -> Option<String> {
    session::token_from(headers, state.scheme.secure())
}

/// Creates an account and signs it in.
#[utoipa::path(
    post,
    path = "/account/sign-up",
    tag = "account",
    request_body = SignUp,
    responses(
        (status = 201, description = "Signed up and signed in; the session cookie is set. The sign-up is credited to \
            the member whose code is in the referral cookie (`quanzi_ref`, set on landing with `?ref=`), else to the one \
            whose code is `referral_code`; unknown codes and the browser's own signed-in member are ignored", body = Me,
         headers(("Set-Cookie" = String, description = "`quanzi_session=…; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000`"))),
        (status = 400, description = "`bad_name`, `bad_email`, `weak_password` or `bad_json`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`: a write from another site", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`email_taken`", body = quanzi_api::ApiErrorBody),
        (status = 429, description = "`rate_limited`: 10 sign-ups from this address in the last hour (taken emails count too)",
         body = quanzi_api::ApiErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn sign_up(
    State(state): State<Accounts>,
    lang: Lang,
    ClientAddr(addr): ClientAddr,
    request_headers: HeaderMap,
    JsonBody(body): JsonBody<SignUp>,
) -> Result<(StatusCode, HeaderMap, Json<Me>), AppError> {
    let name = check::name(&body.name)?;
    let email = check::email(&body.email)?;
    check::password(&body.password)?;
    state.limits.sign_up(&state.db, addr, now_ms()).await?;
    // Checked before the slow hash to spare the work; the UNIQUE index settles races.
    let taken = sqlx::query("SELECT 1 FROM accounts WHERE email = $1")
        .bind(&email)
        .fetch_optional(state.db.pool())
        .await?
        .is_some();
    if taken {
        return Err(email_taken());
    }
    let password = body.password;
    let hash = blocking(move || hash_password(&password)).await??;
    let previous = previous_token(&state, &request_headers);
    // The server's own first-touch cookie wins over what the app kept; both are only read
    // as codes (anything else is ignored, like an unknown code).
    let cookie_code = referral::cookie_code(&request_headers, state.scheme.secure());
    let body_code = body
        .referral_code
        .as_deref()
        .and_then(quanzi_api::parse_referral_code);
    let mut tx = state.db.write().await?;
    // Who is signed in on this browser, if anyone: they cannot refer the account they are
    // making themselves.
    let signed_in = match &previous {
        Some(previous) => session::member_for(&mut tx, previous).await?,
        None => None,
    };
    if let Some(previous) = previous {
        session::revoke(&mut tx, &previous).await?;
    }
    let member_id: i64 = sqlx::query_scalar("INSERT INTO members (name) VALUES ($1) RETURNING id")
        .bind(&name)
        .fetch_one(&mut *tx)
        .await?;
    referral::assign_code(&mut tx, member_id).await?;
    let referrer = referral::referrer_for_sign_up(
        &mut tx,
        cookie_code.as_deref(),
        body_code.as_deref(),
        signed_in,
    )
    .await?;
    if let Some(referrer) = referrer {
        referral::credit_sign_up(&mut tx, member_id, referrer, now_ms()).await?;
    }
    let inserted = sqlx::query(
        "INSERT INTO accounts (member_id, email, password_hash, created_ms)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(member_id)
    .bind(&email)
    .bind(&hash)
    .bind(now_ms())
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Err(email_taken()),
        other => other?,
    };
    let token = session::create(&mut tx, member_id).await?;
    let me = load_me(&mut tx, member_id, lang)
        .await?
        .ok_or_else(|| AppError::internal("the new account vanished"))?;
    tx.commit().await?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::SET_COOKIE,
        session::set_cookie(&token, state.scheme.secure())?,
    );
    Ok((StatusCode::CREATED, headers, Json(me)))
}

fn email_taken() -> AppError {
    AppError::conflict(
        ErrorCode::EmailTaken,
        "an account with this email exists; sign in instead",
    )
}

/// Signs in with email and password. A wrong password and an unknown email get the same
/// answer, in about the same time.
#[utoipa::path(
    post,
    path = "/account/sign-in",
    tag = "account",
    request_body = SignIn,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = Me,
         headers(("Set-Cookie" = String, description = "The session cookie"))),
        (status = 400, description = "`bad_json`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`invalid_credentials`: wrong email or password (one answer for both)", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 429, description = "`rate_limited`: 5 failures for this email or 20 from this address in 15 minutes",
         body = quanzi_api::ApiErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn sign_in(
    State(state): State<Accounts>,
    lang: Lang,
    ClientAddr(addr): ClientAddr,
    request_headers: HeaderMap,
    JsonBody(body): JsonBody<SignIn>,
) -> Result<(HeaderMap, Json<Me>), AppError> {
    let email = check::normalize_email(&body.email);
    let attempt = state
        .limits
        .sign_in(&state.db, &email, addr, now_ms())
        .await?;
    let stored = sqlx::query("SELECT member_id, password_hash FROM accounts WHERE email = $1")
        .bind(&email)
        .fetch_optional(state.db.pool())
        .await?
        .map(|r| Ok::<_, sqlx::Error>((r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?)))
        .transpose()?;
    let password = body.password;
    let member_id = blocking(move || match stored {
        Some((member_id, hash)) => verify_password(&password, &hash).then_some(member_id),
        None => {
            // Spend what a real check spends; if the dummy could not be made, a fresh hash
            // costs the same.
            match dummy_hash() {
                Some(dummy) => {
                    verify_password(&password, dummy);
                }
                None => {
                    let _ = hash_password(&password);
                }
            }
            None
        }
    })
    .await?;
    let Some(member_id) = member_id else {
        state.limits.failed(attempt);
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidCredentials,
            "wrong email or password",
        ));
    };
    state.limits.signed_in(&state.db, attempt).await?;
    let previous = previous_token(&state, &request_headers);
    let mut conn = state.db.pool().acquire().await?;
    if let Some(previous) = previous {
        session::revoke(&mut conn, &previous).await?;
    }
    let token = session::create(&mut conn, member_id).await?;
    let me = load_me(&mut conn, member_id, lang)
        .await?
        .ok_or_else(|| AppError::internal("an account without a member"))?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::SET_COOKIE,
        session::set_cookie(&token, state.scheme.secure())?,
    );
    Ok((headers, Json(me)))
}

/// Ends the session on the server and clears the cookie. Without a session it does the
/// same and succeeds: signing out twice is not an error.
#[utoipa::path(
    post,
    path = "/account/sign-out",
    tag = "account",
    responses(
        (status = 204, description = "Signed out; the cookie is cleared (Max-Age=0)"),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn sign_out(
    State(state): State<Accounts>,
    headers: HeaderMap,
) -> Result<(StatusCode, HeaderMap), AppError> {
    if let Some(token) = session::token_from(&headers, state.scheme.secure()) {
        session::revoke(&mut *state.db.pool().acquire().await?, &token).await?;
    }
    let mut out = HeaderMap::new();
    out.insert(
        header::SET_COOKIE,
        session::clear_cookie(state.scheme.secure()),
    );
    Ok((StatusCode::NO_CONTENT, out))
}

/// The signed-in member, with their email and communities; 204 for a guest.
///
/// Being a guest is no error: every page asks, and a 401 would be logged in every guest's
/// browser console.
#[utoipa::path(
    get,
    path = "/account/me",
    tag = "account",
    params(
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The signed-in member", body = Me),
        (status = 204, description = "A guest: no live session (no cookie, or one that has ended)"),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security((), ("session" = []))
)]
pub async fn me(
    State(state): State<Accounts>,
    lang: Lang,
    Viewer(viewer): Viewer,
) -> Result<Response, AppError> {
    let Some(member_id) = viewer else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    // A session whose account has gone is a guest's too.
    Ok(
        load_me(&mut *state.db.pool().acquire().await?, member_id, lang)
            .await?
            .map_or_else(
                || StatusCode::NO_CONTENT.into_response(),
                |me| Json(me).into_response(),
            ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_carry_a_fresh_salt() -> Result<(), AppError> {
        let a = hash_password("quanzi-demo")?;
        let b = hash_password("quanzi-demo")?;
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(verify_password("quanzi-demo", &a));
        assert!(!verify_password("quanzi-demO", &a));
        assert!(!verify_password("quanzi-demo", "not a hash"));
        Ok(())
    }
}
