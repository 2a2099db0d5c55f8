//! Who belongs to which community, and as what: `POST`/`DELETE
//! /communities/{slug}/membership` (join, leave) and `GET /communities/{slug}/members`.
//! Owners and moderators may delete others' posts and comments in their community.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use quanzi_api::{Author, CommunityMember, CommunityRef, ErrorCode, Membership, Page, Role};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::params::{parse_limit, MemberCursor, MemberPageQuery, PathSlug};
use crate::members::session::SignedIn;
use crate::storage::db::{now_ms, Db};
use crate::storage::rows::author;
use crate::storage::rows::AUTHOR_COLUMNS;

/// How many faces a community shows.
pub const FACES: i64 = 5;

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Owner => "owner",
        Role::Moderator => "moderator",
        Role::Member => "member",
    }
}

/// A stored role; the schema allows only the three, so anything else is our bug.
pub fn parse_role(raw: &str) -> Result<Role, AppError> {
    match raw {
        "owner" => Ok(Role::Owner),
        "moderator" => Ok(Role::Moderator),
        "member" => Ok(Role::Member),
        other => Err(AppError::internal(format_args!(
            "unknown stored role {other:?}"
        ))),
    }
}

/// A community's id and localised name by slug; 404 when there is none.
pub async fn community_by_slug(
    conn: &mut AnyConnection,
    slug: &str,
    lang: Lang,
) -> Result<(i64, CommunityRef), AppError> {
    let row = sqlx::query("SELECT id, slug, name_zh, name_en FROM communities WHERE slug = $1")
        .bind(slug)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| AppError::not_found("no such community"))?;
    Ok((
        row.try_get(0)?,
        CommunityRef {
            slug: row.try_get(1)?,
            name: lang.pick(row.try_get(2)?, row.try_get(3)?),
        },
    ))
}

/// A member's role in a community, if they belong to it.
pub async fn role_of(
    conn: &mut AnyConnection,
    community_id: i64,
    member_id: i64,
) -> Result<Option<Role>, AppError> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM memberships WHERE community_id = $1 AND member_id = $2",
    )
    .bind(community_id)
    .bind(member_id)
    .fetch_optional(conn)
    .await?;
    role.as_deref().map(parse_role).transpose()
}

/// Whether `viewer` may delete what `author_id` wrote in the community: their own, or
/// anyone's when they moderate it.
pub async fn may_delete(
    conn: &mut AnyConnection,
    community_id: i64,
    author_id: i64,
    viewer: Option<i64>,
) -> Result<bool, AppError> {
    let Some(viewer) = viewer else {
        return Ok(false);
    };
    if viewer == author_id {
        return Ok(true);
    }
    Ok(role_of(conn, community_id, viewer)
        .await?
        .is_some_and(Role::moderates))
}

/// The communities `viewer` moderates: where they may delete anyone's posts and comments.
pub async fn moderated_by(
    conn: &mut AnyConnection,
    viewer: i64,
) -> Result<std::collections::HashSet<i64>, AppError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT community_id, role FROM memberships WHERE member_id = $1")
            .bind(viewer)
            .fetch_all(conn)
            .await?;
    let mut moderated = std::collections::HashSet::new();
    for (community_id, role) in rows {
        if parse_role(&role)?.moderates() {
            moderated.insert(community_id);
        }
    }
    Ok(moderated)
}

/// The most recent joiners, newest first.
pub async fn faces(
    conn: &mut AnyConnection,
    community_id: i64,
    lang: Lang,
) -> Result<Vec<Author>, AppError> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {AUTHOR_COLUMNS} FROM memberships ms JOIN members m ON m.id = ms.member_id
         WHERE ms.community_id = $1
         ORDER BY ms.joined_ms DESC, ms.member_id DESC LIMIT $2"
    )))
    .bind(community_id)
    .bind(FACES)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| author(r, 0, lang))
        .collect::<Result<_, _>>()?)
}

/// Adds a member (idempotent: a member keeps the role they have). The community's
/// `member_count` moves in the same transaction; the insert decides, so two joins at once
/// count one member.
pub async fn join_community(db: &Db, community_id: i64, member_id: i64) -> Result<Role, AppError> {
    let mut tx = db.write().await?;
    let joined = sqlx::query(
        "INSERT INTO memberships (community_id, member_id, role, joined_ms)
         VALUES ($1, $2, 'member', $3) ON CONFLICT DO NOTHING",
    )
    .bind(community_id)
    .bind(member_id)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if joined == 0 {
        let role = role_of(&mut tx, community_id, member_id).await?;
        return role.ok_or_else(|| AppError::internal("a membership both exists and does not"));
    }
    sqlx::query("UPDATE communities SET member_count = member_count + 1 WHERE id = $1")
        .bind(community_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Role::Member)
}

/// Joins a community. Joining again changes nothing and answers with the role held.
#[utoipa::path(
    post,
    path = "/communities/{slug}/membership",
    tag = "communities",
    params(
        PathSlug,
        ("Accept-Language" = Option<String>, Header, description = "`en…` for English; Chinese otherwise"),
    ),
    responses(
        (status = 200, description = "The membership (new, or the one already held)", body = Membership),
        (status = 400, description = "`bad_slug`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such community", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn join(
    State(db): State<Db>,
    lang: Lang,
    SignedIn(member_id): SignedIn,
    PathSlug(slug): PathSlug,
) -> Result<Json<Membership>, AppError> {
    let (community_id, community) =
        community_by_slug(&mut *db.pool().acquire().await?, &slug, lang).await?;
    let role = join_community(&db, community_id, member_id).await?;
    Ok(Json(Membership { community, role }))
}

/// Leaves a community. The owner cannot leave (a community always has one).
#[utoipa::path(
    delete,
    path = "/communities/{slug}/membership",
    tag = "communities",
    params(PathSlug),
    responses(
        (status = 204, description = "Left"),
        (status = 400, description = "`bad_slug`", body = quanzi_api::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = quanzi_api::ApiErrorBody),
        (status = 403, description = "`bad_origin`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such community", body = quanzi_api::ApiErrorBody),
        (status = 409, description = "`not_a_member`, or `owner_cannot_leave`", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    ),
    security(("session" = []))
)]
pub async fn leave(
    State(db): State<Db>,
    SignedIn(member_id): SignedIn,
    PathSlug(slug): PathSlug,
) -> Result<StatusCode, AppError> {
    let mut tx = db.write().await?;
    let (community_id, _) = community_by_slug(&mut tx, &slug, Lang::Zh).await?;
    match role_of(&mut tx, community_id, member_id).await? {
        None => {
            return Err(AppError::conflict(
                ErrorCode::NotAMember,
                "you are not a member of this community",
            ))
        }
        Some(Role::Owner) => {
            return Err(AppError::conflict(
                ErrorCode::OwnerCannotLeave,
                "the owner cannot leave their community",
            ))
        }
        Some(_) => {}
    }
    let left = sqlx::query("DELETE FROM memberships WHERE community_id = $1 AND member_id = $2")
        .bind(community_id)
        .bind(member_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    // The delete decides: of two leaves at once, only the one that removed the row counts.
    if left == 0 {
        return Err(AppError::conflict(
            ErrorCode::NotAMember,
            "you are not a member of this community",
        ));
    }
    sqlx::query(
        "UPDATE communities SET member_count = CASE WHEN member_count > 0 THEN member_count - 1 ELSE 0 END
         WHERE id = $1",
    )
    .bind(community_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Owners first, then moderators, then members, each by join time.
const RANK: &str = "CASE ms.role WHEN 'owner' THEN 0 WHEN 'moderator' THEN 1 ELSE 2 END";

/// A page of a community's members: owners, then moderators, then members by join time.
#[utoipa::path(
    get,
    path = "/communities/{slug}/members",
    tag = "communities",
    params(
        PathSlug,
        MemberPageQuery,
    ),
    responses(
        (status = 200, description = "A page of members", body = Page<CommunityMember>),
        (status = 400, description = "`bad_slug`, `bad_limit`, `bad_cursor` or `bad_request`", body = quanzi_api::ApiErrorBody),
        (status = 404, description = "`not_found`: no such community", body = quanzi_api::ApiErrorBody),
        (status = 500, description = "`internal`", body = quanzi_api::ApiErrorBody),
    )
)]
pub async fn list_members(
    State(db): State<Db>,
    lang: Lang,
    PathSlug(slug): PathSlug,
    query: Result<Query<MemberPageQuery>, QueryRejection>,
) -> Result<Json<Page<CommunityMember>>, AppError> {
    let Query(query) = query.map_err(|_| {
        AppError::bad_request(ErrorCode::BadRequest, "the query string is malformed")
    })?;
    let limit = parse_limit(query.limit.as_deref())?;
    let after = MemberCursor::parse(query.cursor.as_deref())?.unwrap_or(MemberCursor {
        rank: -1,
        joined_ms: i64::MIN,
        member_id: i64::MIN,
    });
    let mut conn = db.pool().acquire().await?;
    let (community_id, _) = community_by_slug(&mut conn, &slug, lang).await?;
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {AUTHOR_COLUMNS}, ms.role, {RANK} AS rank, ms.joined_ms
         FROM memberships ms JOIN members m ON m.id = ms.member_id
         WHERE ms.community_id = $1 AND ({RANK}, ms.joined_ms, ms.member_id) > ($2, $3, $4)
         ORDER BY rank, ms.joined_ms, ms.member_id LIMIT $5"
    )))
    .bind(community_id)
    .bind(after.rank)
    .bind(after.joined_ms)
    .bind(after.member_id)
    .bind(i64::from(limit) + 1)
    .fetch_all(&mut *conn)
    .await?;
    let has_more = rows.len() > limit as usize;
    let mut items = Vec::with_capacity(rows.len());
    let mut next_cursor = None;
    for row in rows.iter().take(limit as usize) {
        let member = author(row, 0, lang)?;
        next_cursor = Some(MemberCursor {
            rank: row.try_get(8)?,
            joined_ms: row.try_get(9)?,
            member_id: member.id,
        });
        items.push(CommunityMember {
            member,
            role: parse_role(&row.try_get::<String, _>(7)?)?,
        });
    }
    let page = Page {
        items,
        next_cursor: next_cursor.filter(|_| has_more).map(MemberCursor::encode),
    };
    Ok(Json(page))
}
