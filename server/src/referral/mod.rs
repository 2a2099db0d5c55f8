//! Referral codes and what they earn: every member's code, the visits a `?ref=` link brings
//! (recorded when a page of the app is served, or when the app reports a code it found in a
//! host container's launch parameter: `POST /referrals/visits`), the sign-ups credited at
//! sign-up, and `GET /account/referrals`, the member's dashboard.
//!
//! Two first-party cookies carry a landing to the sign-up, both HttpOnly and SameSite=Lax
//! (`Secure` with the `__Host-` prefix under `--secure-cookies`, like the session):
//! - the visitor cookie: a random id, so one browser counts one visit per referrer and day;
//! - the referral cookie: the first valid code a browser landed with, for the referral
//!   window (first touch wins: a later link does not replace it while it lives).
//!
//! Every code the server reads (query, cookie, body) goes through
//! [`quanzi_api::parse_referral_code`]; anything that is not a code is ignored without a
//! trace: nothing stored, nothing echoed, the page served as if there were no `ref`.

use axum::extract::{FromRef, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::Json;
use base64::Engine;
use quanzi_api::referral::CROCKFORD_ALPHABET;
use quanzi_api::{
    parse_referral_code, ErrorCode, Money, ReferralDay, ReferralVisit, Referrals, Referrer, Route,
    REFERRAL_CODE_LEN,
};
use sqlx::{AnyConnection, AssertSqlSafe, Connection, Row};
use time::macros::format_description;
use time::OffsetDateTime;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::commerce::expiry;
use crate::http::body::JsonBody;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::origin::Scheme;
use crate::http::params::PathCode;
use crate::members::session::{self, cookie_values, SignedIn, Viewer};
use crate::storage::db::{now_ms, Db};
use crate::storage::rows::{author, AUTHOR_COLUMNS};

/// The referral window when `--referral-days` is not given.
pub const DEFAULT_REFERRAL_DAYS: u32 = 30;

/// How many days a referral cookie credits the member whose link was followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReferralDays(pub u32);

/// What landings and the dashboard need of the state: the database, the cookie scheme and
/// the referral window.
#[derive(Clone)]
pub struct ReferralState {
    pub db: Db,
    pub scheme: Scheme,
    pub days: ReferralDays,
}

impl<S> FromRef<S> for ReferralState
where
    Db: FromRef<S>,
    Scheme: FromRef<S>,
    ReferralDays: FromRef<S>,
{
    fn from_ref(state: &S) -> Self {
        ReferralState {
            db: Db::from_ref(state),
            scheme: Scheme::from_ref(state),
            days: ReferralDays::from_ref(state),
        }
    }
}
/// Browsers cap a cookie's lifetime at 400 days; a longer window would be cut silently.
pub const MAX_REFERRAL_DAYS: u32 = 400;

/// The referral cookie over plain http, and over HTTPS (see `session::SECURE_COOKIE_NAME`
/// for why the prefix).
pub const REF_COOKIE: &str = "quanzi_ref";
pub const SECURE_REF_COOKIE: &str = "__Host-quanzi_ref";
/// The visitor cookie, likewise.
pub const VISITOR_COOKIE: &str = "quanzi_visitor";
pub const SECURE_VISITOR_COOKIE: &str = "__Host-quanzi_visitor";
/// How long a browser keeps its visitor id: as long as browsers allow (400 days), so a
/// returning visitor is the same visitor.
pub const VISITOR_SECS: u64 = 400 * 24 * 60 * 60;

/// 16 random bytes in unpadded base64url.
const VISITOR_CHARS: usize = 22;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Codes tried before giving up: with 32^8 (about 10^12) codes a collision is rare, two in
/// a row rarer still; a run of them means something else is wrong.
const CODE_ATTEMPTS: usize = 8;
/// Query parameters looked at for `ref`; a longer query is junk and its tail ignored.
const MAX_QUERY_PAIRS: usize = 32;

/// A fresh code: 8 digits of Crockford base32 from the OS's CSPRNG. Each random byte gives
/// one digit through its low 5 bits; 256 is a multiple of 32, so every digit is uniform.
pub fn new_code() -> Result<String, AppError> {
    let mut bytes = [0u8; REFERRAL_CODE_LEN];
    getrandom::fill(&mut bytes).map_err(AppError::internal)?;
    Ok(bytes
        .iter()
        .map(|b| char::from(CROCKFORD_ALPHABET[usize::from(b & 31)]))
        .collect())
}

/// Gives a member without a code a fresh one (retrying on the rare collision) and returns
/// the member's code; a member who has one keeps it. Each try is a transaction of its own,
/// or a savepoint inside the caller's: on PostgreSQL a refused statement ends the
/// transaction it is in.
pub async fn assign_code(conn: &mut AnyConnection, member_id: i64) -> Result<String, AppError> {
    for _ in 0..CODE_ATTEMPTS {
        let code = new_code()?;
        let mut attempt = conn.begin().await?;
        let set = sqlx::query(
            "UPDATE members SET referral_code = $2 WHERE id = $1 AND referral_code IS NULL",
        )
        .bind(member_id)
        .bind(&code)
        .execute(&mut *attempt)
        .await;
        match set {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                attempt.rollback().await?;
                continue;
            }
            Err(err) => return Err(err.into()),
            Ok(_) => attempt.commit().await?,
        }
        let stored: Option<Option<String>> =
            sqlx::query_scalar("SELECT referral_code FROM members WHERE id = $1")
                .bind(member_id)
                .fetch_optional(&mut *conn)
                .await?;
        return match stored {
            Some(Some(code)) => Ok(code),
            _ => Err(AppError::internal("a referral code for a missing member")),
        };
    }
    Err(AppError::internal(
        "no free referral code after several tries",
    ))
}

/// Gives every member without a code one, in one transaction; returns how many got one.
/// Runs at startup, after the demo store is loaded, so demo members have codes too.
pub async fn backfill(db: &Db) -> Result<usize, AppError> {
    let mut tx = db.write().await?;
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM members WHERE referral_code IS NULL ORDER BY id")
            .fetch_all(&mut *tx)
            .await?;
    for id in &ids {
        assign_code(&mut tx, *id).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}

/// A member's code, given on the spot if (against expectations) they have none.
pub async fn code_of(conn: &mut AnyConnection, member_id: i64) -> Result<String, AppError> {
    let stored: Option<Option<String>> =
        sqlx::query_scalar("SELECT referral_code FROM members WHERE id = $1")
            .bind(member_id)
            .fetch_optional(&mut *conn)
            .await?;
    match stored {
        Some(Some(code)) => Ok(code),
        Some(None) => assign_code(conn, member_id).await,
        None => Err(AppError::internal("a referral code for a missing member")),
    }
}

/// The member a (parsed) code belongs to.
pub async fn member_by_code(conn: &mut AnyConnection, code: &str) -> Result<Option<i64>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM members WHERE referral_code = $1")
            .bind(code)
            .fetch_optional(conn)
            .await?,
    )
}

fn ref_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_REF_COOKIE
    } else {
        REF_COOKIE
    }
}

fn visitor_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_VISITOR_COOKIE
    } else {
        VISITOR_COOKIE
    }
}

/// The code in the referral cookie, if the request carries one that reads as a code.
pub fn cookie_code(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie_values(headers, ref_cookie_name(secure)).find_map(parse_referral_code)
}

/// The visitor id in the visitor cookie, if well-formed (anything else is not looked at).
fn cookie_visitor(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie_values(headers, visitor_cookie_name(secure))
        .find(|value| {
            value.len() == VISITOR_CHARS
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned)
}

fn new_visitor() -> Result<String, AppError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(AppError::internal)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// `Set-Cookie` of the referral cookie: the code, for the referral window.
pub fn set_ref_cookie(code: &str, days: u32, secure: bool) -> Result<HeaderValue, AppError> {
    set_cookie(
        ref_cookie_name(secure),
        code,
        u64::from(days) * 86_400,
        secure,
    )
}

/// `Set-Cookie` of the visitor cookie.
pub fn set_visitor_cookie(visitor: &str, secure: bool) -> Result<HeaderValue, AppError> {
    set_cookie(visitor_cookie_name(secure), visitor, VISITOR_SECS, secure)
}

/// Both cookies are for the server alone (HttpOnly), sent on top-level navigations from
/// other sites (Lax: the share link in a chat is exactly that), and scoped to the whole
/// site with no Domain, so they never depend on, or leak to, another host name.
fn set_cookie(
    name: &str,
    value: &str,
    max_age: u64,
    secure: bool,
) -> Result<HeaderValue, AppError> {
    let secure_attr = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure_attr}"
    ))
    .map_err(AppError::internal)
}

/// The code a URL's query carries in `ref`, if it reads as one.
pub fn query_code(query: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .take(MAX_QUERY_PAIRS)
        .find(|(name, _)| name == "ref")
        .and_then(|(_, value)| parse_referral_code(&value))
}

/// What a landing with a valid code of an existing member leads to.
#[derive(Debug, Default, PartialEq, Eq)]
struct Landing {
    /// A new visitor id to give the browser.
    visitor_cookie: Option<String>,
    /// The code to keep in the referral cookie (none when a valid one is already held).
    ref_cookie: Option<String>,
}

/// What is known of a request that arrives with a (parsed) code: its cookies.
struct Arrival {
    code: String,
    visitor: Option<String>,
    held: Option<String>,
    session: Option<String>,
}

impl Arrival {
    fn read(code: String, headers: &HeaderMap, secure: bool) -> Arrival {
        Arrival {
            code,
            visitor: cookie_visitor(headers, secure),
            held: cookie_code(headers, secure),
            session: session::token_from(headers, secure),
        }
    }
}

/// Records a visit and decides the cookies. Nothing at all for an unknown code, or for a
/// member landing on their own link.
async fn land(
    conn: &mut AnyConnection,
    arrival: Arrival,
    now_ms: i64,
) -> Result<Landing, AppError> {
    let Some(referrer) = member_by_code(conn, &arrival.code).await? else {
        return Ok(Landing::default());
    };
    let viewer = match &arrival.session {
        Some(token) => session::member_for(conn, token).await?,
        None => None,
    };
    if viewer == Some(referrer) {
        return Ok(Landing::default());
    }
    let (visitor, visitor_cookie) = match arrival.visitor {
        Some(visitor) => (visitor, None),
        None => {
            let visitor = new_visitor()?;
            (visitor.clone(), Some(visitor))
        }
    };
    sqlx::query(
        "INSERT INTO referral_visits (referrer_id, day, visitor, created_ms)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(referrer)
    .bind(now_ms.div_euclid(DAY_MS))
    .bind(visitor)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    // First touch wins, but only a cookie that still names a member counts as a touch.
    let held_is_valid = match &arrival.held {
        Some(code) => member_by_code(conn, code).await?.is_some(),
        None => false,
    };
    Ok(Landing {
        visitor_cookie,
        ref_cookie: (!held_is_valid).then_some(arrival.code),
    })
}

/// Records an arrival (see [`land`]) and returns the `Set-Cookie` values it earns: none for
/// an unknown code or a member's own.
async fn arrive(state: &ReferralState, arrival: Arrival) -> Result<Vec<HeaderValue>, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    let landing = land(&mut conn, arrival, now_ms()).await?;
    let secure = state.scheme.secure();
    let mut cookies = Vec::new();
    if let Some(visitor) = &landing.visitor_cookie {
        cookies.push(set_visitor_cookie(visitor, secure)?);
    }
    if let Some(code) = &landing.ref_cookie {
        cookies.push(set_ref_cookie(code, state.days.0, secure)?);
    }
    Ok(cookies)
}

/// Appends `cookies` to a response's headers, with `cache_control` so a response that sets
/// a browser's own ids is never stored for someone else; nothing when there are none.
fn append_cookies(headers: &mut HeaderMap, cookies: Vec<HeaderValue>, cache_control: &'static str) {
    if cookies.is_empty() {
        return;
    }
    for cookie in cookies {
        headers.append(header::SET_COOKIE, cookie);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
}

/// Middleware on the site: a `GET` of an app page (the URL table) whose query has `ref={code}` of an existing
/// member (not the signed-in member's own), or of that member's shop (`/s/{code}`), records a visit and sets
/// the cookies. Pages are
/// rendered first and always served with their own status; a failure here is logged and
/// costs the visit, never the page.
pub async fn landing(State(state): State<ReferralState>, req: Request, next: Next) -> Response {
    // A page with `?ref=`; a member's shop is a landing with its own code too.
    let code = match (req.method(), Route::from_path(req.uri().path())) {
        (&Method::GET, Some(route)) => req.uri().query().and_then(query_code).or(match route {
            Route::Shop(code) => Some(code),
            _ => None,
        }),
        _ => None,
    };
    let Some(code) = code else {
        return next.run(req).await;
    };
    let arrival = Arrival::read(code, req.headers(), state.scheme.secure());
    let mut res = next.run(req).await;
    // Only the shell counts as a landing (not a 503 while the app is unbuilt, nor a 500).
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !is_page || res.status().is_server_error() || res.status() == StatusCode::NOT_MODIFIED {
        return res;
    }
    // A failure is logged by AppError already.
    if let Ok(cookies) = arrive(&state, arrival).await {
        append_cookies(res.headers_mut(), cookies, "private, no-cache");
    }
    res
}

/// A referral code the app found where the server cannot see it: a host container's launch
/// parameter travels in the URL's fragment (`#tgWebAppStartParam=…`), which browsers never
/// send. Counted exactly like a landing with `?ref=`: one visit per visitor and UTC day, the
/// visitor cookie when the browser has none, the first-touch referral cookie when it holds
/// no valid one; an unknown code, or the signed-in member's own, changes nothing.
#[utoipa::path(
    post,
    path = "/referrals/visits",
    tag = "referrals",
    request_body = ReferralVisit,
    responses(
        (status = 204, description = "Counted, or ignored (an unknown code, the signed-in member's own). Sets the \
            visitor cookie (`quanzi_visitor`) when the browser has none and the referral cookie (`quanzi_ref`) when it \
            holds no valid one, both HttpOnly and SameSite=Lax; an answer that sets either is `Cache-Control: private, \
            no-store`",
         headers(("Set-Cookie" = String, description = "`quanzi_visitor=…; HttpOnly; SameSite=Lax; Path=/; Max-Age=34560000`, \
            `quanzi_ref=…; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000` (the referral window)"))),
        (status = 400, description = "`bad_json`, or `bad_referral_code`: `code` is not 8 Crockford base32 digits \
            (case, hyphens and the look-alikes I, L and O are forgiven)", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`: a write from another site", body = quanzi_api::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn record_visit(
    State(state): State<ReferralState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<ReferralVisit>,
) -> Result<(StatusCode, HeaderMap), AppError> {
    let code = parse_referral_code(&body.code).ok_or_else(|| {
        AppError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadReferralCode,
            "not a referral code: 8 letters and digits, like 7K3M9QXZ",
        )
    })?;
    let arrival = Arrival::read(code, &headers, state.scheme.secure());
    let cookies = arrive(&state, arrival).await?;
    let mut out = HeaderMap::new();
    // Not even the browser keeps this answer: there is nothing in it to reuse.
    append_cookies(&mut out, cookies, "private, no-store");
    Ok((StatusCode::NO_CONTENT, out))
}

/// The member a new sign-up is credited to: the code in the referral cookie if it names a
/// member, else the one in the body; never the member signed in on that browser (no
/// crediting yourself for your own second account), never a code nobody has.
pub async fn referrer_for_sign_up(
    conn: &mut AnyConnection,
    cookie: Option<&str>,
    body: Option<&str>,
    signed_in: Option<i64>,
) -> Result<Option<i64>, AppError> {
    for code in [cookie, body].into_iter().flatten() {
        match member_by_code(conn, code).await? {
            Some(referrer) if Some(referrer) != signed_in => return Ok(Some(referrer)),
            _ => {}
        }
    }
    Ok(None)
}

/// Credits a new member's sign-up to their referrer, inside the sign-up's transaction.
pub async fn credit_sign_up(
    conn: &mut AnyConnection,
    member_id: i64,
    referrer: i64,
    now_ms: i64,
) -> Result<(), AppError> {
    if referrer == member_id {
        return Ok(());
    }
    sqlx::query("UPDATE members SET referred_by = $2, referred_ms = $3 WHERE id = $1")
        .bind(member_id)
        .bind(referrer)
        .bind(now_ms)
        .execute(conn)
        .await?;
    Ok(())
}

/// The member an order is credited to: the code in the referral cookie if it names a
/// member, else the code the app sent with the order, else whoever referred the buyer at
/// sign-up; never the buyer themself.
pub async fn referrer_for_order(
    conn: &mut AnyConnection,
    buyer: i64,
    cookie: Option<&str>,
    body: Option<&str>,
) -> Result<Option<i64>, AppError> {
    for code in [cookie, body].into_iter().flatten() {
        match member_by_code(conn, code).await? {
            Some(referrer) if referrer != buyer => return Ok(Some(referrer)),
            _ => {}
        }
    }
    let referred_by: Option<Option<i64>> =
        sqlx::query_scalar("SELECT referred_by FROM members WHERE id = $1")
            .bind(buyer)
            .fetch_optional(conn)
            .await?;
    Ok(referred_by.flatten().filter(|referrer| *referrer != buyer))
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01, UTC).
fn day_string(day: i64) -> Result<String, AppError> {
    OffsetDateTime::from_unix_timestamp(day * 86_400)
        .map_err(AppError::internal)?
        .format(format_description!("[year]-[month]-[day]"))
        .map_err(AppError::internal)
}

/// One day's figures as summed by [`load_referrals`].
#[derive(Clone, Copy, Debug, Default)]
struct Figures {
    visits: i64,
    sign_ups: i64,
    orders: i64,
    order_value: i64,
    earnings: i64,
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// A member's code and results: totals over all time and the last [`REFERRAL_DAYS`]
/// UTC days (today last), zero-filled.
///
/// [`REFERRAL_DAYS`]: quanzi_api::REFERRAL_DAYS
pub async fn load_referrals(db: &Db, member_id: i64, now_ms: i64) -> Result<Referrals, AppError> {
    let code = code_of(&mut *db.pool().acquire().await?, member_id).await?;
    // Every kind of result is one branch of `events`, a row per day. Orders count on the
    // day they were paid, while their payment stands: a refunded order (a failed group)
    // earns nothing, and one still unpaid nothing yet. Earnings count on the day they were
    // earned (or, an adjustment, taken back). Sums are cast back to integers (PostgreSQL
    // sums integers as numeric).
    let rows = sqlx::query(
        "WITH events (day, visits, sign_ups, orders, order_value, earned) AS (
             SELECT day, count(*), 0, 0, 0, 0 FROM referral_visits
             WHERE referrer_id = $1 GROUP BY day
             UNION ALL
             SELECT referred_ms / 86400000, 0, count(*), 0, 0, 0 FROM members
             WHERE referred_by = $1 GROUP BY referred_ms / 86400000
             UNION ALL
             SELECT paid_ms / 86400000, 0, 0, count(*), CAST(sum(total) AS BIGINT), 0 FROM orders
             WHERE referrer_id = $1 AND payment = 'approved'
             GROUP BY paid_ms / 86400000
             UNION ALL
             SELECT created_ms / 86400000, 0, 0, 0, 0, CAST(sum(amount) AS BIGINT) FROM earnings
             WHERE member_id = $1 AND state <> 'cancelled'
             GROUP BY created_ms / 86400000
         )
         SELECT CAST(day AS BIGINT), CAST(sum(visits) AS BIGINT), CAST(sum(sign_ups) AS BIGINT),
                CAST(sum(orders) AS BIGINT), CAST(sum(order_value) AS BIGINT),
                CAST(sum(earned) AS BIGINT)
         FROM events GROUP BY day ORDER BY day",
    )
    .bind(member_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get::<i64, _>(0)?,
            Figures {
                visits: r.try_get(1)?,
                sign_ups: r.try_get(2)?,
                orders: r.try_get(3)?,
                order_value: r.try_get(4)?,
                earnings: r.try_get(5)?,
            },
        ))
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let mut total = Figures::default();
    for (_, f) in &rows {
        total.visits += f.visits;
        total.sign_ups += f.sign_ups;
        total.orders += f.orders;
        total.order_value += f.order_value;
    }
    let today = now_ms.div_euclid(DAY_MS);
    let shown = quanzi_api::REFERRAL_DAYS as i64;
    let mut days = Vec::with_capacity(quanzi_api::REFERRAL_DAYS);
    for day in today - shown + 1..=today {
        let f = rows
            .iter()
            .find(|(d, _)| *d == day)
            .map(|(_, f)| *f)
            .unwrap_or_default();
        days.push(ReferralDay {
            date: day_string(day)?,
            visits: count(f.visits),
            sign_ups: count(f.sign_ups),
            orders: count(f.orders),
            order_value: Money::cny(f.order_value),
            earnings: Money::cny(f.earnings),
        });
    }
    Ok(Referrals {
        code,
        visits: count(total.visits),
        sign_ups: count(total.sign_ups),
        orders: count(total.orders),
        order_value: Money::cny(total.order_value),
        days,
    })
}

/// The signed-in member's referral code and what it has brought: visits (one per visitor
/// and day), sign-ups, and paid orders credited to them with their value (by the day they
/// were paid; a refund takes an order off again); in all and for each of the last 30 UTC
/// days.
#[utoipa::path(
    get,
    path = "/account/referrals",
    tag = "account",
    responses(
        (status = 200, description = "The member's code and results; `days` holds the last 30 UTC days, \
            oldest first and today last, with zeros for days without results", body = Referrals),
        (status = 401, description = "`unauthenticated`: no live session", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn referrals(
    State(state): State<ReferralState>,
    SignedIn(member_id): SignedIn,
) -> Result<Json<Referrals>, AppError> {
    let referrals = load_referrals(&state.db, member_id, now_ms()).await?;
    Ok(Json(referrals))
}

/// Who a referral code belongs to, for the page a shared link opens ("{name} 推荐给你"):
/// their display name and picture. Nobody for an unknown code, and nobody for the reader's
/// own (a member opening their own link is not recommended anything by themselves).
#[utoipa::path(
    get,
    path = "/referrers/{code}",
    tag = "referrals",
    params(PathCode),
    responses(
        (status = 200, description = "The member the code belongs to", body = Referrer),
        (status = 400, description = "`bad_referral_code`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: nobody has this code, or it is the reader's own", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn referrer(
    State(state): State<ReferralState>,
    lang: Lang,
    Viewer(viewer): Viewer,
    PathCode(code): PathCode,
) -> Result<Json<Referrer>, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {AUTHOR_COLUMNS} FROM members m WHERE m.referral_code = $1"
    )))
    .bind(&code)
    .fetch_optional(&mut *conn)
    .await?;
    let author = row.map(|r| author(&r, 0, lang)).transpose()?;
    match author {
        Some(author) if Some(author.id) != viewer => Ok(Json(Referrer {
            name: author.name,
            avatar: author.avatar,
        })),
        _ => Err(AppError::not_found("no member to name for this code")),
    }
}

/// `/account/referrals` (a member's dashboard), `/referrals/visits` (visits the app
/// reports for codes that came by a host container's launch parameter) and
/// `/referrers/{code}` (who shared a link).
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    ReferralState: FromRef<S>,
    Db: FromRef<S>,
    Scheme: FromRef<S>,
{
    // The dashboard counts orders: a failed group's refunds are settled before it sums them.
    let dashboard = OpenApiRouter::new()
        .routes(routes!(referrals))
        .route_layer(axum::middleware::from_fn(expiry::settle_first));
    OpenApiRouter::new()
        .routes(routes!(record_visit))
        .routes(routes!(referrer))
        .merge(dashboard)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_codes_are_codes() -> Result<(), AppError> {
        for _ in 0..200 {
            let code = new_code()?;
            assert_eq!(code.len(), REFERRAL_CODE_LEN);
            assert_eq!(parse_referral_code(&code).as_deref(), Some(code.as_str()));
        }
        Ok(())
    }

    #[test]
    fn the_ref_is_found_in_the_query() {
        assert_eq!(query_code("ref=7k3m-9qxz").as_deref(), Some("7K3M9QXZ"));
        assert_eq!(
            query_code("next=%2Fme&ref=7K3M9QXZ&x=1").as_deref(),
            Some("7K3M9QXZ")
        );
        assert_eq!(query_code("ref=%37K3M9QXZ").as_deref(), Some("7K3M9QXZ"));
        for junk in [
            "",
            "ref=",
            "ref=7K3M9QX",
            "ref=%3Cb%3E",
            "rf=7K3M9QXZ",
            "ref=%EF%BC%97K3M9QXZ",
        ] {
            assert_eq!(query_code(junk), None, "{junk}");
        }
    }

    #[test]
    fn days_are_dates() -> Result<(), AppError> {
        assert_eq!(day_string(0)?, "1970-01-01");
        assert_eq!(day_string(20_000)?, "2024-10-04");
        Ok(())
    }

    #[test]
    fn cookies_carry_the_promised_attributes() -> Result<(), AppError> {
        let plain = set_ref_cookie("7K3M9QXZ", 30, false)?;
        assert_eq!(
            plain.to_str().ok(),
            Some("quanzi_ref=7K3M9QXZ; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000")
        );
        let secure = set_visitor_cookie("abc", true)?;
        assert!(secure
            .to_str()
            .is_ok_and(|v| v.starts_with("__Host-quanzi_visitor=abc;") && v.ends_with("; Secure")));
        Ok(())
    }
}
