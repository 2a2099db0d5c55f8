//! Validation of what arrives in URLs: ids, slugs and feed parameters. Everything here
//! rejects with a 400 and a stable code, never a panic or a 500.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use quanzi_api::{ErrorCode, FEED_LIMIT_DEFAULT, FEED_LIMIT_MAX};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{RefOr, Required, Schema};
use utoipa::IntoParams;

use crate::http::error::AppError;

const MAX_CURSOR_LEN: usize = 64;

pub use quanzi_api::params::is_slug;

pub fn parse_id(raw: &str) -> Result<i64, AppError> {
    quanzi_api::params::parse_id(raw)
        .ok_or_else(|| AppError::bad_request(ErrorCode::BadId, "an id is a positive whole number"))
}

pub fn parse_slug(raw: &str) -> Result<&str, AppError> {
    if is_slug(raw) {
        Ok(raw)
    } else {
        Err(AppError::bad_request(
            ErrorCode::BadSlug,
            "a community slug is 1 to 64 of a-z, 0-9 and -",
        ))
    }
}

/// The query of a plain paged list (`?cursor=&limit=`).
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Opaque: the `next_cursor` of the previous page. Absent (or empty) for the first page.
    #[param(schema_with = quanzi_api::schema::cursor)]
    pub cursor: Option<String>,
    /// 1 to 50, default 10.
    #[param(schema_with = quanzi_api::schema::limit)]
    pub limit: Option<String>,
}

/// The query of a community's member list: its cursor is of another shape.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberPageQuery {
    /// Opaque: the `next_cursor` of the previous page. Absent (or empty) for the first page.
    #[param(schema_with = quanzi_api::schema::member_cursor)]
    pub cursor: Option<String>,
    /// 1 to 50, default 10.
    #[param(schema_with = quanzi_api::schema::limit)]
    pub limit: Option<String>,
}

/// The query of a product's open groups: its cursor is of another shape.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupPageQuery {
    /// Opaque: the `next_cursor` of the previous page. Absent (or empty) for the first page.
    #[param(schema_with = quanzi_api::schema::group_cursor)]
    pub cursor: Option<String>,
    /// 1 to 50, default 10.
    #[param(schema_with = quanzi_api::schema::limit)]
    pub limit: Option<String>,
}

/// The `{id}` of a route with one path parameter: 1 to 18 digits and ≥ 1, else 400
/// `bad_id` in the envelope. A segment that is not even valid UTF-8 once decoded is as
/// malformed as "abc".
#[derive(Clone, Copy, Debug)]
pub struct PathId(pub i64);

/// A required parameter of the OpenAPI document, its schema from the api crate.
pub fn parameter(
    name: &str,
    parameter_in: ParameterIn,
    description: &str,
    schema: impl Into<RefOr<Schema>>,
) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(parameter_in)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

/// The document's `{id}`: what [`parse_id`] accepts.
impl IntoParams for PathId {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![parameter(
            "id",
            ParameterIn::Path,
            "The id: 1 to 18 digits, greater than 0",
            quanzi_api::schema::id(),
        )]
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let raw = Path::<String>::from_request_parts(parts, state).await;
        parse_id(raw.as_ref().map_or("", |Path(raw)| raw)).map(PathId)
    }
}

/// The `{slug}` of a community route: `[a-z0-9-]{1,64}`, else 400 `bad_slug`.
#[derive(Clone, Debug)]
pub struct PathSlug(pub String);

/// The document's `{slug}`: what [`is_slug`] accepts.
impl IntoParams for PathSlug {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![parameter(
            "slug",
            ParameterIn::Path,
            "The community's slug",
            quanzi_api::schema::slug(),
        )]
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PathSlug {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let raw = Path::<String>::from_request_parts(parts, state).await;
        let slug = parse_slug(raw.as_ref().map_or("", |Path(raw)| raw))?;
        Ok(PathSlug(slug.to_owned()))
    }
}

/// The `{code}` of a referral route, as [`quanzi_api::parse_referral_code`] reads it,
/// else 400 `bad_referral_code`.
#[derive(Clone, Debug)]
pub struct PathCode(pub String);

impl IntoParams for PathCode {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![parameter(
            "code",
            ParameterIn::Path,
            "A member's referral code",
            quanzi_api::schema::referral_code(),
        )]
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PathCode {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let raw = Path::<String>::from_request_parts(parts, state).await;
        raw.ok()
            .and_then(|Path(raw)| quanzi_api::parse_referral_code(&raw))
            .map(PathCode)
            .ok_or_else(|| {
                AppError::bad_request(
                    ErrorCode::BadReferralCode,
                    "not a referral code: 8 letters and digits, like 7K3M9QXZ",
                )
            })
    }
}

/// The page size of a list: absent means the default; otherwise a decimal 1..=50.
pub fn parse_limit(raw: Option<&str>) -> Result<u32, AppError> {
    let Some(raw) = raw else {
        return Ok(FEED_LIMIT_DEFAULT);
    };
    let bad = || AppError::bad_request(ErrorCode::BadLimit, "limit is a whole number from 1 to 50");
    // Length first: a huge number must not even be parsed.
    if raw.is_empty() || raw.len() > 3 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match raw.parse::<u32>() {
        Ok(limit) if (1..=FEED_LIMIT_MAX).contains(&limit) => Ok(limit),
        _ => Err(bad()),
    }
}

/// A position in the feed: the last post seen, by creation time and id. Posts come newest
/// first, so the next page holds the posts strictly before this one in (time, id) order.
///
/// On the wire it is `{created_unix_ms}-{post_id}`, e.g. `1795250100000-42`. Clients treat
/// it as opaque.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub created_ms: i64,
    pub id: i64,
}

impl Cursor {
    /// Parses a cursor strictly: anything this server did not produce is `bad_cursor`. An
    /// empty cursor means "from the start", as when a client echoes an absent one.
    pub fn parse(raw: Option<&str>) -> Result<Option<Cursor>, AppError> {
        let raw = match raw {
            None | Some("") => return Ok(None),
            Some(raw) => raw,
        };
        let bad = || AppError::bad_request(ErrorCode::BadCursor, "the cursor is not valid");
        if raw.len() > MAX_CURSOR_LEN {
            return Err(bad());
        }
        let (ms, id) = raw.split_once('-').ok_or_else(bad)?;
        let digits = |s: &str, max: usize| {
            !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
        };
        // 16 digits of milliseconds reach past the year 2200; 18 digits of id fit an i64.
        if !digits(ms, 16) || !digits(id, quanzi_api::params::MAX_ID_DIGITS) {
            return Err(bad());
        }
        let created_ms = ms.parse::<i64>().map_err(|_| bad())?;
        let id = id.parse::<i64>().map_err(|_| bad())?;
        if id <= 0 {
            return Err(bad());
        }
        Ok(Some(Cursor { created_ms, id }))
    }

    pub fn encode(self) -> String {
        format!("{}-{}", self.created_ms, self.id)
    }
}

/// A list's position, as its `next_cursor` says it.
pub trait PageCursor {
    fn encode(self) -> String;
}

impl PageCursor for Cursor {
    fn encode(self) -> String {
        Cursor::encode(self)
    }
}

impl PageCursor for GroupCursor {
    fn encode(self) -> String {
        GroupCursor::encode(self)
    }
}

/// A page of a keyset listing read with one row more than `limit` (the sign that another
/// page follows): the page's rows, and the cursor after its last one when there is more.
pub fn keyset_page<T, C: PageCursor>(
    mut rows: Vec<T>,
    limit: u32,
    cursor_of: impl Fn(&T) -> C,
) -> (Vec<T>, Option<String>) {
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = rows
        .last()
        .filter(|_| has_more)
        .map(|row| cursor_of(row).encode());
    (rows, next)
}

/// Splits a cursor of `n` dash-separated decimal numbers, each within `max_digits`; `None`
/// for anything else.
fn cursor_numbers(raw: &str, max_digits: &[usize]) -> Option<Vec<i64>> {
    if raw.len() > MAX_CURSOR_LEN {
        return None;
    }
    let parts: Vec<&str> = raw.split('-').collect();
    if parts.len() != max_digits.len() {
        return None;
    }
    parts
        .iter()
        .zip(max_digits)
        .map(|(part, &max)| {
            let ok =
                !part.is_empty() && part.len() <= max && part.bytes().all(|b| b.is_ascii_digit());
            if ok {
                part.parse::<i64>().ok()
            } else {
                None
            }
        })
        .collect()
}

/// A position in a community's member list, which runs owners first, then moderators, then
/// members, each by join time: the last member seen, as `{rank}-{joined_ms}-{member_id}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberCursor {
    pub rank: i64,
    pub joined_ms: i64,
    pub member_id: i64,
}

impl MemberCursor {
    pub fn parse(raw: Option<&str>) -> Result<Option<MemberCursor>, AppError> {
        let raw = match raw {
            None | Some("") => return Ok(None),
            Some(raw) => raw,
        };
        let bad = || AppError::bad_request(ErrorCode::BadCursor, "the cursor is not valid");
        match cursor_numbers(raw, &[1, 16, quanzi_api::params::MAX_ID_DIGITS]).as_deref() {
            Some(&[rank, joined_ms, member_id]) if rank <= 2 && member_id > 0 => {
                Ok(Some(MemberCursor {
                    rank,
                    joined_ms,
                    member_id,
                }))
            }
            _ => Err(bad()),
        }
    }

    pub fn encode(self) -> String {
        format!("{}-{}-{}", self.rank, self.joined_ms, self.member_id)
    }
}

/// A position in a list of open groups, which runs closest to full first, then soonest
/// ending: the last group seen, as `{seats_left}-{deadline_ms}-{group_id}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupCursor {
    pub seats_left: i64,
    pub deadline_ms: i64,
    pub id: i64,
}

impl GroupCursor {
    pub fn parse(raw: Option<&str>) -> Result<Option<GroupCursor>, AppError> {
        let raw = match raw {
            None | Some("") => return Ok(None),
            Some(raw) => raw,
        };
        let bad = || AppError::bad_request(ErrorCode::BadCursor, "the cursor is not valid");
        match cursor_numbers(raw, &[2, 16, quanzi_api::params::MAX_ID_DIGITS]).as_deref() {
            Some(&[seats_left, deadline_ms, id]) if id > 0 => Ok(Some(GroupCursor {
                seats_left,
                deadline_ms,
                id,
            })),
            _ => Err(bad()),
        }
    }

    pub fn encode(self) -> String {
        format!("{}-{}-{}", self.seats_left, self.deadline_ms, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The OpenAPI document's cursor patterns accept exactly what the parsers accept.
    #[test]
    fn the_documents_cursor_patterns_say_what_the_parsers_say() {
        use quanzi_api::params::patterns;
        let values = [
            "",
            "1795250100000-42",
            "1795250100000-0",
            "0-1",
            "-1",
            "1-",
            "1-2-3",
            "a-1",
            "12345678901234567-1",
            "1234567890123456-1",
            "1-1234567890123456789",
            "1-000000000000000001",
            "1-0000000000000000001",
            "2-1795250100000-7",
            "3-1-1",
            "0-1-0",
            "0--1-1",
            "10-1-1",
            "0-1-1-1",
            " 1-1",
            "1-1 ",
            "１-1",
        ];
        let cursor = fancy_regex::Regex::new(patterns::CURSOR).expect("compiles");
        let member = fancy_regex::Regex::new(patterns::MEMBER_CURSOR).expect("compiles");
        let group = fancy_regex::Regex::new(patterns::GROUP_CURSOR).expect("compiles");
        for value in values.into_iter().chain(["12-1-1", "123-1-1", "01-5-9"]) {
            let parsed = GroupCursor::parse(Some(value)).is_ok();
            assert_eq!(
                group.is_match(value).ok(),
                Some(parsed),
                "group cursor {value:?}"
            );
            let parsed = Cursor::parse(Some(value)).is_ok();
            assert_eq!(
                cursor.is_match(value).ok(),
                Some(parsed),
                "cursor {value:?}"
            );
            let parsed = MemberCursor::parse(Some(value)).is_ok();
            assert_eq!(
                member.is_match(value).ok(),
                Some(parsed),
                "member cursor {value:?}"
            );
        }
    }

    /// The pay-for-me token's pattern says what `is_pay_token` says, and the OpenAPI
    /// document's token parameters declare it.
    #[test]
    fn the_pay_token_pattern_says_what_the_check_says() {
        use quanzi_api::params::{is_pay_token, patterns};
        let pattern = fancy_regex::Regex::new(patterns::PAY_TOKEN).expect("compiles");
        for value in [
            "AbCdEfGhIjKlMnOpQrStUv-_",
            "AbCdEfGhIjKlMnOpQrStUv-",
            "AbCdEfGhIjKlMnOpQrStUv-_x",
            "AbCdEfGhIjKlMnOpQrStUv+/",
            "",
        ] {
            assert_eq!(
                pattern.is_match(value).ok(),
                Some(is_pay_token(value)),
                "{value:?}"
            );
        }
        let document = crate::openapi_json();
        let declared = format!("\"pattern\": {}", serde_json::json!(patterns::PAY_TOKEN));
        assert_eq!(
            document.matches(&declared).count(),
            2,
            "both token parameters"
        );
    }

    #[test]
    fn ids() {
        assert_eq!(parse_id("1").ok(), Some(1));
        assert_eq!(parse_id("007").ok(), Some(7));
        assert_eq!(
            parse_id("999999999999999999").ok(),
            Some(999_999_999_999_999_999)
        );
        for bad in [
            "",
            "0",
            "000",
            "-1",
            "+1",
            "1.0",
            "abc",
            "1 ",
            "9999999999999999999",
            "١",
        ] {
            assert!(parse_id(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn slugs() {
        assert!(is_slug("mothers"));
        assert!(is_slug("a-1"));
        assert!(!is_slug(""));
        assert!(!is_slug("Mothers"));
        assert!(!is_slug("a_b"));
        assert!(!is_slug("a/b"));
        assert!(!is_slug(&"a".repeat(65)));
        assert!(is_slug(&"a".repeat(64)));
    }

    #[test]
    fn limits() {
        assert_eq!(parse_limit(None).ok(), Some(10));
        assert_eq!(parse_limit(Some("1")).ok(), Some(1));
        assert_eq!(parse_limit(Some("50")).ok(), Some(50));
        assert_eq!(parse_limit(Some("007")).ok(), Some(7));
        for bad in [
            "",
            "0",
            "51",
            "-1",
            "abc",
            "99999999999999999999",
            " 5",
            "5.0",
            "1e1",
        ] {
            assert!(parse_limit(Some(bad)).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = Cursor {
            created_ms: 1_795_250_100_000,
            id: 42,
        };
        assert_eq!(Cursor::parse(Some(&c.encode())).ok(), Some(Some(c)));
        assert_eq!(Cursor::parse(None).ok(), Some(None));
        assert_eq!(Cursor::parse(Some("")).ok(), Some(None));
        for bad in [
            "abc",
            "-",
            "1-",
            "-1",
            "1-0",
            "1--2",
            "1-2-3",
            "a-1",
            "1-a",
            " 1-2",
            "99999999999999999-1",
            "1-9999999999999999999",
            &"1".repeat(65),
        ] {
            assert!(
                Cursor::parse(Some(bad)).is_err(),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn member_cursors_round_trip_and_garbage_is_refused() {
        let c = MemberCursor {
            rank: 2,
            joined_ms: 1_795_250_100_000,
            member_id: 7,
        };
        assert_eq!(MemberCursor::parse(Some(&c.encode())).ok(), Some(Some(c)));
        assert_eq!(MemberCursor::parse(Some("")).ok(), Some(None));
        for bad in [
            "1-2", "3-1-1", "0-1-0", "a-1-1", "0--1-1", "0-1-1-1", "10-1-1",
        ] {
            assert!(
                MemberCursor::parse(Some(bad)).is_err(),
                "{bad:?} should be refused"
            );
        }
    }
}
